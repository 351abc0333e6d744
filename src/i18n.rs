//! The one translation layer: every string shown goes through [`t`] (or [`msg`] for
//! messages that come from the domain crate or the server, which are French).
//!
//! Dictionaries are JSON files under `locales/{fr,en}/`, one per area of the app, each
//! a flat object `{ "key": "text" }`; keys are prefixed by the file name
//! (`lists.json` key `total` → `lists.total`). French is the default; the choice is kept
//! in localStorage. No dictionary is built into the wasm, and none is fetched before it
//! is needed: the [`BOOT_AREAS`] (which `index.html` preloads) and the areas of the
//! screen the app opens on are fetched before the first paint (`main`), a screen's areas
//! before it is shown ([`ensure`], from `routing::screen_view`), and any other text the first time
//! [`t`] asks for it (the text appears when its area arrives). French `messages.json` is
//! never fetched: [`msg`] shows the French text itself. `tests/lists.rs` checks that
//! English has every French key, `tests/i18n.rs` that loaded areas are used.

use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::task::{Poll, Waker};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locale {
    Fr,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }
}

/// The areas, i.e. the files under `locales/{fr,en}/`. Add a line here and in
/// [`SOURCES`] to add an area.
pub const AREAS: &[&str] = &[
    "common", "lists", "record", "tasks", "guide", "messages", "admin", "offline",
];

/// The areas fetched before the first paint whatever the screen: the shell, the login
/// page and the lists (the contacts are the home screen). `index.html` preloads their
/// French files, so the browser fetches them beside the wasm; `scripts/budget.sh`
/// counts what `index.html` references, so keep both in step (`tests/i18n.rs`).
pub const BOOT_AREAS: &[&str] = &["common", "lists"];

/// (area, French file, English file), for the tests that compare the two locales and
/// load them with [`load_sources`]. The app itself never reads this constant, so no
/// dictionary is built into the wasm: the app fetches them from `/locales/{fr,en}/`
/// (Trunk copies `locales/` into `dist/`) when they are needed; see [`ensure`]. 60 KB of French text is data, not code: kept out of the wasm,
/// it costs the browser no compilation and can be cached on its own.
pub const SOURCES: &[(&str, &str, &str)] = &[
    (
        "common",
        include_str!("../locales/fr/common.json"),
        include_str!("../locales/en/common.json"),
    ),
    (
        "lists",
        include_str!("../locales/fr/lists.json"),
        include_str!("../locales/en/lists.json"),
    ),
    (
        "record",
        include_str!("../locales/fr/record.json"),
        include_str!("../locales/en/record.json"),
    ),
    (
        "tasks",
        include_str!("../locales/fr/tasks.json"),
        include_str!("../locales/en/tasks.json"),
    ),
    (
        "guide",
        include_str!("../locales/fr/guide.json"),
        include_str!("../locales/en/guide.json"),
    ),
    (
        "messages",
        include_str!("../locales/fr/messages.json"),
        include_str!("../locales/en/messages.json"),
    ),
    (
        "admin",
        include_str!("../locales/fr/admin.json"),
        include_str!("../locales/en/admin.json"),
    ),
    (
        "offline",
        include_str!("../locales/fr/offline.json"),
        include_str!("../locales/en/offline.json"),
    ),
];

/// Adds one area's dictionary (`{ "key": "text" }`) to `out` as `area.key → text`.
fn add_area(out: &mut HashMap<String, String>, locale: Locale, area: &str, src: &str) {
    match serde_json::from_str::<HashMap<String, String>>(src) {
        Ok(map) => {
            for (k, v) in map {
                out.insert(format!("{area}.{k}"), v);
            }
        }
        Err(e) => log::error!(
            "locales/{}/{area}.json is not a flat JSON object: {e}",
            locale.code()
        ),
    }
}

/// An area being fetched and the tasks waiting for it.
type Fetch = (String, Vec<Waker>);

thread_local! {
    /// French then English, filled by [`load_area`]; empty until then.
    static DICTS: [RefCell<HashMap<String, String>>; 2] = Default::default();
    /// The areas loaded, per locale.
    static LOADED: [RefCell<Vec<String>>; 2] = Default::default();
    /// The areas being fetched, per locale, with the tasks waiting for each.
    static IN_FLIGHT: [RefCell<Vec<Fetch>>; 2] = Default::default();
    /// The areas whose last fetch failed, per locale: [`t`] does not ask again (that
    /// would loop, offline, on every re-render); [`ensure`], on the next screen, does.
    static FAILED: [RefCell<Vec<String>>; 2] = Default::default();
    /// Notified when an area arrives, so text asked for before it re-renders.
    static ARRIVED: ArcTrigger = ArcTrigger::new();
}

fn slot(locale: Locale) -> usize {
    match locale {
        Locale::Fr => 0,
        Locale::En => 1,
    }
}

