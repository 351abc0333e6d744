//! What a user receives: the online scope exactly, whole records with their notes,
//! tasks and appointments, pages by `limit`, and a fixed number of statements per batch.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn each_user_receives_exactly_the_contacts_the_list_shows_them() {
    let t = TestApp::new().await;
    let a = &t.acc;
    let admin = t.login("admin@demo.fr").await;
    let deputy = t.login("suppleant@demo.fr").await;
    let chef = t.login("chef@demo.fr").await;
    let s1 = t.login("commercial1@demo.fr").await;
    let s2 = t.login("commercial2@demo.fr").await;
    let witness = t.login("admin@temoin.fr").await;
    let own1 = contact_with_note(&t, &s1, "Un", None).await;
    let own1b = contact_with_note(&t, &s1, "Unbis", None).await;
    let own2 = contact_with_note(&t, &admin, "Deux", Some(&a.sales2)).await;
    let lead = contact_with_note(&t, &chef, "Chef", None).await;
    let office = contact_with_note(&t, &admin, "Cabinet", Some(&a.admin)).await;
    let other = contact_with_note(&t, &witness, "Témoin", None).await;

    let expected = [
        (&s1, vec![&own1, &own1b]),
        (&s2, vec![&own2]),
        (&chef, vec![&own1, &own1b, &lead]),
        (&admin, vec![&own1, &own1b, &own2, &lead, &office]),
        (&deputy, vec![&own1, &own1b, &own2, &lead, &office]),
        (&witness, vec![&other]),
    ];
    for (token, want) in expected {
        let (got, _) = sync_all(&t, token, None).await;
        assert_eq!(got.len(), set(&got).len(), "a contact twice: {got:?}");
        assert_eq!(set(&got), set(&want), "sync");
        assert_eq!(set(&got), list_ids(&t, token).await, "sync and list differ");
        // The same in pages of one.
        let (paged, _) = sync_all(&t, token, Some(1)).await;
        assert_eq!(set(&paged), set(&want), "paged sync");
    }
}

#[tokio::test]
async fn a_record_holds_the_whole_contact_with_notes_tasks_and_appointments_and_no_file() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let s1 = t.login("commercial1@demo.fr").await;
    let c = t
        .contact(&s1, json!({"last_name": "Durand", "first_name": "Léa"}))
        .await;
    let hm = create(
        &t,
        &s1,
        &format!("/contacts/{c}/household"),
        json!({"first_name": "Lucas", "last_name": "Durand", "relation": "child", "birth_date": "2012-09-01"}),
    )
    .await;
    let p = create(
        &t,
        &s1,
        "/projects",
        json!({"contact_id": c, "type": "sante"}),
    )
    .await;
    let k = create(
        &t,
        &admin,
        "/contracts",
        json!({"project_id": p, "insurer": "AXA"}),
    )
    .await;
    let note = create(
        &t,
        &s1,
        &format!("/contacts/{c}/notes"),
        json!({"body": "Préfère le matin"}),
    )
    .await;
    let task = create(
        &t,
        &s1,
        &format!("/contacts/{c}/tasks"),
        json!({"title": "Envoyer le devis", "due_date": "2026-12-15", "assigned_to": t.acc.sales1, "done": false}),
    )
    .await;
    let rdv = create(
        &t,
        &s1,
        &format!("/contacts/{c}/appointments"),
        json!({"title": "RDV agence", "starts_at": "2026-12-10T09:00:00Z", "ends_at": "2026-12-10T10:00:00Z",
               "location": "Agence de Lille"}),
    )
    .await;
    create(
        &t,
        &s1,
        &format!("/contacts/{c}/quotes"),
        json!({"title": "Devis santé", "amount_cents": 8950}),
    )
    .await;
    create(
        &t,
        &s1,
        &format!("/contacts/{c}/events"),
        json!({"title": "Appel", "direction": "inbound", "occurred_at": "2026-03-01T10:00:00Z"}),
    )
    .await;
    let second = create(
        &t,
        &s1,
        &format!("/contacts/{c}/notes"),
        json!({"body": "Deuxième"}),
    )
    .await;

    let v = sync(&t, &s1, None, None).await;
    let up = v["upserts"].as_array().expect("upserts");
    assert_eq!(up.len(), 1, "{v}");
    let r = &up[0];
    assert_eq!(r["id"], c.as_str());
    assert_eq!(r["last_name"], "Durand");
    assert_eq!(ids(&r["household"]), vec![hm]);
    assert_eq!(ids(&r["projects"]), vec![p]);
    assert_eq!(ids(&r["contracts"]), vec![k]);
    assert_eq!(ids(&r["notes"]), vec![second, note.clone()], "newest first");
    assert_eq!(ids(&r["tasks"]), vec![task]);
    assert_eq!(ids(&r["appointments"]), vec![rdv]);
    assert_eq!(r["tasks"][0]["title"], "Envoyer le devis");
    assert_eq!(r["appointments"][0]["location"], "Agence de Lille");
    assert_eq!(r["notes"][1]["body"], "Préfère le matin");
    for list in ["notes", "tasks", "appointments"] {
        for item in r[list].as_array().expect("list") {
            assert_eq!(item["contact_id"], c.as_str());
        }
    }
    assert!(
        r.get("documents").is_none() && r.get("quotes").is_none(),
        "{r}"
    );
    // Apart from the three lists, the record is GET /contacts/{id}'s.
    let (s, online) = t.get(&api(&format!("/contacts/{c}")), &s1).await;
    assert_eq!(s, StatusCode::OK);
    let mut offline = r.clone();
    for list in ["notes", "tasks", "appointments"] {
        offline.as_object_mut().expect("object").remove(list);
    }
    assert_eq!(offline, online);
    assert_eq!(online["activity_counts"]["notes"], 2);
    assert_eq!(online["activity_counts"]["quotes"], 1);
    assert_eq!(online["activity_counts"]["documents"], 0);
}

