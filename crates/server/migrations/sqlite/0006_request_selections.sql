-- Erasure requests for a whole selection (issue 5): a salesperson or team lead asks
-- for the erasure of every record of a selection (ids, or filter + exclusions), which
-- the server resolves at request time, within the requester's scope, into the set of
-- members stored here. Approving previews exactly that set, never the filter again.
-- Ids and counts only: the filter itself is not kept (a search term can be a name).

-- `target_id` becomes optional (NULL for a selection) and the request says how many
-- records it covers. SQLite cannot drop a NOT NULL constraint: the table is rebuilt
-- (nothing references it by foreign key).
CREATE TABLE erasure_requests_new (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    requester_id TEXT NOT NULL REFERENCES users (id),
    action TEXT NOT NULL,
    -- contacts | projects: the one record, or what the members are.
    target_kind TEXT NOT NULL,
    -- The one record of a single-record request; NULL for a selection.
    target_id TEXT,
    -- Free text from the requester; blanked once the erasure has run.
    reason TEXT,
    -- open | approved | rejected | done
    status TEXT NOT NULL,
    decided_by TEXT REFERENCES users (id),
    decided_at BIGINT,
    decision_reason TEXT,
    erasure_id TEXT REFERENCES erasures (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- Records the request covers: 1, or the members of the selection (last, as the
    -- column PostgreSQL adds).
    member_count BIGINT NOT NULL DEFAULT 1
);
INSERT INTO erasure_requests_new (id, cabinet_id, requester_id, action, target_kind, target_id,
    reason, status, decided_by, decided_at, decision_reason, erasure_id, created_at, updated_at,
    member_count)
SELECT id, cabinet_id, requester_id, action, target_kind, target_id, reason, status, decided_by,
    decided_at, decision_reason, erasure_id, created_at, updated_at, 1
FROM erasure_requests;
DROP TABLE erasure_requests;
ALTER TABLE erasure_requests_new RENAME TO erasure_requests;
CREATE INDEX erasure_requests_cabinet ON erasure_requests (cabinet_id, status, created_at);
CREATE INDEX erasure_requests_requester ON erasure_requests (requester_id);
CREATE INDEX erasure_requests_decided_by ON erasure_requests (decided_by);
CREATE INDEX erasure_requests_erasure ON erasure_requests (erasure_id);

-- The records a selection request covers, as resolved when it was made.
CREATE TABLE erasure_request_members (
    request_id TEXT NOT NULL REFERENCES erasure_requests (id),
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    -- A contact or project id; no foreign key, since the record may go away.
    target_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (request_id, target_id)
);
-- Every foreign key is indexed (the tenant's, as for erasure_members).
CREATE INDEX erasure_request_members_cabinet ON erasure_request_members (cabinet_id);
