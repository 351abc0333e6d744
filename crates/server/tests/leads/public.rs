//! `POST /public/widgets/{key}/leads`, rule by rule.

use crate::common::TestApp;
use crate::support::*;
use axum::http::{header, StatusCode};
use serde_json::{json, Value};

fn body_json(b: &[u8]) -> Value {
    serde_json::from_slice(b).unwrap_or(Value::Null)
}

#[tokio::test]
async fn without_the_current_cgu_accepted_nothing_is_stored() {
    let t = fast_app().await;
    let s = setup(&t, "admin@demo.fr").await;
    let good = lead_for(&t, &s.key, "cgu@example.fr").await;
    let mut cases: Vec<(&str, Value)> = Vec::new();
    let mut no_cgu = good.clone();
    no_cgu.as_object_mut().unwrap().remove("cgu");
    cases.push(("no cgu", no_cgu));
    let mut refused = good.clone();
    refused["cgu"]["accepted"] = json!(false);
    cases.push(("accepted false", refused));
    let mut wrong_sha = good.clone();
    wrong_sha["cgu"]["sha256"] = json!("0".repeat(64));
    cases.push(("wrong sha256", wrong_sha));
    // A new version makes the one the form showed an old one.
    let (st, v2) = t
        .post(
            "/api/v1/cgu-versions",
            &s.admin,
            json!({"title": "CGU v2", "text": "Nouvelles conditions."}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v2}");
    cases.push(("old version", good.clone()));
    let mut mixed = good.clone();
    mixed["cgu"]["version_id"] = v2["id"].clone();
    cases.push(("new version, old text's sha256", mixed));
    let before = counts(&t).await;
    for (what, body) in cases {
        let (st, h, b) = submit(&t, &s.key, &body, Some(SITE), None).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let v = body_json(&b);
        let m = v["error"]["fields"]["cgu"].as_str().unwrap_or_default();
        assert!(m.contains("conditions générales"), "{what}: {v}");
        assert!(h.get(header::SET_COOKIE).is_none());
        assert_eq!(counts(&t).await, before, "{what}: nothing stored");
    }
    assert_eq!(t.rows("lead_receipts").await, 0);
}

#[tokio::test]
async fn honeypot_and_too_fast_get_the_same_answer_and_store_nothing() {
    // The production minimum fill time (3 s): a form sent at once is a robot's.
    let t = TestApp::new().await;
    assert_eq!(t.state.cfg.lead_min_fill_ms, 3_000);
    let s = setup(&t, "admin@demo.fr").await;
    let before = counts(&t).await;
    let body = lead_for(&t, &s.key, "rapide@example.fr").await;
    let (st, _, b) = submit(&t, &s.key, &body, Some(SITE), None).await;
    assert_eq!((st, b.as_slice()), (StatusCode::CREATED, RECEIVED));
    // No token, or a forged one: the same.
    for token in [Value::Null, json!("1.deadbeef")] {
        let mut b2 = body.clone();
        b2["form_token"] = token;
        let (st, _, b) = submit(&t, &s.key, &b2, Some(SITE), None).await;
        assert_eq!((st, b.as_slice()), (StatusCode::CREATED, RECEIVED));
    }
    assert_eq!(counts(&t).await, before, "too fast: nothing stored");

    let t = fast_app().await;
    let s = setup(&t, "admin@demo.fr").await;
    let before = counts(&t).await;
    let mut body = lead_for(&t, &s.key, "robot@example.fr").await;
    body["website"] = json!("http://spam.example");
    let (st, _, b) = submit(&t, &s.key, &body, Some(SITE), None).await;
    assert_eq!((st, b.as_slice()), (StatusCode::CREATED, RECEIVED));
    assert_eq!(counts(&t).await, before, "honeypot: nothing stored");
    assert_eq!(t.rows("lead_receipts").await, 0);
}

#[tokio::test]
async fn new_known_and_opposed_people_get_byte_identical_answers() {
    let t = fast_app().await;
    let s = setup(&t, "admin@demo.fr").await;
    let (c0, p0, k0) = counts(&t).await;
    // New person: contact, project, CGU and marketing consents, household member.
    let body = lead_for(&t, &s.key, "nouvelle@example.fr").await;
    let (st, h, new_body) = submit(&t, &s.key, &body, Some(SITE), None).await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(new_body, RECEIVED);
    assert!(h.get(header::SET_COOKIE).is_none());
    assert_eq!(counts(&t).await, (c0 + 1, p0 + 1, k0 + 2));
    let cid = value_of(&t, "contacts", "id", ("email", "nouvelle@example.fr"))
        .await
        .expect("contact");
    assert_eq!(
        value_of(&t, "contacts", "status", ("id", &cid))
            .await
            .as_deref(),
        Some("prospect")
    );
    assert_eq!(
        value_of(&t, "contacts", "lawful_basis", ("id", &cid))
            .await
            .as_deref(),
        Some("consent")
    );
    assert_eq!(
        value_of(&t, "contacts", "supplier", ("id", &cid))
            .await
            .as_deref(),
        Some("Site web")
    );
    assert_eq!(
        count_where(&t, "household_members", "contact_id", &cid).await,
        1
    );
    let (_, consents) = t
        .get(&format!("/api/v1/contacts/{cid}/consents"), &s.admin)
        .await;
    let cgu = consents
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["purpose"] == "cgu")
        .expect("cgu consent");
    assert_eq!(cgu["cgu_version_id"], json!(s.cgu_id));
    assert_eq!(cgu["cgu_sha256"], json!(s.cgu_sha));
    assert_eq!(cgu["source"], "widget");
    assert_eq!(cgu["origin_page"], json!(format!("{SITE}/devis")));
    assert!(cgu["checkbox_label"]
        .as_str()
        .unwrap()
        .contains("conditions générales"));
    assert_eq!(
        value_of(&t, "consents", "widget_build", ("contact_id", &cid))
            .await
            .as_deref(),
        Some("test-1")
    );
    assert!(consents
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["purpose"] == "marketing"));
    let pid = value_of(&t, "projects", "id", ("contact_id", &cid))
        .await
        .unwrap();
    assert_eq!(
        value_of(&t, "projects", "type", ("id", &pid))
            .await
            .as_deref(),
        Some("sante")
    );

    // Known person (same email, typed in capitals): a new project, no new contact.
    let mut again = lead_for(&t, &s.key, "Nouvelle@Example.fr").await;
    again["marketing_consent"] = json!(false);
    let (st, _, known_body) = submit(&t, &s.key, &again, Some(SITE), None).await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(known_body, new_body, "same bytes for a known person");
    assert_eq!(counts(&t).await, (c0 + 1, p0 + 2, k0 + 3));
    assert_eq!(count_where(&t, "projects", "contact_id", &cid).await, 2);
    assert_eq!(
        count_where(&t, "household_members", "contact_id", &cid).await,
        1
    );

    // Known by the mobile only, typed otherwise.
    let mut by_phone = lead_for(&t, &s.key, "autre@example.fr").await;
    by_phone["contact"].as_object_mut().unwrap().remove("email");
    by_phone["contact"]["mobile_phone"] = json!("+33 6 12 34 56 78");
    let (st, _, phone_body) = submit(&t, &s.key, &by_phone, Some(SITE), None).await;
    assert_eq!((st, &phone_body), (StatusCode::CREATED, &new_body));
    assert_eq!(count_where(&t, "projects", "contact_id", &cid).await, 3);

    // On the opposition list: stored, flagged, same bytes.
    let other = t
        .contact(
            &s.admin,
            json!({"last_name": "Opposé", "email": "opposee@example.fr"}),
        )
        .await;
    let (st, v) = t
        .post(
            &format!("/api/v1/contacts/{other}/opposition"),
            &s.admin,
            json!({"channel": "email"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let mut opposed = lead_for(&t, &s.key, "opposee@example.fr").await;
    opposed["contact"]["mobile_phone"] = json!("07 11 22 33 44");
    let (st, _, opposed_body) = submit(&t, &s.key, &opposed, Some(SITE), None).await;
    assert_eq!((st, &opposed_body), (StatusCode::CREATED, &new_body));
    assert_eq!(
        count_where(&t, "projects", "opposition_match", "1").await,
        1
    );
    let flagged = value_of(&t, "projects", "contact_id", ("opposition_match", "1")).await;
    assert_eq!(flagged.as_deref(), Some(other.as_str()));
    // The audit holds ids, never the email.
    let (_, audit) = t.get("/api/v1/audit?limit=500", &s.admin).await;
    let text = audit.to_string();
    assert!(text.contains("lead.receive"), "{text}");
    assert!(!text.contains("nouvelle@example.fr") && !text.contains("opposee@example.fr"));
}

#[tokio::test]
async fn an_oversize_body_is_413() {
    let t = fast_app().await;
    let s = setup(&t, "admin@demo.fr").await;
    let mut body = lead_for(&t, &s.key, "gros@example.fr").await;
    body["project"]["comment"] = json!("x".repeat(17 * 1024));
    let before = counts(&t).await;
    let (st, _, b) = submit(&t, &s.key, &body, Some(SITE), None).await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body_json(&b)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Ko"));
    assert_eq!(counts(&t).await, before);
}

#[tokio::test]
async fn a_burst_is_429_with_retry_after() {
    // Per address (the rule: 10 a minute).
    let t = fast_app().await;
    let s = setup(&t, "admin@demo.fr").await;
    for i in 0..oubli_domain::LEADS_PER_ADDRESS_PER_MINUTE {
        let body = lead_for(&t, &s.key, &format!("rafale{i}@example.fr")).await;
        let (st, _, _) = submit(&t, &s.key, &body, Some(SITE), None).await;
        assert_eq!(st, StatusCode::CREATED, "submission {i}");
    }
    let body = lead_for(&t, &s.key, "rafale-de-trop@example.fr").await;
    let (st, h, b) = submit(&t, &s.key, &body, Some(SITE), None).await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = h[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
    assert_eq!(body_json(&b)["error"]["code"], "rate_limited");
    assert!(
        value_of(&t, "contacts", "id", ("email", "rafale-de-trop@example.fr"))
            .await
            .is_none()
    );

    // Per widget, whatever the address.
    let t = TestApp::with_config(|c| {
        c.lead_min_fill_ms = 0;
        c.leads_per_widget = 2;
    })
    .await;
    let s = setup(&t, "admin@demo.fr").await;
    for i in 0..2 {
        let body = lead_for(&t, &s.key, &format!("w{i}@example.fr")).await;
        assert_eq!(
            submit(&t, &s.key, &body, Some(SITE), None).await.0,
            StatusCode::CREATED
        );
    }
    let body = lead_for(&t, &s.key, "w3@example.fr").await;
    let (st, h, _) = submit(&t, &s.key, &body, Some(SITE), None).await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    assert!(h.contains_key(header::RETRY_AFTER));
}

#[tokio::test]
async fn a_foreign_origin_or_page_is_403() {
    let t = fast_app().await;
    let s = setup(&t, "admin@demo.fr").await;
    let before = counts(&t).await;
    let body = lead_for(&t, &s.key, "origine@example.fr").await;
    for origin in [Some("https://pirate.example"), Some("null"), None] {
        let (st, _, _) = submit(&t, &s.key, &body, origin, None).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{origin:?}");
    }
    let mut page = body.clone();
    page["page"] = json!("https://pirate.example/devis");
    let (st, _, _) = submit(&t, &s.key, &page, Some(SITE), None).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "page of another site");
    assert_eq!(counts(&t).await, before);
    // From the iframe: Oubli's own origin (the request's Host here).
    let req = public_request(
        axum::http::Method::POST,
        &format!("/api/v1/public/widgets/{}/leads", s.key),
        Some("http://crm.test:8080"),
    )
    .header(header::HOST, "crm.test:8080")
    .header(header::CONTENT_TYPE, "application/json")
    .body(axum::body::Body::from(body.to_string()))
    .unwrap();
    let (st, _, b) = t.send_raw(req).await;
    assert_eq!((st, b.as_slice()), (StatusCode::CREATED, RECEIVED));
}

#[tokio::test]
async fn the_same_idempotency_key_makes_one_lead() {
    let t = fast_app().await;
    let s = setup(&t, "admin@demo.fr").await;
    let (_, p0, _) = counts(&t).await;
    let body = lead_for(&t, &s.key, "rejoue@example.fr").await;
    let a = submit(&t, &s.key, &body, Some(SITE), Some("essai-123")).await;
    let b = submit(&t, &s.key, &body, Some(SITE), Some("essai-123")).await;
    assert_eq!((a.0, a.2.as_slice()), (StatusCode::CREATED, RECEIVED));
    assert_eq!((b.0, b.2.as_slice()), (StatusCode::CREATED, RECEIVED));
    assert_eq!(counts(&t).await.1, p0 + 1, "one lead");
    // Another key is another lead (of the same, now known, person).
    let c = submit(&t, &s.key, &body, Some(SITE), Some("essai-456")).await;
    assert_eq!(c.0, StatusCode::CREATED);
    assert_eq!(counts(&t).await.1, p0 + 2);
}

#[tokio::test]
async fn a_widget_writes_only_into_its_own_cabinet() {
    let t = fast_app().await;
    let demo = setup(&t, "admin@demo.fr").await;
    let witness = setup(&t, "admin@temoin.fr").await;
    // A Demo contact's email sent through the witness cabinet's widget.
    let demo_contact = t
        .contact(
            &demo.admin,
            json!({"last_name": "Démo", "email": "partage@example.fr"}),
        )
        .await;
    let demo_projects = count_where(&t, "projects", "cabinet_id", &t.acc.demo_cabinet).await;
    let body = lead_for(&t, &witness.key, "partage@example.fr").await;
    let (st, _, _) = submit(&t, &witness.key, &body, Some(SITE), None).await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(
        count_where(&t, "projects", "contact_id", &demo_contact).await,
        0
    );
    assert_eq!(
        count_where(&t, "projects", "cabinet_id", &t.acc.demo_cabinet).await,
        demo_projects
    );
    assert_eq!(
        count_where(&t, "contacts", "email", "partage@example.fr").await,
        2
    );
    // The witness form's CGU are not Demo's.
    let mut mixed = lead_for(&t, &witness.key, "melange@example.fr").await;
    mixed["cgu"]["version_id"] = json!(demo.cgu_id);
    mixed["cgu"]["sha256"] = json!(demo.cgu_sha);
    let (st, _, _) = submit(&t, &witness.key, &mixed, Some(SITE), None).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_unknown_or_inactive_widget_is_404() {
    let t = fast_app().await;
    let s = setup(&t, "admin@demo.fr").await;
    let body = lead_for(&t, &s.key, "off@example.fr").await;
    let (st, _) = definition(&t, "inconnu").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(
        submit(&t, "inconnu", &body, Some(SITE), None).await.0,
        StatusCode::NOT_FOUND
    );
    let (st, v) = t
        .patch(
            &format!("/api/v1/widgets/{}", s.widget_id),
            &s.admin,
            json!({"active": false}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(definition(&t, &s.key).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        submit(&t, &s.key, &body, Some(SITE), None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_definition_is_public_and_leads_are_routed() {
    let t = fast_app().await;
    let s = setup(&t, "admin@demo.fr").await;
    let req = axum::http::Request::builder()
        .uri(format!("/api/v1/public/widgets/{}", s.key))
        .body(axum::body::Body::empty())
        .unwrap();
    let (st, h, b) = t.send_raw(req).await;
    assert_eq!(st, StatusCode::OK);
    assert!(h.get(header::SET_COOKIE).is_none());
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    let def = body_json(&b);
    assert_eq!(def["kind"], "lead_form");
    assert_eq!(def["project_type"], "sante");
    assert_eq!(def["cgu"]["version_id"], json!(s.cgu_id));
    assert_eq!(def["cgu"]["sha256"], json!(s.cgu_sha));
    assert!(def["cgu_label"].as_str().is_some() && def["marketing_label"].as_str().is_some());

    // One user: every lead goes to them.
    let (st, v) = t
        .patch(
            &format!("/api/v1/widgets/{}", s.widget_id),
            &s.admin,
            json!({"routing": {"mode": "user", "user_id": t.acc.sales1}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let body = lead_for(&t, &s.key, "route1@example.fr").await;
    submit(&t, &s.key, &body, Some(SITE), None).await;
    let cid = value_of(&t, "contacts", "id", ("email", "route1@example.fr"))
        .await
        .unwrap();
    assert_eq!(
        value_of(&t, "projects", "assigned_to", ("contact_id", &cid))
            .await
            .as_deref(),
        Some(t.acc.sales1.as_str())
    );
    // A team in turn: two leads, two different members of the team.
    let (st, v) = t
        .patch(
            &format!("/api/v1/widgets/{}", s.widget_id),
            &s.admin,
            json!({"routing": {"mode": "team", "team_id": t.acc.team_north}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let mut owners = Vec::new();
    for i in 0..2 {
        let email = format!("tour{i}@example.fr");
        let mut body = lead_for(&t, &s.key, &email).await;
        // Another person each time (the same mobile would make them known).
        body["contact"]
            .as_object_mut()
            .unwrap()
            .remove("mobile_phone");
        submit(&t, &s.key, &body, Some(SITE), None).await;
        let cid = value_of(&t, "contacts", "id", ("email", &email))
            .await
            .unwrap();
        let owner = value_of(&t, "projects", "assigned_to", ("contact_id", &cid))
            .await
            .unwrap();
        let team = value_of(&t, "users", "team_id", ("id", &owner)).await;
        assert_eq!(team.as_deref(), Some(t.acc.team_north.as_str()));
        owners.push(owner);
    }
    let members = count_where(&t, "users", "team_id", &t.acc.team_north).await;
    if members > 1 {
        assert_ne!(owners[0], owners[1], "in turn");
    }
}

#[tokio::test]
async fn replays_sent_at_once_make_one_lead() {
    let t = fast_app().await;
    let s = setup(&t, "admin@demo.fr").await;
    let (_, p0, _) = counts(&t).await;
    let body = lead_for(&t, &s.key, "ensemble@example.fr").await;
    let (a, b, c) = tokio::join!(
        submit(&t, &s.key, &body, Some(SITE), Some("meme-cle")),
        submit(&t, &s.key, &body, Some(SITE), Some("meme-cle")),
        submit(&t, &s.key, &body, Some(SITE), Some("meme-cle")),
    );
    for r in [a, b, c] {
        assert_eq!((r.0, r.2.as_slice()), (StatusCode::CREATED, RECEIVED));
    }
    assert_eq!(counts(&t).await.1, p0 + 1, "one lead");
    assert_eq!(t.rows("lead_receipts").await, 1);
}

#[tokio::test]
async fn the_whole_cabinet_takes_leads_in_turn() {
    let t = fast_app().await;
    let s = setup(&t, "admin@demo.fr").await;
    let users = count_where(&t, "users", "cabinet_id", &t.acc.demo_cabinet).await;
    let mut owners = std::collections::BTreeSet::new();
    for i in 0..users {
        let email = format!("cabinet{i}@example.fr");
        let mut body = lead_for(&t, &s.key, &email).await;
        body["contact"]
            .as_object_mut()
            .unwrap()
            .remove("mobile_phone");
        assert_eq!(
            submit(&t, &s.key, &body, Some(SITE), None).await.0,
            StatusCode::CREATED
        );
        let cid = value_of(&t, "contacts", "id", ("email", &email))
            .await
            .unwrap();
        let owner = value_of(&t, "projects", "assigned_to", ("contact_id", &cid))
            .await
            .unwrap();
        assert_eq!(
            value_of(&t, "users", "cabinet_id", ("id", &owner))
                .await
                .as_deref(),
            Some(t.acc.demo_cabinet.as_str())
        );
        assert_eq!(
            value_of(&t, "contacts", "assigned_to", ("id", &cid))
                .await
                .as_deref(),
            Some(owner.as_str()),
            "the new contact follows its first project"
        );
        owners.insert(owner);
    }
    assert_eq!(
        owners.len() as i64,
        users,
        "each active user once in a full turn"
    );
}
