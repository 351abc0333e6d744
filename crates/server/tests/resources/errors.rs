//! The error contract: unknown ids, missing sessions, the CSRF header, the error body
//! shape, and no 500 for hostile input.

use crate::common::TestApp;
use crate::support::*;
use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};

const CSRF_MSG: &str = "Requête refusée : provenance non vérifiée (protection CSRF).";

#[tokio::test]
async fn unknown_ids_are_404_and_missing_sessions_401() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let witness = t.login("admin@temoin.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let p = project(&t, &admin, json!({"contact_id": c, "type": "sante"})).await;
    let k = contract(&t, &admin, json!({"project_id": p, "insurer": "AXA"})).await;
    let (s, n) = t
        .post(
            &format!("/api/v1/contacts/{c}/notes"),
            &admin,
            json!({"body": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let note = id_of(&n);
    let u = uuid::Uuid::new_v4().to_string();

    let unknown: Vec<(Method, String)> = vec![
        (Method::GET, format!("/api/v1/contacts/{u}")),
        (Method::PATCH, format!("/api/v1/contacts/{u}")),
        (Method::DELETE, format!("/api/v1/contacts/{u}")),
        (Method::GET, format!("/api/v1/contacts/{u}/household")),
        (Method::POST, format!("/api/v1/contacts/{u}/household")),
        (Method::PATCH, format!("/api/v1/contacts/{c}/household/{u}")),
        (
            Method::DELETE,
            format!("/api/v1/contacts/{c}/household/{u}"),
        ),
        (Method::GET, format!("/api/v1/projects/{u}")),
        (Method::PATCH, format!("/api/v1/projects/{u}")),
        (Method::GET, format!("/api/v1/contracts/{u}")),
        (Method::PATCH, format!("/api/v1/contracts/{u}")),
        (Method::GET, format!("/api/v1/contacts/{u}/events")),
        (Method::GET, format!("/api/v1/contacts/{c}/events/{u}")),
        (Method::PATCH, format!("/api/v1/contacts/{c}/notes/{u}")),
        (Method::DELETE, format!("/api/v1/contacts/{c}/notes/{u}")),
        (Method::GET, format!("/api/v1/contacts/{c}/tasks/{note}")),
        (
            Method::GET,
            format!("/api/v1/contacts/{c}/documents/{u}/content"),
        ),
        (
            Method::GET,
            format!("/api/v1/contacts/{c}/documents/{note}/content"),
        ),
        (Method::GET, format!("/api/v1/contacts/{u}/consents")),
        (Method::POST, format!("/api/v1/contacts/{u}/opposition")),
        (Method::GET, format!("/api/v1/contacts/{u}/export")),
        (Method::GET, format!("/api/v1/contacts/{c}/nothing")),
        (Method::GET, "/api/v1/nothing".to_string()),
    ];
    for (m, path) in &unknown {
        // A valid body, so only the unknown id can be wrong.
        let body = if path.ends_with("/household") {
            json!({"first_name": "Léa"})
        } else if path.ends_with("/opposition") {
            json!({"channel": "email"})
        } else {
            json!({})
        };
        let (s, v) = t.call(m.clone(), path, Some(&admin), Some(body)).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{m} {path}: {v}");
        assert_eq!(v["error"]["code"], "not_found", "{m} {path}");
        assert_eq!(v["error"]["message"], NOT_FOUND_MSG, "{m} {path}");
    }
    // Another cabinet's records look unknown.
    for (m, path) in [
        (Method::GET, format!("/api/v1/contacts/{c}")),
        (Method::PATCH, format!("/api/v1/contacts/{c}")),
        (Method::DELETE, format!("/api/v1/contacts/{c}")),
        (Method::GET, format!("/api/v1/projects/{p}")),
        (Method::PATCH, format!("/api/v1/projects/{p}")),
        (Method::GET, format!("/api/v1/contracts/{k}")),
        (Method::PATCH, format!("/api/v1/contracts/{k}")),
        (Method::GET, format!("/api/v1/contacts/{c}/notes")),
        (Method::GET, format!("/api/v1/contacts/{c}/notes/{note}")),
        (Method::GET, format!("/api/v1/contacts/{c}/household")),
        (Method::GET, format!("/api/v1/contacts/{c}/consents")),
        (Method::GET, format!("/api/v1/contacts/{c}/export")),
    ] {
        let (s, v) = t
            .call(m.clone(), &path, Some(&witness), Some(json!({})))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "witness {m} {path}: {v}");
    }

    // No session (or a bogus one, or a closed one): 401.
    let (s, _) = t.delete("/api/v1/session", &admin).await;
    assert_eq!(s.as_u16() / 100, 2);
    let bogus = "0".repeat(64);
    for token in [None, Some(bogus.as_str()), Some(admin.as_str())] {
        for (m, path) in [
            (Method::GET, "/api/v1/me".to_string()),
            (Method::GET, "/api/v1/contacts".to_string()),
            (Method::POST, "/api/v1/contacts".to_string()),
            (Method::GET, format!("/api/v1/contacts/{c}")),
            (Method::PATCH, format!("/api/v1/contacts/{c}")),
            (Method::GET, "/api/v1/projects".to_string()),
            (Method::GET, "/api/v1/contracts".to_string()),
            (Method::GET, format!("/api/v1/contacts/{c}/notes")),
            (Method::POST, format!("/api/v1/contacts/{c}/notes")),
            (Method::GET, format!("/api/v1/contacts/{c}/export")),
            (Method::GET, "/api/v1/stats/summary".to_string()),
            (Method::GET, "/api/v1/audit".to_string()),
            (Method::GET, "/api/v1/sync".to_string()),
            (Method::GET, "/api/v1/openapi.json".to_string()),
        ] {
            let (s, v) = t
                .call(
                    m.clone(),
                    &path,
                    token,
                    Some(json!({"body": "x", "last_name": "x"})),
                )
                .await;
            assert_err(
                s,
                &v,
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                UNAUTHORIZED_MSG,
            );
        }
    }
    let admin = t.login("admin@demo.fr").await;
    assert_eq!(total(&t, &admin, "/api/v1/contacts").await, 1);
    assert_eq!(
        total(&t, &admin, &format!("/api/v1/contacts/{c}/notes")).await,
        1
    );
}

#[tokio::test]
async fn unsafe_requests_need_the_csrf_header() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let body = json!({"last_name": "Pirate"}).to_string().into_bytes();
    let ct = (header::CONTENT_TYPE.as_str(), "application/json");
    for (m, path, headers) in [
        (Method::POST, "/api/v1/contacts".to_string(), vec![ct]),
        (
            Method::POST,
            "/api/v1/contacts".to_string(),
            vec![ct, ("x-oubli-request", "0")],
        ),
        (
            Method::POST,
            "/api/v1/contacts".to_string(),
            vec![
                ct,
                ("x-oubli-request", "1"),
                ("origin", "https://evil.example"),
                ("host", "oubli.example"),
            ],
        ),
        (Method::PATCH, format!("/api/v1/contacts/{c}"), vec![ct]),
        (Method::DELETE, format!("/api/v1/contacts/{c}"), vec![]),
        (
            Method::POST,
            format!("/api/v1/contacts/{c}/notes"),
            vec![ct],
        ),
        (
            Method::POST,
            format!("/api/v1/contacts/{c}/opposition"),
            vec![ct],
        ),
        (Method::DELETE, "/api/v1/session".to_string(), vec![]),
    ] {
        let (s, v) = t
            .send(request(
                m.clone(),
                &path,
                Some(&admin),
                &headers,
                body.clone(),
            ))
            .await;
        assert_err(s, &v, StatusCode::FORBIDDEN, "forbidden", CSRF_MSG);
    }
    // Nothing happened.
    assert_eq!(total(&t, &admin, "/api/v1/contacts").await, 1);
    let (s, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["last_name"], "Durand");
    assert_eq!(d["opposition_at"], Value::Null);
    assert_eq!(d["activity_counts"]["notes"], 0);
    // Same origin with the header is fine; GET needs no header.
    let (s, v) = t
        .send(request(
            Method::POST,
            "/api/v1/contacts",
            Some(&admin),
            &[
                ct,
                ("x-oubli-request", "1"),
                ("origin", "https://oubli.example"),
                ("host", "oubli.example"),
            ],
            body.clone(),
        ))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = t
        .send(request(
            Method::GET,
            "/api/v1/contacts",
            Some(&admin),
            &[],
            vec![],
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 2);
}

/// API.md: every error is `{ error: { code, message, fields } }`.
#[tokio::test]
async fn every_error_body_has_code_message_and_fields() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales1 = t.login("commercial1@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    raw_sql(
        &t,
        &format!(
            "UPDATE contacts SET anonymized_at = {} WHERE id = '{c}'",
            now_ms()
        ),
    )
    .await;
    let mut bad = Vec::new();
    let cases = [
        t.get("/api/v1/contacts?after=x", &admin).await,
        t.call(Method::GET, "/api/v1/contacts", None, None).await,
        t.get("/api/v1/audit", &sales1).await,
        t.get(
            &format!("/api/v1/contacts/{}", uuid::Uuid::new_v4()),
            &admin,
        )
        .await,
        t.patch(
            &format!("/api/v1/contacts/{c}"),
            &admin,
            json!({"city": "Lyon"}),
        )
        .await,
        t.post("/api/v1/contacts", &admin, json!({})).await,
    ];
    let expected = [400u16, 401, 403, 404, 409, 422];
    for ((s, v), want) in cases.iter().zip(expected) {
        assert_eq!(s.as_u16(), want, "{v}");
        let e = &v["error"];
        let ok = e["code"].is_string()
            && e["message"].as_str().is_some_and(|m| !m.is_empty())
            && e["fields"].is_object();
        if !ok {
            bad.push(format!("{s}: {v}"));
        }
    }
    assert_eq!(cases[4].1["error"]["code"], "anonymized");
    assert!(
        bad.is_empty(),
        "error bodies without `fields`:\n{}",
        bad.join("\n")
    );
}

/// Never a 500 for bad input, whatever the body, path or query string.
#[tokio::test]
async fn hostile_input_never_causes_a_500() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let p = project(&t, &admin, json!({"contact_id": c, "type": "sante"})).await;
    let huge = "é".repeat(200_000);
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let long_id = "a".repeat(5000);
    let json_cases: Vec<(Method, String, String)> = vec![
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": huge}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), "null".into()),
        (Method::POST, "/api/v1/contacts".into(), "[]".into()),
        (Method::POST, "/api/v1/contacts".into(), "\"Durand\"".into()),
        (Method::POST, "/api/v1/contacts".into(), deep.clone()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": null}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": ["a"]}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": {"a": 1}}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "Robert'); DROP TABLE contacts;--"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "😀 Ωmega \u{202e} 𝕏 \u{feff}"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "a\u{0}b"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), "{\"last_name\":\"x\",\"lead_cost_cents\":1e300}".into()),
        (Method::POST, "/api/v1/contacts".into(), "{\"last_name\":\"x\",\"lead_cost_cents\":-9223372036854775809}".into()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "x", "lead_cost_cents": i64::MIN}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "x", "birth_date": "0000-00-00"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "x", "birth_date": "+275760-09-13"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "x", "assigned_to": "' OR 1=1 --"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "x", "assigned_to": "\u{0}"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "x", "email": "\u{0}@a.fr"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "x", "siret": "\u{0}"}).to_string()),
        (Method::PATCH, format!("/api/v1/contacts/{c}"), json!({"assigned_to": "\u{0}"}).to_string()),
        (Method::PATCH, format!("/api/v1/contacts/{c}"), json!({"status": "vip", "city": [1]}).to_string()),
        (Method::PATCH, format!("/api/v1/contacts/{c}"), deep.clone()),
        (Method::POST, "/api/v1/projects".into(), json!({"contact_id": "\u{0}", "type": "sante"}).to_string()),
        (Method::POST, "/api/v1/projects".into(), json!({"contact_id": c, "type": "sante", "assigned_to": "\u{0}"}).to_string()),
        (Method::POST, "/api/v1/projects".into(), json!({"contact_id": c, "type": "sante", "beneficiaries": [null]}).to_string()),
        (Method::POST, "/api/v1/projects".into(), json!({"contact_id": c, "type": "sante", "beneficiaries": (0..5000).map(|_| json!({})).collect::<Vec<_>>()}).to_string()),
        (Method::PATCH, format!("/api/v1/projects/{p}"), json!({"subscriptions": {"iban": "x"}}).to_string()),
        (Method::POST, "/api/v1/contracts".into(), json!({"project_id": "\u{0}", "insurer": "AXA"}).to_string()),
        (Method::POST, "/api/v1/contracts".into(), json!({"project_id": p, "insurer": "AXA", "monthly_premium_cents": -1, "start_date": "2026-02-30"}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/notes"), json!({"body": huge}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/tasks"), json!({"title": "t", "assigned_to": "\u{0}"}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/events"), json!({"title": "t", "occurred_at": "+262143-12-31T23:59:59Z", "direction": "inbound"}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/messages"), json!({"channel": "fax", "recipient": "x"}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/consents"), json!({"purpose": "marketing", "granted": true, "cgu_version_id": "\u{0}"}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/household"), json!({"first_name": "a", "relation": "cousin"}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/opposition"), json!({"channel": 5}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/documents"), json!({"title": "x"}).to_string()),
        (Method::POST, "/api/v1/session".into(), json!({"email": huge, "password": null}).to_string()),
    ];
    let get_cases: Vec<String> = vec![
        "/api/v1/contacts/%00".into(),
        "/api/v1/contacts/%27%20OR%201%3D1--".into(),
        format!("/api/v1/contacts/{long_id}"),
        "/api/v1/projects/%00".into(),
        "/api/v1/contracts/%00".into(),
        "/api/v1/contacts/%00/notes".into(),
        "/api/v1/contacts/%00/household".into(),
        "/api/v1/contacts/%00/export".into(),
        format!("/api/v1/contacts/{c}/notes/%00"),
        format!("/api/v1/contacts/{c}/documents/%00/content"),
        format!("/api/v1/contacts/{c}/%F0%9F%98%80"),
        "/api/v1/contacts?q=%00".into(),
        "/api/v1/contacts?q=%25%27%3B%20DROP%20TABLE%20contacts%3B--".into(),
        "/api/v1/contacts?supplier=%00".into(),
        "/api/v1/contacts?assigned_to=%00".into(),
        "/api/v1/projects?supplier=%00".into(),
        "/api/v1/projects?assigned_to=%00".into(),
        "/api/v1/contracts?contact_id=%00".into(),
        "/api/v1/contracts?project_id=%00".into(),
        "/api/v1/contracts?status=%00".into(),
        "/api/v1/contacts?limit=-1".into(),
        "/api/v1/contacts?limit=99999999999999999999999".into(),
        "/api/v1/contacts?created_before=2020-13-45".into(),
        "/api/v1/contacts?created_after=%F0%9F%98%80".into(),
        "/api/v1/contacts?created_after=%2B262143-12-31".into(),
        "/api/v1/contacts?after=99999999999999999999~abc".into(),
        "/api/v1/contacts?after=-9223372036854775808~abc".into(),
        "/api/v1/contacts?after=1~%00".into(),
        "/api/v1/contacts?status=prospect&status=client".into(),
        "/api/v1/contacts?status=%27".into(),
        "/api/v1/contacts?%00=%00".into(),
        "/api/v1/sync?since=%00".into(),
        "/api/v1/sync?since=9223372036854775807".into(),
        "/api/v1/audit?after=-1&limit=500".into(),
        format!("/api/v1/contacts/{c}/export?format=%00"),
        format!("/api/v1/contacts/{c}/notes?after=%00&limit=1"),
    ];
    let mut failures = Vec::new();
    for (m, path, body) in &json_cases {
        let (s, v) = t
            .send(request(
                m.clone(),
                path,
                Some(&admin),
                &[
                    ("x-oubli-request", "1"),
                    (header::CONTENT_TYPE.as_str(), "application/json"),
                ],
                body.clone().into_bytes(),
            ))
            .await;
        if s.as_u16() >= 500 {
            let shown: String = body.chars().take(80).collect();
            failures.push(format!("{m} {path} {shown:?} → {s} {v}"));
        }
    }
    for path in &get_cases {
        let (s, v) = t.get(path, &admin).await;
        if s.as_u16() >= 500 {
            let shown: String = path.chars().take(100).collect();
            failures.push(format!("GET {shown} → {s} {v}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} hostile requests answered 5xx:\n{}",
        failures.len(),
        json_cases.len() + get_cases.len(),
        failures.join("\n")
    );
}
