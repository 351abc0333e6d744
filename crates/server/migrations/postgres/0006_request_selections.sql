-- Erasure requests for a whole selection (issue 5): a salesperson or team lead asks
-- for the erasure of every record of a selection (ids, or filter + exclusions), which
-- the server resolves at request time, within the requester's scope, into the set of
-- members stored here. Approving previews exactly that set, never the filter again.
-- Ids and counts only: the filter itself is not kept (a search term can be a name).

-- The one record of a single-record request; NULL for a selection.
ALTER TABLE erasure_requests ALTER COLUMN target_id DROP NOT NULL;
-- Records the request covers: 1, or the members of the selection.
ALTER TABLE erasure_requests ADD COLUMN member_count BIGINT NOT NULL DEFAULT 1;

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
