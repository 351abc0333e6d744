//! The translation layer, in a real headless Chromium:
//! `cargo test -p oubli --target wasm32-unknown-unknown --test i18n`.
//! French is built into the app; English is fetched when chosen and loaded with
//! `load_english`, which these tests feed with the files themselves.
#![cfg(target_arch = "wasm32")]

use oubli::i18n::{load_english, lookup, Locale, AREAS, SOURCES};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_fetched_areas_are_the_tested_ones() {
    let tested: Vec<&str> = SOURCES.iter().map(|(area, _, _)| *area).collect();
    assert_eq!(AREAS, tested.as_slice());
}

#[wasm_bindgen_test]
fn french_is_built_in_and_loaded_english_is_used() {
    assert_eq!(lookup(Locale::Fr, "common.nav_projects"), "Projets");
    for (area, _, en) in SOURCES {
        load_english(area, en);
    }
    assert_eq!(lookup(Locale::En, "common.nav_projects"), "Projects");
    assert_eq!(lookup(Locale::Fr, "common.nav_projects"), "Projets");
    // A key English lacks falls back to French, then to the key itself.
    assert_eq!(
        lookup(Locale::En, "common.no_such_key"),
        "common.no_such_key"
    );
}
