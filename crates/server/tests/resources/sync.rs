//! Sync: upserts, cursor, tombstones.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_str().expect("string").to_string())
        .collect()
}

fn set(v: &[&String]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn sync_upserts_cursor_and_tombstones() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales1 = t.login("commercial1@demo.fr").await;
    let sales2 = t.login("commercial2@demo.fr").await;
    let c1 = t.contact(&sales1, json!({"last_name": "Un"})).await;
    let c2 = t.contact(&sales1, json!({"last_name": "Deux"})).await;
    let c3 = t
        .contact(
            &admin,
            json!({"last_name": "Trois", "assigned_to": t.acc.sales2}),
        )
        .await;

    let (s, v) = t.get("/api/v1/sync", &sales1).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let up: BTreeSet<String> = ids(&v["upserts"]).into_iter().collect();
    assert_eq!(up, set(&[&c1, &c2]));
    assert_eq!(v["tombstones"], json!([]));
    assert_eq!(v["more"], false);
    // Upserts are whole records.
    assert_eq!(v["upserts"][0]["household"], json!([]));
    assert!(v["upserts"][0]["activity_counts"].is_object());
    let cur1: i64 = v["cursor"].as_str().expect("cursor").parse().expect("int");
    assert!(cur1 > 0);

    // Nothing new since.
    let (s, v) = t.get(&format!("/api/v1/sync?since={cur1}"), &sales1).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["upserts"], json!([]));
    assert_eq!(v["tombstones"], json!([]));
    assert_eq!(v["cursor"], cur1.to_string().as_str());

    // A change to something hanging from c1 brings c1 back, and the cursor advances.
    let (s, _) = t
        .post(
            &format!("/api/v1/contacts/{c1}/notes"),
            &sales1,
            json!({"body": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, v) = t.get(&format!("/api/v1/sync?since={cur1}"), &sales1).await;
    assert_eq!(ids(&v["upserts"]), vec![c1.clone()]);
    assert_eq!(v["upserts"][0]["activity_counts"]["notes"], 1);
    let cur2: i64 = v["cursor"].as_str().expect("cursor").parse().expect("int");
    assert!(cur2 > cur1);

    let (_, v) = t.get("/api/v1/sync", &sales2).await;
    assert_eq!(ids(&v["upserts"]), vec![c3.clone()]);
    let cur_s2: i64 = v["cursor"].as_str().expect("cursor").parse().expect("int");

    // The admin reassigns c2 to commercial2.
    let (s, v) = t
        .patch(
            &format!("/api/v1/contacts/{c2}"),
            &admin,
            json!({"assigned_to": t.acc.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["assigned_to"], t.acc.sales2.as_str());

    let (_, v) = t.get(&format!("/api/v1/sync?since={cur2}"), &sales1).await;
    assert_eq!(v["upserts"], json!([]));
    assert_eq!(strs(&v["tombstones"]), vec![c2.clone()]);
    let cur3: i64 = v["cursor"].as_str().expect("cursor").parse().expect("int");
    assert!(cur3 > cur2);
    let (_, v) = t.get(&format!("/api/v1/sync?since={cur3}"), &sales1).await;
    assert_eq!(v["upserts"], json!([]));
    assert_eq!(v["tombstones"], json!([]));

    let (_, v) = t
        .get(&format!("/api/v1/sync?since={cur_s2}"), &sales2)
        .await;
    assert_eq!(ids(&v["upserts"]), vec![c2.clone()]);
    assert_eq!(v["tombstones"], json!([]));

    // Deleting a contact leaves a tombstone for its owner.
    let (s, _) = t.delete(&format!("/api/v1/contacts/{c1}"), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, v) = t.get(&format!("/api/v1/sync?since={cur3}"), &sales1).await;
    assert_eq!(v["upserts"], json!([]));
    assert_eq!(strs(&v["tombstones"]), vec![c1.clone()]);

    // Bad cursors.
    for bad in ["abc", "-1", "1.5", "99999999999999999999"] {
        let (s, v) = t.get(&format!("/api/v1/sync?since={bad}"), &sales1).await;
        assert_err(
            s,
            &v,
            StatusCode::BAD_REQUEST,
            "bad_request",
            "Curseur de synchronisation invalide.",
        );
    }
}
