//! CSRF: the header and the origin are required on unsafe methods.

use crate::common::TestApp;
use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn csrf_header_and_origin_are_required_on_unsafe_methods() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(&admin, json!({"last_name": "Cible", "city": "Rennes"}))
        .await;
    let cookie = ("cookie", format!("oubli_session={admin}"));
    let xhr = ("x-oubli-request", "1".to_string());
    let host = ("host", "localhost".to_string());
    let create = json!({"last_name": "Forgé"});
    let edit = json!({"city": "Piratée"});
    let contact_path = api(&format!("/contacts/{c}"));

    let refused: Vec<Vec<(&str, String)>> = vec![
        // No custom header at all.
        vec![cookie.clone()],
        vec![cookie.clone(), host.clone()],
        // A wrong value.
        vec![cookie.clone(), ("x-oubli-request", "0".into())],
        // The header, but another site's Origin.
        vec![
            cookie.clone(),
            xhr.clone(),
            host.clone(),
            ("origin", "http://evil.example".into()),
        ],
        vec![
            cookie.clone(),
            xhr.clone(),
            host.clone(),
            ("origin", "https://localhost.evil.example".into()),
        ],
        vec![
            cookie.clone(),
            xhr.clone(),
            host.clone(),
            ("origin", "null".into()),
        ],
        // An Origin and no Host to compare it with.
        vec![
            cookie.clone(),
            xhr.clone(),
            ("origin", "http://localhost".into()),
        ],
    ];
    for headers in &refused {
        for (method, path, body) in [
            (Method::POST, api("/contacts"), Some(create.clone())),
            (Method::PATCH, contact_path.clone(), Some(edit.clone())),
            (Method::DELETE, contact_path.clone(), None),
            (Method::DELETE, api("/session"), None),
        ] {
            let (s, _, v) = raw(&t, method.clone(), &path, headers, body).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{method} {path} {headers:?}: {v}");
            assert_eq!(v["error"]["code"], "forbidden");
            assert_eq!(
                v["error"]["message"],
                "Requête refusée : provenance non vérifiée (protection CSRF).",
                "{v}"
            );
        }
    }
    // Login itself is protected (login CSRF).
    let (s, _, v) = raw(
        &t,
        Method::POST,
        &api("/session"),
        &[],
        Some(json!({"email": "admin@demo.fr", "password": "demo1234"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

    // Nothing happened: the session is alive, the contact unchanged, none created.
    let (s, d) = t.get(&contact_path, &admin).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["city"], "Rennes");
    let (_, v) = t.get(&api("/contacts"), &admin).await;
    assert_eq!(v["total"], 1, "{v}");

    // Same origin passes.
    let ok = vec![
        cookie.clone(),
        xhr.clone(),
        host.clone(),
        ("origin", "http://localhost".into()),
    ];
    let (s, _, v) = raw(&t, Method::POST, &api("/contacts"), &ok, Some(create)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, _, v) = raw(&t, Method::PATCH, &contact_path, &ok, Some(edit)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["city"], "Piratée");
    let (s, _, v) = raw(&t, Method::DELETE, &contact_path, &ok, None).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    // Without Origin (same-origin fetch in some browsers), the header suffices.
    let (s, _, v) = raw(
        &t,
        Method::POST,
        &api("/contacts"),
        &[cookie.clone(), xhr.clone()],
        Some(json!({"last_name": "Sans origine"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}
