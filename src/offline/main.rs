//! Entry point of the offline view (`oubli-offline`, served at `/hors-ligne`; see
//! `src/offline/mod.rs`). Loaded two ways: as the page `/hors-ligne` (fetches its
//! dictionaries, then mounts the view), and by the CRM after login, as a module whose
//! exported functions open and sync the cache (`src/offline/link.rs`); then nothing is
//! mounted.

use leptos::prelude::*;
use oubli::offline::{is_offline_path, OfflineApp, AREAS};

use oubli::offline::link;
use wasm_bindgen::prelude::*;

// The functions the CRM calls (`src/sync_link.rs`), exported from this module only.

#[wasm_bindgen]
pub async fn open_with_password(user_id: String, password: String) -> Result<(), JsValue> {
    link::open_with_password(user_id, password)
        .await
        .map_err(|e| JsValue::from_str(&e))
}

#[wasm_bindgen]
pub async fn open_online(user_id: String) -> Result<bool, JsValue> {
    link::open_online(user_id)
        .await
        .map_err(|e| JsValue::from_str(&e))
}

#[wasm_bindgen]
pub async fn sync_now() -> Result<Option<f64>, JsValue> {
    link::sync_now().await.map_err(|e| JsValue::from_str(&e))
}

/// The last sync's [total, waiting for `/sync` calls, applying the batches] in
/// milliseconds (the offline benchmark).
#[wasm_bindgen]
pub fn last_sync_timing() -> Vec<f64> {
    let (total, fetching, applying) = link::last_sync_timing();
    vec![total, fetching, applying]
}

/// The benchmark's writes alone (`link::bench_apply`), in milliseconds.
#[wasm_bindgen]
pub async fn bench_apply(user_id: String, pages: Vec<String>) -> Result<f64, JsValue> {
    link::bench_apply(user_id, pages)
        .await
        .map_err(|e| JsValue::from_str(&e))
}

#[wasm_bindgen]
pub async fn synced_at() -> Result<Option<f64>, JsValue> {
    link::synced_at().await.map_err(|e| JsValue::from_str(&e))
}

fn main() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    let _ = console_log::init_with_level(log::Level::Info);
    let path = window().location().pathname().unwrap_or_default();
    if !is_offline_path(&path) {
        return;
    }
    oubli::i18n::mount_when_texts(AREAS.to_vec(), OfflineApp);
}
