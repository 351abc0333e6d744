//! The keyed audit chain (issue 14, item 2): the three rewrites the audit found to pass
//! `audit verify` (an entry edited and the chain recomputed, the tail cut off and the
//! head moved back, a cabinet's whole log deleted) are caught, the first by the key,
//! the other two by a head exported earlier; and the key itself: kept in the data
//! directory with mode 0600, never replaced under a log that holds entries.
//! Real database: SQLite, or PostgreSQL when DATABASE_URL points at a server.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use oubli_domain::AuditEntry;
use oubli_server::audit::{self, key::AuditKey, verify::Broken};
use oubli_server::db::Db;
use serde_json::json;

/// Some activity in the demo cabinet: contacts created and edited (each one an entry).
async fn activity(t: &TestApp) -> String {
    let admin = t.login("admin@demo.fr").await;
    for i in 0..4 {
        let id = t
            .contact(
                &admin,
                json!({"first_name": "Alice", "last_name": format!("Martin{i}"), "status": "prospect"}),
            )
            .await;
        let (s, v) = t
            .patch(
                &format!("/api/v1/contacts/{id}"),
                &admin,
                json!({"city": "Lyon"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    admin
}

/// The demo cabinet's entries, oldest first, as stored.
async fn entries(db: &Db, cabinet: &str) -> Vec<AuditEntry> {
    let mut tx = db.read().await.expect("read");
    let mut all = audit::list(&mut tx, cabinet, None, 100_000)
        .await
        .expect("list");
    tx.commit().await.expect("commit");
    all.reverse();
    all
}

/// Rewrites the stored hashes of `chain` from its first entry on, as someone with
/// write access to the database but not the key would: with a key of their own.
async fn rewrite(db: &Db, cabinet: &str, chain: &mut [AuditEntry], key: &AuditKey) {
    let mut prev = String::new();
    for e in chain.iter_mut() {
        e.prev_hash = prev.clone();
        e.hash = audit::entry_hash(key, cabinet, &prev, e);
        db.raw(&format!(
            "UPDATE audit_log SET detail = '{}', prev_hash = '{}', hash = '{}' \
             WHERE cabinet_id = '{cabinet}' AND seq = {}",
            e.detail.to_string().replace('\'', "''"),
            e.prev_hash,
            e.hash,
            e.seq
        ))
        .await
        .expect("update entry");
        prev = e.hash.clone();
    }
    let last = chain.last().expect("entries");
    db.raw(&format!(
        "UPDATE cabinets SET audit_head = '{}', audit_seq = {} WHERE id = '{cabinet}'",
        last.hash, last.seq
    ))
    .await
    .expect("move head");
}

/// Deletes a cabinet's whole log and resets its head, as an attacker with write
/// access to the database would.
async fn delete_log(db: &Db, cab: &str) {
    db.raw(&format!("DELETE FROM audit_log WHERE cabinet_id = '{cab}'"))
        .await
        .expect("delete log");
    db.raw(&format!(
        "UPDATE cabinets SET audit_head = '', audit_seq = 0 WHERE id = '{cab}'"
    ))
    .await
    .expect("reset head");
}

#[tokio::test]
async fn an_edited_entry_cannot_be_rehashed_without_the_key() {
    let t = TestApp::new().await;
    activity(&t).await;
    let cab = t.acc.demo_cabinet.clone();
    assert!(matches!(audit::verify(&t.state.db).await, Ok(Ok(n)) if n >= 4));
    let mut chain = entries(&t.state.db, &cab).await;
    let k = chain.len() / 2;
    chain[k].detail = json!({"fields": ["note"]});
    // Recomputed as before the key (plain SHA-256 of the same form would be no better):
    // with any key but the server's, the first edited entry is named.
    rewrite(
        &t.state.db,
        &cab,
        &mut chain,
        &AuditKey::from_bytes([42; 32]),
    )
    .await;
    let r = audit::verify(&t.state.db).await.expect("verify");
    assert_eq!(r, Err((cab.clone(), 1)), "every rehashed entry is refused");
    // Recomputed with the server's own key, the same edit passes: the key is the
    // whole protection, hence kept outside the database.
    rewrite(&t.state.db, &cab, &mut chain, &t.state.db.audit_key).await;
    assert!(matches!(audit::verify(&t.state.db).await, Ok(Ok(_))));
}

#[tokio::test]
async fn a_cut_tail_or_a_deleted_log_is_caught_by_the_exported_head() {
    let t = TestApp::new().await;
    activity(&t).await;
    let cab = t.acc.demo_cabinet.clone();
    let head = audit::export_head(&t.state.db).await.expect("export");
    let mine = head
        .cabinets
        .iter()
        .find(|c| c.cabinet_id == cab)
        .expect("demo cabinet in the head")
        .clone();
    assert!(mine.seq >= 4, "{mine:?}");
    assert!(matches!(
        audit::verify_against(&t.state.db, Some(&head)).await,
        Ok(Ok(_))
    ));
    // Later entries do not disturb the exported head.
    let admin = t.login("admin@demo.fr").await;
    t.contact(
        &admin,
        json!({"first_name": "Paul", "last_name": "Petit", "status": "client"}),
    )
    .await;
    assert!(matches!(
        audit::verify_against(&t.state.db, Some(&head)).await,
        Ok(Ok(_))
    ));

    // The last three entries deleted and the cabinet's head moved back onto the new
    // last one: no hash to forge, so `verify` alone still passes (its limit)…
    let chain = entries(&t.state.db, &cab).await;
    let keep = &chain[chain.len() - 4];
    t.state
        .db
        .raw(&format!(
            "DELETE FROM audit_log WHERE cabinet_id = '{cab}' AND seq > {}",
            keep.seq
        ))
        .await
        .expect("cut");
    t.state
        .db
        .raw(&format!(
            "UPDATE cabinets SET audit_head = '{}', audit_seq = {} WHERE id = '{cab}'",
            keep.hash, keep.seq
        ))
        .await
        .expect("move head");
    assert!(matches!(audit::verify(&t.state.db).await, Ok(Ok(_))));
    // …and the exported head names what is missing.
    assert_eq!(
        audit::verify_against(&t.state.db, Some(&head))
            .await
            .expect("verify"),
        Err(Broken::BehindHead {
            cabinet: cab.clone(),
            seq: mine.seq
        })
    );

    // The whole log of the cabinet deleted, its head reset.
    delete_log(&t.state.db, &cab).await;
    assert!(matches!(audit::verify(&t.state.db).await, Ok(Ok(_))));
    assert!(matches!(
        audit::verify_against(&t.state.db, Some(&head)).await,
        Ok(Err(Broken::BehindHead { .. }))
    ));

    // A head edited to match (an older seq) loses its signature.
    let mut forged = head.clone();
    for c in &mut forged.cabinets {
        c.seq = 0;
        c.hash.clear();
    }
    assert_eq!(
        audit::verify_against(&t.state.db, Some(&forged))
            .await
            .expect("verify"),
        Err(Broken::HeadSignature)
    );
}

#[tokio::test]
async fn the_key_stays_outside_the_database_and_is_never_replaced_silently() {
    let t = TestApp::new().await;
    activity(&t).await;
    let key_file = t.dir.path().join("audit.key");
    let text = std::fs::read_to_string(&key_file).expect("key file created at first start");
    assert_eq!(text.len(), 64);
    assert!(text.bytes().all(|b| b.is_ascii_hexdigit()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "readable by the server's user only");
    }
    // The key is in no table.
    let url = t.database_url().await;
    let dump = {
        let mut tx = t.state.db.read().await.expect("read");
        let q = sea_query::Query::select()
            .expr(sea_query::Expr::cust("COUNT(*)"))
            .from(sea_query::Alias::new("audit_log"))
            .and_where(sea_query::Expr::cust(format!(
                "detail LIKE '%{text}%' OR hash = '{text}' OR prev_hash = '{text}'"
            )))
            .to_owned();
        let n = tx.int(&q).await.expect("count");
        tx.commit().await.expect("commit");
        n
    };
    assert_eq!(dump, 0);
    // Opened again (a restart): the same key, the chain verifies.
    let again = Db::connect(url.as_deref(), t.dir.path())
        .await
        .expect("reopen");
    assert!(matches!(audit::verify(&again).await, Ok(Ok(_))));
    again.close().await;
    // Key lost while the log holds entries: the server refuses to start rather than
    // begin a chain no one could verify.
    std::fs::rename(&key_file, t.dir.path().join("audit.key.kept")).expect("move key");
    let err = match Db::connect(url.as_deref(), t.dir.path()).await {
        Ok(_) => panic!("started without its audit key"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("Clé du journal d'audit introuvable"), "{err}");
    assert!(!key_file.exists(), "no new key written");
    // A damaged key file is refused too, naming no key material.
    std::fs::write(&key_file, "pas une clé").expect("write");
    let err = match Db::connect(url.as_deref(), t.dir.path()).await {
        Ok(_) => panic!("started with an unreadable key"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("64 chiffres hexadécimaux"), "{err}");
}

/// The commands a data-protection officer runs: `audit export-head` prints a signed
/// head; `audit verify --head FILE` passes on the untouched log and fails (exit 1, a
/// French sentence) once entries up to it are gone.
#[tokio::test]
async fn export_head_and_verify_head_from_the_command_line() {
    let t = TestApp::new().await;
    activity(&t).await;
    let url = t.database_url().await;
    let run = |args: &[&str]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_oubli-server"));
        c.arg("--data-dir").arg(t.dir.path()).args(args);
        c.env_remove("OUBLI_AUDIT_KEY");
        match &url {
            Some(u) => c.env("DATABASE_URL", u),
            None => c.env_remove("DATABASE_URL"),
        };
        c.output().expect("run oubli-server")
    };
    let out = run(&["audit", "export-head"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let head: audit::Head = serde_json::from_slice(&out.stdout).expect("a head as JSON");
    assert!(head
        .cabinets
        .iter()
        .any(|c| c.cabinet_id == t.acc.demo_cabinet));
    let file = t.dir.path().join("head.json");
    std::fs::write(&file, &out.stdout).expect("keep the head");
    let head_arg = file.to_str().expect("path");

    let out = run(&["audit", "verify", "--head", head_arg]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("tête exportée retrouvée"));

    let cab = &t.acc.demo_cabinet;
    delete_log(&t.state.db, cab).await;
    let out = run(&["audit", "verify"]);
    assert!(
        out.status.success(),
        "verify alone cannot see a deleted log"
    );
    let out = run(&["audit", "verify", "--head", head_arg]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Journal d'audit altéré") && err.contains(cab.as_str()),
        "{err}"
    );
    // No personal value in what the commands print.
    assert!(!err.contains("Martin") && !String::from_utf8_lossy(&out.stdout).contains("Martin"));
}
