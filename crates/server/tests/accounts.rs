//! Logins and accounts (issue 14, items 3 and 4): growing delays instead of lockouts,
//! the client address behind trusted proxies, failed logins in the audit log, sessions
//! ended by deactivation and password changes (`PATCH /users/{id}`), HSTS.
//! Real database: SQLite, or PostgreSQL when DATABASE_URL points at a server.

mod common;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use common::TestApp;
use oubli_server::client::TrustedProxies;
use serde_json::{json, Value};
use std::time::Duration;

const PROXY: [u8; 4] = [10, 0, 0, 2];

fn api(p: &str) -> String {
    format!("/api/v1{p}")
}

/// `POST /session` as the server would see it: `peer` is the socket peer (what
/// `ConnectInfo` carries; none when `None`), `xff` an `X-Forwarded-For` header.
async fn login_as(
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

fn retry_after(h: &HeaderMap) -> u64 {
    h.get(header::RETRY_AFTER)
        .expect("Retry-After")
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds")
}

fn token_of(h: &HeaderMap) -> String {
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

fn assert_limited(s: StatusCode, h: &HeaderMap, v: &Value) {
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert_eq!(v["error"]["code"], "rate_limited", "{v}");
    assert!(h.get(header::SET_COOKIE).is_none());
    assert!(retry_after(h) >= 1);
}

/// The demo cabinet's audit entries, newest first.
async fn audit(t: &TestApp, admin: &str) -> Vec<Value> {
    let (s, v) = t.get(&api("/audit?limit=500"), admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().expect("items").clone()
}

/// Entries with `action` and `outcome`.
fn entries<'a>(all: &'a [Value], action: &str, outcome: &str) -> Vec<&'a Value> {
    all.iter()
        .filter(|e| e["action"] == action && e["outcome"] == outcome)
        .collect()
}

/// Failed logins are audited off the request path: waits until `n` entries of
/// `action`/`outcome` are there (or 10 s).
async fn wait_audit(t: &TestApp, admin: &str, action: &str, outcome: &str, n: usize) -> Vec<Value> {
    for _ in 0..400 {
        let all = audit(t, admin).await;
        if entries(&all, action, outcome).len() >= n {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("fewer than {n} audit entries {action}/{outcome}");
}

/// Every audit row of every cabinet, straight from the table, as text.
async fn audit_rows(t: &TestApp) -> Vec<String> {
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

async fn sessions_of(t: &TestApp, user: &str) -> i64 {
    use sea_query::{Alias, Expr, Query};
    let mut tx = t.state.db.read().await.expect("read");
    let n = tx
        .int(
            Query::select()
                .expr(Expr::col(Alias::new("id")).count())
                .from(Alias::new("sessions"))
                .and_where(Expr::col(Alias::new("user_id")).eq(user)),
        )
        .await
        .expect("count");
    tx.commit().await.expect("commit");
    n
}

// ------------------------------------------------------------ 3. login delays

#[tokio::test]
async fn after_five_failures_the_right_password_waits_for_the_delay_then_logs_in() {
    let t = TestApp::with_config(|cfg| {
        cfg.login.base_delay = Duration::from_secs(1);
    })
    .await;
    let admin = t.login("admin@demo.fr").await;
    let email = "commercial1@demo.fr";
    for i in 0..5 {
        let (s, _, v) = login_as(&t, None, None, email, "mauvais").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "failure {i}: {v}");
        assert_eq!(v["error"]["code"], "bad_credentials");
    }
    // Inside the delay (1 s after the fifth failure): refused, right password or not,
    // without the password being checked.
    let (s, h, v) = login_as(&t, None, None, email, "demo1234").await;
    assert_limited(s, &h, &v);
    assert_eq!(retry_after(&h), 1);
    assert_eq!(
        v["error"]["message"],
        "Trop de tentatives. Réessayez dans quelques minutes."
    );
    let (s, h, v) = login_as(&t, None, None, " Commercial1@Demo.fr ", "mauvais").await;
    assert_limited(s, &h, &v);
    // Other accounts are not concerned.
    let (s, _, _) = login_as(&t, None, None, "commercial2@demo.fr", "demo1234").await;
    assert_eq!(s, StatusCode::OK);
    // The refused attempts were not failures: five in the log, no sixth.
    let all = wait_audit(&t, &admin, "login", "failed", 5).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let all2 = audit(&t, &admin).await;
    assert_eq!(entries(&all2, "login", "failed").len(), 5, "{all:?}");

    // The delay over, a wrong password is a sixth failure and doubles the delay (2 s:
    // it would be longer had the refused attempts counted).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (s, _, v) = login_as(&t, None, None, email, "mauvais").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    let (s, h, v) = login_as(&t, None, None, email, "demo1234").await;
    assert_limited(s, &h, &v);
    assert_eq!(retry_after(&h), 2);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (s, h, v) = login_as(&t, None, None, email, "demo1234").await;
    assert_limited(s, &h, &v);
    // Once it has passed, the right password logs in: never locked out for a window.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (s, h, v) = login_as(&t, None, None, email, "demo1234").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, me) = t.get(&api("/me"), &token_of(&h)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["email"], email);
    // The success reset the count: a typo now costs nothing.
    let (s, _, _) = login_as(&t, None, None, email, "mauvais").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, v) = login_as(&t, None, None, email, "demo1234").await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

/// Adds `n` sales users to the demo cabinet (with the demo password, hashed once by
/// the seed), `office{i}@demo.fr`.
async fn office_users(t: &TestApp, n: usize) -> Vec<String> {
    let mut emails = Vec::new();
    for i in 0..n {
        let email = format!("office{i}@demo.fr");
        t.state
            .db
            .raw(&format!(
                "INSERT INTO users (id, cabinet_id, team_id, email, name, role, password_hash, active, created_at, updated_at) \
                 SELECT 'office-{i}', cabinet_id, NULL, '{email}', 'Collègue {i}', 'sales', password_hash, 1, 0, 0 \
                 FROM users WHERE email = 'admin@demo.fr'"
            ))
            .await
            .expect("insert user");
        emails.push(email);
    }
    emails
}

#[tokio::test]
async fn many_users_behind_one_trusted_proxy_are_not_blocked_by_their_typos() {
    let t = TestApp::with_config(|cfg| {
        cfg.trusted_proxies = TrustedProxies::parse("10.0.0.0/8").expect("proxies");
        cfg.login.address_free_emails = 20;
        cfg.login.base_delay = Duration::from_secs(60);
    })
    .await;
    // One office behind one address, through the cabinet's reverse proxy: thirteen
    // colleagues, four typos each (52 failures from one address), then the right
    // password. Before, 50 failures from one address refused everybody there.
    let office = "192.0.2.10";
    for email in office_users(&t, 13).await {
        for i in 0..4 {
            let (s, _, v) = login_as(&t, Some(PROXY), Some(office), &email, "mauvais").await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{email} typo {i}: {v}");
        }
        let (s, _, v) = login_as(&t, Some(PROXY), Some(office), &email, "demo1234").await;
        assert_eq!(s, StatusCode::OK, "{email}: {v}");
    }
    // Spraying through the same proxy is still slowed down, per client: twenty
    // accounts from one address, and that address waits (even with a right password),
    // while the office, behind the same proxy, does not.
    let sprayer = "6.6.6.6, 198.51.100.7";
    for i in 0..20 {
        let (s, _, v) = login_as(
            &t,
            Some(PROXY),
            Some(sprayer),
            &format!("cible{i}@demo.fr"),
            "azerty",
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "spray {i}: {v}");
    }
    let (s, h, v) = login_as(
        &t,
        Some(PROXY),
        Some(sprayer),
        "commercial1@demo.fr",
        "demo1234",
    )
    .await;
    assert_limited(s, &h, &v);
    assert!(retry_after(&h) > 30, "{h:?}");
    // The client-supplied prefix of the header ("6.6.6.6") is not who is counted.
    let (s, _, v) = login_as(
        &t,
        Some(PROXY),
        Some("198.51.100.99, 6.6.6.6"),
        "commercial1@demo.fr",
        "demo1234",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _, v) = login_as(&t, Some(PROXY), Some(office), "office0@demo.fr", "demo1234").await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let t = TestApp::with_config(|cfg| {
        cfg.trusted_proxies = TrustedProxies::parse("10.0.0.0/8").expect("proxies");
        cfg.login.address_free_emails = 5;
        cfg.login.base_delay = Duration::from_secs(60);
    })
    .await;
    // A client talking to the server directly and writing a new X-Forwarded-For each
    // time is still one address.
    let peer = [203, 0, 113, 7];
    for i in 0..5 {
        let xff = format!("198.51.100.{i}");
        let (s, _, v) = login_as(
            &t,
            Some(peer),
            Some(&xff),
            &format!("cible{i}@demo.fr"),
            "azerty",
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "spray {i}: {v}");
    }
    let (s, h, v) = login_as(
        &t,
        Some(peer),
        Some("198.51.100.200"),
        "commercial1@demo.fr",
        "demo1234",
    )
    .await;
    assert_limited(s, &h, &v);
    // And the addresses it claimed are not charged: a real client with one of them,
    // through the trusted proxy, logs in.
    let (s, _, v) = login_as(
        &t,
        Some(PROXY),
        Some("198.51.100.3"),
        "commercial1@demo.fr",
        "demo1234",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // Without any trusted proxy configured, the header is ignored from everybody.
    let t = TestApp::with_config(|cfg| {
        cfg.login.address_free_emails = 2;
        cfg.login.base_delay = Duration::from_secs(60);
    })
    .await;
    for i in 0..2 {
        let xff = format!("198.51.100.{i}");
        let (s, _, _) = login_as(
            &t,
            Some(PROXY),
            Some(&xff),
            &format!("cible{i}@demo.fr"),
            "azerty",
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let (s, h, v) = login_as(
        &t,
        Some(PROXY),
        Some("198.51.100.9"),
        "commercial1@demo.fr",
        "demo1234",
    )
    .await;
    assert_limited(s, &h, &v);
}

#[tokio::test]
async fn failed_logins_and_delays_are_audited_with_ids_only() {
    let t = TestApp::with_config(|cfg| {
        cfg.trusted_proxies = TrustedProxies::parse("10.0.0.0/8").expect("proxies");
        cfg.login.address_free_emails = 3;
        cfg.login.base_delay = Duration::from_secs(60);
    })
    .await;
    let admin = t.login("admin@demo.fr").await;
    let a = &t.acc;
    let client = "192.0.2.77";
    let wrong = "Mot-De-Passe-Devine-42";
    // Five failures on one account: five entries, and the delay the fifth started.
    for _ in 0..5 {
        let (s, _, _) = login_as(&t, Some(PROXY), Some(client), "commercial1@demo.fr", wrong).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    // Two more accounts from the same address: the third distinct email delays it.
    for email in ["commercial2@demo.fr", "chef@demo.fr"] {
        let (s, _, _) = login_as(&t, Some(PROXY), Some(client), email, wrong).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    // An unknown email belongs to no cabinet: nothing written anywhere.
    let (s, _, _) = login_as(
        &t,
        Some(PROXY),
        Some("192.0.2.78"),
        "inconnu.zorglub@demo.fr",
        wrong,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // A right password on a deactivated account.
    let (s, v) = t
        .patch(
            &api(&format!("/users/{}", a.deputy)),
            &admin,
            json!({"active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _, _) = login_as(
        &t,
        Some(PROXY),
        Some("192.0.2.79"),
        "suppleant@demo.fr",
        "demo1234",
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    wait_audit(&t, &admin, "login", "failed", 8).await;
    let all = wait_audit(&t, &admin, "login.delay", "locked", 2).await;
    let failed = entries(&all, "login", "failed");
    assert_eq!(failed.len(), 8, "{failed:?}");
    let on = |user: &str| -> Vec<&Value> {
        failed
            .iter()
            .copied()
            .filter(|e| e["target_id"] == json!(user))
            .collect()
    };
    let s1 = on(&a.sales1);
    assert_eq!(s1.len(), 5);
    for e in &s1 {
        assert_eq!(e["actor_user_id"], Value::Null, "{e}");
        assert_eq!(e["target_kind"], "user", "{e}");
        assert_eq!(e["detail"]["reason"], "bad_password", "{e}");
    }
    let mut counts: Vec<i64> = s1
        .iter()
        .filter_map(|e| e["detail"]["failures"].as_i64())
        .collect();
    counts.sort();
    assert_eq!(counts, [1, 2, 3, 4, 5]);
    assert_eq!(on(&a.sales2).len(), 1);
    assert_eq!(on(&a.team_lead).len(), 1);
    let inactive = on(&a.deputy);
    assert_eq!(inactive.len(), 1);
    assert_eq!(inactive[0]["detail"]["reason"], "inactive");

    let delays = entries(&all, "login.delay", "locked");
    assert_eq!(delays.len(), 2, "{delays:?}");
    let email_delay = delays
        .iter()
        .find(|e| e["detail"]["scope"] == "email")
        .expect("email delay");
    assert_eq!(email_delay["target_id"], json!(a.sales1));
    assert_eq!(email_delay["detail"]["delay_ms"], 60_000);
    let address_delay = delays
        .iter()
        .find(|e| e["detail"]["scope"] == "address")
        .expect("address delay");
    assert_eq!(address_delay["target_id"], json!(a.team_lead));

    // Ids only: no email, password or address anywhere in the log, any cabinet.
    let rows = audit_rows(&t).await;
    assert!(rows.len() >= 10);
    for row in &rows {
        for secret in [
            "@demo.fr",
            "commercial",
            "zorglub",
            wrong,
            "demo1234",
            "192.0.2.",
            "10.0.0.2",
        ] {
            assert!(!row.contains(secret), "{secret} in audit row {row}");
        }
    }
}

// ------------------------------------------------------------ 4. sessions and accounts

#[tokio::test]
async fn deactivation_and_password_change_end_sessions_for_good() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let a = &t.acc;
    let s1a = t.login("commercial1@demo.fr").await;
    let s1b = t.login("commercial1@demo.fr").await;
    let s2 = t.login("commercial2@demo.fr").await;
    let chef = t.login("chef@demo.fr").await;
    assert_eq!(sessions_of(&t, &a.sales1).await, 2);

    // Deactivation: both cookies die, and the right password answers like a wrong one.
    let (s, v) = t
        .patch(
            &api(&format!("/users/{}", a.sales1)),
            &admin,
            json!({"active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["active"], false);
    assert_eq!(v["id"], json!(a.sales1));
    assert_eq!(v["email"], "commercial1@demo.fr");
    for tok in [&s1a, &s1b] {
        let (s, v) = t.get(&api("/me"), tok).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    }
    assert_eq!(
        sessions_of(&t, &a.sales1).await,
        0,
        "rows deleted, not only refused"
    );
    let (s, h, refused) = login_as(&t, None, None, "commercial1@demo.fr", "demo1234").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(h.get(header::SET_COOKIE).is_none());
    let (_, _, wrong) = login_as(&t, None, None, "commercial2@demo.fr", "mauvais").await;
    assert_eq!(refused, wrong, "same answer as bad credentials");
    let (_, users) = t.get(&api("/users"), &admin).await;
    let listed = users
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["id"] == json!(a.sales1))
        .expect("listed");
    assert_eq!(listed["active"], false);

    // Reactivation: the old cookies stay dead; a new login works.
    let (s, v) = t
        .patch(
            &api(&format!("/users/{}", a.sales1)),
            &admin,
            json!({"active": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["active"], true);
    for tok in [&s1a, &s1b] {
        let (s, _) = t.get(&api("/me"), tok).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "an old cookie came back");
    }
    let fresh = t.login("commercial1@demo.fr").await;
    let (s, _) = t.get(&api("/me"), &fresh).await;
    assert_eq!(s, StatusCode::OK);

    // A new password: the session dies, the old password stops working, the new one works.
    let new_password = "Nouveau-Secret-2030";
    let (s, v) = t
        .patch(
            &api(&format!("/users/{}", a.sales2)),
            &admin,
            json!({"password": new_password}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(!v.to_string().contains(new_password), "{v}");
    assert!(
        v.get("password").is_none() && v.get("password_hash").is_none(),
        "{v}"
    );
    let (s, _) = t.get(&api("/me"), &s2).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = login_as(&t, None, None, "commercial2@demo.fr", "demo1234").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, h, _) = login_as(&t, None, None, "commercial2@demo.fr", new_password).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t.get(&api("/me"), &token_of(&h)).await;
    assert_eq!(s, StatusCode::OK);

    // Renaming or moving someone ends nothing.
    let (s, v) = t
        .patch(
            &api(&format!("/users/{}", a.team_lead)),
            &admin,
            json!({"name": "Chloé C.", "team_id": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["name"], "Chloé C.");
    assert_eq!(v["team_id"], Value::Null);
    let (s, me) = t.get(&api("/me"), &chef).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["name"], "Chloé C.");
    let (s, _) = t.get(&api("/me"), &admin).await;
    assert_eq!(s, StatusCode::OK);

    // Audited with field names and counts, never values.
    let all = audit(&t, &admin).await;
    let updates: Vec<&Value> = entries(&all, "user.update", "ok");
    assert_eq!(updates.len(), 4, "{updates:?}");
    let by_target = |id: &str| -> Vec<&Value> {
        updates
            .iter()
            .copied()
            .filter(|e| e["target_id"] == json!(id))
            .collect()
    };
    let s1 = by_target(&a.sales1);
    assert_eq!(s1.len(), 2);
    // Newest first: the reactivation, then the deactivation that ended two sessions.
    assert_eq!(
        s1[0]["detail"],
        json!({"fields": ["active"], "sessions_ended": 0})
    );
    assert_eq!(
        s1[1]["detail"],
        json!({"fields": ["active"], "sessions_ended": 2})
    );
    assert_eq!(s1[1]["actor_user_id"], json!(a.admin));
    assert_eq!(
        by_target(&a.sales2)[0]["detail"],
        json!({"fields": ["password"], "sessions_ended": 1})
    );
    assert_eq!(
        by_target(&a.team_lead)[0]["detail"],
        json!({"fields": ["name", "team_id"], "sessions_ended": 0})
    );
    for row in audit_rows(&t).await {
        assert!(
            !row.contains(new_password) && !row.contains("Chloé"),
            "{row}"
        );
    }
}

#[tokio::test]
async fn user_changes_are_checked() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let deputy = t.login("suppleant@demo.fr").await;
    let a = &t.acc;
    let user = |id: &str| api(&format!("/users/{id}"));

    // Nobody deactivates themselves; the last active admin is not demoted.
    let (s, v) = t
        .patch(&user(&a.admin), &admin, json!({"active": false}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        v["error"]["fields"]["active"],
        "Vous ne pouvez pas désactiver votre propre compte."
    );
    let (s, v) = t
        .patch(&user(&a.admin), &admin, json!({"role": "deputy"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        v["error"]["fields"]["role"],
        "Le cabinet doit garder au moins un administrateur actif."
    );
    let (s, me) = t.get(&api("/me"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["role"], "admin");

    // Another cabinet's user, or nobody: 404. Not an admin: 403.
    for id in [a.witness_admin.as_str(), "inconnu"] {
        let (s, v) = t.patch(&user(id), &admin, json!({"name": "Pirate"})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    }
    let (s, v) = t
        .patch(&user(&a.sales1), &deputy, json!({"active": false}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

    // Invalid values, in French, on the field.
    let cases = [
        (
            json!({"name": "  "}),
            "name",
            "Indiquez le nom de l'utilisateur.",
        ),
        (
            json!({"password": "court"}),
            "password",
            "Le mot de passe doit compter au moins 8 caractères.",
        ),
        (
            json!({"team_id": "inconnue"}),
            "team_id",
            "Équipe inconnue.",
        ),
        (
            json!({"name": null}),
            "name",
            "Valeur de type incorrect ou champ inconnu.",
        ),
        (
            json!({"active": null}),
            "active",
            "Valeur de type incorrect ou champ inconnu.",
        ),
        (
            json!({"role": "patron"}),
            "role",
            "Valeur de type incorrect ou champ inconnu.",
        ),
        (
            json!({"email": "autre@demo.fr"}),
            "email",
            "Valeur de type incorrect ou champ inconnu.",
        ),
    ];
    for (body, field, message) in cases {
        let (s, v) = t.patch(&user(&a.sales1), &admin, body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert_eq!(v["error"]["fields"][field], message, "{body}: {v}");
    }
    let (_, users) = t.get(&api("/users"), &admin).await;
    let s1 = users
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["id"] == json!(a.sales1))
        .expect("sales1")
        .clone();
    assert_eq!(s1["active"], true);
    assert_eq!(s1["name"], "Camille Commerciale");

    // A team of the cabinet, an empty patch.
    let (s, v) = t
        .patch(&user(&a.sales1), &admin, json!({"team_id": a.team_south}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["team_id"], json!(a.team_south));
    let (s, v) = t.patch(&user(&a.sales1), &admin, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["team_id"], json!(a.team_south));

    // With a second administrator, the first may step down; the second then is the
    // last one and may neither step down nor be deactivated.
    let (s, v) = t
        .patch(&user(&a.deputy), &admin, json!({"role": "admin"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = t
        .patch(&user(&a.admin), &admin, json!({"role": "deputy"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["role"], "deputy");
    let (s, _) = t
        .patch(&user(&a.sales1), &admin, json!({"name": "X"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "no longer an administrator");
    let (s, v) = t
        .patch(&user(&a.deputy), &deputy, json!({"role": "sales"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["role"].is_string(), "{v}");
    // Reactivating a deactivated admin counts them again.
    let (s, v) = t
        .patch(
            &user(&a.admin),
            &deputy,
            json!({"role": "admin", "active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = t
        .patch(&user(&a.deputy), &deputy, json!({"role": "sales"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = t
        .patch(&user(&a.admin), &deputy, json!({"active": true}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = t
        .patch(&user(&a.deputy), &deputy, json!({"role": "deputy"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one() {
    let t = TestApp::new().await;
    let a = &t.acc;
    let admin = t.login("admin@demo.fr").await;
    let (s, v) = t
        .patch(
            &api(&format!("/users/{}", a.deputy)),
            &admin,
            json!({"role": "admin"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let second = t.login("suppleant@demo.fr").await;
    for round in 0..5 {
        let one = api(&format!("/users/{}", a.admin));
        let other = api(&format!("/users/{}", a.deputy));
        let ((s1, v1), (s2, v2)) = tokio::join!(
            t.patch(&other, &admin, json!({"role": "sales"})),
            t.patch(&one, &second, json!({"role": "sales"})),
        );
        // One goes first; the other is refused: 422 if it was checked as an admin
        // while the first ran (PostgreSQL: it waits on the lock, then counts), 403 if
        // it started once the first had demoted it (SQLite's single writer).
        let mut statuses = [s1, s2];
        statuses.sort();
        assert_eq!(statuses[0], StatusCode::OK, "round {round}: {v1} {v2}");
        assert!(
            [StatusCode::FORBIDDEN, StatusCode::UNPROCESSABLE_ENTITY].contains(&statuses[1]),
            "round {round}: {v1} {v2}"
        );
        // Whoever stayed admin promotes the other back for the next round.
        let (keeper, demoted) = if s1 == StatusCode::OK {
            (&admin, &other)
        } else {
            (&second, &one)
        };
        let (s, v) = t.patch(demoted, keeper, json!({"role": "admin"})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
}

// ------------------------------------------------------------ HSTS

#[tokio::test]
async fn hsts_only_with_secure_cookies() {
    let hsts = |h: &HeaderMap| {
        h.get(header::STRICT_TRANSPORT_SECURITY)
            .map(|v| v.to_str().expect("ascii").to_string())
    };
    let get = |path: &str| {
        Request::builder()
            .uri(path)
            .body(Body::empty())
            .expect("request")
    };
    for secure in [false, true] {
        let t = TestApp::with_config(|cfg| cfg.secure_cookies = secure).await;
        let (_, login, _) = login_as(&t, None, None, "admin@demo.fr", "demo1234").await;
        let mut answers = vec![login];
        for path in [
            "/api/v1/health",
            "/api/v1/me",
            "/api/v1/nulle-part",
            "/ailleurs",
        ] {
            let (_, h, _) = t.send_raw(get(path)).await;
            answers.push(h);
        }
        for h in &answers {
            if secure {
                assert_eq!(
                    hsts(h).as_deref(),
                    Some("max-age=31536000; includeSubDomains"),
                    "{h:?}"
                );
            } else {
                assert_eq!(hsts(h), None, "{h:?}");
            }
        }
    }
}
