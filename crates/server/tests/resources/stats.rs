//! The statistics summary.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn stats_summary_matches_what_was_created() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let s1 = &t.acc.sales1;
    let s2 = &t.acc.sales2;
    let a = t
        .contact(
            &admin,
            json!({"last_name": "A", "supplier": "LeadCo", "lead_cost_cents": 1500, "assigned_to": s1}),
        )
        .await;
    let b = t
        .contact(
            &admin,
            json!({"last_name": "B", "supplier": "LeadCo", "lead_cost_cents": 2500, "assigned_to": s1,
                   "status": "client"}),
        )
        .await;
    t.contact(
        &admin,
        json!({"last_name": "C", "supplier": "Comparateur", "lead_cost_cents": 1000, "assigned_to": s2}),
    )
    .await;
    t.contact(&admin, json!({"last_name": "D"})).await;
    let pa = project(&t, &admin, json!({"contact_id": a, "type": "sante"})).await;
    let pb = project(
        &t,
        &admin,
        json!({"contact_id": b, "type": "auto", "status": "contrat_actif"}),
    )
    .await;
    contract(
        &t,
        &admin,
        json!({"project_id": pb, "insurer": "AXA", "status": "actif", "monthly_premium_cents": 4599}),
    )
    .await;
    contract(
        &t,
        &admin,
        json!({"project_id": pa, "insurer": "Harmonie", "status": "en_attente", "monthly_premium_cents": 1000}),
    )
    .await;
    // Another cabinet's lead never counts.
    let witness = t.login("admin@temoin.fr").await;
    t.contact(
        &witness,
        json!({"last_name": "W", "supplier": "LeadCo", "lead_cost_cents": 99}),
    )
    .await;

    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let (s, v) = t.get("/api/v1/stats/summary", &admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["leads_total"], 4);
    assert_eq!(
        v["leads_by_supplier"],
        json!({"LeadCo": 2, "Comparateur": 1, "(aucun)": 1})
    );
    assert_eq!(v["leads_by_status"], json!({"prospect": 3, "client": 1}));
    assert_eq!(v["lead_cost_total"], 5000);
    assert_eq!(
        v["by_user"],
        json!({
            s1.as_str(): {"name": "Camille Commerciale", "leads": 2, "clients": 1, "lead_cost_total": 4000},
            s2.as_str(): {"name": "Karim Commercial", "leads": 1, "clients": 0, "lead_cost_total": 1000},
            t.acc.admin.as_str(): {"name": "Alice Administratrice", "leads": 1, "clients": 0, "lead_cost_total": 0},
        })
    );
    assert_eq!(v["leads_by_month"], json!({ month.as_str(): 4 }));
    assert_eq!(
        v["projects_by_status"],
        json!({"nouveau": 1, "contrat_actif": 1})
    );
    assert_eq!(v["projects_by_type"], json!({"sante": 1, "auto": 1}));
    assert_eq!(v["contracts_active"], 1);
    assert_eq!(v["monthly_premiums_active"], 4599);

    // A salesperson's figures cover their own contacts.
    let sales1 = t.login("commercial1@demo.fr").await;
    let (s, v) = t.get("/api/v1/stats/summary", &sales1).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["leads_total"], 2);
    assert_eq!(v["lead_cost_total"], 4000);
    assert_eq!(v["leads_by_supplier"], json!({"LeadCo": 2}));
    assert_eq!(v["contracts_active"], 1);
    assert_eq!(v["monthly_premiums_active"], 4599);
    let (s, v) = t.get("/api/v1/stats/summary", &witness).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["leads_total"], 1);
    assert_eq!(v["lead_cost_total"], 99);
    assert_eq!(v["contracts_active"], 0);
    assert_eq!(v["monthly_premiums_active"], 0);
}
