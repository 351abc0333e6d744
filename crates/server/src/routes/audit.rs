//! `GET /audit`: the audit log, for admins and deputies.

use crate::auth::Auth;
use crate::error::{ApiError, ApiQuery, Result};
use crate::{access, audit, AppState};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use oubli_domain::{Action, AuditEntry, Page};

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(list))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub limit: Option<String>,
    /// Cursor: entries with a smaller sequence number.
    pub after: Option<String>,
}

/// Newest entries first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<AuditEntry>), (status = 403, body = oubli_domain::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Page<AuditEntry>>> {
    access::require(&auth, Action::ReadAudit, None)?;
    let limit = crate::listing::page_limit(q.limit.as_deref())?;
    let before = match q.after.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|_| ApiError::BadRequest("Curseur de pagination invalide.".into()))?,
        ),
    };
    let mut tx = st.db.read().await?;
    let total = audit::count(&mut tx, &auth.actor.cabinet_id).await?;
    let mut items = audit::list(&mut tx, &auth.actor.cabinet_id, before, limit + 1).await?;
    tx.commit().await?;
    let next = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|e| e.seq.to_string())
    } else {
        None
    };
    Ok(Json(Page { items, next, total }))
}
