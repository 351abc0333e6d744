//! Oubli's browser app: client-side rendered Leptos, served by `oubli-server` from
//! `dist/` and talking to it over the REST API of API.md. French interface.

pub mod api;
pub mod components;
pub mod i18n;
pub mod pages;

use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;
use oubli_domain::perm::{decide, Action, Actor, Decision};
use oubli_domain::User;

use components::shell::Shell;
use pages::{
    admin::AdminPage, contact::ContactPage, contact_new::ContactNewPage, contacts::ContactsPage,
    contract::ContractPage, guide::GuidePage, login::LoginPage, not_found::NotFound,
    project::ProjectPage, projects::ProjectsPage, rgpd::RgpdPage, tasks::TasksPage,
};

/// What the app knows about the session.
#[derive(Clone, PartialEq)]
pub enum Auth {
    /// `GET /me` has not answered yet.
    Checking,
    LoggedOut,
    LoggedIn(User),
}

/// The session state shared by every page, provided by [`App`].
#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<Auth>);

impl Session {
    /// The logged-in user, if any (tracked).
    pub fn user(&self) -> Option<User> {
        self.0.with(|auth| match auth {
            Auth::LoggedIn(user) => Some(user.clone()),
            _ => None,
        })
    }

    /// May the logged-in user do `action` on the cabinet as a whole (tracked)? Asks the
    /// domain's permission matrix, so the interface shows exactly what the server
    /// would allow; the server checks again anyway.
    pub fn can(&self, action: Action) -> bool {
        self.user().is_some_and(|u| may(&u, action))
    }
}

/// The [`Actor`] the server would build for `user`.
pub fn actor_of(user: &User) -> Actor {
    Actor {
        user_id: user.id.clone(),
        cabinet_id: user.cabinet_id.clone(),
        team_id: user.team_id.clone(),
        role: user.role,
    }
}

/// May `user` do `action` on the cabinet as a whole (lists, settings, audit)?
pub fn may(user: &User, action: Action) -> bool {
    decide(&actor_of(user), action, None) == Decision::Allow
}

/// The [`Session`] provided by [`App`].
pub fn use_session() -> Session {
    expect_context()
}

/// Sets the tab title, so several open tabs stay tellable apart.
pub fn set_title(page: &str) {
    document().set_title(&format!("{page} · Oubli"));
}

/// The whole app: the session check, then the router.
#[component]
pub fn App() -> impl IntoView {
    let auth = RwSignal::new(Auth::Checking);
    provide_context(Session(auth));
    i18n::provide_i18n();

    spawn_local_scoped_with_cancellation(async move {
        let known = match api::session::me().await {
            Ok(Some(user)) => Auth::LoggedIn(user),
            Ok(None) => Auth::LoggedOut,
            Err(e) => {
                log::warn!("GET /me failed: {} ({})", e.code, e.status);
                Auth::LoggedOut
            }
        };
        // A login submitted while `/me` was still on its way has the last word.
        if auth.with_untracked(|a| *a == Auth::Checking) {
            auth.set(known);
        }
    });

    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage />
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=|| view! { <Redirect path="/contacts" /> } />
                    <Route path=path!("/contacts") view=ContactsPage />
                    <Route path=path!("/contacts/new") view=ContactNewPage />
                    <Route path=path!("/contacts/:id") view=ContactPage />
                    <Route path=path!("/projects") view=ProjectsPage />
                    <Route path=path!("/projects/:id") view=ProjectPage />
                    <Route path=path!("/contracts/:id") view=ContractPage />
                    <Route path=path!("/tasks") view=TasksPage />
                    <Route path=path!("/rgpd") view=RgpdPage />
                    <Route path=path!("/admin") view=AdminPage />
                    <Route path=path!("/guides/:slug") view=GuidePage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
