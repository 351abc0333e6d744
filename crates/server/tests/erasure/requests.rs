//! Erasure requests: sales ask, admins approve or reject.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn sales_request_an_erasure_admins_approve_or_reject_and_the_requester_sees_it() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let c1 = t.contact(&sales, json!({"last_name": "Martin"})).await;
    let c2 = t.contact(&sales, json!({"last_name": "Bernard"})).await;
    let reason = format!("Demande écrite du client MRK-reason-{}", hex12());

    let r = created(
        &t,
        &sales,
        "/api/v1/erasure-requests",
        json!({"action": "anonymize", "target": {"contacts": [c1]}, "reason": reason}),
    )
    .await;
    let rid = id_of(&r);
    assert_eq!(r["status"], "open");
    assert_eq!(r["reason"], reason.as_str());
    assert_eq!(r["requester_id"], t.acc.sales1.as_str());
    // Sales may not preview nor approve.
    let (s, v) = t
        .post(
            &format!("/api/v1/erasure-requests/{rid}/approve"),
            &sales,
            json!({}),
        )
        .await;
    assert_err(s, &v, StatusCode::FORBIDDEN, "forbidden");
    let (s, v) = t
        .post(
            &format!("/api/v1/erasure-requests/{rid}/reject"),
            &sales,
            json!({"reason": "non"}),
        )
        .await;
    assert_err(s, &v, StatusCode::FORBIDDEN, "forbidden");

    let (s, l) = t.get("/api/v1/erasure-requests", &admin).await;
    assert_eq!(s, StatusCode::OK, "{l}");
    let mine = l["items"]
        .as_array()
        .expect("list")
        .iter()
        .find(|x| x["id"] == rid.as_str())
        .cloned()
        .expect("admin sees the request");
    assert_eq!(mine["target_id"], c1.as_str());
    assert_eq!(mine["target_kind"], "contacts");
    assert_eq!(mine["action"], "anonymize");

    let (s, a) = t
        .post(
            &format!("/api/v1/erasure-requests/{rid}/approve"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(a["preview"]["contacts"], 1, "{a}");
    assert!(a["confirm_token"].is_string());
    // Not yet: approving only opens the two steps.
    assert!(contact_detail(&t, &admin, &c1).await["anonymized_at"].is_null());
    confirm(&t, &admin, &a).await;
    assert!(contact_detail(&t, &admin, &c1).await["anonymized_at"].is_string());
    // Approving twice is refused.
    let (s, v) = t
        .post(
            &format!("/api/v1/erasure-requests/{rid}/approve"),
            &admin,
            json!({}),
        )
        .await;
    assert_err(s, &v, StatusCode::CONFLICT, "already_decided");

    // Rejection with a reason.
    let r2 = created(
        &t,
        &sales,
        "/api/v1/erasure-requests",
        json!({"action": "delete", "target": {"contacts": [c2]}, "reason": "Doublon"}),
    )
    .await;
    let rid2 = id_of(&r2);
    let (s, v) = t
        .post(
            &format!("/api/v1/erasure-requests/{rid2}/reject"),
            &admin,
            json!({"reason": "Contrat en cours : conservation légale"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "rejected");

    let (s, l) = t.get("/api/v1/erasure-requests", &sales).await;
    assert_eq!(s, StatusCode::OK, "{l}");
    let list = l["items"].as_array().expect("list");
    assert_eq!(list.len(), 2, "{l}");
    let done = list.iter().find(|x| x["id"] == rid.as_str()).expect("r1");
    assert_eq!(done["status"], "done", "{done}");
    assert!(
        done["reason"].is_null(),
        "the reason goes with the data: {done}"
    );
    assert_eq!(done["decided_by"], t.acc.admin.as_str());
    let rej = list.iter().find(|x| x["id"] == rid2.as_str()).expect("r2");
    assert_eq!(rej["status"], "rejected", "{rej}");
    assert_eq!(
        rej["decision_reason"],
        "Contrat en cours : conservation légale"
    );
    assert!(contact_detail(&t, &admin, &c2).await["anonymized_at"].is_null());
    if is_sqlite() {
        let hits = on_disk(&t, std::slice::from_ref(&reason));
        assert!(hits.is_empty(), "{hits:?}");
    }
    // Another sales user does not see commercial1's requests.
    let other = t.login("commercial2@demo.fr").await;
    let (s, l) = t.get("/api/v1/erasure-requests", &other).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(l["items"], json!([]));
}
