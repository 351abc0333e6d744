-- Bulk erasure jobs (issue 5). A confirmed erasure is a job: the `erasures` row says
-- how far it got (done/total), the members say what is left. Workers of any server
-- instance claim members batch by batch; these columns and indexes serve them and
-- the job list. Ids, counts and times only.

-- When a worker first took the job, and when it ended (done or failed).
ALTER TABLE erasures ADD COLUMN started_at BIGINT;
ALTER TABLE erasures ADD COLUMN finished_at BIGINT;
-- Batches that failed (rolled back); the job is marked failed after a few.
ALTER TABLE erasures ADD COLUMN failures BIGINT NOT NULL DEFAULT 0;

-- The job list: a cabinet's jobs, newest first, keyset on (created_at, id).
CREATE INDEX erasures_jobs ON erasures (cabinet_id, created_at DESC, id DESC);

-- Claiming the next batch: the members not done yet, in target order.
DROP INDEX erasure_members_pending;
CREATE INDEX erasure_members_todo ON erasure_members (erasure_id, done, target_id);
