//! Consents and opposition.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

const OPPOSITION_MSG: &str =
    "Ce contact s'est opposé à la prospection : aucun email ni SMS ne peut lui être envoyé.";

#[tokio::test]
async fn consents_and_opposition() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(
            &admin,
            json!({"last_name": "Durand", "email": "elodie.durand@exemple.fr", "mobile_phone": "0612345678"}),
        )
        .await;
    let base = format!("/api/v1/contacts/{c}/consents");
    let (s, v) = t.get(&base, &admin).await;
    assert_eq!((s, v), (StatusCode::OK, json!([])));
    let sha = "ab".repeat(32);
    let (s, k) = t
        .post(
            &base,
            &admin,
            json!({"purpose": "marketing", "granted": true, "cgu_version_id": "cgu-2026-01",
                   "cgu_sha256": sha, "checkbox_label": "J'accepte de recevoir des offres",
                   "origin_page": "https://exemple.fr/devis"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    assert_eq!(k["contact_id"], c.as_str());
    assert_eq!(k["purpose"], "marketing");
    assert_eq!(k["granted"], true);
    assert_eq!(k["source"], "user");
    assert_eq!(k["actor_user_id"], t.acc.admin.as_str());
    assert_eq!(k["cgu_version_id"], "cgu-2026-01");
    assert_eq!(k["cgu_sha256"], sha.as_str());
    assert_eq!(k["checkbox_label"], "J'accepte de recevoir des offres");
    assert_eq!(k["origin_page"], "https://exemple.fr/devis");
    assert_eq!(k["ip"], Value::Null);
    let (s, v) = t.post(&base, &admin, json!({"purpose": "marketing"})).await;
    assert_invalid(
        s,
        &v,
        "granted",
        "Précisez s'il s'agit d'un accord ou d'un retrait.",
    );
    let (s, v) = t
        .post(
            &base,
            &admin,
            json!({"purpose": "marketing", "granted": true, "cgu_sha256": "xyz"}),
        )
        .await;
    assert_invalid(
        s,
        &v,
        "cgu_sha256",
        "L'empreinte SHA-256 doit compter 64 caractères hexadécimaux.",
    );
    let (s, v) = t.get(&base, &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v, json!([k.clone()]));

    // Before the objection an email can be recorded.
    let msgs = format!("/api/v1/contacts/{c}/messages");
    let email =
        json!({"channel": "email", "recipient": "elodie.durand@exemple.fr", "body": "Offre"});
    let (s, v) = t.post(&msgs, &admin, email.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    let opp = format!("/api/v1/contacts/{c}/opposition");
    let (s, v) = t.post(&opp, &admin, json!({})).await;
    assert_invalid(
        s,
        &v,
        "channel",
        "Indiquez par quel canal l'opposition a été reçue.",
    );
    let (s, o) = t.post(&opp, &admin, json!({"channel": "email"})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(o["id"], c.as_str());
    assert_eq!(o["opposition_channel"], "email");
    assert!((date_time(&o["opposition_at"]).timestamp_millis() - now_ms()).abs() < 60_000);

    // The objection is recorded as a withdrawal of marketing consent.
    let (_, v) = t.get(&base, &admin).await;
    let list = v.as_array().expect("consents");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0], k);
    assert_eq!(list[1]["purpose"], "marketing");
    assert_eq!(list[1]["granted"], false);
    assert_eq!(list[1]["source"], "user");
    assert_eq!(list[1]["actor_user_id"], t.acc.admin.as_str());

    // From now on no email or SMS to them; their own replies are still recorded.
    let (s, v) = t.post(&msgs, &admin, email.clone()).await;
    assert_err(s, &v, StatusCode::CONFLICT, "opposition", OPPOSITION_MSG);
    let (s, v) = t
        .post(
            &msgs,
            &admin,
            json!({"channel": "sms", "recipient": "06 12 34 56 78", "body": "Offre"}),
        )
        .await;
    assert_err(s, &v, StatusCode::CONFLICT, "opposition", OPPOSITION_MSG);
    let (s, v) = t
        .post(
            &msgs,
            &admin,
            json!({"channel": "email", "recipient": "elodie.durand@exemple.fr", "direction": "inbound",
                   "body": "Ne me contactez plus"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(total(&t, &admin, &msgs).await, 2);
    let (_, l) = t.get("/api/v1/contacts?opposition=true", &admin).await;
    assert_eq!(ids(&l["items"]), vec![c.clone()]);

    let unknown = uuid::Uuid::new_v4();
    let (s, v) = t
        .post(
            &format!("/api/v1/contacts/{unknown}/opposition"),
            &admin,
            json!({"channel": "email"}),
        )
        .await;
    assert_not_found(s, &v);
    let (s, v) = t
        .get(&format!("/api/v1/contacts/{unknown}/consents"), &admin)
        .await;
    assert_not_found(s, &v);
}
