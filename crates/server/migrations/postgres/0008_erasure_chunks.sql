-- The set an erasure preview resolves its selection to is stored in chunks of ids, not
-- one row per member (issue 5, preview ≤ 1 s): a 100,000-contact preview wrote 100,000
-- member rows, each with its primary-key and tenant index entries and two foreign-key
-- checks, which was most of its time. A chunk holds up to 50 ids (erasure.rs, CHUNK) as
-- a JSON array, which SQL can read with json_each (SQLite) or json_array_elements_text
-- (PostgreSQL). A worker claims whole chunks and marks a chunk done in the transaction
-- that erases its members, so a crash leaves each chunk either done with all its
-- members erased or not done with none of them erased.
-- Ids, counts and times only.
CREATE TABLE erasure_chunks (
    erasure_id TEXT NOT NULL REFERENCES erasures (id),
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    -- 0, 1, 2 … (the ids in order across chunks): claims go forward through them.
    seq BIGINT NOT NULL,
    -- How many ids `target_ids` holds.
    size BIGINT NOT NULL,
    -- Contact or project ids, a JSON array of strings; no foreign key, since the
    -- records go away.
    target_ids TEXT NOT NULL,
    done BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (erasure_id, seq)
);
-- Every foreign key is indexed (the tenant's, as elsewhere).
CREATE INDEX erasure_chunks_cabinet ON erasure_chunks (cabinet_id);

-- Jobs not finished when this migration runs keep the members they still have to do.
INSERT INTO erasure_chunks (erasure_id, cabinet_id, seq, size, target_ids, done, created_at,
    updated_at)
SELECT erasure_id, cabinet_id, seq, COUNT(*), json_agg(target_id)::text, 0,
    MIN(created_at), MAX(updated_at)
FROM (
    SELECT m.erasure_id, m.cabinet_id, m.target_id, m.created_at, m.updated_at,
        (ROW_NUMBER() OVER (PARTITION BY m.erasure_id ORDER BY m.target_id) - 1) / 50 AS seq
    FROM erasure_members m
    JOIN erasures e ON e.id = m.erasure_id
    WHERE m.done = 0 AND e.status IN ('previewed', 'pending', 'running')
) AS todo
GROUP BY erasure_id, cabinet_id, seq;

DROP TABLE erasure_members;
