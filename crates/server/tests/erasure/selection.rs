//! A filter selection with exclusions is resolved at preview time.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_filter_selection_with_exclusions_is_resolved_at_preview_time() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let supplier = format!("Sel-{}", hex12());
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            t.contact(
                &admin,
                json!({"last_name": format!("P{i}"), "status": "prospect", "supplier": supplier}),
            )
            .await,
        );
    }
    // A client with the same supplier is outside the filter.
    let client = t
        .contact(
            &admin,
            json!({"last_name": "C", "status": "client", "supplier": supplier}),
        )
        .await;
    let (_, all) = t.get("/api/v1/contacts?status=prospect", &admin).await;
    let filter = if all["total"] == 5 {
        json!({"status": "prospect"})
    } else {
        json!({"status": "prospect", "supplier": supplier})
    };
    let p = preview(
        &t,
        &admin,
        "anonymize",
        json!({"contacts_filter": filter, "exclude": [ids[2]]}),
    )
    .await;
    assert_eq!(p["preview"]["contacts"], 4, "{p}");
    let late = t
        .contact(
            &admin,
            json!({"last_name": "Late", "status": "prospect", "supplier": supplier}),
        )
        .await;
    let st = confirm(&t, &admin, &p).await;
    assert_eq!(st["total"], 4, "{st}");
    let mut anonymized = 0;
    for (i, id) in ids.iter().enumerate() {
        let d = contact_detail(&t, &admin, id).await;
        let is_anon = d["anonymized_at"].is_string();
        assert_eq!(is_anon, i != 2, "contact {i}: {d}");
        anonymized += usize::from(is_anon);
    }
    assert_eq!(anonymized, 4);
    assert!(contact_detail(&t, &admin, &late).await["anonymized_at"].is_null());
    assert!(contact_detail(&t, &admin, &client).await["anonymized_at"].is_null());
    let (s, v) = t
        .get(
            &format!("/api/v1/contacts?supplier={supplier}&anonymized=true"),
            &admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 4, "{v}");
}
