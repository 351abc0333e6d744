//! Sessions and login: every protected route needs one, cookie attributes,
//! rotation and logout, indistinguishable wrong credentials, hashed tokens, expiry.

use crate::common::TestApp;
use crate::support::*;
use axum::http::{header, HeaderMap, Method, StatusCode};
use serde_json::{json, Value};

/// POST /session by hand, optionally sending an existing session cookie.
async fn login_raw(
    t: &TestApp,
    email: &str,
    password: &str,
    old: Option<&str>,
) -> (StatusCode, HeaderMap, Value) {
    let mut headers = vec![("x-oubli-request", "1".to_string())];
    if let Some(o) = old {
        headers.push(("cookie", format!("oubli_session={o}")));
    }
    raw(
        t,
        Method::POST,
        &api("/session"),
        &headers,
        Some(json!({"email": email, "password": password})),
    )
    .await
}

/// Every route behind a session, with real ids and valid bodies, so that only the
/// missing session can explain a refusal.
fn protected_routes(w: &World, user: &str) -> Vec<(Method, String, Option<Value>)> {
    let c = &w.contact;
    let mut r: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/me".into(), None),
        (Method::DELETE, "/session".into(), None),
        (Method::GET, "/openapi.json".into(), None),
        (Method::GET, "/contacts".into(), None),
        (
            Method::POST,
            "/contacts".into(),
            Some(json!({"last_name": "Anonyme"})),
        ),
        (Method::GET, format!("/contacts/{c}"), None),
        (
            Method::PATCH,
            format!("/contacts/{c}"),
            Some(json!({"city": "Brest"})),
        ),
        (Method::DELETE, format!("/contacts/{c}"), None),
        (Method::GET, format!("/contacts/{c}/household"), None),
        (
            Method::POST,
            format!("/contacts/{c}/household"),
            Some(json!({"first_name": "Paul"})),
        ),
        (
            Method::PATCH,
            format!("/contacts/{c}/household/{}", w.member),
            Some(json!({"first_name": "Paul"})),
        ),
        (
            Method::DELETE,
            format!("/contacts/{c}/household/{}", w.member),
            None,
        ),
        (Method::GET, "/projects".into(), None),
        (
            Method::POST,
            "/projects".into(),
            Some(json!({"contact_id": c, "type": "auto"})),
        ),
        (Method::GET, format!("/projects/{}", w.project), None),
        (
            Method::PATCH,
            format!("/projects/{}", w.project),
            Some(json!({"status": "perdu"})),
        ),
        (Method::GET, "/contracts".into(), None),
        (
            Method::POST,
            "/contracts".into(),
            Some(json!({"project_id": w.project, "insurer": "X"})),
        ),
    ];
    r.extend(record_routes(w));
    r.extend([
        (Method::GET, "/stats/summary".into(), None),
        (Method::GET, "/audit".into(), None),
        (Method::GET, "/sync".into(), None),
        (Method::GET, "/sync?since=0".into(), None),
        (Method::GET, "/users".into(), None),
        (
            Method::POST,
            "/users".into(),
            Some(
                json!({"email": "x@demo.fr", "name": "X", "role": "admin", "password": "un-mot-de-passe-solide-2024"}),
            ),
        ),
        (
            Method::PATCH,
            format!("/users/{user}"),
            Some(json!({"active": false})),
        ),
        (Method::GET, "/teams".into(), None),
        (Method::GET, "/settings".into(), None),
        (
            Method::PATCH,
            "/settings".into(),
            Some(json!({"retention_months": 1})),
        ),
    ]);
    for (kind, item) in &w.items {
        r.push((Method::GET, format!("/contacts/{c}/{kind}"), None));
        if *kind != "documents" {
            r.push((
                Method::POST,
                format!("/contacts/{c}/{kind}"),
                Some(activity_body(kind)),
            ));
        }
        r.push((Method::GET, format!("/contacts/{c}/{kind}/{item}"), None));
        r.push((
            Method::PATCH,
            format!("/contacts/{c}/{kind}/{item}"),
            Some(activity_patch(kind)),
        ));
        r.push((Method::DELETE, format!("/contacts/{c}/{kind}/{item}"), None));
    }
    r
}

