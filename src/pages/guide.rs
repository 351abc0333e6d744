//! Placeholder until this page is built.

use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub fn GuidePage() -> impl IntoView {
    view! { <p class="placeholder">{move || t("common.coming_soon")}</p> }
}
