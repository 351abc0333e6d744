//! The audit log, for admins and deputies only.

use crate::common::TestApp;
use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn audit_for_admins_and_deputies_only() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = durand(&t, &admin).await;
    let (s, _, _) = t
        .send_raw(request(
            Method::GET,
            &format!("/api/v1/contacts/{c}/export"),
            Some(&admin),
            &[],
            vec![],
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    let sales1 = t.login("commercial1@demo.fr").await;
    let chef = t.login("chef@demo.fr").await;
    let (s, v) = t.get("/api/v1/audit", &sales1).await;
    assert_err(
        s,
        &v,
        StatusCode::FORBIDDEN,
        "forbidden",
        "Action réservée : votre rôle (Commercial) ne le permet pas.",
    );
    let (s, v) = t.get("/api/v1/audit", &chef).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

    let (s, v) = t.get("/api/v1/audit?limit=500", &admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let items = v["items"].as_array().expect("items").clone();
    assert_eq!(v["total"], items.len());
    assert_eq!(v["next"], Value::Null);
    // Newest first: the two refusals, then the export.
    assert_eq!(items[0]["action"], "readaudit");
    assert_eq!(items[0]["outcome"], "forbidden");
    assert_eq!(items[0]["actor_user_id"], t.acc.team_lead.as_str());
    assert_eq!(items[1]["action"], "readaudit");
    assert_eq!(items[1]["actor_user_id"], t.acc.sales1.as_str());
    let export = items
        .iter()
        .find(|e| e["action"] == "contact.export")
        .expect("export audited");
    assert_eq!(export["target_id"], c.as_str());
    assert_eq!(export["actor_user_id"], t.acc.admin.as_str());
    assert_eq!(export["outcome"], "ok");
    // A hash chain, recomputable; no personal data.
    for w in items.windows(2) {
        assert_eq!(w[0]["seq"].as_i64(), w[1]["seq"].as_i64().map(|s| s + 1));
        assert_eq!(w[0]["prev_hash"], w[1]["hash"]);
    }
    let cabinet = t.acc.demo_cabinet.clone();
    for e in &items {
        let entry: oubli_domain::AuditEntry = serde_json::from_value(e.clone()).expect("entry");
        // Keyed: recomputable with the server's audit key, and only with it.
        assert_eq!(
            oubli_server::audit::entry_hash(
                &t.state.db.audit_key,
                &cabinet,
                &entry.prev_hash,
                &entry
            ),
            entry.hash
        );
        let other = oubli_server::audit::key::AuditKey::from_bytes([7; 32]);
        assert_ne!(
            oubli_server::audit::entry_hash(&other, &cabinet, &entry.prev_hash, &entry),
            entry.hash
        );
    }
    let dump = v.to_string();
    assert!(!dump.contains("Durand") && !dump.contains("exemple.fr"));
    assert!(matches!(
        oubli_server::audit::verify(&t.state.db).await,
        Ok(Ok(_))
    ));

    // Pagination by sequence number.
    let (s, p1) = t.get("/api/v1/audit?limit=1", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p1["items"], json!([items[0].clone()]));
    assert_eq!(p1["next"], items[0]["seq"].to_string().as_str());
    let next = p1["next"].as_str().expect("next").to_string();
    let (_, p2) = t
        .get(&format!("/api/v1/audit?limit=1&after={next}"), &admin)
        .await;
    assert_eq!(p2["items"], json!([items[1].clone()]));
    let (s, v) = t.get("/api/v1/audit?after=abc", &admin).await;
    assert_err(s, &v, StatusCode::BAD_REQUEST, "bad_request", CURSOR_MSG);
    let (s, v) = t.get("/api/v1/audit?limit=0", &admin).await;
    assert_invalid(s, &v, "limit", LIMIT_MSG);

    let deputy = t.login("suppleant@demo.fr").await;
    let (s, _) = t.get("/api/v1/audit", &deputy).await;
    assert_eq!(s, StatusCode::OK);
}
