//! The offline view (PRODUCT.md §9 "Offline view", issue 17): a wasm module of its own,
//! `oubli-offline` (`main.rs` here, `offline.html`), served at `/hors-ligne` and kept by
//! the service worker. It holds the encrypted cache (`crate::cache`) so that the CRM's
//! first load does not: the CRM loads it after login (`crate::sync_link`) and calls
//! what `link.rs` exports to open and sync the cache; with no network, the CRM's boot
//! sends the user here, where the password opens the cache and the contacts are read,
//! never written.
//!
//! - `link.rs`: the functions the CRM calls (open at login or reload, sync).
//! - `pages.rs`: the unlock form, the contacts list (search and filters in memory)
//!   and the contact page, read-only.

pub mod link;
mod pages;

use crate::cache::{Cache, CacheError, Summary};
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// The dictionary areas of the offline view, fetched before it is mounted.
pub const AREAS: &[&str] = &["common", "lists", "offline"];

/// Where the offline view lives (the server and the service worker send its page).
pub const BASE: &str = "/hors-ligne";

/// Whether `path` belongs to the offline view.
pub fn is_offline_path(path: &str) -> bool {
    path == BASE || path.starts_with("/hors-ligne/")
}

/// The browser storage key of the user whose cache this device holds: their id (a
/// UUID, nothing personal), written by the CRM at login, removed at logout.
pub const OFFLINE_USER_KEY: &str = "oubli.offline_user";

/// What the page shows.
#[derive(Clone)]
enum Phase {
    /// No cache on this device (never logged in here, or logged out): the login page.
    NoCache,
    /// A cache to open with the password.
    Locked(String),
    /// The list entries, read from the open cache (whole records on demand).
    Open(Arc<Vec<Summary>>),
}

/// The offline view's state, shared by its pages.
#[derive(Clone, Copy)]
pub struct Offline {
    phase: RwSignal<Phase>,
    online: RwSignal<bool>,
    synced_at: RwSignal<Option<f64>>,
    /// A message about the last sync or unlock (French).
    note: RwSignal<Option<String>>,
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The user whose cache this device holds, if any.
pub fn stored_user() -> Option<String> {
    storage().and_then(|s| s.get_item(OFFLINE_USER_KEY).ok().flatten())
}

/// Notes that this device holds `user_id`'s cache (at login, once it is open).
pub fn remember_user(user_id: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(OFFLINE_USER_KEY, user_id);
    }
}

/// Forgets it (at logout, when the cache is deleted).
pub fn forget_user() {
    if let Some(s) = storage() {
        let _ = s.remove_item(OFFLINE_USER_KEY);
    }
}

impl Offline {
    /// Reads the open cache's list into the page.
    async fn load(self, cache: &Cache) {
        match cache.summaries().await {
            Ok(mut records) => {
                records.sort_by_cached_key(pages::sort_key);
                // The list first, then when it was synced (one more read).
                self.phase.set(Phase::Open(Arc::new(records)));
                self.synced_at
                    .set(link::last_synced(cache).await.ok().flatten());
            }
            Err(e) => self.note.set(Some(e.to_string())),
        }
    }

    /// Syncs the open cache (back online), then reads it again: what was erased or
    /// taken away meanwhile is gone from the page.
    fn sync(self) {
        let Some(cache) = link::open_cache() else {
            return;
        };
        spawn_local(async move {
            match link::sync_now().await {
                Ok(_) => self.note.set(None),
                Err(_) => self.note.set(Some(t("offline.sync_failed"))),
            }
            self.load(&cache).await;
        });
    }

    /// Opens the cache of `user_id` with `password`.
    async fn unlock(self, user_id: String, password: String) -> Result<(), String> {
        match Cache::unlock_with_password(&user_id, &password).await {
            Ok(cache) => {
                let cache = link::keep(cache);
                self.load(&cache).await;
                if self.online.get_untracked() {
                    self.sync();
                }
                Ok(())
            }
            Err(CacheError::WrongPassword) => Err(t("offline.wrong_password")),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// The offline view's root.
#[component]
pub fn OfflineApp() -> impl IntoView {
    crate::i18n::provide_i18n();
    crate::nav::provide_location(is_offline_path);
    let online = RwSignal::new(window().navigator().on_line());
    let state = Offline {
        phase: RwSignal::new(Phase::NoCache),
        online,
        synced_at: RwSignal::new(None),
        note: RwSignal::new(None),
    };
    provide_context(state);
    let ready = RwSignal::new(false);
    spawn_local(async move {
        if let Some(user) = stored_user() {
            if Cache::exists(&user).await.unwrap_or(false) {
                state.phase.set(Phase::Locked(user));
            }
        }
        ready.set(true);
    });
    let on = window_event_listener(leptos::ev::online, move |_| {
        online.set(true);
        state.sync();
    });
    let off = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
    Effect::new(move |_| crate::set_title(&t("offline.title")));
    view! {
        <Show when=move || ready.get()>
            {move || match state.phase.get() {
                Phase::NoCache => pages::no_cache().into_any(),
                Phase::Locked(user) => view! { <pages::Unlock user_id=user /> }.into_any(),
                Phase::Open(records) => view! { <pages::Browse records /> }.into_any(),
            }}
        </Show>
    }
}
