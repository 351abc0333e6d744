//! Routing: the screen of each path, its parameter (record id or guide slug), and the
//! component that picks the screen for the address of [`crate::nav`].

use crate::components::shell::Shell;
use crate::i18n;
use crate::pages::{
    contact::ContactPage, contact_new::ContactNewPage, contacts::ContactsPage,
    contract::ContractPage, guide::GuidePage, home::HomePage, login::LoginPage,
    not_found::NotFound, project::ProjectPage, projects::ProjectsPage, rgpd::RgpdPage,
    tasks::TasksPage,
};
use leptos::prelude::*;

/// The screens of the app, read from the path by [`route_of`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Login,
    /// `/`: goes on to the contacts.
    Home,
    Contacts,
    ContactNew,
    Contact,
    Projects,
    Project,
    Contract,
    Tasks,
    Rgpd,
    Guide,
    NotFound,
}

/// The screen of `path` and its parameter: the record id of `/contacts/{id}`,
/// `/projects/{id}` and `/contracts/{id}`, the slug of `/guides/{slug}`, else empty.
/// One `match` instead of a table of routes: the app has a dozen fixed paths, and the
/// router's generic route tree weighed about 60 KB of the wasm.
pub fn route_of(path: &str) -> (Screen, String) {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let screen = match segments.as_slice() {
        [] => Screen::Home,
        ["login"] => Screen::Login,
        ["contacts"] => Screen::Contacts,
        ["contacts", "new"] => Screen::ContactNew,
        ["contacts", _] => Screen::Contact,
        ["projects"] => Screen::Projects,
        ["projects", _] => Screen::Project,
        ["contracts", _] => Screen::Contract,
        ["tasks"] => Screen::Tasks,
        ["rgpd"] => Screen::Rgpd,
        ["guides", _] => Screen::Guide,
        _ => Screen::NotFound,
    };
    let param = match (screen, segments.as_slice()) {
        (Screen::Contact | Screen::Project | Screen::Contract | Screen::Guide, [_, p]) => {
            (*p).to_owned()
        }
        _ => String::new(),
    };
    (screen, param)
}

/// The dictionary areas a screen shows besides [`crate::i18n::BOOT_AREAS`]: fetched
/// before the screen is shown (the app's first screen: before the first paint, `main`).
pub fn screen_areas(screen: Screen) -> &'static [&'static str] {
    match screen {
        Screen::Contact | Screen::ContactNew | Screen::Project | Screen::Contract => &["record"],
        Screen::Tasks => &["tasks"],
        Screen::Rgpd => &["record", "tasks"],
        Screen::Guide => &["guide"],
        Screen::Login | Screen::Home | Screen::Contacts | Screen::Projects | Screen::NotFound => {
            &[]
        }
    }
}

/// The parameter of the current path (record id or guide slug), see [`route_of`].
#[derive(Clone, Copy)]
pub struct RouteParam(pub Memo<String>);

/// The id (or slug) in the current path, tracked: it changes without the page being
/// rebuilt when the user goes from one record to another of the same kind.
pub fn route_param() -> Memo<String> {
    expect_context::<RouteParam>().0
}

/// Picks the screen for the current path. The login page and the 404 stand alone;
/// every other screen sits in the [`Shell`], which stays in place between screens.
#[component]
pub fn Pages() -> impl IntoView {
    let pathname = crate::nav::use_location().pathname;
    let route = Memo::new(move |_| pathname.with(|p| route_of(p)));
    let screen = Memo::new(move |_| route.with(|r| r.0));
    provide_context(RouteParam(Memo::new(move |_| route.with(|r| r.1.clone()))));
    let alone = Memo::new(move |_| match screen.get() {
        s @ (Screen::Login | Screen::NotFound) => Some(s),
        _ => None,
    });
    move || match alone.get() {
        Some(s) => screen_view(s),
        None => view! { <Shell content=move || screen_view(screen.get()) /> }.into_any(),
    }
}

/// The screen, once its dictionary areas are there ([`screen_areas`]); nothing until
/// then (a small file, fetched once).
fn screen_view(screen: Screen) -> AnyView {
    let areas = screen_areas(screen);
    let locale = i18n::use_i18n().0.get_untracked();
    let loaded = |a: &&str| {
        i18n::is_loaded(i18n::Locale::Fr, a)
            && (locale == i18n::Locale::Fr || i18n::is_loaded(locale, a))
    };
    if areas.iter().all(loaded) {
        return page(screen);
    }
    let ready = RwSignal::new(false);
    leptos::task::spawn_local_scoped(async move {
        i18n::ensure(locale, areas).await;
        ready.set(true);
    });
    (move || ready.get().then(|| page(screen))).into_any()
}

fn page(screen: Screen) -> AnyView {
    match screen {
        Screen::Login => view! { <LoginPage /> }.into_any(),
        Screen::Home => view! { <HomePage /> }.into_any(),
        Screen::Contacts => view! { <ContactsPage /> }.into_any(),
        Screen::ContactNew => view! { <ContactNewPage /> }.into_any(),
        Screen::Contact => view! { <ContactPage /> }.into_any(),
        Screen::Projects => view! { <ProjectsPage /> }.into_any(),
        Screen::Project => view! { <ProjectPage /> }.into_any(),
        Screen::Contract => view! { <ContractPage /> }.into_any(),
        Screen::Tasks => view! { <TasksPage /> }.into_any(),
        Screen::Rgpd => view! { <RgpdPage /> }.into_any(),
        Screen::Guide => view! { <GuidePage /> }.into_any(),
        Screen::NotFound => view! { <NotFound /> }.into_any(),
    }
}
