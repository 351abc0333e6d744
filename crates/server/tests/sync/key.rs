//! The offline cache's key (`GET /sync/key`), logout's Clear-Site-Data, and the headers
//! of sync answers (no-store, compressed).

use crate::common::TestApp;
use crate::support::*;
use axum::http::{header, StatusCode};
use base64::Engine;
use serde_json::{json, Value};
use std::io::Read;

async fn key(t: &TestApp, token: &str) -> String {
    let (s, h, body) = get_raw(t, &api("/sync/key"), Some(token), &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        h.get(header::CACHE_CONTROL).map(|v| v.to_str().unwrap()),
        Some("no-store")
    );
    let v: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(v.as_object().map(|o| o.len()), Some(1), "{v}");
    let k = v["key"].as_str().expect("key").to_string();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(&k)
        .expect("base64");
    assert_eq!(raw.len(), 32);
    k
}

#[tokio::test]
async fn the_key_is_the_users_across_sessions_until_password_change_or_deactivation() {
    let t = TestApp::new().await;
    let a = &t.acc;
    let admin = t.login("admin@demo.fr").await;
    let one = t.login("commercial1@demo.fr").await;
    let two = t.login("commercial1@demo.fr").await;
    let k1 = key(&t, &one).await;
    assert_eq!(key(&t, &two).await, k1, "same user, another session");
    assert_eq!(key(&t, &one).await, k1, "asked again");
    let other = t.login("commercial2@demo.fr").await;
    let k2 = key(&t, &other).await;
    assert_ne!(k2, k1);
    assert_ne!(key(&t, &admin).await, k1);

    // No session, or an ended one: 401.
    let (s, _, _) = get_raw(&t, &api("/sync/key"), None, &[]).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = t.delete(&api("/session"), &two).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _, _) = get_raw(&t, &api("/sync/key"), Some(&two), &[]).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        key(&t, &t.login("commercial1@demo.fr").await).await,
        k1,
        "after a logout"
    );

    // A new password: a new key.
    let pw = "Nouveau-Secret-2030";
    patch_user(&t, &admin, &a.sales1, json!({"password": pw})).await;
    let k3 = key(&t, &login_with(&t, "commercial1@demo.fr", pw).await).await;
    assert_ne!(k3, k1);
    assert_eq!(
        key(&t, &login_with(&t, "commercial1@demo.fr", pw).await).await,
        k3
    );
    // Deactivated then reactivated: a new key.
    patch_user(&t, &admin, &a.sales1, json!({"active": false})).await;
    patch_user(&t, &admin, &a.sales1, json!({"active": true})).await;
    let k4 = key(&t, &login_with(&t, "commercial1@demo.fr", pw).await).await;
    assert_ne!(k4, k3);
    assert_ne!(k4, k1);
    // Other changes keep it; the other users' keys did not move.
    patch_user(&t, &admin, &a.sales1, json!({"team_id": a.team_south})).await;
    assert_eq!(
        key(&t, &login_with(&t, "commercial1@demo.fr", pw).await).await,
        k4
    );
    assert_eq!(key(&t, &other).await, k2);
    // Never in the audit log.
    let (s, v) = t.get(&api("/audit?limit=500"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    for k in [&k1, &k2, &k3, &k4] {
        assert!(!v.to_string().contains(k.as_str()));
    }
}

#[tokio::test]
async fn logout_answers_clear_site_data() {
    let t = TestApp::new().await;
    let token = t.login("commercial1@demo.fr").await;
    let req = axum::http::Request::builder()
        .method("DELETE")
        .uri("/api/v1/session")
        .header("x-oubli-request", "1")
        .header(header::COOKIE, format!("oubli_session={token}"))
        .body(axum::body::Body::empty())
        .expect("request");
    let (s, h, _) = t.send_raw(req).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        h.get("clear-site-data").map(|v| v.to_str().unwrap()),
        Some("\"cache\", \"storage\"")
    );
    assert!(h.get(header::SET_COOKIE).is_some());
    // A login does not clear anything.
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/session")
        .header("x-oubli-request", "1")
        .header(header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(
            json!({"email": "commercial1@demo.fr", "password": oubli_server::seed::DEMO_PASSWORD})
                .to_string(),
        ))
        .expect("request");
    let (s, h, _) = t.send_raw(req).await;
    assert_eq!(s, StatusCode::OK);
    assert!(h.get("clear-site-data").is_none());
}

#[tokio::test]
async fn sync_answers_are_no_store_and_compressed() {
    let t = TestApp::new().await;
    let s1 = t.login("commercial1@demo.fr").await;
    for i in 0..6 {
        contact_with_note(&t, &s1, &format!("Compressé{i}"), None).await;
    }
    let plain = sync(&t, &s1, None, None).await;
    for (enc, want) in [("br", "br"), ("gzip", "gzip"), ("br, gzip", "br")] {
        let (s, h, body) = get_raw(&t, &api("/sync"), Some(&s1), &[("accept-encoding", enc)]).await;
        assert_eq!(s, StatusCode::OK);
        let hv = |n: header::HeaderName| h.get(n).map(|v| v.to_str().unwrap().to_string());
        assert_eq!(hv(header::CACHE_CONTROL).as_deref(), Some("no-store"));
        assert_eq!(hv(header::CONTENT_ENCODING).as_deref(), Some(want), "{enc}");
        let mut out = Vec::new();
        if want == "br" {
            brotli::Decompressor::new(&body[..], 4096)
                .read_to_end(&mut out)
                .expect("brotli");
        } else {
            flate2::read::GzDecoder::new(&body[..])
                .read_to_end(&mut out)
                .expect("gzip");
        }
        let v: Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(v, plain);
        assert!(out.len() > body.len());
    }
    // Errors too are no-store.
    let (s, h, _) = get_raw(&t, &api("/sync?since=x"), Some(&s1), &[]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        h.get(header::CACHE_CONTROL).map(|v| v.to_str().unwrap()),
        Some("no-store")
    );
}
