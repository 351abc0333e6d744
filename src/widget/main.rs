//! Entry point of the widget page `/w/{key}` (the `oubli-widget` binary, built from
//! `widget.html` into `dist/widget/`): only starts it (see `src/widget/mod.rs`).

fn main() {
    // Release builds abort on panic without a message (scripts/build-app.sh).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    oubli::widget::start();
}