/// Adds area `area` of `locale` from its JSON text (what [`fetch_area`] downloads;
/// tests pass the files themselves).
pub fn load_area(locale: Locale, area: &str, src: &str) {
    DICTS.with(|d| add_area(&mut d[slot(locale)].borrow_mut(), locale, area, src));
    LOADED.with(|l| {
        let mut l = l[slot(locale)].borrow_mut();
        if !l.iter().any(|a| a == area) {
            l.push(area.to_owned());
        }
    });
    ARRIVED.with(|t| t.notify());
}

/// Whether area `area` of `locale` is loaded.
pub fn is_loaded(locale: Locale, area: &str) -> bool {
    LOADED.with(|l| l[slot(locale)].borrow().iter().any(|a| a == area))
}

fn in_flight(locale: Locale, area: &str) -> bool {
    IN_FLIGHT.with(|f| f[slot(locale)].borrow().iter().any(|(a, _)| a == area))
}

/// Resolves when the fetch of `area` in `locale` under way ends.
async fn fetched(locale: Locale, area: &str) {
    std::future::poll_fn(|cx| {
        IN_FLIGHT.with(|f| {
            let mut f = f[slot(locale)].borrow_mut();
            match f.iter_mut().find(|(a, _)| a == area) {
                Some((_, waiting)) => {
                    if !waiting.iter().any(|w| w.will_wake(cx.waker())) {
                        waiting.push(cx.waker().clone());
                    }
                    Poll::Pending
                }
                None => Poll::Ready(()),
            }
        })
    })
    .await
}

/// Loads both locales from [`SOURCES`]: for tests, which have no server to fetch from.
pub fn load_sources() {
    for (area, fr, en) in SOURCES {
        load_area(Locale::Fr, area, fr);
        load_area(Locale::En, area, en);
    }
}

/// Whether `locale` needs a file for `area`: French `messages.json` is not needed,
/// [`msg`] shows the French text itself.
fn needed(locale: Locale, area: &str) -> bool {
    !(locale == Locale::Fr && area == "messages")
}

/// Downloads area `area` of `locale` unless it is loaded or on its way (then waits
/// for that fetch). `false` when it could not be fetched; a failed area is tried again
/// here, not by [`request`].
async fn fetch_area(locale: Locale, area: &str) -> bool {
    FAILED.with(|f| f[slot(locale)].borrow_mut().retain(|a| a != area));
    if !start(locale, area) {
        if in_flight(locale, area) {
            fetched(locale, area).await;
        }
        return !needed(locale, area) || is_loaded(locale, area);
    }
    download(locale, area).await
}

/// Marks `area` of `locale` as being fetched, and says so, unless it is not needed,
/// loaded, on its way already or failed (the caller then does not fetch it).
fn start(locale: Locale, area: &str) -> bool {
    let failed = FAILED.with(|f| f[slot(locale)].borrow().iter().any(|a| a == area));
    if !needed(locale, area) || is_loaded(locale, area) || in_flight(locale, area) || failed {
        return false;
    }
    IN_FLIGHT.with(|f| {
        f[slot(locale)]
            .borrow_mut()
            .push((area.to_owned(), Vec::new()))
    });
    true
}

/// The fetch of an area [`start`] marked: loads it, or records the failure, then wakes
/// the tasks waiting for it.
async fn download(locale: Locale, area: &str) -> bool {
    let url = format!("/locales/{}/{area}.json", locale.code());
    let text = match gloo_net::http::Request::get(&url).send().await {
        Ok(r) if r.ok() => r.text().await.ok(),
        _ => None,
    };
    let waiting = IN_FLIGHT.with(|f| {
        let mut f = f[slot(locale)].borrow_mut();
        let i = f.iter().position(|(a, _)| a == area);
        i.map(|i| f.swap_remove(i).1).unwrap_or_default()
    });
    let ok = match text {
        Some(text) => {
            load_area(locale, area, &text);
            true
        }
        None => {
            log::error!("{url}: could not be fetched");
            FAILED.with(|f| f[slot(locale)].borrow_mut().push(area.to_owned()));
            // Let waiting text show its key rather than stay blank.
            ARRIVED.with(|t| t.notify());
            false
        }
    };
    waiting.into_iter().for_each(Waker::wake);
    ok
}

/// Makes sure `areas` are loaded in French and, when it is the one chosen, in `locale`
/// too, fetching what is missing together. `false` when a French file could not be
/// fetched (a missing English one falls back to French).
pub async fn ensure(locale: Locale, areas: &[&str]) -> bool {
    let french = futures_all(areas.iter().map(|a| fetch_area(Locale::Fr, a)));
    let english = async {
        if locale == Locale::En {
            futures_all(areas.iter().map(|a| fetch_area(Locale::En, a))).await;
        }
    };
    join(french, english).await.0
}

/// Fetches `area` of `locale` in the background (for [`t`]), marked as on its way at
/// once, so that the text asked for meanwhile is blank rather than its key.
fn request(locale: Locale, area: &str) {
    if start(locale, area) {
        let area = area.to_owned();
        wasm_bindgen_futures::spawn_local(async move {
            download(locale, &area).await;
        });
    }
}

