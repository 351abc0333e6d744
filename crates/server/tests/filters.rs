//! A list filter inside a JSON body (`contacts_filter`, `projects_filter` of an erasure
//! target, API.md "Wave 2 additions"): JSON types as well as their string forms, and an
//! unknown key or a wrong type refused with a French 422 keyed by the field, before
//! anything is stored. The list query strings keep their behaviour (same reader).
//! Runs on SQLite, and on PostgreSQL when DATABASE_URL is set.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{json, Value};

/// A supplier name no other test uses, so each filter selects this test's records.
fn new_tag() -> String {
    format!("Filt-{}", &uuid::Uuid::new_v4().simple().to_string()[..10])
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

/// What an erasure or a request could have stored: previews, members, requests, the
/// job list and the audit log.
async fn stored(t: &TestApp, admin: &str) -> Vec<i64> {
    let mut v = Vec::new();
    for table in [
        "erasures",
        "erasure_chunks",
        "erasure_requests",
        "erasure_request_members",
        "audit_log",
    ] {
        v.push(t.rows(table).await);
    }
    let (s, jobs) = t.get("/api/v1/erasures", admin).await;
    assert_eq!(s, StatusCode::OK, "{jobs}");
    v.push(jobs["items"].as_array().expect("jobs").len() as i64);
    let (s, reqs) = t.get("/api/v1/erasure-requests", admin).await;
    assert_eq!(s, StatusCode::OK, "{reqs}");
    v.push(reqs["items"].as_array().expect("requests").len() as i64);
    v
}

async fn total(t: &TestApp, token: &str, path: &str) -> i64 {
    let (s, v) = t.get(path, token).await;
    assert_eq!(s, StatusCode::OK, "{path}: {v}");
    v["total"].as_i64().unwrap_or_else(|| panic!("{path}: {v}"))
}

async fn preview(t: &TestApp, token: &str, action: &str, target: Value) -> (StatusCode, Value) {
    t.post(
        "/api/v1/erasures",
        token,
        json!({"action": action, "target": target}),
    )
    .await
}

/// `count` contacts of `status` with supplier `tag`, as `token`'s user.
async fn contacts(t: &TestApp, token: &str, tag: &str, status: &str, count: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..count {
        let body = json!({"last_name": format!("Nom{i}"), "status": status, "supplier": tag});
        ids.push(t.contact(token, body).await);
    }
    ids
}

async fn project(t: &TestApp, token: &str, contact: &str, kind: &str, tag: &str) -> String {
    let (s, v) = t
        .post(
            "/api/v1/projects",
            token,
            json!({"contact_id": contact, "type": kind, "supplier": tag}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    id_of(&v)
}

/// The 422 of a refused filter: `field` (and only filter fields) with a message
/// starting with `message`.
fn assert_refused(s: StatusCode, v: &Value, field: &str, message: &str) {
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {v}");
    assert_eq!(v["error"]["code"], "invalid", "{v}");
    let m = v["error"]["fields"][field].as_str().unwrap_or_default();
    assert!(m.starts_with(message), "{field}: {v}");
}

#[tokio::test]
async fn a_body_filter_takes_json_types_as_well_as_their_string_forms() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let tag = new_tag();
    let prospects = contacts(&t, &admin, &tag, "prospect", 3).await;
    let clients = contacts(&t, &admin, &tag, "client", 2).await;
    // One client anonymized, so `anonymized` has something to tell apart.
    let (s, p) = preview(&t, &admin, "anonymize", json!({"contacts": [clients[0]]})).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{}/confirm", id_of(&p)),
            &admin,
            json!({"confirm_token": p["confirm_token"]}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    t.wait_job(&admin, &id_of(&p)).await;

    let count = |filter: Value| {
        let t = &t;
        let admin = &admin;
        async move {
            let (s, v) = preview(t, admin, "delete", json!({"contacts_filter": filter})).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            v["preview"]["contacts"].as_i64().expect("count")
        }
    };
    assert_eq!(count(json!({"supplier": tag})).await, 5);
    assert_eq!(
        count(json!({"supplier": tag, "anonymized": false})).await,
        4
    );
    assert_eq!(
        count(json!({"supplier": tag, "anonymized": "false"})).await,
        4
    );
    assert_eq!(count(json!({"supplier": tag, "anonymized": true})).await, 1);
    assert_eq!(
        count(json!({"supplier": tag, "opposition": false})).await,
        5
    );
    assert_eq!(
        count(json!({"supplier": tag, "status": ["prospect"]})).await,
        3
    );
    assert_eq!(
        count(json!({"supplier": tag, "status": "prospect"})).await,
        3
    );
    assert_eq!(
        count(json!({"supplier": tag, "status_not": ["prospect"], "anonymized": false})).await,
        1
    );
    // `limit` is checked as on the list, a number or its digits; it limits nothing.
    assert_eq!(count(json!({"supplier": tag, "limit": 2})).await, 5);
    assert_eq!(count(json!({"supplier": tag, "limit": "2"})).await, 5);
    // `null` is "not given" (the browser sends the keys it does not set as null).
    assert_eq!(
        count(json!({"supplier": tag, "q": null, "status": null})).await,
        5
    );
    assert_eq!(
        total(
            &t,
            &admin,
            &format!("/api/v1/contacts?supplier={tag}&status=prospect")
        )
        .await,
        3
    );

    // `"status": ["prospect"]` selects exactly the prospects: deleting them leaves the
    // clients.
    let (s, p) = preview(
        &t,
        &admin,
        "delete",
        json!({"contacts_filter": {"supplier": tag, "status": ["prospect"]}, "exclude": []}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{}/confirm", id_of(&p)),
            &admin,
            json!({"confirm_token": p["confirm_token"]}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let job = t.wait_job(&admin, &id_of(&p)).await;
    assert_eq!(job["done"], 3, "{job}");
    for id in &prospects {
        let (s, _) = t.get(&format!("/api/v1/contacts/{id}"), &admin).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{id}");
    }
    for id in &clients {
        let (s, _) = t.get(&format!("/api/v1/contacts/{id}"), &admin).await;
        assert_eq!(s, StatusCode::OK, "{id}");
    }

    // A projects filter: types as an array.
    let c = clients[1].clone();
    project(&t, &admin, &c, "auto", &tag).await;
    project(&t, &admin, &c, "sante", &tag).await;
    project(&t, &admin, &c, "habitation", &tag).await;
    for (types, n) in [
        (json!(["auto", "sante"]), 2),
        (json!("auto,sante"), 2),
        (json!(["habitation"]), 1),
    ] {
        let (s, v) = preview(
            &t,
            &admin,
            "delete",
            json!({"projects_filter": {"supplier": tag, "type": types}}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["preview"]["projects"], n, "{types}: {v}");
    }
}

#[tokio::test]
async fn an_unknown_key_in_a_body_filter_is_refused_and_stores_nothing() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let tag = new_tag();
    let mine = contacts(&t, &sales, &tag, "prospect", 2).await;
    contacts(&t, &admin, &tag, "client", 2).await;
    project(&t, &sales, &mine[0], "auto", &tag).await;
    let everyone = total(&t, &admin, "/api/v1/contacts").await;
    let before = stored(&t, &admin).await;

    let cases = [
        (
            json!({"contacts_filter": {"statut": ["prospect"]}, "exclude": []}),
            "target.contacts_filter.statut",
            "Filtre inconnu : statut. Filtres possibles : created_before, created_after, status,",
        ),
        (
            json!({"contacts_filter": {"supplier": tag, "anonymised": false}}),
            "target.contacts_filter.anonymised",
            "Filtre inconnu : anonymised.",
        ),
        (
            json!({"projects_filter": {"typ": "auto"}, "exclude": []}),
            "target.projects_filter.typ",
            "Filtre inconnu : typ. Filtres possibles : ",
        ),
    ];
    for (target, field, message) in &cases {
        for action in ["anonymize", "delete"] {
            let (s, v) = preview(&t, &admin, action, target.clone()).await;
            assert_refused(s, &v, field, message);
            let fields = v["error"]["fields"].as_object().expect("fields");
            assert_eq!(fields.len(), 1, "{v}");
            // The request route (sales) reads the same filter.
            let (s, v) = t
                .post(
                    "/api/v1/erasure-requests",
                    &sales,
                    json!({"action": action, "target": target, "reason": "Demande du client"}),
                )
                .await;
            assert_refused(s, &v, field, message);
        }
    }
    assert_eq!(
        stored(&t, &admin).await,
        before,
        "nothing stored, nothing audited"
    );
    assert_eq!(total(&t, &admin, "/api/v1/contacts").await, everyone);
    assert_eq!(total(&t, &admin, "/api/v1/projects").await, 1);
}

#[tokio::test]
async fn a_wrong_type_in_a_body_filter_is_a_french_422_keyed_by_the_field() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let tag = new_tag();
    contacts(&t, &sales, &tag, "prospect", 2).await;
    let before = stored(&t, &admin).await;
    let codes = "Valeur attendue : une liste de codes, ou des codes séparés par des virgules.";
    let cases = [
        (
            json!({"contacts_filter": {"status": {"in": ["prospect"]}}}),
            "target.contacts_filter.status",
            codes,
        ),
        (
            json!({"contacts_filter": {"status_not": [1, 2]}}),
            "target.contacts_filter.status_not",
            codes,
        ),
        (
            json!({"projects_filter": {"type": [["auto"]]}}),
            "target.projects_filter.type",
            codes,
        ),
        (
            json!({"contacts_filter": {"created_before": 20230131}}),
            "target.contacts_filter.created_before",
            "Date invalide : format attendu AAAA-MM-JJ.",
        ),
        (
            json!({"contacts_filter": {"anonymized": 0}}),
            "target.contacts_filter.anonymized",
            "Valeur attendue : true ou false.",
        ),
        (
            json!({"contacts_filter": {"anonymized": "peut-être"}}),
            "target.contacts_filter.anonymized",
            "Valeur attendue : true ou false.",
        ),
        (
            json!({"contacts_filter": {"supplier": ["Banc"]}}),
            "target.contacts_filter.supplier",
            "Valeur attendue : un texte.",
        ),
        (
            json!({"projects_filter": {"limit": 10.5}}),
            "target.projects_filter.limit",
            "La taille de page doit être comprise entre 1 et 500.",
        ),
        (
            json!({"contacts_filter": {"status": ["perdu"]}}),
            "target.contacts_filter.status",
            "Statut inconnu. Valeurs possibles : prospect, client.",
        ),
    ];
    for (target, field, message) in &cases {
        let (s, v) = preview(&t, &admin, "delete", target.clone()).await;
        assert_refused(s, &v, field, message);
        assert_eq!(v["error"]["fields"][field], *message, "{v}");
        let (s, v) = t
            .post(
                "/api/v1/erasure-requests",
                &sales,
                json!({"action": "anonymize", "target": target, "reason": "Demande du client"}),
            )
            .await;
        assert_refused(s, &v, field, message);
    }
    // Several at once: every one of them.
    let (s, v) = preview(
        &t,
        &admin,
        "delete",
        json!({"contacts_filter": {"statut": "prospect", "opposition": [], "created_after": "hier"}}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let fields: Vec<&String> = v["error"]["fields"]
        .as_object()
        .expect("fields")
        .keys()
        .collect();
    assert_eq!(
        fields,
        [
            "target.contacts_filter.created_after",
            "target.contacts_filter.opposition",
            "target.contacts_filter.statut"
        ],
        "{v}"
    );
    assert_eq!(
        stored(&t, &admin).await,
        before,
        "nothing stored, nothing audited"
    );
}

#[tokio::test]
async fn the_list_query_strings_keep_their_behaviour() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let tag = new_tag();
    let p = contacts(&t, &admin, &tag, "prospect", 2).await;
    contacts(&t, &admin, &tag, "client", 1).await;
    project(&t, &admin, &p[0], "auto", &tag).await;
    project(&t, &admin, &p[1], "sante", &tag).await;
    let all = total(&t, &admin, "/api/v1/contacts").await;
    let q = |extra: &str| format!("/api/v1/contacts?supplier={tag}{extra}");
    assert_eq!(total(&t, &admin, &q("")).await, 3);
    assert_eq!(total(&t, &admin, &q("&status=prospect")).await, 2);
    assert_eq!(
        total(&t, &admin, &q("&status=prospect,client&anonymized=false")).await,
        3
    );
    assert_eq!(
        total(&t, &admin, &q("&anonymized=0&opposition=false")).await,
        3
    );
    assert_eq!(total(&t, &admin, &q("&type=auto&limit=1")).await, 1);
    // Unknown parameters are still ignored by the lists (only body filters refuse them).
    assert_eq!(
        total(&t, &admin, "/api/v1/contacts?statut=prospect").await,
        all
    );
    assert_eq!(
        total(
            &t,
            &admin,
            &format!("/api/v1/projects?supplier={tag}&typ=auto")
        )
        .await,
        2
    );
    assert_eq!(
        total(
            &t,
            &admin,
            &format!("/api/v1/projects?supplier={tag}&type=auto,sante")
        )
        .await,
        2
    );
    // Wrong values: the same French 422s as before.
    for (extra, field, message) in [
        (
            "&anonymized=peut-être",
            "anonymized",
            "Valeur attendue : true ou false.",
        ),
        (
            "&created_before=hier",
            "created_before",
            "Date invalide : format attendu AAAA-MM-JJ.",
        ),
        (
            "&limit=0",
            "limit",
            "La taille de page doit être comprise entre 1 et 500.",
        ),
    ] {
        let (s, v) = t.get(&q(extra), &admin).await;
        assert_refused(s, &v, field, message);
    }
    // A parameter given twice is still a 400.
    let (s, v) = t.get(&q("&status=prospect&status=client"), &admin).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
}

#[tokio::test]
async fn the_openapi_document_describes_the_body_filter() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let (s, doc) = t.get("/api/v1/openapi.json", &admin).await;
    assert_eq!(s, StatusCode::OK);
    let schemas = &doc["components"]["schemas"];
    let target = schemas["ErasureTarget"].to_string();
    for key in ["contacts_filter", "projects_filter"] {
        let property = schemas["ErasureTarget"]["properties"][key].to_string();
        assert!(
            property.contains("#/components/schemas/JsonFilter"),
            "{target}"
        );
    }
    let filter = &schemas["JsonFilter"];
    assert_eq!(filter["type"], "object", "{filter}");
    assert_eq!(filter["additionalProperties"], false, "{filter}");
    let properties = filter["properties"].as_object().expect("properties");
    let keys: Vec<&str> = properties.keys().map(|k| k.as_str()).collect();
    let mut expected: Vec<&str> = oubli_domain::filter::filter_keys().collect();
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    let alternatives = |key: &str| -> Vec<Value> {
        properties[key]["oneOf"]
            .as_array()
            .unwrap_or_else(|| panic!("{key}: {}", properties[key]))
            .clone()
    };
    for key in ["anonymized", "opposition"] {
        let one_of = alternatives(key);
        assert!(
            one_of.iter().any(|s| s["type"] == "boolean"),
            "{key}: {one_of:?}"
        );
        let text = one_of
            .iter()
            .find(|s| s["type"] == "string")
            .expect("string");
        assert!(
            text["enum"].to_string().contains("\"false\""),
            "{key}: {text}"
        );
    }
    for key in ["status", "status_not", "type"] {
        let one_of = alternatives(key);
        assert!(
            one_of
                .iter()
                .any(|s| s["type"] == "array" && s["items"]["type"] == "string"),
            "{key}: {one_of:?}"
        );
        assert!(
            one_of.iter().any(|s| s["type"] == "string"),
            "{key}: {one_of:?}"
        );
    }
    let limit = alternatives("limit");
    assert!(
        limit
            .iter()
            .any(|s| s["type"] == "integer" && s["maximum"] == 500),
        "{limit:?}"
    );
    for key in ["created_before", "created_after", "last_interaction_before"] {
        assert_eq!(properties[key]["format"], "date", "{key}");
        assert_eq!(properties[key]["type"], json!(["string", "null"]), "{key}");
    }
    assert_eq!(properties["q"]["type"], json!(["string", "null"]));
    // The lists keep their query parameters.
    let params = doc["paths"]["/api/v1/contacts"]["get"]["parameters"].to_string();
    for key in ["anonymized", "status", "type", "created_before"] {
        assert!(params.contains(&format!("\"name\":\"{key}\"")), "{params}");
    }
}
