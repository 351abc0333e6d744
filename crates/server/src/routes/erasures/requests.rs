//! Erasure requests by sales and team leads, and their decision by administrators
//! and deputies: `GET/POST /erasure-requests`,
//! `POST /erasure-requests/{id}/approve|reject`.

use crate::auth::Auth;
use crate::db::rows::*;
use crate::db::{from_ms, now_ms};
use crate::error::{ApiError, ApiJson, ApiQuery, Result};
use crate::listing::{page_rows, ListOrder, ListRow};
use crate::{access, audit, erasure, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use oubli_domain::{
    check_reason, Action, DecisionInput, EraseAction, ErasureCreated, ErasureRequest,
    ErasureRequestInput, ErasureTarget, Page, Role, TargetForm,
};
use sea_query::{Cond, Expr, Query};

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: String,
    requester_id: String,
    action: String,
    target_kind: String,
    target_id: Option<String>,
    member_count: i64,
    reason: Option<String>,
    status: String,
    decided_by: Option<String>,
    decided_at: Option<i64>,
    decision_reason: Option<String>,
    erasure_id: Option<String>,
    created_at: i64,
}

const REQUEST_COLS: &[&str] = &[
    "id",
    "requester_id",
    "action",
    "target_kind",
    "target_id",
    "member_count",
    "reason",
    "status",
    "decided_by",
    "decided_at",
    "decision_reason",
    "erasure_id",
    "created_at",
];

impl ListRow for RequestRow {
    type Item = ErasureRequest;
    fn id(&self) -> &str {
        &self.id
    }
    fn into_item(self) -> ErasureRequest {
        self.into_domain()
    }
}

impl RequestRow {
    fn into_domain(self) -> ErasureRequest {
        ErasureRequest {
            id: self.id,
            requester_id: self.requester_id,
            action: EraseAction::parse(&self.action).unwrap_or(EraseAction::Anonymize),
            target_kind: self.target_kind,
            target_id: self.target_id,
            count: self.member_count,
            reason: self.reason,
            status: self.status,
            decided_by: self.decided_by,
            decided_at: self.decided_at.map(from_ms),
            decision_reason: self.decision_reason,
            erasure_id: self.erasure_id,
            created_at: from_ms(self.created_at),
        }
    }
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestQuery {
    /// Items per page: 1 to 500, 50 by default.
    pub limit: Option<String>,
    /// Cursor from the previous page's `next`.
    pub after: Option<String>,
}

/// Admins and deputies see every request of the cabinet; others see their own
/// (with the outcome). Newest first, keyset-paginated like every list of API.md
/// (`limit`, `after`, and `{ items, next, total }`).
#[utoipa::path(get, path = "/api/v1/erasure-requests", tag = "erasure", params(RequestQuery),
    responses((status = 200, body = Page<ErasureRequest>), (status = 400, body = oubli_domain::ErrorBody),
              (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn list_requests(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<RequestQuery>,
) -> Result<Json<Page<ErasureRequest>>> {
    let limit = crate::listing::page_limit(query.limit.as_deref())?;
    let order = ListOrder::newest("r");
    let cursor = order.cursor(query.after.as_deref())?;
    let mut base =
        Cond::all().add(Expr::col((n("r"), n("cabinet_id"))).eq(auth.actor.cabinet_id.as_str()));
    if !matches!(auth.actor.role, Role::Admin | Role::Deputy) {
        base = base.add(Expr::col((n("r"), n("requester_id"))).eq(auth.actor.user_id.as_str()));
    }
    let mut tx = st.db.read().await?;
    let mut cq = Query::select();
    cq.expr(Expr::col((n("r"), n("id"))).count())
        .from_as(n("erasure_requests"), n("r"))
        .cond_where(base.clone());
    let total = tx.int(&cq).await?;
    let mut q = select("erasure_requests", "r", REQUEST_COLS);
    q.cond_where(base);
    let (items, next) = page_rows::<RequestRow>(&mut tx, &order, cursor.as_ref(), q, limit).await?;
    tx.commit().await?;
    Ok(Json(Page { items, next, total }))
}

/// "Demander l'anonymisation / la suppression": a task for admins and deputies. One
/// record (`{contacts: [id]}`, `{projects: [id]}`), or a selection in any other form of
/// API.md (several ids, or a filter with exclusions): the selection is resolved now,
/// within the requester's scope, and the request covers exactly those records
/// (`target_id` null, `count` of them), however many they are — one task. At most
/// `erasure::REQUESTS_PER_MINUTE` a minute per user (429 beyond, nothing stored).
#[utoipa::path(post, path = "/api/v1/erasure-requests", tag = "erasure", request_body = ErasureRequestInput,
    responses((status = 201, body = ErasureRequest), (status = 404, body = oubli_domain::ErrorBody),
              (status = 409, body = oubli_domain::ErrorBody), (status = 422, body = oubli_domain::ErrorBody),
              (status = 429, body = oubli_domain::ErrorBody,
               description = "Trop de demandes d'effacement en une minute par cet utilisateur : réessayer après `Retry-After` secondes.",
               headers(("Retry-After" = u64, description = "Secondes à attendre")))))]
pub async fn create_request(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<ErasureRequestInput>,
) -> Result<(StatusCode, Json<ErasureRequest>)> {
    check_reason("reason", &input.reason).map_err(ApiError::Invalid)?;
    let form = input.target.form().map_err(ApiError::Invalid)?;
    let (kind, id) = match form {
        TargetForm::Contacts([one]) => ("contacts", one.clone()),
        TargetForm::Projects([one]) => ("projects", one.clone()),
        selection => return create_selection_request(&st, &auth, &input, &selection).await,
    };
    let mut tx = st.db.begin().await?;
    erasure::check_request_rate(&mut tx, &auth).await?;
    let contact_id = if kind == "projects" {
        let mut q = Query::select();
        q.column(n("contact_id"))
            .from(n("projects"))
            .and_where(Expr::col(n("id")).eq(id.as_str()))
            .and_where(Expr::col(n("cabinet_id")).eq(auth.actor.cabinet_id.as_str()));
        tx.opt::<(String,)>(&q).await?.ok_or(ApiError::NotFound)?.0
    } else {
        id.clone()
    };
    access::open_contact(
        &mut tx,
        &auth,
        &contact_id,
        Action::RequestErasure,
        "contact",
    )
    .await?;
    let reason = input.reason.as_deref().map(str::trim).map(String::from);
    let rid =
        erasure::insert_request(&mut tx, &auth, input.action, kind, Some(&id), 1, reason).await?;
    audit::append(
        &mut tx,
        &auth.actor.cabinet_id,
        audit::Entry {
            actor_user_id: Some(&auth.actor.user_id),
            action: &format!("erasure_request.{}", input.action.as_str()),
            target_kind: Some(if kind == "projects" {
                "project"
            } else {
                "contact"
            }),
            target_id: Some(&id),
            outcome: "ok",
            detail: serde_json::json!({ "request_id": rid }),
        },
    )
    .await?;
    let mut q = select("erasure_requests", "r", REQUEST_COLS);
    q.and_where(Expr::col((n("r"), n("id"))).eq(rid.as_str()));
    let row: RequestRow = tx.opt(&q).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(row.into_domain())))
}

