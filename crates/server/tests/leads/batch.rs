//! Leads arriving at the same moment are written together (`intake::writer`): the
//! same results as one after the other, whatever the batches turn out to be.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use oubli_server::audit;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Sends every body at once (each its own task) and checks they were all received.
async fn all_at_once(t: &Arc<TestApp>, key: &str, bodies: Vec<serde_json::Value>) {
    let mut set = tokio::task::JoinSet::new();
    for b in bodies {
        let (t, key) = (t.clone(), key.to_string());
        set.spawn(async move { submit(&t, &key, &b, Some(SITE), None).await });
    }
    while let Some(r) = set.join_next().await {
        let (status, _, body) = r.expect("task");
        assert_eq!((status, body.as_slice()), (StatusCode::CREATED, RECEIVED));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn leads_sent_at_once_are_each_stored_once_routed_in_turn_and_chained() {
    // Rates raised: one address sends every form here.
    let t = Arc::new(
        TestApp::with_config(|c| {
            c.lead_min_fill_ms = 0;
            c.leads_per_address = 1000;
            c.leads_per_widget = 1000;
        })
        .await,
    );
    let s = setup(&t, "admin@demo.fr").await;
    let (c0, p0, _) = counts(&t).await;
    let users = count_where(&t, "users", "cabinet_id", &t.acc.demo_cabinet).await as usize;
    // Three full turns of the cabinet's users, each lead a new person, plus ten forms
    // of one person: all in flight together.
    let people = 3 * users;
    let mut bodies = Vec::new();
    for i in 0..people {
        let mut b = lead_for(&t, &s.key, &format!("ensemble{i}@example.fr")).await;
        b["contact"]["mobile_phone"] = format!("06 11 22 {:02} {:02}", i / 100, i % 100).into();
        bodies.push(b);
    }
    for _ in 0..10 {
        bodies.push(lead_for(&t, &s.key, "toujours.la.meme@example.fr").await);
    }
    all_at_once(&t, &s.key, bodies).await;

    let (c1, p1, _) = counts(&t).await;
    assert_eq!(c1 - c0, people as i64 + 1, "one contact per person");
    assert_eq!(p1 - p0, people as i64 + 10, "one project per form");
    let same = value_of(
        &t,
        "contacts",
        "id",
        ("email", "toujours.la.meme@example.fr"),
    )
    .await
    .expect("the repeated person");
    assert_eq!(
        count_where(&t, "contacts", "email", "toujours.la.meme@example.fr").await,
        1
    );
    assert_eq!(count_where(&t, "projects", "contact_id", &same).await, 10);
    assert_eq!(
        count_where(&t, "lead_receipts", "contact_id", &same).await,
        10
    );
    // Every project of the person goes to the broker of their contact.
    let owner = value_of(&t, "contacts", "assigned_to", ("id", &same))
        .await
        .expect("assigned");
    assert_eq!(
        distinct_owners_of(&t, &same).await,
        vec![owner],
        "one broker for the person's projects"
    );

    // The new people went round the cabinet, one turn each (the repeated person's
    // first form took one, the nine others none): no user has more than one more than
    // another.
    let mut per_user: BTreeMap<String, i64> = BTreeMap::new();
    let emails = (0..people)
        .map(|i| format!("ensemble{i}@example.fr"))
        .chain(["toujours.la.meme@example.fr".to_string()]);
    for email in emails {
        let cid = value_of(&t, "contacts", "id", ("email", &email))
            .await
            .expect("stored");
        let u = value_of(&t, "contacts", "assigned_to", ("id", &cid))
            .await
            .expect("assigned");
        *per_user.entry(u).or_default() += 1;
    }
    assert_eq!(per_user.len(), users, "{per_user:?}");
    let (min, max) = (
        per_user.values().min().copied().unwrap_or(0),
        per_user.values().max().copied().unwrap_or(0),
    );
    assert!(max - min <= 1, "{per_user:?}");

    // Each new contact has its own change stamp (the offline sync pages by them).
    let stamps = distinct_stamps(&t).await;
    assert_eq!(stamps.0, stamps.1, "distinct change stamps: {stamps:?}");
    // One audit entry per lead, the chain unbroken.
    assert_eq!(
        count_where(&t, "audit_log", "action", "lead.receive").await,
        people as i64 + 10
    );
    assert!(matches!(audit::verify(&t.state.db).await, Ok(Ok(_))));
}

/// (contacts of the demo cabinet, distinct change stamps among them).
async fn distinct_stamps(t: &TestApp) -> (i64, i64) {
    use sea_query::{Alias, Expr, Query};
    let mut tx = t.state.db.read().await.unwrap();
    let q = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .expr(Expr::cust("COUNT(DISTINCT change_seq)"))
        .from(Alias::new("contacts"))
        .and_where(Expr::col(Alias::new("cabinet_id")).eq(t.acc.demo_cabinet.as_str()))
        .and_where(Expr::col(Alias::new("change_seq")).gt(0))
        .to_owned();
    let r: Option<(i64, i64)> = tx.opt(&q).await.unwrap();
    tx.commit().await.unwrap();
    r.unwrap_or_default()
}

/// The distinct users the projects of `contact` are assigned to.
async fn distinct_owners_of(t: &TestApp, contact: &str) -> Vec<String> {
    use sea_query::{Alias, Expr, Query};
    let mut tx = t.state.db.read().await.unwrap();
    let q = Query::select()
        .distinct()
        .column(Alias::new("assigned_to"))
        .from(Alias::new("projects"))
        .and_where(Expr::col(Alias::new("contact_id")).eq(contact))
        .to_owned();
    let r: Vec<(Option<String>,)> = tx.all(&q).await.unwrap();
    tx.commit().await.unwrap();
    r.into_iter().map(|r| r.0.unwrap_or_default()).collect()
}
