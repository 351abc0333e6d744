//! Every resource of API.md through the real router and a real database (SQLite, or
//! PostgreSQL when DATABASE_URL is set): create, read, merge-patch, list with every
//! filter and keyset pagination, documents, consents and opposition, export, stats,
//! audit, OpenAPI, and the error contract (shape, French messages, no 500 for
//! bad input).

#[path = "../common/mod.rs"]
mod common;
mod support;

mod activity;
mod audit;
mod consents;
mod contacts;
mod contracts;
mod documents;
mod errors;
mod export;
mod households;
mod list_filters;
mod openapi;
mod pagination;
mod projects;
mod search;
mod stats;
mod validation;