/// A request for a selection (see [`create_request`]). The audit entry holds the
/// request id, the kind and the count: never the filter (a search term can be a name).
async fn create_selection_request(
    st: &AppState,
    auth: &Auth,
    input: &ErasureRequestInput,
    form: &TargetForm<'_>,
) -> Result<(StatusCode, Json<ErasureRequest>)> {
    access::require(auth, Action::RequestErasure, None)?;
    let reason = input.reason.as_deref().map(str::trim).map(String::from);
    let mut tx = st.db.begin().await?;
    let (rid, kind, count) =
        erasure::insert_selection_request(&mut tx, auth, input.action, form, reason).await?;
    audit::append(
        &mut tx,
        &auth.actor.cabinet_id,
        audit::Entry {
            actor_user_id: Some(&auth.actor.user_id),
            action: &format!("erasure_request.{}", input.action.as_str()),
            target_kind: Some("erasure_request"),
            target_id: Some(&rid),
            outcome: "ok",
            detail: serde_json::json!({
                "request_id": rid,
                "kind": kind.as_str(),
                "count": count,
                "selection": if matches!(form, TargetForm::ContactsFilter(..) | TargetForm::ProjectsFilter(..)) {
                    "filter"
                } else {
                    "ids"
                },
            }),
        },
    )
    .await?;
    let mut q = select("erasure_requests", "r", REQUEST_COLS);
    q.and_where(Expr::col((n("r"), n("id"))).eq(rid.as_str()));
    let row: RequestRow = tx.opt(&q).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(row.into_domain())))
}

async fn open_request(st: &AppState, auth: &Auth, id: &str) -> Result<RequestRow> {
    decidable(st, auth, id, false).await
}

/// The request, if it can still be decided. With `reapprove`, a request approved
/// whose erasure was never confirmed (the dialog was closed, the token expired) can be
/// approved again: a new preview replaces the unused one.
async fn decidable(st: &AppState, auth: &Auth, id: &str, reapprove: bool) -> Result<RequestRow> {
    let mut tx = st.db.read().await?;
    let mut q = select("erasure_requests", "r", REQUEST_COLS);
    q.and_where(Expr::col((n("r"), n("id"))).eq(id))
        .and_where(Expr::col((n("r"), n("cabinet_id"))).eq(auth.actor.cabinet_id.as_str()));
    let row: RequestRow = tx.opt(&q).await?.ok_or(ApiError::NotFound)?;
    let mut unconfirmed = false;
    if reapprove && row.status == "approved" {
        unconfirmed = match &row.erasure_id {
            None => true,
            Some(eid) => {
                let mut q = Query::select();
                q.column(n("status"))
                    .from(n("erasures"))
                    .and_where(Expr::col(n("id")).eq(eid.as_str()));
                tx.opt::<(String,)>(&q)
                    .await?
                    .is_none_or(|(s,)| s == "previewed")
            }
        };
    }
    tx.commit().await?;
    if row.status != "open" && !unconfirmed {
        return Err(ApiError::Conflict {
            code: "already_decided",
            message: "Cette demande a déjà été traitée.".into(),
        });
    }
    Ok(row)
}

