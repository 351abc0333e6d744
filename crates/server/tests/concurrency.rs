//! A write under a contact racing its anonymization. Whatever the order, nothing
//! personal may survive under an anonymized contact: the write either completes first
//! and its rows are erased with the rest, or comes second and is refused (409). On
//! PostgreSQL this holds because both sides take the contact's row first
//! (access::contact_meta in a write transaction, erasure.rs anonymize_batch); on SQLite
//! writers go one at a time.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use oubli_server::auth::{find_user_by_email, Auth};
use oubli_server::db::now_ms;
use oubli_server::db::rows::n;
use sea_query::{Expr, Query};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

const MARK: &str = "Note-privee-course-4242";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_project_added_while_its_contact_is_being_anonymized_is_erased_too() {
    let t = Arc::new(TestApp::new().await);
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(&admin, json!({"last_name": "Course", "status": "prospect"}))
        .await;
    // A write under the contact has begun: it has read (and, on PostgreSQL, holds) the
    // contact, as every route writing under a contact does first.
    let mut tx = t.state.db.begin().await.expect("begin");
    let auth = {
        let row = find_user_by_email(&mut tx, "admin@demo.fr")
            .await
            .expect("user")
            .expect("admin");
        Auth {
            actor: row.actor(),
            user: row.user(),
        }
    };
    let meta = oubli_server::access::contact_meta(&mut tx, &auth, &c)
        .await
        .expect("contact");
    meta.writable().expect("not anonymized yet");

    // Meanwhile an administrator anonymizes the contact.
    let eraser = {
        let (t, admin, c) = (t.clone(), admin.clone(), c.clone());
        tokio::spawn(async move {
            let (s, p) = t
                .post(
                    "/api/v1/erasures",
                    &admin,
                    json!({"action": "anonymize", "target": {"contacts": [c]}}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{p}");
            let (s, v) = t
                .post(
                    &format!(
                        "/api/v1/erasures/{}/confirm",
                        p["id"].as_str().unwrap_or("")
                    ),
                    &admin,
                    json!({"confirm_token": p["confirm_token"]}),
                )
                .await;
            assert_eq!(s, StatusCode::ACCEPTED, "{v}");
            v
        })
    };
    // Give the anonymization every chance to run ahead of the write.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        !eraser.is_finished(),
        "the anonymization did not wait for the write under the contact"
    );
    let pid = oubli_server::db::new_id();
    let now = now_ms();
    let mut ins = Query::insert();
    ins.into_table(n("projects"))
        .columns(
            [
                "id",
                "cabinet_id",
                "contact_id",
                "type",
                "status",
                "comment",
                "created_at",
                "updated_at",
            ]
            .map(n),
        )
        .values_panic([
            pid.clone().into(),
            meta.cabinet_id.clone().into(),
            c.clone().into(),
            "sante".into(),
            "nouveau".into(),
            MARK.into(),
            now.into(),
            now.into(),
        ]);
    tx.exec(&ins).await.expect("insert project");
    tx.commit().await.expect("commit");

    let job = tokio::time::timeout(Duration::from_secs(30), eraser)
        .await
        .expect("the anonymization finished")
        .expect("eraser task");
    assert_eq!(job["status"], "done", "{job}");
    let (s, contact) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(s, StatusCode::OK, "{contact}");
    assert!(contact["anonymized_at"].is_string(), "{contact}");
    // The project added under it was erased with the rest.
    let mut q = Query::select();
    q.column(n("comment"))
        .from(n("projects"))
        .and_where(Expr::col(n("id")).eq(pid.as_str()));
    let mut rx = t.state.db.read().await.expect("read");
    let (comment,): (Option<String>,) = rx.opt(&q).await.expect("select").expect("project");
    assert_eq!(
        comment, None,
        "the project's comment survived the anonymization"
    );
}
