//! The one translation layer: every string shown goes through [`t`] (or [`msg`] for
//! messages that come from the domain crate or the server, which are French).
//!
//! Dictionaries are JSON files under `locales/{fr,en}/`, one per area of the app, each
//! a flat object `{ "key": "text" }`; keys are prefixed by the file name
//! (`lists.json` key `total` → `lists.total`). French is the default; the choice is kept
//! in localStorage. Only French is built into the wasm; English is fetched from
//! `/locales/en/*.json` when chosen (see [`fetch_english`]). `tests/lists.rs` checks
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

/// The areas, i.e. the files under `locales/{fr,en}/`. Add a line here, in [`FRENCH`]
/// and in [`SOURCES`] to add an area.
pub const AREAS: &[&str] = &["common", "lists", "record", "tasks", "guide", "messages"];

/// French, the default, is built into the app: it is needed before the first paint.
/// Same order as [`AREAS`].
const FRENCH: &[&str] = &[
    include_str!("../locales/fr/common.json"),
    include_str!("../locales/fr/lists.json"),
    include_str!("../locales/fr/record.json"),
    include_str!("../locales/fr/tasks.json"),
    include_str!("../locales/fr/guide.json"),
    include_str!("../locales/fr/messages.json"),
];

/// (area, French file, English file), for the tests that compare the two locales.
/// The app itself never reads this constant, so the English text stays out of the
/// wasm: it is fetched from `/locales/en/` (Trunk copies `locales/` into `dist/`)
/// the first time English is chosen; see [`load_english`].
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

fn french() -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (area, src) in AREAS.iter().zip(FRENCH) {
        add_area(&mut out, Locale::Fr, area, src);
    }
    out
}

thread_local! {
    static FR: HashMap<String, String> = french();
    /// Filled by [`load_english`]; empty until then (lookups fall back to French).
    static EN: RefCell<HashMap<String, String>> = RefCell::default();
    /// Notified when English arrives, so text shown meanwhile in French re-renders.
    static EN_LOADED: ArcTrigger = ArcTrigger::new();
    static EN_REQUESTED: Cell<bool> = const { Cell::new(false) };
}

/// Adds English area `area` from its JSON text (what [`fetch_english`] downloads;
/// tests pass the files themselves).
pub fn load_english(area: &str, src: &str) {
    EN.with(|d| add_area(&mut d.borrow_mut(), Locale::En, area, src));
    EN_LOADED.with(|t| t.notify());
}

/// Downloads the English dictionaries, once; French stays shown until they arrive
/// (or if they cannot be fetched).
pub async fn fetch_english() {
    if EN_REQUESTED.with(|r| r.replace(true)) {
        return;
    }
    let requests = AREAS.iter().map(|area| async move {
        let url = format!("/locales/en/{area}.json");
        let text = match gloo_net::http::Request::get(&url).send().await {
            Ok(r) if r.ok() => r.text().await.ok(),
            _ => None,
        };
        match text {
            Some(text) => load_english(area, &text),
            None => log::error!("{url}: could not be fetched"),
        }
    });
    futures_join_all(requests).await;
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
    let found = match locale {
        Locale::Fr => FR.with(|d| d.get(key).cloned()),
        Locale::En => EN
            .with(|d| d.borrow().get(key).cloned())
            .or_else(|| FR.with(|d| d.get(key).cloned())),
    };
    found.unwrap_or_else(|| key.to_string())
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
            leptos::task::spawn_local(fetch_english());
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
        Locale::En => EN
            .with(|d| d.borrow().get(&format!("messages.{french}")).cloned())
            .unwrap_or_else(|| french.to_string()),
    }
}
