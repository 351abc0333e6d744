//! Entry point of the browser app: only starts things (see `lib.rs` for the app).

fn main() {
    console_error_panic_hook::set_once();
    // A second init (hot reload) fails harmlessly; nothing to report.
    let _ = console_log::init_with_level(log::Level::Info);
    leptos::mount::mount_to_body(oubli::App);
}
