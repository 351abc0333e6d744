//! Nothing erased is left in the database file, its WAL or the blobs.

use crate::common::TestApp;
use crate::fixture::*;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn nothing_erased_is_left_in_the_database_file_its_wal_or_the_blobs() {
    if !is_sqlite() {
        eprintln!("SQLite only: PostgreSQL files are not ours to scan (see README on VACUUM)");
        return;
    }
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;

    // Anonymization.
    let a = fill(&t, &admin, "anon", &t.acc.sales1).await;
    let hits = on_disk(&t, &a.all());
    assert!(
        a.all()
            .iter()
            .all(|m| hits.iter().any(|h| h.starts_with(m.as_str()))),
        "the scanner must see every marker before the erasure; missing: {:?}",
        a.all()
            .iter()
            .filter(|m| !hits.iter().any(|h| h.starts_with(m.as_str())))
            .collect::<Vec<_>>()
    );
    erase(&t, &admin, "anonymize", json!({"contacts": [a.contact]})).await;
    let hits = on_disk(&t, &a.gone);
    assert!(hits.is_empty(), "left after anonymization: {hits:#?}");
    // What anonymization keeps is still there: the scan does see the file.
    let kept = on_disk(&t, &a.kept);
    assert!(!kept.is_empty(), "the scanner sees nothing at all");

    // Deletion of a contact.
    let b = fill(&t, &admin, "del", &t.acc.sales1).await;
    erase(&t, &admin, "delete", json!({"contacts": [b.contact]})).await;
    let mut all = b.all();
    all.extend(a.gone.iter().cloned());
    let hits = on_disk(&t, &all);
    assert!(hits.is_empty(), "left after deletion: {hits:#?}");
    let (s, _) = t
        .get(&format!("/api/v1/contacts/{}", b.contact), &admin)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Deletion of a project: the project, its contract and what hangs on them.
    let c = fill(&t, &admin, "proj", &t.acc.sales1).await;
    let p = erase(&t, &admin, "delete", json!({"projects": [c.project]})).await;
    assert_eq!(p["preview"]["projects"], 1, "{p}");
    assert_eq!(p["preview"]["contracts"], 1, "{p}");
    let hits = on_disk(&t, &c.project_markers);
    assert!(
        hits.is_empty(),
        "left after deleting the project: {hits:#?}"
    );
    let d = contact_detail(&t, &admin, &c.contact).await;
    assert_eq!(d["projects"], json!([]));
    assert_eq!(d["contracts"], json!([]));
    assert!(d["anonymized_at"].is_null());
    assert_eq!(d["first_name"], c.sent["contacts.first_name"].as_str());
    let (s, _) = t
        .get(&format!("/api/v1/contracts/{}", c.contract), &admin)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