#[tokio::test]
async fn pages_follow_limit_and_more_and_a_bad_limit_is_refused() {
    let t = TestApp::new().await;
    let s1 = t.login("commercial1@demo.fr").await;
    let mut all = Vec::new();
    for i in 0..7 {
        all.push(
            t.contact(&s1, json!({ "last_name": format!("Nom{i}") }))
                .await,
        );
    }
    let mut since: Option<String> = None;
    let mut sizes = Vec::new();
    let mut got = Vec::new();
    let mut last_seq = 0;
    loop {
        let v = sync(&t, &s1, since.as_deref(), Some(3)).await;
        sizes.push(v["upserts"].as_array().expect("upserts").len());
        got.extend(ids(&v["upserts"]));
        let c = cursor(&v);
        assert!(seq(&c) > last_seq, "the cursor advances");
        last_seq = seq(&c);
        since = Some(c);
        if v["more"] == false {
            break;
        }
    }
    assert_eq!(sizes, vec![3, 3, 1]);
    assert_eq!(got, all, "oldest change first, each once");
    // Nothing new: an empty answer with the same cursor.
    let v = sync(&t, &s1, since.as_deref(), Some(3)).await;
    assert_eq!(v["upserts"], json!([]));
    assert_eq!(cursor(&v), since.clone().expect("cursor"));
    // A change brings the contact back alone.
    create(
        &t,
        &s1,
        &format!("/contacts/{}/notes", all[2]),
        json!({"body": "x"}),
    )
    .await;
    let v = sync(&t, &s1, since.as_deref(), Some(3)).await;
    assert_eq!(ids(&v["upserts"]), vec![all[2].clone()]);
    assert_eq!(v["more"], false);

    for bad in ["0", "501", "-1", "x", "1.5", ""] {
        let (s, v) = t.get(&api(&format!("/sync?limit={bad}")), &s1).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "limit={bad}: {v}");
        assert_eq!(v["error"]["code"], "bad_request", "{v}");
        assert_eq!(v["error"]["message"], BAD_LIMIT, "{v}");
    }
    let v = sync(&t, &s1, None, Some(500)).await;
    assert_eq!(v["upserts"].as_array().map(Vec::len), Some(7));
}

/// Statements run by one `GET /sync` (the session lookup included).
async fn statements_of(t: &TestApp, token: &str, since: Option<&str>) -> (u64, Value) {
    let before = t.state.db.statements();
    let v = sync(t, token, since, None).await;
    (t.state.db.statements() - before, v)
}

/// Contacts of the administrator's with everything a record holds.
async fn full_contacts(t: &TestApp, admin: &str, n: usize) {
    for i in 0..n {
        let c = contact_with_note(t, admin, &format!("Lot{i}"), None).await;
        create(
            t,
            admin,
            &format!("/contacts/{c}/household"),
            json!({"first_name": "Lou", "relation": "child"}),
        )
        .await;
        create(
            t,
            admin,
            &format!("/contacts/{c}/tasks"),
            json!({"title": "Rappeler"}),
        )
        .await;
        let p = create(
            t,
            admin,
            "/projects",
            json!({"contact_id": c, "type": "sante"}),
        )
        .await;
        create(
            t,
            admin,
            "/contracts",
            json!({"project_id": p, "insurer": "AXA"}),
        )
        .await;
    }
}

