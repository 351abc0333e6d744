//! Entry point of the administration module (`oubli-admin`, served at `/admin`; see
//! `src/admin/mod.rs`): fetches its dictionaries, then mounts it.

use leptos::prelude::*;
use oubli::admin::{AdminApp, AREAS};
use oubli::i18n::{ensure, stored_locale};

fn main() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    let _ = console_log::init_with_level(log::Level::Info);
    wasm_bindgen_futures::spawn_local(async {
        if ensure(stored_locale(), AREAS).await {
            leptos::mount::mount_to_body(AdminApp);
        } else {
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
