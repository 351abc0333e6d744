//! Storage invariants: foreign keys, the SQLite schema rules, no trace of a deleted
//! contact in the SQLite files.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

#[tokio::test]
async fn foreign_keys_are_enforced_on_the_app_connection() {
    let t = TestApp::new().await;
    let cab = &t.acc.demo_cabinet;
    let r = t
        .state
        .db
        .raw(&format!(
            "INSERT INTO household_members (id, cabinet_id, contact_id, created_at, updated_at) \
             VALUES ('orphan', '{cab}', 'no-such-contact', 0, 0)"
        ))
        .await;
    assert!(r.is_err(), "a dangling foreign key was accepted");
}

/// What breaks the schema rules in the SQLite database behind `c`: a table without
/// `cabinet_id` (but `cabinets`), without `created_at`/`updated_at`, or a foreign key
/// that is not the leftmost column(s) of an index (the primary key included).
async fn schema_problems(
    c: &mut sqlx::sqlite::SqliteConnection,
) -> (Vec<String>, BTreeSet<String>) {
    use sqlx::Row;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_sqlx%' ESCAPE '\\' ORDER BY name",
    )
    .fetch_all(&mut *c)
    .await
    .expect("tables");
    let mut problems = BTreeSet::new();
    for table in &tables {
        let cols = sqlx::query(&format!("PRAGMA table_info(\"{table}\")"))
            .fetch_all(&mut *c)
            .await
            .expect("table_info");
        let names: Vec<String> = cols.iter().map(|r| r.get::<String, _>("name")).collect();
        if table != "cabinets" && !names.iter().any(|n| n == "cabinet_id") {
            problems.insert(format!("{table}: no cabinet_id"));
        }
        for needed in ["created_at", "updated_at"] {
            if !names.iter().any(|n| n == needed) {
                problems.insert(format!("{table}: no {needed}"));
            }
        }
        // Column lists of every index, the rowid alias (INTEGER PRIMARY KEY) included.
        let mut indexes: Vec<Vec<String>> = Vec::new();
        let pk: Vec<(String, String)> = cols
            .iter()
            .filter(|r| r.get::<i64, _>("pk") > 0)
            .map(|r| (r.get("name"), r.get::<String, _>("type")))
            .collect();
        if pk.len() == 1 && pk[0].1.eq_ignore_ascii_case("integer") {
            indexes.push(vec![pk[0].0.clone()]);
        }
        let list = sqlx::query(&format!("PRAGMA index_list(\"{table}\")"))
            .fetch_all(&mut *c)
            .await
            .expect("index_list");
        for idx in list {
            let name: String = idx.get("name");
            let info = sqlx::query(&format!("PRAGMA index_info(\"{name}\")"))
                .fetch_all(&mut *c)
                .await
                .expect("index_info");
            let mut cols: Vec<(i64, Option<String>)> = info
                .iter()
                .map(|r| (r.get("seqno"), r.get("name")))
                .collect();
            cols.sort();
            indexes.push(
                cols.into_iter()
                    .map(|(_, n)| n.unwrap_or_else(|| "<expr>".into()))
                    .collect(),
            );
        }
        let fks = sqlx::query(&format!("PRAGMA foreign_key_list(\"{table}\")"))
            .fetch_all(&mut *c)
            .await
            .expect("foreign_key_list");
        let mut by_id: std::collections::BTreeMap<i64, Vec<(i64, String, String)>> =
            Default::default();
        for fk in fks {
            by_id.entry(fk.get("id")).or_default().push((
                fk.get("seq"),
                fk.get("from"),
                fk.get("table"),
            ));
        }
        for (_, mut parts) in by_id {
            parts.sort();
            let from: Vec<String> = parts.iter().map(|p| p.1.clone()).collect();
            let indexed = indexes
                .iter()
                .any(|ix| ix.len() >= from.len() && ix[..from.len()] == from[..]);
            if !indexed {
                problems.insert(format!(
                    "{table}({}) -> {}: unindexed",
                    from.join(", "),
                    parts[0].2
                ));
            }
        }
    }
    (tables, problems)
}

