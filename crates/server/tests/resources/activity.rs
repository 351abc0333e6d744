//! Every kind of activity: create, read, list.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[tokio::test]
async fn every_activity_kind_create_read_list() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = durand(&t, &admin).await;
    let cases = [
        (
            "events",
            json!({"title": "Appel entrant", "body": "A demandé un devis", "direction": "inbound",
                   "occurred_at": "2026-03-01T10:00:00Z"}),
        ),
        ("notes", json!({"body": "Préfère être appelée le matin"})),
        (
            "tasks",
            json!({"title": "Envoyer le devis", "due_date": "2026-12-15", "assigned_to": t.acc.sales1,
                   "done": false}),
        ),
        (
            "appointments",
            json!({"title": "RDV agence", "starts_at": "2026-12-10T09:00:00Z",
                   "ends_at": "2026-12-10T10:00:00Z", "location": "Agence de Lille"}),
        ),
        (
            "quotes",
            json!({"title": "Devis santé", "amount_cents": 8950}),
        ),
        ("advice_docs", json!({"title": "Devoir de conseil santé"})),
        (
            "membership_forms",
            json!({"title": "Bulletin Harmonie", "signed": true}),
        ),
        (
            "messages",
            json!({"channel": "email", "recipient": "elodie.durand@exemple.fr", "title": "Votre devis",
                   "body": "Bonjour", "direction": "outbound", "occurred_at": "2026-11-01T08:30:00Z"}),
        ),
    ];
    let mut created: BTreeMap<&str, Value> = BTreeMap::new();
    for (kind, body) in &cases {
        let base = format!("/api/v1/contacts/{c}/{kind}");
        let (s, a) = t.post(&base, &admin, body.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{kind}: {a}");
        assert_eq!(a["kind"], *kind);
        assert_eq!(a["contact_id"], c.as_str());
        assert_eq!(a["author_id"], t.acc.admin.as_str());
        for (k, want) in body.as_object().expect("object") {
            assert_eq!(&a[k], want, "{kind}.{k}");
        }
        let (s, l) = t.get(&base, &admin).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(l["total"], 1, "{kind}");
        assert_eq!(l["next"], Value::Null);
        assert_eq!(l["items"], json!([a.clone()]), "{kind}");
        let (s, one) = t.get(&format!("{base}/{}", id_of(&a)), &admin).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(one, a, "{kind}");
        created.insert(kind, a);
    }
    // Notes and tasks get no occurred_at; events and messages default to now.
    let (s, ev) = t
        .post(
            &format!("/api/v1/contacts/{c}/events"),
            &admin,
            json!({"title": "Visite"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert!((date_time(&ev["occurred_at"]).timestamp_millis() - now_ms()).abs() < 60_000);
    assert_eq!(created["notes"]["occurred_at"], Value::Null);

    // An inbound event sets the contact's last inbound interaction.
    let (_, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(
        date_time(&d["last_inbound_at"]),
        date_time(&json!("2026-03-01T10:00:00Z"))
    );

    // A document too, then the counts of every kind.
    let (s, doc) = upload(
        &t,
        &admin,
        &c,
        multipart(&[("file", Some(("a.txt", "text/plain")), b"hello")]),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{doc}");
    let (_, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(
        d["activity_counts"],
        json!({"advice_docs": 1, "appointments": 1, "documents": 1, "events": 2,
               "membership_forms": 1, "messages": 1, "notes": 1, "quotes": 1, "tasks": 1})
    );

    // Merge patch of an item.
    let task = id_of(&created["tasks"]);
    let (s, p) = t
        .patch(
            &format!("/api/v1/contacts/{c}/tasks/{task}"),
            &admin,
            json!({"done": true, "due_date": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["done"], true);
    assert_eq!(p["due_date"], Value::Null);
    assert_eq!(p["title"], "Envoyer le devis");
    assert_eq!(p["assigned_to"], t.acc.sales1.as_str());

    // What each kind requires.
    for (kind, body, field, msg) in [
        ("notes", json!({}), "body", "La note est vide."),
        (
            "tasks",
            json!({"body": "x"}),
            "title",
            "Donnez un intitulé.",
        ),
        ("events", json!({}), "title", "Donnez un intitulé."),
        ("quotes", json!({}), "title", "Donnez un intitulé."),
        ("advice_docs", json!({}), "title", "Donnez un intitulé."),
        (
            "membership_forms",
            json!({}),
            "title",
            "Donnez un intitulé.",
        ),
        (
            "appointments",
            json!({}),
            "starts_at",
            "Indiquez la date et l'heure du rendez-vous.",
        ),
        (
            "appointments",
            json!({"starts_at": "2026-12-10T09:00:00Z", "ends_at": "2026-12-10T08:00:00Z"}),
            "ends_at",
            "La fin précède le début.",
        ),
        ("messages", json!({}), "channel", "Choisissez email ou SMS."),
        (
            "messages",
            json!({"channel": "email"}),
            "recipient",
            "Indiquez le destinataire.",
        ),
        (
            "messages",
            json!({"channel": "email", "recipient": "pas-un-email"}),
            "recipient",
            "L'adresse e-mail doit contenir le caractère @.",
        ),
        (
            "messages",
            json!({"channel": "sms", "recipient": "0612"}),
            "recipient",
            "Un numéro de téléphone français compte 10 chiffres (ex. : 06 12 34 56 78).",
        ),
        (
            "quotes",
            json!({"title": "x", "amount_cents": -1}),
            "amount_cents",
            "Le montant doit être positif et raisonnable.",
        ),
    ] {
        let (s, v) = t
            .post(&format!("/api/v1/contacts/{c}/{kind}"), &admin, body)
            .await;
        assert_invalid(s, &v, field, msg);
    }
    let (_, d2) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(
        d2["activity_counts"], d["activity_counts"],
        "nothing stored"
    );

    // Unknown kind, unknown item, unknown contact.
    let (s, v) = t.get(&format!("/api/v1/contacts/{c}/bogus"), &admin).await;
    assert_not_found(s, &v);
    let unknown = uuid::Uuid::new_v4();
    let (s, v) = t
        .get(&format!("/api/v1/contacts/{c}/notes/{unknown}"), &admin)
        .await;
    assert_not_found(s, &v);
    let (s, v) = t
        .get(&format!("/api/v1/contacts/{unknown}/notes"), &admin)
        .await;
    assert_not_found(s, &v);
    let (s, v) = t
        .post(
            &format!("/api/v1/contacts/{unknown}/notes"),
            &admin,
            json!({"body": "x"}),
        )
        .await;
    assert_not_found(s, &v);
}
