//! Keyset pagination across pages.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

/// Walks every page of `path` (which has no query string yet) with `limit=3`.
async fn walk(t: &TestApp, token: &str, base: &str, expected_total: usize) -> Vec<String> {
    let (s, all) = t.get(&format!("{base}?limit=500"), token).await;
    assert_eq!(s, StatusCode::OK, "{all}");
    let full = ids(&all["items"]);
    assert_eq!(full.len(), expected_total);
    // Newest first, ties broken by id, both descending.
    let keys: Vec<(chrono::DateTime<chrono::Utc>, String)> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| (date_time(&i["created_at"]), id_of(i)))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(keys, sorted, "{base}: order");

    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..10 {
        let path = match &after {
            None => format!("{base}?limit=3"),
            Some(c) => format!("{base}?limit=3&after={c}"),
        };
        let (s, v) = t.get(&path, token).await;
        assert_eq!(s, StatusCode::OK, "{path}: {v}");
        assert_eq!(v["total"], expected_total, "{path}: total on every page");
        let page = ids(&v["items"]);
        sizes.push(page.len());
        seen.extend(page);
        match v["next"].as_str() {
            Some(n) => after = Some(n.to_string()),
            None => {
                assert!(v["next"].is_null());
                break;
            }
        }
    }
    let expected_sizes: Vec<usize> = (0..expected_total.div_ceil(3))
        .map(|i| (expected_total - 3 * i).min(3))
        .collect();
    assert_eq!(sizes, expected_sizes, "{base}: page sizes");
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "{base}: duplicates {seen:?}");
    assert_eq!(seen, full, "{base}: pages concatenated = the whole list");
    seen
}

#[tokio::test]
async fn keyset_pagination_across_pages() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let mut contacts = Vec::new();
    let mut projects = Vec::new();
    for i in 0..7 {
        let c = t
            .contact(&admin, json!({"last_name": format!("Page {i}")}))
            .await;
        projects.push(project(&t, &admin, json!({"contact_id": c, "type": "auto"})).await);
        contacts.push(c);
    }
    // Four share one instant, so the id must break ties; the others straddle it.
    let base = now_ms() - 3_600_000;
    for (i, at) in [base, base, base, base, base + 1, base - 1, base + 2]
        .into_iter()
        .enumerate()
    {
        set_created(&t, "contacts", &contacts[i], at).await;
        set_created(&t, "projects", &projects[i], at).await;
    }
    let seen = walk(&t, &admin, "/api/v1/contacts", 7).await;
    assert_eq!(
        seen.iter().collect::<BTreeSet<_>>(),
        contacts.iter().collect::<BTreeSet<_>>()
    );
    assert_eq!(seen[0], contacts[6]);
    assert_eq!(seen[1], contacts[4]);
    assert_eq!(seen[6], contacts[5]);
    walk(&t, &admin, "/api/v1/projects", 7).await;
    // Filters apply on every page.
    let (_, v) = t
        .get("/api/v1/contacts?limit=3&status=prospect", &admin)
        .await;
    assert_eq!(v["total"], 7);
    let (_, v) = t
        .get("/api/v1/contacts?limit=3&status=client", &admin)
        .await;
    assert_eq!(v, json!({"items": [], "next": null, "total": 0}));
    // Activity lists page the same way.
    for i in 0..7 {
        let (s, _) = t
            .post(
                &format!("/api/v1/contacts/{}/notes", contacts[0]),
                &admin,
                json!({"body": format!("note {i}")}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    walk(
        &t,
        &admin,
        &format!("/api/v1/contacts/{}/notes", contacts[0]),
        7,
    )
    .await;

    for base in ["/api/v1/contacts", "/api/v1/projects", "/api/v1/contracts"] {
        for bad in [
            "garbage",
            "123",
            "abc~0190a0b0-0000-7000-8000-000000000000",
            "1~bad!id",
            "1~",
        ] {
            let (s, v) = t.get(&format!("{base}?after={bad}"), &admin).await;
            assert_err(s, &v, StatusCode::BAD_REQUEST, "bad_request", CURSOR_MSG);
        }
        for bad in ["0", "501", "-3", "abc"] {
            let (s, v) = t.get(&format!("{base}?limit={bad}"), &admin).await;
            assert_invalid(s, &v, "limit", LIMIT_MSG);
        }
        let (s, _) = t.get(&format!("{base}?limit=500"), &admin).await;
        assert_eq!(s, StatusCode::OK);
    }
}
