//! List filters of contacts and projects, each and combined, and their bad values.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;
use std::collections::BTreeMap;

/// Contacts A–F and their projects, made so that each filter selects an exact set.
///
/// | contact | status   | supplier  | assigned | created    | other                      | project                                   |
/// |---------|----------|-----------|----------|------------|----------------------------|-------------------------------------------|
/// | A       | prospect | LeadCo    | sales1   | 2019-06-01 |                            | pA sante nouveau LeadCo, 2019-06-01       |
/// | B       | client   | LeadCo    | sales2   | 2023-03-15 | inbound 2020-01-01         | pB auto contrat_actif Comparateur, 2023-03-15, active contract |
/// | C       | prospect | Mutuelle+ | sales1   | now        | inbound now                | pC habitation perdu LeadCo                |
/// | D       | client   | –         | admin    | now        | anonymized                 | pD prevoyance devis_envoye                |
/// | E       | prospect | Autre     | sales2   | now        | opposition                 | pE sante en_cours                         |
/// | F       | prospect | –         | admin    | now        |                            | –                                         |
///
/// The other cabinet holds W (prospect, LeadCo, 2019) with project pW (sante, LeadCo).
struct Fixture {
    t: TestApp,
    admin: String,
    names: BTreeMap<String, String>,
}

