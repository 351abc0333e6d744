//! CGU versions (`GET/POST /cgu-versions`, `GET /cgu-versions/{id}`) and supplier keys
//! (`GET/POST /api-keys`, `DELETE /api-keys/{id}`): administrator only (403 audited),
//! another cabinet's ids answer 404. A CGU version is never edited: POST writes a new
//! one and makes it current. A key's secret is shown once; only its SHA-256 is kept.

use crate::auth::{self, Auth};
use crate::db::rows::*;
use crate::db::{from_ms, new_id, now_ms, Backend, Tx};
use crate::error::{ApiError, ApiJson, Result};
use crate::{access, audit, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use oubli_domain::{Action, ApiKey, ApiKeyCreated, ApiKeyInput, CguVersion, CguVersionInput};
use sea_query::{Expr, Order, Query};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cgu-versions", get(list_cgu).post(create_cgu))
        .route("/cgu-versions/{id}", get(read_cgu))
        .route("/api-keys", get(list_keys).post(create_key))
        .route("/api-keys/{id}", delete(revoke_key))
}

type CguRow = (String, String, String, String, i64, i64);

fn cgu_of(r: CguRow) -> CguVersion {
    CguVersion {
        id: r.0,
        title: r.1,
        text: r.2,
        sha256: r.3,
        created_at: from_ms(r.4),
        current: r.5 == 1,
    }
}

const CGU_COLS: &[&str] = &["id", "title", "text", "sha256", "created_at", "is_current"];

/// `db::rows::select` of `table`, restricted to one cabinet.
fn in_cabinet(
    table: &'static str,
    alias: &'static str,
    cols: &[&'static str],
    cabinet: &str,
) -> sea_query::SelectStatement {
    let mut q = select(table, alias, cols);
    q.and_where(Expr::col((n(alias), n("cabinet_id"))).eq(cabinet));
    q
}

fn cgu_select(cabinet: &str) -> sea_query::SelectStatement {
    in_cabinet("cgu_versions", "v", CGU_COLS, cabinet)
}

/// Every version of the cabinet's CGU, newest first; old ones stay (they are the proof).
#[utoipa::path(get, path = "/api/v1/cgu-versions", tag = "admin",
    responses((status = 200, body = Vec<CguVersion>),
              (status = 403, body = oubli_domain::ErrorBody, description = "Réservé à l'administrateur.")))]
pub async fn list_cgu(State(st): State<AppState>, auth: Auth) -> Result<Json<Vec<CguVersion>>> {
    access::require(&auth, Action::ManageLeadCapture, None)?;
    let mut tx = st.db.read().await?;
    let mut q = cgu_select(&auth.actor.cabinet_id);
    q.order_by(n("created_at"), Order::Desc)
        .order_by(n("id"), Order::Desc);
    let rows: Vec<CguRow> = tx.all(&q).await?;
    tx.commit().await?;
    Ok(Json(rows.into_iter().map(cgu_of).collect()))
}

/// One version, current or not.
#[utoipa::path(get, path = "/api/v1/cgu-versions/{id}", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = CguVersion),
              (status = 403, body = oubli_domain::ErrorBody, description = "Réservé à l'administrateur.")))]
pub async fn read_cgu(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<CguVersion>> {
    access::require(&auth, Action::ManageLeadCapture, None)?;
    let mut tx = st.db.read().await?;
    let mut q = cgu_select(&auth.actor.cabinet_id);
    q.and_where(Expr::col(n("id")).eq(id.as_str()));
    let row: Option<CguRow> = tx.opt(&q).await?;
    tx.commit().await?;
    row.map(|r| Json(cgu_of(r))).ok_or(ApiError::NotFound)
}

/// On PostgreSQL, the cabinet's row locked until the commit: changes to its current CGU
/// (or anything else serialized per cabinet) go one at a time.
pub(super) async fn lock_cabinet(tx: &mut Tx, cabinet: &str) -> Result<()> {
    if tx.backend == Backend::Postgres {
        let mut q = Query::select();
        q.column(n("id"))
            .from(n("cabinets"))
            .and_where(Expr::col(n("id")).eq(cabinet))
            .lock(sea_query::LockType::NoKeyUpdate);
        tx.all::<(String,)>(&q).await?;
    }
    Ok(())
}

/// A new version, which becomes the current one (the previous stays readable).
#[utoipa::path(post, path = "/api/v1/cgu-versions", tag = "admin", request_body = CguVersionInput,
    responses((status = 201, body = CguVersion),
              (status = 403, body = oubli_domain::ErrorBody, description = "Réservé à l'administrateur.")))]
