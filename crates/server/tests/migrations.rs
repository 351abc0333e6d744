//! Upgrades: a database left by an earlier version, with an erasure job half done, is
//! migrated by the current server and the job completes (migration 0008 turned the
//! member rows into chunks); its contacts get their stored name key (0009). On SQLite,
//! and on PostgreSQL when DATABASE_URL is set.

mod common;

use oubli_server::db::Db;
use sqlx::any::AnyPoolOptions;
use sqlx::Row;
use std::borrow::Cow;

/// The members the old schema had: 120 for the running job (the first 30 done), 10 for
/// a finished one.
const MEMBERS: usize = 120;
const DONE: usize = 30;

#[tokio::test]
async fn a_database_from_before_0008_is_upgraded_its_job_completes_and_names_get_keys() {
    sqlx::any::install_default_drivers();
    let dir = tempfile::tempdir().expect("tempdir");
    let (url, pg) = match common::backend_url() {
        Some(base) => (common::pg_database(&base).await, true),
        None => (
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("oubli.db").display()
            ),
            false,
        ),
    };
    // The schema as version 0007 left it.
    {
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .expect("open");
        let mut m = if pg {
            sqlx::migrate!("./migrations/postgres")
        } else {
            sqlx::migrate!("./migrations/sqlite")
        };
        m.migrations = Cow::Owned(
            m.migrations
                .iter()
                .filter(|x| x.version <= 7)
                .cloned()
                .collect(),
        );
        m.run(&pool).await.expect("migrate to 0007");
        let mut sql = vec![
            "INSERT INTO cabinets (id, name, hmac_key, created_at, updated_at) \
             VALUES ('cab', 'Cabinet', 'k', 0, 0)"
                .to_string(),
            "INSERT INTO users (id, cabinet_id, email, name, role, password_hash, created_at, \
             updated_at) VALUES ('adm', 'cab', 'a@b.invalid', 'A', 'admin', 'x', 0, 0)"
                .to_string(),
        ];
        // Contacts written before the stored name key (0009): one named with an accent,
        // one company, one anonymized (no name).
        for (id, last, company, first) in [
            ("k1", "'Écuyer'", "NULL", "'Éric'"),
            ("k2", "NULL", "'Œuvres SARL'", "NULL"),
            ("k3", "NULL", "NULL", "NULL"),
        ] {
            sql.push(format!(
                "INSERT INTO contacts (id, cabinet_id, last_name, company_name, first_name, \
                 status, created_at, updated_at) VALUES ('{id}', 'cab', {last}, {company}, \
                 {first}, 'prospect', 0, 0)"
            ));
        }
        for (id, status, n) in [("running-job", "running", MEMBERS), ("old-job", "done", 10)] {
            let done = if status == "done" { n } else { DONE };
            sql.push(format!(
                "INSERT INTO erasures (id, cabinet_id, actor_user_id, action, member_kind, \
                 token_hash, expires_at, status, preview, total, done, request_id, created_at, \
                 updated_at) VALUES ('{id}', 'cab', 'adm', 'anonymize', 'contacts', NULL, 0, \
                 '{status}', '{{}}', {n}, {done}, NULL, 0, 0)"
            ));
            for i in 0..n {
                sql.push(format!(
                    "INSERT INTO erasure_members (erasure_id, cabinet_id, target_id, done, \
                     created_at, updated_at) VALUES ('{id}', 'cab', '{id}-{i:03}', {}, 0, 0)",
                    i32::from(i < done)
                ));
            }
        }
        for s in &sql {
            sqlx::query(s).execute(&pool).await.expect(s);
        }
        pool.close().await;
    }
    // The current server opens it: 0008 runs.
    let db = Db::connect(pg.then_some(url.as_str()), dir.path())
        .await
        .expect("upgrade");
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .expect("open");
    let rows = sqlx::query(
        "SELECT erasure_id, seq, size, target_ids, done FROM erasure_chunks \
         ORDER BY erasure_id, seq",
    )
    .fetch_all(&pool)
    .await
    .expect("chunks");
    // The name keys were computed when the server opened the upgraded database.
    let keys = sqlx::query("SELECT id, name_key FROM contacts ORDER BY id")
        .fetch_all(&pool)
        .await
        .expect("keys");
    let keys: Vec<(String, Option<String>)> = keys.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        keys,
        vec![
            ("k1".to_string(), Some("0ecuyer eric".to_string())),
            ("k2".to_string(), Some("0oeuvres sarl ".to_string())),
            ("k3".to_string(), None),
        ]
    );
    let mut ids = Vec::new();
    for (k, r) in rows.iter().enumerate() {
        let erasure: String = r.get(0);
        assert_eq!(erasure, "running-job", "only unfinished jobs keep members");
        assert_eq!(r.get::<i64, _>(1), k as i64, "chunks numbered from 0");
        assert_eq!(r.get::<i64, _>(4), 0, "chunks of members not done");
        let chunk: Vec<String> = serde_json::from_str(&r.get::<String, _>(3)).expect("json");
        assert_eq!(r.get::<i64, _>(2), chunk.len() as i64, "size");
        assert!(chunk.len() as i64 <= oubli_server::erasure::CHUNK);
        ids.extend(chunk);
    }
    ids.sort();
    let expected: Vec<String> = (DONE..MEMBERS)
        .map(|i| format!("running-job-{i:03}"))
        .collect();
    assert_eq!(ids, expected, "exactly the members not done, once each");
    let old: i64 = sqlx::query("SELECT COUNT(*) FROM erasure_chunks WHERE erasure_id = 'old-job'")
        .fetch_one(&pool)
        .await
        .expect("count")
        .get(0);
    assert_eq!(old, 0);
    // The job goes on from where it was: the rest counted once, then done.
    let n = oubli_server::erasure::run(&db, &dir.path().join("blobs"), "running-job")
        .await
        .expect("run");
    assert_eq!(n, MEMBERS - DONE);
    let r = sqlx::query("SELECT status, done, total FROM erasures WHERE id = 'running-job'")
        .fetch_one(&pool)
        .await
        .expect("job");
    assert_eq!(r.get::<String, _>(0), "done");
    assert_eq!(r.get::<i64, _>(1), MEMBERS as i64);
    assert_eq!(r.get::<i64, _>(2), MEMBERS as i64);
    pool.close().await;
    db.close().await;
}
