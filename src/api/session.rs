//! The session: log in, who am I, log out (API.md, Conventions).

use super::ApiError;
use oubli_domain::{LoginRequest, User};

/// `POST /session`: on success the server sets the HttpOnly session cookie.
pub async fn login(request: &LoginRequest) -> Result<User, ApiError> {
    super::post("/session", request).await
}

/// `GET /me`: the logged-in user, or `None` when there is no valid session.
pub async fn me() -> Result<Option<User>, ApiError> {
    match super::get("/me").await {
        Ok(user) => Ok(Some(user)),
        Err(e) if e.is_unauthorized() => Ok(None),
        Err(e) => Err(e),
    }
}

/// `DELETE /session`. A 401 means the session was already gone: that is a success.
pub async fn logout() -> Result<(), ApiError> {
    match super::delete("/session").await {
        Err(e) if e.is_unauthorized() => Ok(()),
        other => other,
    }
}
