//! The `/sync` loop: asks for the changes since the cache's cursor, applies each batch
//! (one IndexedDB transaction, cursor included) before asking for the next, until the
//! server says there is no more. An interrupted sync (network lost, tab closed) leaves
//! the last committed batch and its cursor, and the next sync resumes from there. On
//! `reset`, the cache is cleared and the sync starts again from no cursor.

use super::{Applied, Cache, CacheError, SyncBatch};
use crate::api::ApiError;
use chrono::Utc;
use std::future::Future;

/// What one sync did (counts only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Synced {
    /// Batches applied.
    pub batches: usize,
    /// Records written.
    pub upserts: usize,
    /// Tombstones received (records purged, if they were cached).
    pub tombstones: usize,
    /// The server asked for a reset, and the cache was refilled from zero.
    pub reset: bool,
}

/// Syncs `cache` with the server (`GET /api/v1/sync`, through the app's guarded call).
pub async fn sync(cache: &Cache) -> Result<Synced, CacheError> {
    sync_with(cache, |since| async move {
        crate::api::sync::changes(since.as_deref()).await
    })
    .await
}

/// [`sync`] with the batches asked of `fetch` (given the cursor to send), so that tests
/// can play a server.
pub async fn sync_with<F, Fut>(cache: &Cache, mut fetch: F) -> Result<Synced, CacheError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<SyncBatch, ApiError>>,
{
    let mut since = cache.cursor().await?;
    let mut done = Synced::default();
    loop {
        let batch = fetch(since.clone()).await.map_err(CacheError::Api)?;
        match cache.apply(&batch, Utc::now()).await? {
            Applied::Reset => {
                // A reset answering a sync from zero, or a second one, would loop.
                if done.reset || since.is_none() {
                    return Err(CacheError::SyncStuck);
                }
                done.reset = true;
                since = None;
            }
            Applied::Batch => {
                done.batches += 1;
                done.upserts += batch.upserts.len();
                done.tombstones += batch.tombstones.len();
                if !batch.more {
                    return Ok(done);
                }
                // More to come under the same cursor would ask for the same batch forever.
                if since.as_deref() == Some(batch.cursor.as_str()) {
                    return Err(CacheError::SyncStuck);
                }
                since = Some(batch.cursor.clone());
            }
        }
    }
}
