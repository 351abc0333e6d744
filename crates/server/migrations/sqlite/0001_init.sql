-- Oubli schema, SQLite dialect. Kept column-for-column identical to the PostgreSQL
-- migration so one query builder serves both. Timestamps are BIGINT milliseconds since
-- the Unix epoch (UTC), dates are TEXT 'YYYY-MM-DD', booleans BIGINT 0/1, money BIGINT
-- cents. Every table carries cabinet_id (tenant sharding key); every foreign key is
-- indexed (erasure cascades and tenant filters depend on it).

CREATE TABLE cabinets (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    retention_months BIGINT NOT NULL DEFAULT 36,
    -- Per-cabinet change sequence for offline sync.
    change_seq BIGINT NOT NULL DEFAULT 0,
    -- Head of the audit hash chain.
    audit_seq BIGINT NOT NULL DEFAULT 0,
    audit_head TEXT NOT NULL DEFAULT '',
    -- Key for the keyed hashes of the opposition (suppression) list.
    hmac_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX cabinets_name ON cabinets (name);

CREATE TABLE teams (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX teams_cabinet ON teams (cabinet_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    team_id TEXT REFERENCES teams (id),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_cabinet ON users (cabinet_id, team_id);
CREATE INDEX users_team ON users (team_id);

CREATE TABLE sessions (
    -- SHA-256 of the cookie token: a database leak does not leak live sessions.
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_cabinet ON sessions (cabinet_id);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    civility TEXT,
    first_name TEXT,
    last_name TEXT,
    company_name TEXT,
    siret TEXT,
    email TEXT,
    mobile_phone TEXT,
    landline_phone TEXT,
    street TEXT,
    postal_code TEXT,
    city TEXT,
    birth_date TEXT,
    status TEXT NOT NULL,
    supplier TEXT,
    lead_cost_cents BIGINT,
    lead_purchased_on TEXT,
    assigned_to TEXT REFERENCES users (id),
    lawful_basis TEXT,
    lawful_basis_source TEXT,
    comment TEXT,
    last_inbound_at BIGINT,
    opposition_at BIGINT,
    opposition_channel TEXT,
    anonymized_at BIGINT,
    change_seq BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX contacts_list ON contacts (cabinet_id, created_at DESC, id DESC);
CREATE INDEX contacts_assigned ON contacts (assigned_to, created_at DESC, id DESC);
CREATE INDEX contacts_status ON contacts (cabinet_id, status, created_at);
CREATE INDEX contacts_change ON contacts (cabinet_id, change_seq);

CREATE TABLE household_members (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    contact_id TEXT NOT NULL REFERENCES contacts (id),
    first_name TEXT,
    last_name TEXT,
    relation TEXT,
    birth_date TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX household_cabinet ON household_members (cabinet_id);
CREATE INDEX household_contact ON household_members (contact_id);

CREATE TABLE projects (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    contact_id TEXT NOT NULL REFERENCES contacts (id),
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    supplier TEXT,
    assigned_to TEXT REFERENCES users (id),
    comment TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX projects_list ON projects (cabinet_id, created_at DESC, id DESC);
CREATE INDEX projects_contact ON projects (contact_id);
CREATE INDEX projects_assigned ON projects (assigned_to);
CREATE INDEX projects_status ON projects (cabinet_id, status, created_at);

CREATE TABLE beneficiaries (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    project_id TEXT NOT NULL REFERENCES projects (id),
    position BIGINT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    birth_date TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX beneficiaries_cabinet ON beneficiaries (cabinet_id);
CREATE INDEX beneficiaries_project ON beneficiaries (project_id);

CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    project_id TEXT NOT NULL REFERENCES projects (id),
    position BIGINT NOT NULL,
    nir TEXT,
    code_organisme TEXT,
    iban TEXT,
    bic TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX subscriptions_cabinet ON subscriptions (cabinet_id);
CREATE INDEX subscriptions_project ON subscriptions (project_id);

CREATE TABLE contracts (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    project_id TEXT NOT NULL REFERENCES projects (id),
    -- Denormalised from the project: scope checks and cascades without a join.
    contact_id TEXT NOT NULL REFERENCES contacts (id),
    insurer TEXT NOT NULL,
    product TEXT,
    monthly_premium_cents BIGINT NOT NULL DEFAULT 0,
    start_date TEXT,
    end_date TEXT,
    status TEXT NOT NULL,
    nir TEXT,
    code_organisme TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX contracts_list ON contracts (cabinet_id, created_at DESC, id DESC);
CREATE INDEX contracts_project ON contracts (project_id);
CREATE INDEX contracts_contact ON contracts (contact_id, status);

CREATE TABLE insured_persons (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    contract_id TEXT NOT NULL REFERENCES contracts (id),
    position BIGINT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    birth_date TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX insured_cabinet ON insured_persons (cabinet_id);
CREATE INDEX insured_contract ON insured_persons (contract_id);

-- Every kind of activity around a contact in one table: erasure deletes them by
-- contact in one statement, and the kind column says which fields matter.
CREATE TABLE activities (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    contact_id TEXT NOT NULL REFERENCES contacts (id),
    kind TEXT NOT NULL,
    author_id TEXT REFERENCES users (id),
    assigned_to TEXT REFERENCES users (id),
    title TEXT,
    body TEXT,
    occurred_at BIGINT,
    direction TEXT,
    due_date TEXT,
    done BIGINT,
    starts_at BIGINT,
    ends_at BIGINT,
    location TEXT,
    amount_cents BIGINT,
    signed BIGINT,
    channel TEXT,
    recipient TEXT,
    file_name TEXT,
    content_type TEXT,
    size_bytes BIGINT,
    -- Name of the file in the blob directory (random, never derived from the upload).
    blob_key TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX activities_contact ON activities (contact_id, kind, created_at DESC, id DESC);
CREATE INDEX activities_cabinet ON activities (cabinet_id, kind);
CREATE INDEX activities_author ON activities (author_id);
CREATE INDEX activities_assigned ON activities (assigned_to);

CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    contact_id TEXT NOT NULL REFERENCES contacts (id),
    purpose TEXT NOT NULL,
    granted BIGINT NOT NULL,
    source TEXT NOT NULL,
    actor_user_id TEXT REFERENCES users (id),
    cgu_version_id TEXT,
    cgu_sha256 TEXT,
    checkbox_label TEXT,
    origin_page TEXT,
    ip TEXT,
    user_agent TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX consents_contact ON consents (contact_id, created_at);
CREATE INDEX consents_cabinet ON consents (cabinet_id);
CREATE INDEX consents_actor ON consents (actor_user_id);

-- Keyed hashes (HMAC-SHA256) of the email and phone of people who objected, so a
-- later submission of the same person is flagged. Nothing else about the person.
CREATE TABLE suppressions (
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    hmac TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (cabinet_id, hmac)
);

-- Id-only records of contacts that left a user's view (erased, deleted, reassigned),
-- for the offline cache. user_id/team_id: whose cache must purge it.
CREATE TABLE tombstones (
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    seq BIGINT NOT NULL,
    contact_id TEXT NOT NULL,
    user_id TEXT,
    team_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (cabinet_id, seq, contact_id)
);

-- Append-only, hash-chained per cabinet. Ids and counts only.
CREATE TABLE audit_log (
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor_user_id TEXT,
    action TEXT NOT NULL,
    target_kind TEXT,
    target_id TEXT,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (cabinet_id, seq)
);
