//! Entry point of the browser app: only starts things (see `lib.rs` for the app).

use leptos::prelude::*;
use oubli::i18n::{fetch_locale, stored_locale, Locale};

fn main() {
    // Release builds abort on panic without a message (scripts/build-app.sh), so the
    // hook would never run there.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // A second init (hot reload) fails harmlessly; nothing to report.
    let _ = console_log::init_with_level(log::Level::Info);
    // The dictionaries are not built in: fetch French (every lookup falls back to it)
    // and, when it is the stored choice, English, together, before the first paint.
    // (The executor of `leptos::task` starts with the mount, hence wasm-bindgen's.)
    wasm_bindgen_futures::spawn_local(async {
        let french = fetch_locale(Locale::Fr);
        let english = async {
            if stored_locale() == Locale::En {
                fetch_locale(Locale::En).await;
            }
        };
        let (french, ()) = oubli::i18n::join(french, english).await;
        if french {
            leptos::mount::mount_to_body(oubli::App);
        } else {
            // Without its texts the interface would show keys: say so, in the one
            // language that needs no dictionary here.
            leptos::mount::mount_to_body(|| {
                view! {
                    <p class="boot-error" role="alert">
                        "Oubli n'a pas pu charger ses textes. Vérifiez la connexion, puis rechargez la page."
                    </p>
                }
            });
        }
    });
}
