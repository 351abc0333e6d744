//! What the widget page knows of its frame: its key (from `/w/KEY`), the host page
//! (from `#page=…`, put there by `public/embed.js`), and the height messages it sends
//! to that page so the iframe follows its content.
//!
//! The message is versioned and carries the height only: `{ oubli: 1, height }`. It is
//! posted to the host page's origin, never `*`, so no other page can read it; the
//! loader checks it back (origin and window) before it resizes anything.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The widget key of a path `/w/KEY` or `/w/KEY/preview` (a trailing slash is
/// tolerated): letters, digits, `-` and `_` only, 1 to 100 of them.
pub fn widget_key(path: &str) -> Option<String> {
    let key = path.strip_prefix("/w/")?.trim_end_matches('/');
    let key = key.strip_suffix("/preview").unwrap_or(key);
    let ok = !key.is_empty()
        && key.len() <= 100
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| key.to_owned())
}

/// Whether the page is the administration's preview of the widget
/// (`/w/KEY/preview`, framed by Oubli itself): it shows the form but sends nothing.
pub fn is_preview(path: &str) -> bool {
    path.strip_prefix("/w/")
        .and_then(|rest| rest.trim_end_matches('/').strip_suffix("/preview"))
        .is_some_and(|key| !key.is_empty())
}

/// The host page's URL from the fragment `#page=ENCODED` (other `&`-separated entries
/// are ignored), when it is an `http(s)` URL.
pub fn host_page(hash: &str) -> Option<String> {
    let raw = hash
        .trim_start_matches('#')
        .split('&')
        .find_map(|part| part.strip_prefix("page="))?;
    let page = String::from(js_sys::decode_uri_component(raw).ok()?);
    let url = web_sys::Url::new(&page).ok()?;
    matches!(url.protocol().as_str(), "https:" | "http:").then_some(page)
}

/// The origin of an `http(s)` page URL, the only target the height messages go to.
pub fn origin_of(page: &str) -> Option<String> {
    let url = web_sys::Url::new(page).ok()?;
    let origin = url.origin();
    matches!(url.protocol().as_str(), "https:" | "http:")
        .then_some(origin)
        .filter(|o| o != "null")
}

/// The message the loader accepts: `{ oubli: 1, height }`.
pub fn height_message(height: f64) -> JsValue {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"oubli".into(), &1.into());
    let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
    message.into()
}

/// The page's content height in CSS pixels. Not `scrollHeight` of the root, which never
/// goes below the iframe's own height and so would never let the frame shrink (the
/// thank-you after a long form): the root element's laid-out height (its height is
/// `auto`, style/widget.css).
fn content_height() -> Option<f64> {
    let root = web_sys::window()?.document()?.document_element()?;
    Some(f64::from(
        root.dyn_into::<web_sys::HtmlElement>()
            .ok()?
            .offset_height(),
    ))
}

/// Posts the height to the host page now and after every change of the content's size
/// (a ResizeObserver on the root element), for the page's lifetime; and once a second
/// if it changed, because Chromium does not run the rendering steps (so no observer
/// callbacks) of a cross-origin frame that is off screen: a widget below the fold would
/// keep the loader's first height, and scroll inside, until the visitor reached it.
/// Without a host origin (the page opened on its own), posts nothing.
pub fn follow_height(target_origin: Option<String>) {
    let Some(origin) = target_origin else { return };
    let Some(window) = web_sys::window() else {
        return;
    };
    // Only when framed: a page opened on its own has itself as parent.
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    if parent == window {
        return;
    }
    let mut last = -1.0;
    let post = Closure::<dyn FnMut()>::new(move || {
        if let Some(height) = content_height() {
            if height != last {
                last = height;
                let _ = parent.post_message(&height_message(height), &origin);
            }
        }
    });
    let root = window.document().and_then(|d| d.document_element());
    if let (Ok(observer), Some(root)) = (
        web_sys::ResizeObserver::new(post.as_ref().unchecked_ref()),
        root,
    ) {
        // The observer reports the first size at once, then every change.
        observer.observe(&root);
        // Both live as long as the page.
        std::mem::forget(observer);
    }
    let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
        post.as_ref().unchecked_ref(),
        1000,
    );
    post.forget();
}
