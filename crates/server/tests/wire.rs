//! What goes on the wire (API.md, "HTTP behaviour of every response"): compression,
//! Cache-Control and the Content-Security-Policy, on the real router with a fake
//! `dist/` (no Trunk build needed) and the real database.
mod common;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use common::TestApp;
use serde_json::json;
use std::io::{Read, Write};
use std::path::Path;

const WASM: &str = "/app-0123abcd_bg.wasm";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Bytes that compress, as a wasm module does, but not to nothing.
fn fake_wasm() -> Vec<u8> {
    let mut v = b"\0asm\x01\0\0\0".to_vec();
    let mut x: u32 = 12345;
    for i in 0..40_000u32 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        v.push(if i % 3 == 0 {
            (x >> 24) as u8
        } else {
            (i % 61) as u8
        });
    }
    v
}

fn brotli_encode(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(b).expect("brotli");
    }
    out
}

fn gzip_encode(b: &[u8]) -> Vec<u8> {
    let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    w.write_all(b).expect("gzip");
    w.finish().expect("gzip")
}

fn decode(encoding: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        None => out.extend_from_slice(body),
        Some("br") => {
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut out)
                .expect("valid brotli");
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .expect("valid gzip");
        }
        Some(other) => panic!("unexpected Content-Encoding {other}"),
    }
    out
}

/// An index.html over 1 KB (so it is compressed on the fly: it has no precompressed
/// variant here), the hashed wasm with its `.br` and `.gz`, a locale file.
fn fake_dist(dir: &Path) -> Vec<u8> {
    let filler = "<!-- the app's page -->\n".repeat(80);
    let index = format!(
        "<!doctype html><html><head><title>Oubli</title>\
         <script type=\"module\" src=\"/boot-0123456789abcdef.js\"></script></head>\
         <body>{filler}</body></html>"
    );
    std::fs::write(dir.join("index.html"), &index).unwrap();
    let wasm = fake_wasm();
    let name = WASM.trim_start_matches('/');
    std::fs::write(dir.join(name), &wasm).unwrap();
    std::fs::write(dir.join(format!("{name}.br")), brotli_encode(&wasm)).unwrap();
    std::fs::write(dir.join(format!("{name}.gz")), gzip_encode(&wasm)).unwrap();
    std::fs::create_dir_all(dir.join("locales/fr")).unwrap();
    let entries: Vec<String> = (0..200)
        .map(|i| format!("\"key.{i}\": \"Texte numéro {i}\""))
        .collect();
    std::fs::write(
        dir.join("locales/fr/common.json"),
        format!("{{{}}}", entries.join(",")),
    )
    .unwrap();
    wasm
}

async fn with_dist() -> (TestApp, tempfile::TempDir, Vec<u8>) {
    let dist = tempfile::tempdir().expect("tempdir");
    let wasm = fake_dist(dist.path());
    let path = dist.path().to_path_buf();
    let t = TestApp::with_config(|c| c.static_dir = Some(path)).await;
    (t, dist, wasm)
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("ascii"))
    }
    fn encoding(&self) -> Option<&str> {
        self.header(header::CONTENT_ENCODING)
    }
    fn decoded(&self) -> Vec<u8> {
        decode(self.encoding(), &self.body)
    }
    fn varies_on_encoding(&self) -> bool {
        self.headers.get_all(header::VARY).iter().any(|v| {
            v.to_str()
                .unwrap()
                .to_ascii_lowercase()
                .contains("accept-encoding")
        })
    }
}

async fn fetch(
    t: &TestApp,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    extra: &[(&str, &str)],
) -> Answer {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header("x-oubli-request", "1");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, format!("oubli_session={c}"));
    }
    for (k, v) in extra {
        b = b.header(*k, *v);
    }
    let (status, headers, body) = t.send_raw(b.body(Body::empty()).unwrap()).await;
    Answer {
        status,
        headers,
        body,
    }
}

async fn get(t: &TestApp, path: &str, cookie: Option<&str>, accept: Option<&str>) -> Answer {
    let extra: Vec<(&str, &str)> = accept.map(|a| ("accept-encoding", a)).into_iter().collect();
    fetch(t, Method::GET, path, cookie, &extra).await
}

