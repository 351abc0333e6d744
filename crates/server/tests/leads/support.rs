//! What the lead tests share: a cabinet with a current CGU and a widget, the public
//! calls (no cookie, no CSRF header), counts straight from the database.

use crate::common::TestApp;
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use serde_json::{json, Value};

/// The host site the test widgets allow.
pub const SITE: &str = "https://courtier.example";

pub struct Setup {
    pub admin: String,
    pub cgu_id: String,
    pub cgu_sha: String,
    pub widget_id: String,
    pub key: String,
}

/// An app whose forms may be sent at once (the minimum fill time has its own test).
pub async fn fast_app() -> TestApp {
    TestApp::with_config(|c| c.lead_min_fill_ms = 0).await
}

/// A current CGU and a lead form allowing [`SITE`], in the cabinet of `admin_email`.
pub async fn setup(t: &TestApp, admin_email: &str) -> Setup {
    let admin = t.login(admin_email).await;
    let (s, cgu) = t
        .post(
            "/api/v1/cgu-versions",
            &admin,
            json!({"title": "CGU", "text": "Conditions générales d'utilisation du formulaire."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{cgu}");
    let (s, w) = t
        .post(
            "/api/v1/widgets",
            &admin,
            json!({"kind": "lead_form", "name": "Site du cabinet", "allowed_origins": [SITE],
                   "project_type": "sante", "supplier": "Site web"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    Setup {
        admin,
        cgu_id: cgu["id"].as_str().unwrap().into(),
        cgu_sha: cgu["sha256"].as_str().unwrap().into(),
        widget_id: w["id"].as_str().unwrap().into(),
        key: w["key"].as_str().unwrap().into(),
    }
}

/// A public request: no cookie, no `X-Oubli-Request`.
pub fn public_request(
    method: Method,
    path: &str,
    origin: Option<&str>,
) -> axum::http::request::Builder {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(o) = origin {
        b = b.header(header::ORIGIN, o);
    }
    b
}

/// `GET /public/widgets/{key}`.
pub async fn definition(t: &TestApp, key: &str) -> (StatusCode, Value) {
    let req = Request::builder()
        .uri(format!("/api/v1/public/widgets/{key}"))
        .body(Body::empty())
        .unwrap();
    t.send(req).await
}

/// A valid submission for `email`, from the definition of the form.
pub async fn lead_for(t: &TestApp, key: &str, email: &str) -> Value {
    let (s, def) = definition(t, key).await;
    assert_eq!(s, StatusCode::OK, "{def}");
    json!({
        "contact": {"civility": "mme", "first_name": "Camille", "last_name": "Essai",
                    "email": email, "mobile_phone": "06 12 34 56 78", "postal_code": "69003"},
        "project": {"comment": "Une mutuelle pour la famille"},
        "household": [{"relation": "child", "birth_date": "2015-04-02"}],
        "cgu": {"accepted": true, "version_id": def["cgu"]["version_id"], "sha256": def["cgu"]["sha256"]},
        "marketing_consent": true,
        "page": format!("{SITE}/devis"),
        "website": "",
        "form_token": def["form_token"],
        "widget_build": "test-1",
    })
}

/// `POST /public/widgets/{key}/leads` from `origin`: status, headers, body bytes.
pub async fn submit(
    t: &TestApp,
    key: &str,
    body: &Value,
    origin: Option<&str>,
    idem: Option<&str>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    submit_raw(t, key, body.to_string(), origin, idem).await
}

pub async fn submit_raw(
    t: &TestApp,
    key: &str,
    body: String,
    origin: Option<&str>,
    idem: Option<&str>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut b = public_request(
        Method::POST,
        &format!("/api/v1/public/widgets/{key}/leads"),
        origin,
    )
    .header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = idem {
        b = b.header("idempotency-key", k);
    }
    t.send_raw(b.body(Body::from(body)).unwrap()).await
}

/// The body of every accepted submission.
pub const RECEIVED: &[u8] = br#"{"status":"received"}"#;

/// (contacts, projects, consents) of the whole database.
pub async fn counts(t: &TestApp) -> (i64, i64, i64) {
    (
        t.rows("contacts").await,
        t.rows("projects").await,
        t.rows("consents").await,
    )
}

/// One text column of the first row of `table` where `col` = `value`.
pub async fn value_of(
    t: &TestApp,
    table: &'static str,
    col: &'static str,
    eq: (&'static str, &str),
) -> Option<String> {
    use sea_query::{Alias, Expr, Query};
    let mut tx = t.state.db.read().await.unwrap();
    let q = Query::select()
        .expr(Expr::cust(format!("CAST({col} AS TEXT)")))
        .from(Alias::new(table))
        .and_where(Expr::expr(Expr::cust(format!("CAST({} AS TEXT)", eq.0))).eq(eq.1))
        .limit(1)
        .to_owned();
    let row: Option<(Option<String>,)> = tx.opt(&q).await.unwrap();
    tx.commit().await.unwrap();
    row.and_then(|r| r.0)
}

/// Rows of `table` where `col` = `value`.
pub async fn count_where(t: &TestApp, table: &'static str, col: &'static str, value: &str) -> i64 {
    use sea_query::{Alias, Expr, Query};
    let mut tx = t.state.db.read().await.unwrap();
    let q = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(Alias::new(table))
        .and_where(Expr::expr(Expr::cust(format!("CAST({col} AS TEXT)"))).eq(value))
        .to_owned();
    let n = tx.int(&q).await.unwrap();
    tx.commit().await.unwrap();
    n
}
