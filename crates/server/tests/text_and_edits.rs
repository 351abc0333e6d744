//! Issue 14, item 7: what people type is stored clean (no bidi overrides, controls or
//! zero-width characters; NFC), dates stay within the years of the product, creating a
//! user with a taken address answers the same whoever holds it (and never 500 under a
//! race), and record edits are audited with ids and field names only.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::TestApp;
use serde_json::{json, Value};

async fn audit_rows(t: &TestApp, admin: &str) -> Vec<Value> {
    let (s, v) = t.get("/api/v1/audit?limit=500", admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().expect("items").clone()
}

#[tokio::test]
async fn names_and_comments_are_stored_without_invisible_characters_and_in_nfc() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let (s, v) = t
        .post(
            "/api/v1/contacts",
            &admin,
            json!({
                // "Ele" + combining acute + "onore"; an RLO inside the last name; a
                // zero-width space and a BOM; a bell in the city.
                "first_name": "Ele\u{0301}onore",
                "last_name": "Du\u{202E}pont\u{200B}",
                "city": "\u{FEFF}Lyon\u{0007}",
                "comment": "ligne 1\r\nligne 2\u{2066}\ttab",
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["first_name"], "El\u{E9}onore");
    assert_eq!(v["last_name"], "Dupont");
    assert_eq!(v["city"], "Lyon");
    assert_eq!(v["comment"], "ligne 1\nligne 2\ttab");
    let id = v["id"].as_str().expect("id").to_string();
    // A search typed with the composed letter finds the name typed decomposed.
    let (s, list) = t.get("/api/v1/contacts?q=El%C3%A9onore", &admin).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert!(
        list["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|c| c["id"] == id.as_str()),
        "{list}"
    );
    // Edits are cleaned as creations are.
    let (s, v) = t
        .patch(
            &format!("/api/v1/contacts/{id}"),
            &admin,
            json!({"last_name": "\u{202D}Martin\u{202C}"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["last_name"], "Martin");
    // Household members too.
    let (s, v) = t
        .post(
            &format!("/api/v1/contacts/{id}/household"),
            &admin,
            json!({"first_name": "Le\u{0301}o\u{200F}", "relation": "child"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["first_name"], "L\u{E9}o");
}

#[tokio::test]
async fn an_uploaded_file_name_loses_its_bidi_override() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Fichier"})).await;
    let boundary = "oubli-text";
    // Shown as "photoexe.jpg" by a bidi-aware viewer; really an .exe.
    let name = "photo\u{202E}gpj.exe";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\nMZ\r\n--{boundary}--\r\n"
    );
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/contacts/{c}/documents"))
        .header("x-oubli-request", "1")
        .header(header::COOKIE, format!("oubli_session={admin}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    let (s, v) = t.send(req).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["file_name"], "photogpj.exe", "{v}");
    assert!(!v.to_string().contains('\u{202E}'));
}

#[tokio::test]
async fn dates_outside_the_years_of_the_product_are_refused() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    // A birth date that reads but cannot be gets its own message from the validator.
    for bad in ["0000-01-01", "9999-12-31", "1899-12-31", "2200-01-01"] {
        let (s, v) = t
            .post(
                "/api/v1/contacts",
                &admin,
                json!({"last_name": "Date", "birth_date": bad}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
        assert!(v["error"]["fields"]["birth_date"].is_string(), "{bad}: {v}");
    }
    // Elsewhere, a year out of 1000–2999 does not read as a date.
    for bad in ["0000-01-01", "9999-12-31", "0999-12-31", "3000-01-01"] {
        let (s, v) = t
            .get(&format!("/api/v1/contacts?created_before={bad}"), &admin)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
        assert_eq!(
            v["error"]["fields"]["created_before"],
            "Date invalide : format attendu AAAA-MM-JJ."
        );
    }
    let c = t.contact(&admin, json!({"last_name": "Contrat"})).await;
    let (s, p) = t
        .post(
            "/api/v1/projects",
            &admin,
            json!({"contact_id": c, "type": "auto"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (s, v) = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({"project_id": p["id"], "insurer": "Assureur", "end_date": "9999-12-31"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // The bounds themselves are dates.
    let (s, v) = t
        .post(
            "/api/v1/contacts",
            &admin,
            json!({"last_name": "Date", "birth_date": "1900-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // Nothing was stored by the refusals: only the last "Date" contact.
    let (_, list) = t.get("/api/v1/contacts?q=Date", &admin).await;
    assert_eq!(list["total"], 1, "{list}");
}

#[tokio::test]
async fn a_taken_address_gets_the_same_answer_whichever_cabinet_holds_it() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let user = |email: &str| {
        json!({"email": email, "name": "Nouveau", "role": "sales",
               "password": "un mot de passe solide"})
    };
    // commercial1@demo.fr works here; admin@temoin.fr in the other cabinet.
    let (s1, own) = t
        .post("/api/v1/users", &admin, user("commercial1@demo.fr"))
        .await;
    let (s2, other) = t
        .post("/api/v1/users", &admin, user("admin@temoin.fr"))
        .await;
    assert_eq!(s1, StatusCode::UNPROCESSABLE_ENTITY, "{own}");
    assert_eq!(s2, StatusCode::UNPROCESSABLE_ENTITY, "{other}");
    assert_eq!(own, other, "the two answers must not differ");
    let msg = other["error"]["fields"]["email"].as_str().expect("message");
    assert!(!msg.contains("existe"), "{msg}");
}

#[tokio::test]
async fn two_creations_of_one_address_at_once_give_one_user_and_one_422() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let body = json!({"email": "double@demo.fr", "name": "Double", "role": "sales",
                      "password": "un mot de passe solide"});
    let (a, b) = tokio::join!(
        t.post("/api/v1/users", &admin, body.clone()),
        t.post("/api/v1/users", &admin, body.clone())
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::UNPROCESSABLE_ENTITY],
        "{} / {}",
        a.1,
        b.1
    );
    let (_, users) = t.get("/api/v1/users", &admin).await;
    let n = users
        .as_array()
        .expect("users")
        .iter()
        .filter(|u| u["email"] == "double@demo.fr")
        .count();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn record_edits_are_audited_with_field_names_only() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(&admin, json!({"last_name": "Avant", "city": "Paris"}))
        .await;
    let (s, v) = t
        .patch(
            &format!("/api/v1/contacts/{c}"),
            &admin,
            json!({"last_name": "Secretnom", "city": "Villesecrete"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // An edit that changes nothing writes nothing.
    let (s, _) = t
        .patch(
            &format!("/api/v1/contacts/{c}"),
            &admin,
            json!({"city": "Villesecrete"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, p) = t
        .post(
            "/api/v1/projects",
            &admin,
            json!({"contact_id": c, "type": "auto"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_str().expect("id").to_string();
    let (s, v) = t
        .patch(
            &format!("/api/v1/projects/{pid}"),
            &admin,
            json!({"comment": "Commentairesecret"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, m) = t
        .post(
            &format!("/api/v1/contacts/{c}/household"),
            &admin,
            json!({"first_name": "Membresecret", "relation": "spouse"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let mid = m["id"].as_str().expect("id").to_string();
    let (s, _) = t
        .delete(&format!("/api/v1/contacts/{c}/household/{mid}"), &admin)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, n) = t
        .post(
            &format!("/api/v1/contacts/{c}/notes"),
            &admin,
            json!({"title": "Note", "body": "Corpssecret"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    let nid = n["id"].as_str().expect("id").to_string();
    let (s, _) = t
        .patch(
            &format!("/api/v1/contacts/{c}/notes/{nid}"),
            &admin,
            json!({"body": "Autresecret"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    let rows = audit_rows(&t, &admin).await;
    let find = |action: &str, target: &str| -> Vec<Value> {
        rows.iter()
            .filter(|r| r["action"] == action && r["target_id"] == target)
            .cloned()
            .collect()
    };
    let edits = find("contact.edit", &c);
    assert_eq!(
        edits.len(),
        1,
        "one entry for the one real change: {edits:?}"
    );
    assert_eq!(edits[0]["detail"]["fields"], json!(["city", "last_name"]));
    assert_eq!(edits[0]["target_kind"], "contact");
    assert_eq!(
        find("project.edit", &pid)[0]["detail"]["fields"],
        json!(["comment"])
    );
    assert_eq!(find("household.remove", &mid).len(), 1);
    assert_eq!(
        find("activity.edit", &nid)[0]["detail"]["fields"],
        json!(["body"])
    );
    let all = serde_json::to_string(&rows).expect("json");
    for secret in [
        "Secretnom",
        "Villesecrete",
        "Commentairesecret",
        "Membresecret",
        "Corpssecret",
        "Autresecret",
        "Avant",
        "Paris",
    ] {
        assert!(
            !all.contains(secret),
            "the audit log holds a value: {secret}"
        );
    }
}
