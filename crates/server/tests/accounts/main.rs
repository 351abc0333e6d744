//! Logins and accounts (issue 14, items 3 and 4): growing delays instead of lockouts,
//! the client address behind trusted proxies, failed logins in the audit log, sessions
//! ended by deactivation and password changes (`PATCH /users/{id}`), HSTS.
//! Real database: SQLite, or PostgreSQL when DATABASE_URL points at a server.

#[path = "../common/mod.rs"]
mod common;
mod support;

mod delays;
mod hsts;
mod users;
