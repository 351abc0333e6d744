//! Entry point of the administration module (`oubli-admin`, served at `/admin`; see
//! `src/admin/mod.rs`): fetches its dictionaries, then mounts it.

use oubli::admin::{AdminApp, AREAS};

fn main() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    let _ = console_log::init_with_level(log::Level::Info);
    oubli::i18n::mount_when_texts(AREAS.to_vec(), AdminApp);
}
