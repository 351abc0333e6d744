//! The administration (admin only): lead widgets, CGU versions and supplier API keys
//! (then the product grid, users and teams, retention settings). A wasm module of its
//! own, `oubli-admin` (`main.rs` here, `admin.html`), served at `/admin`: screens an
//! administrator opens now and then weigh nothing in the first load of the CRM that
//! every salesperson downloads (the budget of `scripts/budget.sh`). It shares the CRM's
//! session, top bar, forms and dictionaries through this crate; links to the CRM's
//! screens are ordinary page loads (`nav::provide_location`).

mod api_keys;
mod cgu;
mod widgets;

use leptos::prelude::*;
use oubli_domain::Action;

use crate::components::shell::Shell;
use crate::i18n::t;
use crate::nav::{self, current};
use crate::{session, set_title, use_session};

/// The dictionary areas of the administration, fetched before it is mounted.
pub const AREAS: &[&str] = &["common", "record", "admin"];

/// Whether `path` belongs to the administration module rather than the CRM's.
pub fn is_admin_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

/// The tabs of the page, one path each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Widgets,
    Cgu,
    ApiKeys,
}

impl Tab {
    pub const ALL: [Tab; 3] = [Tab::Widgets, Tab::Cgu, Tab::ApiKeys];

    /// The tab of a path under `/admin`; `/admin` itself shows the widgets.
    pub fn of(path: &str) -> Option<Tab> {
        match path.trim_end_matches('/') {
            "/admin" | "/admin/widgets" => Some(Tab::Widgets),
            "/admin/cgu" => Some(Tab::Cgu),
            "/admin/api-keys" => Some(Tab::ApiKeys),
            _ => None,
        }
    }

    pub fn href(self) -> &'static str {
        match self {
            Tab::Widgets => "/admin/widgets",
            Tab::Cgu => "/admin/cgu",
            Tab::ApiKeys => "/admin/api-keys",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Widgets => "admin.tab_widgets",
            Tab::Cgu => "admin.tab_cgu",
            Tab::ApiKeys => "admin.tab_api_keys",
        }
    }
}

/// The administration module's root: session, language, address, then the page in the
/// CRM's frame.
#[component]
pub fn AdminApp() -> impl IntoView {
    session::provide_session();
    crate::i18n::provide_i18n();
    nav::provide_location(is_admin_path);
    view! { <Shell content=|| view! { <AdminPage /> } /> }
}

#[component]
fn AdminPage() -> impl IntoView {
    Effect::new(move |_| set_title(&t("common.nav_admin")));
    let session = use_session();
    let allowed = move || session.can(Action::ManageLeadCapture);
    let path = nav::use_location().pathname;
    let tab = Memo::new(move |_| path.with(|p| Tab::of(p)));
    let tabs = move || {
        Tab::ALL
            .iter()
        .map(|&tab| {
            let href = tab.href();
            let here = move || {
                let c = current(href)();
                // `/admin` alone is the first tab.
                c.or_else(|| {
                    (tab == Tab::Widgets && path.with(|p| p == "/admin")).then_some("page")
                })
            };
            view! {
                <li>
                    <a href=href aria-current=here data-testid=format!("admin-tab-{}", &href[7..])>
                        {move || t(tab.label())}
                    </a>
                </li>
            }
                })
        .collect_view()
    };
    view! {
        <section class="admin-page" data-testid="admin-page">
            <h1>{move || t("common.admin_title")}</h1>
            <Show
                when=allowed
                fallback=|| view! { <p class="form-error" role="alert">{move || t("common.forbidden_page")}</p> }
            >
                <nav class="admin-tabs" aria-label=move || t("admin.tabs_label")>
                    <ul>{tabs()}</ul>
                </nav>
                {move || match tab.get() {
                    Some(Tab::Widgets) => view! { <widgets::WidgetsTab /> }.into_any(),
                    Some(Tab::Cgu) => view! { <cgu::CguTab /> }.into_any(),
                    Some(Tab::ApiKeys) => view! { <api_keys::ApiKeysTab /> }.into_any(),
                    None => view! {
                        <p class="muted" data-testid="admin-unknown-tab">{move || t("common.not_found_text")}</p>
                    }
                    .into_any(),
                }}
            </Show>
        </section>
    }
}
