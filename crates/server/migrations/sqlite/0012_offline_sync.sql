-- Offline sync (issue 17). scope_seq: the cabinet's change sequence when what the user
-- may see last changed (role, team, activation, or a member joining or leaving the
-- user's team); a sync cursor older than it answers `reset`. sync_key: the base64 of
-- 32 random bytes that wraps the offline cache's key for online reloads
-- (GET /sync/key); made on first ask, dropped when the password changes or the
-- account is deactivated, so that a new one is made.
ALTER TABLE users ADD COLUMN scope_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN sync_key TEXT;
-- Sync pages are keyset on (change_seq, id) within the cabinet.
CREATE INDEX contacts_change_id ON contacts (cabinet_id, change_seq, id);
DROP INDEX contacts_change;
