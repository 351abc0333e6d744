//! `POST/DELETE /session`, `GET /me`, `GET /health`.

use crate::auth::{self, Auth};
use crate::db::rows::n;
use crate::db::Backend;
use crate::error::{ApiError, ApiJson, Result};
use crate::throttle::Failure;
use crate::AppState;
use crate::{audit, client};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use oubli_domain::{LoginRequest, User};
use sea_query::{Expr, Query};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/session", post(login).delete(logout))
        .route("/me", get(me))
        .route("/health", get(health))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    status: &'static str,
    database: &'static str,
}

/// Liveness and database reachability; no session needed.
#[utoipa::path(get, path = "/api/v1/health", tag = "session",
    responses((status = 200, body = Health)))]
pub async fn health(State(st): State<AppState>) -> Result<Json<Health>> {
    let mut tx = st.db.read().await?;
    tx.int(sea_query::Query::select().expr(sea_query::Expr::val(1)))
        .await?;
    tx.commit().await?;
    Ok(Json(Health {
        status: "ok",
        database: st.db.backend.name(),
    }))
}

/// Logs in: a new session id at every login (the old one, if sent, is ended).
/// Repeated failures delay the next attempt (429 with `Retry-After`, see
/// [`crate::throttle`]); failures and delays on known accounts are audited.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginRequest,
    responses((status = 200, body = User), (status = 401, body = oubli_domain::ErrorBody),
              (status = 429, body = oubli_domain::ErrorBody,
               description = "Trop d'échecs récents : réessayer après `Retry-After` secondes.",
               headers(("Retry-After" = u64, description = "Secondes à attendre")))))]
