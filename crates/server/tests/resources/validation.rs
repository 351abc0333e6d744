//! Bad bodies: malformed JSON, wrong types, unknown fields, invalid values (French
//! messages, nothing stored).

use crate::common::TestApp;
use crate::support::*;
use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn malformed_json_wrong_types_and_unknown_fields() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let json_headers = [
        ("x-oubli-request", "1"),
        (header::CONTENT_TYPE.as_str(), "application/json"),
    ];
    let bodies: [&[u8]; 4] = [b"{\"last_name\": ", b"{last_name: 'x'}", b"", b"\xff\xfe"];
    for body in bodies {
        let (s, v) = t
            .send(request(
                Method::POST,
                "/api/v1/contacts",
                Some(&admin),
                &json_headers,
                body.to_vec(),
            ))
            .await;
        assert_err(
            s,
            &v,
            StatusCode::BAD_REQUEST,
            "bad_request",
            "Le corps de la requête n'est pas un JSON valide.",
        );
    }
    let (s, v) = t
        .send(request(
            Method::POST,
            "/api/v1/contacts",
            Some(&admin),
            &[("x-oubli-request", "1")],
            b"{\"last_name\": \"x\"}".to_vec(),
        ))
        .await;
    assert_err(
        s,
        &v,
        StatusCode::BAD_REQUEST,
        "bad_request",
        "Le corps de la requête doit être du JSON (Content-Type: application/json).",
    );

    for (body, field) in [
        (json!({"last_name": "X", "birth_date": 12}), "birth_date"),
        (
            json!({"last_name": "X", "lead_cost_cents": "abc"}),
            "lead_cost_cents",
        ),
        (json!({"last_name": "X", "status": "vip"}), "status"),
        (json!({"last_name": 42}), "last_name"),
        (json!({"last_name": "X", "nickname": "Lolo"}), "nickname"),
    ] {
        let (s, v) = t.post("/api/v1/contacts", &admin, body).await;
        assert_invalid(s, &v, field, TYPE_MSG);
    }
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    for (path, body, field) in [
        (
            "/api/v1/projects".to_string(),
            json!({"contact_id": c, "type": "sante", "beneficiaries": [{"first_name": "A", "birth_date": 2012}]}),
            "beneficiaries[0].birth_date",
        ),
        (
            "/api/v1/projects".to_string(),
            json!({"contact_id": c, "type": "sante", "subscriptions": [{"iban": "x", "foo": 1}]}),
            "foo",
        ),
        (
            format!("/api/v1/contacts/{c}/tasks"),
            json!({"title": "x", "done": "yes"}),
            "done",
        ),
        (
            format!("/api/v1/contacts/{c}/household"),
            json!({"first_name": "x", "age": 3}),
            "age",
        ),
    ] {
        let (s, v) = t.post(&path, &admin, body).await;
        assert_invalid(s, &v, field, TYPE_MSG);
    }
    // Unknown fields on PATCH are named too.
    let (s, v) = t
        .patch(
            &format!("/api/v1/contacts/{c}"),
            &admin,
            json!({"nickname": "Lolo"}),
        )
        .await;
    assert_invalid(s, &v, "nickname", TYPE_MSG);
    // A PATCH body that is not an object is malformed.
    for body in [json!([]), json!("x"), json!(null)] {
        let (s, v) = t
            .patch(&format!("/api/v1/contacts/{c}"), &admin, body)
            .await;
        assert_err(
            s,
            &v,
            StatusCode::BAD_REQUEST,
            "bad_request",
            "Le corps doit être un objet JSON.",
        );
    }
    assert_eq!(total(&t, &admin, "/api/v1/contacts").await, 1);
    assert_eq!(total(&t, &admin, "/api/v1/projects").await, 0);
}

