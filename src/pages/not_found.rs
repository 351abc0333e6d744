//! Any path `routing::route_of` does not know.

use leptos::prelude::*;

use crate::i18n::t;
use crate::set_title;

#[component]
pub fn NotFound() -> impl IntoView {
    Effect::new(move |_| set_title(&t("common.not_found_title")));
    let path = crate::nav::use_location().pathname;
    view! {
        <main class="not-found" data-testid="not-found">
            <span class="brand brand-large">"Oubli"</span>
            <p class="not-found-code" aria-hidden="true">"404"</p>
            <h1>{move || t("common.not_found_title")}</h1>
            <p class="muted">{move || t("common.not_found_text")}</p>
            <p class="not-found-path">
                <code>{move || path.get()}</code>
            </p>
            <a href="/contacts" class="btn btn-primary" data-testid="not-found-home">
                {move || t("common.back_home")}
            </a>
        </main>
    }
}
