//! An anonymized contact and everything under it is read-only.

use crate::common::TestApp;
use crate::fixture::*;
use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

const READ_ONLY_MSG: &str =
    "Ce contact a été anonymisé : sa fiche, ses projets et ses contrats sont en lecture seule.";

#[track_caller]
fn assert_read_only(what: &str, s: StatusCode, v: &Value) {
    assert_eq!(s, StatusCode::CONFLICT, "{what}: {v}");
    assert_eq!(v["error"]["code"], "anonymized", "{what}: {v}");
    assert_eq!(v["error"]["message"], READ_ONLY_MSG, "{what}: {v}");
}

#[tokio::test]
async fn an_anonymized_contact_and_everything_under_it_is_read_only() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let f = fill(&t, &admin, "ro", &t.acc.sales1).await;
    erase(&t, &admin, "anonymize", json!({"contacts": [f.contact]})).await;
    let c = &f.contact;
    // An activity item left behind (as an older version might have): still locked.
    let item = uuid::Uuid::new_v4().to_string();
    raw_sql(
        &t,
        &format!(
            "INSERT INTO activities (id, cabinet_id, contact_id, kind, title, created_at, updated_at) \
             VALUES ('{item}', '{}', '{}', 'notes', 'x', 0, 0)",
            safe(&t.acc.demo_cabinet),
            safe(c)
        ),
    )
    .await;

    let mut cases: Vec<(Method, String, Value)> = vec![
        (
            Method::PATCH,
            format!("/contacts/{c}"),
            json!({"comment": "x"}),
        ),
        (
            Method::POST,
            format!("/contacts/{c}/household"),
            json!({"first_name": "A", "last_name": "B"}),
        ),
        (
            Method::PATCH,
            format!("/contacts/{c}/household/{}", f.household),
            json!({"first_name": "A"}),
        ),
        (
            Method::DELETE,
            format!("/contacts/{c}/household/{}", f.household),
            Value::Null,
        ),
        (
            Method::POST,
            "/projects".into(),
            json!({"contact_id": c, "type": "auto"}),
        ),
        (
            Method::PATCH,
            format!("/projects/{}", f.project),
            json!({"status": "perdu"}),
        ),
        (
            Method::POST,
            "/contracts".into(),
            json!({"project_id": f.project, "insurer": "Assureur"}),
        ),
        (
            Method::PATCH,
            format!("/contracts/{}", f.contract),
            json!({"status": "resilie"}),
        ),
        (
            Method::PATCH,
            format!("/contacts/{c}/notes/{item}"),
            json!({"body": "x"}),
        ),
        (
            Method::DELETE,
            format!("/contacts/{c}/notes/{item}"),
            Value::Null,
        ),
        (
            Method::POST,
            format!("/contacts/{c}/consents"),
            json!({"purpose": "partners", "granted": true}),
        ),
        (
            Method::POST,
            format!("/contacts/{c}/opposition"),
            json!({"channel": "phone"}),
        ),
    ];
    for kind in KINDS.iter().filter(|k| **k != "documents") {
        let body = match *kind {
            "appointments" => json!({"starts_at": "2024-06-02T09:00:00Z", "title": "x"}),
            "messages" => json!({"channel": "sms", "recipient": "0600000000", "body": "x"}),
            _ => json!({"title": "x", "body": "x"}),
        };
        cases.push((Method::POST, format!("/contacts/{c}/{kind}"), body));
    }
    for (method, path, body) in cases {
        let body = (!body.is_null()).then_some(body);
        let (s, v) = t
            .call(
                method.clone(),
                &format!("/api/v1{path}"),
                Some(admin.as_str()),
                body,
            )
            .await;
        assert_read_only(&format!("{method} {path}"), s, &v);
    }
    let (s, v) = upload(&t, &admin, c, multipart("x", "x.txt", b"x")).await;
    assert_read_only("POST documents", s, &v);
    assert!(files_under(&t.dir.path().join("blobs")).is_empty());
    // Nothing was written.
    let d = contact_detail(&t, &admin, c).await;
    assert!(d["comment"].is_null());
    assert_eq!(d["household"].as_array().map(Vec::len), Some(1));
    assert_eq!(d["projects"].as_array().map(Vec::len), Some(1));
    assert_eq!(d["contracts"].as_array().map(Vec::len), Some(1));
    assert_eq!(d["opposition_channel"], "email");
    // Anonymizing it again is refused as read-only too; deleting it stays possible.
    let (s, v) = t
        .post(
            "/api/v1/erasures",
            &admin,
            json!({"action": "anonymize", "target": {"contacts": [c]}}),
        )
        .await;
    assert_read_only("anonymize twice", s, &v);
}
