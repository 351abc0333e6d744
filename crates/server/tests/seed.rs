//! The demo data set: idempotent, realistic, valid.
mod common;

use axum::http::StatusCode;
use common::TestApp;
use oubli_domain::{validate, ProjectStatus, ProjectType};
use oubli_server::seed;
use serde_json::Value;
use std::collections::BTreeSet;

async fn all_pages(t: &TestApp, cookie: &str, path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = String::new();
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let (s, page) = t
            .get(&format!("{path}{sep}limit=500&after={after}"), cookie)
            .await;
        assert_eq!(s, StatusCode::OK, "{page}");
        out.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next"].as_str() {
            Some(n) => after = n.to_string(),
            None => break,
        }
    }
    out
}

#[tokio::test]
async fn demo_is_idempotent_realistic_and_valid() {
    let t = TestApp::new().await;
    assert_eq!(
        seed::demo(&t.state.db).await.expect("seed"),
        seed::DEMO_CONTACTS as u64
    );
    // A second run adds nothing.
    assert_eq!(seed::demo(&t.state.db).await.expect("reseed"), 0);

    let admin = t.login("admin@demo.fr").await;
    let contacts = all_pages(&t, &admin, "/api/v1/contacts").await;
    assert_eq!(contacts.len(), seed::DEMO_CONTACTS);
    let now = chrono::Utc::now();
    let mut old_prospects = 0;
    let mut suppliers = BTreeSet::new();
    for c in &contacts {
        for (field, check) in [
            (
                "email",
                validate::email as fn(&str) -> Result<(), &'static str>,
            ),
            ("mobile_phone", validate::phone_fr),
            ("postal_code", validate::postal_code),
            ("siret", validate::siret),
        ] {
            if let Some(v) = c[field].as_str() {
                assert!(check(v).is_ok(), "seeded {field} must be valid");
            }
        }
        let created: chrono::DateTime<chrono::Utc> = c["created_at"]
            .as_str()
            .expect("created_at")
            .parse()
            .expect("rfc3339");
        assert!(created <= now && created > now - chrono::Duration::days(5 * 366));
        if c["status"] == "prospect" && created < now - chrono::Duration::days(3 * 366) {
            old_prospects += 1;
        }
        suppliers.insert(c["supplier"].as_str().unwrap_or_default().to_string());
    }
    assert!(
        old_prospects > 500,
        "some prospects are older than 3 years: {old_prospects}"
    );
    assert!(suppliers.len() >= 4, "{suppliers:?}");
    let (_, stats) = t.get("/api/v1/stats/summary", &admin).await;
    assert!(stats["lead_cost_total"].as_i64().expect("cost") > 0);

    let projects = all_pages(&t, &admin, "/api/v1/projects").await;
    let types: BTreeSet<_> = projects
        .iter()
        .map(|p| p["type"].as_str().unwrap_or_default().to_string())
        .collect();
    let statuses: BTreeSet<_> = projects
        .iter()
        .map(|p| p["status"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(types.len(), ProjectType::ALL.len(), "every project type");
    assert_eq!(
        statuses.len(),
        ProjectStatus::ALL.len(),
        "every project status"
    );
    let mut subs = 0;
    for p in &projects {
        for s in p["subscriptions"].as_array().expect("subscriptions") {
            subs += 1;
            assert!(validate::iban(s["iban"].as_str().expect("iban")).is_ok());
            assert!(validate::bic(s["bic"].as_str().expect("bic")).is_ok());
            if let Some(nir) = s["nir"].as_str() {
                assert!(validate::nir(nir).is_ok());
                assert!(
                    matches!(p["type"].as_str(), Some("sante" | "prevoyance")),
                    "NIR only for health"
                );
            }
            if let Some(code) = s["code_organisme"].as_str() {
                assert!(validate::code_organisme(code).is_ok());
            }
        }
    }
    assert!(subs > 100);
    let (s, k) = t
        .get("/api/v1/contracts?status=actif&limit=1", &admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(k["total"].as_i64().expect("total") > 100);

    // The witness cabinet sees none of it.
    let witness = t.login("admin@temoin.fr").await;
    let (_, w) = t.get("/api/v1/contacts?limit=1", &witness).await;
    assert_eq!(w["total"], 0);
    // A salesperson sees only their own share.
    let sales = t.login("commercial1@demo.fr").await;
    let mine = all_pages(&t, &sales, "/api/v1/contacts").await;
    assert!(!mine.is_empty() && mine.len() < contacts.len());
    assert!(mine
        .iter()
        .all(|c| c["assigned_to"] == t.acc.sales1.as_str()));
}
