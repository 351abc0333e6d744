-- The erasure rate limits (erasure/limits.rs) count a user's previews and requests of
-- the last minute, newest first: indexes on (user, created_at) serve that without
-- reading the user's whole history. They replace the user-only indexes (the foreign
-- keys stay indexed, by the leading column).
CREATE INDEX erasures_actor_created ON erasures (actor_user_id, created_at);
DROP INDEX erasures_actor;
CREATE INDEX erasure_requests_requester_created ON erasure_requests (requester_id, created_at);
DROP INDEX erasure_requests_requester;
