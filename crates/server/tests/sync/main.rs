//! Offline sync (issue 17, server side) through the real router and a real database
//! (SQLite, or PostgreSQL when DATABASE_URL is set): the scope of what a user receives,
//! the whole records, paging, the fixed number of statements per batch, tombstones,
//! resets, the offline cache's key, and the headers (no-store, compression,
//! Clear-Site-Data at logout).

#[path = "../common/mod.rs"]
mod common;
mod support;

mod key;
mod records;
mod reset;
mod tombstones;
