//! Acceptance of the erasure engine (issue 4, PRODUCT.md §3, API.md "Erasure") through
//! the real router and a real database (SQLite, or PostgreSQL when DATABASE_URL is
//! set): every field of a contact and of everything hanging from it checked against
//! `oubli_domain::erasure::PLAN` and against the spec's own list, the schema fully
//! classified, statistics untouched by anonymization, nothing left on disk, read-only
//! records, permissions and token rules, requests, audit, selections and resumption.

#[path = "../common/mod.rs"]
mod common;
mod fixture;
mod support;

mod audit;
mod disk;
mod fields;
mod permissions;
mod read_only;
mod requests;
mod resume;
mod schema;
mod selection;
mod statistics;
