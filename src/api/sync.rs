//! Offline sync (API.md "Offline sync"): the changes since a cursor, and the per-user
//! key that lets an online reload open the cache without the password.

use super::ApiError;
use crate::cache::SyncBatch;
use serde::Deserialize;

/// `GET /sync?since=<cursor>`: one batch of changes; no cursor for a full sync. The
/// upserts stay JSON text ([`SyncBatch`]), as the cache stores them.
pub async fn changes(since: Option<&str>) -> Result<SyncBatch, ApiError> {
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

/// `GET /sync/key`: the logged-in user's 32-byte key for wrapping the cache key, held
/// by the server. A key that is not base64 of 32 bytes is an unexpected answer.
pub async fn key() -> Result<[u8; 32], ApiError> {
    let SyncKey { key } = super::get("/sync/key").await?;
    decode_key(&key).ok_or_else(|| ApiError::unexpected_body(200))
}

/// Standard base64 of 32 bytes, decoded by the browser (`atob`: no decoder in the wasm).
pub fn decode_key(base64: &str) -> Option<[u8; 32]> {
    let binary = web_sys::window()?.atob(base64.trim()).ok()?;
    let bytes: Vec<u8> = binary
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect::<Option<_>>()?;
    bytes.try_into().ok()
}
