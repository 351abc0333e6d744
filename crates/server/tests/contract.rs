//! The closed lists of the OpenAPI document are the server's: every code the document
//! gives for a closed list that a request takes is posted to a route that takes it,
//! and must be accepted (2xx) and echoed back. The codes are read from the document,
//! never written here, and a closed list that requests take but no probe below covers
//! fails the test, so a new list cannot slip in undocumented or untried.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::TestApp;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use utoipa::OpenApi;

/// The closed lists that requests take: component schemas with an `enum` reached from
/// a request body or a parameter (through `$ref`s), and inline parameter enums, named
/// `param:<name>`. Values are the documented codes.
fn closed_lists_taken(doc: &Value) -> BTreeMap<String, Vec<String>> {
    let schemas = &doc["components"]["schemas"];
    let mut out = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let mut todo: Vec<Value> = Vec::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("path item").values() {
            if let Some(b) = op.get("requestBody") {
                todo.push(b.clone());
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().expect("name");
                if let Some(codes) = enum_codes(&p["schema"]) {
                    out.insert(format!("param:{name}"), codes);
                }
                todo.push(p["schema"].clone());
            }
        }
    }
    while let Some(v) = todo.pop() {
        walk(&v, &mut |r| {
            if seen.insert(r.to_string()) {
                let s = &schemas[r];
                if let Some(codes) = enum_codes(s) {
                    out.insert(r.to_string(), codes);
                }
                todo.push(s.clone());
            }
        });
    }
    out
}

fn enum_codes(s: &Value) -> Option<Vec<String>> {
    let e = s.get("enum").or_else(|| {
        // `Option<T>` of an inline enum: { oneOf: [ {type: null}, {enum} ] }
        s.get("oneOf")?
            .as_array()?
            .iter()
            .find_map(|x| x.get("enum"))
    })?;
    Some(
        e.as_array()?
            .iter()
            .filter_map(|c| c.as_str().map(String::from))
            .collect(),
    )
}

fn walk(v: &Value, f: &mut dyn FnMut(&str)) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                f(r.trim_start_matches("#/components/schemas/"));
            }
            m.values().for_each(|x| walk(x, f));
        }
        Value::Array(a) => a.iter().for_each(|x| walk(x, f)),
        _ => {}
    }
}

struct Ctx {
    t: TestApp,
    admin: String,
    n: std::sync::atomic::AtomicUsize,
}

