//! `POST /leads` with a supplier key.

use crate::common::TestApp;
use crate::support::*;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};

async fn new_key(t: &TestApp, admin: &str, supplier: &str) -> (String, String) {
    let (s, v) = t
        .post(
            "/api/v1/api-keys",
            admin,
            json!({"name": "Flux", "supplier": supplier}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    (
        v["id"].as_str().unwrap().into(),
        v["secret"].as_str().unwrap().into(),
    )
}

fn lead(email: &str, external_id: &str) -> Value {
    json!({
        "contact": {"last_name": "Fournie", "first_name": "Léa", "email": email, "postal_code": "75011"},
        "project": {"type": "prevoyance", "comment": "Acheté"},
        "consent": {"collected_at": "2026-01-02T10:00:00Z", "page": "https://fournisseur.example/formulaire",
                    "text_sha256": "a".repeat(64), "lawful_basis": "consent"},
        "lead_cost_cents": 1500,
        "external_id": external_id,
    })
}

async fn push(t: &TestApp, auth: Option<&str>, body: &Value) -> (StatusCode, Value) {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/leads")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(a) = auth {
        b = b.header(header::AUTHORIZATION, a);
    }
    t.send(b.body(Body::from(body.to_string())).unwrap()).await
}

#[tokio::test]
async fn without_a_valid_key_it_is_401() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let (id, secret) = new_key(&t, &admin, "Comparateur X").await;
    let before = counts(&t).await;
    let body = lead("a@example.fr", "x-1");
    for auth in [
        None,
        Some("Bearer "),
        Some("Basic abc"),
        Some("Bearer oubli_sk_inconnue"),
    ] {
        let (s, v) = push(&t, auth, &body).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert!(!v.to_string().contains(&t.acc.demo_cabinet));
    }
    let (s, v) = t.delete(&format!("/api/v1/api-keys/{id}"), &admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["revoked_at"].is_string());
    let (s, _) = push(&t, Some(&format!("Bearer {secret}")), &body).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "revoked");
    assert_eq!(counts(&t).await, before);
}

#[tokio::test]
async fn the_same_external_id_gives_the_same_lead_and_the_cost_is_kept() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let (key_id, secret) = new_key(&t, &admin, "Comparateur X").await;
    let bearer = format!("Bearer {secret}");
    let (c0, p0, _) = counts(&t).await;
    let (s, a) = push(&t, Some(&bearer), &lead("achat@example.fr", "ext-42")).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(a["status"], "received");
    let (s, b) = push(&t, Some(&bearer), &lead("achat@example.fr", "ext-42")).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(a["lead_id"], b["lead_id"]);
    assert_eq!(counts(&t).await.0, c0 + 1);
    assert_eq!(counts(&t).await.1, p0 + 1, "one lead");
    let pid = a["lead_id"].as_str().unwrap();
    assert_eq!(
        value_of(&t, "projects", "type", ("id", pid))
            .await
            .as_deref(),
        Some("prevoyance")
    );
    assert_eq!(
        value_of(&t, "projects", "supplier", ("id", pid))
            .await
            .as_deref(),
        Some("Comparateur X")
    );
    let cid = value_of(&t, "projects", "contact_id", ("id", pid))
        .await
        .unwrap();
    assert_eq!(
        value_of(&t, "contacts", "lead_cost_cents", ("id", &cid))
            .await
            .as_deref(),
        Some("1500")
    );
    assert_eq!(
        value_of(&t, "lead_receipts", "lead_cost_cents", ("project_id", pid))
            .await
            .as_deref(),
        Some("1500")
    );
    // The external id is kept only as a hash.
    assert_eq!(
        count_where(&t, "lead_receipts", "external_ref", "ext-42").await,
        0
    );
    assert_eq!(
        value_of(&t, "consents", "source", ("contact_id", &cid))
            .await
            .as_deref(),
        Some("api")
    );
    // Another external id of the same person: a second project on the same contact.
    let (s, c) = push(&t, Some(&bearer), &lead("achat@example.fr", "ext-43")).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_ne!(c["lead_id"], a["lead_id"]);
    assert_eq!(counts(&t).await.0, c0 + 1, "no duplicate contact");
    // last_used_at is set.
    let (_, keys) = t.get("/api/v1/api-keys", &admin).await;
    let k = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == json!(key_id))
        .unwrap();
    assert!(k["last_used_at"].is_string(), "{k}");
    // Invalid fields: 422, nothing stored.
    let before = counts(&t).await;
    let mut bad = lead("pas-un-email", "ext-44");
    bad["project"] = json!({});
    let (s, v) = push(&t, Some(&bearer), &bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["contact.email"].is_string(), "{v}");
    assert!(v["error"]["fields"]["project.type"].is_string(), "{v}");
    assert_eq!(counts(&t).await, before);
}

