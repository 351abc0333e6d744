//! What goes on the wire around every response: compression, caching and the
//! security headers (API.md, "HTTP behaviour of every response"). [`app_files`] serves
//! the built browser app; [`layers`] wraps the whole router.
//!
//! - Compression: `br`, else `gzip`, when the client accepts it. The app's files come
//!   precompressed from `scripts/build-app.sh` (`.br` and `.gz` beside each file in
//!   `dist/`, at the best levels), served by `ServeDir` as they are; any other body of
//!   [`COMPRESS_MIN_BYTES`] or more (JSON pages, a file without precompressed variants)
//!   is compressed on the fly (brotli level 4, gzip 6: tower-http's defaults, cheap
//!   enough for a 400 KB page). Smaller bodies, images, event streams and ranges go as
//!   they are. A request with a `Range` header is answered from the identity bytes.
//! - Caching: files whose name carries Trunk's content hash (`oubli-<hex>_bg.wasm`,
//!   `main-<hex>.css`, `boot-<hex>.js`) are `immutable` for a year; every other file,
//!   `index.html` and the client routes that fall back to it are `no-cache` (revalidated,
//!   `Last-Modified`); every `/api/v1` response is `no-store`, errors included, since
//!   any of them can hold personal data.
//! - The app's pages (every `text/html` response outside `/api/v1`) carry [`APP_CSP`]
//!   and `X-Frame-Options: DENY`; widget pages (`/w/{key}`) set their own CSP, whose
//!   `frame-ancestors` lists the widget's origins, and carry no `X-Frame-Options`.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use std::path::Path;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// Bodies smaller than this (1 KB) are sent as they are: compressing them saves
/// nothing worth the CPU and the header bytes.
pub const COMPRESS_MIN_BYTES: u16 = 1024;

/// The Content-Security-Policy of the app's pages. The app is one wasm module started
/// by an external module script (`boot-<hash>.js`, written by scripts/build-app.sh in
/// place of Trunk's inline loader), so no inline script is allowed; `'wasm-unsafe-eval'`
/// lets it compile the wasm. Styles come only from the app's stylesheets: the app sets
/// no `style` attribute (Leptos writes none of its own; `style:` bindings would go
/// through the CSSOM, which `style-src` does not restrict), so no `'unsafe-inline'`.
/// Images: the app's own files and `data:` URLs. Nothing may frame the app.
pub const APP_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The built app (`dist/`), precompressed variants preferred; paths that are no file
/// (client-side routes such as `/contacts/…`) get `index.html`.
pub fn app_files(dir: &Path) -> ServeDir<ServeFile> {
    let index = ServeFile::new(dir.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index)
}

/// Wraps the whole router (API and app files) in the policy above and the security
/// headers every response carries.
pub fn layers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let compress = SizeAbove::new(COMPRESS_MIN_BYTES)
        .and(NotForContentType::GRPC)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE);
    router
        .layer(
            CompressionLayer::new()
                .br(true)
                .gzip(true)
                .compress_when(compress),
        )
        // Outside the compression: it must see the request before (Range) and the
        // response after it (Content-Encoding).
        .layer(axum::middleware::from_fn(cache_and_csp))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
}

/// Widget pages (`/w/{key}`) are framed by the sites their `frame-ancestors` names;
/// `X-Frame-Options`, which cannot list origins, would forbid that.
fn is_widget_page(path: &str) -> bool {
    path.starts_with("/w/")
}

fn is_api(path: &str) -> bool {
    path == "/api/v1" || path.starts_with("/api/v1/")
}

/// Whether the last segment of `path` is a name Trunk (or build-app.sh) hashed:
/// `<stem>-<8 or more hex digits>[_bg].(wasm|js|css)`.
pub fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    if !matches!(ext, "wasm" | "js" | "css") {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    match stem.rsplit_once('-') {
        Some((base, hash)) => {
            !base.is_empty() && hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit())
        }
        None => false,
    }
}

async fn cache_and_csp(mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if req.headers().contains_key(header::RANGE) {
        // A range is of the identity bytes: never of a precompressed variant, and the
        // compression layer leaves 206 responses alone.
        req.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    let mut res: Response<Body> = next.run(req).await;
    let status = res.status();
    let h = res.headers_mut();
    if !is_widget_page(&path) {
        h.entry(header::X_FRAME_OPTIONS)
            .or_insert(HeaderValue::from_static("DENY"));
    }
    if is_api(&path) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return res;
    }
    let html = is_html(h);
    let cache = if !html
        && is_hashed_asset(&path)
        && matches!(
            status,
            StatusCode::OK | StatusCode::PARTIAL_CONTENT | StatusCode::NOT_MODIFIED
        ) {
        IMMUTABLE
    } else {
        "no-cache"
    };
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(cache));
    if html {
        h.entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(APP_CSP));
    }
    // Every file may be sent in another encoding (precompressed by ServeDir, which
    // says nothing of it, or on the fly, which says it already).
    let varies = h.get_all(header::VARY).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
    });
    if !varies {
        h.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    res
}

fn is_html(h: &HeaderMap) -> bool {
    h.get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn hashed_names() {
        for p in [
            "/oubli-5b8c1e0f3a2d4e6f_bg.wasm",
            "/oubli-5b8c1e0f3a2d4e6f.js",
            "/main-0123abcd.css",
            "/boot-89abcdef01234567.js",
        ] {
            assert!(is_hashed_asset(p), "{p}");
        }
        for p in [
            "/",
            "/index.html",
            "/sw.js",
            "/embed.js",
            "/locales/fr/common.json",
            "/favicon-0123abcd.svg",
            "/contacts/0123abcd-0123",
            "/oubli-xyz12345.js",
            "/-0123abcd.js",
            "/a-0123abc.js",
        ] {
            assert!(!is_hashed_asset(p), "{p}");
        }
    }
}
