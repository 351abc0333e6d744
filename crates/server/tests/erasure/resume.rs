//! An interrupted erasure resumes and processes each member once.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use sea_query::{Alias, Expr, Query};
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[tokio::test]
async fn an_interrupted_erasure_resumes_and_processes_each_member_once() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            t.contact(&admin, json!({"last_name": format!("R{i}")}))
                .await,
        );
    }
    let p = preview(&t, &admin, "anonymize", json!({"contacts": ids})).await;
    let eid = id_of(&p);
    // Confirmed, then the server stopped before running it.
    raw_sql(
        &t,
        &format!(
            "UPDATE erasures SET status = 'pending', token_hash = NULL WHERE id = '{}'",
            safe(&eid)
        ),
    )
    .await;
    let blob_dir = t.dir.path().join("blobs");
    oubli_server::erasure::run(&t.state.db, &blob_dir, &eid)
        .await
        .expect("run");
    let count = |items: &[Value]| -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for e in items {
            if e["action"] == "contact.anonymize" {
                *m.entry(e["target_id"].as_str().unwrap_or_default().to_string())
                    .or_insert(0) += 1;
            }
        }
        m
    };
    let items = audit_items(&t, &admin).await;
    let per = count(&items);
    assert_eq!(per.len(), 3, "{per:?}");
    assert!(per.values().all(|n| *n == 1), "{per:?}");
    for id in &ids {
        assert!(per.contains_key(id));
        assert!(contact_detail(&t, &admin, id).await["anonymized_at"].is_string());
    }
    let (s, v) = t.get(&format!("/api/v1/erasures/{eid}"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "done", "{v}");
    assert_eq!(v["done"], 3, "{v}");
    // Running it again (a second resume) changes nothing.
    let n_before = items.len();
    oubli_server::erasure::run(&t.state.db, &blob_dir, &eid)
        .await
        .expect("run again");
    let again = audit_items(&t, &admin).await;
    assert_eq!(again.len(), n_before, "a second run wrote to the audit log");
    let (_, v) = t.get(&format!("/api/v1/erasures/{eid}"), &admin).await;
    assert_eq!(v["done"], 3, "{v}");

    // A crash in the middle: the first chunk of members done, the rest not.
    let chunk = oubli_server::erasure::CHUNK as usize;
    let mut more: Vec<String> = Vec::new();
    for i in 0..chunk + 3 {
        more.push(
            t.contact(&admin, json!({"last_name": format!("S{i}")}))
                .await,
        );
    }
    let p = preview(&t, &admin, "anonymize", json!({"contacts": more})).await;
    let eid2 = id_of(&p);
    raw_sql(
        &t,
        &format!(
            "UPDATE erasures SET status = 'running', token_hash = NULL WHERE id = '{}'",
            safe(&eid2)
        ),
    )
    .await;
    // The first chunk as stored (the database's id order).
    let first: Vec<String> = {
        let mut q = Query::select();
        q.column(Alias::new("target_ids"))
            .from(Alias::new("erasure_chunks"))
            .and_where(Expr::col(Alias::new("erasure_id")).eq(eid2.as_str()))
            .and_where(Expr::col(Alias::new("seq")).eq(0i64));
        let mut tx = t.state.db.read().await.expect("read");
        let (ids,): (String,) = tx.opt(&q).await.expect("chunk").expect("chunk 0");
        serde_json::from_str(&ids).expect("ids")
    };
    assert_eq!(first.len(), chunk);
    // Erase the first chunk's contacts through their own erasure and mark the chunk
    // done, as the interrupted run would have in the same transaction.
    let e = preview(&t, &admin, "anonymize", json!({"contacts": first})).await;
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{}/confirm", id_of(&e)),
            &admin,
            json!({"confirm_token": e["confirm_token"]}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let job = t.wait_job(&admin, &id_of(&e)).await;
    assert_eq!(job["status"], "done", "{job}");
    raw_sql(
        &t,
        &format!(
            "UPDATE erasure_chunks SET done = 1 WHERE erasure_id = '{}' AND seq = 0",
            safe(&eid2)
        ),
    )
    .await;
    raw_sql(
        &t,
        &format!(
            "UPDATE erasures SET done = {chunk} WHERE id = '{}'",
            safe(&eid2)
        ),
    )
    .await;
    let n = oubli_server::erasure::resume_pending(&t.state.db, blob_dir.clone())
        .await
        .expect("resume");
    assert!(n >= 1, "the running erasure is picked up");
    // The resumed job runs in the background: wait for it.
    let mut status = Value::Null;
    for _ in 0..200 {
        let (_, v) = t.get(&format!("/api/v1/erasures/{eid2}"), &admin).await;
        if v["status"] == "done" {
            status = v;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(status["status"], "done", "resumed erasure finished");
    assert_eq!(status["done"], more.len(), "{status}");
    let per = count(&audit_items(&t, &admin).await);
    for id in &more {
        assert_eq!(per.get(id), Some(&1), "{id}: {per:?}");
        assert!(contact_detail(&t, &admin, id).await["anonymized_at"].is_string());
    }
}
