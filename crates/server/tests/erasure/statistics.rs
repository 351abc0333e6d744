//! Statistics are untouched by anonymization and change after deletion.

use crate::common::TestApp;
use crate::fixture::*;
use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

async fn stats_bytes(t: &TestApp, token: &str) -> Vec<u8> {
    let (s, _, body) = t
        .send_raw(request(
            Method::GET,
            "/api/v1/stats/summary",
            token,
            &[],
            vec![],
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    body
}

#[tokio::test]
async fn statistics_are_byte_identical_after_anonymizing_and_change_after_deleting() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let f = fill(&t, &admin, "stats", &t.acc.sales1).await;
    // A second lead, client with an active contract, to make the figures non-trivial.
    let g = fill(&t, &admin, "stats2", &t.acc.sales2).await;
    let (s, v) = t
        .patch(
            &format!("/api/v1/contacts/{}", g.contact),
            &admin,
            json!({"status": "client"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let before = stats_bytes(&t, &admin).await;
    let sv: Value = serde_json::from_slice(&before).expect("json");
    assert_eq!(sv["leads_total"], 2, "{sv}");
    assert_eq!(sv["lead_cost_total"], 2468, "{sv}");

    erase(&t, &admin, "anonymize", json!({"contacts": [f.contact]})).await;
    let after = stats_bytes(&t, &admin).await;
    assert_eq!(
        String::from_utf8_lossy(&after),
        String::from_utf8_lossy(&before),
        "anonymization changed the statistics"
    );
    assert_eq!(after, before);

    erase(&t, &admin, "delete", json!({"contacts": [f.contact]})).await;
    let deleted = stats_bytes(&t, &admin).await;
    assert_ne!(deleted, before, "deletion must change the statistics");
    let dv: Value = serde_json::from_slice(&deleted).expect("json");
    assert_eq!(dv["leads_total"], 1, "{dv}");
    assert_eq!(dv["lead_cost_total"], 1234, "{dv}");
}
