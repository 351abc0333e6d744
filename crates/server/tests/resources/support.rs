//! Helpers shared by several subjects: error messages and valid identifiers, ids and
//! sets, checks of error bodies, hand-built requests, multipart uploads, files on disk.

use crate::common::TestApp;
pub use crate::common::{files_under, id_of, raw_sql};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub const TYPE_MSG: &str = "Valeur de type incorrect ou champ inconnu.";

pub const INVALID_MSG: &str = "Certains champs sont invalides.";

pub const NOT_FOUND_MSG: &str = "Élément introuvable.";

pub const UNAUTHORIZED_MSG: &str = "Vous devez être connecté.";

pub const CURSOR_MSG: &str = "Curseur de pagination invalide.";

pub const LIMIT_MSG: &str = "La taille de page doit être comprise entre 1 et 500.";

pub const NIR_ONLY_HEALTH: &str =
    "Le n° de sécurité sociale n'est conservé que pour la santé et la prévoyance.";

// Valid identifiers (checked by the domain's own tables).
pub const NIR_OK: &str = "1 85 05 78 006 084 91";

pub const NIR_OK_COMPACT: &str = "185057800608491";

pub const IBAN_OK: &str = "fr76 3000 6000 0112 3456 7890 189";

/// Milliseconds since the epoch of a UTC midnight.
pub fn ms(y: i32, m: u32, d: u32) -> i64 {
    chrono::NaiveDate::from_ymd_opt(y, m, d)
        .expect("date")
        .and_hms_opt(0, 0, 0)
        .expect("time")
        .and_utc()
        .timestamp_millis()
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub async fn set_created(t: &TestApp, table: &str, id: &str, at: i64) {
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'));
    raw_sql(
        t,
        &format!("UPDATE {table} SET created_at = {at} WHERE id = '{id}'"),
    )
    .await;
}

pub use crate::common::ids;

#[track_caller]
pub fn assert_err(s: StatusCode, v: &Value, status: StatusCode, code: &str, message: &str) {
    assert_eq!(s, status, "{v}");
    assert_eq!(v["error"]["code"], code, "{v}");
    assert_eq!(v["error"]["message"], message, "{v}");
}

#[track_caller]
pub fn assert_invalid(s: StatusCode, v: &Value, field: &str, message: &str) {
    assert_err(
        s,
        v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        INVALID_MSG,
    );
    assert_eq!(v["error"]["fields"][field], message, "field {field}: {v}");
}

#[track_caller]
pub fn assert_not_found(s: StatusCode, v: &Value) {
    assert_err(s, v, StatusCode::NOT_FOUND, "not_found", NOT_FOUND_MSG);
}

/// A request built by hand (no JSON helper, optional CSRF header).
pub fn request(
    method: Method,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(tk) = token {
        b = b.header(header::COOKIE, format!("oubli_session={tk}"));
    }
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::from(body)).expect("request")
}

pub const BOUNDARY: &str = "----oubli-test-boundary-7MA4YWxkTrZu0gW";

/// One multipart field: name, `Some((file name, content type))` for a file, bytes.
pub type Part<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [u8]);

/// A multipart/form-data body with [`BOUNDARY`].
pub fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, file, bytes) in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some((fname, ctype)) => out.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{fname}\"\r\nContent-Type: {ctype}\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => out.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

pub async fn upload(t: &TestApp, token: &str, contact: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let ctype = format!("multipart/form-data; boundary={BOUNDARY}");
    t.send(request(
        Method::POST,
        &format!("/api/v1/contacts/{contact}/documents"),
        Some(token),
        &[
            ("x-oubli-request", "1"),
            (header::CONTENT_TYPE.as_str(), ctype.as_str()),
        ],
        body,
    ))
    .await
}

pub async fn total(t: &TestApp, token: &str, path: &str) -> i64 {
    let (s, v) = t.get(path, token).await;
    assert_eq!(s, StatusCode::OK, "{path}: {v}");
    v["total"].as_i64().unwrap_or_else(|| panic!("{path}: {v}"))
}

pub async fn project(t: &TestApp, token: &str, body: Value) -> String {
    let (s, v) = t.post("/api/v1/projects", token, body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    id_of(&v)
}

pub async fn contract(t: &TestApp, token: &str, body: Value) -> String {
    let (s, v) = t.post("/api/v1/contracts", token, body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    id_of(&v)
}

pub fn date_time(v: &Value) -> chrono::DateTime<chrono::Utc> {
    v.as_str()
        .unwrap_or_else(|| panic!("not a time: {v}"))
        .parse()
        .unwrap_or_else(|e| panic!("not RFC 3339 ({e}): {v}"))
}

/// Soft assertions, so one run reports every filter that is wrong.
#[derive(Default)]
pub struct Checks(Vec<String>);

impl Checks {
    pub fn eq(&mut self, what: &str, got: Vec<String>, want: &[&str]) {
        let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        if got != want {
            self.0
                .push(format!("{what}: got {got:?}, expected {want:?}"));
        }
    }
    pub fn finish(self) {
        assert!(self.0.is_empty(), "\n{}", self.0.join("\n"));
    }
}

/// The labels of every item a (single-page) list returns, sorted; checks `total`.
pub async fn labels(
    t: &TestApp,
    token: &str,
    path: &str,
    names: &BTreeMap<String, String>,
) -> Vec<String> {
    let (s, v) = t.get(path, token).await;
    if s != StatusCode::OK {
        return vec![format!("HTTP {s}: {v}")];
    }
    let items = v["items"].as_array().expect("items");
    let mut out: Vec<String> = items
        .iter()
        .map(|i| {
            let id = i["id"].as_str().unwrap_or_default();
            names.get(id).cloned().unwrap_or_else(|| format!("?{id}"))
        })
        .collect();
    if v["total"].as_i64() != Some(items.len() as i64) {
        out.push(format!("total={} for {} items", v["total"], items.len()));
    }
    if !v["next"].is_null() {
        out.push("next not null".into());
    }
    out.sort();
    out
}

/// Élodie Durand (a last name and an email), created as `token`'s user; her id.
pub async fn durand(t: &TestApp, token: &str) -> String {
    t.contact(
        token,
        json!({"last_name": "Durand", "email": "elodie.durand@exemple.fr"}),
    )
    .await
}