pub async fn create_cgu(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(mut input): ApiJson<CguVersionInput>,
) -> Result<(StatusCode, Json<CguVersion>)> {
    access::require(&auth, Action::ManageLeadCapture, None)?;
    input.normalize();
    input.validate().map_err(ApiError::Invalid)?;
    let cabinet = auth.actor.cabinet_id.as_str();
    let id = new_id();
    let now = now_ms();
    let sha = auth::sha256_hex(input.text.as_bytes());
    let mut tx = st.db.begin().await?;
    lock_cabinet(&mut tx, cabinet).await?;
    let mut q = Query::update();
    q.table(n("cgu_versions"))
        .value(n("is_current"), 0)
        .value(n("updated_at"), now)
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet))
        .and_where(Expr::col(n("is_current")).eq(1));
    tx.exec(&q).await?;
    tx.exec(&insert(
        "cgu_versions",
        vec![
            ("id", id.clone().into()),
            ("cabinet_id", cabinet.to_string().into()),
            ("title", input.title.clone().into()),
            ("text", input.text.clone().into()),
            ("sha256", sha.clone().into()),
            ("is_current", 1i64.into()),
            ("created_by", auth.actor.user_id.clone().into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await?;
    audit::append(
        &mut tx,
        cabinet,
        audit::Entry {
            actor_user_id: Some(&auth.actor.user_id),
            action: "cgu.create",
            target_kind: Some("cgu_version"),
            target_id: Some(&id),
            outcome: "ok",
            detail: serde_json::json!({ "sha256": sha }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(CguVersion {
            id,
            title: input.title,
            text: input.text,
            sha256: sha,
            created_at: from_ms(now),
            current: true,
        }),
    ))
}

type KeyRow = (
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
);

fn key_of(r: KeyRow) -> ApiKey {
    ApiKey {
        id: r.0,
        name: r.1,
        supplier: r.2,
        prefix: r.3,
        created_at: from_ms(r.4),
        last_used_at: r.5.map(from_ms),
        revoked_at: r.6.map(from_ms),
    }
}

const KEY_COLS: &[&str] = &[
    "id",
    "name",
    "supplier",
    "prefix",
    "created_at",
    "last_used_at",
    "revoked_at",
];

fn key_select(cabinet: &str) -> sea_query::SelectStatement {
    in_cabinet("api_keys", "k", KEY_COLS, cabinet)
}

/// The cabinet's supplier keys, revoked ones included, newest first; never a secret.
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "admin",
    responses((status = 200, body = Vec<ApiKey>),
              (status = 403, body = oubli_domain::ErrorBody, description = "Réservé à l'administrateur.")))]
pub async fn list_keys(State(st): State<AppState>, auth: Auth) -> Result<Json<Vec<ApiKey>>> {
    access::require(&auth, Action::ManageLeadCapture, None)?;
    let mut tx = st.db.read().await?;
    let mut q = key_select(&auth.actor.cabinet_id);
    q.order_by(n("created_at"), Order::Desc)
        .order_by(n("id"), Order::Desc);
    let rows: Vec<KeyRow> = tx.all(&q).await?;
    tx.commit().await?;
    Ok(Json(rows.into_iter().map(key_of).collect()))
}

/// The visible start of every secret, so a key found in a log or a repository is
/// recognisable as an Oubli supplier key.
pub const SECRET_PREFIX: &str = "oubli_sk_";

/// A new key. The answer holds the secret, this once.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "admin", request_body = ApiKeyInput,
    responses((status = 201, body = ApiKeyCreated),
              (status = 403, body = oubli_domain::ErrorBody, description = "Réservé à l'administrateur.")))]
pub async fn create_key(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(mut input): ApiJson<ApiKeyInput>,
) -> Result<(StatusCode, Json<ApiKeyCreated>)> {
    access::require(&auth, Action::ManageLeadCapture, None)?;
    input.normalize();
    input.validate().map_err(ApiError::Invalid)?;
    let cabinet = auth.actor.cabinet_id.as_str();
    let secret = format!("{SECRET_PREFIX}{}", auth::new_token());
    let prefix: String = secret.chars().take(SECRET_PREFIX.len() + 8).collect();
    let id = new_id();
    let now = now_ms();
    let mut tx = st.db.begin().await?;
    tx.exec(&insert(
        "api_keys",
        vec![
            ("id", id.clone().into()),
            ("cabinet_id", cabinet.to_string().into()),
            ("name", input.name.clone().into()),
            ("supplier", input.supplier.clone().into()),
            ("prefix", prefix.clone().into()),
            ("secret_sha256", auth::sha256_hex(secret.as_bytes()).into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await?;
    audit::append(
        &mut tx,
        cabinet,
        audit::Entry {
            actor_user_id: Some(&auth.actor.user_id),
            action: "api_key.create",
            target_kind: Some("api_key"),
            target_id: Some(&id),
            outcome: "ok",
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiKeyCreated {
            key: ApiKey {
                id,
                name: input.name,
                supplier: input.supplier,
                prefix,
                created_at: from_ms(now),
                last_used_at: None,
                revoked_at: None,
            },
            secret,
        }),
    ))
}

/// Revokes a key: from now on it gets 401. The row stays (its leads name it).
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = ApiKey),
              (status = 403, body = oubli_domain::ErrorBody, description = "Réservé à l'administrateur.")))]
pub async fn revoke_key(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<ApiKey>> {
    access::require(&auth, Action::ManageLeadCapture, None)?;
    let cabinet = auth.actor.cabinet_id.as_str();
    let now = now_ms();
    let mut tx = st.db.begin().await?;
    let mut q = Query::update();
    q.table(n("api_keys"))
        .value(n("revoked_at"), now)
        .value(n("updated_at"), now)
        .and_where(Expr::col(n("id")).eq(id.as_str()))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet))
        .and_where(Expr::col(n("revoked_at")).is_null());
    let changed = tx.exec(&q).await?;
    let mut r = key_select(cabinet);
    r.and_where(Expr::col(n("id")).eq(id.as_str()));
    let row: KeyRow = tx.opt(&r).await?.ok_or(ApiError::NotFound)?;
    if changed > 0 {
        audit::append(
            &mut tx,
            cabinet,
            audit::Entry {
                actor_user_id: Some(&auth.actor.user_id),
                action: "api_key.revoke",
                target_kind: Some("api_key"),
                target_id: Some(&id),
                outcome: "ok",
                detail: serde_json::json!({}),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Json(key_of(row)))
}
