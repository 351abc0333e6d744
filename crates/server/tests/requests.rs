//! Erasure requests approved again after an unconfirmed approval, and
//! `DELETE /contacts/{id}` going through the erasure engine (one deletion path).
//! Runs on SQLite, and on PostgreSQL when DATABASE_URL is set.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{json, Value};

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

#[tokio::test]
async fn an_approval_left_unconfirmed_can_be_approved_again_and_only_the_new_token_works() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let c = t.contact(&sales, json!({"last_name": "Reprise"})).await;
    let (s, r) = t
        .post(
            "/api/v1/erasure-requests",
            &sales,
            json!({"action": "anonymize", "target": {"contacts": [c]}, "reason": "Demande du client"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let rid = id_of(&r);
    let approve = format!("/api/v1/erasure-requests/{rid}/approve");

    // First approval: the dialog was closed, nothing confirmed.
    let (s, first) = t.post(&approve, &admin, json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    // Approving again gives a new preview and kills the first token.
    let (s, second) = t.post(&approve, &admin, json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{second}");
    assert_ne!(first["id"], second["id"]);
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{}/confirm", id_of(&first)),
            &admin,
            json!({"confirm_token": first["confirm_token"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        d["anonymized_at"].is_null(),
        "the dead token erased nothing"
    );

    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{}/confirm", id_of(&second)),
            &admin,
            json!({"confirm_token": second["confirm_token"]}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(v["status"], "done", "{v}");
    let (_, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert!(d["anonymized_at"].is_string());

    // Once confirmed, approving again is refused, and the requester sees "done".
    let (s, v) = t.post(&approve, &admin, json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["code"], "already_decided", "{v}");
    let (_, list) = t.get("/api/v1/erasure-requests", &sales).await;
    let mine = list
        .as_array()
        .expect("list")
        .iter()
        .find(|x| x["id"] == rid.as_str())
        .cloned()
        .expect("the requester sees the request");
    assert_eq!(mine["status"], "done", "{mine}");
}

#[tokio::test]
async fn delete_contact_goes_through_the_erasure_engine() {
    let t = TestApp::new().await;
    let deputy = t.login("suppleant@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let c = t.contact(&sales, json!({"last_name": "Parti"})).await;
    let (s, p) = t
        .post(
            "/api/v1/projects",
            &sales,
            json!({"contact_id": c, "type": "sante"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");

    let (s, v) = t.delete(&format!("/api/v1/contacts/{c}"), &sales).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, _) = t.delete("/api/v1/contacts/nope", &deputy).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, v) = t.delete(&format!("/api/v1/contacts/{c}"), &deputy).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    let (s, _) = t.get(&format!("/api/v1/contacts/{c}"), &deputy).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t
        .get(&format!("/api/v1/projects/{}", id_of(&p)), &deputy)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The engine's trail: a done deletion job of one contact, and the audit entry.
    let (s, jobs) = t.get("/api/v1/erasures", &deputy).await;
    assert_eq!(s, StatusCode::OK, "{jobs}");
    let items = jobs["items"].as_array().expect("job list");
    assert!(
        items
            .iter()
            .any(|j| j["action"] == "delete" && j["status"] == "done" && j["total"] == 1),
        "{jobs}"
    );
    let (_, audit) = t.get("/api/v1/audit?limit=50", &deputy).await;
    assert!(
        audit["items"]
            .as_array()
            .expect("audit")
            .iter()
            .any(|e| e["action"] == "contact.delete" && e["target_id"] == c.as_str()),
        "{audit}"
    );
}