/// The field with the wrong type must be named on PATCH as on POST.
#[tokio::test]
async fn patch_wrong_type_names_the_field() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let mut failures = Vec::new();
    for (body, field) in [
        (json!({"birth_date": 12}), "birth_date"),
        (json!({"lead_cost_cents": "abc"}), "lead_cost_cents"),
        (json!({"status": "vip"}), "status"),
    ] {
        let (s, v) = t
            .patch(&format!("/api/v1/contacts/{c}"), &admin, body.clone())
            .await;
        if s != StatusCode::UNPROCESSABLE_ENTITY || v["error"]["fields"][field] != TYPE_MSG {
            failures.push(format!("PATCH {body} → {s} {v}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[tokio::test]
async fn invalid_values_are_refused_in_french_and_nothing_is_stored() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = durand(&t, &admin).await;
    let sante = project(&t, &admin, json!({"contact_id": c, "type": "sante"})).await;
    let long = "x".repeat(201);
    for (field, value, msg) in [
        ("email", "pas-un-email", "L'adresse e-mail doit contenir le caractère @."),
        ("email", "jean@exemple", "Le nom de domaine après le @ doit contenir un point (ex. : exemple.fr)."),
        ("mobile_phone", "0612", "Un numéro de téléphone français compte 10 chiffres (ex. : 06 12 34 56 78)."),
        ("landline_phone", "+44 20 7946 0958", "Seuls les numéros français sont acceptés : l'indicatif doit être +33 (ou +262, +590, +594, +596 pour l'outre-mer)."),
        ("siret", "732 829 320 00075", "Le numéro SIRET est invalide : vérifiez les chiffres saisis (clé de contrôle incorrecte)."),
        ("siret", "1234", "Le numéro SIRET doit comporter 14 chiffres."),
        ("postal_code", "7501", "Le code postal doit comporter 5 chiffres."),
        ("postal_code", "00100", "Ce code postal ne correspond à aucun département français."),
        ("first_name", long.as_str(), "Ce champ ne peut pas dépasser 200 caractères."),
        ("birth_date", "1850-01-01", "La date de naissance est invraisemblable (avant 1900)."),
    ] {
        let (s, v) = t
            .post(
                "/api/v1/contacts",
                &admin,
                json!({"last_name": "Nouveau", field: value}),
            )
            .await;
        assert_invalid(s, &v, field, msg);
        // The same on PATCH, and the record is unchanged.
        let (s, v) = t
            .patch(&format!("/api/v1/contacts/{c}"), &admin, json!({ field: value }))
            .await;
        assert_invalid(s, &v, field, msg);
    }
    let (s, v) = t.post("/api/v1/contacts", &admin, json!({})).await;
    assert_invalid(
        s,
        &v,
        "last_name",
        "Indiquez le nom du contact ou sa raison sociale.",
    );
    let (s, v) = t
        .post(
            "/api/v1/contacts",
            &admin,
            json!({"last_name": "X", "lead_cost_cents": -100}),
        )
        .await;
    assert_invalid(
        s,
        &v,
        "lead_cost_cents",
        "Le montant doit être positif et raisonnable.",
    );
    assert_eq!(total(&t, &admin, "/api/v1/contacts").await, 1);
    let (_, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(d["email"], "elodie.durand@exemple.fr");
    assert_eq!(d["postal_code"], Value::Null);

    // Subscriptions are keyed subscriptions.<index>.<field>.
    for (sub, key, msg) in [
        (
            json!({"iban": "FR77 3000 6000 0112 3456 7890 189"}),
            "subscriptions.0.iban",
            "L'IBAN est invalide : vérifiez les caractères saisis (clé de contrôle incorrecte).",
        ),
        (
            json!({"iban": "FR76 3000 6000 0112 3456 7890 18"}),
            "subscriptions.0.iban",
            "La longueur de l'IBAN ne correspond pas à son pays (27 caractères pour la France).",
        ),
        (
            json!({"nir": "1 85 05 78 006 084 36"}),
            "subscriptions.0.nir",
            "La clé du numéro de sécurité sociale (2 derniers chiffres) ne correspond pas : vérifiez les chiffres saisis.",
        ),
        (
            json!({"nir": "1 85 13 78 006 084 91"}),
            "subscriptions.0.nir",
            "Le mois de naissance (4e et 5e chiffres) du numéro de sécurité sociale est invalide.",
        ),
        (
            json!({"bic": "BNPAFRP"}),
            "subscriptions.0.bic",
            "Le code BIC doit comporter 8 ou 11 caractères.",
        ),
        (
            json!({"bic": "BNP1FRPP"}),
            "subscriptions.0.bic",
            "Les 4 premiers caractères du code BIC (la banque) doivent être des lettres.",
        ),
        (
            json!({"code_organisme": "00 751 0000"}),
            "subscriptions.0.code_organisme",
            "Le code régime (2 premiers chiffres) est invalide.",
        ),
    ] {
        let (s, v) = t
            .post(
                "/api/v1/projects",
                &admin,
                json!({"contact_id": c, "type": "sante", "subscriptions": [sub.clone()]}),
            )
            .await;
        assert_invalid(s, &v, key, msg);
        let (s, v) = t
            .patch(
                &format!("/api/v1/projects/{sante}"),
                &admin,
                json!({"subscriptions": [{"iban": IBAN_OK}, sub]}),
            )
            .await;
        assert_invalid(s, &v, &key.replace(".0.", ".1."), msg);
    }
    // The second subscription of a list is keyed .1.
    let (s, v) = t
        .post(
            "/api/v1/projects",
            &admin,
            json!({"contact_id": c, "type": "sante",
                   "subscriptions": [{"iban": IBAN_OK}, {"iban": "FR00 1234"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let keys: Vec<&String> = v["error"]["fields"]
        .as_object()
        .expect("fields")
        .keys()
        .collect();
    assert_eq!(keys, vec!["subscriptions.1.iban"]);
    // A NIR on an "auto" project.
    let (s, v) = t
        .post(
            "/api/v1/projects",
            &admin,
            json!({"contact_id": c, "type": "auto", "subscriptions": [{"nir": NIR_OK}]}),
        )
        .await;
    assert_invalid(s, &v, "subscriptions.0.nir", NIR_ONLY_HEALTH);
    // Turning a santé project holding a NIR into "auto" is refused as well.
    let (s, v) = t
        .patch(
            &format!("/api/v1/projects/{sante}"),
            &admin,
            json!({"subscriptions": [{"nir": NIR_OK}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = t
        .patch(
            &format!("/api/v1/projects/{sante}"),
            &admin,
            json!({"type": "auto"}),
        )
        .await;
    assert_invalid(s, &v, "subscriptions.0.nir", NIR_ONLY_HEALTH);
    // Beneficiaries.
    let (s, v) = t
        .post(
            "/api/v1/projects",
            &admin,
            json!({"contact_id": c, "type": "sante", "beneficiaries": [{"first_name": "A"}, {"birth_date": "2010-01-01"}]}),
        )
        .await;
    assert_invalid(
        s,
        &v,
        "beneficiaries.1.last_name",
        "Indiquez au moins un nom ou un prénom.",
    );
    let many: Vec<Value> = (0..51)
        .map(|i| json!({"first_name": format!("B{i}")}))
        .collect();
    let (s, v) = t
        .post(
            "/api/v1/projects",
            &admin,
            json!({"contact_id": c, "type": "sante", "beneficiaries": many}),
        )
        .await;
    assert_invalid(
        s,
        &v,
        "beneficiaries",
        "Un projet compte au plus 50 bénéficiaires et 50 souscriptions.",
    );
    assert_eq!(total(&t, &admin, "/api/v1/projects").await, 1);
    let (_, p) = t.get(&format!("/api/v1/projects/{sante}"), &admin).await;
    assert_eq!(p["type"], "sante");
    assert_eq!(p["subscriptions"][0]["nir"], NIR_OK_COMPACT);
    assert_eq!(p["subscriptions"].as_array().map(Vec::len), Some(1));

    // Assignment outside what the role allows.
    let sales1 = t.login("commercial1@demo.fr").await;
    let (s, v) = t
        .post(
            "/api/v1/contacts",
            &sales1,
            json!({"last_name": "X", "assigned_to": t.acc.sales2}),
        )
        .await;
    assert_invalid(
        s,
        &v,
        "assigned_to",
        "Vous ne pouvez pas attribuer ce dossier à cet utilisateur.",
    );
    let (s, v) = t
        .post(
            "/api/v1/contacts",
            &admin,
            json!({"last_name": "X", "assigned_to": t.acc.witness_admin}),
        )
        .await;
    assert_invalid(s, &v, "assigned_to", "Utilisateur inconnu dans ce cabinet.");
    assert_eq!(total(&t, &admin, "/api/v1/contacts").await, 1);
}