impl Ctx {
    fn next(&self) -> usize {
        self.n.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
    async fn contact(&self) -> String {
        self.t
            .contact(
                &self.admin,
                json!({"last_name": "Essai", "first_name": "Clos"}),
            )
            .await
    }
    async fn project(&self) -> String {
        let c = self.contact().await;
        let (s, v) = self
            .t
            .post(
                "/api/v1/projects",
                &self.admin,
                json!({"contact_id": c, "type": "sante"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_str().expect("id").to_string()
    }
    /// Posts `body` and returns the answer, which must be a 2xx.
    async fn accepted(&self, what: &str, path: &str, body: Value) -> Value {
        let (s, v) = self.t.post(path, &self.admin, body).await;
        assert!(s.is_success(), "{what}: {path} answered {s}: {v}");
        v
    }
}

/// Sends `code` of the closed list `list` where it is taken; returns what came back
/// in the place of the code (the echo).
async fn probe(cx: &Ctx, list: &str, code: &str) -> Option<String> {
    let what = format!("{list} = {code}");
    let echo = |v: &Value, field: &str| v[field].as_str().map(String::from);
    match list {
        "Civility" => {
            let v = cx
                .accepted(
                    &what,
                    "/api/v1/contacts",
                    json!({"last_name": "Essai", "civility": code}),
                )
                .await;
            echo(&v, "civility")
        }
        "ContactStatus" => {
            let v = cx
                .accepted(
                    &what,
                    "/api/v1/contacts",
                    json!({"last_name": "Essai", "status": code}),
                )
                .await;
            echo(&v, "status")
        }
        "LawfulBasis" => {
            let v = cx
                .accepted(
                    &what,
                    "/api/v1/contacts",
                    json!({"last_name": "Essai", "lawful_basis": code, "lawful_basis_source": "Test"}),
                )
                .await;
            echo(&v, "lawful_basis")
        }
        "Relation" => {
            let c = cx.contact().await;
            let v = cx
                .accepted(
                    &what,
                    &format!("/api/v1/contacts/{c}/household"),
                    json!({"first_name": "Membre", "relation": code}),
                )
                .await;
            echo(&v, "relation")
        }
        "ProjectType" => {
            let c = cx.contact().await;
            let v = cx
                .accepted(
                    &what,
                    "/api/v1/projects",
                    json!({"contact_id": c, "type": code}),
                )
                .await;
            echo(&v, "type")
        }
        "ProjectStatus" => {
            let c = cx.contact().await;
            let v = cx
                .accepted(
                    &what,
                    "/api/v1/projects",
                    json!({"contact_id": c, "type": "auto", "status": code}),
                )
                .await;
            echo(&v, "status")
        }
        "ContractStatus" => {
            let p = cx.project().await;
            let v = cx
                .accepted(
                    &what,
                    "/api/v1/contracts",
                    json!({"project_id": p, "insurer": "Assureur", "status": code}),
                )
                .await;
            echo(&v, "status")
        }
        "Direction" => {
            let c = cx.contact().await;
            let v = cx
                .accepted(
                    &what,
                    &format!("/api/v1/contacts/{c}/events"),
                    json!({"title": "Appel", "direction": code}),
                )
                .await;
            echo(&v, "direction")
        }
        "MessageChannel" => {
            let c = cx.contact().await;
            let recipient = if code == "sms" {
                "06 12 34 56 78"
            } else {
                "essai@example.fr"
            };
            let v = cx
                .accepted(
                    &what,
                    &format!("/api/v1/contacts/{c}/messages"),
                    json!({"channel": code, "recipient": recipient, "title": "Objet", "body": "Texte"}),
                )
                .await;
            echo(&v, "channel")
        }
        "ConsentPurpose" => {
            let c = cx.contact().await;
            let v = cx
                .accepted(
                    &what,
                    &format!("/api/v1/contacts/{c}/consents"),
                    json!({"purpose": code, "granted": true}),
                )
                .await;
            echo(&v, "purpose")
        }
        "OppositionChannel" => {
            let c = cx.contact().await;
            let v = cx
                .accepted(
                    &what,
                    &format!("/api/v1/contacts/{c}/opposition"),
                    json!({"channel": code}),
                )
                .await;
            echo(&v, "opposition_channel")
        }
        "Role" => {
            let n = cx.next();
            let v = cx
                .accepted(
                    &what,
                    "/api/v1/users",
                    json!({"email": format!("role{n}@essai.fr"), "name": "Essai", "role": code,
                           "password": "un mot de passe solide 123"}),
                )
                .await;
            echo(&v, "role")
        }
        "EraseAction" => {
            let c = cx.contact().await;
            let v = cx
                .accepted(
                    &what,
                    "/api/v1/erasures",
                    json!({"action": code, "target": {"contacts": [c]}}),
                )
                .await;
            echo(&v, "action")
        }
        "ActivityKind" => {
            let c = cx.contact().await;
            let path = format!("/api/v1/contacts/{c}/{code}");
            let v = if code == "documents" {
                let boundary = "oubli-contract";
                let body = format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"essai.txt\"\r\n\
                     Content-Type: text/plain\r\n\r\nbonjour\r\n--{boundary}--\r\n"
                );
                let req = Request::builder()
                    .method(Method::POST)
                    .uri(&path)
                    .header("x-oubli-request", "1")
                    .header(header::COOKIE, format!("oubli_session={}", cx.admin))
                    .header(
                        header::CONTENT_TYPE,
                        format!("multipart/form-data; boundary={boundary}"),
                    )
                    .body(Body::from(body))
                    .expect("request");
                let (s, v) = cx.t.send(req).await;
                assert!(s.is_success(), "{what}: {path} answered {s}: {v}");
                v
            } else {
                cx.accepted(&what, &path, activity_body(code)).await
            };
            let (s, list) = cx.t.get(&path, &cx.admin).await;
            assert_eq!(s, StatusCode::OK, "{what}: GET {path}: {list}");
            assert_eq!(
                list["total"], 1,
                "{what}: the item is listed under its kind"
            );
            echo(&v, "kind")
        }
        "ExportFormat" | "param:format" => {
            let c = cx.contact().await;
            let req = Request::builder()
                .uri(format!("/api/v1/contacts/{c}/export?format={code}"))
                .header(header::COOKIE, format!("oubli_session={}", cx.admin))
                .body(Body::empty())
                .expect("request");
            let (s, h, _) = cx.t.send_raw(req).await;
            assert_eq!(s, StatusCode::OK, "{what}");
            let ct = h[header::CONTENT_TYPE].to_str().expect("ascii");
            // The echo of a format is the content type it is answered in.
            ct.split(['/', ';']).nth(1).map(String::from)
        }
        "WidgetKind" => {
            let v = cx
                .accepted(
                    &what,
                    "/api/v1/widgets",
                    json!({"kind": code, "name": "Essai", "allowed_origins": ["https://exemple.fr"],
                           "project_type": "sante"}),
                )
                .await;
            echo(&v, "kind")
        }
        "RoutingMode" => {
            let (_, me) = cx.t.get("/api/v1/me", &cx.admin).await;
            let (_, teams) = cx.t.get("/api/v1/teams", &cx.admin).await;
            let routing = match code {
                "user" => json!({"mode": code, "user_id": me["id"]}),
                "team" => json!({"mode": code, "team_id": teams[0]["id"]}),
                _ => json!({"mode": code}),
            };
            let v = cx
                .accepted(
                    &what,
                    "/api/v1/widgets",
                    json!({"kind": "lead_form", "name": "Essai", "project_type": "sante",
                           "routing": routing}),
                )
                .await;
            v["routing"]["mode"].as_str().map(String::from)
        }
        "TaskScope" | "param:scope" => {
            let (s, v) =
                cx.t.get(&format!("/api/v1/tasks?scope={code}"), &cx.admin)
                    .await;
            assert_eq!(s, StatusCode::OK, "{what}: {v}");
            // A list of tasks has nothing to echo: the 200 (not a 422) is the proof.
            Some(code.to_string())
        }
        _ => None,
    }
}

/// A body every JSON activity kind accepts.
fn activity_body(kind: &str) -> Value {
    match kind {
        "tasks" => json!({"title": "Rappeler", "due_date": "2030-01-15"}),
        "appointments" => json!({"title": "Rendez-vous", "starts_at": "2030-01-15T09:00:00Z",
                                 "ends_at": "2030-01-15T10:00:00Z"}),
        "messages" => json!({"channel": "email", "recipient": "essai@example.fr",
                             "title": "Objet", "body": "Texte"}),
        "quotes" => json!({"title": "Devis", "amount_cents": 4200}),
        _ => json!({"title": "Élément", "body": "Texte"}),
    }
}

#[tokio::test]
async fn every_documented_code_of_a_closed_list_is_accepted_and_echoed() {
    let doc = serde_json::to_value(oubli_server::openapi::ApiDoc::openapi()).expect("json");
    let lists = closed_lists_taken(&doc);
    // Sanity: the walk finds the lists the contacts form sends, with their codes.
    assert_eq!(
        lists.get("ContactStatus").map(Vec::as_slice),
        Some(&["prospect".to_string(), "client".to_string()][..]),
        "{lists:?}"
    );
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let cx = Ctx {
        t,
        admin,
        n: Default::default(),
    };
    let mut tried = 0;
    for (list, codes) in &lists {
        assert!(!codes.is_empty(), "{list}: a closed list without codes");
        for code in codes {
            let echoed = probe(&cx, list, code).await;
            assert!(
                echoed.is_some(),
                "{list}: no route of this test takes it; add a probe"
            );
            assert_eq!(
                echoed.as_deref(),
                Some(code.as_str()),
                "{list}: echo of {code}"
            );
            tried += 1;
        }
    }
    println!(
        "{tried} codes of {} closed lists: {:?}",
        lists.len(),
        lists.keys().collect::<Vec<_>>()
    );
    assert!(tried >= 50, "only {tried} codes tried");
}
