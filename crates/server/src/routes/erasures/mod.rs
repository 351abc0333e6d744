//! Erasure in two steps (API.md "Erasure"): `POST /erasures` (preview + token),
//! `POST /erasures/{id}/confirm`, `GET /erasures/{id}` (a job's progress),
//! `GET /erasures` (the cabinet's jobs, newest first); and requests by sales and team
//! leads: `GET/POST /erasure-requests`, `POST /erasure-requests/{id}/approve|reject`.
//!
//! Two files, two jobs: `jobs` (the previews and jobs of administrators and deputies),
//! `requests` (the requests and their decision).

use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

mod jobs;
mod requests;

// The handlers and their OpenAPI paths (`__path_*`), where `openapi.rs` names them.
pub use jobs::*;
pub use requests::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/erasures", get(list).post(create))
        .route("/erasures/{id}", get(read))
        .route("/erasures/{id}/confirm", post(confirm))
        .route("/erasure-requests", get(list_requests).post(create_request))
        .route("/erasure-requests/{id}/approve", post(approve))
        .route("/erasure-requests/{id}/reject", post(reject))
}
