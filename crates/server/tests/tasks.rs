//! `GET /tasks`: the Tâches page's list across contacts.
mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn tasks_mine_team_done_and_pagination() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let chef = t.login("chef@demo.fr").await;
    let s1 = t.login("commercial1@demo.fr").await;
    let s2 = t.login("commercial2@demo.fr").await;
    let c1 = t.contact(&s1, json!({"last_name": "Un"})).await;
    let c2 = t.contact(&s2, json!({"last_name": "Deux"})).await;
    let mut ids = Vec::new();
    for (i, due) in ["2026-12-05", "2026-12-01", "2026-12-03"]
        .iter()
        .enumerate()
    {
        let (s, v) = t
            .post(
                &format!("/api/v1/contacts/{c1}/tasks"),
                &s1,
                json!({"title": format!("Tâche {i}"), "due_date": due, "assigned_to": t.acc.sales1}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    let (s, v) = t
        .post(
            &format!("/api/v1/contacts/{c2}/tasks"),
            &s2,
            json!({"title": "Sud", "assigned_to": t.acc.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let other = v["id"].as_str().unwrap().to_string();

    // Mine, soonest due first, two per page.
    let (s, p1) = t.get("/api/v1/tasks?scope=mine&limit=2", &s1).await;
    assert_eq!(s, StatusCode::OK, "{p1}");
    assert_eq!(p1["total"], 3);
    let due: Vec<_> = p1["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["due_date"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(due, ["2026-12-01", "2026-12-03"]);
    let (_, p2) = t
        .get(
            &format!(
                "/api/v1/tasks?scope=mine&limit=2&after={}",
                p1["next"].as_str().unwrap()
            ),
            &s1,
        )
        .await;
    assert_eq!(p2["items"][0]["due_date"], "2026-12-05");
    assert!(p2["next"].is_null());

    // The team lead's team (Nord) has the three tasks of commercial1, not the Sud one.
    let (_, team) = t.get("/api/v1/tasks?scope=team", &chef).await;
    let team_ids: Vec<_> = team["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(team["total"], 3);
    assert!(!team_ids.contains(&other));
    // Admin: the whole cabinet.
    let (_, all) = t.get("/api/v1/tasks?scope=team", &admin).await;
    assert_eq!(all["total"], 4);
    // commercial2 never sees commercial1's tasks.
    let (_, mine2) = t.get("/api/v1/tasks?scope=team", &s2).await;
    assert_eq!(mine2["total"], 1);

    // Marking one done removes it from the open list.
    let (s, _) = t
        .patch(
            &format!("/api/v1/contacts/{c1}/tasks/{}", ids[1]),
            &s1,
            json!({"done": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, open) = t.get("/api/v1/tasks?scope=mine&done=false", &s1).await;
    assert_eq!(open["total"], 2);
    let (_, done) = t.get("/api/v1/tasks?scope=mine&done=true", &s1).await;
    assert_eq!(done["items"][0]["id"], ids[1].as_str());

    let (s, e) = t.get("/api/v1/tasks?scope=everyone", &s1).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["fields"]["scope"].is_string());
    let (s, _) = t.get("/api/v1/tasks?after=nope", &s1).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}
