//! Administration (administrators only): users, teams, widgets, CGU versions and
//! retention settings come with their own issue; the page says so.

use leptos::prelude::*;
use oubli_domain::Action;

use crate::i18n::t;
use crate::{set_title, use_session};

#[component]
pub fn AdminPage() -> impl IntoView {
    Effect::new(move |_| set_title(&t("common.nav_admin")));
    let session = use_session();
    let allowed = move || session.can(Action::ManageCabinet);
    view! {
        <section class="panel placeholder-page" data-testid="admin-page">
            <h1>{move || t("common.admin_title")}</h1>
            <Show
                when=allowed
                fallback=|| view! { <p class="form-error" role="alert">{move || t("common.forbidden_page")}</p> }
            >
                <p class="muted">{move || t("common.admin_soon")}</p>
            </Show>
        </section>
    }
}
