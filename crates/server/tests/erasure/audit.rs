//! The audit of erasures holds ids and counts only, and its chain verifies.

use crate::common::TestApp;
use crate::fixture::*;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[tokio::test]
async fn the_audit_of_erasures_holds_ids_and_counts_only_and_its_chain_verifies() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let a = fill(&t, &admin, "aud-a", &t.acc.sales1).await;
    let b = fill(&t, &admin, "aud-b", &t.acc.sales1).await;
    let c = fill(&t, &admin, "aud-c", &t.acc.sales1).await;
    let reason = format!("MRK-aud-reason-{}", hex12());
    let r = created(
        &t,
        &sales,
        "/api/v1/erasure-requests",
        json!({"action": "anonymize", "target": {"contacts": [a.contact]}, "reason": reason}),
    )
    .await;
    let (s, ap) = t
        .post(
            &format!("/api/v1/erasure-requests/{}/approve", id_of(&r)),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{ap}");
    confirm(&t, &admin, &ap).await;
    erase(&t, &admin, "delete", json!({"contacts": [b.contact]})).await;
    erase(&t, &admin, "delete", json!({"projects": [c.project]})).await;

    let n = oubli_server::audit::verify(&t.state.db)
        .await
        .expect("verify runs");
    assert!(matches!(n, Ok(k) if k > 0), "{n:?}");

    let items = audit_items(&t, &admin).await;
    let text = serde_json::to_string(&items).expect("json");
    let mut markers = a.all();
    markers.extend(b.all());
    markers.extend(c.all());
    markers.push(reason);
    let leaked: Vec<_> = markers
        .iter()
        .filter(|m| text.contains(m.as_str()))
        .collect();
    assert!(
        leaked.is_empty(),
        "the audit log holds personal data: {leaked:?}"
    );
    let actions: BTreeSet<&str> = items.iter().filter_map(|e| e["action"].as_str()).collect();
    for want in [
        "erasure.preview.anonymize",
        "erasure.confirm.anonymize",
        "contact.anonymize",
        "erasure.preview.delete",
        "erasure.confirm.delete",
        "contact.delete",
        "project.delete",
        "erasure_request.anonymize",
    ] {
        assert!(actions.contains(want), "no {want} entry: {actions:?}");
    }
    // Erasure entries: only numbers and ids in their detail.
    fn ids_and_counts(v: &Value) -> bool {
        match v {
            Value::Number(_) | Value::Null | Value::Bool(_) => true,
            Value::String(s) => s
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/' || b == b'_'),
            Value::Array(a) => a.iter().all(ids_and_counts),
            Value::Object(o) => o.values().all(ids_and_counts),
        }
    }
    for e in &items {
        let act = e["action"].as_str().unwrap_or_default();
        if act.starts_with("erasure") || act.ends_with(".anonymize") || act.ends_with(".delete") {
            assert!(ids_and_counts(&e["detail"]), "{e}");
        }
    }
    let anon = items
        .iter()
        .find(|e| e["action"] == "contact.anonymize" && e["target_id"] == a.contact.as_str())
        .expect("contact.anonymize entry");
    assert_eq!(anon["detail"]["contracts"], 1, "{anon}");
    assert_eq!(anon["detail"]["documents"], 1, "{anon}");
    assert_eq!(anon["actor_user_id"], t.acc.admin.as_str());
    assert_eq!(anon["outcome"], "ok");
}
