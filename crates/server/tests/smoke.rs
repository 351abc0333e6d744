mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn login_create_read() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let (s, me) = t.get("/api/v1/me", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["name"], "Alice Administratrice");
    let id = t
        .contact(
            &admin,
            json!({"last_name": "Durand", "email": "a.durand@exemple.fr"}),
        )
        .await;
    let (s, c) = t.get(&format!("/api/v1/contacts/{id}"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c["last_name"], "Durand");
    assert_eq!(c["activity_counts"]["notes"], 0);
}