/// Runs two futures concurrently and gives both results.
async fn join<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    let (mut a, mut b) = (Box::pin(a), Box::pin(b));
    let (mut ra, mut rb) = (None, None);
    std::future::poll_fn(move |cx| {
        if ra.is_none() {
            if let std::task::Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let std::task::Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        if ra.is_some() && rb.is_some() {
            std::task::Poll::Ready((ra.take().unwrap(), rb.take().unwrap()))
        } else {
            std::task::Poll::Pending
        }
    })
    .await
}

/// Runs the futures concurrently (a few, so a simple loop of polls is enough); `true`
/// when every one gave `true`.
async fn futures_all<F: std::future::Future<Output = bool>>(
    futures: impl Iterator<Item = F>,
) -> bool {
    let mut pending: Vec<_> = futures.map(Box::pin).map(Some).collect();
    let mut all = true;
    std::future::poll_fn(move |cx| {
        let mut done = true;
        for slot in pending.iter_mut() {
            if let Some(f) = slot {
                if let std::task::Poll::Ready(ok) = f.as_mut().poll(cx) {
                    all &= ok;
                    *slot = None;
                } else {
                    done = false;
                }
            }
        }
        if done {
            std::task::Poll::Ready(all)
        } else {
            std::task::Poll::Pending
        }
    })
    .await
}

/// The text of `key` in `locale`; falls back to French, then to the key itself so a
/// missing entry is visible rather than blank.
pub fn lookup(locale: Locale, key: &str) -> String {
    DICTS.with(|d| {
        let found = match locale {
            Locale::Fr => None,
            Locale::En => d[1].borrow().get(key).cloned(),
        };
        found
            .or_else(|| d[0].borrow().get(key).cloned())
            .unwrap_or_else(|| key.to_string())
    })
}

/// The current locale, provided by the App.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Locale>);

const STORAGE_KEY: &str = "oubli.lang";

/// The locale kept in localStorage, French by default.
pub fn stored_locale() -> Locale {
    let stored = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    if stored.as_deref() == Some("en") {
        Locale::En
    } else {
        Locale::Fr
    }
}

/// Provides the locale (from localStorage, French by default) and keeps `<html lang>`
/// and the stored choice in step with it.
pub fn provide_i18n() -> I18n {
    let i18n = I18n(RwSignal::new(stored_locale()));
    provide_context(i18n);
    Effect::new(move |_| {
        // English arrives through `t`, area by area, as the text shown asks for it.
        let l = i18n.0.get();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", l.code());
        }
        if let Ok(Some(s)) = window().local_storage() {
            let _ = s.set_item(STORAGE_KEY, l.code());
        }
    });
    i18n
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n(RwSignal::new(Locale::Fr)))
}

/// The current locale (tracked).
pub fn locale() -> Locale {
    use_i18n().0.get()
}

/// The text of `key` in the current locale. Reading it inside a reactive closure
/// (`move || t("lists.total")`) re-renders when the user switches language, and when
/// the key's area arrives: an area not loaded yet is fetched, its text is blank until
/// then (its key if the fetch fails).
pub fn t(key: &str) -> String {
    let locale = locale();
    let area = key.split_once('.').map_or("", |(area, _)| area);
    if !is_loaded(locale, area) {
        request(locale, area);
        ARRIVED.with(|t| t.track());
        if !is_loaded(Locale::Fr, area) {
            request(Locale::Fr, area);
            if in_flight(Locale::Fr, area) {
                return String::new();
            }
        }
    }
    lookup(locale, key)
}

/// A French message from the domain or the server, in the current locale: the English
/// dictionary `messages.json` is keyed by the French text itself.
pub fn msg(french: &str) -> String {
    match locale() {
        Locale::Fr => french.to_string(),
        Locale::En => {
            if !is_loaded(Locale::En, "messages") {
                request(Locale::En, "messages");
                ARRIVED.with(|t| t.track());
            }
            DICTS
                .with(|d| d[1].borrow().get(&format!("messages.{french}")).cloned())
                .unwrap_or_else(|| french.to_string())
        }
    }
}

/// A module's start: fetches the dictionaries of `areas` (each module's first screen),
/// then mounts `app`; without them, a French line that says so (the interface would
/// show keys).
pub fn mount_when_texts<F, N>(areas: Vec<&'static str>, app: F)
where
    F: FnOnce() -> N + 'static,
    N: leptos::prelude::IntoView + 'static,
{
    wasm_bindgen_futures::spawn_local(async move {
        if ensure(stored_locale(), &areas).await {
            leptos::mount::mount_to_body(app);
        } else {
            leptos::mount::mount_to_body(|| {
                leptos::view! {
                    <p class="boot-error" role="alert">
                        "Oubli n'a pas pu charger ses textes. Vérifiez la connexion, puis rechargez la page."
                    </p>
                }
            });
        }
    });
}
