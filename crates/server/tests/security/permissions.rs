//! The permission matrix: refusals are 403 and audited.

use crate::common::TestApp;
use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn permission_matrix_refusals_are_403_and_audited() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let deputy = t.login("suppleant@demo.fr").await;
    let chef = t.login("chef@demo.fr").await;
    let s1 = t.login("commercial1@demo.fr").await;
    let a = &t.acc;
    let c = t
        .contact(
            &admin,
            json!({"last_name": NAME, "email": EMAIL, "assigned_to": a.sales1}),
        )
        .await;
    let other = t
        .contact(&admin, json!({"last_name": "Sud", "assigned_to": a.sales2}))
        .await;
    let (_, users_before) = t.get(&api("/users"), &admin).await;
    let mut total = audit_total(&t, &admin).await;

    let new_user = json!({
        "email": "nouveau@demo.fr",
        "name": "Nouveau Venu",
        "role": "admin",
        "password": "un-mot-de-passe-solide-2024"
    });
    let attempts: Vec<(Method, String, Option<Value>, &str, bool)> = vec![
        (
            Method::DELETE,
            format!("/contacts/{c}"),
            None,
            "erase",
            true,
        ),
        (
            Method::GET,
            format!("/contacts/{c}/export"),
            None,
            "exportperson",
            true,
        ),
        (Method::GET, "/audit".into(), None, "readaudit", false),
        (
            Method::POST,
            "/users".into(),
            Some(new_user.clone()),
            "managecabinet",
            false,
        ),
        (
            Method::PATCH,
            "/settings".into(),
            Some(json!({"retention_months": 1})),
            "managecabinet",
            false,
        ),
        (
            Method::PATCH,
            format!("/users/{}", a.sales2),
            Some(json!({"active": false})),
            "managecabinet",
            false,
        ),
    ];
    for (token, user, label) in [
        (&chef, &a.team_lead, "Chef d'équipe"),
        (&s1, &a.sales1, "Commercial"),
    ] {
        for (method, path, body, action, on_contact) in &attempts {
            let (s, v) = t
                .call(method.clone(), &api(path), Some(token), body.clone())
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{label} {method} {path}: {v}");
            assert_eq!(v["error"]["code"], "forbidden", "{v}");
            assert_eq!(
                v["error"]["message"],
                format!("Action réservée : votre rôle ({label}) ne le permet pas."),
                "{v}"
            );
            let page = audit_page(&t, &admin).await;
            assert_eq!(
                page["total"].as_i64(),
                Some(total + 1),
                "{label} {method} {path} must add one audit entry"
            );
            total += 1;
            let e = &page["items"][0];
            assert_eq!(e["actor_user_id"], json!(user), "{e}");
            assert_eq!(e["outcome"], "forbidden", "{e}");
            assert_eq!(e["action"], *action, "{e}");
            if *on_contact {
                assert_eq!(e["target_kind"], "contact", "{e}");
                assert_eq!(e["target_id"], json!(c), "{e}");
            }
            let text = e.to_string();
            assert!(
                !text.contains(NAME) && !text.contains(EMAIL) && !text.contains("zorglub"),
                "audit entry holds personal data: {text}"
            );
        }
    }
    // A record outside one's scope is not found, not forbidden (and not audited).
    let (s, v) = t.delete(&api(&format!("/contacts/{other}")), &s1).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = t
        .get(&api(&format!("/contacts/{other}/export")), &chef)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(audit_total(&t, &admin).await, total);

    // The refusals changed nothing.
    let (s, _) = t.get(&api(&format!("/contacts/{c}")), &admin).await;
    assert_eq!(s, StatusCode::OK);
    let (_, st) = t.get(&api("/settings"), &admin).await;
    assert_eq!(st["retention_months"], 36, "{st}");
    let (_, users_after) = t.get(&api("/users"), &admin).await;
    assert_eq!(users_before, users_after);

    // Deputy: erasure, export and audit yes; users and settings no.
    let (s, v) = t.post(&api("/users"), &deputy, new_user.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(
        v["error"]["message"],
        "Action réservée : votre rôle (Suppléant) ne le permet pas."
    );
    total += 1;
    let (s, v) = t
        .patch(&api("/settings"), &deputy, json!({"retention_months": 1}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    total += 1;
    let (s, v) = t.get(&api("/audit"), &deputy).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"].as_i64(), Some(total), "{v}");
    let e = &v["items"][0];
    assert_eq!(e["actor_user_id"], json!(a.deputy));
    assert_eq!(e["outcome"], "forbidden");
    let (s, v) = t.get(&api(&format!("/contacts/{c}/export")), &deputy).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["schema"], "oubli.person-export.v1");
    assert_eq!(v["contact"]["last_name"], NAME);
    total += 1;
    let (s, v) = t.delete(&api(&format!("/contacts/{c}")), &deputy).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    // DELETE goes through the erasure engine: preview, confirm, the contact, done.
    total += 4;
    let (s, _) = t.get(&api(&format!("/contacts/{c}")), &admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let page = audit_page(&t, &admin).await;
    assert_eq!(page["total"].as_i64(), Some(total));
    let actions: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .take(5)
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        vec![
            "erasure.done.delete",
            "contact.delete",
            "erasure.confirm.delete",
            "erasure.preview.delete",
            "contact.export"
        ]
    );
    let text = page.to_string();
    assert!(
        !text.contains(NAME) && !text.contains(EMAIL),
        "the audit log holds personal data: {text}"
    );
}
