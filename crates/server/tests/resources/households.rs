//! Household members: get, post, patch, delete.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn household_members_get_post_patch_delete() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let base = format!("/api/v1/contacts/{c}/household");
    let (s, v) = t.get(&base, &admin).await;
    assert_eq!((s, v), (StatusCode::OK, json!([])));

    let (s, m1) = t
        .post(
            &base,
            &admin,
            json!({"first_name": "Lucas", "last_name": "Durand", "relation": "child", "birth_date": "2012-09-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m1}");
    assert_eq!(m1["contact_id"], c.as_str());
    assert_eq!(m1["first_name"], "Lucas");
    assert_eq!(m1["last_name"], "Durand");
    assert_eq!(m1["relation"], "child");
    assert_eq!(m1["birth_date"], "2012-09-01");
    let (s, m2) = t
        .post(
            &base,
            &admin,
            json!({"first_name": "Marc", "relation": "spouse"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m2}");
    let (id1, id2) = (id_of(&m1), id_of(&m2));
    set_created(&t, "household_members", &id1, now_ms() - 5_000).await;

    let (s, l) = t.get(&base, &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ids(&l), vec![id1.clone(), id2.clone()]);

    // Merge patch of one member.
    let (s, p) = t
        .patch(
            &format!("{base}/{id1}"),
            &admin,
            json!({"birth_date": "2012-09-02", "last_name": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["birth_date"], "2012-09-02");
    assert_eq!(p["last_name"], Value::Null);
    assert_eq!(p["first_name"], "Lucas");
    assert_eq!(p["relation"], "child");

    // Validation, with French messages.
    let (s, v) = t
        .patch(
            &format!("{base}/{id1}"),
            &admin,
            json!({"birth_date": "2999-01-01"}),
        )
        .await;
    assert_invalid(
        s,
        &v,
        "birth_date",
        "La date de naissance ne peut pas être dans le futur.",
    );
    let (s, v) = t.post(&base, &admin, json!({"relation": "spouse"})).await;
    assert_invalid(s, &v, "last_name", "Indiquez au moins un nom ou un prénom.");
    let (s, v) = t
        .post(
            &base,
            &admin,
            json!({"first_name": "A", "relation": "cousin"}),
        )
        .await;
    assert_invalid(s, &v, "relation", TYPE_MSG);

    // Delete one; the second delete and unknown members are 404.
    let (s, _) = t.delete(&format!("{base}/{id2}"), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = t.delete(&format!("{base}/{id2}"), &admin).await;
    assert_not_found(s, &v);
    let (s, v) = t
        .patch(&format!("{base}/{id2}"), &admin, json!({"first_name": "X"}))
        .await;
    assert_not_found(s, &v);
    let (_, l) = t.get(&base, &admin).await;
    assert_eq!(ids(&l), vec![id1.clone()]);
    assert_eq!(l[0]["birth_date"], "2012-09-02");
    let (_, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(ids(&d["household"]), vec![id1]);
    let unknown = uuid::Uuid::new_v4();
    let (s, v) = t
        .get(&format!("/api/v1/contacts/{unknown}/household"), &admin)
        .await;
    assert_not_found(s, &v);
}