#[tokio::test]
async fn sqlite_schema_invariants() {
    if !on_sqlite() {
        eprintln!("sqlite_schema_invariants: skipped on PostgreSQL");
        return;
    }
    use sqlx::Connection;
    let t = TestApp::new().await;
    let path = t.dir.path().join("oubli.db");
    let mut c = sqlx::sqlite::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::new().filename(&path),
    )
    .await
    .expect("open the SQLite file");
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut c)
        .await
        .expect("journal_mode");
    assert_eq!(mode.to_lowercase(), "wal");
    let (tables, problems) = schema_problems(&mut c).await;
    c.close().await.ok();
    for needed in [
        "cabinets",
        "users",
        "sessions",
        "contacts",
        "household_members",
        "projects",
        "beneficiaries",
        "subscriptions",
        "contracts",
        "insured_persons",
        "activities",
        "consents",
        "audit_log",
    ] {
        assert!(
            tables.iter().any(|t| t == needed),
            "{needed} not in {tables:?}"
        );
    }
    assert!(problems.is_empty(), "schema problems: {problems:#?}");
}

/// The checker above does find what it looks for.
#[tokio::test]
async fn schema_checker_finds_unindexed_foreign_keys() {
    use sqlx::Connection;
    let mut c = sqlx::sqlite::SqliteConnection::connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite");
    for ddl in [
        "CREATE TABLE cabinets (id TEXT PRIMARY KEY, created_at BIGINT, updated_at BIGINT)",
        "CREATE TABLE parents (id INTEGER PRIMARY KEY, cabinet_id TEXT REFERENCES cabinets (id), \
         created_at BIGINT, updated_at BIGINT)",
        "CREATE INDEX parents_cabinet ON parents (cabinet_id, created_at)",
        "CREATE TABLE kids (id TEXT PRIMARY KEY, cabinet_id TEXT REFERENCES cabinets (id), \
         parent_id INTEGER REFERENCES parents (id), other_id INTEGER REFERENCES parents (id), \
         created_at BIGINT)",
        "CREATE INDEX kids_cabinet_parent ON kids (cabinet_id, parent_id)",
        "CREATE TABLE loose (id TEXT PRIMARY KEY REFERENCES cabinets (id), created_at BIGINT, updated_at BIGINT)",
    ] {
        sqlx::query(ddl).execute(&mut c).await.expect(ddl);
    }
    let (_, problems) = schema_problems(&mut c).await;
    let expected: BTreeSet<String> = [
        "kids: no updated_at",
        "kids(parent_id) -> parents: unindexed",
        "kids(other_id) -> parents: unindexed",
        "loose: no cabinet_id",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(problems, expected);
    sqlx::query("CREATE INDEX kids_parent ON kids (parent_id, other_id)")
        .execute(&mut c)
        .await
        .expect("index");
    let (_, problems) = schema_problems(&mut c).await;
    assert!(problems.contains("kids(other_id) -> parents: unindexed"));
    assert!(!problems.contains("kids(parent_id) -> parents: unindexed"));
    c.close().await.ok();
}

/// PRODUCT.md §3: once erased, no copy of the values anywhere, "database pages and
/// WAL included". DELETE /contacts/{id} is the "Supprimer" path of a contact page.
#[tokio::test]
async fn deleted_contact_leaves_no_trace_in_the_sqlite_files() {
    if !on_sqlite() {
        eprintln!("deleted_contact_leaves_no_trace_in_the_sqlite_files: skipped on PostgreSQL");
        return;
    }
    let marker = "Qwxzyphrenique";
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(&admin, json!({"last_name": marker, "city": "Quimper"}))
        .await;
    let in_files = || {
        ["oubli.db", "oubli.db-wal"]
            .iter()
            .filter(|f| {
                std::fs::read(t.dir.path().join(f))
                    .map(|b| b.windows(marker.len()).any(|w| w == marker.as_bytes()))
                    .unwrap_or(false)
            })
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
    };
    assert!(!in_files().is_empty(), "the marker should be stored first");
    let (s, _) = t.delete(&api(&format!("/contacts/{c}")), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        in_files(),
        Vec::<String>::new(),
        "erased value still on disk"
    );
}
