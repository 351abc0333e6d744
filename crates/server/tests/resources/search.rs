//! Search (`q`) and the retention preset.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;
use std::collections::BTreeMap;

#[tokio::test]
async fn search_q_is_case_insensitive_and_treats_wildcards_literally() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let mut names = BTreeMap::new();
    for (label, body) in [
        (
            "under",
            json!({"last_name": "Dupont_Martin", "company_name": "Taux 100% garanti"}),
        ),
        (
            "x",
            json!({"last_name": "DupontXMartin", "company_name": "Taux 1000 garanti"}),
        ),
        (
            "mail",
            json!({"last_name": "Martin", "email": "j.martin@exemple.fr", "city": "Lille"}),
        ),
        (
            "city",
            json!({"first_name": "Jeanne", "last_name": "Leroy", "city": "MARSEILLE"}),
        ),
        ("back", json!({"last_name": "Anti\\Slash"})),
    ] {
        let id = t.contact(&admin, body).await;
        names.insert(id, label.to_string());
    }
    let mut k = Checks::default();
    for (q, want) in [
        ("dupont_m", vec!["under"]),
        ("DUPONT_MARTIN", vec!["under"]),
        ("100%25", vec!["under"]),
        ("%25", vec!["under"]),
        ("_", vec!["under"]),
        ("dupont", vec!["under", "x"]),
        ("DUPONT", vec!["under", "x"]),
        ("garanti", vec!["under", "x"]),
        ("marseille", vec!["city"]),
        ("jEaNnE", vec!["city"]),
        ("EXEMPLE.FR", vec!["mail"]),
        ("lille", vec!["mail"]),
        ("martin", vec!["mail", "under", "x"]),
        ("%5C", vec!["back"]),
        ("anti%5Cslash", vec!["back"]),
        ("%27%20OR%20%271%27%3D%271", vec![]),
        ("zzz", vec![]),
    ] {
        let got = labels(&t, &admin, &format!("/api/v1/contacts?q={q}"), &names).await;
        k.eq(&format!("q={q}"), got, &want);
    }
    k.finish();
}

/// French names are often typed in capitals with accents; the search must still find
/// them whatever the case of the query.
#[tokio::test]
async fn search_q_is_case_insensitive_for_accented_letters() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let mut names = BTreeMap::new();
    let id = t
        .contact(
            &admin,
            json!({"first_name": "ÉLODIE", "last_name": "LEFÈVRE", "city": "ORLÉANS"}),
        )
        .await;
    names.insert(id, "lefevre".to_string());
    let mut k = Checks::default();
    for q in ["lefèvre", "LEFÈVRE", "élodie", "orléans"] {
        let enc: String = q
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let got = labels(&t, &admin, &format!("/api/v1/contacts?q={enc}"), &names).await;
        k.eq(&format!("q={q}"), got, &["lefevre"]);
    }
    k.finish();
}

#[tokio::test]
async fn retention_preset_follows_contracts_and_inbound_interactions() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let mut names = BTreeMap::new();
    let mut c = BTreeMap::new();
    for (label, body) in [
        ("old", json!({"last_name": "Ancien", "status": "prospect"})),
        (
            "old_client",
            json!({"last_name": "Client", "status": "client"}),
        ),
        (
            "old_inbound",
            json!({"last_name": "Revenu", "status": "prospect"}),
        ),
        (
            "recent",
            json!({"last_name": "Récent", "status": "prospect"}),
        ),
        (
            "old_contract",
            json!({"last_name": "Assuré", "status": "prospect"}),
        ),
    ] {
        let id = t.contact(&admin, body).await;
        names.insert(id.clone(), label.to_string());
        c.insert(label, id);
    }
    for label in ["old", "old_client", "old_inbound", "old_contract"] {
        set_created(&t, "contacts", &c[label], ms(2018, 1, 1)).await;
    }
    // Created 35 months ago: inside the 36-month retention period.
    let recent = chrono::Utc::now()
        .checked_sub_months(chrono::Months::new(35))
        .expect("date")
        .timestamp_millis();
    set_created(&t, "contacts", &c["recent"], recent).await;
    let (s, v) = t
        .post(
            &format!("/api/v1/contacts/{}/events", c["old_inbound"]),
            &admin,
            json!({"title": "Rappel du client", "direction": "inbound"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // An outbound interaction does not reset the clock.
    let (s, v) = t
        .post(
            &format!("/api/v1/contacts/{}/events", c["old"]),
            &admin,
            json!({"title": "Relance", "direction": "outbound"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let p = project(
        &t,
        &admin,
        json!({"contact_id": c["old_contract"], "type": "auto"}),
    )
    .await;
    let (s, k) = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({"project_id": p, "insurer": "MAIF", "status": "actif"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let kid = id_of(&k);

    let path = "/api/v1/contacts?preset=retention";
    assert_eq!(labels(&t, &admin, path, &names).await, vec!["old"]);
    // Once the contract ends, that prospect is due too.
    let (s, v) = t
        .patch(
            &format!("/api/v1/contracts/{kid}"),
            &admin,
            json!({"status": "resilie"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        labels(&t, &admin, path, &names).await,
        vec!["old", "old_contract"]
    );
    // An active contract takes it out again.
    let (s, v) = t
        .patch(
            &format!("/api/v1/contracts/{kid}"),
            &admin,
            json!({"status": "actif"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(labels(&t, &admin, path, &names).await, vec!["old"]);
}
