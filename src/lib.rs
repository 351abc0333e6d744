//! Oubli's browser app: client-side rendered Leptos, served by `oubli-server` from
//! `dist/` and talking to it over the REST API of API.md. French interface.
//!
//! The session lives in [`session`], the screens and their paths in [`routing`]; both
//! are re-exported here, so pages write `crate::use_session()`, `crate::route_param()`.

pub mod admin;
pub mod api;
pub mod cache;
pub mod components;
pub mod i18n;
pub mod nav;
pub mod offline;
pub mod pages;
pub mod routing;
pub mod session;
pub mod sync_link;
pub mod widget;

use leptos::prelude::*;

pub use routing::{route_of, route_param, screen_areas, RouteParam, Screen};
pub use session::{actor_of, may, use_session, Auth, Session};

/// Sets the tab title, so several open tabs stay tellable apart.
pub fn set_title(page: &str) {
    document().set_title(&format!("{page} · Oubli"));
}

/// The whole app: the session, the language, the address, then the screen.
#[component]
pub fn App() -> impl IntoView {
    session::provide_session();
    i18n::provide_i18n();
    sync_link::provide_sync();

    nav::provide_location(|path| !admin::is_admin_path(path));
    view! { <routing::Pages /> }
}
