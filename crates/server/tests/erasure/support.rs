//! Helpers shared by several subjects: ids, checks of error bodies, hand-built requests and
//! uploads, files on disk, and the erasure steps (preview, confirm).

use crate::common;
use crate::common::TestApp;
pub use crate::common::{files_under, id_of, raw_sql, KINDS};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};

pub const BOUNDARY: &str = "----oubli-erasure-boundary-Qm9yZ2V0";

pub fn hex12() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_string()
}

/// Ids come from the API (UUIDs), so interpolating them into SQL is safe here.
pub fn safe(id: &str) -> &str {
    assert!(
        id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
        "not an id: {id}"
    );
    id
}

#[track_caller]
pub fn assert_err(s: StatusCode, v: &Value, status: StatusCode, code: &str) {
    assert_eq!(s, status, "{v}");
    assert_eq!(v["error"]["code"], code, "{v}");
    let msg = v["error"]["message"].as_str().unwrap_or_default();
    assert!(!msg.is_empty(), "no message: {v}");
}

pub fn request(
    method: Method,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header("x-oubli-request", "1")
        .header(header::COOKIE, format!("oubli_session={token}"));
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::from(body)).expect("request")
}

/// A multipart/form-data body: a title and one file.
pub fn multipart(title: &str, file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n{title}\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(bytes);
    out.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    out
}

pub async fn upload(t: &TestApp, token: &str, contact: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let ctype = format!("multipart/form-data; boundary={BOUNDARY}");
    t.send(request(
        Method::POST,
        &format!("/api/v1/contacts/{contact}/documents"),
        token,
        &[(header::CONTENT_TYPE.as_str(), ctype.as_str())],
        body,
    ))
    .await
}

pub async fn created(t: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (s, v) = t.post(path, token, body).await;
    assert_eq!(s, StatusCode::CREATED, "{path}: {v}");
    v
}

pub fn is_sqlite() -> bool {
    common::backend_url().is_none()
}

/// Step one; returns the whole 201 body.
pub async fn preview(t: &TestApp, token: &str, action: &str, target: Value) -> Value {
    let (s, v) = t
        .post(
            "/api/v1/erasures",
            token,
            json!({"action": action, "target": target}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "preview {action} {target}: {v}");
    for k in [
        "contacts",
        "projects",
        "contracts",
        "documents",
        "messages",
        "activity",
    ] {
        assert!(v["preview"][k].is_i64(), "preview.{k}: {v}");
    }
    assert!(v["confirm_token"].as_str().is_some_and(|s| s.len() >= 16));
    assert!(v["expires_at"].is_string(), "{v}");
    assert_eq!(v["action"], action, "{v}");
    v
}

pub async fn confirm(t: &TestApp, token: &str, created: &Value) -> Value {
    let id = id_of(created);
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{id}/confirm"),
            token,
            json!({"confirm_token": created["confirm_token"]}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "confirm: {v}");
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["status"], "done", "{v}");
    assert_eq!(v["done"], v["total"], "{v}");
    v
}

/// Both steps as `token`; returns the preview body.
pub async fn erase(t: &TestApp, token: &str, action: &str, target: Value) -> Value {
    let p = preview(t, token, action, target).await;
    confirm(t, token, &p).await;
    p
}

pub async fn contact_detail(t: &TestApp, token: &str, id: &str) -> Value {
    let (s, v) = t.get(&format!("/api/v1/contacts/{id}"), token).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

pub async fn audit_items(t: &TestApp, admin: &str) -> Vec<Value> {
    let (s, v) = t.get("/api/v1/audit?limit=500", admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().expect("items").clone()
}

pub fn contains(hay: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    !n.is_empty() && hay.windows(n.len()).any(|w| w == n)
}

/// The markers found in the SQLite file, its WAL and the blob directory, with where.
pub fn on_disk(t: &TestApp, markers: &[String]) -> Vec<String> {
    let dir = t.dir.path();
    let mut files = vec![dir.join("oubli.db")];
    for extra in ["oubli.db-wal", "oubli.db-journal"] {
        if dir.join(extra).exists() {
            files.push(dir.join(extra));
        }
    }
    files.extend(files_under(&dir.join("blobs")));
    let mut hits = Vec::new();
    for f in files {
        let bytes = std::fs::read(&f).unwrap_or_default();
        for m in markers {
            if contains(&bytes, m) {
                hits.push(format!(
                    "{m} in {}",
                    f.strip_prefix(dir).unwrap_or(&f).display()
                ));
            }
        }
    }
    hits
}
