//! Bulk erasure (issue 5, PRODUCT.md §3 "Bulk"): a selection sent as filter +
//! exclusions from the contacts list and from the projects list, for both actions,
//! erases exactly what the preview counted; records that start matching after the
//! preview are left alone; jobs are listed with their outcome; two instances working on
//! one job never process a member twice.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use sea_query::{Alias, Expr, Query};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A supplier name no other test uses, so each test's filter selects its own records.
fn new_tag() -> String {
    format!("Bulk-{}", &uuid::Uuid::new_v4().simple().to_string()[..10])
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

/// `n` prospects with supplier `tag`, each with a note (so anonymizing deletes
/// something under it).
async fn prospects(t: &TestApp, admin: &str, n: usize, tag: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let id = t
            .contact(
                admin,
                json!({"first_name": format!("Prénom{i}"), "last_name": format!("Nom{i}"),
                       "email": format!("p{i}@exemple.fr"), "status": "prospect", "supplier": tag}),
            )
            .await;
        let (s, v) = t
            .post(
                &format!("/api/v1/contacts/{id}/notes"),
                admin,
                json!({"title": "Appel", "body": "Rappeler"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(id);
    }
    ids
}

async fn project(t: &TestApp, admin: &str, contact: &str, tag: &str) -> String {
    let (s, v) = t
        .post(
            "/api/v1/projects",
            admin,
            json!({"contact_id": contact, "type": "sante", "supplier": tag, "comment": "à rappeler"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    id_of(&v)
}

async fn preview(t: &TestApp, admin: &str, action: &str, target: Value) -> Value {
    let (s, v) = t
        .post(
            "/api/v1/erasures",
            admin,
            json!({"action": action, "target": target}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

/// Confirms and waits for the job to end; returns the final job.
async fn confirm_and_wait(t: &TestApp, admin: &str, p: &Value) -> Value {
    let id = id_of(p);
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{id}/confirm"),
            admin,
            json!({"confirm_token": p["confirm_token"]}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(v["id"], id.as_str());
    let job = t.wait_job(admin, &id).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["done"], job["total"], "{job}");
    assert_eq!(job["percent"], 100, "{job}");
    assert!(
        job["started_at"].is_string() && job["finished_at"].is_string(),
        "{job}"
    );
    job
}

async fn total(t: &TestApp, admin: &str, path: &str) -> i64 {
    let (s, v) = t.get(path, admin).await;
    assert_eq!(s, StatusCode::OK, "{path}: {v}");
    v["total"].as_i64().unwrap_or_else(|| panic!("{path}: {v}"))
}

async fn anonymized(t: &TestApp, admin: &str, id: &str) -> bool {
    let (s, v) = t.get(&format!("/api/v1/contacts/{id}"), admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let anon = v["anonymized_at"].is_string();
    if anon {
        assert!(v["last_name"].is_null() && v["email"].is_null(), "{v}");
    } else {
        assert!(v["last_name"].is_string() && v["email"].is_string(), "{v}");
    }
    anon
}

async fn exists(t: &TestApp, admin: &str, path: &str) -> bool {
    let (s, v) = t.get(path, admin).await;
    match s {
        StatusCode::OK => true,
        StatusCode::NOT_FOUND => false,
        _ => panic!("{path}: {s} {v}"),
    }
}

#[tokio::test]
async fn contacts_list_select_all_minus_exclusions_anonymizes_exactly_that() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let tag = new_tag();
    let ids = prospects(&t, &admin, 30, &tag).await;
    let outside = prospects(&t, &admin, 2, &new_tag()).await;
    let excluded = [&ids[3], &ids[17], &ids[29]];
    let p = preview(
        &t,
        &admin,
        "anonymize",
        json!({"contacts_filter": {"supplier": tag, "status": "prospect"}, "exclude": excluded}),
    )
    .await;
    assert_eq!(p["preview"]["contacts"], 27, "{p}");
    assert_eq!(p["preview"]["activity"], 27, "{p}");
    let job = confirm_and_wait(&t, &admin, &p).await;
    assert_eq!(job["total"], 27, "{job}");
    assert_eq!(job["kind"], "contacts", "{job}");
    assert_eq!(job["action"], "anonymize", "{job}");
    for id in &ids {
        let expect = !excluded.contains(&id);
        assert_eq!(anonymized(&t, &admin, id).await, expect, "{id}");
    }
    for id in &outside {
        assert!(!anonymized(&t, &admin, id).await);
    }
    assert_eq!(
        total(
            &t,
            &admin,
            &format!("/api/v1/contacts?supplier={tag}&anonymized=true")
        )
        .await,
        27
    );
    // The job list: newest first, with the outcome.
    let (s, v) = t.get("/api/v1/erasures", &admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["items"][0]["id"], job["id"], "{v}");
    assert_eq!(v["items"][0]["status"], "done", "{v}");
    assert_eq!(v["items"][0]["done"], 27, "{v}");
}

#[tokio::test]
async fn contacts_list_select_all_minus_exclusions_deletes_exactly_that() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let tag = new_tag();
    let ids = prospects(&t, &admin, 25, &tag).await;
    let excluded = [&ids[0], &ids[12]];
    let p = preview(
        &t,
        &admin,
        "delete",
        json!({"contacts_filter": {"supplier": tag}, "exclude": excluded}),
    )
    .await;
    assert_eq!(p["preview"]["contacts"], 23, "{p}");
    let job = confirm_and_wait(&t, &admin, &p).await;
    assert_eq!(job["done"], 23, "{job}");
    assert_eq!(
        total(&t, &admin, &format!("/api/v1/contacts?supplier={tag}")).await,
        2
    );
    for id in &ids {
        let there = exists(&t, &admin, &format!("/api/v1/contacts/{id}")).await;
        assert_eq!(there, excluded.contains(&id), "{id}");
    }
}

#[tokio::test]
async fn projects_list_select_all_minus_exclusions_deletes_exactly_those_projects() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let tag = new_tag();
    let contacts = prospects(&t, &admin, 12, &tag).await;
    let mut projects = Vec::new();
    for c in &contacts {
        for _ in 0..2 {
            projects.push(project(&t, &admin, c, &tag).await);
        }
    }
    let excluded = [&projects[1], &projects[10], &projects[23]];
    let p = preview(
        &t,
        &admin,
        "delete",
        json!({"projects_filter": {"supplier": tag}, "exclude": excluded}),
    )
    .await;
    assert_eq!(p["preview"]["projects"], 21, "{p}");
    assert_eq!(p["preview"]["contacts"], 0, "{p}");
    let job = confirm_and_wait(&t, &admin, &p).await;
    assert_eq!(job["kind"], "projects", "{job}");
    assert_eq!(job["done"], 21, "{job}");
    assert_eq!(
        total(&t, &admin, &format!("/api/v1/projects?supplier={tag}")).await,
        3
    );
    for id in &projects {
        let there = exists(&t, &admin, &format!("/api/v1/projects/{id}")).await;
        assert_eq!(there, excluded.contains(&id), "{id}");
    }
    // The contacts stay, untouched.
    assert_eq!(
        total(&t, &admin, &format!("/api/v1/contacts?supplier={tag}")).await,
        12
    );
    for c in &contacts {
        assert!(!anonymized(&t, &admin, c).await);
    }
}

#[tokio::test]
async fn projects_list_select_all_minus_exclusions_anonymizes_their_contacts() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let tag = new_tag();
    let contacts = prospects(&t, &admin, 24, &tag).await;
    let mut projects = Vec::new();
    for c in &contacts {
        projects.push(project(&t, &admin, c, &tag).await);
    }
    // Excluding a project spares its contact (its only project).
    let excluded = [&projects[5], &projects[6]];
    let p = preview(
        &t,
        &admin,
        "anonymize",
        json!({"projects_filter": {"supplier": tag}, "exclude": excluded}),
    )
    .await;
    assert_eq!(p["preview"]["contacts"], 22, "{p}");
    assert_eq!(p["preview"]["projects"], 22, "{p}");
    let job = confirm_and_wait(&t, &admin, &p).await;
    assert_eq!(job["kind"], "contacts", "{job}");
    assert_eq!(job["done"], 22, "{job}");
    for (i, c) in contacts.iter().enumerate() {
        assert_eq!(
            anonymized(&t, &admin, c).await,
            i != 5 && i != 6,
            "contact {i}"
        );
    }
    // Projects are kept (statistics), their comment blanked.
    let (_, v) = t
        .get(&format!("/api/v1/projects/{}", projects[0]), &admin)
        .await;
    assert!(v["comment"].is_null(), "{v}");
    let (_, v) = t
        .get(&format!("/api/v1/projects/{}", projects[5]), &admin)
        .await;
    assert_eq!(v["comment"], "à rappeler", "{v}");
}

#[tokio::test]
async fn records_that_match_only_after_the_preview_are_not_erased() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let tag = new_tag();
    let ids = prospects(&t, &admin, 25, &tag).await;
    let changed = prospects(&t, &admin, 1, "Autre fournisseur")
        .await
        .remove(0);
    let p = preview(
        &t,
        &admin,
        "anonymize",
        json!({"contacts_filter": {"supplier": tag}, "exclude": []}),
    )
    .await;
    let counted = p["preview"]["contacts"].as_i64().expect("count");
    assert_eq!(counted, 25, "{p}");
    // Between preview and confirm: one contact is created matching the filter, another
    // is changed so that it matches.
    let late = prospects(&t, &admin, 1, &tag).await.remove(0);
    let (s, v) = t
        .patch(
            &format!("/api/v1/contacts/{changed}"),
            &admin,
            json!({"supplier": tag}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        total(&t, &admin, &format!("/api/v1/contacts?supplier={tag}")).await,
        27
    );
    let job = confirm_and_wait(&t, &admin, &p).await;
    assert_eq!(job["total"], counted, "{job}");
    assert_eq!(job["done"], counted, "{job}");
    assert!(!anonymized(&t, &admin, &late).await);
    assert!(!anonymized(&t, &admin, &changed).await);
    for id in &ids {
        assert!(anonymized(&t, &admin, id).await, "{id}");
    }
    assert_eq!(
        total(
            &t,
            &admin,
            &format!("/api/v1/contacts?supplier={tag}&anonymized=true")
        )
        .await,
        counted
    );
}

#[tokio::test]
async fn the_job_list_is_for_admins_and_deputies_newest_first_and_paginated() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let mut jobs = Vec::new();
    for _ in 0..3 {
        let tag = new_tag();
        prospects(&t, &admin, 2, &tag).await;
        let p = preview(
            &t,
            &admin,
            "anonymize",
            json!({"contacts_filter": {"supplier": tag}, "exclude": []}),
        )
        .await;
        jobs.push(id_of(&confirm_and_wait(&t, &admin, &p).await));
    }
    // A preview never confirmed is not a job.
    let tag = new_tag();
    prospects(&t, &admin, 1, &tag).await;
    let unconfirmed = preview(
        &t,
        &admin,
        "anonymize",
        json!({"contacts_filter": {"supplier": tag}, "exclude": []}),
    )
    .await;
    let (s, page1) = t.get("/api/v1/erasures?limit=2", &admin).await;
    assert_eq!(s, StatusCode::OK, "{page1}");
    assert_eq!(page1["total"], 3, "{page1}");
    let next = page1["next"].as_str().expect("next cursor");
    let (s, page2) = t
        .get(&format!("/api/v1/erasures?limit=2&after={next}"), &admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{page2}");
    assert!(page2["next"].is_null(), "{page2}");
    let listed: Vec<String> = page1["items"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(page2["items"].as_array().into_iter().flatten())
        .map(id_of)
        .collect();
    let mut newest_first = jobs.clone();
    newest_first.reverse();
    assert_eq!(listed, newest_first);
    assert!(!listed.contains(&id_of(&unconfirmed)));
    let (s, v) = t.get("/api/v1/erasures?status=done", &admin).await;
    assert_eq!((s, v["total"].as_i64()), (StatusCode::OK, Some(3)), "{v}");
    let (s, v) = t.get("/api/v1/erasures?status=running", &admin).await;
    assert_eq!((s, v["total"].as_i64()), (StatusCode::OK, Some(0)), "{v}");
    let (s, v) = t.get("/api/v1/erasures?status=perdu", &admin).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["status"].is_string(), "{v}");
    let (s, v) = t.get("/api/v1/erasures?after=n'importe", &admin).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let deputy = t.login("suppleant@demo.fr").await;
    let (s, v) = t.get("/api/v1/erasures", &deputy).await;
    assert_eq!((s, v["total"].as_i64()), (StatusCode::OK, Some(3)), "{v}");
    for who in ["chef@demo.fr", "commercial1@demo.fr"] {
        let c = t.login(who).await;
        let (s, _) = t.get("/api/v1/erasures", &c).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
    }
    // Another cabinet sees none of them.
    let witness = t.login("admin@temoin.fr").await;
    let (s, v) = t.get("/api/v1/erasures", &witness).await;
    assert_eq!((s, v["total"].as_i64()), (StatusCode::OK, Some(0)), "{v}");
    let (s, _) = t
        .get(&format!("/api/v1/erasures/{}", jobs[0]), &witness)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// Two server instances (two connection pools on one database, each with its own
/// worker) process the same job at once: every member is processed exactly once.
/// On PostgreSQL the claims (`FOR UPDATE SKIP LOCKED`) are what keeps the workers
/// apart; without them both would take the same first rows and each contact would get
/// two audit entries.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_database_never_process_the_same_member() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let tag = new_tag();
    let n = 120;
    let ids = prospects(&t, &admin, n, &tag).await;
    let p = preview(
        &t,
        &admin,
        "anonymize",
        json!({"contacts_filter": {"supplier": tag}, "exclude": []}),
    )
    .await;
    let eid = id_of(&p);
    assert!(eid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'));
    // Confirmed by some instance, not started yet.
    t.state
        .db
        .raw(&format!(
            "UPDATE erasures SET status = 'pending', token_hash = NULL WHERE id = '{eid}'"
        ))
        .await
        .expect("confirm");
    let other = t.same_database().await;
    let blobs = t.dir.path().join("blobs");
    let (a, b) = tokio::join!(
        oubli_server::erasure::run_batches(&t.state.db, &blobs, &eid, 7),
        oubli_server::erasure::run_batches(&other, &blobs, &eid, 7),
    );
    let (a, b) = (a.expect("instance A"), b.expect("instance B"));
    assert_eq!(a + b, n, "members processed: {a} + {b}");
    println!("instance A processed {a} members, instance B {b}");
    let job = t.wait_job(&admin, &eid).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["done"], n, "{job}");
    // One audit entry per contact, and the hash chain is intact.
    let mut per: BTreeMap<String, usize> = BTreeMap::new();
    let mut after = String::new();
    loop {
        let path = if after.is_empty() {
            "/api/v1/audit?limit=500".to_string()
        } else {
            format!("/api/v1/audit?limit=500&after={after}")
        };
        let (s, v) = t.get(&path, &admin).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        for e in v["items"].as_array().into_iter().flatten() {
            if e["action"] == "contact.anonymize" {
                *per.entry(e["target_id"].as_str().unwrap_or("").to_string())
                    .or_insert(0) += 1;
            }
        }
        match v["next"].as_str() {
            Some(c) => after = c.to_string(),
            None => break,
        }
    }
    for id in &ids {
        assert_eq!(per.get(id), Some(&1), "{id}");
    }
    assert_eq!(per.len(), n);
    let verified = oubli_server::audit::verify(&t.state.db)
        .await
        .expect("verify");
    assert!(verified.is_ok(), "audit chain broken: {verified:?}");
    assert_eq!(
        total(
            &t,
            &admin,
            &format!("/api/v1/contacts?supplier={tag}&anonymized=true")
        )
        .await,
        n as i64
    );
    other.close().await;
}

/// A preview never confirmed: once its token has long expired, its stored set of ids is
/// purged by the worker's pass (the erasure row stays, and can never be confirmed);
/// a live preview's set is kept.
#[tokio::test]
async fn the_member_set_of_a_preview_never_confirmed_is_purged_after_expiry() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let tag = new_tag();
    prospects(&t, &admin, 3, &tag).await;
    let target = json!({"contacts_filter": {"supplier": tag}, "exclude": []});
    let old = preview(&t, &admin, "anonymize", target.clone()).await;
    let live = preview(&t, &admin, "anonymize", target).await;
    let (old_id, live_id) = (id_of(&old), id_of(&live));
    let chunks = |id: String| {
        let db = t.state.db.clone();
        async move {
            let mut q = Query::select();
            q.expr(Expr::cust("COUNT(*)"))
                .from(Alias::new("erasure_chunks"))
                .and_where(Expr::col(Alias::new("erasure_id")).eq(id));
            let mut tx = db.read().await.expect("read");
            tx.int(&q).await.expect("count")
        }
    };
    assert_eq!(chunks(old_id.clone()).await, 1);
    // Expired two hours ago.
    t.state
        .db
        .raw(&format!(
            "UPDATE erasures SET expires_at = expires_at - 7800000 WHERE id = '{old_id}'"
        ))
        .await
        .expect("age");
    let purged = oubli_server::erasure::purge_expired_previews(&t.state.db)
        .await
        .expect("purge");
    assert!(purged >= 1, "{purged}");
    assert_eq!(chunks(old_id.clone()).await, 0);
    assert_eq!(chunks(live_id).await, 1, "a live preview keeps its set");
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{old_id}/confirm"),
            &admin,
            json!({"confirm_token": old["confirm_token"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, v) = t.get(&format!("/api/v1/erasures/{old_id}"), &admin).await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("previewed")),
        "{v}"
    );
}
