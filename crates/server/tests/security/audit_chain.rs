//! The audit hash chain verifies and detects tampering and a truncated tail.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

/// A few audited actions in Cabinet Démo: logins, an export, refusals.
async fn audited_activity(t: &TestApp) -> (String, String) {
    let admin = t.login("admin@demo.fr").await;
    let chef = t.login("chef@demo.fr").await;
    let s1 = t.login("commercial1@demo.fr").await;
    let witness = t.login("admin@temoin.fr").await;
    let c = t
        .contact(
            &admin,
            json!({"last_name": NAME, "assigned_to": t.acc.sales1}),
        )
        .await;
    let (s, _) = t.get(&api(&format!("/contacts/{c}/export")), &admin).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t.delete(&api(&format!("/contacts/{c}")), &chef).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t.get(&api("/audit"), &s1).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .post(
            &api(&format!("/contacts/{c}/opposition")),
            &s1,
            json!({"channel": "phone"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t.delete(&api("/session"), &s1).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    (admin, witness)
}

#[tokio::test]
async fn audit_chain_verifies_and_detects_tampering() {
    let t = TestApp::new().await;
    let (admin, witness) = audited_activity(&t).await;
    let demo = t.acc.demo_cabinet.clone();
    let page = audit_page(&t, &admin).await;
    let items = page["items"].as_array().expect("items").clone();
    let n_demo = page["total"].as_i64().expect("total");
    let n_witness = audit_total(&t, &witness).await;
    // 3 logins, export, 2 refusals, opposition, logout.
    assert_eq!(n_demo, 8, "{page}");
    assert_eq!(n_witness, 1);
    // Contiguous sequence numbers, each entry chained to the previous one.
    let seqs: Vec<i64> = items
        .iter()
        .rev()
        .filter_map(|e| e["seq"].as_i64())
        .collect();
    assert_eq!(seqs, (1..=n_demo).collect::<Vec<_>>());
    let mut prev = String::new();
    for e in items.iter().rev() {
        assert_eq!(e["prev_hash"], json!(prev), "{e}");
        prev = e["hash"].as_str().expect("hash").to_string();
        assert_eq!(prev.len(), 64);
    }
    let n = (n_demo + n_witness) as u64;
    let verify = || async {
        oubli_server::audit::verify(&t.state.db)
            .await
            .expect("verify")
    };
    assert_eq!(verify().await, Ok(n));

    // One byte of the action of seq 3.
    let at = |seq: i64| {
        items
            .iter()
            .find(|e| e["seq"] == seq)
            .cloned()
            .expect("entry")
    };
    let action3 = at(3)["action"].as_str().expect("action").to_string();
    let mut forged = action3.clone().into_bytes();
    forged[0] ^= 0x01;
    let forged = String::from_utf8(forged).expect("ascii");
    t.state
        .db
        .raw(&format!(
            "UPDATE audit_log SET action = '{forged}' WHERE seq = 3 AND cabinet_id = '{demo}'"
        ))
        .await
        .expect("tamper");
    assert_eq!(verify().await, Err((demo.clone(), 3)));
    t.state
        .db
        .raw(&format!(
            "UPDATE audit_log SET action = '{action3}' WHERE seq = 3 AND cabinet_id = '{demo}'"
        ))
        .await
        .expect("restore");
    assert_eq!(verify().await, Ok(n));

    // The detail of the export entry: "json" becomes "jsoN".
    let export = items
        .iter()
        .find(|e| e["action"] == "contact.export")
        .expect("export entry");
    let seq = export["seq"].as_i64().expect("seq");
    assert_eq!(export["detail"]["format"], "json");
    t.state
        .db
        .raw(&format!(
            "UPDATE audit_log SET detail = REPLACE(detail, '\"json\"', '\"jsoN\"') WHERE seq = {seq} AND cabinet_id = '{demo}'"
        ))
        .await
        .expect("tamper");
    assert_eq!(verify().await, Err((demo.clone(), seq)));
    t.state
        .db
        .raw(&format!(
            "UPDATE audit_log SET detail = REPLACE(detail, '\"jsoN\"', '\"json\"') WHERE seq = {seq} AND cabinet_id = '{demo}'"
        ))
        .await
        .expect("restore");
    assert_eq!(verify().await, Ok(n));

    // Who did it: the actor of a refusal.
    t.state
        .db
        .raw(&format!(
            "UPDATE audit_log SET actor_user_id = '{}' WHERE seq = 6 AND cabinet_id = '{demo}'",
            t.acc.admin
        ))
        .await
        .expect("tamper");
    assert_eq!(verify().await, Err((demo.clone(), 6)));
    t.state
        .db
        .raw(&format!(
            "UPDATE audit_log SET actor_user_id = '{}' WHERE seq = 6 AND cabinet_id = '{demo}'",
            at(6)["actor_user_id"].as_str().expect("actor")
        ))
        .await
        .expect("restore");
    assert_eq!(verify().await, Ok(n));

    // An entry removed from the middle: detected at the next one.
    t.state
        .db
        .raw(&format!(
            "DELETE FROM audit_log WHERE seq = 5 AND cabinet_id = '{demo}'"
        ))
        .await
        .expect("delete");
    // The break is reported where the chain stops matching: the missing seq 5 or
    // the entry after it (6), never elsewhere and never in another cabinet.
    let r = verify().await;
    assert!(
        matches!(&r, Err((cab, 5 | 6)) if *cab == demo),
        "deleting seq 5 gave {r:?}"
    );
}

/// Removing the newest entries leaves a shorter chain that is still internally
/// consistent; the cabinet row keeps the head (`audit_seq`, `audit_head`), so
/// verification must compare against it.
#[tokio::test]
async fn audit_chain_detects_a_truncated_tail() {
    let t = TestApp::new().await;
    let (admin, _) = audited_activity(&t).await;
    let demo = t.acc.demo_cabinet.clone();
    let last = audit_total(&t, &admin).await;
    t.state
        .db
        .raw(&format!(
            "DELETE FROM audit_log WHERE seq = {last} AND cabinet_id = '{demo}'"
        ))
        .await
        .expect("delete");
    let r = oubli_server::audit::verify(&t.state.db)
        .await
        .expect("verify");
    assert_eq!(
        r,
        Err((demo, last)),
        "deleting the newest audit entry went unnoticed"
    );
}
