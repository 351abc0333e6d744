//! Test harness: a real database per test (a fresh SQLite file, or a fresh PostgreSQL
//! database when DATABASE_URL points at a server), the demo accounts, and helpers to
//! call the router directly.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use oubli_server::db::Db;
use oubli_server::seed::{self, Accounts};
use oubli_server::{app, AppState, Config};
use serde_json::Value;
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub acc: Accounts,
    pub dir: tempfile::TempDir,
}

/// A Postgres database of the test's own, created on the server of DATABASE_URL.
pub async fn pg_database(base: &str) -> String {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let name = format!("oubli_t_{}", uuid::Uuid::new_v4().simple());
    let mut c = sqlx::AnyConnection::connect(base)
        .await
        .expect("connect to DATABASE_URL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut c)
        .await
        .expect("create test database");
    c.close().await.ok();
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("DATABASE_URL has a database name");
    format!("{prefix}/{name}")
}

pub fn backend_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_config(|_| {}).await
    }

    pub async fn with_config(f: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = match backend_url() {
            Some(base) => Some(pg_database(&base).await),
            None => None,
        };
        let db = Db::connect(url.as_deref(), dir.path())
            .await
            .expect("open database");
        let acc = seed::accounts(&db).await.expect("seed accounts");
        let mut cfg = Config::new(dir.path().to_path_buf());
        f(&mut cfg);
        let state = AppState::new(db, cfg);
        TestApp {
            router: app(state.clone()),
            state,
            acc,
            dir,
        }
    }

    /// Sends a request; `cookie` is a session token from [`TestApp::login`].
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        cookie: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut b = Request::builder()
            .method(method.clone())
            .uri(path)
            .header("x-oubli-request", "1");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, format!("oubli_session={c}"));
        }
        self.send(with_json(b, body)).await
    }

    /// Sends a prepared request, returns status and JSON body (Null when empty or not JSON).
    pub async fn send(&self, req: Request<Body>) -> (StatusCode, Value) {
        let (status, _, bytes) = self.send_raw(req).await;
        let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, v)
    }

    pub async fn send_raw(
        &self,
        req: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let resp = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        (status, headers, bytes)
    }

    pub async fn get(&self, path: &str, cookie: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(cookie), None).await
    }
    pub async fn post(&self, path: &str, cookie: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(cookie), Some(body))
            .await
    }
    pub async fn patch(&self, path: &str, cookie: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(cookie), Some(body))
            .await
    }
    pub async fn delete(&self, path: &str, cookie: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, Some(cookie), None).await
    }

    /// Logs in with the demo password; returns the session token.
    pub async fn login(&self, email: &str) -> String {
        self.login_with(email, seed::DEMO_PASSWORD).await
    }

    /// Logs in with `password`; returns the session token.
    pub async fn login_with(&self, email: &str, password: &str) -> String {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/session")
            .header("x-oubli-request", "1")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                serde_json::json!({"email": email, "password": password}).to_string(),
            ))
            .expect("request");
        let (status, headers, _) = self.send_raw(req).await;
        assert_eq!(status, StatusCode::OK, "login {email}");
        token_of(&headers)
    }

    /// Creates a contact as `cookie`'s user; returns its id.
    pub async fn contact(&self, cookie: &str, body: Value) -> String {
        let (s, v) = self.post("/api/v1/contacts", cookie, body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_str().expect("id").to_string()
    }
}

impl TestApp {
    /// Rows of a table, counted straight in the database (what a refused request must
    /// not have stored).
    pub async fn rows(&self, table: &'static str) -> i64 {
        let mut tx = self.state.db.read().await.expect("read");
        let q = sea_query::Query::select()
            .expr(sea_query::Expr::cust("COUNT(*)"))
            .from(sea_query::Alias::new(table))
            .to_owned();
        let n = tx.int(&q).await.expect("count");
        tx.commit().await.expect("commit");
        n
    }

    /// A second connection pool on this test's database, as another server instance
    /// sharing it would have (same SQLite file, or same PostgreSQL database).
    pub async fn same_database(&self) -> Db {
        let url = self.database_url().await;
        Db::connect(url.as_deref(), self.dir.path())
            .await
            .expect("second pool")
    }

    /// The URL of this test's PostgreSQL database (None on SQLite, whose file is in
    /// `dir`): for a second pool, or for the server binary run on the same data.
    pub async fn database_url(&self) -> Option<String> {
        let base = backend_url()?;
        let mut tx = self.state.db.read().await.expect("read");
        let q = sea_query::Query::select()
            .expr(sea_query::Expr::cust("CAST(current_database() AS TEXT)"))
            .to_owned();
        let (name,): (String,) = tx.opt(&q).await.expect("db name").expect("row");
        tx.commit().await.expect("commit");
        let (prefix, _) = base.rsplit_once('/').expect("database name");
        Some(format!("{prefix}/{name}"))
    }

    /// Polls `GET /erasures/{id}` until the job is done or failed (or 30 s).
    pub async fn wait_job(&self, cookie: &str, id: &str) -> Value {
        let mut last = Value::Null;
        for _ in 0..1200 {
            let (s, v) = self.get(&format!("/api/v1/erasures/{id}"), cookie).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            if v["status"] == "done" || v["status"] == "failed" {
                return v;
            }
            last = v;
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("erasure {id} did not finish: {last}");
    }
}

// ------------------------------------------------------------------ shared helpers

/// Kinds of activity (the `{kind}` of `/contacts/{id}/{kind}`).
pub const KINDS: [&str; 9] = [
    "events",
    "notes",
    "tasks",
    "appointments",
    "quotes",
    "advice_docs",
    "membership_forms",
    "documents",
    "messages",
];

/// `/api/v1` followed by `p`.
pub fn api(p: &str) -> String {
    format!("/api/v1{p}")
}

/// The ids of a JSON array of records.
pub fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {items}"))
        .iter()
        .map(id_of)
        .collect()
}

pub fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

/// The session token a response sets (its `Set-Cookie` header).
pub fn token_of(h: &axum::http::HeaderMap) -> String {
    h.get(header::SET_COOKIE)
        .expect("set-cookie")
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_string())
        .expect("token")
}

/// Runs `sql` on the test's database. Ids come from the API (UUIDs), so
/// interpolating them into SQL is safe here.
pub async fn raw_sql(t: &TestApp, sql: &str) {
    t.state.db.raw(sql).await.expect(sql);
}

/// Every file under `dir`, recursively, sorted.
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The request `b` builds, with `body` as its JSON body (or none).
pub fn with_json(b: axum::http::request::Builder, body: Option<Value>) -> Request<Body> {
    match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string())),
        None => b.body(Body::empty()),
    }
    .expect("request")
}
