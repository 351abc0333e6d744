-- Two-step erasures (preview with a single-use token, then confirm), the set of
-- records each one resolved to at preview time, and erasure requests by sales and
-- team leads. Ids and counts only: nothing here is about the person.

CREATE TABLE erasures (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    actor_user_id TEXT NOT NULL REFERENCES users (id),
    -- anonymize | delete
    action TEXT NOT NULL,
    -- contacts | projects: what the members are.
    member_kind TEXT NOT NULL,
    -- SHA-256 of the confirmation token; NULL once used.
    token_hash TEXT,
    expires_at BIGINT NOT NULL,
    -- previewed | pending | running | done | failed
    status TEXT NOT NULL,
    preview TEXT NOT NULL,
    total BIGINT NOT NULL,
    done BIGINT NOT NULL DEFAULT 0,
    request_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX erasures_cabinet ON erasures (cabinet_id, created_at);
CREATE INDEX erasures_actor ON erasures (actor_user_id);
CREATE INDEX erasures_status ON erasures (status);

CREATE TABLE erasure_members (
    erasure_id TEXT NOT NULL REFERENCES erasures (id),
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    -- A contact or project id; no foreign key, since the record goes away.
    target_id TEXT NOT NULL,
    done BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (erasure_id, target_id)
);
CREATE INDEX erasure_members_cabinet ON erasure_members (cabinet_id);
CREATE INDEX erasure_members_pending ON erasure_members (erasure_id, done);

CREATE TABLE erasure_requests (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    requester_id TEXT NOT NULL REFERENCES users (id),
    action TEXT NOT NULL,
    -- contacts | projects, and the one id concerned.
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    -- Free text from the requester; blanked once the erasure has run.
    reason TEXT,
    -- open | approved | rejected | done
    status TEXT NOT NULL,
    decided_by TEXT REFERENCES users (id),
    decided_at BIGINT,
    decision_reason TEXT,
    erasure_id TEXT REFERENCES erasures (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX erasure_requests_cabinet ON erasure_requests (cabinet_id, status, created_at);
CREATE INDEX erasure_requests_requester ON erasure_requests (requester_id);
CREATE INDEX erasure_requests_decided_by ON erasure_requests (decided_by);
CREATE INDEX erasure_requests_erasure ON erasure_requests (erasure_id);
