//! Helpers shared by several subjects: logins as the server sees them (peer,
//! X-Forwarded-For), delays, the audit log, sessions.

use crate::common::TestApp;
pub use crate::common::{api, token_of};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use serde_json::{json, Value};

/// `POST /session` as the server would see it: `peer` is the socket peer (what
/// `ConnectInfo` carries; none when `None`), `xff` an `X-Forwarded-For` header.
pub async fn login_as(
    t: &TestApp,
    peer: Option<[u8; 4]>,
    xff: Option<&str>,
    email: &str,
    password: &str,
) -> (StatusCode, HeaderMap, Value) {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(api("/session"))
        .header("x-oubli-request", "1")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(x) = xff {
        b = b.header("x-forwarded-for", x);
    }
    let mut req = b
        .body(Body::from(
            json!({"email": email, "password": password}).to_string(),
        ))
        .expect("request");
    if let Some(ip) = peer {
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                ip, 40000,
            ))));
    }
    let (s, h, bytes) = t.send_raw(req).await;
    (s, h, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// The demo cabinet's audit entries, newest first.
pub async fn audit(t: &TestApp, admin: &str) -> Vec<Value> {
    let (s, v) = t.get(&api("/audit?limit=500"), admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().expect("items").clone()
}

/// Entries with `action` and `outcome`.
pub fn entries<'a>(all: &'a [Value], action: &str, outcome: &str) -> Vec<&'a Value> {
    all.iter()
        .filter(|e| e["action"] == action && e["outcome"] == outcome)
        .collect()
}

/// Every audit row of every cabinet, straight from the table, as text.
pub async fn audit_rows(t: &TestApp) -> Vec<String> {
    use sea_query::{Alias, Query};
    let mut tx = t.state.db.read().await.expect("read");
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        String,
    );
    let rows: Vec<Row> = tx
        .all(
            Query::select()
                .columns(
                    [
                        "cabinet_id",
                        "action",
                        "actor_user_id",
                        "target_kind",
                        "target_id",
                        "outcome",
                        "detail",
                    ]
                    .map(Alias::new),
                )
                .from(Alias::new("audit_log")),
        )
        .await
        .expect("audit rows");
    tx.commit().await.expect("commit");
    rows.into_iter().map(|r| format!("{r:?}")).collect()
}
