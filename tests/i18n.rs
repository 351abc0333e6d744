//! The translation layer, in a real headless Chromium:
//! `cargo test -p oubli --target wasm32-unknown-unknown --test i18n`.
//! No dictionary is built into the app: `main` fetches them and loads them with
//! `load_area`, which these tests feed with the files themselves.
#![cfg(target_arch = "wasm32")]

use oubli::i18n::{load_area, lookup, Locale, AREAS, SOURCES};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_fetched_areas_are_the_tested_ones() {
    let tested: Vec<&str> = SOURCES.iter().map(|(area, _, _)| *area).collect();
    assert_eq!(AREAS, tested.as_slice());
}

#[wasm_bindgen_test]
fn loaded_french_then_loaded_english_are_used() {
    // Nothing loaded yet: the key itself shows, never a blank.
    assert_eq!(
        lookup(Locale::Fr, "common.nav_projects"),
        "common.nav_projects"
    );
    for (area, fr, _) in SOURCES {
        load_area(Locale::Fr, area, fr);
    }
    assert_eq!(lookup(Locale::Fr, "common.nav_projects"), "Projets");
    // English not loaded yet: French shows.
    assert_eq!(lookup(Locale::En, "common.nav_projects"), "Projets");
    for (area, _, en) in SOURCES {
        load_area(Locale::En, area, en);
    }
    assert_eq!(lookup(Locale::En, "common.nav_projects"), "Projects");
    assert_eq!(lookup(Locale::Fr, "common.nav_projects"), "Projets");
    // A key English lacks falls back to French, then to the key itself.
    assert_eq!(
        lookup(Locale::En, "common.no_such_key"),
        "common.no_such_key"
    );
}

#[wasm_bindgen_test]
fn index_html_preloads_exactly_the_boot_areas() {
    // scripts/budget.sh counts what index.html references as the first load: the
    // dictionaries main fetches before the first paint must be those it preloads.
    let index = include_str!("../index.html");
    let preloaded: Vec<&str> = index
        .split("href=\"/locales/fr/")
        .skip(1)
        .filter_map(|rest| rest.split_once(".json\""))
        .map(|(area, _)| area)
        .collect();
    assert_eq!(preloaded, oubli::i18n::BOOT_AREAS);
    for area in oubli::i18n::BOOT_AREAS {
        assert!(oubli::i18n::AREAS.contains(area), "{area}");
    }
}

#[wasm_bindgen_test]
fn every_screen_area_is_a_known_area() {
    use oubli::Screen::*;
    for screen in [
        Login, Home, Contacts, ContactNew, Contact, Projects, Project, Contract, Tasks, Rgpd,
        Guide, NotFound,
    ] {
        for area in oubli::screen_areas(screen) {
            assert!(oubli::i18n::AREAS.contains(area), "{screen:?}: {area}");
        }
    }
    // The administration module fetches its own before it is mounted.
    for area in oubli::admin::AREAS {
        assert!(oubli::i18n::AREAS.contains(area), "admin: {area}");
    }
}
