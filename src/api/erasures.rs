//! Erasure (API.md "Erasure"): the two steps — `POST /erasures` (preview with counts and
//! a single-use token), `POST /erasures/{id}/confirm` — the progress `GET
//! /erasures/{id}`, and the requests of sales and team leads (`/erasure-requests`).

use super::ApiError;
use chrono::{DateTime, Utc};
use oubli_domain::{
    ConfirmInput, DecisionInput, EraseAction, ErasureCreated, ErasureInput, ErasurePreview,
    ErasureRequest, ErasureRequestInput, ErasureStatus, ErasureTarget, Page,
};
use serde::Deserialize;

/// A confirmed erasure as `GET /erasures` lists it (the fields the RGPD page shows).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ErasureJob {
    pub id: String,
    pub action: EraseAction,
    /// `contacts` or `projects`: what `done` and `total` count.
    pub kind: String,
    /// pending | running | done | failed
    pub status: String,
    pub done: i64,
    pub total: i64,
    pub preview: ErasurePreview,
    pub actor_user_id: String,
    pub request_id: Option<String>,
    #[serde(with = "oubli_domain::date::utc")]
    pub created_at: DateTime<Utc>,
    #[serde(default, with = "oubli_domain::date::opt_utc")]
    pub finished_at: Option<DateTime<Utc>>,
}

/// The cabinet's erasure jobs, newest first (administrators and deputies).
pub async fn jobs(limit: u32, after: Option<&str>) -> Result<Page<ErasureJob>, ApiError> {
    let mut path = format!("/erasures?limit={limit}");
    if let Some(a) = after {
        path.push_str("&after=");
        path.push_str(&crate::components::filter_panel::encode_component(a));
    }
    super::get(&path).await
}

/// The target of a single-record erasure: one contact or one project.
pub fn one(kind: RecordKind, id: &str) -> ErasureTarget {
    let ids = Some(vec![id.to_string()]);
    match kind {
        RecordKind::Contact => ErasureTarget {
            contacts: ids,
            ..Default::default()
        },
        RecordKind::Project => ErasureTarget {
            projects: ids,
            ..Default::default()
        },
    }
}

/// What a record page erases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    Contact,
    Project,
}

/// Step one: the preview of `action` on `target` and its token. Nothing changes yet.
pub async fn preview(
    action: EraseAction,
    target: &ErasureTarget,
) -> Result<ErasureCreated, ApiError> {
    super::post(
        "/erasures",
        &ErasureInput {
            action,
            target: target.clone(),
        },
    )
    .await
}

/// Step two: executes, irreversibly.
pub async fn confirm(id: &str, token: &str) -> Result<ErasureStatus, ApiError> {
    super::post(
        &format!("/erasures/{id}/confirm"),
        &ConfirmInput {
            confirm_token: token.to_string(),
        },
    )
    .await
}

/// Progress of a confirmed erasure.
pub async fn status(id: &str) -> Result<ErasureStatus, ApiError> {
    super::get(&format!("/erasures/{id}")).await
}

/// "Demander l'anonymisation / la suppression".
pub async fn request(
    action: EraseAction,
    target: &ErasureTarget,
    reason: Option<String>,
) -> Result<ErasureRequest, ApiError> {
    super::post(
        "/erasure-requests",
        &ErasureRequestInput {
            action,
            target: target.clone(),
            reason,
        },
    )
    .await
}

/// The cabinet's requests (admin, deputy) or the user's own, newest first: the first
/// page of 500, as many as the list showed before it was paginated.
pub async fn requests() -> Result<Vec<ErasureRequest>, ApiError> {
    super::get::<Page<ErasureRequest>>("/erasure-requests?limit=500")
        .await
        .map(|p| p.items)
}

/// Approving answers with the preview and token of the same two-step flow.
pub async fn approve(request_id: &str) -> Result<ErasureCreated, ApiError> {
    super::post::<_, ErasureCreated>(&format!("/erasure-requests/{request_id}/approve"), &()).await
}

/// Rejecting records why.
pub async fn reject(request_id: &str, reason: Option<String>) -> Result<ErasureRequest, ApiError> {
    super::post(
        &format!("/erasure-requests/{request_id}/reject"),
        &DecisionInput { reason },
    )
    .await
}
