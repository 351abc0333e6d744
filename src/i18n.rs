//! The one translation layer: every string shown goes through [`t`] (or [`msg`] for
//! messages that come from the domain crate or the server, which are French).
//!
//! Dictionaries are JSON files under `locales/{fr,en}/`, one per area of the app, each
//! a flat object `{ "key": "text" }`; keys are prefixed by the file name
//! (`lists.json` key `total` → `lists.total`). French is the default; the choice is kept
//! in localStorage. `tests/i18n.rs` checks that English has every French key.

use leptos::prelude::*;
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

/// (area, French file, English file). Add a line to add an area.
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

/// Parses one locale's dictionaries into `area.key → text`.
pub fn dictionary(locale: Locale) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (area, fr, en) in SOURCES {
        let src = if locale == Locale::Fr { fr } else { en };
        let map: HashMap<String, String> = serde_json::from_str(src).unwrap_or_else(|e| {
            log::error!(
                "locales/{}/{area}.json is not a flat JSON object: {e}",
                locale.code()
            );
            HashMap::new()
        });
        for (k, v) in map {
            out.insert(format!("{area}.{k}"), v);
        }
    }
    out
}

thread_local! {
    static FR: HashMap<String, String> = dictionary(Locale::Fr);
    static EN: HashMap<String, String> = dictionary(Locale::En);
}

/// The text of `key` in `locale`; falls back to French, then to the key itself so a
/// missing entry is visible rather than blank.
pub fn lookup(locale: Locale, key: &str) -> String {
    let found = match locale {
        Locale::Fr => FR.with(|d| d.get(key).cloned()),
        Locale::En => EN
            .with(|d| d.get(key).cloned())
            .or_else(|| FR.with(|d| d.get(key).cloned())),
    };
    found.unwrap_or_else(|| key.to_string())
}

/// The current locale, provided by the App.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Locale>);

const STORAGE_KEY: &str = "oubli.lang";

/// Provides the locale (from localStorage, French by default) and keeps `<html lang>`
/// in step with it.
pub fn provide_i18n() -> I18n {
    let stored = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let locale = if stored.as_deref() == Some("en") {
        Locale::En
    } else {
        Locale::Fr
    };
    let i18n = I18n(RwSignal::new(locale));
    provide_context(i18n);
    Effect::new(move |_| {
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
/// (`move || t("lists.total")`) re-renders when the user switches language.
pub fn t(key: &str) -> String {
    lookup(locale(), key)
}

/// A French message from the domain or the server, in the current locale: the English
/// dictionary `messages.json` is keyed by the French text itself.
pub fn msg(french: &str) -> String {
    match locale() {
        Locale::Fr => french.to_string(),
        Locale::En => EN
            .with(|d| d.get(&format!("messages.{french}")).cloned())
            .unwrap_or_else(|| french.to_string()),
    }
}
