//! Contacts: create, read, merge-patch, list, delete; the contact detail.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

const SIRET_OK: &str = "732 829 320 00074";

#[tokio::test]
async fn contacts_create_read_patch_list_delete() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let (s, v) = t.get("/api/v1/contacts", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v, json!({"items": [], "next": null, "total": 0}));

    let (s, c) = t
        .post(
            "/api/v1/contacts",
            &admin,
            json!({
                "civility": "mme",
                "first_name": "  Élodie ",
                "last_name": "Durand",
                "company_name": "Durand SARL",
                "siret": SIRET_OK,
                "email": "Elodie.Durand@Exemple.FR",
                "mobile_phone": "06 12 34 56 78",
                "landline_phone": "+33 1 23 45 67 89",
                "street": "12 rue des Lilas",
                "postal_code": "75011",
                "city": "Paris",
                "birth_date": "1980-04-12",
                "status": "prospect",
                "supplier": "LeadCo",
                "lead_cost_cents": 1250,
                "lead_purchased_on": "2026-01-15",
                "lawful_basis": "consent",
                "lawful_basis_source": "formulaire web",
                "comment": "Rappeler mardi"
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = id_of(&c);
    let expected = json!({
        "civility": "mme",
        "first_name": "Élodie",
        "last_name": "Durand",
        "company_name": "Durand SARL",
        "siret": "73282932000074",
        "email": "elodie.durand@exemple.fr",
        "mobile_phone": "06 12 34 56 78",
        "landline_phone": "+33 1 23 45 67 89",
        "street": "12 rue des Lilas",
        "postal_code": "75011",
        "city": "Paris",
        "birth_date": "1980-04-12",
        "status": "prospect",
        "supplier": "LeadCo",
        "lead_cost_cents": 1250,
        "lead_purchased_on": "2026-01-15",
        "assigned_to": t.acc.admin,
        "lawful_basis": "consent",
        "lawful_basis_source": "formulaire web",
        "comment": "Rappeler mardi",
        "last_inbound_at": null,
        "opposition_at": null,
        "opposition_channel": null,
        "anonymized_at": null,
    });
    for (k, want) in expected.as_object().expect("object") {
        assert_eq!(&c[k], want, "POST field {k}");
    }
    let created = date_time(&c["created_at"]);
    assert!((created.timestamp_millis() - now_ms()).abs() < 60_000);

    // GET one: the whole record.
    let (s, d) = t.get(&format!("/api/v1/contacts/{id}"), &admin).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    for (k, want) in expected.as_object().expect("object") {
        assert_eq!(&d[k], want, "GET field {k}");
    }
    assert_eq!(d["id"], id.as_str());
    assert_eq!(d["created_at"], c["created_at"]);
    assert_eq!(d["household"], json!([]));
    assert_eq!(d["projects"], json!([]));
    assert_eq!(d["contracts"], json!([]));
    assert_eq!(
        d["activity_counts"],
        json!({"advice_docs": 0, "appointments": 0, "documents": 0, "events": 0,
               "membership_forms": 0, "messages": 0, "notes": 0, "quotes": 0, "tasks": 0})
    );

    // PATCH is a merge patch: named fields change, null removes, the rest stays.
    let (s, p) = t
        .patch(
            &format!("/api/v1/contacts/{id}"),
            &admin,
            json!({"city": "Lyon", "postal_code": "69003", "comment": null, "status": "client"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["city"], "Lyon");
    assert_eq!(p["postal_code"], "69003");
    assert_eq!(p["comment"], Value::Null);
    assert_eq!(p["status"], "client");
    for k in [
        "first_name",
        "last_name",
        "email",
        "siret",
        "birth_date",
        "supplier",
        "lead_cost_cents",
        "assigned_to",
        "lawful_basis",
    ] {
        assert_eq!(p[k], expected[k], "PATCH kept {k}");
    }
    assert_eq!(p["created_at"], c["created_at"]);
    assert!(date_time(&p["updated_at"]) >= date_time(&c["updated_at"]));
    let (_, d) = t.get(&format!("/api/v1/contacts/{id}"), &admin).await;
    assert_eq!(d["city"], "Lyon");
    assert_eq!(d["comment"], Value::Null);

    // A second contact with only a company name; newest first in the list.
    let (s, c2) = t
        .post("/api/v1/contacts", &admin, json!({"company_name": "ACME"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c2}");
    assert_eq!(c2["status"], "prospect");
    assert_eq!(c2["last_name"], Value::Null);
    let id2 = id_of(&c2);
    set_created(&t, "contacts", &id, now_ms() - 10_000).await;
    let (s, l) = t.get("/api/v1/contacts", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(l["total"], 2);
    assert_eq!(l["next"], Value::Null);
    assert_eq!(ids(&l["items"]), vec![id2.clone(), id.clone()]);
    assert_eq!(l["items"][1]["city"], "Lyon");

    // Other cabinets and other salespeople do not see it; sales may not delete.
    let witness = t.login("admin@temoin.fr").await;
    let (s, v) = t.get(&format!("/api/v1/contacts/{id}"), &witness).await;
    assert_not_found(s, &v);
    let (s, v) = t
        .patch(
            &format!("/api/v1/contacts/{id}"),
            &witness,
            json!({"city": "Nice"}),
        )
        .await;
    assert_not_found(s, &v);
    assert_eq!(total(&t, &witness, "/api/v1/contacts").await, 0);
    let sales1 = t.login("commercial1@demo.fr").await;
    let (s, v) = t.get(&format!("/api/v1/contacts/{id}"), &sales1).await;
    assert_not_found(s, &v);
    let own = t.contact(&sales1, json!({"last_name": "Petit"})).await;
    let (s, v) = t.delete(&format!("/api/v1/contacts/{own}"), &sales1).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["error"]["code"], "forbidden");

    // DELETE by the admin.
    let (s, v) = t.delete(&format!("/api/v1/contacts/{id}"), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    let (s, v) = t.get(&format!("/api/v1/contacts/{id}"), &admin).await;
    assert_not_found(s, &v);
    let (s, v) = t.delete(&format!("/api/v1/contacts/{id}"), &admin).await;
    assert_not_found(s, &v);
    assert_eq!(total(&t, &admin, "/api/v1/contacts").await, 2);
}

#[tokio::test]
async fn contact_detail_returns_household_projects_contracts_and_counts() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Martin"})).await;
    let (s, m) = t
        .post(
            &format!("/api/v1/contacts/{c}/household"),
            &admin,
            json!({"first_name": "Léa", "relation": "child", "birth_date": "2014-05-06"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let p1 = project(&t, &admin, json!({"contact_id": c, "type": "sante"})).await;
    let p2 = project(&t, &admin, json!({"contact_id": c, "type": "auto"})).await;
    set_created(&t, "projects", &p1, now_ms() - 60_000).await;
    let k = contract(
        &t,
        &admin,
        json!({"project_id": p2, "insurer": "MAAF", "status": "actif", "monthly_premium_cents": 4200}),
    )
    .await;
    for (kind, body) in [
        ("notes", json!({"body": "Note 1"})),
        ("notes", json!({"body": "Note 2"})),
        ("tasks", json!({"title": "Rappeler"})),
    ] {
        let (s, v) = t
            .post(&format!("/api/v1/contacts/{c}/{kind}"), &admin, body)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (s, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(ids(&d["household"]), vec![id_of(&m)]);
    assert_eq!(d["household"][0]["first_name"], "Léa");
    assert_eq!(d["household"][0]["relation"], "child");
    assert_eq!(d["household"][0]["contact_id"], c.as_str());
    // Projects newest first.
    assert_eq!(ids(&d["projects"]), vec![p2.clone(), p1.clone()]);
    assert_eq!(d["projects"][0]["type"], "auto");
    assert_eq!(ids(&d["contracts"]), vec![k.clone()]);
    assert_eq!(d["contracts"][0]["insurer"], "MAAF");
    assert_eq!(d["contracts"][0]["project_id"], p2.as_str());
    assert_eq!(
        d["activity_counts"],
        json!({"advice_docs": 0, "appointments": 0, "documents": 0, "events": 0,
               "membership_forms": 0, "messages": 0, "notes": 2, "quotes": 0, "tasks": 1})
    );
}
