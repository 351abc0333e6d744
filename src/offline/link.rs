//! What the CRM asks of this module while online, through the functions `main.rs`
//! exports from them (`crate::sync_link` loads the module and calls them): open the
//! user's cache at login with the password, or on a reload with the server's key, and
//! sync it. The open cache stays in this module, never in the CRM's wasm. (The exports
//! are written in the binary: a `#[wasm_bindgen]` export in this library would be in
//! every module built from it, the CRM's included.)

use crate::cache::{sync, Cache, CacheError};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

thread_local! {
    static OPEN: RefCell<Option<Rc<Cache>>> = const { RefCell::new(None) };
    static SYNCING: Cell<bool> = const { Cell::new(false) };
    /// The last sync's duration, and the time spent waiting for `/sync` calls
    /// (milliseconds; the next call overlaps the current batch's writes).
    static TIMING: Cell<(f64, f64)> = const { Cell::new((0.0, 0.0)) };
}

/// The last sync's (total, waiting for `/sync` calls, applying the batches: sealing
/// and IndexedDB writes) in milliseconds (the offline benchmark).
pub fn last_sync_timing() -> (f64, f64, f64) {
    let (total, fetching) = TIMING.with(Cell::get);
    (total, fetching, sync::last_apply_ms())
}

/// The cache opened by this page, if any.
pub fn open_cache() -> Option<Rc<Cache>> {
    OPEN.with(|c| c.borrow().clone())
}

/// Keeps `cache` as the page's open cache (the previous one closes).
pub fn keep(cache: Cache) -> Rc<Cache> {
    let cache = Rc::new(cache);
    OPEN.with(|c| *c.borrow_mut() = Some(cache.clone()));
    cache
}

fn js(e: CacheError) -> String {
    e.to_string()
}

/// At login (the password is at hand): opens the user's cache, or creates it when
/// there is none or when it was made with another password (a cache is a copy: it
/// fills again at the next sync); the server's key is wrapped in too, so that an
/// online reload opens it without the password.
pub async fn open_with_password(user_id: String, password: String) -> Result<(), String> {
    let server_key = crate::api::sync::key().await.ok();
    let cache = match Cache::unlock_with_password(&user_id, &password).await {
        Ok(cache) => {
            if let Some(k) = server_key {
                cache.set_server_key(k).await.map_err(js)?;
            }
            cache
        }
        Err(CacheError::Missing | CacheError::WrongPassword | CacheError::Corrupt) => {
            Cache::create(&user_id, &password, server_key)
                .await
                .map_err(js)?
        }
        Err(e) => return Err(js(e)),
    };
    keep(cache);
    Ok(())
}

/// On a reload with a session: opens the user's cache with the server's key. `false`
/// when this device holds none for them (it is made at the next login).
pub async fn open_online(user_id: String) -> Result<bool, String> {
    if !Cache::exists(&user_id).await.map_err(js)? {
        return Ok(false);
    }
    let key = crate::api::sync::key().await.map_err(|e| e.message)?;
    match Cache::unlock_with_server_key(&user_id, key).await {
        Ok(cache) => {
            keep(cache);
            Ok(true)
        }
        Err(CacheError::Missing | CacheError::WrongServerKey) => Ok(false),
        Err(e) => Err(js(e)),
    }
}

/// Syncs the open cache with the server; returns when it last synced (milliseconds
/// since 1970), or `null` when no cache is open. One sync at a time: a call during
/// another waits for nothing and answers the last time known.
pub async fn sync_now() -> Result<Option<f64>, String> {
    let Some(cache) = open_cache() else {
        return Ok(None);
    };
    if !SYNCING.with(|s| s.replace(true)) {
        let started = js_sys::Date::now();
        let fetching = Rc::new(Cell::new(0.0));
        let r = sync::sync_with(&cache, |since| {
            let fetching = fetching.clone();
            async move {
                let t = js_sys::Date::now();
                let batch = crate::api::sync::changes(since.as_deref()).await;
                fetching.set(fetching.get() + js_sys::Date::now() - t);
                batch
            }
        })
        .await;
        TIMING.with(|t| t.set((js_sys::Date::now() - started, fetching.get())));
        SYNCING.with(|s| s.set(false));
        r.map_err(js)?;
    }
    last_synced(&cache).await
}

/// When `cache` last synced (milliseconds since 1970).
pub async fn last_synced(cache: &Cache) -> Result<Option<f64>, String> {
    Ok(cache
        .last_synced()
        .await
        .map_err(js)?
        .map(|t| t.timestamp_millis() as f64))
}

/// When the open cache last synced (`null`: never, or no cache open).
pub async fn synced_at() -> Result<Option<f64>, String> {
    match open_cache() {
        Some(cache) => last_synced(&cache).await,
        None => Ok(None),
    }
}

/// The offline benchmark's measure of the writes alone: `/sync` pages (their JSON text,
/// fetched beforehand) applied one after the other to a new cache of `user_id`,
/// deleted afterwards; returns the milliseconds spent applying (decoding the page,
/// sealing, IndexedDB), beside Dexie.js writing the same pages.
pub async fn bench_apply(user_id: String, pages: Vec<String>) -> Result<f64, String> {
    let cache = Cache::create(&user_id, "banc d'essai", None)
        .await
        .map_err(js)?;
    let mut spent = 0.0;
    for page in &pages {
        let start = js_sys::Date::now();
        let batch: crate::cache::SyncBatch =
            serde_json::from_str(page).map_err(|e| e.to_string())?;
        cache.apply(&batch, chrono::Utc::now()).await.map_err(js)?;
        spent += js_sys::Date::now() - start;
    }
    drop(cache);
    Cache::delete(&user_id).await.map_err(js)?;
    Ok(spent)
}