/// Approving opens the same two-step flow: the answer is the preview and its token.
/// For a selection, the preview covers exactly the records stored with the request
/// (those still there and, for an anonymization, not anonymized yet): the filter is
/// not run again. The preview is one of the approver's: it counts in their open
/// previews and their rate of previews (429 beyond, nothing stored or decided).
#[utoipa::path(post, path = "/api/v1/erasure-requests/{id}/approve", tag = "erasure", params(("id" = String, Path)),
    responses((status = 201, body = ErasureCreated), (status = 403, body = oubli_domain::ErrorBody),
              (status = 409, body = oubli_domain::ErrorBody),
              (status = 429, body = oubli_domain::ErrorBody,
               description = "Trop d'aperçus d'effacement en une minute par cet utilisateur : réessayer après `Retry-After` secondes.",
               headers(("Retry-After" = u64, description = "Secondes à attendre")))))]
pub async fn approve(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<ErasureCreated>)> {
    access::require(&auth, Action::DecideRequest, None)?;
    let row = decidable(&st, &auth, &id, true).await?;
    let action = EraseAction::parse(&row.action).unwrap_or(EraseAction::Anonymize);
    let created = match &row.target_id {
        Some(one) => {
            let target = if row.target_kind == "projects" {
                ErasureTarget {
                    projects: Some(vec![one.clone()]),
                    ..Default::default()
                }
            } else {
                ErasureTarget {
                    contacts: Some(vec![one.clone()]),
                    ..Default::default()
                }
            };
            erasure::preview(&st, &auth, action, &target, Some(&id)).await?
        }
        None => {
            let kind = erasure::MemberKind::parse(&row.target_kind);
            erasure::preview_request(&st, &auth, action, kind, &id).await?
        }
    };
    let mut tx = st.db.begin().await?;
    if let Some(unused) = &row.erasure_id {
        // Approved again: the earlier, never confirmed preview's token dies.
        let mut q = Query::update();
        q.table(n("erasures"))
            .value(n("token_hash"), Option::<String>::None)
            .value(n("updated_at"), now_ms())
            .and_where(Expr::col(n("id")).eq(unused.as_str()))
            .and_where(Expr::col(n("status")).eq("previewed"));
        if tx.exec(&q).await? > 0 {
            // ... and its stored set goes with it.
            let mut sets = Query::delete();
            sets.from_table(n("erasure_chunks"))
                .and_where(Expr::col(n("erasure_id")).eq(unused.as_str()));
            tx.exec(&sets).await?;
        }
    }
    let mut q = Query::update();
    q.table(n("erasure_requests"))
        .value(n("status"), "approved")
        .value(n("decided_by"), auth.actor.user_id.as_str())
        .value(n("decided_at"), now_ms())
        .value(n("erasure_id"), created.id.as_str())
        .value(n("updated_at"), now_ms())
        .and_where(Expr::col(n("id")).eq(id.as_str()));
    tx.exec(&q).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Rejecting records why; the requester sees it.
#[utoipa::path(post, path = "/api/v1/erasure-requests/{id}/reject", tag = "erasure", params(("id" = String, Path)),
    request_body = DecisionInput,
    responses((status = 200, body = ErasureRequest), (status = 403, body = oubli_domain::ErrorBody),
              (status = 409, body = oubli_domain::ErrorBody), (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn reject(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<Json<ErasureRequest>> {
    access::require(&auth, Action::DecideRequest, None)?;
    check_reason("reason", &input.reason).map_err(ApiError::Invalid)?;
    open_request(&st, &auth, &id).await?;
    let mut tx = st.db.begin().await?;
    let mut q = Query::update();
    q.table(n("erasure_requests"))
        .value(n("status"), "rejected")
        .value(n("decided_by"), auth.actor.user_id.as_str())
        .value(n("decided_at"), now_ms())
        .value(n("decision_reason"), input.reason.as_deref().map(str::trim))
        .value(n("updated_at"), now_ms())
        .and_where(Expr::col(n("id")).eq(id.as_str()));
    tx.exec(&q).await?;
    audit::append(
        &mut tx,
        &auth.actor.cabinet_id,
        audit::Entry {
            actor_user_id: Some(&auth.actor.user_id),
            action: "erasure_request.reject",
            target_kind: Some("erasure_request"),
            target_id: Some(&id),
            outcome: "ok",
            detail: serde_json::json!({}),
        },
    )
    .await?;
    let mut q = select("erasure_requests", "r", REQUEST_COLS);
    q.and_where(Expr::col((n("r"), n("id"))).eq(id.as_str()));
    let row: RequestRow = tx.opt(&q).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(Json(row.into_domain()))
}
