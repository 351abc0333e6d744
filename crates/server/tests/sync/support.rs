//! Calls of `/sync` and the lists they are compared with.

use crate::common::TestApp;
pub use crate::common::{api, id_of};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

pub const BAD_CURSOR: &str = "Curseur de synchronisation invalide.";
pub const BAD_LIMIT: &str = "La taille de lot doit être comprise entre 1 et 500.";

/// `GET /sync` with an optional cursor and limit; asserts 200.
pub async fn sync(t: &TestApp, token: &str, since: Option<&str>, limit: Option<usize>) -> Value {
    let mut q = Vec::new();
    if let Some(s) = since {
        q.push(format!("since={s}"));
    }
    if let Some(l) = limit {
        q.push(format!("limit={l}"));
    }
    let path = if q.is_empty() {
        api("/sync")
    } else {
        api(&format!("/sync?{}", q.join("&")))
    };
    let (s, v) = t.get(&path, token).await;
    assert_eq!(s, StatusCode::OK, "{path}: {v}");
    for k in ["upserts", "tombstones"] {
        assert!(v[k].is_array(), "{k}: {v}");
    }
    assert!(v["cursor"].is_string() && v["more"].is_boolean() && v["reset"].is_boolean());
    v
}

pub fn cursor(v: &Value) -> String {
    v["cursor"].as_str().expect("cursor").to_string()
}

/// The sequence number a cursor carries.
pub fn seq(cursor: &str) -> i64 {
    cursor
        .split_once('.')
        .and_then(|(s, _)| s.parse().ok())
        .unwrap_or_else(|| panic!("cursor {cursor}"))
}

pub use crate::common::ids;

pub fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_str().expect("string").to_string())
        .collect()
}

pub fn set<S: AsRef<str>>(v: &[S]) -> BTreeSet<String> {
    v.iter().map(|s| s.as_ref().to_string()).collect()
}

/// A whole sync from no cursor, following `more`: the ids received and the last cursor.
pub async fn sync_all(t: &TestApp, token: &str, limit: Option<usize>) -> (Vec<String>, String) {
    let mut got = Vec::new();
    let mut since: Option<String> = None;
    for _ in 0..1000 {
        let v = sync(t, token, since.as_deref(), limit).await;
        assert_eq!(v["reset"], false, "{v}");
        got.extend(ids(&v["upserts"]));
        since = Some(cursor(&v));
        if v["more"] == false {
            return (got, since.unwrap_or_default());
        }
    }
    panic!("sync did not end");
}

/// The ids the contact list gives `token`'s user (every page).
pub async fn list_ids(t: &TestApp, token: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            None => api("/contacts?limit=500"),
            Some(a) => api(&format!("/contacts?limit=500&after={a}")),
        };
        let (s, v) = t.get(&path, token).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        out.extend(ids(&v["items"]));
        match v["next"].as_str() {
            Some(n) => after = Some(n.to_string()),
            None => return out,
        }
    }
}

/// Posts `body` and asserts 201; returns the id.
pub async fn create(t: &TestApp, token: &str, path: &str, body: Value) -> String {
    let (s, v) = t.post(&api(path), token, body).await;
    assert_eq!(s, StatusCode::CREATED, "{path}: {v}");
    id_of(&v)
}

/// A contact of `token`'s user (or of `owner`), with a note.
pub async fn contact_with_note(
    t: &TestApp,
    token: &str,
    name: &str,
    owner: Option<&str>,
) -> String {
    let mut body = json!({ "last_name": name });
    if let Some(o) = owner {
        body["assigned_to"] = o.into();
    }
    let c = t.contact(token, body).await;
    create(
        t,
        token,
        &format!("/contacts/{c}/notes"),
        json!({"body": "Rappeler"}),
    )
    .await;
    c
}

/// `PATCH /users/{id}` as the administrator; asserts 200.
pub async fn patch_user(t: &TestApp, admin: &str, user: &str, body: Value) {
    let (s, v) = t.patch(&api(&format!("/users/{user}")), admin, body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

/// Logs in with a given password; returns the session token.
pub async fn login_with(t: &TestApp, email: &str, password: &str) -> String {
    t.login_with(email, password).await
}

/// A GET with the session cookie and extra headers; status, headers, raw body.
pub async fn get_raw(
    t: &TestApp,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut b = Request::builder().method(Method::GET).uri(path);
    if let Some(c) = token {
        b = b.header(header::COOKIE, format!("oubli_session={c}"));
    }
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    t.send_raw(b.body(Body::empty()).expect("request")).await
}

/// Anonymizes `contacts` through the erasure flow (preview, then confirm) as `admin`.
pub async fn anonymize(t: &TestApp, admin: &str, contacts: &[&str]) {
    let (s, p) = t
        .post(
            &api("/erasures"),
            admin,
            json!({"action": "anonymize", "target": {"contacts": contacts}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let id = id_of(&p);
    let (s, v) = t
        .post(
            &api(&format!("/erasures/{id}/confirm")),
            admin,
            json!({"confirm_token": p["confirm_token"]}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let done = if v["status"] == "done" {
        v
    } else {
        t.wait_job(admin, &id).await
    };
    assert_eq!(done["status"], "done", "{done}");
}
