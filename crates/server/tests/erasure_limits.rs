//! Bounds on erasure previews and requests (issue 14 item 5): a user's open previews
//! are capped (a new one replaces the oldest, whose stored set goes at once), previews
//! and requests are rate-limited per user (429, `Retry-After`, nothing written), and
//! the list of requests is paginated like every list of API.md.

mod common;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use common::TestApp;
use oubli_server::erasure::{OPEN_PREVIEWS, PREVIEWS_PER_MINUTE, REQUESTS_PER_MINUTE};
use sea_query::{Alias, Expr, Query};
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn n(s: &str) -> Alias {
    Alias::new(s)
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

/// A supplier name no other test uses, so that a filter selects this test's contacts.
fn new_tag() -> String {
    format!("Lim-{}", &uuid::Uuid::new_v4().simple().to_string()[..10])
}

async fn contacts(t: &TestApp, cookie: &str, k: usize, tag: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..k {
        ids.push(
            t.contact(
                cookie,
                json!({"first_name": format!("Prénom{i}"), "last_name": format!("Nom{i}"),
                       "status": "prospect", "supplier": tag}),
            )
            .await,
        );
    }
    ids
}

/// A POST whose headers matter (`Retry-After`).
async fn post_raw(
    t: &TestApp,
    path: &str,
    cookie: &str,
    body: Value,
) -> (StatusCode, HeaderMap, Value) {
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("x-oubli-request", "1")
        .header(header::COOKIE, format!("oubli_session={cookie}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let (s, h, b) = t.send_raw(req).await;
    (s, h, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

async fn count(t: &TestApp, q: &sea_query::SelectStatement) -> i64 {
    let mut tx = t.state.db.read().await.expect("read");
    let k = tx.int(q).await.expect("count");
    tx.commit().await.expect("commit");
    k
}

/// The user's previews whose token can still confirm them.
async fn open_previews(t: &TestApp, user: &str) -> i64 {
    let mut q = Query::select();
    q.expr(Expr::cust("COUNT(*)"))
        .from(n("erasures"))
        .and_where(Expr::col(n("actor_user_id")).eq(user))
        .and_where(Expr::col(n("status")).eq("previewed"))
        .and_where(Expr::col(n("token_hash")).is_not_null());
    count(t, &q).await
}

/// The user's previews that still have a stored member set.
async fn stored_sets(t: &TestApp, user: &str) -> i64 {
    let mut mine = Query::select();
    mine.column(n("id"))
        .from(n("erasures"))
        .and_where(Expr::col(n("actor_user_id")).eq(user))
        .and_where(Expr::col(n("status")).eq("previewed"));
    let mut q = Query::select();
    q.expr(Expr::cust("COUNT(DISTINCT erasure_id)"))
        .from(n("erasure_chunks"))
        .and_where(Expr::col(n("erasure_id")).in_subquery(mine));
    count(t, &q).await
}

async fn chunks_of(t: &TestApp, erasure_id: &str) -> i64 {
    let mut q = Query::select();
    q.expr(Expr::cust("COUNT(*)"))
        .from(n("erasure_chunks"))
        .and_where(Expr::col(n("erasure_id")).eq(erasure_id));
    count(t, &q).await
}

async fn preview(t: &TestApp, cookie: &str, target: Value) -> Value {
    let (s, v) = t
        .post(
            "/api/v1/erasures",
            cookie,
            json!({"action": "anonymize", "target": target}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

async fn confirm(t: &TestApp, cookie: &str, p: &Value) -> (StatusCode, Value) {
    t.post(
        &format!("/api/v1/erasures/{}/confirm", id_of(p)),
        cookie,
        json!({"confirm_token": p["confirm_token"]}),
    )
    .await
}

#[tokio::test]
async fn a_preview_beyond_the_cap_replaces_the_oldest_and_deletes_its_set() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let deputy = t.login("suppleant@demo.fr").await;
    let tag = new_tag();
    let ids = contacts(&t, &admin, 3, &tag).await;
    let selection = json!({"contacts_filter": {"supplier": tag}});
    // Another user's open preview is not theirs to replace.
    let other = preview(&t, &deputy, selection.clone()).await;
    let cap = OPEN_PREVIEWS as usize;
    let mut made = Vec::new();
    for k in 0..cap + 2 {
        let p = preview(&t, &admin, selection.clone()).await;
        assert_eq!(p["preview"]["contacts"], 3, "{p}");
        made.push(p);
        let open = open_previews(&t, &t.acc.admin).await;
        let sets = stored_sets(&t, &t.acc.admin).await;
        assert_eq!(
            open,
            (k + 1).min(cap) as i64,
            "open previews after {}",
            k + 1
        );
        assert!(sets <= OPEN_PREVIEWS, "{sets} stored sets after {}", k + 1);
    }
    // The two oldest were replaced: their sets are gone, their confirmation refused.
    for old in &made[..2] {
        assert_eq!(chunks_of(&t, &id_of(old)).await, 0, "{old}");
        let (s, v) = confirm(&t, &admin, old).await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert_eq!(v["error"]["code"], "invalid_token", "{v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("remplacé"),
            "{v}"
        );
    }
    for kept in &made[2..] {
        assert!(chunks_of(&t, &id_of(kept)).await > 0, "{kept}");
    }
    assert_eq!(open_previews(&t, &t.acc.deputy).await, 1);
    assert!(chunks_of(&t, &id_of(&other)).await > 0);
    // The newest works.
    let newest = made.last().expect("previews");
    let (s, v) = confirm(&t, &admin, newest).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let job = t.wait_job(&admin, &id_of(newest)).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["done"], 3, "{job}");
    for id in &ids {
        let (s, d) = t.get(&format!("/api/v1/contacts/{id}"), &admin).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        assert!(d["anonymized_at"].is_string(), "{d}");
    }
}

#[tokio::test]
async fn previews_beyond_the_rate_are_429_with_retry_after_and_write_nothing() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let deputy = t.login("suppleant@demo.fr").await;
    let tag = new_tag();
    let ids = contacts(&t, &admin, 1, &tag).await;
    let one = json!({"contacts": [ids[0]]});
    for _ in 0..PREVIEWS_PER_MINUTE {
        preview(&t, &admin, one.clone()).await;
    }
    let tables = ["erasures", "erasure_chunks", "audit_log"];
    let mut before = Vec::new();
    for table in tables {
        before.push(t.rows(table).await);
    }
    let (s, h, v) = post_raw(
        &t,
        "/api/v1/erasures",
        &admin,
        json!({"action": "anonymize", "target": one}),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert_eq!(v["error"]["code"], "rate_limited", "{v}");
    let message = v["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("Trop d'aperçus"), "{v}");
    let wait: u64 = h
        .get(header::RETRY_AFTER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&wait), "{wait}");
    // A deletion through DELETE /contacts/{id} is an erasure too: refused the same way.
    let (s, v) = t
        .delete(&format!("/api/v1/contacts/{}", ids[0]), &admin)
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    let (s, _) = t.get(&format!("/api/v1/contacts/{}", ids[0]), &admin).await;
    assert_eq!(s, StatusCode::OK, "still there");
    let mut after = Vec::new();
    for table in tables {
        after.push(t.rows(table).await);
    }
    assert_eq!(before, after, "{tables:?}: nothing written");
    // The limit is the user's: the deputy previews as usual.
    preview(&t, &deputy, one.clone()).await;
}

#[tokio::test]
async fn requests_beyond_the_rate_are_429_with_retry_after_and_write_nothing() {
    let t = TestApp::new().await;
    let sales = t.login("commercial1@demo.fr").await;
    let other = t.login("commercial2@demo.fr").await;
    let tag = new_tag();
    let ids = contacts(&t, &sales, REQUESTS_PER_MINUTE as usize + 1, &tag).await;
    for id in &ids[..REQUESTS_PER_MINUTE as usize] {
        let (s, v) = t
            .post(
                "/api/v1/erasure-requests",
                &sales,
                json!({"action": "anonymize", "target": {"contacts": [id]}, "reason": "Demande du client"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let tables = ["erasure_requests", "erasure_request_members", "audit_log"];
    let mut before = Vec::new();
    for table in tables {
        before.push(t.rows(table).await);
    }
    let last = &ids[REQUESTS_PER_MINUTE as usize];
    for target in [
        json!({"contacts": [last]}),
        json!({"contacts_filter": {"supplier": tag}}),
    ] {
        let (s, h, v) = post_raw(
            &t,
            "/api/v1/erasure-requests",
            &sales,
            json!({"action": "anonymize", "target": target, "reason": "Demande du client"}),
        )
        .await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
        assert_eq!(v["error"]["code"], "rate_limited", "{v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("Trop de demandes"),
            "{v}"
        );
        let wait: u64 = h
            .get(header::RETRY_AFTER)
            .and_then(|r| r.to_str().ok())
            .and_then(|r| r.parse().ok())
            .expect("Retry-After in seconds");
        assert!((1..=60).contains(&wait), "{wait}");
    }
    let mut after = Vec::new();
    for table in tables {
        after.push(t.rows(table).await);
    }
    assert_eq!(before, after, "{tables:?}: nothing written");
    // Another salesperson is not concerned.
    let theirs = contacts(&t, &other, 1, &new_tag()).await;
    let (s, v) = t
        .post(
            "/api/v1/erasure-requests",
            &other,
            json!({"action": "delete", "target": {"contacts": [theirs[0]]}, "reason": "Doublon"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

/// Every page of `GET /erasure-requests` as `cookie` sees it, `limit` at a time.
async fn walk(t: &TestApp, cookie: &str, limit: usize) -> (Vec<String>, i64) {
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..100 {
        let mut path = format!("/api/v1/erasure-requests?limit={limit}");
        if let Some(a) = &after {
            path.push_str(&format!("&after={a}"));
        }
        let (s, v) = t.get(&path, cookie).await;
        assert_eq!(s, StatusCode::OK, "{path}: {v}");
        let items = v["items"].as_array().expect("items");
        assert!(items.len() <= limit, "{v}");
        seen.extend(items.iter().map(id_of));
        let total = v["total"].as_i64().expect("total");
        match v["next"].as_str() {
            Some(next) => {
                assert_eq!(items.len(), limit, "a page with a next is full: {v}");
                after = Some(next.to_string());
            }
            None => return (seen, total),
        }
    }
    panic!("the pages never ended");
}

#[tokio::test]
async fn the_request_list_pages_without_duplicates_or_gaps() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let mut created = BTreeSet::new();
    let mut mine = BTreeSet::new();
    for (email, k) in [("commercial1@demo.fr", 7), ("commercial2@demo.fr", 6)] {
        let sales = t.login(email).await;
        for id in contacts(&t, &sales, k, &new_tag()).await {
            let (s, v) = t
                .post(
                    "/api/v1/erasure-requests",
                    &sales,
                    json!({"action": "delete", "target": {"contacts": [id]}, "reason": "Doublon"}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            created.insert(id_of(&v));
            if email == "commercial1@demo.fr" {
                mine.insert(id_of(&v));
            }
        }
    }
    // Ties on created_at are common (one millisecond): the id breaks them.
    t.state
        .db
        .raw("UPDATE erasure_requests SET created_at = 1700000000000 WHERE member_count = 1")
        .await
        .expect("same time");
    for limit in [1, 4, 5, 13, 50] {
        let (seen, total) = walk(&t, &admin, limit).await;
        assert_eq!(total, created.len() as i64);
        let distinct: BTreeSet<String> = seen.iter().cloned().collect();
        assert_eq!(distinct.len(), seen.len(), "limit {limit}: a duplicate");
        assert_eq!(distinct, created, "limit {limit}: missing or extra");
    }
    // A salesperson pages through their own only.
    let sales = t.login("commercial1@demo.fr").await;
    let (seen, total) = walk(&t, &sales, 3).await;
    assert_eq!(total, mine.len() as i64);
    assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), mine);
    // A bad limit is 422 on the field, in French; a bad cursor 400.
    for bad in ["0", "501", "abc", "-3"] {
        let (s, v) = t
            .get(&format!("/api/v1/erasure-requests?limit={bad}"), &admin)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
        assert_eq!(v["error"]["code"], "invalid", "{v}");
        assert_eq!(
            v["error"]["fields"]["limit"], "La taille de page doit être comprise entre 1 et 500.",
            "{v}"
        );
    }
    let (s, v) = t
        .get("/api/v1/erasure-requests?after=pas-un-curseur", &admin)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["code"], "bad_request", "{v}");
}