impl Fixture {
    async fn new() -> Fixture {
        let t = TestApp::new().await;
        let admin = t.login("admin@demo.fr").await;
        let witness = t.login("admin@temoin.fr").await;
        let mut names = BTreeMap::new();
        let s1 = t.acc.sales1.clone();
        let s2 = t.acc.sales2.clone();
        let ad = t.acc.admin.clone();
        let mut c = BTreeMap::new();
        for (label, body) in [
            (
                "A",
                json!({"last_name": "Alpha", "status": "prospect", "supplier": "LeadCo", "assigned_to": s1}),
            ),
            (
                "B",
                json!({"last_name": "Bravo", "status": "client", "supplier": "LeadCo", "assigned_to": s2}),
            ),
            (
                "C",
                json!({"last_name": "Charlie", "status": "prospect", "supplier": "Mutuelle+", "assigned_to": s1}),
            ),
            (
                "D",
                json!({"last_name": "Delta", "status": "client", "assigned_to": ad}),
            ),
            (
                "E",
                json!({"last_name": "Echo", "status": "prospect", "supplier": "Autre", "assigned_to": s2}),
            ),
            (
                "F",
                json!({"last_name": "Foxtrot", "status": "prospect", "assigned_to": ad}),
            ),
        ] {
            let id = t.contact(&admin, body).await;
            names.insert(id.clone(), label.to_string());
            c.insert(label, id);
        }
        let w = t
            .contact(
                &witness,
                json!({"last_name": "Alpha Témoin", "status": "prospect", "supplier": "LeadCo"}),
            )
            .await;
        names.insert(w.clone(), "W".into());
        let mut p = BTreeMap::new();
        for (label, contact, body) in [
            (
                "pA",
                "A",
                json!({"type": "sante", "status": "nouveau", "supplier": "LeadCo"}),
            ),
            (
                "pB",
                "B",
                json!({"type": "auto", "status": "contrat_actif", "supplier": "Comparateur"}),
            ),
            (
                "pC",
                "C",
                json!({"type": "habitation", "status": "perdu", "supplier": "LeadCo"}),
            ),
            (
                "pD",
                "D",
                json!({"type": "prevoyance", "status": "devis_envoye"}),
            ),
            ("pE", "E", json!({"type": "sante", "status": "en_cours"})),
        ] {
            let mut body = body;
            body["contact_id"] = json!(c[contact]);
            let id = project(&t, &admin, body).await;
            names.insert(id.clone(), label.to_string());
            p.insert(label, id);
        }
        let pw = project(
            &t,
            &witness,
            json!({"contact_id": w, "type": "sante", "supplier": "LeadCo"}),
        )
        .await;
        names.insert(pw.clone(), "pW".into());
        contract(
            &t,
            &admin,
            json!({"project_id": p["pB"], "insurer": "AXA", "status": "actif"}),
        )
        .await;
        for (label, body) in [
            (
                "B",
                json!({"title": "Appel", "direction": "inbound", "occurred_at": "2020-01-01T12:00:00Z"}),
            ),
            ("C", json!({"title": "Appel", "direction": "inbound"})),
        ] {
            let (s, v) = t
                .post(
                    &format!("/api/v1/contacts/{}/events", c[label]),
                    &admin,
                    body,
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let (s, v) = t
            .post(
                &format!("/api/v1/contacts/{}/opposition", c["E"]),
                &admin,
                json!({"channel": "phone"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let old = ms(2019, 6, 1);
        let mid = ms(2023, 3, 15);
        set_created(&t, "contacts", &c["A"], old).await;
        set_created(&t, "projects", &p["pA"], old).await;
        set_created(&t, "contacts", &c["B"], mid).await;
        set_created(&t, "projects", &p["pB"], mid).await;
        set_created(&t, "contacts", &w, old).await;
        set_created(&t, "projects", &pw, old).await;
        raw_sql(
            &t,
            &format!(
                "UPDATE contacts SET anonymized_at = {} WHERE id = '{}'",
                now_ms(),
                c["D"]
            ),
        )
        .await;
        Fixture { t, admin, names }
    }

    async fn get(&self, path: &str) -> Vec<String> {
        labels(&self.t, &self.admin, path, &self.names).await
    }
}

#[tokio::test]
async fn contact_list_filters_each_and_combined() {
    let f = Fixture::new().await;
    let a = &f.t.acc;
    let mut k = Checks::default();
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("".into(), vec!["A", "B", "C", "D", "E", "F"]),
        ("created_before=2024-01-01".into(), vec!["A", "B"]),
        ("created_before=2023-03-15".into(), vec!["A"]),
        (
            "created_after=2023-01-01".into(),
            vec!["B", "C", "D", "E", "F"],
        ),
        (
            "created_after=2023-03-15".into(),
            vec!["B", "C", "D", "E", "F"],
        ),
        ("created_after=2023-03-16".into(), vec!["C", "D", "E", "F"]),
        ("status=client".into(), vec!["B", "D"]),
        (
            "status=prospect,client".into(),
            vec!["A", "B", "C", "D", "E", "F"],
        ),
        ("status_not=client".into(), vec!["A", "C", "E", "F"]),
        ("status_not=prospect,client".into(), vec![]),
        ("type=sante".into(), vec!["A", "E"]),
        ("type=auto,habitation".into(), vec!["B", "C"]),
        ("type=obseques".into(), vec![]),
        ("supplier=LeadCo".into(), vec!["A", "B"]),
        ("supplier=Mutuelle%2B".into(), vec!["C"]),
        ("supplier=leadco".into(), vec![]),
        (format!("assigned_to={}", a.sales1), vec!["A", "C"]),
        (format!("assigned_to={}", a.admin), vec!["D", "F"]),
        (
            "last_interaction_before=2021-01-01".into(),
            vec!["A", "B", "D", "E", "F"],
        ),
        (
            "last_interaction_before=2019-12-31".into(),
            vec!["A", "D", "E", "F"],
        ),
        ("anonymized=true".into(), vec!["D"]),
        ("anonymized=false".into(), vec!["A", "B", "C", "E", "F"]),
        ("opposition=true".into(), vec!["E"]),
        ("opposition=false".into(), vec!["A", "B", "C", "D", "F"]),
        ("q=charlie".into(), vec!["C"]),
        ("preset=retention".into(), vec!["A"]),
        // Combinations.
        ("status=prospect&supplier=LeadCo".into(), vec!["A"]),
        (format!("assigned_to={}&status=client", a.sales2), vec!["B"]),
        ("type=sante&opposition=true".into(), vec!["E"]),
        (
            "created_after=2023-01-01&status_not=client".into(),
            vec!["C", "E", "F"],
        ),
        ("q=a&status=client".into(), vec!["B", "D"]),
        (
            "anonymized=false&last_interaction_before=2021-01-01".into(),
            vec!["A", "B", "E", "F"],
        ),
        ("created_before=2024-01-01&type=auto".into(), vec!["B"]),
        ("preset=retention&supplier=LeadCo".into(), vec!["A"]),
    ];
    for (q, want) in &cases {
        let got = f.get(&format!("/api/v1/contacts?{q}")).await;
        k.eq(&format!("/contacts?{q}"), got, want);
    }
    // Scope: another cabinet, a salesperson.
    let witness = f.t.login("admin@temoin.fr").await;
    let got = labels(&f.t, &witness, "/api/v1/contacts?supplier=LeadCo", &f.names).await;
    k.eq("witness /contacts?supplier=LeadCo", got, &["W"]);
    let sales1 = f.t.login("commercial1@demo.fr").await;
    let got = labels(&f.t, &sales1, "/api/v1/contacts?supplier=LeadCo", &f.names).await;
    k.eq("sales1 /contacts?supplier=LeadCo", got, &["A"]);
    let got = labels(&f.t, &sales1, "/api/v1/contacts", &f.names).await;
    k.eq("sales1 /contacts", got, &["A", "C"]);
    let chef = f.t.login("chef@demo.fr").await;
    let got = labels(&f.t, &chef, "/api/v1/contacts?status=prospect", &f.names).await;
    k.eq("team lead /contacts?status=prospect", got, &["A", "C"]);
    k.finish();
}

#[tokio::test]
async fn project_list_filters_each_and_combined() {
    let f = Fixture::new().await;
    let a = &f.t.acc;
    let mut k = Checks::default();
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("".into(), vec!["pA", "pB", "pC", "pD", "pE"]),
        ("created_before=2024-01-01".into(), vec!["pA", "pB"]),
        (
            "created_after=2023-01-01".into(),
            vec!["pB", "pC", "pD", "pE"],
        ),
        ("status=perdu,en_cours".into(), vec!["pC", "pE"]),
        ("status=nouveau".into(), vec!["pA"]),
        (
            "status_not=contrat_actif".into(),
            vec!["pA", "pC", "pD", "pE"],
        ),
        ("type=sante".into(), vec!["pA", "pE"]),
        ("type=prevoyance,auto".into(), vec!["pB", "pD"]),
        ("supplier=LeadCo".into(), vec!["pA", "pC"]),
        ("supplier=Comparateur".into(), vec!["pB"]),
        (format!("assigned_to={}", a.sales2), vec!["pB", "pE"]),
        (format!("assigned_to={}", a.sales1), vec!["pA", "pC"]),
        (
            "last_interaction_before=2021-01-01".into(),
            vec!["pA", "pB", "pD", "pE"],
        ),
        ("anonymized=true".into(), vec!["pD"]),
        ("anonymized=false".into(), vec!["pA", "pB", "pC", "pE"]),
        ("opposition=true".into(), vec!["pE"]),
        ("opposition=false".into(), vec!["pA", "pB", "pC", "pD"]),
        ("q=charlie".into(), vec!["pC"]),
        ("preset=retention".into(), vec!["pA"]),
        // Combinations.
        (
            "status_not=contrat_actif&supplier=LeadCo".into(),
            vec!["pA", "pC"],
        ),
        ("type=sante&opposition=false".into(), vec!["pA"]),
        (
            format!("assigned_to={}&created_after=2023-01-01", a.sales1),
            vec!["pC"],
        ),
        ("status=perdu,en_cours&type=sante".into(), vec!["pE"]),
        ("q=a&anonymized=false".into(), vec!["pA", "pB", "pC"]),
    ];
    for (q, want) in &cases {
        let got = f.get(&format!("/api/v1/projects?{q}")).await;
        k.eq(&format!("/projects?{q}"), got, want);
    }
    let witness = f.t.login("admin@temoin.fr").await;
    let got = labels(&f.t, &witness, "/api/v1/projects?type=sante", &f.names).await;
    k.eq("witness /projects?type=sante", got, &["pW"]);
    let sales2 = f.t.login("commercial2@demo.fr").await;
    let got = labels(&f.t, &sales2, "/api/v1/projects", &f.names).await;
    k.eq("sales2 /projects", got, &["pB", "pE"]);
    k.finish();
}

#[tokio::test]
async fn list_filters_reject_bad_values_in_french() {
    let f = Fixture::new().await;
    for (path, field, msg) in [
        (
            "/api/v1/contacts?created_before=31/01/2023",
            "created_before",
            "Date invalide : format attendu AAAA-MM-JJ.",
        ),
        (
            "/api/v1/projects?created_after=2023-02-30",
            "created_after",
            "Date invalide : format attendu AAAA-MM-JJ.",
        ),
        (
            "/api/v1/contacts?last_interaction_before=hier",
            "last_interaction_before",
            "Date invalide : format attendu AAAA-MM-JJ.",
        ),
        (
            "/api/v1/contacts?status=vip",
            "status",
            "Statut inconnu. Valeurs possibles : prospect, client.",
        ),
        (
            "/api/v1/contacts?status_not=perdu",
            "status_not",
            "Statut inconnu. Valeurs possibles : prospect, client.",
        ),
        (
            "/api/v1/projects?status=client",
            "status",
            "Statut inconnu. Valeurs possibles : nouveau, en_cours, devis_envoye, attente_signature, contrat_actif, perdu, sans_suite.",
        ),
        ("/api/v1/contacts?type=moto", "type", "Type de projet inconnu."),
        (
            "/api/v1/projects?anonymized=peut-%C3%AAtre",
            "anonymized",
            "Valeur attendue : true ou false.",
        ),
        (
            "/api/v1/contacts?opposition=oui",
            "opposition",
            "Valeur attendue : true ou false.",
        ),
        (
            "/api/v1/contacts?preset=tout",
            "preset",
            "Filtre prédéfini inconnu (valeur possible : retention).",
        ),
    ] {
        let (s, v) = f.t.get(path, &f.admin).await;
        assert_invalid(s, &v, field, msg);
    }
    let long = "x".repeat(101);
    let (s, v) =
        f.t.get(&format!("/api/v1/contacts?q={long}"), &f.admin)
            .await;
    assert_invalid(
        s,
        &v,
        "q",
        "La recherche ne peut pas dépasser 100 caractères.",
    );
}
