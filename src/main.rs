//! Entry point of the browser app: only starts things (see `lib.rs` for the app).

use oubli::i18n::{fetch_english, stored_locale, Locale};

fn main() {
    console_error_panic_hook::set_once();
    // A second init (hot reload) fails harmlessly; nothing to report.
    let _ = console_log::init_with_level(log::Level::Info);
    // English is not built in: when it is the stored choice, fetch it before the first
    // paint so the app does not flash French.
    // (The executor of `leptos::task` starts with the mount, hence wasm-bindgen's.)
    wasm_bindgen_futures::spawn_local(async {
        if stored_locale() == Locale::En {
            fetch_english().await;
        }
        leptos::mount::mount_to_body(oubli::App);
    });
}
