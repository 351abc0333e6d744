-- The members of an erasure are claimed forward from the last claimed target
-- (erasure.rs, `claim`), which the primary key (erasure_id, target_id) serves. The
-- (erasure_id, done, target_id) index only cost: every preview wrote one more index
-- entry per member (100,000 for a large selection), and every member marked done
-- rewrote its entry, so the update could not stay on its page (HOT on PostgreSQL).
DROP INDEX erasure_members_todo;