#[tokio::test]
async fn a_batch_costs_the_same_number_of_statements_for_5_contacts_or_50() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    full_contacts(&t, &admin, 5).await;
    let (five, v) = statements_of(&t, &admin, None).await;
    assert_eq!(v["upserts"].as_array().map(Vec::len), Some(5));
    let c5 = cursor(&v);
    full_contacts(&t, &admin, 45).await;
    let (fifty, v) = statements_of(&t, &admin, None).await;
    assert_eq!(v["upserts"].as_array().map(Vec::len), Some(50));
    let r = &v["upserts"][49];
    for list in ["household", "projects", "contracts", "notes", "tasks"] {
        assert_eq!(r[list].as_array().map(Vec::len), Some(1), "{list}: {r}");
    }
    eprintln!("statements per full batch: 5 contacts {five}, 50 contacts {fifty}");
    assert_eq!(five, fifty, "statements grow with the batch");
    // An incremental batch (tombstones read too) is as fixed: 45 changed, then 5.
    let (incr45, v) = statements_of(&t, &admin, Some(&c5)).await;
    assert_eq!(v["upserts"].as_array().map(Vec::len), Some(45));
    let c50 = cursor(&v);
    let mut changed = Vec::new();
    for id in ids(&v["upserts"]).into_iter().take(5) {
        create(
            &t,
            &admin,
            &format!("/contacts/{id}/notes"),
            json!({"body": "y"}),
        )
        .await;
        changed.push(id);
    }
    let (incr5, v) = statements_of(&t, &admin, Some(&c50)).await;
    assert_eq!(set(&ids(&v["upserts"])), set(&changed));
    eprintln!("statements per incremental batch: 45 contacts {incr45}, 5 contacts {incr5}");
    assert_eq!(incr45, incr5);
    // Nothing to send costs less, never more.
    let (empty, v) = statements_of(&t, &admin, Some(&cursor(&v))).await;
    assert_eq!(v["upserts"], json!([]));
    assert!(empty < incr5, "{empty} vs {incr5}");
}

#[tokio::test]
async fn contacts_sharing_a_sequence_number_are_paged_by_id_none_lost_none_twice() {
    let t = TestApp::new().await;
    let s1 = t.login("commercial1@demo.fr").await;
    let mut all = Vec::new();
    for i in 0..7 {
        all.push(
            t.contact(&s1, json!({ "last_name": format!("Lot{i}") }))
                .await,
        );
    }
    // Five of them stamped with one number, as generated data (the bench's, at 0) are,
    // with a colleague's contact among them (never to be sent).
    let admin = t.login("admin@demo.fr").await;
    let theirs = t
        .contact(
            &admin,
            json!({"last_name": "Autre", "assigned_to": t.acc.sales2}),
        )
        .await;
    for id in all[1..6].iter().chain([&theirs]) {
        crate::common::raw_sql(
            &t,
            &format!("UPDATE contacts SET change_seq = 0 WHERE id = '{id}'"),
        )
        .await;
    }
    let (first, _) = sync_all(&t, &s1, None).await;
    assert_eq!(set(&first), set(&all));
    for limit in [1, 2, 3, 5, 6] {
        let (got, last) = sync_all(&t, &s1, Some(limit)).await;
        assert_eq!(got.len(), all.len(), "limit {limit}: {got:?}");
        assert_eq!(set(&got), set(&all), "limit {limit}");
        let v = sync(&t, &s1, Some(&last), Some(limit)).await;
        assert_eq!(v["upserts"], json!([]), "limit {limit}");
    }
    // A page that ends inside the number says where; a bad id there is refused.
    let v = sync(&t, &s1, None, Some(2)).await;
    let c = cursor(&v);
    assert!(c.starts_with("0:"), "{c}");
    let (_, tag) = c.rsplit_once('.').expect("tag");
    for bad in [
        format!("0:nope.{tag}"),
        format!("0:.{tag}"),
        format!(":{}.{tag}", all[0]),
    ] {
        let (s, v) = t.get(&api(&format!("/sync?since={bad}")), &s1).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {v}");
        assert_eq!(v["error"]["message"], BAD_CURSOR);
    }
    // A tombstone written after such a cursor still arrives.
    let (s, _) = t
        .patch(
            &api(&format!("/contacts/{}", all[6])),
            &t.login("admin@demo.fr").await,
            json!({"assigned_to": t.acc.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let mut since = Some(c);
    let mut tombs = Vec::new();
    let mut got = ids(&v["upserts"]);
    while let Some(cur) = since.take() {
        let v = sync(&t, &s1, Some(&cur), Some(2)).await;
        tombs.extend(strs(&v["tombstones"]));
        got.extend(ids(&v["upserts"]));
        if v["more"] == true {
            since = Some(cursor(&v));
        }
    }
    assert_eq!(tombs, vec![all[6].clone()]);
    assert_eq!(set(&got), set(&all[..6]));
}