#[tokio::test]
async fn hashed_wasm_is_served_precompressed_and_immutable() {
    let (t, dist, wasm) = with_dist().await;
    let name = WASM.trim_start_matches('/');
    let br_file = std::fs::read(dist.path().join(format!("{name}.br"))).unwrap();
    let gz_file = std::fs::read(dist.path().join(format!("{name}.gz"))).unwrap();

    let plain = get(&t, WASM, None, None).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.encoding(), None);
    assert_eq!(plain.body, wasm, "identity bytes without Accept-Encoding");
    assert_eq!(plain.header(header::CONTENT_TYPE), Some("application/wasm"));
    assert_eq!(plain.header(header::CACHE_CONTROL), Some(IMMUTABLE));

    let br = get(&t, WASM, None, Some("gzip, deflate, br")).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.encoding(), Some("br"));
    assert_eq!(br.body, br_file, "the precompressed file, as it is");
    assert_eq!(br.decoded(), wasm);
    assert_eq!(br.header(header::CACHE_CONTROL), Some(IMMUTABLE));
    assert_eq!(br.header(header::CONTENT_TYPE), Some("application/wasm"));
    assert_eq!(
        br.header(header::CONTENT_LENGTH),
        Some(br_file.len().to_string().as_str())
    );
    assert!(br.varies_on_encoding());

    let gz = get(&t, WASM, None, Some("gzip")).await;
    assert_eq!(gz.encoding(), Some("gzip"));
    assert_eq!(gz.body, gz_file);
    assert_eq!(gz.decoded(), wasm);
    assert!(gz.varies_on_encoding());

    // HEAD: the headers of the GET, no body.
    let head = fetch(&t, Method::HEAD, WASM, None, &[("accept-encoding", "br")]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert_eq!(head.encoding(), Some("br"));
    assert_eq!(head.header(header::CACHE_CONTROL), Some(IMMUTABLE));

    // A range is of the identity bytes, even from a client that accepts br.
    let range = fetch(
        &t,
        Method::GET,
        WASM,
        None,
        &[("accept-encoding", "br"), ("range", "bytes=100-299")],
    )
    .await;
    assert_eq!(range.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(range.encoding(), None);
    assert_eq!(range.body, wasm[100..300]);
    assert_eq!(
        range.header(header::CONTENT_RANGE),
        Some(format!("bytes 100-299/{}", wasm.len()).as_str())
    );

    // A hashed name that is no file gets the app's page, which must not be immutable.
    let missing = get(&t, "/app-deadbeef.js", None, Some("br")).await;
    assert_eq!(missing.status, StatusCode::OK);
    assert!(missing
        .header(header::CONTENT_TYPE)
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(missing.header(header::CACHE_CONTROL), Some("no-cache"));
}

fn assert_app_page(a: &Answer, what: &str) {
    assert_eq!(a.status, StatusCode::OK, "{what}");
    assert!(
        a.header(header::CONTENT_TYPE)
            .unwrap_or_default()
            .starts_with("text/html"),
        "{what}"
    );
    assert_eq!(a.header(header::CACHE_CONTROL), Some("no-cache"), "{what}");
    assert_eq!(a.header(header::X_FRAME_OPTIONS), Some("DENY"), "{what}");
    let csp = a
        .header(header::CONTENT_SECURITY_POLICY)
        .unwrap_or_else(|| panic!("{what}: no CSP"));
    let directives: Vec<Vec<&str>> = csp
        .split(';')
        .map(|d| d.split_whitespace().collect())
        .collect();
    let directive = |name: &str| {
        directives
            .iter()
            .find(|d| d.first() == Some(&name))
            .unwrap_or_else(|| panic!("{what}: no {name} in {csp}"))[1..]
            .to_vec()
    };
    assert_eq!(directive("frame-ancestors"), ["'none'"], "{what}");
    assert_eq!(directive("default-src"), ["'self'"], "{what}");
    assert_eq!(directive("object-src"), ["'none'"], "{what}");
    assert_eq!(directive("base-uri"), ["'none'"], "{what}");
    // Scripts: the app's files and wasm compilation, nothing inline or evaluated.
    let scripts = directive("script-src");
    assert_eq!(scripts, ["'self'", "'wasm-unsafe-eval'"], "{what}");
    for d in &directives {
        for forbidden in [
            "'unsafe-inline'",
            "'unsafe-eval'",
            "data:",
            "*",
            "'unsafe-hashes'",
        ] {
            if d.first()
                .is_some_and(|n| n.starts_with("script-src") || *n == "default-src")
            {
                assert!(!d.contains(&forbidden), "{what}: {forbidden} in {csp}");
            }
        }
        assert!(
            !d.iter()
                .any(|s| s.starts_with("'nonce-") || s.starts_with("'sha")),
            "{what}: inline allowance in {csp}"
        );
    }
    assert!(!csp.contains("'unsafe-inline'"), "{what}: {csp}");
}

#[tokio::test]
async fn app_pages_are_revalidated_and_carry_the_csp() {
    let (t, dist, _) = with_dist().await;
    let index = std::fs::read(dist.path().join("index.html")).unwrap();
    let admin_index = b"<!doctype html><title>Oubli administration</title>".to_vec();
    std::fs::create_dir_all(dist.path().join("admin")).unwrap();
    std::fs::write(dist.path().join("admin/index.html"), &admin_index).unwrap();
    // The administration module's paths get its page, with the same headers.
    for path in ["/admin", "/admin/", "/admin/cgu", "/admin/api-keys"] {
        let page = get(&t, path, None, None).await;
        assert_app_page(&page, path);
        assert_eq!(page.body, admin_index, "{path}");
    }
    for path in [
        "/",
        "/index.html",
        "/contacts/0190f0e0-0000-7000-8000-000000000001",
        "/administration",
    ] {
        let plain = get(&t, path, None, None).await;
        assert_app_page(&plain, path);
        assert_eq!(plain.body, index, "{path}");
        assert_eq!(plain.encoding(), None);
        // Over 1 KB and without precompressed variant: compressed on the fly.
        let br = get(&t, path, None, Some("br;q=1.0, gzip;q=0.8")).await;
        assert_app_page(&br, path);
        assert_eq!(br.encoding(), Some("br"), "{path}");
        assert!(br.varies_on_encoding(), "{path}");
        assert_eq!(br.decoded(), index, "{path}");
        let gz = get(&t, path, None, Some("gzip")).await;
        assert_eq!(gz.encoding(), Some("gzip"), "{path}");
        assert_eq!(gz.decoded(), index, "{path}");
    }
    // The dictionaries the app fetches before its first paint: not hashed, so
    // revalidated; compressed.
    let locale = get(&t, "/locales/fr/common.json", None, Some("br")).await;
    assert_eq!(locale.status, StatusCode::OK);
    assert_eq!(locale.header(header::CACHE_CONTROL), Some("no-cache"));
    assert_eq!(locale.encoding(), Some("br"));
    assert_eq!(
        locale.decoded(),
        std::fs::read(dist.path().join("locales/fr/common.json")).unwrap()
    );
    assert!(locale.header(header::CONTENT_SECURITY_POLICY).is_none());
}

#[tokio::test]
async fn api_json_is_compressed_over_1_kb_and_never_stored() {
    let (t, _dist, _) = with_dist().await;
    let admin = t.login("admin@demo.fr").await;
    for i in 0..40 {
        t.contact(
            &admin,
            json!({"last_name": format!("Durand{i}"), "first_name": "Camille",
                   "email": format!("c.durand{i}@exemple.fr"), "city": "Lyon"}),
        )
        .await;
    }
    let page = "/api/v1/contacts?limit=500";
    let plain = get(&t, page, Some(&admin), None).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.encoding(), None);
    assert!(
        plain.body.len() > 4096,
        "a large page: {} B",
        plain.body.len()
    );
    assert_eq!(plain.header(header::CACHE_CONTROL), Some("no-store"));
    let items = serde_json::from_slice::<serde_json::Value>(&plain.body).unwrap();
    assert!(items["items"].as_array().unwrap().len() >= 40);

    let br = get(&t, page, Some(&admin), Some("gzip, br")).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.encoding(), Some("br"));
    assert!(br.varies_on_encoding());
    assert_eq!(br.header(header::CACHE_CONTROL), Some("no-store"));
    assert!(br.body.len() < plain.body.len() / 2, "{} B", br.body.len());
    assert_eq!(br.decoded(), plain.body);

    let gz = get(&t, page, Some(&admin), Some("gzip")).await;
    assert_eq!(gz.encoding(), Some("gzip"));
    assert_eq!(gz.decoded(), plain.body);

    // A small body (< 1 KB) goes as it is.
    let me = get(&t, "/api/v1/me", Some(&admin), Some("br, gzip")).await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(me.body.len() < 1024, "{} B", me.body.len());
    assert_eq!(me.encoding(), None);
    assert_eq!(me.header(header::CACHE_CONTROL), Some("no-store"));
    assert!(me.header(header::CONTENT_SECURITY_POLICY).is_none());

    // Errors too: no session, an unknown record, an unknown API path.
    for (path, cookie, status) in [
        ("/api/v1/contacts", None, StatusCode::UNAUTHORIZED),
        (
            "/api/v1/contacts/0190f0e0-0000-7000-8000-000000000001",
            Some(admin.as_str()),
            StatusCode::NOT_FOUND,
        ),
        (
            "/api/v1/no-such-thing",
            Some(admin.as_str()),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let a = get(&t, path, cookie, Some("br")).await;
        assert_eq!(a.status, status, "{path}");
        assert_eq!(a.header(header::CACHE_CONTROL), Some("no-store"), "{path}");
    }
}
