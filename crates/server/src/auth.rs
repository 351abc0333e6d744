//! Accounts and sessions: argon2id password hashes, database-stored sessions behind an
//! HttpOnly SameSite=Strict cookie, CSRF protection. Login throttling is in
//! [`crate::throttle`].

use crate::db::rows::{n, select};
use crate::db::{now_ms, Tx};
use crate::error::{ApiError, Result};
use crate::AppState;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{FromRequestParts, Request};
use axum::http::{header, request::Parts, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use oubli_domain::{Actor, Role, User};
use sea_query::{Expr, Query};
use sha2::{Digest, Sha256};

pub const COOKIE: &str = "oubli_session";
/// Sessions end 12 hours after login: a working day, not a week on a shared laptop.
pub const SESSION_TTL_MS: i64 = 12 * 3600 * 1000;
/// The custom header every unsafe request must carry (see [`csrf`]).
pub const CSRF_HEADER: &str = "x-oubli-request";

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A dummy hash checked when the email is unknown, so the answer takes as long as for
/// a known email and does not reveal which accounts exist.
pub fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("not-a-real-password"))
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Compares two hex digests without an early exit on the first difference.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// 256 random bits, hex: the cookie value. Only its SHA-256 is stored.
pub fn new_token() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        SESSION_TTL_MS / 1000,
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

#[derive(sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub cabinet_id: String,
    pub team_id: Option<String>,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub active: i64,
    pub cabinet_name: String,
}

impl UserRow {
    pub fn user(&self) -> User {
        User {
            id: self.id.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            role: Role::parse(&self.role).unwrap_or(Role::Sales),
            cabinet_id: self.cabinet_id.clone(),
            cabinet_name: self.cabinet_name.clone(),
            team_id: self.team_id.clone(),
        }
    }
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id.clone(),
            cabinet_id: self.cabinet_id.clone(),
            team_id: self.team_id.clone(),
            role: Role::parse(&self.role).unwrap_or(Role::Sales),
        }
    }
}

/// `users u JOIN cabinets k`: the user with their cabinet's name.
pub fn user_select() -> sea_query::SelectStatement {
    let mut q = select(
        "users",
        "u",
        &[
            "id",
            "cabinet_id",
            "team_id",
            "email",
            "name",
            "role",
            "password_hash",
            "active",
        ],
    );
    q.expr_as(Expr::col((n("k"), n("name"))), n("cabinet_name"))
        .join_as(
            sea_query::JoinType::InnerJoin,
            n("cabinets"),
            n("k"),
            Expr::col((n("k"), n("id"))).equals((n("u"), n("cabinet_id"))),
        );
    q
}

pub async fn find_user_by_email(tx: &mut Tx, email: &str) -> Result<Option<UserRow>> {
    let mut q = user_select();
    q.and_where(Expr::col((n("u"), n("email"))).eq(email.trim().to_lowercase()));
    Ok(tx.opt(&q).await?)
}

/// Creates a session for `user` and returns the cookie token.
pub async fn create_session(tx: &mut Tx, user: &UserRow) -> Result<String> {
    let token = new_token();
    let now = now_ms();
    tx.exec(&crate::db::rows::insert(
        "sessions",
        vec![
            ("id", sha256_hex(token.as_bytes()).into()),
            ("cabinet_id", user.cabinet_id.clone().into()),
            ("user_id", user.id.clone().into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
            ("expires_at", (now + SESSION_TTL_MS).into()),
        ],
    ))
    .await?;
    // Expired sessions of anyone are swept at each login.
    tx.exec(
        Query::delete()
            .from_table(n("sessions"))
            .and_where(Expr::col(n("expires_at")).lt(now)),
    )
    .await?;
    Ok(token)
}

pub async fn delete_session(tx: &mut Tx, token: &str) -> Result<()> {
    tx.exec(
        Query::delete()
            .from_table(n("sessions"))
            .and_where(Expr::col(n("id")).eq(sha256_hex(token.as_bytes()))),
    )
    .await?;
    Ok(())
}

/// The signed-in user, resolved from the session cookie. Any route that takes `Auth`
/// answers 401 without a valid session.
#[derive(Clone, Debug)]
pub struct Auth {
    pub actor: Actor,
    pub user: User,
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(a) = parts.extensions.get::<Auth>() {
            return Ok(a.clone());
        }
        let token = cookie_token(&parts.headers).ok_or(ApiError::Unauthorized)?;
        let mut tx = state.db.read().await?;
        let mut q = user_select();
        q.join_as(
            sea_query::JoinType::InnerJoin,
            n("sessions"),
            n("s"),
            Expr::col((n("s"), n("user_id"))).equals((n("u"), n("id"))),
        )
        .and_where(Expr::col((n("s"), n("id"))).eq(sha256_hex(token.as_bytes())))
        .and_where(Expr::col((n("s"), n("expires_at"))).gt(now_ms()))
        .and_where(Expr::col((n("u"), n("active"))).eq(1));
        let row: Option<UserRow> = tx.opt(&q).await?;
        tx.commit().await?;
        let row = row.ok_or(ApiError::Unauthorized)?;
        let auth = Auth {
            actor: row.actor(),
            user: row.user(),
        };
        parts.extensions.insert(auth.clone());
        Ok(auth)
    }
}

/// CSRF protection for cookie-authenticated routes.
///
/// Choice: every unsafe method (POST, PUT, PATCH, DELETE) must carry the custom header
/// `X-Oubli-Request: 1`, and if the browser sends an `Origin` it must be this server's.
/// A cross-site page cannot add a custom header without a CORS preflight, which this
/// server never grants, and cannot forge `Origin`; `SameSite=Strict` on the cookie is a
/// third, independent layer. Unlike a synchronizer token this needs no server state
/// and works across instances. Public widget routes and the supplier API, which do not
/// use the cookie, are exempt.
pub async fn csrf(req: Request, next: Next) -> Result<Response> {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // Inside the `/api/v1` nest the path arrives without its prefix.
    let path = req.uri().path();
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    let exempt = path.starts_with("/public/") || path == "/leads";
    if unsafe_method && !exempt {
        let h = req.headers();
        let has_header = h.get(CSRF_HEADER).is_some_and(|v| v.as_bytes() == b"1");
        let origin_ok = match (h.get(header::ORIGIN), h.get(header::HOST)) {
            (None, _) => true,
            (Some(o), Some(host)) => {
                let o = o.to_str().unwrap_or("");
                let host = host.to_str().unwrap_or("-");
                o.strip_prefix("http://")
                    .or_else(|| o.strip_prefix("https://"))
                    == Some(host)
            }
            (Some(_), None) => false,
        };
        if !has_header || !origin_ok {
            return Err(ApiError::Forbidden(
                "Requête refusée : provenance non vérifiée (protection CSRF).".into(),
            ));
        }
    }
    Ok(next.run(req).await)
}
