//! What tests/cache.rs and tests/cache_sync.rs share: records holding personal values,
//! batches, and a fresh cache per test (each test has its own user id, so its own
//! database, deleted first).
#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use oubli::cache::Cache;
use oubli_domain::{SyncRecord, SyncResponse};
use serde_json::json;

pub const PASSWORD: &str = "correct horse battery staple";
pub const NAME: &str = "Séverine";
pub const EMAIL: &str = "severine.dupont@example.fr";

/// A UUID-like user id of its own per test.
pub fn user(n: u8) -> String {
    format!("00000000-0000-4000-8000-0000000000{n:02x}")
}

pub fn contact_id(n: u16) -> String {
    format!("c0000000-0000-4000-8000-{n:012x}")
}

/// A whole record with personal values in the contact and in a note.
pub fn record(n: u16, last_name: &str) -> SyncRecord {
    let id = contact_id(n);
    serde_json::from_value(json!({
        "id": id,
        "first_name": NAME,
        "last_name": last_name,
        "email": EMAIL,
        "mobile_phone": "06 12 34 56 78",
        "city": "Lyon",
        "created_at": "2026-01-02T03:04:05Z",
        "updated_at": "2026-01-02T03:04:05Z",
        "household": [],
        "projects": [],
        "contracts": [],
        "activity_counts": {"notes": 1},
        "notes": [{
            "id": format!("a0000000-0000-4000-8000-{n:012x}"),
            "contact_id": id,
            "kind": "notes",
            "author_id": null,
            "body": "Rappeler Séverine au sujet de sa mutuelle.",
            "file_name": null,
            "content_type": null,
            "size_bytes": null,
            "created_at": "2026-01-03T10:00:00Z",
            "updated_at": "2026-01-03T10:00:00Z"
        }],
        "tasks": [],
        "appointments": []
    }))
    .expect("a valid SyncRecord")
}

pub fn batch(
    upserts: Vec<SyncRecord>,
    tombstones: &[u16],
    cursor: &str,
    more: bool,
) -> SyncResponse {
    SyncResponse {
        upserts,
        tombstones: tombstones.iter().map(|n| contact_id(*n)).collect(),
        cursor: cursor.into(),
        more,
        reset: false,
    }
}

pub fn reset() -> SyncResponse {
    SyncResponse {
        upserts: vec![record(99, "Ignoré")],
        tombstones: vec![],
        cursor: "999".into(),
        more: false,
        reset: true,
    }
}

pub fn ids(records: &[SyncRecord]) -> Vec<String> {
    records
        .iter()
        .map(|r| r.detail.contact.id.clone())
        .collect()
}

pub async fn fresh(user_id: &str, server_key: Option<[u8; 32]>) -> Cache {
    Cache::delete(user_id)
        .await
        .expect("delete before the test");
    Cache::create(user_id, PASSWORD, server_key)
        .await
        .expect("create")
}

pub fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 9, 30, 0).unwrap()
}
