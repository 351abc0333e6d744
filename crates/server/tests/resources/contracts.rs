//! Contracts with their insured.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn contracts_with_insured() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let pid = project(&t, &admin, json!({"contact_id": c, "type": "sante"})).await;
    let other_p = project(&t, &admin, json!({"contact_id": c, "type": "prevoyance"})).await;
    let auto = project(&t, &admin, json!({"contact_id": c, "type": "auto"})).await;

    let (s, k) = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({
                "project_id": pid,
                "insurer": "Harmonie Mutuelle",
                "product": "Santé Famille",
                "monthly_premium_cents": 8950,
                "start_date": "2026-01-01",
                "status": "actif",
                "nir": NIR_OK,
                "code_organisme": "01 751 0000",
                "insured": [
                    {"first_name": "Élodie", "last_name": "Durand", "birth_date": "1980-04-12"},
                    {"first_name": "Lucas"}
                ]
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let kid = id_of(&k);
    assert_eq!(k["project_id"], pid.as_str());
    assert_eq!(k["contact_id"], c.as_str());
    assert_eq!(k["insurer"], "Harmonie Mutuelle");
    assert_eq!(k["product"], "Santé Famille");
    assert_eq!(k["monthly_premium_cents"], 8950);
    assert_eq!(k["start_date"], "2026-01-01");
    assert_eq!(k["end_date"], Value::Null);
    assert_eq!(k["status"], "actif");
    assert_eq!(k["nir"], NIR_OK_COMPACT);
    assert_eq!(k["code_organisme"], "017510000");
    let insured = k["insured"].as_array().expect("insured");
    assert_eq!(insured.len(), 2);
    assert_eq!(insured[0]["first_name"], "Élodie");
    assert_eq!(insured[0]["birth_date"], "1980-04-12");
    assert_eq!(insured[1]["first_name"], "Lucas");

    let (s, g) = t.get(&format!("/api/v1/contracts/{kid}"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(g, k);

    // PATCH without insured keeps them.
    let (s, p) = t
        .patch(
            &format!("/api/v1/contracts/{kid}"),
            &admin,
            json!({"monthly_premium_cents": 9200}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["monthly_premium_cents"], 9200);
    assert_eq!(p["insured"], k["insured"]);
    assert_eq!(p["product"], "Santé Famille");

    // PATCH with insured replaces them.
    let (s, p) = t
        .patch(
            &format!("/api/v1/contracts/{kid}"),
            &admin,
            json!({"insured": [{"first_name": "Lucas", "last_name": "Durand"}],
                   "end_date": "2026-12-31", "status": "resilie", "product": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["insured"].as_array().map(Vec::len), Some(1));
    assert_eq!(p["insured"][0]["last_name"], "Durand");
    assert_eq!(p["end_date"], "2026-12-31");
    assert_eq!(p["status"], "resilie");
    assert_eq!(p["product"], Value::Null);
    assert_eq!(p["monthly_premium_cents"], 9200);

    let (s, v) = t
        .patch(
            &format!("/api/v1/contracts/{kid}"),
            &admin,
            json!({"end_date": "2025-01-01"}),
        )
        .await;
    assert_invalid(s, &v, "end_date", "La date de fin précède la date d'effet.");
    let (s, v) = t
        .patch(
            &format!("/api/v1/contracts/{kid}"),
            &admin,
            json!({"project_id": other_p}),
        )
        .await;
    assert_invalid(s, &v, "project_id", "Un contrat ne change pas de projet.");

    // Lists.
    assert_eq!(total(&t, &admin, "/api/v1/contracts").await, 1);
    assert_eq!(
        total(&t, &admin, &format!("/api/v1/contracts?contact_id={c}")).await,
        1
    );
    assert_eq!(
        total(
            &t,
            &admin,
            &format!("/api/v1/contracts?project_id={other_p}")
        )
        .await,
        0
    );
    assert_eq!(total(&t, &admin, "/api/v1/contracts?status=actif").await, 0);
    assert_eq!(
        total(&t, &admin, "/api/v1/contracts?status=resilie").await,
        1
    );
    let (s, v) = t.get("/api/v1/contracts?status=bogus", &admin).await;
    assert_invalid(s, &v, "status", "Statut de contrat inconnu.");
    let (_, l) = t.get("/api/v1/contracts", &admin).await;
    assert_eq!(ids(&l["items"]), vec![kid.clone()]);
    assert_eq!(l["items"][0]["insured"], p["insured"]);
    let (_, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(ids(&d["contracts"]), vec![kid.clone()]);

    // Validation.
    let (s, v) = t
        .post("/api/v1/contracts", &admin, json!({"project_id": pid}))
        .await;
    assert_invalid(s, &v, "insurer", "Indiquez l'assureur.");
    let unknown = uuid::Uuid::new_v4().to_string();
    let (s, v) = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({"project_id": unknown, "insurer": "AXA"}),
        )
        .await;
    assert_invalid(s, &v, "project_id", "Projet introuvable.");
    let (s, v) = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({"project_id": auto, "insurer": "AXA", "nir": NIR_OK}),
        )
        .await;
    assert_invalid(s, &v, "nir", NIR_ONLY_HEALTH);
    let (s, v) = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({"project_id": pid, "insurer": "AXA", "nir": "1 85 05 78 006 084 36"}),
        )
        .await;
    assert_invalid(
        s,
        &v,
        "nir",
        "La clé du numéro de sécurité sociale (2 derniers chiffres) ne correspond pas : vérifiez les chiffres saisis.",
    );
    let (s, v) = t.get(&format!("/api/v1/contracts/{unknown}"), &admin).await;
    assert_not_found(s, &v);
    assert_eq!(total(&t, &admin, "/api/v1/contracts").await, 1);
}
