//! Login delays: growing delays instead of lockouts, the client address behind
//! trusted proxies, failed logins audited with ids only.

use crate::common::TestApp;
use crate::support::*;
use axum::http::{header, HeaderMap, StatusCode};
use oubli_server::client::TrustedProxies;
use serde_json::{json, Value};
use std::time::Duration;

const PROXY: [u8; 4] = [10, 0, 0, 2];

fn retry_after(h: &HeaderMap) -> u64 {
    h.get(header::RETRY_AFTER)
        .expect("Retry-After")
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds")
}

fn assert_limited(s: StatusCode, h: &HeaderMap, v: &Value) {
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert_eq!(v["error"]["code"], "rate_limited", "{v}");
    assert!(h.get(header::SET_COOKIE).is_none());
    assert!(retry_after(h) >= 1);
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
