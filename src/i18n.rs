//! The one translation layer: every string shown goes through [`t`] (or [`msg`] for
//! messages that come from the domain crate or the server, which are French).
//!
//! Dictionaries are JSON files under `locales/{fr,en}/`, one per area of the app, each
//! a flat object `{ "key": "text" }`; keys are prefixed by the file name
//! (`lists.json` key `total` → `lists.total`). French is the default; the choice is kept
//! in localStorage. No dictionary is built into the wasm: French (and English when it
//! is the stored choice) is fetched from `/locales/*/` before the first paint, English
//! otherwise when chosen (see [`fetch_locale`]). `tests/lists.rs` checks
//! that English has every French key, `tests/i18n.rs` that loaded English is used.

use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

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
pub const AREAS: &[&str] = &["common", "lists", "record", "tasks", "guide", "messages"];

/// (area, French file, English file), for the tests that compare the two locales and
/// load them with [`load_sources`]. The app itself never reads this constant, so no
/// dictionary is built into the wasm: `main` fetches them from `/locales/{fr,en}/`
/// (Trunk copies `locales/` into `dist/`) before the first paint; see
/// [`fetch_locale`]. 60 KB of French text is data, not code: kept out of the wasm,
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

thread_local! {
    /// French then English, filled by [`load_area`]; empty until then.
    static DICTS: [RefCell<HashMap<String, String>>; 2] = Default::default();
    /// Notified when English arrives, so text shown meanwhile in French re-renders.
    static EN_LOADED: ArcTrigger = ArcTrigger::new();
    static REQUESTED: [Cell<bool>; 2] = const { [Cell::new(false), Cell::new(false)] };
}

fn slot(locale: Locale) -> usize {
    match locale {
        Locale::Fr => 0,
        Locale::En => 1,
    }
}

/// Adds area `area` of `locale` from its JSON text (what [`fetch_locale`] downloads;
/// tests pass the files themselves).
pub fn load_area(locale: Locale, area: &str, src: &str) {
    DICTS.with(|d| add_area(&mut d[slot(locale)].borrow_mut(), locale, area, src));
    if locale == Locale::En {
        EN_LOADED.with(|t| t.notify());
    }
}

/// Loads both locales from [`SOURCES`]: for tests, which have no server to fetch from.
pub fn load_sources() {
    for (area, fr, en) in SOURCES {
        load_area(Locale::Fr, area, fr);
        load_area(Locale::En, area, en);
    }
}

/// Downloads the dictionaries of `locale`, once. `false` when one of them could not
/// be fetched (text of a missing English entry falls back to French).
pub async fn fetch_locale(locale: Locale) -> bool {
    if REQUESTED.with(|r| r[slot(locale)].replace(true)) {
        return true;
    }
    let all = std::rc::Rc::new(Cell::new(true));
    let requests = AREAS.iter().map(|area| {
        let all = all.clone();
        async move {
            let url = format!("/locales/{}/{area}.json", locale.code());
            let text = match gloo_net::http::Request::get(&url).send().await {
                Ok(r) if r.ok() => r.text().await.ok(),
                _ => None,
            };
            match text {
                Some(text) => load_area(locale, area, &text),
                None => {
                    all.set(false);
                    log::error!("{url}: could not be fetched");
                }
            }
        }
    });
    futures_join_all(requests).await;
    let ok = all.get();
    if !ok {
        // Let a later choice of this language try again.
        REQUESTED.with(|r| r[slot(locale)].set(false));
    }
    ok
}

/// Runs two futures concurrently and gives both results.
pub async fn join<A: std::future::Future, B: std::future::Future>(
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

/// Runs the futures concurrently (a few, so a simple loop of polls is enough).
async fn futures_join_all<F: std::future::Future<Output = ()>>(futures: impl Iterator<Item = F>) {
    let mut pending: Vec<_> = futures.map(Box::pin).map(Some).collect();
    std::future::poll_fn(move |cx| {
        let mut done = true;
        for slot in pending.iter_mut() {
            if let Some(f) = slot {
                if f.as_mut().poll(cx).is_ready() {
                    *slot = None;
                } else {
                    done = false;
                }
            }
        }
        if done {
            std::task::Poll::Ready(())
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
/// in step with it; fetches English the first time it is chosen.
pub fn provide_i18n() -> I18n {
    let i18n = I18n(RwSignal::new(stored_locale()));
    provide_context(i18n);
    Effect::new(move |_| {
        let l = i18n.0.get();
        if l == Locale::En {
            leptos::task::spawn_local(async {
                fetch_locale(Locale::En).await;
            });
        }
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
/// (`move || t("lists.total")`) re-renders when the user switches language.
pub fn t(key: &str) -> String {
    lookup(tracked_locale(), key)
}

/// [`locale`], also tracking the arrival of English when it is the one chosen.
fn tracked_locale() -> Locale {
    let l = locale();
    if l == Locale::En {
        EN_LOADED.with(|t| t.track());
    }
    l
}

/// A French message from the domain or the server, in the current locale: the English
/// dictionary `messages.json` is keyed by the French text itself.
pub fn msg(french: &str) -> String {
    match tracked_locale() {
        Locale::Fr => french.to_string(),
        Locale::En => DICTS
            .with(|d| d[1].borrow().get(&format!("messages.{french}")).cloned())
            .unwrap_or_else(|| french.to_string()),
    }
}
