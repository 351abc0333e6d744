//! Health and the OpenAPI document: every served route is documented.

use crate::common;
use crate::common::TestApp;
use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::json;
use std::collections::BTreeMap;

/// Every route the router serves, with its methods.
const SERVED: &[(&str, &[&str])] = &[
    ("/api/v1/session", &["delete", "post"]),
    ("/api/v1/me", &["get"]),
    ("/api/v1/health", &["get"]),
    ("/api/v1/contacts", &["get", "post"]),
    ("/api/v1/contacts/{id}", &["delete", "get", "patch"]),
    ("/api/v1/contacts/{id}/household", &["get", "post"]),
    (
        "/api/v1/contacts/{id}/household/{member}",
        &["delete", "patch"],
    ),
    ("/api/v1/projects", &["get", "post"]),
    ("/api/v1/projects/{id}", &["get", "patch"]),
    ("/api/v1/contracts", &["get", "post"]),
    ("/api/v1/contracts/{id}", &["get", "patch"]),
    ("/api/v1/contacts/{id}/{kind}", &["get", "post"]),
    (
        "/api/v1/contacts/{id}/{kind}/{item}",
        &["delete", "get", "patch"],
    ),
    ("/api/v1/contacts/{id}/documents/{item}/content", &["get"]),
    ("/api/v1/contacts/{id}/consents", &["get", "post"]),
    ("/api/v1/contacts/{id}/opposition", &["post"]),
    ("/api/v1/contacts/{id}/export", &["get"]),
    ("/api/v1/stats/summary", &["get"]),
    ("/api/v1/audit", &["get"]),
    ("/api/v1/sync", &["get"]),
    ("/api/v1/sync/key", &["get"]),
    ("/api/v1/tasks", &["get"]),
    ("/api/v1/erasures", &["get", "post"]),
    ("/api/v1/erasures/{id}", &["get"]),
    ("/api/v1/erasures/{id}/confirm", &["post"]),
    ("/api/v1/erasure-requests", &["get", "post"]),
    ("/api/v1/erasure-requests/{id}/approve", &["post"]),
    ("/api/v1/erasure-requests/{id}/reject", &["post"]),
    ("/api/v1/users", &["get", "post"]),
    ("/api/v1/users/{id}", &["patch"]),
    ("/api/v1/teams", &["get"]),
    ("/api/v1/settings", &["get", "patch"]),
    ("/api/v1/cgu-versions", &["get", "post"]),
    ("/api/v1/cgu-versions/{id}", &["get"]),
    ("/api/v1/widgets", &["get", "post"]),
    ("/api/v1/widgets/{id}", &["get", "patch"]),
    ("/api/v1/api-keys", &["get", "post"]),
    ("/api/v1/api-keys/{id}", &["delete"]),
    ("/api/v1/public/widgets/{key}", &["get"]),
    ("/api/v1/public/widgets/{key}/leads", &["post"]),
    ("/api/v1/leads", &["post"]),
    ("/api/v1/openapi.json", &["get"]),
];

#[tokio::test]
async fn health_needs_no_session_and_openapi_lists_every_served_route() {
    let t = TestApp::new().await;
    let (s, v) = t
        .send(request(Method::GET, "/api/v1/health", None, &[], vec![]))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let backend = if common::backend_url().is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(v, json!({"status": "ok", "database": backend}));

    let (s, v) = t
        .send(request(
            Method::GET,
            "/api/v1/openapi.json",
            None,
            &[],
            vec![],
        ))
        .await;
    assert_err(
        s,
        &v,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        UNAUTHORIZED_MSG,
    );

    let admin = t.login("admin@demo.fr").await;
    let (s, doc) = t.get("/api/v1/openapi.json", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        doc["openapi"].as_str().unwrap_or("").starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    let http = ["get", "post", "put", "patch", "delete", "head", "options"];
    let documented: BTreeMap<String, Vec<String>> = paths
        .iter()
        .map(|(p, ops)| {
            let mut m: Vec<String> = ops
                .as_object()
                .expect("path item")
                .keys()
                .filter(|k| http.contains(&k.as_str()))
                .cloned()
                .collect();
            m.sort();
            (p.clone(), m)
        })
        .collect();
    let served: BTreeMap<String, Vec<String>> = SERVED
        .iter()
        .map(|(p, m)| (p.to_string(), m.iter().map(|s| s.to_string()).collect()))
        .collect();
    for (p, methods) in &served {
        assert_eq!(
            documented.get(p),
            Some(methods),
            "OpenAPI must document {p} with {methods:?}"
        );
    }
    // And nothing is documented that is not served.
    let extra: Vec<&String> = documented
        .keys()
        .filter(|p| !served.contains_key(*p))
        .collect();
    assert!(extra.is_empty(), "documented but not served: {extra:?}");
    // Every documented operation is routed (a wrong method would be a 405).
    let some = "00000000-0000-0000-0000-000000000000";
    for (p, methods) in &served {
        let path = p
            .replace("{id}", some)
            .replace("{member}", some)
            .replace("{item}", some)
            .replace("{kind}", "notes")
            .replace("{key}", "inconnu");
        for m in methods {
            if p == "/api/v1/session" {
                continue; // logging out here would end the admin's session
            }
            let method = Method::from_bytes(m.to_uppercase().as_bytes()).expect("method");
            let (s, v) = t.call(method, &path, Some(&admin), Some(json!({}))).await;
            assert_ne!(s, StatusCode::METHOD_NOT_ALLOWED, "{m} {path}: {v}");
        }
    }
}
