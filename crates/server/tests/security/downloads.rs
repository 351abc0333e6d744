//! Downloads and exports are inert.

use crate::common::TestApp;
use crate::support::*;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::json;

#[tokio::test]
async fn downloads_and_exports_are_inert() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(
            &admin,
            json!({"last_name": "<script>alert(1)</script>", "first_name": "=HYPERLINK(\"http://evil.example\")"}),
        )
        .await;
    // Security headers on every answer.
    let (_, h, _) = raw(&t, Method::GET, &api("/health"), &[], None).await;
    assert_eq!(
        h.get("x-content-type-options").map(|v| v.as_bytes()),
        Some(&b"nosniff"[..])
    );
    assert_eq!(
        h.get("x-frame-options").map(|v| v.as_bytes()),
        Some(&b"DENY"[..])
    );
    assert!(h.get("referrer-policy").is_some());
    // An upload named to escape the blob directory, with an HTML type.
    let (s, v) = t
        .send(multipart_request(
            &api(&format!("/contacts/{c}/documents")),
            Some(&admin),
            "../../evil<b>.html",
            b"<html><script>alert(1)</script></html>",
        ))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["file_name"], "evil<b>.html", "{v}");
    let doc = id_of(&v);
    let escaped: Vec<_> = files_under(t.dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("evil"))
        .collect();
    assert!(escaped.is_empty(), "{escaped:?}");
    let cookie = ("cookie", format!("oubli_session={admin}"));
    let (s, h, _) = raw(
        &t,
        Method::GET,
        &api(&format!("/contacts/{c}/documents/{doc}/content")),
        std::slice::from_ref(&cookie),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let hv = |k: &str| {
        h.get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(hv("content-type"), "application/octet-stream");
    assert_eq!(
        hv("content-disposition"),
        "attachment; filename=\"evil_b_.html\""
    );
    assert_eq!(hv("cache-control"), "no-store");
    assert_eq!(hv("x-content-type-options"), "nosniff");
    // The HTML report escapes what it shows; the CSV neutralises formulas.
    let (s, h, _) = raw(
        &t,
        Method::GET,
        &api(&format!("/contacts/{c}/export?format=html")),
        std::slice::from_ref(&cookie),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(h
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("attachment")));
    let (_, _, html) = t
        .send_raw(
            Request::builder()
                .uri(api(&format!("/contacts/{c}/export?format=html")))
                .header(header::COOKIE, format!("oubli_session={admin}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    let html = String::from_utf8(html).expect("utf-8");
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    let (_, _, csv) = t
        .send_raw(
            Request::builder()
                .uri(api(&format!("/contacts/{c}/export?format=csv")))
                .header(header::COOKIE, format!("oubli_session={admin}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    let csv = String::from_utf8(csv).expect("utf-8");
    let first_name = csv
        .lines()
        .find(|l| l.starts_with("contact.first_name,"))
        .unwrap_or_else(|| panic!("no first_name line in {csv}"));
    assert!(
        first_name.starts_with("contact.first_name,\"'=HYPERLINK"),
        "{first_name}"
    );
}
