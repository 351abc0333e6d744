//! Security guarantees of the REST server, end to end through the router on a real
//! database (SQLite, or PostgreSQL when DATABASE_URL points at a server):
//! tenant isolation for every resource, role scopes and the permission matrix,
//! sessions and login, CSRF, the audit hash chain, storage invariants and masked Debug.

#[path = "../common/mod.rs"]
mod common;
mod support;

mod audit_chain;
mod csrf;
mod debug;
mod downloads;
mod permissions;
mod roles;
mod sessions;
mod storage;
mod tenancy;
