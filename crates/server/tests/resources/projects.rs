//! Projects with beneficiaries and subscriptions; `null` removes an array (RFC 7396).

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

const IBAN_OK_COMPACT: &str = "FR7630006000011234567890189";

#[tokio::test]
async fn projects_with_beneficiaries_and_subscriptions() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(
            &admin,
            json!({"last_name": "Durand", "assigned_to": t.acc.sales1}),
        )
        .await;
    let other = t.contact(&admin, json!({"last_name": "Autre"})).await;
    let (s, p) = t
        .post(
            "/api/v1/projects",
            &admin,
            json!({
                "contact_id": c,
                "type": "sante",
                "status": "en_cours",
                "supplier": "LeadCo",
                "comment": "Mutuelle famille",
                "beneficiaries": [
                    {"first_name": "Lucas", "last_name": "Durand", "birth_date": "2012-09-01"},
                    {"first_name": "Emma", "birth_date": "2015-02-03"}
                ],
                "subscriptions": [
                    {"nir": NIR_OK, "code_organisme": "01 751 0000", "iban": IBAN_OK, "bic": "bnpa fr pp xxx"}
                ]
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = id_of(&p);
    assert_eq!(p["contact_id"], c.as_str());
    assert_eq!(p["type"], "sante");
    assert_eq!(p["status"], "en_cours");
    assert_eq!(p["supplier"], "LeadCo");
    assert_eq!(p["comment"], "Mutuelle famille");
    assert_eq!(
        p["assigned_to"],
        t.acc.sales1.as_str(),
        "inherits the contact's owner"
    );
    assert_eq!(p["anonymized_at"], Value::Null);
    let bens = p["beneficiaries"].as_array().expect("beneficiaries");
    assert_eq!(bens.len(), 2);
    assert_eq!(bens[0]["first_name"], "Lucas");
    assert_eq!(bens[0]["last_name"], "Durand");
    assert_eq!(bens[0]["birth_date"], "2012-09-01");
    assert_eq!(bens[1]["first_name"], "Emma");
    assert_eq!(bens[1]["last_name"], Value::Null);
    assert!(bens.iter().all(|b| b["id"].is_string()));
    let subs = p["subscriptions"].as_array().expect("subscriptions");
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0]["nir"], NIR_OK_COMPACT);
    assert_eq!(subs[0]["code_organisme"], "017510000");
    assert_eq!(subs[0]["iban"], IBAN_OK_COMPACT);
    assert_eq!(subs[0]["bic"], "BNPAFRPPXXX");

    let (s, g) = t.get(&format!("/api/v1/projects/{pid}"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(g, p, "GET returns what POST returned");

    // PATCH without the arrays keeps them.
    let (s, q) = t
        .patch(
            &format!("/api/v1/projects/{pid}"),
            &admin,
            json!({"status": "devis_envoye"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{q}");
    assert_eq!(q["status"], "devis_envoye");
    assert_eq!(q["beneficiaries"], p["beneficiaries"]);
    assert_eq!(q["subscriptions"], p["subscriptions"]);
    assert_eq!(q["comment"], "Mutuelle famille");

    // PATCH with the arrays replaces them.
    let (s, r) = t
        .patch(
            &format!("/api/v1/projects/{pid}"),
            &admin,
            json!({"beneficiaries": [{"first_name": "Zoé", "last_name": "Durand"}],
                   "subscriptions": [], "comment": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["beneficiaries"].as_array().map(Vec::len), Some(1));
    assert_eq!(r["beneficiaries"][0]["first_name"], "Zoé");
    assert_eq!(r["subscriptions"], json!([]));
    assert_eq!(r["comment"], Value::Null);
    assert_eq!(r["status"], "devis_envoye");
    assert_eq!(r["supplier"], "LeadCo");
    let (_, g) = t.get(&format!("/api/v1/projects/{pid}"), &admin).await;
    assert_eq!(g["beneficiaries"], r["beneficiaries"]);
    assert_eq!(g["subscriptions"], json!([]));

    // A project never moves to another contact.
    let (s, v) = t
        .patch(
            &format!("/api/v1/projects/{pid}"),
            &admin,
            json!({"contact_id": other}),
        )
        .await;
    assert_invalid(s, &v, "contact_id", "Un projet ne change pas de contact.");

    // Lists and the contact record.
    let (s, l) = t.get("/api/v1/projects", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(l["total"], 1);
    // The list's row is the project plus its contact's name.
    let mut row = l["items"][0].clone();
    assert_eq!(row["contact_name"], "Durand");
    row.as_object_mut().expect("object").remove("contact_name");
    assert_eq!(row, g);
    let (_, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(d["projects"], json!([g]));

    // Visibility and unknown ids.
    let sales1 = t.login("commercial1@demo.fr").await;
    let sales2 = t.login("commercial2@demo.fr").await;
    let (s, _) = t.get(&format!("/api/v1/projects/{pid}"), &sales1).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = t.get(&format!("/api/v1/projects/{pid}"), &sales2).await;
    assert_not_found(s, &v);
    assert_eq!(total(&t, &sales2, "/api/v1/projects").await, 0);
    let unknown = uuid::Uuid::new_v4();
    let (s, v) = t.get(&format!("/api/v1/projects/{unknown}"), &admin).await;
    assert_not_found(s, &v);
    let (s, v) = t
        .patch(
            &format!("/api/v1/projects/{unknown}"),
            &admin,
            json!({"status": "perdu"}),
        )
        .await;
    assert_not_found(s, &v);
    let (s, v) = t
        .post(
            "/api/v1/projects",
            &admin,
            json!({"contact_id": unknown.to_string(), "type": "auto"}),
        )
        .await;
    assert_invalid(s, &v, "contact_id", "Contact introuvable.");
    let (s, v) = t
        .post("/api/v1/projects", &admin, json!({"contact_id": c}))
        .await;
    assert_invalid(s, &v, "type", "Choisissez le type de projet.");
    assert_eq!(total(&t, &admin, "/api/v1/projects").await, 1);
}

/// RFC 7396: `null` removes the member, so `"beneficiaries": null` leaves the project
/// without beneficiaries (the GET representation of "none" is `[]`); same for a
/// contract's `insured`.
#[tokio::test]
async fn patch_null_array_removes_it() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let pid = project(
        &t,
        &admin,
        json!({"contact_id": c, "type": "sante",
               "beneficiaries": [{"first_name": "Lucas"}],
               "subscriptions": [{"iban": IBAN_OK}]}),
    )
    .await;
    let (s, r) = t
        .patch(
            &format!("/api/v1/projects/{pid}"),
            &admin,
            json!({"beneficiaries": null, "subscriptions": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let k = contract(
        &t,
        &admin,
        json!({"project_id": pid, "insurer": "AXA", "insured": [{"first_name": "Lucas"}]}),
    )
    .await;
    let (s, kv) = t
        .patch(
            &format!("/api/v1/contracts/{k}"),
            &admin,
            json!({"insured": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{kv}");
    let mut wrong = Vec::new();
    for (what, got) in [
        ("project beneficiaries", &r["beneficiaries"]),
        ("project subscriptions", &r["subscriptions"]),
        ("contract insured", &kv["insured"]),
    ] {
        if got != &json!([]) {
            wrong.push(format!("{what}: {got}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "merge patch null must remove:\n{}",
        wrong.join("\n")
    );
}
