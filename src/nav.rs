//! Navigation without a router crate: the address as two signals (path and query),
//! [`navigate`], and one click handler on the document that turns a click on any
//! same-origin `<a href>` of the app into a history entry instead of a page load.
//!
//! The app has a dozen fixed paths, read by one `match` ([`crate::routing::route_of`]).
//! For that, leptos_router (its `Router`, `A`, `Redirect`, hooks) weighed 46.8 KB of the
//! release wasm, 14.3 KB with brotli (1,378,019 → 1,331,178 B; 338,712 → 324,388 B). Links are plain `<a href>`; [`current`] gives the
//! `aria-current` of a navigation link.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The current address, tracked: path (`/contacts/42`) and query (`?q=x`, or empty).
#[derive(Clone, Copy)]
pub struct Location {
    pub pathname: RwSignal<String>,
    pub search: RwSignal<String>,
    /// The paths this wasm module shows; any other is loaded by the browser (the CRM
    /// and the administration are two modules, see `src/admin/`).
    in_app: fn(&str) -> bool,
}

impl Location {
    fn read() -> (String, String) {
        let l = window().location();
        (
            l.pathname().unwrap_or_default(),
            l.search().unwrap_or_default(),
        )
    }

    fn sync(self) {
        let (path, search) = Self::read();
        self.pathname.set(path);
        self.search.set(search);
    }
}

/// Puts the address in the context, follows Back and Forward, and takes over clicks on
/// links to the paths `in_app` accepts. Called once, by the module's root component.
pub fn provide_location(in_app: fn(&str) -> bool) -> Location {
    let (path, search) = Location::read();
    let location = Location {
        pathname: RwSignal::new(path),
        search: RwSignal::new(search),
        in_app,
    };
    provide_context(location);
    LAST.with(|l| l.set(Some(location)));
    let popstate = window_event_listener(ev::popstate, move |_| location.sync());
    let click = window_event_listener(ev::click, move |e| {
        if let Some(href) = link_target(&e).filter(|h| in_app(path_of(h))) {
            e.prevent_default();
            go(location, &href, false, true);
        }
    });
    on_cleanup(move || {
        popstate.remove();
        click.remove();
    });
    location
}

thread_local! {
    /// The address last provided, for [`navigate`] called after an `await`, where the
    /// context of the component that started the task may be out of reach.
    static LAST: std::cell::Cell<Option<Location>> = const { std::cell::Cell::new(None) };
}

/// The address in the context (see [`provide_location`]).
pub fn use_location() -> Location {
    use_context::<Location>()
        .or_else(|| LAST.with(|l| l.get()))
        .expect("provide_location runs in App")
}

/// Goes to `href` (a path, with its query if any) as a new history entry, or in place
/// of the current one when `replace`; the page scrolls to the top unless `keep_scroll`.
pub fn navigate(href: &str, replace: bool, keep_scroll: bool) {
    go(use_location(), href, replace, !keep_scroll);
}

fn go(location: Location, href: &str, replace: bool, scroll: bool) {
    if !(location.in_app)(path_of(href)) {
        let l = window().location();
        let _ = if replace {
            l.replace(href)
        } else {
            l.assign(href)
        };
        return;
    }
    if let Ok(history) = window().history() {
        let state = wasm_bindgen::JsValue::NULL;
        let _ = if replace {
            history.replace_state_with_url(&state, "", Some(href))
        } else {
            history.push_state_with_url(&state, "", Some(href))
        };
    }
    location.sync();
    if scroll {
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// The path of an href made by [`link_target`] or written in the app (`/a/b?x#y` → `/a/b`).
fn path_of(href: &str) -> &str {
    href.split(['?', '#']).next().unwrap_or(href)
}

/// The `aria-current` of a navigation link to `href`: `"page"` on that path and below
/// it (`/contacts` is current on `/contacts/42`).
pub fn current(href: &'static str) -> impl Fn() -> Option<&'static str> + Copy {
    let path = use_location().pathname;
    move || {
        path.with(|p| {
            p.strip_prefix(href)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
        .then_some("page")
    }
}

/// The path and query a click should navigate to inside the app, if it is a plain
/// left click on a same-origin link of the app (not a download, not a new tab, not the
/// API, not a jump within the page).
fn link_target(e: &web_sys::MouseEvent) -> Option<String> {
    if e.default_prevented()
        || e.button() != 0
        || e.meta_key()
        || e.alt_key()
        || e.ctrl_key()
        || e.shift_key()
    {
        return None;
    }
    let a = e
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("a[href]")
        .ok()??;
    if a.has_attribute("download")
        || a.get_attribute("target").is_some_and(|t| t != "_self")
        || a.get_attribute("rel")
            .is_some_and(|r| r.contains("external"))
    {
        return None;
    }
    let here = window().location();
    let url = web_sys::Url::new_with_base(&a.get_attribute("href")?, &here.href().ok()?).ok()?;
    let (path, search) = (url.pathname(), url.search());
    if url.origin() != here.origin().ok()? || path.starts_with("/api/") {
        return None;
    }
    if !url.hash().is_empty() && Location::read() == (path.clone(), search.clone()) {
        return None;
    }
    Some(path + &search + &url.hash())
}

/// Sends the browser to `path` in place of the current entry (Back does not return to
/// a page that only redirects), once the view is built.
#[component]
pub fn Redirect(path: &'static str) -> impl IntoView {
    Effect::new(move |_| navigate(path, true, false));
}
