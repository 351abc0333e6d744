//! Entry point of the browser app: only starts things (see `lib.rs` for the app).

use leptos::prelude::*;
use oubli::i18n::BOOT_AREAS;

fn main() {
    // Release builds abort on panic without a message (scripts/build-app.sh), so the
    // hook would never run there.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // A second init (hot reload) fails harmlessly; nothing to report.
    let _ = console_log::init_with_level(log::Level::Info);
    // The dictionaries are not built in: fetch those of the first screen (French, which
    // every lookup falls back to, and English when it is the stored choice) before
    // the first paint; the others come when a screen needs them (src/i18n.rs).
    // (The executor of `leptos::task` starts with the mount, hence wasm-bindgen's.)
    let path = window().location().pathname().unwrap_or_default();
    let (screen, _) = oubli::route_of(&path);
    let areas: Vec<&str> = BOOT_AREAS
        .iter()
        .chain(oubli::screen_areas(screen))
        .copied()
        .collect();
    oubli::i18n::mount_when_texts(areas, oubli::App);
}
