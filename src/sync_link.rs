//! The CRM's side of the offline cache (issue 17): the cache, its cipher and its sync
//! live in the offline view's module (`src/offline/`, `/hors-ligne/entry.js`), which
//! the CRM loads after login and drives through the functions it exports, so that the
//! first load of the CRM carries none of it. Here: loading that module, opening the
//! cache (with the password at login, with the server's key on a reload), syncing it
//! (after opening, on reconnection, every [`SYNC_EVERY_MINUTES`] minutes, and from the
//! top bar's button), and what the top bar shows of it ([`SyncState`]).

use crate::offline::remember_user;
use crate::use_session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use oubli_domain::SYNC_EVERY_MINUTES;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = "export function import_module(url) { return import(url); }")]
extern "C" {
    fn import_module(url: &str) -> js_sys::Promise;
}

/// The offline view's module, as the CRM imports it.
const ENTRY: &str = "/hors-ligne/entry.js";

thread_local! {
    /// The module, once imported and started.
    static MODULE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// What the top bar shows of the cache.
#[derive(Clone, Copy)]
pub struct SyncState {
    /// When the cache last synced (milliseconds since 1970).
    pub synced_at: RwSignal<Option<f64>>,
    pub busy: RwSignal<bool>,
    pub failed: RwSignal<bool>,
    /// A cache is open in this page.
    pub open: RwSignal<bool>,
    /// A cache is being opened (at login, or on a reload).
    pub opening: RwSignal<bool>,
}

/// Provides the [`SyncState`] and starts the periodic and reconnection syncs.
pub fn provide_sync() {
    let state = SyncState {
        synced_at: RwSignal::new(None),
        busy: RwSignal::new(false),
        failed: RwSignal::new(false),
        open: RwSignal::new(false),
        opening: RwSignal::new(false),
    };
    provide_context(state);
    // A session without an open cache (a reload, not a login, which opens it with the
    // password): open it with the server's key.
    let session = use_session();
    Effect::new(move |_| {
        if let Some(user) = session.user() {
            if !state.open.get_untracked() && !state.opening.get_untracked() {
                open_with_session(state, user.id);
            }
        }
    });
    let every = std::time::Duration::from_secs(u64::from(SYNC_EVERY_MINUTES) * 60);
    let _ = set_interval_with_handle(move || sync(state), every);
    let _ = window_event_listener(leptos::ev::online, move |_| sync(state));
}

pub fn use_sync() -> SyncState {
    expect_context()
}

async fn module() -> Result<JsValue, JsValue> {
    if let Some(m) = MODULE.with(|m| m.borrow().clone()) {
        return Ok(m);
    }
    let m = JsFuture::from(import_module(ENTRY)).await?;
    let init: js_sys::Function = js_sys::Reflect::get(&m, &"default".into())?.dyn_into()?;
    JsFuture::from(js_sys::Promise::from(init.call0(&JsValue::NULL)?)).await?;
    MODULE.with(|slot| *slot.borrow_mut() = Some(m.clone()));
    Ok(m)
}

/// Calls the module's exported async function `name` with `args`.
async fn call(name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let m = module().await?;
    let f: js_sys::Function = js_sys::Reflect::get(&m, &name.into())?.dyn_into()?;
    let args: js_sys::Array = args.iter().collect();
    JsFuture::from(js_sys::Promise::from(f.apply(&JsValue::NULL, &args)?)).await
}

/// After a login: opens (or makes) the user's cache with their password, then syncs.
/// Called before the session is set, so that the reload's way does not run too.
pub fn open_at_login(state: SyncState, user_id: String, password: String) {
    state.opening.set(true);
    spawn_local(async move {
        let opened = call(
            "open_with_password",
            &[user_id.as_str().into(), password.into()],
        )
        .await;
        after_open(state, &user_id, opened.is_ok()).await;
    });
}

/// On a reload with a session: opens the user's cache with the server's key, then
/// syncs. Without a cache on this device, nothing: it is made at the next login.
fn open_with_session(state: SyncState, user_id: String) {
    state.opening.set(true);
    spawn_local(async move {
        let opened = call("open_online", &[user_id.as_str().into()]).await;
        after_open(state, &user_id, opened.is_ok_and(|v| v.is_truthy())).await;
    });
}

async fn after_open(state: SyncState, user_id: &str, opened: bool) {
    state.opening.set(false);
    if !opened {
        log::warn!("the offline cache did not open");
        state.failed.set(true);
        return;
    }
    remember_user(user_id);
    state.open.set(true);
    if let Ok(at) = call("synced_at", &[]).await {
        state.synced_at.set(at.as_f64());
    }
    run(state).await;
}

/// Syncs the open cache now, unless a sync is under way or no cache is open.
pub fn sync(state: SyncState) {
    if !state.open.get_untracked() || state.busy.get_untracked() {
        return;
    }
    spawn_local(run(state));
}

async fn run(state: SyncState) {
    state.busy.set(true);
    match call("sync_now", &[]).await {
        Ok(at) => {
            state.failed.set(false);
            if let Some(at) = at.as_f64() {
                state.synced_at.set(Some(at));
            }
        }
        Err(_) => state.failed.set(true),
    }
    state.busy.set(false);
}

/// Hours and minutes, local time, of `ms` (milliseconds since 1970): the sync time the
/// CRM's top bar and the offline view show.
pub fn clock(ms: f64) -> String {
    let d = js_sys::Date::new(&ms.into());
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}
