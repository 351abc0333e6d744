//! The `/sync` loop: asks for the changes since the cache's cursor, applies each batch
//! (one IndexedDB transaction, cursor included) before asking for the next, until the
//! server says there is no more. An interrupted sync (network lost, tab closed) leaves
//! the last committed batch and its cursor, and the next sync resumes from there. On
//! `reset`, the cache is cleared and the sync starts again from no cursor.

use super::{Applied, Cache, CacheError, SyncBatch};
use crate::api::ApiError;
use chrono::Utc;
use futures_util::future::join;
use std::cell::Cell;
use std::future::Future;

thread_local! {
    /// Milliseconds spent applying batches (encrypting, IndexedDB) in the last sync.
    static APPLYING: Cell<f64> = const { Cell::new(0.0) };
}

/// Milliseconds the last sync spent applying its batches (sealing and IndexedDB
/// writes), apart from waiting for the server (the offline benchmark).
pub fn last_apply_ms() -> f64 {
    APPLYING.with(Cell::get)
}

/// Applies `batch`, adding the time it takes to [`last_apply_ms`].
async fn timed_apply(cache: &Cache, batch: &SyncBatch) -> Result<Applied, CacheError> {
    let start = js_sys::Date::now();
    let applied = cache.apply(batch, Utc::now()).await;
    APPLYING.with(|a| a.set(a.get() + js_sys::Date::now() - start));
    applied
}

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
/// can play a server. While a batch is being applied, the next one is already asked
/// for (its cursor is the batch's, known before it is applied): the server's time and
/// the browser's overlap. A batch that fails to apply discards the one fetched beside
/// it, and the cursor stays the last committed one.
pub async fn sync_with<F, Fut>(cache: &Cache, mut fetch: F) -> Result<Synced, CacheError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<SyncBatch, ApiError>>,
{
    APPLYING.with(|a| a.set(0.0));
    let mut since = cache.cursor().await?;
    let mut done = Synced::default();
    let mut fetched = fetch(since.clone()).await;
    loop {
        let batch = fetched.map_err(CacheError::Api)?;
        // More to come under the same cursor would ask for the same batch forever.
        let next = (!batch.reset && batch.more && since.as_deref() != Some(batch.cursor.as_str()))
            .then(|| batch.cursor.clone());
        let (applied, prefetched) = match next.clone() {
            Some(cursor) => {
                let (applied, f) = join(timed_apply(cache, &batch), fetch(Some(cursor))).await;
                (applied, Some(f))
            }
            None => (timed_apply(cache, &batch).await, None),
        };
        match applied? {
            Applied::Reset => {
                // A reset answering a sync from zero, or a second one, would loop.
                if done.reset || since.is_none() {
                    return Err(CacheError::SyncStuck);
                }
                done.reset = true;
                since = None;
                fetched = fetch(None).await;
            }
            Applied::Batch => {
                done.batches += 1;
                done.upserts += batch.upserts.len();
                done.tombstones += batch.tombstones.len();
                if !batch.more {
                    return Ok(done);
                }
                let Some(f) = prefetched else {
                    return Err(CacheError::SyncStuck);
                };
                since = next;
                fetched = f;
            }
        }
    }
}
