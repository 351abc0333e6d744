//! Sessions and accounts: deactivation and password changes end sessions, user
//! changes are checked, two admins demoting each other leave one.

use crate::common::TestApp;
use crate::support::*;
use axum::http::{header, StatusCode};
use serde_json::{json, Value};

async fn sessions_of(t: &TestApp, user: &str) -> i64 {
    use sea_query::{Alias, Expr, Query};
    let mut tx = t.state.db.read().await.expect("read");
    let n = tx
        .int(
            Query::select()
                .expr(Expr::col(Alias::new("id")).count())
                .from(Alias::new("sessions"))
                .and_where(Expr::col(Alias::new("user_id")).eq(user)),
        )
        .await
        .expect("count");
    tx.commit().await.expect("commit");
    n
}

#[tokio::test]
async fn deactivation_and_password_change_end_sessions_for_good() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let a = &t.acc;
    let s1a = t.login("commercial1@demo.fr").await;
    let s1b = t.login("commercial1@demo.fr").await;
    let s2 = t.login("commercial2@demo.fr").await;
    let chef = t.login("chef@demo.fr").await;
    assert_eq!(sessions_of(&t, &a.sales1).await, 2);

    // Deactivation: both cookies die, and the right password answers like a wrong one.
    let (s, v) = t
        .patch(
            &api(&format!("/users/{}", a.sales1)),
            &admin,
            json!({"active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["active"], false);
    assert_eq!(v["id"], json!(a.sales1));
    assert_eq!(v["email"], "commercial1@demo.fr");
    for tok in [&s1a, &s1b] {
        let (s, v) = t.get(&api("/me"), tok).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    }
    assert_eq!(
        sessions_of(&t, &a.sales1).await,
        0,
        "rows deleted, not only refused"
    );
    let (s, h, refused) = login_as(&t, None, None, "commercial1@demo.fr", "demo1234").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(h.get(header::SET_COOKIE).is_none());
    let (_, _, wrong) = login_as(&t, None, None, "commercial2@demo.fr", "mauvais").await;
    assert_eq!(refused, wrong, "same answer as bad credentials");
    let (_, users) = t.get(&api("/users"), &admin).await;
    let listed = users
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["id"] == json!(a.sales1))
        .expect("listed");
    assert_eq!(listed["active"], false);

    // Reactivation: the old cookies stay dead; a new login works.
    let (s, v) = t
        .patch(
            &api(&format!("/users/{}", a.sales1)),
            &admin,
            json!({"active": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["active"], true);
    for tok in [&s1a, &s1b] {
        let (s, _) = t.get(&api("/me"), tok).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "an old cookie came back");
    }
    let fresh = t.login("commercial1@demo.fr").await;
    let (s, _) = t.get(&api("/me"), &fresh).await;
    assert_eq!(s, StatusCode::OK);

    // A new password: the session dies, the old password stops working, the new one works.
    let new_password = "Nouveau-Secret-2030";
    let (s, v) = t
        .patch(
            &api(&format!("/users/{}", a.sales2)),
            &admin,
            json!({"password": new_password}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(!v.to_string().contains(new_password), "{v}");
    assert!(
        v.get("password").is_none() && v.get("password_hash").is_none(),
        "{v}"
    );
    let (s, _) = t.get(&api("/me"), &s2).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = login_as(&t, None, None, "commercial2@demo.fr", "demo1234").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, h, _) = login_as(&t, None, None, "commercial2@demo.fr", new_password).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t.get(&api("/me"), &token_of(&h)).await;
    assert_eq!(s, StatusCode::OK);

    // Renaming or moving someone ends nothing.
    let (s, v) = t
        .patch(
            &api(&format!("/users/{}", a.team_lead)),
            &admin,
            json!({"name": "Chloé C.", "team_id": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["name"], "Chloé C.");
    assert_eq!(v["team_id"], Value::Null);
    let (s, me) = t.get(&api("/me"), &chef).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["name"], "Chloé C.");
    let (s, _) = t.get(&api("/me"), &admin).await;
    assert_eq!(s, StatusCode::OK);

    // Audited with field names and counts, never values.
    let all = audit(&t, &admin).await;
    let updates: Vec<&Value> = entries(&all, "user.update", "ok");
    assert_eq!(updates.len(), 4, "{updates:?}");
    let by_target = |id: &str| -> Vec<&Value> {
        updates
            .iter()
            .copied()
            .filter(|e| e["target_id"] == json!(id))
            .collect()
    };
    let s1 = by_target(&a.sales1);
    assert_eq!(s1.len(), 2);
    // Newest first: the reactivation, then the deactivation that ended two sessions.
    assert_eq!(
        s1[0]["detail"],
        json!({"fields": ["active"], "sessions_ended": 0})
    );
    assert_eq!(
        s1[1]["detail"],
        json!({"fields": ["active"], "sessions_ended": 2})
    );
    assert_eq!(s1[1]["actor_user_id"], json!(a.admin));
    assert_eq!(
        by_target(&a.sales2)[0]["detail"],
        json!({"fields": ["password"], "sessions_ended": 1})
    );
    assert_eq!(
        by_target(&a.team_lead)[0]["detail"],
        json!({"fields": ["name", "team_id"], "sessions_ended": 0})
    );
    for row in audit_rows(&t).await {
        assert!(
            !row.contains(new_password) && !row.contains("Chloé"),
            "{row}"
        );
    }
}

#[tokio::test]
async fn user_changes_are_checked() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let deputy = t.login("suppleant@demo.fr").await;
    let a = &t.acc;
    let user = |id: &str| api(&format!("/users/{id}"));

    // Nobody deactivates themselves; the last active admin is not demoted.
    let (s, v) = t
        .patch(&user(&a.admin), &admin, json!({"active": false}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        v["error"]["fields"]["active"],
        "Vous ne pouvez pas désactiver votre propre compte."
    );
    let (s, v) = t
        .patch(&user(&a.admin), &admin, json!({"role": "deputy"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        v["error"]["fields"]["role"],
        "Le cabinet doit garder au moins un administrateur actif."
    );
    let (s, me) = t.get(&api("/me"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["role"], "admin");

    // Another cabinet's user, or nobody: 404. Not an admin: 403.
    for id in [a.witness_admin.as_str(), "inconnu"] {
        let (s, v) = t.patch(&user(id), &admin, json!({"name": "Pirate"})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    }
    let (s, v) = t
        .patch(&user(&a.sales1), &deputy, json!({"active": false}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

    // Invalid values, in French, on the field.
    let cases = [
        (
            json!({"name": "  "}),
            "name",
            "Indiquez le nom de l'utilisateur.",
        ),
        (
            json!({"password": "court"}),
            "password",
            "Le mot de passe doit compter au moins 8 caractères.",
        ),
        (
            json!({"team_id": "inconnue"}),
            "team_id",
            "Équipe inconnue.",
        ),
        (
            json!({"name": null}),
            "name",
            "Valeur de type incorrect ou champ inconnu.",
        ),
        (
            json!({"active": null}),
            "active",
            "Valeur de type incorrect ou champ inconnu.",
        ),
        (
            json!({"role": "patron"}),
            "role",
            "Valeur de type incorrect ou champ inconnu.",
        ),
        (
            json!({"email": "autre@demo.fr"}),
            "email",
            "Valeur de type incorrect ou champ inconnu.",
        ),
    ];
    for (body, field, message) in cases {
        let (s, v) = t.patch(&user(&a.sales1), &admin, body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert_eq!(v["error"]["fields"][field], message, "{body}: {v}");
    }
    let (_, users) = t.get(&api("/users"), &admin).await;
    let s1 = users
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["id"] == json!(a.sales1))
        .expect("sales1")
        .clone();
    assert_eq!(s1["active"], true);
    assert_eq!(s1["name"], "Camille Commerciale");

    // A team of the cabinet, an empty patch.
    let (s, v) = t
        .patch(&user(&a.sales1), &admin, json!({"team_id": a.team_south}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["team_id"], json!(a.team_south));
    let (s, v) = t.patch(&user(&a.sales1), &admin, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["team_id"], json!(a.team_south));

    // With a second administrator, the first may step down; the second then is the
    // last one and may neither step down nor be deactivated.
    let (s, v) = t
        .patch(&user(&a.deputy), &admin, json!({"role": "admin"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = t
        .patch(&user(&a.admin), &admin, json!({"role": "deputy"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["role"], "deputy");
    let (s, _) = t
        .patch(&user(&a.sales1), &admin, json!({"name": "X"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "no longer an administrator");
    let (s, v) = t
        .patch(&user(&a.deputy), &deputy, json!({"role": "sales"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["role"].is_string(), "{v}");
    // Reactivating a deactivated admin counts them again.
    let (s, v) = t
        .patch(
            &user(&a.admin),
            &deputy,
            json!({"role": "admin", "active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = t
        .patch(&user(&a.deputy), &deputy, json!({"role": "sales"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = t
        .patch(&user(&a.admin), &deputy, json!({"active": true}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = t
        .patch(&user(&a.deputy), &deputy, json!({"role": "deputy"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one() {
    let t = TestApp::new().await;
    let a = &t.acc;
    let admin = t.login("admin@demo.fr").await;
    let (s, v) = t
        .patch(
            &api(&format!("/users/{}", a.deputy)),
            &admin,
            json!({"role": "admin"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let second = t.login("suppleant@demo.fr").await;
    for round in 0..5 {
        let one = api(&format!("/users/{}", a.admin));
        let other = api(&format!("/users/{}", a.deputy));
        let ((s1, v1), (s2, v2)) = tokio::join!(
            t.patch(&other, &admin, json!({"role": "sales"})),
            t.patch(&one, &second, json!({"role": "sales"})),
        );
        // One goes first; the other is refused: 422 if it was checked as an admin
        // while the first ran (PostgreSQL: it waits on the lock, then counts), 403 if
        // it started once the first had demoted it (SQLite's single writer).
        let mut statuses = [s1, s2];
        statuses.sort();
        assert_eq!(statuses[0], StatusCode::OK, "round {round}: {v1} {v2}");
        assert!(
            [StatusCode::FORBIDDEN, StatusCode::UNPROCESSABLE_ENTITY].contains(&statuses[1]),
            "round {round}: {v1} {v2}"
        );
        // Whoever stayed admin promotes the other back for the next round.
        let (keeper, demoted) = if s1 == StatusCode::OK {
            (&admin, &other)
        } else {
            (&second, &one)
        };
        let (s, v) = t.patch(demoted, keeper, json!({"role": "admin"})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
}
