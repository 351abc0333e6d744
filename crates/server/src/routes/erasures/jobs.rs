//! The previews and jobs of administrators and deputies: `POST /erasures`,
//! `GET /erasures`, `GET /erasures/{id}`, `POST /erasures/{id}/confirm`.

use crate::auth::Auth;
use crate::erasure::ErasureJob;
use crate::error::{ApiJson, ApiQuery, Result};
use crate::{access, erasure, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use oubli_domain::{Action, ConfirmInput, ErasureCreated, ErasureInput, Page};

/// Step one: the preview (counts for the exact selection) and a single-use token.
/// A user keeps at most `erasure::OPEN_PREVIEWS` open previews (a new one replaces the
/// oldest, whose confirmation then answers 409) and creates at most
/// `erasure::PREVIEWS_PER_MINUTE` a minute (429 beyond, nothing stored).
#[utoipa::path(post, path = "/api/v1/erasures", tag = "erasure", request_body = ErasureInput,
    responses((status = 201, body = ErasureCreated), (status = 403, body = oubli_domain::ErrorBody),
              (status = 409, body = oubli_domain::ErrorBody), (status = 422, body = oubli_domain::ErrorBody),
              (status = 429, body = oubli_domain::ErrorBody,
               description = "Trop d'aperçus d'effacement en une minute par cet utilisateur : réessayer après `Retry-After` secondes.",
               headers(("Retry-After" = u64, description = "Secondes à attendre")))))]
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<ErasureInput>,
) -> Result<(StatusCode, Json<ErasureCreated>)> {
    access::require(&auth, Action::Erase, None)?;
    let created = erasure::preview(&st, &auth, input.action, &input.target, None).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    /// Only jobs in this status: pending, running, done or failed.
    pub status: Option<String>,
    pub limit: Option<String>,
    /// Cursor from the previous page's `next`.
    pub after: Option<String>,
}

/// The cabinet's erasure jobs (confirmed erasures, single or bulk), newest first, with
/// their progress and outcome. Admins and deputies.
#[utoipa::path(get, path = "/api/v1/erasures", tag = "erasure", params(JobQuery),
    responses((status = 200, body = Page<ErasureJob>), (status = 400, body = oubli_domain::ErrorBody),
              (status = 403, body = oubli_domain::ErrorBody), (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<JobQuery>,
) -> Result<Json<Page<ErasureJob>>> {
    access::require(&auth, Action::Erase, None)?;
    let limit = crate::listing::page_limit(q.limit.as_deref())?;
    Ok(Json(
        erasure::jobs(&st, &auth, q.status.as_deref(), q.after.as_deref(), limit).await?,
    ))
}

/// Progress of an erasure job: `status`, `done`, `total` (API.md) and more.
#[utoipa::path(get, path = "/api/v1/erasures/{id}", tag = "erasure", params(("id" = String, Path)),
    responses((status = 200, body = ErasureJob), (status = 403, body = oubli_domain::ErrorBody), (status = 404, body = oubli_domain::ErrorBody)))]
pub async fn read(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<ErasureJob>> {
    access::require(&auth, Action::Erase, None)?;
    Ok(Json(erasure::status(&st, &auth, &id).await?))
}

/// Step two: executes, irreversibly.
#[utoipa::path(post, path = "/api/v1/erasures/{id}/confirm", tag = "erasure", params(("id" = String, Path)),
    request_body = ConfirmInput,
    responses((status = 202, body = ErasureJob), (status = 403, body = oubli_domain::ErrorBody),
              (status = 404, body = oubli_domain::ErrorBody), (status = 409, body = oubli_domain::ErrorBody)))]
pub async fn confirm(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ConfirmInput>,
) -> Result<(StatusCode, Json<ErasureJob>)> {
    access::require(&auth, Action::Erase, None)?;
    let s = erasure::confirm(&st, &auth, &id, &input.confirm_token).await?;
    Ok((StatusCode::ACCEPTED, Json(s)))
}
