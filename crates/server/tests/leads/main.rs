//! Lead capture (issue 16, server side) through the real router and a real database
//! (SQLite, or PostgreSQL when DATABASE_URL is set): the administrator's routes (CGU
//! versions, widgets, supplier keys), the widget page, the public intake and the
//! supplier API, rule by rule.

#[path = "../common/mod.rs"]
mod common;
mod support;

mod admin;
mod batch;
mod bench;
mod page;
mod public;
mod supplier;
