//! Who may erase, and the rules of erasure tokens.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn only_admin_and_deputy_erase_and_tokens_are_single_use_bound_and_short_lived() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let deputy = t.login("suppleant@demo.fr").await;
    let lead = t.login("chef@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let mk = |name: &str| json!({"last_name": name, "assigned_to": t.acc.sales1});
    let x = t.contact(&admin, mk("X")).await;
    let y = t.contact(&admin, mk("Y")).await;
    let z = t.contact(&admin, mk("Z")).await;
    let audit_before = audit_items(&t, &admin).await.len();

    let a = preview(&t, &admin, "anonymize", json!({"contacts": [x]})).await;
    let aid = id_of(&a);
    for (who, token, user) in [
        ("team lead", &lead, &t.acc.team_lead),
        ("sales", &sales, &t.acc.sales1),
    ] {
        for action in ["anonymize", "delete"] {
            let (s, v) = t
                .post(
                    "/api/v1/erasures",
                    token,
                    json!({"action": action, "target": {"contacts": [x]}}),
                )
                .await;
            assert_err(s, &v, StatusCode::FORBIDDEN, "forbidden");
        }
        let (s, v) = t
            .post(
                &format!("/api/v1/erasures/{aid}/confirm"),
                token,
                json!({"confirm_token": a["confirm_token"]}),
            )
            .await;
        assert_err(s, &v, StatusCode::FORBIDDEN, "forbidden");
        let (s, v) = t.get(&format!("/api/v1/erasures/{aid}"), token).await;
        assert_err(s, &v, StatusCode::FORBIDDEN, "forbidden");
        let items = audit_items(&t, &admin).await;
        let refusals = items
            .iter()
            .filter(|e| e["outcome"] == "forbidden" && e["actor_user_id"] == user.as_str())
            .count();
        assert_eq!(refusals, 4, "{who}: each refusal is audited");
    }
    assert!(audit_items(&t, &admin).await.len() >= audit_before + 8);

    // Another user (the deputy) cannot use the admin's token.
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{aid}/confirm"),
            &deputy,
            json!({"confirm_token": a["confirm_token"]}),
        )
        .await;
    assert_err(s, &v, StatusCode::FORBIDDEN, "forbidden");
    // A's token on erasure B (another target) is refused.
    let b = preview(&t, &admin, "anonymize", json!({"contacts": [y]})).await;
    let bid = id_of(&b);
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{bid}/confirm"),
            &admin,
            json!({"confirm_token": a["confirm_token"]}),
        )
        .await;
    assert_err(s, &v, StatusCode::CONFLICT, "invalid_token");
    // A wrong action on the same target is another erasure: its own token only.
    let a_del = preview(&t, &admin, "delete", json!({"contacts": [x]})).await;
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{}/confirm", id_of(&a_del)),
            &admin,
            json!({"confirm_token": a["confirm_token"]}),
        )
        .await;
    assert_err(s, &v, StatusCode::CONFLICT, "invalid_token");
    // An expired token.
    let c = preview(&t, &admin, "anonymize", json!({"contacts": [z]})).await;
    let cid = id_of(&c);
    raw_sql(
        &t,
        &format!(
            "UPDATE erasures SET expires_at = 0 WHERE id = '{}'",
            safe(&cid)
        ),
    )
    .await;
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{cid}/confirm"),
            &admin,
            json!({"confirm_token": c["confirm_token"]}),
        )
        .await;
    assert_err(s, &v, StatusCode::CONFLICT, "invalid_token");
    // Nothing ran so far.
    for id in [&x, &y, &z] {
        assert!(contact_detail(&t, &admin, id).await["anonymized_at"].is_null());
    }
    // The right user with the right token: once.
    confirm(&t, &admin, &a).await;
    assert!(contact_detail(&t, &admin, &x).await["anonymized_at"].is_string());
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{aid}/confirm"),
            &admin,
            json!({"confirm_token": a["confirm_token"]}),
        )
        .await;
    assert_err(s, &v, StatusCode::CONFLICT, "invalid_token");
    let (s, v) = t.get(&format!("/api/v1/erasures/{aid}"), &admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "done");
    assert_eq!(v["done"], 1);
    assert_eq!(v["total"], 1);
    let (s, v) = t.get(&format!("/api/v1/erasures/{bid}"), &deputy).await;
    assert_eq!(s, StatusCode::OK, "deputy reads progress: {v}");
    assert_eq!(v["status"], "previewed");
    // The deputy may run their own.
    erase(&t, &deputy, "anonymize", json!({"contacts": [y]})).await;
    assert!(contact_detail(&t, &admin, &y).await["anonymized_at"].is_string());

    // Malformed targets: 422, nothing erased.
    let pid = id_of(
        &created(
            &t,
            &admin,
            "/api/v1/projects",
            json!({"contact_id": z, "type": "auto"}),
        )
        .await,
    );
    let unknown = uuid::Uuid::new_v4().to_string();
    let mut wrong = Vec::new();
    for target in [
        json!({"contacts": [z], "projects": [pid]}),
        json!({"contacts": []}),
        json!({"projects": []}),
        json!({}),
        json!({"contacts": [unknown]}),
        json!({"contacts": [z, unknown]}),
        json!({"projects": [unknown]}),
        json!({"contacts": [z], "exclude": [z]}),
    ] {
        for action in ["anonymize", "delete"] {
            let (s, v) = t
                .post(
                    "/api/v1/erasures",
                    &admin,
                    json!({"action": action, "target": target}),
                )
                .await;
            if s != StatusCode::UNPROCESSABLE_ENTITY || v["error"]["code"] != "invalid" {
                wrong.push(format!("{action} {target} → {s} {v}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "malformed targets must be 422 `invalid`, nothing erased:\n{}",
        wrong.join("\n")
    );
    let d = contact_detail(&t, &admin, &z).await;
    assert!(d["anonymized_at"].is_null());
    assert_eq!(d["last_name"], "Z");
    assert_eq!(d["projects"].as_array().map(Vec::len), Some(1));
    // Another cabinet's contact is as unknown as a made-up id.
    let witness = t.login("admin@temoin.fr").await;
    let (s, v) = t
        .post(
            "/api/v1/erasures",
            &witness,
            json!({"action": "delete", "target": {"contacts": [z]}}),
        )
        .await;
    assert!(
        s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::NOT_FOUND,
        "{s} {v}"
    );
    let (s, _) = t.get(&format!("/api/v1/erasures/{bid}"), &witness).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(contact_detail(&t, &admin, &z).await["anonymized_at"].is_null());
}
