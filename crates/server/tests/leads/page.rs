//! `GET /w/{key}` and `GET /embed.js`: framing, caching, no cookie.

use crate::common::TestApp;
use crate::support::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::json;

async fn get(t: &TestApp, path: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let req = Request::builder().uri(path).body(Body::empty()).unwrap();
    let (s, h, b) = t.send_raw(req).await;
    (s, h, String::from_utf8_lossy(&b).into_owned())
}

#[tokio::test]
async fn the_widget_page_may_be_framed_by_its_origins_only() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dist.path().join("widget")).unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>app</title>",
    )
    .unwrap();
    std::fs::write(
        dist.path().join("widget/index.html"),
        "<!doctype html><title>widget</title>",
    )
    .unwrap();
    std::fs::write(dist.path().join("embed.js"), "/* loader */").unwrap();
    let dir = dist.path().to_path_buf();
    let t = TestApp::with_config(move |c| c.static_dir = Some(dir)).await;
    let s = setup(&t, "admin@demo.fr").await;
    let (st, v) = t
        .patch(
            &format!("/api/v1/widgets/{}", s.widget_id),
            &s.admin,
            json!({"allowed_origins": [SITE, "http://127.0.0.1:8081"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");

    let (st, h, body) = get(&t, &format!("/w/{}", s.key)).await;
    assert_eq!(st, StatusCode::OK);
    assert!(body.contains("<title>widget</title>"), "{body}");
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.ends_with(&format!("; frame-ancestors {SITE} http://127.0.0.1:8081")),
        "{csp}"
    );
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"));
    assert!(h.get(header::X_FRAME_OPTIONS).is_none());
    assert_eq!(h[header::CACHE_CONTROL], "no-cache");
    assert!(h.get(header::SET_COOKIE).is_none());

    // The administration's preview: the same page, framed by Oubli alone.
    let (st, h, body) = get(&t, &format!("/w/{}/preview", s.key)).await;
    assert_eq!(st, StatusCode::OK);
    assert!(body.contains("<title>widget</title>"), "{body}");
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.ends_with("; frame-ancestors 'self'"), "{csp}");
    assert!(h.get(header::X_FRAME_OPTIONS).is_none());

    for key in ["inconnu".to_string()] {
        let (st, h, body) = get(&t, &format!("/w/{key}")).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        assert!(body.contains("Ce formulaire n'est pas disponible."));
        assert!(h[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .ends_with("frame-ancestors 'none'"));
        assert!(h.get(header::SET_COOKIE).is_none());
    }
    // Switched off: the neutral page too.
    t.patch(
        &format!("/api/v1/widgets/{}", s.widget_id),
        &s.admin,
        json!({"active": false}),
    )
    .await;
    let (st, _, body) = get(&t, &format!("/w/{}", s.key)).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(!body.contains("<title>widget</title>"));

    let (st, h, body) = get(&t, "/embed.js").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(body, "/* loader */");
    assert_eq!(h[header::CACHE_CONTROL], "no-cache");
    assert!(h.get(header::SET_COOKIE).is_none());
    // The app itself still may not be framed, and its routes still fall back.
    let (st, h, body) = get(&t, "/contacts/abc").await;
    assert_eq!(st, StatusCode::OK);
    assert!(body.contains("<title>app</title>"));
    assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
    assert!(h[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .ends_with("frame-ancestors 'none'"));
}

#[tokio::test]
async fn without_the_built_widget_the_page_is_neutral() {
    let t = TestApp::new().await;
    let s = setup(&t, "admin@demo.fr").await;
    let (st, h, body) = get(&t, &format!("/w/{}", s.key)).await;
    assert_eq!(st, StatusCode::OK);
    assert!(body.contains("Ce formulaire n'est pas disponible."));
    assert!(h[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .ends_with(&format!("frame-ancestors {SITE}")));
    assert!(h.get(header::X_FRAME_OPTIONS).is_none());
}
