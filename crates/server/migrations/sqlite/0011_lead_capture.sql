-- Lead capture (PRODUCT.md §5, §9; API.md "Administration", "Public lead capture"):
-- CGU versions, widgets, supplier API keys, the bookkeeping of received leads, and
-- the proof columns a widget's consent adds. Same columns on both backends.

-- Immutable once written (no route edits them): a consent record names its version
-- and the SHA-256 of the text. One current version per cabinet, kept by the index.
CREATE TABLE cgu_versions (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    is_current BIGINT NOT NULL DEFAULT 0,
    created_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX cgu_versions_cabinet ON cgu_versions (cabinet_id, created_at);
CREATE UNIQUE INDEX cgu_versions_current ON cgu_versions (cabinet_id) WHERE is_current = 1;
CREATE INDEX cgu_versions_creator ON cgu_versions (created_by);

CREATE TABLE widgets (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    -- Public (in the snippet), random, unique across cabinets.
    public_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    -- JSON array of origins ("https://exemple.fr").
    allowed_origins TEXT NOT NULL,
    project_type TEXT NOT NULL,
    supplier TEXT,
    routing_mode TEXT NOT NULL,
    routing_user_id TEXT REFERENCES users (id),
    routing_team_id TEXT REFERENCES teams (id),
    -- Round-robin position: the number of leads routed in turn so far.
    routing_cursor BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX widgets_public_key ON widgets (public_key);
CREATE INDEX widgets_cabinet ON widgets (cabinet_id, created_at);
CREATE INDEX widgets_routing_user ON widgets (routing_user_id);
CREATE INDEX widgets_routing_team ON widgets (routing_team_id);

-- Supplier keys: the secret is never stored, only its SHA-256 (a 256-bit random
-- secret needs no slow hash) and a short prefix to tell keys apart.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    name TEXT NOT NULL,
    supplier TEXT NOT NULL,
    prefix TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL,
    -- Its leads go to the whole cabinet in turn: the position, as for widgets.
    routing_cursor BIGINT NOT NULL DEFAULT 0,
    last_used_at BIGINT,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX api_keys_secret ON api_keys (secret_sha256);
CREATE INDEX api_keys_cabinet ON api_keys (cabinet_id, created_at);

-- One row per lead taken (not per refused or silently dropped submission): the
-- replay of an Idempotency-Key or a supplier's external id answers from here. The
-- contact and project ids are plain ids, not foreign keys: a deleted lead leaves its
-- receipt (ids only, nothing about the person), and the supplier's external id is
-- kept as a SHA-256, never as sent.
CREATE TABLE lead_receipts (
    id TEXT PRIMARY KEY NOT NULL,
    cabinet_id TEXT NOT NULL REFERENCES cabinets (id),
    widget_id TEXT REFERENCES widgets (id),
    api_key_id TEXT REFERENCES api_keys (id),
    idempotency_key TEXT,
    external_ref TEXT,
    contact_id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    lead_cost_cents BIGINT,
    opposition_match BIGINT NOT NULL DEFAULT 0,
    known_contact BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX lead_receipts_widget_key ON lead_receipts (widget_id, idempotency_key);
CREATE UNIQUE INDEX lead_receipts_api_key_ref ON lead_receipts (api_key_id, external_ref);
CREATE UNIQUE INDEX lead_receipts_api_key_idem ON lead_receipts (api_key_id, idempotency_key);
CREATE INDEX lead_receipts_cabinet ON lead_receipts (cabinet_id, created_at);

-- A lead whose person is on the opposition list: stored, not to be solicited, and
-- shown as such to the broker.
ALTER TABLE projects ADD COLUMN opposition_match BIGINT NOT NULL DEFAULT 0;

-- The widget a consent was given through, and its build.
ALTER TABLE consents ADD COLUMN widget_id TEXT REFERENCES widgets (id);
ALTER TABLE consents ADD COLUMN widget_build TEXT;
CREATE INDEX consents_widget ON consents (widget_id);
