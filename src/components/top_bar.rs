//! The bar at the top of every logged-in page: who is working, for which cabinet,
//! whether the network is there, the language, the way out, and the guides; then the
//! main navigation, filtered by the role through the domain's permission matrix.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;
use oubli_domain::{Action, Role};

use super::guides::GuidesButton;
use crate::i18n::{t, use_i18n, Locale};
use crate::nav::current;
use crate::{use_session, Auth};

/// Translation key of a role's label.
pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Admin => "common.role_admin",
        Role::Deputy => "common.role_deputy",
        Role::TeamLead => "common.role_team_lead",
        Role::Sales => "common.role_sales",
    }
}

/// Whether the browser says it is online, kept current by the `online` / `offline`
/// events of the window.
fn online_signal() -> ReadSignal<bool> {
    let online = RwSignal::new(window().navigator().on_line());
    let on = window_event_listener(ev::online, move |_| online.set(true));
    let off = window_event_listener(ev::offline, move |_| online.set(false));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
    online.read_only()
}

#[component]
pub fn TopBar() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let field = move |f: fn(&oubli_domain::User) -> String| {
        move || session.user().map(|u| f(&u)).unwrap_or_default()
    };
    let cabinet = field(|u| u.cabinet_name.clone());
    let name = field(|u| u.name.clone());
    let role = move || {
        session
            .user()
            .map(|u| t(role_key(u.role)))
            .unwrap_or_default()
    };
    let online = online_signal();
    // The offline cache's state (the CRM only; not in the administration module).
    let sync = use_context::<crate::sync_link::SyncState>();

    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let owner = Owner::current().expect("TopBar is rendered under an owner");
    let logout = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        owner.with(|| {
            spawn_local_scoped_with_cancellation(async move {
                match session.log_out().await {
                    // The shell sees the change and goes to the login page.
                    // The logout's `Clear-Site-Data` emptied the browser's storage, the
                    // service worker's copy of the app included: the login page is
                    // loaded again, which registers it anew (and leaves nothing of
                    // the session in this page's memory), so that the next opening
                    // with no network still shows the login page.
                    Ok(()) => {
                        session.0.set(Auth::LoggedOut);
                        let _ = window().location().assign("/login");
                    }
                    // Staying logged in on screen while the server still holds the
                    // session is the honest outcome: say so and let them retry.
                    Err(e) => {
                        busy.set(false);
                        error.set(Some(
                            t("common.logout_failed").replace("{reason}", &e.message),
                        ));
                    }
                }
            })
        });
    };
    let switch_lang = move |_| {
        i18n.0.update(|l| {
            *l = match l {
                Locale::Fr => Locale::En,
                Locale::En => Locale::Fr,
            }
        })
    };

    let can_rgpd = move || session.can(Action::Erase);
    let can_admin = move || session.can(Action::ManageCabinet);

    view! {
        <header class="topbar">
            <a class="skip-link" href="#contenu">
                {move || t("common.skip_to_content")}
            </a>
            <div class="topbar-start">
                <a href="/contacts" class="brand" aria-label=move || t("common.home_label")>
                    "Oubli"
                </a>
                <span class="cabinet" data-testid="cabinet-name">
                    {cabinet}
                </span>
            </div>
            <div class="topbar-end">
                {move || {
                    error
                        .get()
                        .map(|message| {
                            view! {
                                <span class="topbar-error" role="alert" data-testid="logout-error">
                                    {message}
                                </span>
                            }
                        })
                }}
                <OnlineIndicator online=online.into() />
                {sync.map(|s| view! { <SyncStatus state=s /> })}
                <div class="who">
                    <span class="user-name" data-testid="user-name">
                        {name}
                    </span>
                    <span class="user-role" data-testid="user-role">
                        {role}
                    </span>
                </div>
                <button
                    type="button"
                    class="btn btn-on-dark btn-small"
                    data-testid="lang-switch"
                    lang=move || match i18n.0.get() {
                        Locale::Fr => "en",
                        Locale::En => "fr",
                    }
                    aria-label=move || t("common.lang_switch_label")
                    on:click=switch_lang
                >
                    {move || t("common.lang_switch")}
                </button>
                <button
                    type="button"
                    class="btn btn-on-dark btn-small"
                    data-testid="logout"
                    on:click=logout
                    disabled=move || busy.get()
                >
                    {move || if busy.get() { t("common.logging_out") } else { t("common.logout") }}
                </button>
                <GuidesButton />
            </div>
        </header>
        <nav class="mainnav" aria-label=move || t("common.nav_label")>
            <ul>
                <li>
                    <a href="/contacts" aria-current=current("/contacts") data-testid="nav-contacts">
                        {move || t("common.nav_contacts")}
                    </a>
                </li>
                <li>
                    <a href="/projects" aria-current=current("/projects") data-testid="nav-projects">
                        {move || t("common.nav_projects")}
                    </a>
                </li>
                <li>
                    <a href="/tasks" aria-current=current("/tasks") data-testid="nav-tasks">
                        {move || t("common.nav_tasks")}
                    </a>
                </li>
                <Show when=can_rgpd>
                    <li>
                        <a href="/rgpd" aria-current=current("/rgpd") data-testid="nav-rgpd">
                            {move || t("common.nav_rgpd")}
                        </a>
                    </li>
                </Show>
                <Show when=can_admin>
                    <li>
                        <a href="/admin" aria-current=current("/admin") data-testid="nav-admin">
                            {move || t("common.nav_admin")}
                        </a>
                    </li>
                </Show>
            </ul>
        </nav>
    }
}

/// When the offline cache last synced, and the button that syncs it now.
#[component]
fn SyncStatus(state: crate::sync_link::SyncState) -> impl IntoView {
    let text = move || {
        if state.busy.get() {
            t("common.syncing")
        } else if state.failed.get() {
            t("common.sync_failed")
        } else {
            state
                .synced_at
                .get()
                .map(|ms| t("common.synced_at").replace("{time}", &crate::sync_link::clock(ms)))
                .unwrap_or_default()
        }
    };
    view! {
        <Show when=move || state.open.get()>
            <span class="synced-at" data-testid="synced-at" role="status">
                {text}
            </span>
            <button
                type="button"
                class="btn btn-on-dark btn-small"
                data-testid="sync-now"
                disabled=move || state.busy.get()
                on:click=move |_| crate::sync_link::sync(state)
            >
                {move || t("common.sync_now")}
            </button>
        </Show>
    }
}

/// "En ligne" / "Hors ligne", as `online` says (the CRM's top bar, the offline view's).
#[component]
pub fn OnlineIndicator(online: Signal<bool>) -> impl IntoView {
    view! {
        <span
            class="online"
            class:is-offline=move || !online.get()
            data-testid="online-indicator"
            data-online=move || online.get().to_string()
            role="status"
            title=move || {
                if online.get() { t("common.online_hint") } else { t("common.offline_hint") }
            }
        >
            <span class="online-dot" aria-hidden="true"></span>
            {move || if online.get() { t("common.online") } else { t("common.offline") }}
        </span>
    }
}
