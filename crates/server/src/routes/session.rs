//! `POST/DELETE /session`, `GET /me`, `GET /health`.

use crate::audit;
use crate::auth::{self, Auth};
use crate::error::{ApiError, ApiJson, Result};
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use oubli_domain::{LoginRequest, User};

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
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginRequest,
    responses((status = 200, body = User), (status = 401, body = oubli_domain::ErrorBody),
              (status = 429, body = oubli_domain::ErrorBody)))]
pub async fn login(
    State(st): State<AppState>,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response> {
    if req.email.len() > 254 || req.password.len() > 1024 {
        return Err(ApiError::BadCredentials);
    }
    // Keyed by a hash of the email, so the limiter's memory holds no address.
    let key = format!(
        "email:{}",
        auth::sha256_hex(req.email.trim().to_lowercase().as_bytes())
    );
    // And by client address, with a higher bound: one office shares an address, but
    // spraying passwords over many accounts from one place is stopped too.
    let ip_key = peer.map(|p| format!("ip:{}", p.0 .0.ip()));
    let keys: Vec<(&str, usize)> = std::iter::once((key.as_str(), st.limiter.max_failures))
        .chain(ip_key.as_deref().map(|k| (k, st.limiter.max_failures * 10)))
        .collect();
    for (k, max) in &keys {
        if let Err(retry_after_secs) = st.limiter.check(k, *max) {
            return Err(ApiError::RateLimited { retry_after_secs });
        }
    }
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
        _ => {
            for (k, _) in &keys {
                st.limiter.fail(k);
            }
            return Err(ApiError::BadCredentials);
        }
    };
    st.limiter.succeed(&key);
    let mut tx = st.db.begin().await?;
    if let Some(old) = auth::cookie_token(&headers) {
        auth::delete_session(&mut tx, &old).await?;
    }
    let token = auth::create_session(&mut tx, &user).await?;
    audit::append(
        &mut tx,
        &user.cabinet_id,
        audit::Entry {
            actor_user_id: Some(&user.id),
            action: "login",
            target_kind: None,
            target_id: None,
            outcome: "ok",
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    let mut resp = Json(user.user()).into_response();
    if let Ok(v) = auth::session_cookie(&token, st.cfg.secure_cookies).parse() {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// Ends the session.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204), (status = 401, body = oubli_domain::ErrorBody)))]
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
        audit::Entry {
            actor_user_id: Some(&auth.actor.user_id),
            action: "logout",
            target_kind: None,
            target_id: None,
            outcome: "ok",
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = auth::clear_cookie(st.cfg.secure_cookies).parse() {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// The signed-in user, or 401.
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, body = User), (status = 401, body = oubli_domain::ErrorBody)))]
pub async fn me(auth: Auth) -> Json<User> {
    Json(auth.user)
}