pub async fn login(
    State(st): State<AppState>,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response> {
    if req.email.len() > 254 || req.password.len() > 1024 {
        return Err(ApiError::BadCredentials);
    }
    let address = client::address(peer.map(|p| p.0 .0.ip()), &headers, &st.cfg.trusted_proxies);
    // Inside a delay the password is not even checked: guessing faster gains nothing.
    let attempt = st.throttle.begin(&req.email, address).map_err(|r| {
        tracing::info!(scope = r.scope.as_str(), "login refused: delay not over");
        ApiError::TooMany {
            message: "Trop de tentatives. Réessayez dans quelques minutes.".into(),
            retry_after_secs: r.retry_after_secs(),
        }
    })?;
    // Password check outside the write transaction: argon2 takes tens of milliseconds
    // and, on SQLite, the writer connection must not wait on it.
    let mut rtx = st.db.read().await?;
    let user = auth::find_user_by_email(&mut rtx, &req.email).await?;
    rtx.commit().await?;
    let password = req.password.clone();
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| auth::dummy_hash().to_string());
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let user = match user {
        Some(u) if ok && u.active == 1 => u,
        user => {
            let failure = attempt.failed();
            audit_failure(&st, user.as_ref(), ok, failure);
            return Err(ApiError::BadCredentials);
        }
    };
    let mut tx = st.db.begin().await?;
    // The account may have been deactivated or given a new password (which ends its
    // sessions) since it was read: read it again in the transaction that creates the
    // session, locked on PostgreSQL, so no session outlives such a change.
    if !still_valid(&mut tx, &user).await? {
        return Err(ApiError::BadCredentials);
    }
    attempt.succeeded();
    if let Some(old) = auth::cookie_token(&headers) {
        auth::delete_session(&mut tx, &old).await?;
    }
    let token = auth::create_session(&mut tx, &user).await?;
    audit::append(
        &mut tx,
        &user.cabinet_id,
        audit::Entry::own(&user.id, "login"),
    )
    .await?;
    tx.commit().await?;
    let mut resp = Json(user.user()).into_response();
    if let Ok(v) = auth::session_cookie(&token, st.cfg.secure_cookies).parse() {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// Is `user` still active with the password hash that was just verified?
async fn still_valid(tx: &mut crate::db::Tx, user: &auth::UserRow) -> Result<bool> {
    let mut q = Query::select();
    q.columns([n("active"), n("password_hash")])
        .from(n("users"))
        .and_where(Expr::col(n("id")).eq(user.id.as_str()));
    if tx.backend == Backend::Postgres {
        // Shared: logins of one user don't wait on each other, a change to the user
        // waits for them (and they for it).
        q.lock(sea_query::LockType::Share);
    }
    let row: Option<(i64, String)> = tx.opt(&q).await?;
    Ok(row.is_some_and(|(active, hash)| active == 1 && hash == user.password_hash))
}

/// Writes a failed login on a known account, and the delays it started, to that
/// account's cabinet's audit log: the user's id, counts and the kind of delay, never the
/// email, the password or the address. An unknown email belongs to no cabinet; its
/// delays are only logged, without the email.
///
/// Written by a task of its own so that the answer does not wait for it: otherwise a
/// known email would answer a database write later than an unknown one, and the
/// timing would tell which accounts exist.
fn audit_failure(st: &AppState, user: Option<&auth::UserRow>, password_ok: bool, f: Failure) {
    let Some(u) = user else {
        for l in &f.lockouts {
            tracing::info!(
                scope = l.scope.as_str(),
                delay_secs = l.delay.as_secs_f64(),
                "login delay started (unknown account)"
            );
        }
        return;
    };
    let db = st.db.clone();
    let (cabinet, user_id) = (u.cabinet_id.clone(), u.id.clone());
    // A right password on a deactivated account is a failure like any other for the
    // caller (the same 401); the log tells the administrator which it was.
    let reason = if password_ok {
        "inactive"
    } else {
        "bad_password"
    };
    tokio::spawn(async move {
        let res = async {
            let mut tx = db.begin().await?;
            audit::append(
                &mut tx,
                &cabinet,
                audit::Entry {
                    actor_user_id: None,
                    action: "login",
                    target_kind: Some("user"),
                    target_id: Some(&user_id),
                    outcome: "failed",
                    detail: serde_json::json!({ "reason": reason, "failures": f.failures }),
                },
            )
            .await?;
            for l in &f.lockouts {
                audit::append(
                    &mut tx,
                    &cabinet,
                    audit::Entry {
                        actor_user_id: None,
                        action: "login.delay",
                        target_kind: Some("user"),
                        target_id: Some(&user_id),
                        outcome: "locked",
                        detail: serde_json::json!({
                            "scope": l.scope.as_str(),
                            "delay_ms": l.delay.as_millis() as u64,
                        }),
                    },
                )
                .await?;
            }
            tx.commit().await?;
            Ok::<(), ApiError>(())
        }
        .await;
        if let Err(e) = res {
            tracing::error!(error = ?e, "could not audit a failed login");
        }
    });
}

/// Ends the session. The answer carries `Clear-Site-Data: "cache", "storage"`: the
/// browser deletes the offline cache with everything else the origin stored.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204, headers(("Clear-Site-Data" = String, description = "`\"cache\", \"storage\"`"))),
              (status = 401, body = oubli_domain::ErrorBody)))]
pub async fn logout(
    State(st): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
) -> Result<Response> {
    let mut tx = st.db.begin().await?;
    if let Some(t) = auth::cookie_token(&headers) {
        auth::delete_session(&mut tx, &t).await?;
    }
    audit::append(
        &mut tx,
        &auth.actor.cabinet_id,
        audit::Entry::own(&auth.actor.user_id, "logout"),
    )
    .await?;
    tx.commit().await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = auth::clear_cookie(st.cfg.secure_cookies).parse() {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    // The browser drops what this origin cached and stored, the offline cache's
    // IndexedDB included, even if the app's own wipe did not run (PRODUCT.md §9).
    resp.headers_mut().insert(
        header::HeaderName::from_static("clear-site-data"),
        header::HeaderValue::from_static("\"cache\", \"storage\""),
    );
    Ok(resp)
}

/// The signed-in user, or 401.
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, body = User), (status = 401, body = oubli_domain::ErrorBody)))]
pub async fn me(auth: Auth) -> Json<User> {
    Json(auth.user)
}
