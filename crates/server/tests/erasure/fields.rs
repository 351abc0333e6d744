//! Every field is treated as the plan and the spec say.

use crate::common::TestApp;
use crate::fixture::*;
use crate::support::*;
use axum::http::StatusCode;
use oubli_domain::erasure::{Rows, Treatment, PLAN};
use serde_json::json;
use std::collections::BTreeSet;

/// Keep columns that anonymization itself updates.
const CHANGED_BY_ERASURE: &[(&str, &str)] =
    &[("contacts", "anonymized_at"), ("contacts", "change_seq")];

#[tokio::test]
async fn anonymize_treats_every_field_as_the_plan_and_the_spec_say() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let f = fill(&t, &admin, "one", &t.acc.sales1).await;
    // A witness contact that must stay untouched.
    let w = fill(&t, &admin, "witness", &t.acc.sales2).await;
    let before = snapshot(&t, &f.contact).await;
    let witness_before = snapshot(&t, &w.contact).await;

    // The fixture really fills every column the plan blanks or reduces, and every
    // column of every table at least once (but the erasure's own timestamp).
    for plan in PLAN {
        let rows: BTreeSet<&String> = before
            .keys()
            .filter(|(tb, _, _)| *tb == plan.table)
            .map(|(_, id, _)| id)
            .collect();
        assert!(!rows.is_empty(), "fixture has no {} row", plan.table);
        for (col, _) in plan.columns {
            if (plan.table, *col) == ("contacts", "anonymized_at") {
                continue;
            }
            let filled = before
                .iter()
                .any(|((tb, _, c), v)| *tb == plan.table && c == col && v.is_some());
            assert!(filled, "fixture leaves {}.{col} empty", plan.table);
        }
    }
    let activity_rows = before
        .keys()
        .filter(|(tb, _, c)| *tb == "activities" && *c == "id")
        .count();
    assert_eq!(
        activity_rows,
        KINDS.len() + 1,
        "one item per kind plus an SMS"
    );
    let blobs = t.dir.path().join("blobs");
    assert_eq!(files_under(&blobs).len(), 2, "the two fixtures' documents");

    let p = erase(&t, &admin, "anonymize", json!({"contacts": [f.contact]})).await;
    assert_eq!(
        p["preview"],
        json!({"contacts": 1, "projects": 1, "contracts": 1, "documents": 1, "messages": 2,
               "activity": KINDS.len() + 1}),
    );

    // Table-driven: every column of every row, by the plan.
    let after = snapshot(&t, &f.contact).await;
    for plan in PLAN {
        for ((tb, id, col), old) in before.iter().filter(|((tb, _, _), _)| *tb == plan.table) {
            let key = (*tb, id.clone(), *col);
            let new = after.get(&key);
            match plan.rows {
                Rows::Delete => {
                    assert!(new.is_none(), "{tb} row {id} survived");
                    continue;
                }
                Rows::Treat => {}
            }
            let new = new.unwrap_or_else(|| panic!("{tb} row {id} disappeared"));
            let t_ = oubli_domain::erasure::treatment(tb, col).expect("classified");
            match t_ {
                Treatment::Blank => assert_eq!(new, &None, "{tb}.{col} must be blanked"),
                Treatment::YearOnly => {
                    let y = old.as_deref().map(|d| format!("{}-01-01", &d[..4]));
                    assert_eq!(new, &y, "{tb}.{col} must keep the year only");
                }
                Treatment::Keep if *col == "updated_at" => {}
                Treatment::Keep if CHANGED_BY_ERASURE.contains(&(*tb, *col)) => {
                    assert!(new.is_some(), "{tb}.{col} must be set");
                }
                Treatment::Keep => assert_eq!(new, old, "{tb}.{col} must be kept"),
            }
        }
    }
    assert_eq!(
        after.len(),
        before.len()
            - before
                .keys()
                .filter(|(tb, _, _)| PLAN
                    .iter()
                    .any(|p| p.table == *tb && p.rows == Rows::Delete))
                .count(),
        "no row appeared"
    );
    // The witness is untouched, column for column.
    assert_eq!(snapshot(&t, &w.contact).await, witness_before);

    // The spec's own list, through the API (PRODUCT.md §3).
    let d = contact_detail(&t, &admin, &f.contact).await;
    for k in [
        "civility",
        "first_name",
        "last_name",
        "company_name",
        "siret",
        "email",
        "mobile_phone",
        "landline_phone",
        "street",
        "comment",
        "lawful_basis_source",
    ] {
        assert!(d[k].is_null(), "contact.{k} must be blanked: {}", d[k]);
    }
    assert_eq!(d["postal_code"], "75011");
    assert_eq!(d["city"], f.sent["contacts.city"].as_str());
    assert_eq!(d["supplier"], f.sent["contacts.supplier"].as_str());
    assert_eq!(d["lead_cost_cents"], 1234);
    assert_eq!(d["lead_purchased_on"], "2024-02-03");
    assert_eq!(d["status"], "prospect");
    assert_eq!(d["assigned_to"], t.acc.sales1.as_str());
    assert_eq!(d["lawful_basis"], "consent");
    assert_eq!(d["opposition_channel"], "email");
    assert!(d["opposition_at"].is_string());
    assert!(d["anonymized_at"].is_string());
    assert_eq!(
        d["created_at"],
        json!(chrono::DateTime::from_timestamp_millis(
            before[&("contacts", f.contact.clone(), "created_at")]
                .as_deref()
                .unwrap()
                .parse::<i64>()
                .unwrap()
        )
        .unwrap()),
    );
    let year = |k: &str| format!("{}-01-01", &f.sent[k][..4]);
    assert_eq!(d["birth_date"], year("contacts.birth_date").as_str());
    let hh = &d["household"][0];
    assert_eq!(hh["id"], f.household.as_str());
    assert!(
        hh["first_name"].is_null() && hh["last_name"].is_null(),
        "{hh}"
    );
    assert_eq!(hh["relation"], "spouse");
    assert!(
        hh["birth_date"].as_str().unwrap().ends_with("-01-01"),
        "{hh}"
    );
    let pj = &d["projects"][0];
    assert_eq!(pj["id"], f.project.as_str());
    assert_eq!(pj["type"], "sante");
    assert_eq!(pj["status"], "en_cours");
    assert_eq!(pj["assigned_to"], t.acc.sales1.as_str());
    assert!(pj["supplier"].is_string());
    assert!(pj["comment"].is_null(), "{pj}");
    assert!(pj["anonymized_at"].is_string(), "{pj}");
    let b = &pj["beneficiaries"][0];
    assert!(b["first_name"].is_null() && b["last_name"].is_null(), "{b}");
    assert!(b["birth_date"].as_str().unwrap().ends_with("-01-01"), "{b}");
    let s = &pj["subscriptions"][0];
    for k in ["nir", "code_organisme", "iban", "bic"] {
        assert!(s[k].is_null(), "subscription.{k}: {s}");
    }
    let k = &d["contracts"][0];
    assert_eq!(k["id"], f.contract.as_str());
    assert!(k["nir"].is_null() && k["code_organisme"].is_null(), "{k}");
    assert_eq!(k["monthly_premium_cents"], 4567);
    assert_eq!(k["status"], "actif");
    assert_eq!(k["start_date"], "2024-03-01");
    assert!(k["insurer"].is_string() && k["product"].is_string(), "{k}");
    let i = &k["insured"][0];
    assert!(i["first_name"].is_null() && i["last_name"].is_null(), "{i}");
    assert!(i["birth_date"].as_str().unwrap().ends_with("-01-01"), "{i}");
    let counts = d["activity_counts"].as_object().expect("activity_counts");
    assert!(counts.values().all(|n| n == 0), "{counts:?}");
    for kind in KINDS {
        let (s, l) = t
            .get(&format!("/api/v1/contacts/{}/{kind}", f.contact), &admin)
            .await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert_eq!(l["total"], 0, "{kind}: {l}");
        assert_eq!(l["items"], json!([]), "{kind}");
    }
    let (s, cs) = t
        .get(&format!("/api/v1/contacts/{}/consents", f.contact), &admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{cs}");
    let list = cs.as_array().or(cs["items"].as_array()).expect("consents");
    let c = list
        .iter()
        .find(|c| c["id"] == f.consent.as_str())
        .expect("the consent record stays");
    for k in ["origin_page", "ip", "user_agent"] {
        assert!(c[k].is_null(), "consent.{k}: {c}");
    }
    assert_eq!(c["purpose"], "marketing");
    assert_eq!(c["granted"], true);
    // Only the witness's file is left in the blob store.
    let left = files_under(&blobs);
    assert_eq!(left.len(), 1, "{left:?}");
    let bytes = std::fs::read(&left[0]).expect("blob");
    assert!(
        !f.gone.iter().any(|m| contains(&bytes, m)),
        "the anonymized contact's file is still there"
    );
}