#[tokio::test]
async fn every_protected_route_needs_a_session() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let w = build_world(&t, &admin, None).await;
    let unknown = "ab".repeat(32);
    let routes = protected_routes(&w, &t.acc.sales2);
    for (method, path, body) in &routes {
        for cookie in [None, Some(unknown.as_str()), Some("not-a-token")] {
            let (s, v) = t
                .call(method.clone(), &api(path), cookie, body.clone())
                .await;
            assert_eq!(
                s,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with cookie {cookie:?}: {v}"
            );
            assert_eq!(v["error"]["code"], "unauthorized", "{v}");
            assert_eq!(v["error"]["message"], "Vous devez être connecté.", "{v}");
        }
    }
    let (s, v) = t
        .send(multipart_request(
            &api(&format!("/contacts/{}/documents", w.contact)),
            None,
            "a.pdf",
            b"%PDF",
        ))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "document upload: {v}");

    // Every operation the OpenAPI document describes, bar health and login.
    let (s, spec) = t.get(&api("/openapi.json"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    let paths = spec["paths"].as_object().expect("paths");
    let mut swept = 0;
    for (template, ops) in paths {
        for (m, _) in ops.as_object().expect("operations") {
            let method: Method = m.to_uppercase().parse().expect("method");
            let public = matches!(
                (method.as_str(), template.as_str()),
                ("GET", "/api/v1/health") | ("POST", "/api/v1/session")
            ) || template.starts_with("/api/v1/public/")
                || template == "/api/v1/leads";
            if public {
                continue;
            }
            let item = if template.contains("/documents/") {
                w.document.as_str()
            } else {
                w.item("notes")
            };
            let path = template
                .replace("{id}", &w.contact)
                .replace("{member}", &w.member)
                .replace("{kind}", "notes")
                .replace("{item}", item);
            let body =
                matches!(method, Method::POST | Method::PATCH | Method::PUT).then(|| json!({}));
            let (s, v) = t.call(method.clone(), &path, None, body).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{method} {path}: {v}");
            swept += 1;
        }
    }
    assert!(
        swept >= 38,
        "only {swept} operations in the OpenAPI document"
    );

    // Nothing was changed by all those calls.
    let (s, d) = t
        .get(&api(&format!("/contacts/{}", w.contact)), &admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["city"], "Paris");
    let (_, v) = t.get(&api("/contacts"), &admin).await;
    assert_eq!(v["total"], 1);

    // Public: health and login.
    let (s, h, v) = raw(&t, Method::GET, &api("/health"), &[], None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "ok");
    assert!(h.get(header::SET_COOKIE).is_none());
    let (s, h, v) = login_raw(&t, "commercial1@demo.fr", "demo1234", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["email"], "commercial1@demo.fr");
    assert_eq!(v["role"], "sales");
    assert_eq!(v["id"], json!(t.acc.sales1));
    assert!(v.get("password_hash").is_none(), "{v}");
    let token = token_of(&h);
    let (s, me) = t.get(&api("/me"), &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["id"], json!(t.acc.sales1));
}

fn cookie_attrs(h: &HeaderMap) -> Vec<String> {
    let c = h
        .get(header::SET_COOKIE)
        .expect("set-cookie")
        .to_str()
        .expect("ascii");
    c.split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect()
}

#[tokio::test]
async fn session_cookie_attributes() {
    let t = TestApp::new().await;
    let (s, h, _) = login_raw(&t, "admin@demo.fr", "demo1234", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(h
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("oubli_session=")));
    let token = token_of(&h);
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
    let attrs = cookie_attrs(&h);
    for a in ["httponly", "samesite=strict", "path=/"] {
        assert!(attrs.iter().any(|x| x == a), "{a} missing in {attrs:?}");
    }
    assert!(!attrs.iter().any(|x| x == "secure"), "{attrs:?}");
    assert!(!attrs.iter().any(|x| x.starts_with("domain")), "{attrs:?}");
    // Logout clears it with the same attributes.
    let (s, h, _) = raw(
        &t,
        Method::DELETE,
        &api("/session"),
        &[
            ("x-oubli-request", "1".into()),
            ("cookie", format!("oubli_session={token}")),
        ],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let attrs = cookie_attrs(&h);
    assert!(attrs.iter().any(|x| x == "max-age=0"), "{attrs:?}");
    assert!(attrs.iter().any(|x| x == "httponly"), "{attrs:?}");

    let t = TestApp::with_config(|cfg| cfg.secure_cookies = true).await;
    let (s, h, _) = login_raw(&t, "admin@demo.fr", "demo1234", None).await;
    assert_eq!(s, StatusCode::OK);
    let attrs = cookie_attrs(&h);
    for a in ["httponly", "samesite=strict", "path=/", "secure"] {
        assert!(attrs.iter().any(|x| x == a), "{a} missing in {attrs:?}");
    }
}

#[tokio::test]
async fn login_rotates_sessions_and_logout_ends_them() {
    let t = TestApp::new().await;
    let a = t.login("admin@demo.fr").await;
    let b = t.login("admin@demo.fr").await;
    assert_ne!(a, b, "two logins, two tokens");
    // Two devices: both live.
    for tok in [&a, &b] {
        let (s, _) = t.get(&api("/me"), tok).await;
        assert_eq!(s, StatusCode::OK);
    }
    // Logging in again from the device holding `a` ends `a`.
    let (s, h, _) = login_raw(&t, "admin@demo.fr", "demo1234", Some(&a)).await;
    assert_eq!(s, StatusCode::OK);
    let c = token_of(&h);
    assert_ne!(c, a);
    assert_ne!(c, b);
    let (s, v) = t.get(&api("/me"), &a).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "old session still alive: {v}");
    for tok in [&b, &c] {
        let (s, _) = t.get(&api("/me"), tok).await;
        assert_eq!(s, StatusCode::OK);
    }
    // Logging in as someone else with an old cookie ends it too.
    let (s, h, _) = login_raw(&t, "commercial1@demo.fr", "demo1234", Some(&b)).await;
    assert_eq!(s, StatusCode::OK);
    let d = token_of(&h);
    let (s, _) = t.get(&api("/me"), &b).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, me) = t.get(&api("/me"), &d).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["email"], "commercial1@demo.fr");
    // Logout.
    let (s, _) = t.delete(&api("/session"), &c).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = t.get(&api("/me"), &c).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    let (s, _) = t.get(&api("/contacts"), &c).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = t.delete(&api("/session"), &c).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Other sessions are unaffected.
    let (s, _) = t.get(&api("/me"), &d).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn wrong_credentials_are_indistinguishable() {
    let t = TestApp::new().await;
    let (s1, h1, wrong_pw) = login_raw(&t, "admin@demo.fr", "pas-le-bon", None).await;
    let (s2, h2, unknown) = login_raw(&t, "personne@demo.fr", "pas-le-bon", None).await;
    let (s3, h3, upper) = login_raw(&t, "ADMIN@demo.fr", "DEMO1234", None).await;
    for (s, h) in [(s1, &h1), (s2, &h2), (s3, &h3)] {
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert!(h.get(header::SET_COOKIE).is_none());
    }
    assert_eq!(wrong_pw["error"]["code"], "bad_credentials");
    assert_eq!(
        wrong_pw["error"]["message"],
        "Email ou mot de passe incorrect."
    );
    assert_eq!(wrong_pw, unknown);
    assert_eq!(wrong_pw, upper);
    // Too long inputs: 401 without a session, the same for known and unknown emails.
    let (s, h, long_known) = login_raw(&t, "admin@demo.fr", &"x".repeat(5000), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(h.get(header::SET_COOKIE).is_none());
    let (s, _, long_unknown) = login_raw(&t, "personne@demo.fr", &"x".repeat(5000), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(long_known, long_unknown);
}

#[tokio::test]
async fn sessions_table_stores_only_a_sha256_of_the_token() {
    use sha2::Digest;
    let t = TestApp::new().await;
    let token = t.login("admin@demo.fr").await;
    let digest = hex::encode(sha2::Sha256::digest(token.as_bytes()));
    assert_ne!(digest, token);

    // Through the application's own connection (both backends).
    {
        use sea_query::{Alias, Query};
        let mut tx = t.state.db.read().await.expect("read");
        let rows: Vec<(String, String)> = tx
            .all(
                Query::select()
                    .columns([Alias::new("id"), Alias::new("user_id")])
                    .from(Alias::new("sessions")),
            )
            .await
            .expect("sessions");
        tx.commit().await.expect("commit");
        assert_eq!(
            rows,
            vec![(digest.clone(), t.acc.admin.clone())],
            "the session row"
        );
    }

    if !on_sqlite() {
        eprintln!(
            "sessions_table_stores_only_a_sha256_of_the_token: file checks skipped on PostgreSQL"
        );
        return;
    }
    use sqlx::{Connection, Row};
    let path = t.dir.path().join("oubli.db");
    let mut c = sqlx::sqlite::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::new().filename(&path),
    )
    .await
    .expect("open the SQLite file");
    let rows = sqlx::query(
        "SELECT id || '|' || cabinet_id || '|' || user_id || '|' || created_at || '|' || updated_at || '|' || expires_at AS line FROM sessions",
    )
    .fetch_all(&mut c)
    .await
    .expect("sessions");
    assert_eq!(rows.len(), 1);
    let line: String = rows[0].get("line");
    assert!(!line.contains(&token), "raw token stored: {line}");
    assert!(line.starts_with(&format!("{digest}|")), "{line}");
    c.close().await.ok();
    // Not anywhere in the file or its WAL either.
    for f in ["oubli.db", "oubli.db-wal"] {
        if let Ok(bytes) = std::fs::read(t.dir.path().join(f)) {
            assert!(
                !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
                "the raw token is in {f}"
            );
        }
    }
}

#[tokio::test]
async fn expired_sessions_and_inactive_users_are_refused() {
    use sha2::Digest;
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let s1 = t.login("commercial1@demo.fr").await;
    let s2 = t.login("commercial2@demo.fr").await;
    // A session past its expiry.
    let digest = hex::encode(sha2::Sha256::digest(s1.as_bytes()));
    t.state
        .db
        .raw(&format!(
            "UPDATE sessions SET expires_at = 1 WHERE id = '{digest}'"
        ))
        .await
        .expect("expire");
    let (s, v) = t.get(&api("/me"), &s1).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "expired session: {v}");
    // A deactivated account: its live session and its password stop working.
    t.state
        .db
        .raw(&format!(
            "UPDATE users SET active = 0 WHERE id = '{}'",
            t.acc.sales2
        ))
        .await
        .expect("deactivate");
    let (s, v) = t.get(&api("/contacts"), &s2).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "inactive user's session: {v}");
    let (s, h, v) = login_raw(&t, "commercial2@demo.fr", "demo1234", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["error"]["code"], "bad_credentials");
    assert!(h.get(header::SET_COOKIE).is_none());
    // Others are unaffected.
    let (s, _) = t.get(&api("/me"), &admin).await;
    assert_eq!(s, StatusCode::OK);
}
