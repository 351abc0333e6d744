//! Tombstones: deletion, anonymization and reassignment purge a contact from the
//! caches of those who no longer see it, and only theirs.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn changes_tombstones_for_deletion_and_reassignment_and_bad_cursors() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales1 = t.login("commercial1@demo.fr").await;
    let sales2 = t.login("commercial2@demo.fr").await;
    let c1 = t.contact(&sales1, json!({"last_name": "Un"})).await;
    let c2 = t.contact(&sales1, json!({"last_name": "Deux"})).await;
    let c3 = t
        .contact(
            &admin,
            json!({"last_name": "Trois", "assigned_to": t.acc.sales2}),
        )
        .await;

    let v = sync(&t, &sales1, None, None).await;
    assert_eq!(set(&ids(&v["upserts"])), set(&[&c1, &c2]));
    assert_eq!(v["tombstones"], json!([]));
    assert_eq!(v["more"], false);
    assert_eq!(v["reset"], false);
    assert_eq!(v["upserts"][0]["household"], json!([]));
    assert!(v["upserts"][0]["activity_counts"].is_object());
    let cur1 = cursor(&v);
    assert!(seq(&cur1) > 0);

    // Nothing new since.
    let v = sync(&t, &sales1, Some(&cur1), None).await;
    assert_eq!(v["upserts"], json!([]));
    assert_eq!(v["tombstones"], json!([]));
    assert_eq!(cursor(&v), cur1);

    // A change to something hanging from c1 brings c1 back, and the cursor advances.
    create(
        &t,
        &sales1,
        &format!("/contacts/{c1}/notes"),
        json!({"body": "x"}),
    )
    .await;
    let v = sync(&t, &sales1, Some(&cur1), None).await;
    assert_eq!(ids(&v["upserts"]), vec![c1.clone()]);
    assert_eq!(v["upserts"][0]["activity_counts"]["notes"], 1);
    assert_eq!(ids(&v["upserts"][0]["notes"]).len(), 1);
    let cur2 = cursor(&v);
    assert!(seq(&cur2) > seq(&cur1));

    let v = sync(&t, &sales2, None, None).await;
    assert_eq!(ids(&v["upserts"]), vec![c3.clone()]);
    let cur_s2 = cursor(&v);

    // The admin reassigns c2 to commercial2: a tombstone for commercial1, an upsert for
    // commercial2.
    let (s, v) = t
        .patch(
            &api(&format!("/contacts/{c2}")),
            &admin,
            json!({"assigned_to": t.acc.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let v = sync(&t, &sales1, Some(&cur2), None).await;
    assert_eq!(v["upserts"], json!([]));
    assert_eq!(strs(&v["tombstones"]), vec![c2.clone()]);
    let cur3 = cursor(&v);
    assert!(seq(&cur3) > seq(&cur2));
    let v = sync(&t, &sales1, Some(&cur3), None).await;
    assert_eq!(v["upserts"], json!([]));
    assert_eq!(v["tombstones"], json!([]));
    let v = sync(&t, &sales2, Some(&cur_s2), None).await;
    assert_eq!(ids(&v["upserts"]), vec![c2.clone()]);
    assert_eq!(v["tombstones"], json!([]));

    // Deleting a contact leaves a tombstone for its owner, and for no one else's
    // cache that never held it.
    let (s, _) = t.delete(&api(&format!("/contacts/{c1}")), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let v = sync(&t, &sales1, Some(&cur3), None).await;
    assert_eq!(v["upserts"], json!([]));
    assert_eq!(strs(&v["tombstones"]), vec![c1.clone()]);
    let v = sync(&t, &sales2, Some(&cur_s2), None).await;
    assert_eq!(v["tombstones"], json!([]), "{v}");

    // Bad cursors.
    for bad in [
        "abc",
        "-1",
        "1.5",
        "12",
        "99999999999999999999.0123456789ab",
        "3.0123456789AB",
        ".0123456789ab",
    ] {
        let (s, v) = t.get(&api(&format!("/sync?since={bad}")), &sales1).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "since={bad}: {v}");
        assert_eq!(v["error"]["code"], "bad_request");
        assert_eq!(v["error"]["message"], BAD_CURSOR);
    }
}

#[tokio::test]
async fn an_anonymized_contact_is_a_tombstone_for_everyone_who_saw_it_never_an_upsert() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let chef = t.login("chef@demo.fr").await;
    let s1 = t.login("commercial1@demo.fr").await;
    let s2 = t.login("commercial2@demo.fr").await;
    let gone = contact_with_note(&t, &s1, "Oubliée", None).await;
    let kept = contact_with_note(&t, &s1, "Gardée", None).await;
    let theirs = contact_with_note(&t, &admin, "Autre", Some(&t.acc.sales2)).await;
    let mut cursors = Vec::new();
    for token in [&admin, &chef, &s1, &s2] {
        let (_, c) = sync_all(&t, token, None).await;
        cursors.push(c);
    }
    anonymize(&t, &admin, &[&gone]).await;
    for (token, c) in [&admin, &chef, &s1].into_iter().zip(&cursors) {
        let v = sync(&t, token, Some(c), None).await;
        assert_eq!(strs(&v["tombstones"]), vec![gone.clone()], "{v}");
        assert!(!ids(&v["upserts"]).contains(&gone), "{v}");
        // A full sync no longer holds it either, nor any trace of the name.
        let (all, _) = sync_all(&t, token, None).await;
        assert!(!all.contains(&gone));
        assert!(all.contains(&kept));
        let (s, body) = t.get(&api("/sync"), token).await;
        assert_eq!(s, StatusCode::OK);
        assert!(!body.to_string().contains("Oubliée"));
    }
    let v = sync(&t, &s2, Some(&cursors[3]), None).await;
    assert_eq!(v["tombstones"], json!([]), "not theirs: {v}");
    assert_eq!(v["upserts"], json!([]));
    let (all, _) = sync_all(&t, &s2, None).await;
    assert_eq!(all, vec![theirs]);
}

#[tokio::test]
async fn a_reassignment_tombstones_for_who_loses_the_contact_only() {
    let t = TestApp::new().await;
    let a = &t.acc;
    let admin = t.login("admin@demo.fr").await;
    let chef = t.login("chef@demo.fr").await;
    let s1 = t.login("commercial1@demo.fr").await;
    let s2 = t.login("commercial2@demo.fr").await;
    let c = contact_with_note(&t, &s1, "Mobile", None).await;
    let cursor_of = |v: &serde_json::Value| cursor(v);
    let mut cur = std::collections::HashMap::new();
    for (who, token) in [("admin", &admin), ("chef", &chef), ("s1", &s1), ("s2", &s2)] {
        let v = sync(&t, token, None, None).await;
        cur.insert(who, cursor_of(&v));
    }

    // Within the north team: commercial1 → the team lead. Commercial1 loses it; the
    // lead, who saw it before and still does, gets the record, no tombstone.
    let (s, v) = t
        .patch(
            &api(&format!("/contacts/{c}")),
            &admin,
            json!({"assigned_to": a.team_lead}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let v = sync(&t, &s1, Some(&cur["s1"]), None).await;
    assert_eq!(
        (strs(&v["tombstones"]), ids(&v["upserts"])),
        (vec![c.clone()], vec![])
    );
    cur.insert("s1", cursor(&v));
    let v = sync(&t, &chef, Some(&cur["chef"]), None).await;
    assert_eq!(
        (strs(&v["tombstones"]), ids(&v["upserts"])),
        (vec![], vec![c.clone()])
    );
    cur.insert("chef", cursor(&v));
    let v = sync(&t, &admin, Some(&cur["admin"]), None).await;
    assert_eq!(
        (strs(&v["tombstones"]), ids(&v["upserts"])),
        (vec![], vec![c.clone()])
    );
    cur.insert("admin", cursor(&v));
    let v = sync(&t, &s2, Some(&cur["s2"]), None).await;
    assert_eq!(
        (strs(&v["tombstones"]), ids(&v["upserts"])),
        (vec![], vec![])
    );

    // To the south team: the north lead loses it, commercial2 gets it.
    let (s, v) = t
        .patch(
            &api(&format!("/contacts/{c}")),
            &admin,
            json!({"assigned_to": a.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let v = sync(&t, &chef, Some(&cur["chef"]), None).await;
    assert_eq!(
        (strs(&v["tombstones"]), ids(&v["upserts"])),
        (vec![c.clone()], vec![])
    );
    let v = sync(&t, &s2, Some(&cur["s2"]), None).await;
    assert_eq!(
        (strs(&v["tombstones"]), ids(&v["upserts"])),
        (vec![], vec![c.clone()])
    );
    let v = sync(&t, &s1, Some(&cur["s1"]), None).await;
    assert_eq!(
        (strs(&v["tombstones"]), ids(&v["upserts"])),
        (vec![], vec![])
    );
    let v = sync(&t, &admin, Some(&cur["admin"]), None).await;
    assert_eq!(
        (strs(&v["tombstones"]), ids(&v["upserts"])),
        (vec![], vec![c.clone()])
    );

    // And back to commercial1, who had it before: an upsert, not the old tombstone.
    let (s, _) = t
        .patch(
            &api(&format!("/contacts/{c}")),
            &admin,
            json!({"assigned_to": a.sales1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let v = sync(&t, &s1, Some(&cur["s1"]), None).await;
    assert_eq!(
        (strs(&v["tombstones"]), ids(&v["upserts"])),
        (vec![], vec![c.clone()])
    );
    // The lists agree with the caches.
    assert_eq!(list_ids(&t, &s1).await, set(&[&c]));
    assert!(list_ids(&t, &s2).await.is_empty());
}
