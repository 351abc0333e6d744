//! Role scopes: what each role sees and may assign.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

#[tokio::test]
async fn roles_see_and_assign_within_their_scope() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let deputy = t.login("suppleant@demo.fr").await;
    let chef = t.login("chef@demo.fr").await;
    let s1 = t.login("commercial1@demo.fr").await;
    let s2 = t.login("commercial2@demo.fr").await;
    let a = &t.acc;

    // One contact (with a project) assigned to each user.
    let mut by_user = Vec::new();
    for (label, user) in [
        ("admin", &a.admin),
        ("deputy", &a.deputy),
        ("chef", &a.team_lead),
        ("s1", &a.sales1),
        ("s2", &a.sales2),
    ] {
        let c = t
            .contact(
                &admin,
                json!({"last_name": format!("Portée {label}"), "assigned_to": user}),
            )
            .await;
        let (s, p) = t
            .post(
                &api("/projects"),
                &admin,
                json!({"contact_id": c, "type": "auto"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        assert_eq!(p["assigned_to"], json!(user), "{p}");
        by_user.push((c, id_of(&p)));
    }
    let [c_admin, c_deputy, c_chef, c_s1, c_s2] = [0, 1, 2, 3, 4].map(|i| &by_user[i].0);
    let [p_admin, p_deputy, p_chef, p_s1, p_s2] = [0, 1, 2, 3, 4].map(|i| &by_user[i].1);
    let everyone = set(&[c_admin, c_deputy, c_chef, c_s1, c_s2]);
    let all_projects = set(&[p_admin, p_deputy, p_chef, p_s1, p_s2]);
    let expected: [(&str, &String, BTreeSet<String>, BTreeSet<String>); 5] = [
        ("admin", &admin, everyone.clone(), all_projects.clone()),
        ("deputy", &deputy, everyone.clone(), all_projects.clone()),
        ("chef", &chef, set(&[c_chef, c_s1]), set(&[p_chef, p_s1])),
        ("commercial1", &s1, set(&[c_s1]), set(&[p_s1])),
        ("commercial2", &s2, set(&[c_s2]), set(&[p_s2])),
    ];
    for (who, token, contacts, projects) in &expected {
        let (s, v) = t.get(&api("/contacts?limit=500"), token).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(&item_ids(&v), contacts, "GET /contacts as {who}");
        assert_eq!(v["total"], json!(contacts.len()), "total as {who}");
        let (s, v) = t.get(&api("/projects?limit=500"), token).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(&item_ids(&v), projects, "GET /projects as {who}");
        assert_eq!(v["total"], json!(projects.len()), "total as {who}");
        let (s, v) = t.get(&api("/sync"), token).await;
        assert_eq!(s, StatusCode::OK);
        let upserts: BTreeSet<String> = v["upserts"]
            .as_array()
            .expect("upserts")
            .iter()
            .map(id_of)
            .collect();
        assert_eq!(&upserts, contacts, "GET /sync as {who}");
        let (s, v) = t.get(&api("/stats/summary"), token).await;
        assert_eq!(s, StatusCode::OK, "GET /stats/summary as {who}: {v}");
        assert_eq!(v["leads_total"], json!(contacts.len()), "stats as {who}");
    }

    // commercial1's contact, with a contract and a note.
    let (s, k) = t
        .post(
            &api("/contracts"),
            &admin,
            json!({"project_id": p_s1, "insurer": "Assureur", "status": "actif"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let k_s1 = id_of(&k);
    let (s, n) = t
        .post(
            &api(&format!("/contacts/{c_s1}/notes")),
            &admin,
            json!({"body": "Note"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    let note = id_of(&n);
    let reads = [
        format!("/contacts/{c_s1}"),
        format!("/projects/{p_s1}"),
        format!("/contracts/{k_s1}"),
        format!("/contacts/{c_s1}/notes"),
        format!("/contacts/{c_s1}/notes/{note}"),
        format!("/contacts/{c_s1}/household"),
        format!("/contacts/{c_s1}/consents"),
    ];
    let patches = [
        (format!("/contacts/{c_s1}"), json!({"city": "Lille"})),
        (format!("/projects/{p_s1}"), json!({"status": "en_cours"})),
        (format!("/contracts/{k_s1}"), json!({"product": "Confort"})),
        (
            format!("/contacts/{c_s1}/notes/{note}"),
            json!({"body": "Corrigée"}),
        ),
    ];
    for path in &reads {
        let (s, v) = t.get(&api(path), &s2).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "commercial2 GET {path}: {v}");
        let (s, v) = t.get(&api(path), &s1).await;
        assert_eq!(s, StatusCode::OK, "commercial1 GET {path}: {v}");
        let (s, v) = t.get(&api(path), &chef).await;
        assert_eq!(s, StatusCode::OK, "chef GET {path}: {v}");
    }
    for (path, body) in &patches {
        let (s, v) = t.patch(&api(path), &s2, body.clone()).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "commercial2 PATCH {path}: {v}");
        let (s, v) = t.patch(&api(path), &s1, body.clone()).await;
        assert_eq!(s, StatusCode::OK, "commercial1 PATCH {path}: {v}");
    }
    for (path, body) in [
        (
            format!("/contacts/{c_s1}/notes"),
            json!({"body": "Intrusion"}),
        ),
        (
            format!("/contacts/{c_s1}/household"),
            json!({"first_name": "Intrus"}),
        ),
        (
            format!("/contacts/{c_s1}/opposition"),
            json!({"channel": "phone"}),
        ),
    ] {
        let (s, v) = t.post(&api(&path), &s2, body).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "commercial2 POST {path}: {v}");
    }
    let (s, v) = t
        .delete(&api(&format!("/contacts/{c_s1}/notes/{note}")), &s2)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = t
        .post(
            &api("/projects"),
            &s2,
            json!({"contact_id": c_s1, "type": "auto"}),
        )
        .await;
    assert!(
        s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::NOT_FOUND,
        "{s} {v}"
    );
    let (s, v) = t
        .post(
            &api("/contracts"),
            &s2,
            json!({"project_id": p_s1, "insurer": "Intrus"}),
        )
        .await;
    assert!(
        s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::NOT_FOUND,
        "{s} {v}"
    );
    // The team lead of Nord does not see Sud.
    for path in [
        format!("/contacts/{c_s2}"),
        format!("/projects/{p_s2}"),
        format!("/contacts/{c_s2}/notes"),
    ] {
        let (s, v) = t.get(&api(&path), &chef).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "chef GET {path}: {v}");
    }
    let (s, v) = t
        .patch(
            &api(&format!("/contacts/{c_s2}")),
            &chef,
            json!({"city": "Nice"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");

    // Assignment: sales keep records for themselves.
    for target in [&a.sales2, &a.team_lead, &a.admin] {
        let (s, v) = t
            .post(
                &api("/contacts"),
                &s1,
                json!({"last_name": "Cadeau", "assigned_to": target}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["assigned_to"].is_string(), "{v}");
    }
    let (s, v) = t
        .patch(
            &api(&format!("/contacts/{c_s1}")),
            &s1,
            json!({"assigned_to": a.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["assigned_to"].is_string(), "{v}");
    let (s, v) = t
        .post(
            &api("/projects"),
            &s1,
            json!({"contact_id": c_s1, "type": "auto", "assigned_to": a.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = t
        .post(
            &api(&format!("/contacts/{c_s1}/tasks")),
            &s1,
            json!({"title": "Relance", "assigned_to": a.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = t
        .post(
            &api("/contacts"),
            &s1,
            json!({"last_name": "Pour moi", "assigned_to": a.sales1}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = t.get(&api(&format!("/contacts/{c_s1}")), &s1).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["assigned_to"], json!(a.sales1), "unchanged: {v}");

    // Team lead: within team Nord, not to Sud.
    let (s, v) = t
        .post(
            &api("/contacts"),
            &chef,
            json!({"last_name": "Nord", "assigned_to": a.sales1}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["assigned_to"], json!(a.sales1));
    let (s, v) = t
        .post(
            &api("/contacts"),
            &chef,
            json!({"last_name": "Sud", "assigned_to": a.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["assigned_to"].is_string(), "{v}");
    let (s, v) = t
        .patch(
            &api(&format!("/contacts/{c_chef}")),
            &chef,
            json!({"assigned_to": a.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = t
        .patch(
            &api(&format!("/contacts/{c_chef}")),
            &chef,
            json!({"assigned_to": a.sales1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["assigned_to"], json!(a.sales1));
}
