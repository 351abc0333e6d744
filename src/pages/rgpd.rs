//! RGPD (administrators and deputies): retention list, requests register and erasure
//! jobs come with their own issue; the page says so.

use leptos::prelude::*;
use oubli_domain::Action;

use crate::i18n::t;
use crate::{set_title, use_session};

#[component]
pub fn RgpdPage() -> impl IntoView {
    Effect::new(move |_| set_title(&t("common.nav_rgpd")));
    let session = use_session();
    let allowed = move || session.can(Action::Erase);
    view! {
        <section class="panel placeholder-page" data-testid="rgpd-page">
            <h1>{move || t("common.rgpd_title")}</h1>
            <Show
                when=allowed
                fallback=|| view! { <p class="form-error" role="alert">{move || t("common.forbidden_page")}</p> }
            >
                <p class="muted">{move || t("common.rgpd_soon")}</p>
            </Show>
        </section>
    }
}
