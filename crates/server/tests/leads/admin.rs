//! The administrator's routes: CGU versions, widgets, supplier keys.

use crate::common::TestApp;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;
use sha2::Digest;

#[tokio::test]
async fn other_roles_get_403_audited_and_other_cabinets_404() {
    let t = TestApp::new().await;
    let s = setup(&t, "admin@demo.fr").await;
    let (st, k) = t
        .post(
            "/api/v1/api-keys",
            &s.admin,
            json!({"name": "K", "supplier": "S"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let key_id = k["id"].as_str().unwrap().to_string();
    for who in ["suppleant@demo.fr", "chef@demo.fr", "commercial1@demo.fr"] {
        let c = t.login(who).await;
        let audit_before = t.rows("audit_log").await;
        for path in [
            "/api/v1/cgu-versions",
            "/api/v1/widgets",
            "/api/v1/api-keys",
        ] {
            assert_eq!(
                t.get(path, &c).await.0,
                StatusCode::FORBIDDEN,
                "{who} GET {path}"
            );
        }
        let (st, _) = t
            .post(
                "/api/v1/cgu-versions",
                &c,
                json!({"title": "T", "text": "X"}),
            )
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{who}");
        let (st, _) = t
            .post(
                "/api/v1/widgets",
                &c,
                json!({"kind": "lead_form", "name": "N", "project_type": "auto"}),
            )
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{who}");
        let (st, _) = t
            .patch(
                &format!("/api/v1/widgets/{}", s.widget_id),
                &c,
                json!({"active": false}),
            )
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(
            t.delete(&format!("/api/v1/api-keys/{key_id}"), &c).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            t.rows("audit_log").await,
            audit_before + 7,
            "{who}: refusals audited"
        );
    }
    let w = t.login("admin@temoin.fr").await;
    for path in [
        format!("/api/v1/widgets/{}", s.widget_id),
        format!("/api/v1/cgu-versions/{}", s.cgu_id),
    ] {
        assert_eq!(t.get(&path, &w).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    let (st, _) = t
        .patch(
            &format!("/api/v1/widgets/{}", s.widget_id),
            &w,
            json!({"name": "Volé"}),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(
        t.delete(&format!("/api/v1/api-keys/{key_id}"), &w).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, list) = t.get("/api/v1/widgets", &w).await;
    assert_eq!(list.as_array().unwrap().len(), 0);
    let (_, mine) = t.get("/api/v1/api-keys", &s.admin).await;
    assert!(
        mine[0]["revoked_at"].is_null(),
        "not revoked by the other cabinet"
    );
}

#[tokio::test]
async fn cgu_versions_are_immutable_and_the_newest_is_current() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let text1 = "Première version des conditions.";
    let (st, v1) = t
        .post(
            "/api/v1/cgu-versions",
            &admin,
            json!({"title": "V1", "text": text1}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v1}");
    assert_eq!(
        v1["sha256"],
        json!(hex::encode(sha2::Sha256::digest(text1.as_bytes())))
    );
    assert_eq!(v1["current"], true);
    let (st, v2) = t
        .post(
            "/api/v1/cgu-versions",
            &admin,
            json!({"title": "V2", "text": "Deuxième version."}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, list) = t.get("/api/v1/cgu-versions", &admin).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|v| v["current"] == true).count(), 1);
    assert_eq!(list[0]["id"], v2["id"]);
    let (st, old) = t
        .get(
            &format!("/api/v1/cgu-versions/{}", v1["id"].as_str().unwrap()),
            &admin,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        (old["text"].as_str(), old["current"].as_bool()),
        (Some(text1), Some(false))
    );
    assert_eq!(old["sha256"], v1["sha256"]);
    // No way to edit or delete a version.
    let path = format!("/api/v1/cgu-versions/{}", v1["id"].as_str().unwrap());
    let (st, _) = t.patch(&path, &admin, json!({"text": "Changé"})).await;
    assert_eq!(st, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        t.delete(&path, &admin).await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    let (_, again) = t.get(&path, &admin).await;
    assert_eq!(again["text"], json!(text1));
    // Empty text: 422 in French.
    let (st, v) = t
        .post(
            "/api/v1/cgu-versions",
            &admin,
            json!({"title": "", "text": " "}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"]["fields"]["text"]
        .as_str()
        .unwrap()
        .contains("obligatoire"));
}

#[tokio::test]
async fn an_api_key_secret_is_shown_once_and_only_its_hash_is_stored() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let (st, k) = t
        .post(
            "/api/v1/api-keys",
            &admin,
            json!({"name": "Flux", "supplier": "Comparateur"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{k}");
    let secret = k["secret"].as_str().unwrap().to_string();
    assert!(secret.len() >= 64);
    assert!(secret.starts_with(k["prefix"].as_str().unwrap()));
    let (_, list) = t.get("/api/v1/api-keys", &admin).await;
    assert!(list[0].get("secret").is_none(), "{list}");
    assert!(!list.to_string().contains(&secret));
    let id = k["id"].as_str().unwrap();
    let stored = value_of(&t, "api_keys", "secret_sha256", ("id", id))
        .await
        .unwrap();
    assert_eq!(stored, hex::encode(sha2::Sha256::digest(secret.as_bytes())));
    assert_eq!(
        count_where(&t, "api_keys", "secret_sha256", &secret).await,
        0
    );
    // Revoked: listed as such, and revoking again changes nothing.
    let (st, r) = t.delete(&format!("/api/v1/api-keys/{id}"), &admin).await;
    assert_eq!(st, StatusCode::OK);
    let (_, r2) = t.delete(&format!("/api/v1/api-keys/{id}"), &admin).await;
    assert_eq!(r["revoked_at"], r2["revoked_at"]);
}

#[tokio::test]
async fn widgets_check_their_origins_and_routing_and_carry_a_snippet() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let (st, v) = t
        .post(
            "/api/v1/widgets",
            &admin,
            json!({"kind": "lead_form", "name": "W", "project_type": "sante",
                   "allowed_origins": ["https://ok.example", "https://ok.example/page", "exemple.fr"]}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let f = &v["error"]["fields"];
    assert!(
        f["allowed_origins[1]"]
            .as_str()
            .unwrap()
            .contains("sans chemin"),
        "{v}"
    );
    assert!(f["allowed_origins[2]"].is_string());
    assert!(f.get("allowed_origins[0]").is_none());
    // Routing to another cabinet's user, or a mode without its id.
    let (st, v) = t
        .post(
            "/api/v1/widgets",
            &admin,
            json!({"kind": "lead_form", "name": "W", "project_type": "sante",
                   "routing": {"mode": "user", "user_id": t.acc.witness_admin}}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"]["fields"]["routing.user_id"].is_string());
    let (st, v) = t
        .post(
            "/api/v1/widgets",
            &admin,
            json!({"kind": "comparator", "name": "W", "project_type": "sante", "routing": {"mode": "team"}}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"]["fields"]["routing.team_id"].is_string());
    // A good one: origins in browser form, a snippet for this server.
    let (st, w) = t
        .post(
            "/api/v1/widgets",
            &admin,
            json!({"kind": "comparator", "name": "Comparateur", "project_type": "sante",
                   "allowed_origins": ["HTTPS://Ok.Example:443"], "supplier": "Site"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{w}");
    assert_eq!(w["allowed_origins"], json!(["https://ok.example"]));
    assert_eq!(w["routing"], json!({"mode": "round_robin"}));
    assert_eq!(w["active"], true);
    let key = w["key"].as_str().unwrap();
    assert_eq!(
        w["snippet"],
        json!(format!(
            "<script src=\"http://localhost/embed.js\" data-oubli-widget=\"{key}\" async></script>"
        ))
    );
    let id = w["id"].as_str().unwrap();
    let (st, e) = t
        .patch(
            &format!("/api/v1/widgets/{id}"),
            &admin,
            json!({"name": "Renommé", "key": "x"}),
        )
        .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the key is not editable: {e}"
    );
    let (st, e) = t
        .patch(
            &format!("/api/v1/widgets/{id}"),
            &admin,
            json!({"name": "Renommé"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{e}");
    assert_eq!(
        (e["name"].as_str(), e["key"].as_str()),
        (Some("Renommé"), Some(key))
    );
    let (_, one) = t.get(&format!("/api/v1/widgets/{id}"), &admin).await;
    assert_eq!(one["name"], "Renommé");
}
