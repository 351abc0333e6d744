//! Offline sync (API.md "Offline sync"): the changes since a cursor, and the per-user
//! key that lets an online reload open the cache without the password.

use super::ApiError;
use oubli_domain::SyncResponse;
use serde::Deserialize;

/// `GET /sync?since=<cursor>`: one batch of changes; no cursor for a full sync.
pub async fn changes(since: Option<&str>) -> Result<SyncResponse, ApiError> {
    match since {
        Some(cursor) => {
            let cursor = String::from(js_sys::encode_uri_component(cursor));
            super::get(&format!("/sync?since={cursor}")).await
        }
        None => super::get("/sync").await,
    }
}

#[derive(Deserialize)]
struct SyncKey {
    key: String,
}

/// `GET /sync/key`: the logged-in user's 32-byte cache wrapping key, held by the
/// server. A body that is not base64 of 32 bytes is an unexpected answer.
pub async fn key() -> Result<[u8; 32], ApiError> {
    use base64::Engine as _;
    let SyncKey { key } = super::get("/sync/key").await?;
    base64::engine::general_purpose::STANDARD
        .decode(key.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| ApiError::unexpected_body(200))
}