#[tokio::test]
async fn a_supplier_lead_on_the_opposition_list_is_flagged_and_stays_in_its_cabinet() {
    let t = TestApp::new().await;
    let demo = t.login("admin@demo.fr").await;
    let witness = t.login("admin@temoin.fr").await;
    let c = t
        .contact(
            &demo,
            json!({"last_name": "Refus", "email": "refus@example.fr"}),
        )
        .await;
    let (s, _) = t
        .post(
            &format!("/api/v1/contacts/{c}/opposition"),
            &demo,
            json!({"channel": "phone"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, demo_secret) = new_key(&t, &demo, "Flux Démo").await;
    let (s, v) = push(
        &t,
        Some(&format!("Bearer {demo_secret}")),
        &lead("refus@example.fr", "o-1"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let pid = v["lead_id"].as_str().unwrap();
    // The broker sees why: the project says so.
    let (s, p) = t.get(&format!("/api/v1/projects/{pid}"), &demo).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["opposition_match"], true, "{p}");
    assert_eq!(
        value_of(&t, "projects", "opposition_match", ("id", pid))
            .await
            .as_deref(),
        Some("1")
    );
    assert_eq!(
        value_of(&t, "projects", "contact_id", ("id", pid))
            .await
            .as_deref(),
        Some(c.as_str())
    );
    // The witness cabinet's key: a contact of its own, not flagged, never Demo's.
    let (_, w_secret) = new_key(&t, &witness, "Flux Témoin").await;
    let (s, v) = push(
        &t,
        Some(&format!("Bearer {w_secret}")),
        &lead("refus@example.fr", "o-1"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let wp = v["lead_id"].as_str().unwrap();
    assert_ne!(wp, pid);
    assert_eq!(
        value_of(&t, "projects", "cabinet_id", ("id", wp))
            .await
            .as_deref(),
        Some(t.acc.witness_cabinet.as_str())
    );
    assert_eq!(
        value_of(&t, "projects", "opposition_match", ("id", wp))
            .await
            .as_deref(),
        Some("0")
    );
    assert_eq!(count_where(&t, "projects", "contact_id", &c).await, 1);
}

#[tokio::test]
async fn the_same_external_id_sent_at_once_makes_one_lead() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let (_, secret) = new_key(&t, &admin, "Flux").await;
    let bearer = format!("Bearer {secret}");
    let (_, p0, _) = counts(&t).await;
    let body = lead("simultane@example.fr", "same-1");
    let (a, b) = tokio::join!(
        push(&t, Some(&bearer), &body),
        push(&t, Some(&bearer), &body)
    );
    assert_eq!(
        (a.0, b.0),
        (StatusCode::CREATED, StatusCode::CREATED),
        "{} {}",
        a.1,
        b.1
    );
    assert_eq!(a.1["lead_id"], b.1["lead_id"]);
    assert_eq!(counts(&t).await.1, p0 + 1);
}

#[tokio::test]
async fn a_key_past_its_rate_gets_429() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let (_, secret) = new_key(&t, &admin, "Flux").await;
    let bearer = format!("Bearer {secret}");
    // Invalid bodies count too (and store nothing).
    for _ in 0..oubli_domain::LEADS_PER_API_KEY_PER_MINUTE {
        let (s, _) = push(&t, Some(&bearer), &json!({})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/leads")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, &bearer)
        .body(Body::from(lead("trop@example.fr", "t-1").to_string()))
        .unwrap();
    let (s, h, _) = t.send_raw(req).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(h.contains_key(header::RETRY_AFTER));
    assert!(value_of(&t, "contacts", "id", ("email", "trop@example.fr"))
        .await
        .is_none());
}
