//! Every resource of API.md through the real router and a real database (SQLite, or
//! PostgreSQL when DATABASE_URL is set): create, read, merge-patch, list with every
//! filter and keyset pagination, documents, consents and opposition, export, stats,
//! audit, sync, OpenAPI, and the error contract (shape, French messages, no 500 for
//! bad input).

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::TestApp;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

// ------------------------------------------------------------------ helpers

const TYPE_MSG: &str = "Valeur de type incorrect ou champ inconnu.";
const INVALID_MSG: &str = "Certains champs sont invalides.";
const NOT_FOUND_MSG: &str = "Élément introuvable.";
const UNAUTHORIZED_MSG: &str = "Vous devez être connecté.";
const CSRF_MSG: &str = "Requête refusée : provenance non vérifiée (protection CSRF).";
const CURSOR_MSG: &str = "Curseur de pagination invalide.";
const LIMIT_MSG: &str = "La taille de page doit être comprise entre 1 et 500.";
const NIR_ONLY_HEALTH: &str =
    "Le n° de sécurité sociale n'est conservé que pour la santé et la prévoyance.";
const OPPOSITION_MSG: &str =
    "Ce contact s'est opposé à la prospection : aucun email ni SMS ne peut lui être envoyé.";

// Valid identifiers (checked by the domain's own tables).
const NIR_OK: &str = "1 85 05 78 006 084 91";
const NIR_OK_COMPACT: &str = "185057800608491";
const IBAN_OK: &str = "fr76 3000 6000 0112 3456 7890 189";
const IBAN_OK_COMPACT: &str = "FR7630006000011234567890189";
const SIRET_OK: &str = "732 829 320 00074";

/// Milliseconds since the epoch of a UTC midnight.
fn ms(y: i32, m: u32, d: u32) -> i64 {
    chrono::NaiveDate::from_ymd_opt(y, m, d)
        .expect("date")
        .and_hms_opt(0, 0, 0)
        .expect("time")
        .and_utc()
        .timestamp_millis()
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Ids come from the API (UUIDs), so interpolating them into SQL is safe here.
async fn raw_sql(t: &TestApp, sql: &str) {
    t.state.db.raw(sql).await.expect(sql);
}

async fn set_created(t: &TestApp, table: &str, id: &str, at: i64) {
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'));
    raw_sql(
        t,
        &format!("UPDATE {table} SET created_at = {at} WHERE id = '{id}'"),
    )
    .await;
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_str().expect("string").to_string())
        .collect()
}

fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {items}"))
        .iter()
        .map(id_of)
        .collect()
}

fn set(v: &[&String]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[track_caller]
fn assert_err(s: StatusCode, v: &Value, status: StatusCode, code: &str, message: &str) {
    assert_eq!(s, status, "{v}");
    assert_eq!(v["error"]["code"], code, "{v}");
    assert_eq!(v["error"]["message"], message, "{v}");
}

#[track_caller]
fn assert_invalid(s: StatusCode, v: &Value, field: &str, message: &str) {
    assert_err(
        s,
        v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        INVALID_MSG,
    );
    assert_eq!(v["error"]["fields"][field], message, "field {field}: {v}");
}

#[track_caller]
fn assert_not_found(s: StatusCode, v: &Value) {
    assert_err(s, v, StatusCode::NOT_FOUND, "not_found", NOT_FOUND_MSG);
}

/// A request built by hand (no JSON helper, optional CSRF header).
fn request(
    method: Method,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(tk) = token {
        b = b.header(header::COOKIE, format!("oubli_session={tk}"));
    }
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::from(body)).expect("request")
}

const BOUNDARY: &str = "----oubli-test-boundary-7MA4YWxkTrZu0gW";

/// One multipart field: name, `Some((file name, content type))` for a file, bytes.
type Part<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [u8]);

/// A multipart/form-data body with [`BOUNDARY`].
fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, file, bytes) in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some((fname, ctype)) => out.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{fname}\"\r\nContent-Type: {ctype}\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => out.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

async fn upload(t: &TestApp, token: &str, contact: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let ctype = format!("multipart/form-data; boundary={BOUNDARY}");
    t.send(request(
        Method::POST,
        &format!("/api/v1/contacts/{contact}/documents"),
        Some(token),
        &[
            ("x-oubli-request", "1"),
            (header::CONTENT_TYPE.as_str(), ctype.as_str()),
        ],
        body,
    ))
    .await
}

async fn total(t: &TestApp, token: &str, path: &str) -> i64 {
    let (s, v) = t.get(path, token).await;
    assert_eq!(s, StatusCode::OK, "{path}: {v}");
    v["total"].as_i64().unwrap_or_else(|| panic!("{path}: {v}"))
}

async fn project(t: &TestApp, token: &str, body: Value) -> String {
    let (s, v) = t.post("/api/v1/projects", token, body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    id_of(&v)
}

async fn contract(t: &TestApp, token: &str, body: Value) -> String {
    let (s, v) = t.post("/api/v1/contracts", token, body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    id_of(&v)
}

/// Every file under `dir`, recursively.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn date_time(v: &Value) -> chrono::DateTime<chrono::Utc> {
    v.as_str()
        .unwrap_or_else(|| panic!("not a time: {v}"))
        .parse()
        .unwrap_or_else(|e| panic!("not RFC 3339 ({e}): {v}"))
}

// ------------------------------------------------------------------ health, OpenAPI

/// Every route the router serves, with its methods.
const SERVED: &[(&str, &[&str])] = &[
    ("/api/v1/session", &["delete", "post"]),
    ("/api/v1/me", &["get"]),
    ("/api/v1/health", &["get"]),
    ("/api/v1/contacts", &["get", "post"]),
    ("/api/v1/contacts/{id}", &["delete", "get", "patch"]),
    ("/api/v1/contacts/{id}/household", &["get", "post"]),
    (
        "/api/v1/contacts/{id}/household/{member}",
        &["delete", "patch"],
    ),
    ("/api/v1/projects", &["get", "post"]),
    ("/api/v1/projects/{id}", &["get", "patch"]),
    ("/api/v1/contracts", &["get", "post"]),
    ("/api/v1/contracts/{id}", &["get", "patch"]),
    ("/api/v1/contacts/{id}/{kind}", &["get", "post"]),
    (
        "/api/v1/contacts/{id}/{kind}/{item}",
        &["delete", "get", "patch"],
    ),
    ("/api/v1/contacts/{id}/documents/{item}/content", &["get"]),
    ("/api/v1/contacts/{id}/consents", &["get", "post"]),
    ("/api/v1/contacts/{id}/opposition", &["post"]),
    ("/api/v1/contacts/{id}/export", &["get"]),
    ("/api/v1/stats/summary", &["get"]),
    ("/api/v1/audit", &["get"]),
    ("/api/v1/sync", &["get"]),
    ("/api/v1/tasks", &["get"]),
    ("/api/v1/erasures", &["get", "post"]),
    ("/api/v1/erasures/{id}", &["get"]),
    ("/api/v1/erasures/{id}/confirm", &["post"]),
    ("/api/v1/erasure-requests", &["get", "post"]),
    ("/api/v1/erasure-requests/{id}/approve", &["post"]),
    ("/api/v1/erasure-requests/{id}/reject", &["post"]),
    ("/api/v1/users", &["get", "post"]),
    ("/api/v1/users/{id}", &["patch"]),
    ("/api/v1/teams", &["get"]),
    ("/api/v1/settings", &["get", "patch"]),
    ("/api/v1/openapi.json", &["get"]),
];

#[tokio::test]
async fn health_needs_no_session_and_openapi_lists_every_served_route() {
    let t = TestApp::new().await;
    let (s, v) = t
        .send(request(Method::GET, "/api/v1/health", None, &[], vec![]))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let backend = if common::backend_url().is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(v, json!({"status": "ok", "database": backend}));

    let (s, v) = t
        .send(request(
            Method::GET,
            "/api/v1/openapi.json",
            None,
            &[],
            vec![],
        ))
        .await;
    assert_err(
        s,
        &v,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        UNAUTHORIZED_MSG,
    );

    let admin = t.login("admin@demo.fr").await;
    let (s, doc) = t.get("/api/v1/openapi.json", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        doc["openapi"].as_str().unwrap_or("").starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    let http = ["get", "post", "put", "patch", "delete", "head", "options"];
    let documented: BTreeMap<String, Vec<String>> = paths
        .iter()
        .map(|(p, ops)| {
            let mut m: Vec<String> = ops
                .as_object()
                .expect("path item")
                .keys()
                .filter(|k| http.contains(&k.as_str()))
                .cloned()
                .collect();
            m.sort();
            (p.clone(), m)
        })
        .collect();
    let served: BTreeMap<String, Vec<String>> = SERVED
        .iter()
        .map(|(p, m)| (p.to_string(), m.iter().map(|s| s.to_string()).collect()))
        .collect();
    for (p, methods) in &served {
        assert_eq!(
            documented.get(p),
            Some(methods),
            "OpenAPI must document {p} with {methods:?}"
        );
    }
    // And nothing is documented that is not served.
    let extra: Vec<&String> = documented
        .keys()
        .filter(|p| !served.contains_key(*p))
        .collect();
    assert!(extra.is_empty(), "documented but not served: {extra:?}");
    // Every documented operation is routed (a wrong method would be a 405).
    let some = "00000000-0000-0000-0000-000000000000";
    for (p, methods) in &served {
        let path = p
            .replace("{id}", some)
            .replace("{member}", some)
            .replace("{item}", some)
            .replace("{kind}", "notes");
        for m in methods {
            if p == "/api/v1/session" {
                continue; // logging out here would end the admin's session
            }
            let method = Method::from_bytes(m.to_uppercase().as_bytes()).expect("method");
            let (s, v) = t.call(method, &path, Some(&admin), Some(json!({}))).await;
            assert_ne!(s, StatusCode::METHOD_NOT_ALLOWED, "{m} {path}: {v}");
        }
    }
}

// ------------------------------------------------------------------ contacts

#[tokio::test]
async fn contacts_create_read_patch_list_delete() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let (s, v) = t.get("/api/v1/contacts", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v, json!({"items": [], "next": null, "total": 0}));

    let (s, c) = t
        .post(
            "/api/v1/contacts",
            &admin,
            json!({
                "civility": "mme",
                "first_name": "  Élodie ",
                "last_name": "Durand",
                "company_name": "Durand SARL",
                "siret": SIRET_OK,
                "email": "Elodie.Durand@Exemple.FR",
                "mobile_phone": "06 12 34 56 78",
                "landline_phone": "+33 1 23 45 67 89",
                "street": "12 rue des Lilas",
                "postal_code": "75011",
                "city": "Paris",
                "birth_date": "1980-04-12",
                "status": "prospect",
                "supplier": "LeadCo",
                "lead_cost_cents": 1250,
                "lead_purchased_on": "2026-01-15",
                "lawful_basis": "consent",
                "lawful_basis_source": "formulaire web",
                "comment": "Rappeler mardi"
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = id_of(&c);
    let expected = json!({
        "civility": "mme",
        "first_name": "Élodie",
        "last_name": "Durand",
        "company_name": "Durand SARL",
        "siret": "73282932000074",
        "email": "elodie.durand@exemple.fr",
        "mobile_phone": "06 12 34 56 78",
        "landline_phone": "+33 1 23 45 67 89",
        "street": "12 rue des Lilas",
        "postal_code": "75011",
        "city": "Paris",
        "birth_date": "1980-04-12",
        "status": "prospect",
        "supplier": "LeadCo",
        "lead_cost_cents": 1250,
        "lead_purchased_on": "2026-01-15",
        "assigned_to": t.acc.admin,
        "lawful_basis": "consent",
        "lawful_basis_source": "formulaire web",
        "comment": "Rappeler mardi",
        "last_inbound_at": null,
        "opposition_at": null,
        "opposition_channel": null,
        "anonymized_at": null,
    });
    for (k, want) in expected.as_object().expect("object") {
        assert_eq!(&c[k], want, "POST field {k}");
    }
    let created = date_time(&c["created_at"]);
    assert!((created.timestamp_millis() - now_ms()).abs() < 60_000);

    // GET one: the whole record.
    let (s, d) = t.get(&format!("/api/v1/contacts/{id}"), &admin).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    for (k, want) in expected.as_object().expect("object") {
        assert_eq!(&d[k], want, "GET field {k}");
    }
    assert_eq!(d["id"], id.as_str());
    assert_eq!(d["created_at"], c["created_at"]);
    assert_eq!(d["household"], json!([]));
    assert_eq!(d["projects"], json!([]));
    assert_eq!(d["contracts"], json!([]));
    assert_eq!(
        d["activity_counts"],
        json!({"advice_docs": 0, "appointments": 0, "documents": 0, "events": 0,
               "membership_forms": 0, "messages": 0, "notes": 0, "quotes": 0, "tasks": 0})
    );

    // PATCH is a merge patch: named fields change, null removes, the rest stays.
    let (s, p) = t
        .patch(
            &format!("/api/v1/contacts/{id}"),
            &admin,
            json!({"city": "Lyon", "postal_code": "69003", "comment": null, "status": "client"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["city"], "Lyon");
    assert_eq!(p["postal_code"], "69003");
    assert_eq!(p["comment"], Value::Null);
    assert_eq!(p["status"], "client");
    for k in [
        "first_name",
        "last_name",
        "email",
        "siret",
        "birth_date",
        "supplier",
        "lead_cost_cents",
        "assigned_to",
        "lawful_basis",
    ] {
        assert_eq!(p[k], expected[k], "PATCH kept {k}");
    }
    assert_eq!(p["created_at"], c["created_at"]);
    assert!(date_time(&p["updated_at"]) >= date_time(&c["updated_at"]));
    let (_, d) = t.get(&format!("/api/v1/contacts/{id}"), &admin).await;
    assert_eq!(d["city"], "Lyon");
    assert_eq!(d["comment"], Value::Null);

    // A second contact with only a company name; newest first in the list.
    let (s, c2) = t
        .post("/api/v1/contacts", &admin, json!({"company_name": "ACME"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c2}");
    assert_eq!(c2["status"], "prospect");
    assert_eq!(c2["last_name"], Value::Null);
    let id2 = id_of(&c2);
    set_created(&t, "contacts", &id, now_ms() - 10_000).await;
    let (s, l) = t.get("/api/v1/contacts", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(l["total"], 2);
    assert_eq!(l["next"], Value::Null);
    assert_eq!(ids(&l["items"]), vec![id2.clone(), id.clone()]);
    assert_eq!(l["items"][1]["city"], "Lyon");

    // Other cabinets and other salespeople do not see it; sales may not delete.
    let witness = t.login("admin@temoin.fr").await;
    let (s, v) = t.get(&format!("/api/v1/contacts/{id}"), &witness).await;
    assert_not_found(s, &v);
    let (s, v) = t
        .patch(
            &format!("/api/v1/contacts/{id}"),
            &witness,
            json!({"city": "Nice"}),
        )
        .await;
    assert_not_found(s, &v);
    assert_eq!(total(&t, &witness, "/api/v1/contacts").await, 0);
    let sales1 = t.login("commercial1@demo.fr").await;
    let (s, v) = t.get(&format!("/api/v1/contacts/{id}"), &sales1).await;
    assert_not_found(s, &v);
    let own = t.contact(&sales1, json!({"last_name": "Petit"})).await;
    let (s, v) = t.delete(&format!("/api/v1/contacts/{own}"), &sales1).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["error"]["code"], "forbidden");

    // DELETE by the admin.
    let (s, v) = t.delete(&format!("/api/v1/contacts/{id}"), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    let (s, v) = t.get(&format!("/api/v1/contacts/{id}"), &admin).await;
    assert_not_found(s, &v);
    let (s, v) = t.delete(&format!("/api/v1/contacts/{id}"), &admin).await;
    assert_not_found(s, &v);
    assert_eq!(total(&t, &admin, "/api/v1/contacts").await, 2);
}

#[tokio::test]
async fn contact_detail_returns_household_projects_contracts_and_counts() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Martin"})).await;
    let (s, m) = t
        .post(
            &format!("/api/v1/contacts/{c}/household"),
            &admin,
            json!({"first_name": "Léa", "relation": "child", "birth_date": "2014-05-06"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let p1 = project(&t, &admin, json!({"contact_id": c, "type": "sante"})).await;
    let p2 = project(&t, &admin, json!({"contact_id": c, "type": "auto"})).await;
    set_created(&t, "projects", &p1, now_ms() - 60_000).await;
    let k = contract(
        &t,
        &admin,
        json!({"project_id": p2, "insurer": "MAAF", "status": "actif", "monthly_premium_cents": 4200}),
    )
    .await;
    for (kind, body) in [
        ("notes", json!({"body": "Note 1"})),
        ("notes", json!({"body": "Note 2"})),
        ("tasks", json!({"title": "Rappeler"})),
    ] {
        let (s, v) = t
            .post(&format!("/api/v1/contacts/{c}/{kind}"), &admin, body)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (s, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(ids(&d["household"]), vec![id_of(&m)]);
    assert_eq!(d["household"][0]["first_name"], "Léa");
    assert_eq!(d["household"][0]["relation"], "child");
    assert_eq!(d["household"][0]["contact_id"], c.as_str());
    // Projects newest first.
    assert_eq!(ids(&d["projects"]), vec![p2.clone(), p1.clone()]);
    assert_eq!(d["projects"][0]["type"], "auto");
    assert_eq!(ids(&d["contracts"]), vec![k.clone()]);
    assert_eq!(d["contracts"][0]["insurer"], "MAAF");
    assert_eq!(d["contracts"][0]["project_id"], p2.as_str());
    assert_eq!(
        d["activity_counts"],
        json!({"advice_docs": 0, "appointments": 0, "documents": 0, "events": 0,
               "membership_forms": 0, "messages": 0, "notes": 2, "quotes": 0, "tasks": 1})
    );
}

// ------------------------------------------------------------------ household

#[tokio::test]
async fn household_members_get_post_patch_delete() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let base = format!("/api/v1/contacts/{c}/household");
    let (s, v) = t.get(&base, &admin).await;
    assert_eq!((s, v), (StatusCode::OK, json!([])));

    let (s, m1) = t
        .post(
            &base,
            &admin,
            json!({"first_name": "Lucas", "last_name": "Durand", "relation": "child", "birth_date": "2012-09-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m1}");
    assert_eq!(m1["contact_id"], c.as_str());
    assert_eq!(m1["first_name"], "Lucas");
    assert_eq!(m1["last_name"], "Durand");
    assert_eq!(m1["relation"], "child");
    assert_eq!(m1["birth_date"], "2012-09-01");
    let (s, m2) = t
        .post(
            &base,
            &admin,
            json!({"first_name": "Marc", "relation": "spouse"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m2}");
    let (id1, id2) = (id_of(&m1), id_of(&m2));
    set_created(&t, "household_members", &id1, now_ms() - 5_000).await;

    let (s, l) = t.get(&base, &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ids(&l), vec![id1.clone(), id2.clone()]);

    // Merge patch of one member.
    let (s, p) = t
        .patch(
            &format!("{base}/{id1}"),
            &admin,
            json!({"birth_date": "2012-09-02", "last_name": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["birth_date"], "2012-09-02");
    assert_eq!(p["last_name"], Value::Null);
    assert_eq!(p["first_name"], "Lucas");
    assert_eq!(p["relation"], "child");

    // Validation, with French messages.
    let (s, v) = t
        .patch(
            &format!("{base}/{id1}"),
            &admin,
            json!({"birth_date": "2999-01-01"}),
        )
        .await;
    assert_invalid(
        s,
        &v,
        "birth_date",
        "La date de naissance ne peut pas être dans le futur.",
    );
    let (s, v) = t.post(&base, &admin, json!({"relation": "spouse"})).await;
    assert_invalid(s, &v, "last_name", "Indiquez au moins un nom ou un prénom.");
    let (s, v) = t
        .post(
            &base,
            &admin,
            json!({"first_name": "A", "relation": "cousin"}),
        )
        .await;
    assert_invalid(s, &v, "relation", TYPE_MSG);

    // Delete one; the second delete and unknown members are 404.
    let (s, _) = t.delete(&format!("{base}/{id2}"), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = t.delete(&format!("{base}/{id2}"), &admin).await;
    assert_not_found(s, &v);
    let (s, v) = t
        .patch(&format!("{base}/{id2}"), &admin, json!({"first_name": "X"}))
        .await;
    assert_not_found(s, &v);
    let (_, l) = t.get(&base, &admin).await;
    assert_eq!(ids(&l), vec![id1.clone()]);
    assert_eq!(l[0]["birth_date"], "2012-09-02");
    let (_, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(ids(&d["household"]), vec![id1]);
    let unknown = uuid::Uuid::new_v4();
    let (s, v) = t
        .get(&format!("/api/v1/contacts/{unknown}/household"), &admin)
        .await;
    assert_not_found(s, &v);
}

// ------------------------------------------------------------------ projects

#[tokio::test]
async fn projects_with_beneficiaries_and_subscriptions() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(
            &admin,
            json!({"last_name": "Durand", "assigned_to": t.acc.sales1}),
        )
        .await;
    let other = t.contact(&admin, json!({"last_name": "Autre"})).await;
    let (s, p) = t
        .post(
            "/api/v1/projects",
            &admin,
            json!({
                "contact_id": c,
                "type": "sante",
                "status": "en_cours",
                "supplier": "LeadCo",
                "comment": "Mutuelle famille",
                "beneficiaries": [
                    {"first_name": "Lucas", "last_name": "Durand", "birth_date": "2012-09-01"},
                    {"first_name": "Emma", "birth_date": "2015-02-03"}
                ],
                "subscriptions": [
                    {"nir": NIR_OK, "code_organisme": "01 751 0000", "iban": IBAN_OK, "bic": "bnpa fr pp xxx"}
                ]
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = id_of(&p);
    assert_eq!(p["contact_id"], c.as_str());
    assert_eq!(p["type"], "sante");
    assert_eq!(p["status"], "en_cours");
    assert_eq!(p["supplier"], "LeadCo");
    assert_eq!(p["comment"], "Mutuelle famille");
    assert_eq!(
        p["assigned_to"],
        t.acc.sales1.as_str(),
        "inherits the contact's owner"
    );
    assert_eq!(p["anonymized_at"], Value::Null);
    let bens = p["beneficiaries"].as_array().expect("beneficiaries");
    assert_eq!(bens.len(), 2);
    assert_eq!(bens[0]["first_name"], "Lucas");
    assert_eq!(bens[0]["last_name"], "Durand");
    assert_eq!(bens[0]["birth_date"], "2012-09-01");
    assert_eq!(bens[1]["first_name"], "Emma");
    assert_eq!(bens[1]["last_name"], Value::Null);
    assert!(bens.iter().all(|b| b["id"].is_string()));
    let subs = p["subscriptions"].as_array().expect("subscriptions");
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0]["nir"], NIR_OK_COMPACT);
    assert_eq!(subs[0]["code_organisme"], "017510000");
    assert_eq!(subs[0]["iban"], IBAN_OK_COMPACT);
    assert_eq!(subs[0]["bic"], "BNPAFRPPXXX");

    let (s, g) = t.get(&format!("/api/v1/projects/{pid}"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(g, p, "GET returns what POST returned");

    // PATCH without the arrays keeps them.
    let (s, q) = t
        .patch(
            &format!("/api/v1/projects/{pid}"),
            &admin,
            json!({"status": "devis_envoye"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{q}");
    assert_eq!(q["status"], "devis_envoye");
    assert_eq!(q["beneficiaries"], p["beneficiaries"]);
    assert_eq!(q["subscriptions"], p["subscriptions"]);
    assert_eq!(q["comment"], "Mutuelle famille");

    // PATCH with the arrays replaces them.
    let (s, r) = t
        .patch(
            &format!("/api/v1/projects/{pid}"),
            &admin,
            json!({"beneficiaries": [{"first_name": "Zoé", "last_name": "Durand"}],
                   "subscriptions": [], "comment": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["beneficiaries"].as_array().map(Vec::len), Some(1));
    assert_eq!(r["beneficiaries"][0]["first_name"], "Zoé");
    assert_eq!(r["subscriptions"], json!([]));
    assert_eq!(r["comment"], Value::Null);
    assert_eq!(r["status"], "devis_envoye");
    assert_eq!(r["supplier"], "LeadCo");
    let (_, g) = t.get(&format!("/api/v1/projects/{pid}"), &admin).await;
    assert_eq!(g["beneficiaries"], r["beneficiaries"]);
    assert_eq!(g["subscriptions"], json!([]));

    // A project never moves to another contact.
    let (s, v) = t
        .patch(
            &format!("/api/v1/projects/{pid}"),
            &admin,
            json!({"contact_id": other}),
        )
        .await;
    assert_invalid(s, &v, "contact_id", "Un projet ne change pas de contact.");

    // Lists and the contact record.
    let (s, l) = t.get("/api/v1/projects", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(l["total"], 1);
    // The list's row is the project plus its contact's name.
    let mut row = l["items"][0].clone();
    assert_eq!(row["contact_name"], "Durand");
    row.as_object_mut().expect("object").remove("contact_name");
    assert_eq!(row, g);
    let (_, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(d["projects"], json!([g]));

    // Visibility and unknown ids.
    let sales1 = t.login("commercial1@demo.fr").await;
    let sales2 = t.login("commercial2@demo.fr").await;
    let (s, _) = t.get(&format!("/api/v1/projects/{pid}"), &sales1).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = t.get(&format!("/api/v1/projects/{pid}"), &sales2).await;
    assert_not_found(s, &v);
    assert_eq!(total(&t, &sales2, "/api/v1/projects").await, 0);
    let unknown = uuid::Uuid::new_v4();
    let (s, v) = t.get(&format!("/api/v1/projects/{unknown}"), &admin).await;
    assert_not_found(s, &v);
    let (s, v) = t
        .patch(
            &format!("/api/v1/projects/{unknown}"),
            &admin,
            json!({"status": "perdu"}),
        )
        .await;
    assert_not_found(s, &v);
    let (s, v) = t
        .post(
            "/api/v1/projects",
            &admin,
            json!({"contact_id": unknown.to_string(), "type": "auto"}),
        )
        .await;
    assert_invalid(s, &v, "contact_id", "Contact introuvable.");
    let (s, v) = t
        .post("/api/v1/projects", &admin, json!({"contact_id": c}))
        .await;
    assert_invalid(s, &v, "type", "Choisissez le type de projet.");
    assert_eq!(total(&t, &admin, "/api/v1/projects").await, 1);
}

/// RFC 7396: `null` removes the member, so `"beneficiaries": null` leaves the project
/// without beneficiaries (the GET representation of "none" is `[]`); same for a
/// contract's `insured`.
#[tokio::test]
async fn patch_null_array_removes_it() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let pid = project(
        &t,
        &admin,
        json!({"contact_id": c, "type": "sante",
               "beneficiaries": [{"first_name": "Lucas"}],
               "subscriptions": [{"iban": IBAN_OK}]}),
    )
    .await;
    let (s, r) = t
        .patch(
            &format!("/api/v1/projects/{pid}"),
            &admin,
            json!({"beneficiaries": null, "subscriptions": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let k = contract(
        &t,
        &admin,
        json!({"project_id": pid, "insurer": "AXA", "insured": [{"first_name": "Lucas"}]}),
    )
    .await;
    let (s, kv) = t
        .patch(
            &format!("/api/v1/contracts/{k}"),
            &admin,
            json!({"insured": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{kv}");
    let mut wrong = Vec::new();
    for (what, got) in [
        ("project beneficiaries", &r["beneficiaries"]),
        ("project subscriptions", &r["subscriptions"]),
        ("contract insured", &kv["insured"]),
    ] {
        if got != &json!([]) {
            wrong.push(format!("{what}: {got}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "merge patch null must remove:\n{}",
        wrong.join("\n")
    );
}

// ------------------------------------------------------------------ contracts

#[tokio::test]
async fn contracts_with_insured() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let pid = project(&t, &admin, json!({"contact_id": c, "type": "sante"})).await;
    let other_p = project(&t, &admin, json!({"contact_id": c, "type": "prevoyance"})).await;
    let auto = project(&t, &admin, json!({"contact_id": c, "type": "auto"})).await;

    let (s, k) = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({
                "project_id": pid,
                "insurer": "Harmonie Mutuelle",
                "product": "Santé Famille",
                "monthly_premium_cents": 8950,
                "start_date": "2026-01-01",
                "status": "actif",
                "nir": NIR_OK,
                "code_organisme": "01 751 0000",
                "insured": [
                    {"first_name": "Élodie", "last_name": "Durand", "birth_date": "1980-04-12"},
                    {"first_name": "Lucas"}
                ]
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let kid = id_of(&k);
    assert_eq!(k["project_id"], pid.as_str());
    assert_eq!(k["contact_id"], c.as_str());
    assert_eq!(k["insurer"], "Harmonie Mutuelle");
    assert_eq!(k["product"], "Santé Famille");
    assert_eq!(k["monthly_premium_cents"], 8950);
    assert_eq!(k["start_date"], "2026-01-01");
    assert_eq!(k["end_date"], Value::Null);
    assert_eq!(k["status"], "actif");
    assert_eq!(k["nir"], NIR_OK_COMPACT);
    assert_eq!(k["code_organisme"], "017510000");
    let insured = k["insured"].as_array().expect("insured");
    assert_eq!(insured.len(), 2);
    assert_eq!(insured[0]["first_name"], "Élodie");
    assert_eq!(insured[0]["birth_date"], "1980-04-12");
    assert_eq!(insured[1]["first_name"], "Lucas");

    let (s, g) = t.get(&format!("/api/v1/contracts/{kid}"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(g, k);

    // PATCH without insured keeps them.
    let (s, p) = t
        .patch(
            &format!("/api/v1/contracts/{kid}"),
            &admin,
            json!({"monthly_premium_cents": 9200}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["monthly_premium_cents"], 9200);
    assert_eq!(p["insured"], k["insured"]);
    assert_eq!(p["product"], "Santé Famille");

    // PATCH with insured replaces them.
    let (s, p) = t
        .patch(
            &format!("/api/v1/contracts/{kid}"),
            &admin,
            json!({"insured": [{"first_name": "Lucas", "last_name": "Durand"}],
                   "end_date": "2026-12-31", "status": "resilie", "product": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["insured"].as_array().map(Vec::len), Some(1));
    assert_eq!(p["insured"][0]["last_name"], "Durand");
    assert_eq!(p["end_date"], "2026-12-31");
    assert_eq!(p["status"], "resilie");
    assert_eq!(p["product"], Value::Null);
    assert_eq!(p["monthly_premium_cents"], 9200);

    let (s, v) = t
        .patch(
            &format!("/api/v1/contracts/{kid}"),
            &admin,
            json!({"end_date": "2025-01-01"}),
        )
        .await;
    assert_invalid(s, &v, "end_date", "La date de fin précède la date d'effet.");
    let (s, v) = t
        .patch(
            &format!("/api/v1/contracts/{kid}"),
            &admin,
            json!({"project_id": other_p}),
        )
        .await;
    assert_invalid(s, &v, "project_id", "Un contrat ne change pas de projet.");

    // Lists.
    assert_eq!(total(&t, &admin, "/api/v1/contracts").await, 1);
    assert_eq!(
        total(&t, &admin, &format!("/api/v1/contracts?contact_id={c}")).await,
        1
    );
    assert_eq!(
        total(
            &t,
            &admin,
            &format!("/api/v1/contracts?project_id={other_p}")
        )
        .await,
        0
    );
    assert_eq!(total(&t, &admin, "/api/v1/contracts?status=actif").await, 0);
    assert_eq!(
        total(&t, &admin, "/api/v1/contracts?status=resilie").await,
        1
    );
    let (s, v) = t.get("/api/v1/contracts?status=bogus", &admin).await;
    assert_invalid(s, &v, "status", "Statut de contrat inconnu.");
    let (_, l) = t.get("/api/v1/contracts", &admin).await;
    assert_eq!(ids(&l["items"]), vec![kid.clone()]);
    assert_eq!(l["items"][0]["insured"], p["insured"]);
    let (_, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(ids(&d["contracts"]), vec![kid.clone()]);

    // Validation.
    let (s, v) = t
        .post("/api/v1/contracts", &admin, json!({"project_id": pid}))
        .await;
    assert_invalid(s, &v, "insurer", "Indiquez l'assureur.");
    let unknown = uuid::Uuid::new_v4().to_string();
    let (s, v) = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({"project_id": unknown, "insurer": "AXA"}),
        )
        .await;
    assert_invalid(s, &v, "project_id", "Projet introuvable.");
    let (s, v) = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({"project_id": auto, "insurer": "AXA", "nir": NIR_OK}),
        )
        .await;
    assert_invalid(s, &v, "nir", NIR_ONLY_HEALTH);
    let (s, v) = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({"project_id": pid, "insurer": "AXA", "nir": "1 85 05 78 006 084 36"}),
        )
        .await;
    assert_invalid(
        s,
        &v,
        "nir",
        "La clé du numéro de sécurité sociale (2 derniers chiffres) ne correspond pas : vérifiez les chiffres saisis.",
    );
    let (s, v) = t.get(&format!("/api/v1/contracts/{unknown}"), &admin).await;
    assert_not_found(s, &v);
    assert_eq!(total(&t, &admin, "/api/v1/contracts").await, 1);
}

// ------------------------------------------------------------------ activity

#[tokio::test]
async fn every_activity_kind_create_read_list() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(
            &admin,
            json!({"last_name": "Durand", "email": "elodie.durand@exemple.fr"}),
        )
        .await;
    let cases = [
        (
            "events",
            json!({"title": "Appel entrant", "body": "A demandé un devis", "direction": "inbound",
                   "occurred_at": "2026-03-01T10:00:00Z"}),
        ),
        ("notes", json!({"body": "Préfère être appelée le matin"})),
        (
            "tasks",
            json!({"title": "Envoyer le devis", "due_date": "2026-12-15", "assigned_to": t.acc.sales1,
                   "done": false}),
        ),
        (
            "appointments",
            json!({"title": "RDV agence", "starts_at": "2026-12-10T09:00:00Z",
                   "ends_at": "2026-12-10T10:00:00Z", "location": "Agence de Lille"}),
        ),
        (
            "quotes",
            json!({"title": "Devis santé", "amount_cents": 8950}),
        ),
        ("advice_docs", json!({"title": "Devoir de conseil santé"})),
        (
            "membership_forms",
            json!({"title": "Bulletin Harmonie", "signed": true}),
        ),
        (
            "messages",
            json!({"channel": "email", "recipient": "elodie.durand@exemple.fr", "title": "Votre devis",
                   "body": "Bonjour", "direction": "outbound", "occurred_at": "2026-11-01T08:30:00Z"}),
        ),
    ];
    let mut created: BTreeMap<&str, Value> = BTreeMap::new();
    for (kind, body) in &cases {
        let base = format!("/api/v1/contacts/{c}/{kind}");
        let (s, a) = t.post(&base, &admin, body.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{kind}: {a}");
        assert_eq!(a["kind"], *kind);
        assert_eq!(a["contact_id"], c.as_str());
        assert_eq!(a["author_id"], t.acc.admin.as_str());
        for (k, want) in body.as_object().expect("object") {
            assert_eq!(&a[k], want, "{kind}.{k}");
        }
        let (s, l) = t.get(&base, &admin).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(l["total"], 1, "{kind}");
        assert_eq!(l["next"], Value::Null);
        assert_eq!(l["items"], json!([a.clone()]), "{kind}");
        let (s, one) = t.get(&format!("{base}/{}", id_of(&a)), &admin).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(one, a, "{kind}");
        created.insert(kind, a);
    }
    // Notes and tasks get no occurred_at; events and messages default to now.
    let (s, ev) = t
        .post(
            &format!("/api/v1/contacts/{c}/events"),
            &admin,
            json!({"title": "Visite"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert!((date_time(&ev["occurred_at"]).timestamp_millis() - now_ms()).abs() < 60_000);
    assert_eq!(created["notes"]["occurred_at"], Value::Null);

    // An inbound event sets the contact's last inbound interaction.
    let (_, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(
        date_time(&d["last_inbound_at"]),
        date_time(&json!("2026-03-01T10:00:00Z"))
    );

    // A document too, then the counts of every kind.
    let (s, doc) = upload(
        &t,
        &admin,
        &c,
        multipart(&[("file", Some(("a.txt", "text/plain")), b"hello")]),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{doc}");
    let (_, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(
        d["activity_counts"],
        json!({"advice_docs": 1, "appointments": 1, "documents": 1, "events": 2,
               "membership_forms": 1, "messages": 1, "notes": 1, "quotes": 1, "tasks": 1})
    );

    // Merge patch of an item.
    let task = id_of(&created["tasks"]);
    let (s, p) = t
        .patch(
            &format!("/api/v1/contacts/{c}/tasks/{task}"),
            &admin,
            json!({"done": true, "due_date": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["done"], true);
    assert_eq!(p["due_date"], Value::Null);
    assert_eq!(p["title"], "Envoyer le devis");
    assert_eq!(p["assigned_to"], t.acc.sales1.as_str());

    // What each kind requires.
    for (kind, body, field, msg) in [
        ("notes", json!({}), "body", "La note est vide."),
        (
            "tasks",
            json!({"body": "x"}),
            "title",
            "Donnez un intitulé.",
        ),
        ("events", json!({}), "title", "Donnez un intitulé."),
        ("quotes", json!({}), "title", "Donnez un intitulé."),
        ("advice_docs", json!({}), "title", "Donnez un intitulé."),
        (
            "membership_forms",
            json!({}),
            "title",
            "Donnez un intitulé.",
        ),
        (
            "appointments",
            json!({}),
            "starts_at",
            "Indiquez la date et l'heure du rendez-vous.",
        ),
        (
            "appointments",
            json!({"starts_at": "2026-12-10T09:00:00Z", "ends_at": "2026-12-10T08:00:00Z"}),
            "ends_at",
            "La fin précède le début.",
        ),
        ("messages", json!({}), "channel", "Choisissez email ou SMS."),
        (
            "messages",
            json!({"channel": "email"}),
            "recipient",
            "Indiquez le destinataire.",
        ),
        (
            "messages",
            json!({"channel": "email", "recipient": "pas-un-email"}),
            "recipient",
            "L'adresse e-mail doit contenir le caractère @.",
        ),
        (
            "messages",
            json!({"channel": "sms", "recipient": "0612"}),
            "recipient",
            "Un numéro de téléphone français compte 10 chiffres (ex. : 06 12 34 56 78).",
        ),
        (
            "quotes",
            json!({"title": "x", "amount_cents": -1}),
            "amount_cents",
            "Le montant doit être positif et raisonnable.",
        ),
    ] {
        let (s, v) = t
            .post(&format!("/api/v1/contacts/{c}/{kind}"), &admin, body)
            .await;
        assert_invalid(s, &v, field, msg);
    }
    let (_, d2) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(
        d2["activity_counts"], d["activity_counts"],
        "nothing stored"
    );

    // Unknown kind, unknown item, unknown contact.
    let (s, v) = t.get(&format!("/api/v1/contacts/{c}/bogus"), &admin).await;
    assert_not_found(s, &v);
    let unknown = uuid::Uuid::new_v4();
    let (s, v) = t
        .get(&format!("/api/v1/contacts/{c}/notes/{unknown}"), &admin)
        .await;
    assert_not_found(s, &v);
    let (s, v) = t
        .get(&format!("/api/v1/contacts/{unknown}/notes"), &admin)
        .await;
    assert_not_found(s, &v);
    let (s, v) = t
        .post(
            &format!("/api/v1/contacts/{unknown}/notes"),
            &admin,
            json!({"body": "x"}),
        )
        .await;
    assert_not_found(s, &v);
}

#[tokio::test]
async fn documents_multipart_upload_download_and_blob() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let bytes: Vec<u8> = {
        let mut b = b"%PDF-1.4\n".to_vec();
        b.extend((0u8..=255).cycle().take(3000));
        b.extend_from_slice(b"\r\n--not-the-boundary\r\n%%EOF");
        b
    };
    let (s, d) = upload(
        &t,
        &admin,
        &c,
        multipart(&[
            ("title", None, "Attestation d'assurance".as_bytes()),
            (
                "file",
                Some(("attestation.pdf", "application/pdf")),
                bytes.as_slice(),
            ),
        ]),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let doc = id_of(&d);
    assert_eq!(d["kind"], "documents");
    assert_eq!(d["title"], "Attestation d'assurance");
    assert_eq!(d["file_name"], "attestation.pdf");
    assert_eq!(d["content_type"], "application/pdf");
    assert_eq!(d["size_bytes"], bytes.len());
    assert_eq!(d["author_id"], t.acc.admin.as_str());

    // The same bytes come back.
    let (s, h, body) = t
        .send_raw(request(
            Method::GET,
            &format!("/api/v1/contacts/{c}/documents/{doc}/content"),
            Some(&admin),
            &[],
            vec![],
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body, bytes);
    assert_eq!(h[header::CONTENT_TYPE], "application/octet-stream");
    assert_eq!(
        h[header::CONTENT_DISPOSITION],
        "attachment; filename=\"attestation.pdf\""
    );

    // One file in the blob store, holding those bytes.
    let blobs = t.dir.path().join("blobs");
    let files = files_under(&blobs);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(std::fs::read(&files[0]).expect("blob"), bytes);
    assert!(files[0].starts_with(blobs.join(&t.acc.demo_cabinet)));

    // List and item.
    let (_, l) = t
        .get(&format!("/api/v1/contacts/{c}/documents"), &admin)
        .await;
    assert_eq!(l["total"], 1);
    assert_eq!(l["items"], json!([d.clone()]));

    // Without a title the file name is used.
    let (s, d2) = upload(
        &t,
        &admin,
        &c,
        multipart(&[("file", Some(("devis.txt", "text/plain")), b"devis")]),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d2}");
    assert_eq!(d2["title"], "devis.txt");
    assert_eq!(files_under(&blobs).len(), 2);

    // No file, an empty file, JSON instead of multipart: refused, nothing stored.
    let (s, v) = upload(&t, &admin, &c, multipart(&[("title", None, b"x")])).await;
    assert_invalid(s, &v, "file", "Joignez un fichier.");
    let (s, v) = upload(
        &t,
        &admin,
        &c,
        multipart(&[("file", Some(("vide.txt", "text/plain")), b"")]),
    )
    .await;
    assert_invalid(s, &v, "file", "Le fichier est vide.");
    let (s, v) = t
        .post(
            &format!("/api/v1/contacts/{c}/documents"),
            &admin,
            json!({"title": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["code"], "bad_request");
    assert_eq!(
        total(&t, &admin, &format!("/api/v1/contacts/{c}/documents")).await,
        2
    );
    assert_eq!(files_under(&blobs).len(), 2);

    // Deleting the item removes its file.
    let (s, _) = t
        .delete(&format!("/api/v1/contacts/{c}/documents/{doc}"), &admin)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let left = files_under(&blobs);
    assert_eq!(left.len(), 1);
    assert_eq!(std::fs::read(&left[0]).expect("blob"), b"devis");
    let (s, v) = t
        .get(
            &format!("/api/v1/contacts/{c}/documents/{doc}/content"),
            &admin,
        )
        .await;
    assert_not_found(s, &v);

    // Deleting the contact removes the remaining file.
    let (s, _) = t.delete(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(files_under(&blobs), Vec::<std::path::PathBuf>::new());
}

#[tokio::test]
async fn document_over_the_size_limit_is_413_and_leaves_no_file() {
    let t = TestApp::with_config(|c| c.max_upload_bytes = 1000).await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let big = vec![b'x'; 1001];
    let (s, v) = upload(
        &t,
        &admin,
        &c,
        multipart(&[("file", Some(("gros.bin", "application/octet-stream")), &big)]),
    )
    .await;
    assert_err(
        s,
        &v,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        "Le document dépasse la taille maximale autorisée.",
    );
    assert_eq!(
        total(&t, &admin, &format!("/api/v1/contacts/{c}/documents")).await,
        0
    );
    assert_eq!(files_under(&t.dir.path().join("blobs")).len(), 0);
    let ok = vec![b'y'; 1000];
    let (s, v) = upload(
        &t,
        &admin,
        &c,
        multipart(&[("file", Some(("juste.bin", "application/octet-stream")), &ok)]),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["size_bytes"], 1000);
}

// ------------------------------------------------------------------ consents, opposition

#[tokio::test]
async fn consents_and_opposition() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(
            &admin,
            json!({"last_name": "Durand", "email": "elodie.durand@exemple.fr", "mobile_phone": "0612345678"}),
        )
        .await;
    let base = format!("/api/v1/contacts/{c}/consents");
    let (s, v) = t.get(&base, &admin).await;
    assert_eq!((s, v), (StatusCode::OK, json!([])));
    let sha = "ab".repeat(32);
    let (s, k) = t
        .post(
            &base,
            &admin,
            json!({"purpose": "marketing", "granted": true, "cgu_version_id": "cgu-2026-01",
                   "cgu_sha256": sha, "checkbox_label": "J'accepte de recevoir des offres",
                   "origin_page": "https://exemple.fr/devis"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    assert_eq!(k["contact_id"], c.as_str());
    assert_eq!(k["purpose"], "marketing");
    assert_eq!(k["granted"], true);
    assert_eq!(k["source"], "user");
    assert_eq!(k["actor_user_id"], t.acc.admin.as_str());
    assert_eq!(k["cgu_version_id"], "cgu-2026-01");
    assert_eq!(k["cgu_sha256"], sha.as_str());
    assert_eq!(k["checkbox_label"], "J'accepte de recevoir des offres");
    assert_eq!(k["origin_page"], "https://exemple.fr/devis");
    assert_eq!(k["ip"], Value::Null);
    let (s, v) = t.post(&base, &admin, json!({"purpose": "marketing"})).await;
    assert_invalid(
        s,
        &v,
        "granted",
        "Précisez s'il s'agit d'un accord ou d'un retrait.",
    );
    let (s, v) = t
        .post(
            &base,
            &admin,
            json!({"purpose": "marketing", "granted": true, "cgu_sha256": "xyz"}),
        )
        .await;
    assert_invalid(
        s,
        &v,
        "cgu_sha256",
        "L'empreinte SHA-256 doit compter 64 caractères hexadécimaux.",
    );
    let (s, v) = t.get(&base, &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v, json!([k.clone()]));

    // Before the objection an email can be recorded.
    let msgs = format!("/api/v1/contacts/{c}/messages");
    let email =
        json!({"channel": "email", "recipient": "elodie.durand@exemple.fr", "body": "Offre"});
    let (s, v) = t.post(&msgs, &admin, email.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    let opp = format!("/api/v1/contacts/{c}/opposition");
    let (s, v) = t.post(&opp, &admin, json!({})).await;
    assert_invalid(
        s,
        &v,
        "channel",
        "Indiquez par quel canal l'opposition a été reçue.",
    );
    let (s, o) = t.post(&opp, &admin, json!({"channel": "email"})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(o["id"], c.as_str());
    assert_eq!(o["opposition_channel"], "email");
    assert!((date_time(&o["opposition_at"]).timestamp_millis() - now_ms()).abs() < 60_000);

    // The objection is recorded as a withdrawal of marketing consent.
    let (_, v) = t.get(&base, &admin).await;
    let list = v.as_array().expect("consents");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0], k);
    assert_eq!(list[1]["purpose"], "marketing");
    assert_eq!(list[1]["granted"], false);
    assert_eq!(list[1]["source"], "user");
    assert_eq!(list[1]["actor_user_id"], t.acc.admin.as_str());

    // From now on no email or SMS to them; their own replies are still recorded.
    let (s, v) = t.post(&msgs, &admin, email.clone()).await;
    assert_err(s, &v, StatusCode::CONFLICT, "opposition", OPPOSITION_MSG);
    let (s, v) = t
        .post(
            &msgs,
            &admin,
            json!({"channel": "sms", "recipient": "06 12 34 56 78", "body": "Offre"}),
        )
        .await;
    assert_err(s, &v, StatusCode::CONFLICT, "opposition", OPPOSITION_MSG);
    let (s, v) = t
        .post(
            &msgs,
            &admin,
            json!({"channel": "email", "recipient": "elodie.durand@exemple.fr", "direction": "inbound",
                   "body": "Ne me contactez plus"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(total(&t, &admin, &msgs).await, 2);
    let (_, l) = t.get("/api/v1/contacts?opposition=true", &admin).await;
    assert_eq!(ids(&l["items"]), vec![c.clone()]);

    let unknown = uuid::Uuid::new_v4();
    let (s, v) = t
        .post(
            &format!("/api/v1/contacts/{unknown}/opposition"),
            &admin,
            json!({"channel": "email"}),
        )
        .await;
    assert_not_found(s, &v);
    let (s, v) = t
        .get(&format!("/api/v1/contacts/{unknown}/consents"), &admin)
        .await;
    assert_not_found(s, &v);
}

// ------------------------------------------------------------------ export

#[tokio::test]
async fn export_json_csv_html_for_admins_only() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(
            &admin,
            json!({"first_name": "Élodie", "last_name": "Durand", "email": "elodie.durand@exemple.fr",
                   "assigned_to": t.acc.sales1, "comment": "=1+1"}),
        )
        .await;
    let (s, _) = t
        .post(
            &format!("/api/v1/contacts/{c}/household"),
            &admin,
            json!({"first_name": "Lucas", "relation": "child"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = t
        .post(
            &format!("/api/v1/contacts/{c}/notes"),
            &admin,
            json!({"body": "Appeler après 18h <b>"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = t
        .post(
            &format!("/api/v1/contacts/{c}/consents"),
            &admin,
            json!({"purpose": "cgu", "granted": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);

    let get_raw = |token: &str, fmt: &str| {
        request(
            Method::GET,
            &format!("/api/v1/contacts/{c}/export{fmt}"),
            Some(token),
            &[],
            vec![],
        )
    };

    // JSON (also the default).
    for fmt in ["?format=json", ""] {
        let (s, h, body) = t.send_raw(get_raw(&admin, fmt)).await;
        assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        assert_eq!(h[header::CONTENT_TYPE], "application/json");
        assert_eq!(
            h[header::CONTENT_DISPOSITION],
            format!("attachment; filename=\"export-{c}.json\"").as_str()
        );
        assert_eq!(h[header::CACHE_CONTROL], "no-store");
        let v: Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(v["schema"], "oubli.person-export.v1");
        assert_eq!(v["contact"]["id"], c.as_str());
        assert_eq!(v["contact"]["last_name"], "Durand");
        assert_eq!(v["contact"]["first_name"], "Élodie");
        assert_eq!(v["contact"]["email"], "elodie.durand@exemple.fr");
        assert_eq!(v["contact"]["household"][0]["first_name"], "Lucas");
        assert_eq!(v["activities"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["activities"][0]["body"], "Appeler après 18h <b>");
        assert_eq!(v["consents"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["consents"][0]["purpose"], "cgu");
    }

    // CSV: one "champ,valeur" line per value, formulas neutralised.
    let (s, h, body) = t.send_raw(get_raw(&admin, "?format=csv")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(
        h[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"export-{c}.csv\"").as_str()
    );
    let csv = String::from_utf8(body).expect("utf-8");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "champ,valeur");
    for want in [
        "schema,oubli.person-export.v1",
        "contact.last_name,Durand",
        "contact.first_name,Élodie",
        "contact.email,elodie.durand@exemple.fr",
        "contact.household.0.first_name,Lucas",
        "activities.0.body,Appeler après 18h <b>",
        "consents.0.purpose,cgu",
        "contact.comment,'=1+1",
    ] {
        assert!(lines.contains(&want), "CSV lacks {want:?}:\n{csv}");
    }
    assert!(lines.contains(&format!("contact.id,{c}").as_str()));

    // HTML, escaped.
    let (s, h, body) = t.send_raw(get_raw(&admin, "?format=html")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/html; charset=utf-8");
    let html = String::from_utf8(body).expect("utf-8");
    assert!(html.starts_with("<!doctype html>"), "{html}");
    for want in [
        "<tr><td>contact.last_name</td><td>Durand</td></tr>",
        "<tr><td>contact.email</td><td>elodie.durand@exemple.fr</td></tr>",
        "<tr><td>activities.0.body</td><td>Appeler après 18h &lt;b&gt;</td></tr>",
    ] {
        assert!(html.contains(want), "HTML lacks {want:?}");
    }
    assert!(!html.contains("<b>"));

    let (s, v) = t
        .get(&format!("/api/v1/contacts/{c}/export?format=xml"), &admin)
        .await;
    assert_invalid(s, &v, "format", "Format inconnu : json, csv ou html.");

    // Deputy yes; the owning salesperson and the team lead no; others do not see it.
    let deputy = t.login("suppleant@demo.fr").await;
    let (s, _, _) = t.send_raw(get_raw(&deputy, "?format=json")).await;
    assert_eq!(s, StatusCode::OK);
    for who in ["commercial1@demo.fr", "chef@demo.fr"] {
        let tok = t.login(who).await;
        let (s, v) = t
            .get(&format!("/api/v1/contacts/{c}/export?format=json"), &tok)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {v}");
        assert_eq!(v["error"]["code"], "forbidden");
    }
    let sales2 = t.login("commercial2@demo.fr").await;
    let (s, v) = t
        .get(&format!("/api/v1/contacts/{c}/export"), &sales2)
        .await;
    assert_not_found(s, &v);
    let unknown = uuid::Uuid::new_v4();
    let (s, v) = t
        .get(&format!("/api/v1/contacts/{unknown}/export"), &admin)
        .await;
    assert_not_found(s, &v);

    // Every export is audited: 2 JSON + CSV + HTML by the admin, 1 by the deputy.
    let (_, a) = t.get("/api/v1/audit?limit=500", &admin).await;
    let exports: Vec<&Value> = a["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "contact.export")
        .collect();
    assert_eq!(exports.len(), 5);
    assert!(exports.iter().all(|e| e["target_id"] == c.as_str()));
    assert_eq!(
        exports
            .iter()
            .filter(|e| e["actor_user_id"] == t.acc.deputy.as_str())
            .count(),
        1
    );
    let formats: BTreeSet<&str> = exports
        .iter()
        .filter_map(|e| e["detail"]["format"].as_str())
        .collect();
    assert_eq!(formats, BTreeSet::from(["csv", "html", "json"]));
}

// ------------------------------------------------------------------ stats

#[tokio::test]
async fn stats_summary_matches_what_was_created() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let s1 = &t.acc.sales1;
    let s2 = &t.acc.sales2;
    let a = t
        .contact(
            &admin,
            json!({"last_name": "A", "supplier": "LeadCo", "lead_cost_cents": 1500, "assigned_to": s1}),
        )
        .await;
    let b = t
        .contact(
            &admin,
            json!({"last_name": "B", "supplier": "LeadCo", "lead_cost_cents": 2500, "assigned_to": s1,
                   "status": "client"}),
        )
        .await;
    t.contact(
        &admin,
        json!({"last_name": "C", "supplier": "Comparateur", "lead_cost_cents": 1000, "assigned_to": s2}),
    )
    .await;
    t.contact(&admin, json!({"last_name": "D"})).await;
    let pa = project(&t, &admin, json!({"contact_id": a, "type": "sante"})).await;
    let pb = project(
        &t,
        &admin,
        json!({"contact_id": b, "type": "auto", "status": "contrat_actif"}),
    )
    .await;
    contract(
        &t,
        &admin,
        json!({"project_id": pb, "insurer": "AXA", "status": "actif", "monthly_premium_cents": 4599}),
    )
    .await;
    contract(
        &t,
        &admin,
        json!({"project_id": pa, "insurer": "Harmonie", "status": "en_attente", "monthly_premium_cents": 1000}),
    )
    .await;
    // Another cabinet's lead never counts.
    let witness = t.login("admin@temoin.fr").await;
    t.contact(
        &witness,
        json!({"last_name": "W", "supplier": "LeadCo", "lead_cost_cents": 99}),
    )
    .await;

    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let (s, v) = t.get("/api/v1/stats/summary", &admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["leads_total"], 4);
    assert_eq!(
        v["leads_by_supplier"],
        json!({"LeadCo": 2, "Comparateur": 1, "(aucun)": 1})
    );
    assert_eq!(v["leads_by_status"], json!({"prospect": 3, "client": 1}));
    assert_eq!(v["lead_cost_total"], 5000);
    assert_eq!(
        v["by_user"],
        json!({
            s1.as_str(): {"name": "Camille Commerciale", "leads": 2, "clients": 1, "lead_cost_total": 4000},
            s2.as_str(): {"name": "Karim Commercial", "leads": 1, "clients": 0, "lead_cost_total": 1000},
            t.acc.admin.as_str(): {"name": "Alice Administratrice", "leads": 1, "clients": 0, "lead_cost_total": 0},
        })
    );
    assert_eq!(v["leads_by_month"], json!({ month.as_str(): 4 }));
    assert_eq!(
        v["projects_by_status"],
        json!({"nouveau": 1, "contrat_actif": 1})
    );
    assert_eq!(v["projects_by_type"], json!({"sante": 1, "auto": 1}));
    assert_eq!(v["contracts_active"], 1);
    assert_eq!(v["monthly_premiums_active"], 4599);

    // A salesperson's figures cover their own contacts.
    let sales1 = t.login("commercial1@demo.fr").await;
    let (s, v) = t.get("/api/v1/stats/summary", &sales1).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["leads_total"], 2);
    assert_eq!(v["lead_cost_total"], 4000);
    assert_eq!(v["leads_by_supplier"], json!({"LeadCo": 2}));
    assert_eq!(v["contracts_active"], 1);
    assert_eq!(v["monthly_premiums_active"], 4599);
    let (s, v) = t.get("/api/v1/stats/summary", &witness).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["leads_total"], 1);
    assert_eq!(v["lead_cost_total"], 99);
    assert_eq!(v["contracts_active"], 0);
    assert_eq!(v["monthly_premiums_active"], 0);
}

// ------------------------------------------------------------------ audit

#[tokio::test]
async fn audit_for_admins_and_deputies_only() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(
            &admin,
            json!({"last_name": "Durand", "email": "elodie.durand@exemple.fr"}),
        )
        .await;
    let (s, _, _) = t
        .send_raw(request(
            Method::GET,
            &format!("/api/v1/contacts/{c}/export"),
            Some(&admin),
            &[],
            vec![],
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    let sales1 = t.login("commercial1@demo.fr").await;
    let chef = t.login("chef@demo.fr").await;
    let (s, v) = t.get("/api/v1/audit", &sales1).await;
    assert_err(
        s,
        &v,
        StatusCode::FORBIDDEN,
        "forbidden",
        "Action réservée : votre rôle (Commercial) ne le permet pas.",
    );
    let (s, v) = t.get("/api/v1/audit", &chef).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

    let (s, v) = t.get("/api/v1/audit?limit=500", &admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let items = v["items"].as_array().expect("items").clone();
    assert_eq!(v["total"], items.len());
    assert_eq!(v["next"], Value::Null);
    // Newest first: the two refusals, then the export.
    assert_eq!(items[0]["action"], "readaudit");
    assert_eq!(items[0]["outcome"], "forbidden");
    assert_eq!(items[0]["actor_user_id"], t.acc.team_lead.as_str());
    assert_eq!(items[1]["action"], "readaudit");
    assert_eq!(items[1]["actor_user_id"], t.acc.sales1.as_str());
    let export = items
        .iter()
        .find(|e| e["action"] == "contact.export")
        .expect("export audited");
    assert_eq!(export["target_id"], c.as_str());
    assert_eq!(export["actor_user_id"], t.acc.admin.as_str());
    assert_eq!(export["outcome"], "ok");
    // A hash chain, recomputable; no personal data.
    for w in items.windows(2) {
        assert_eq!(w[0]["seq"].as_i64(), w[1]["seq"].as_i64().map(|s| s + 1));
        assert_eq!(w[0]["prev_hash"], w[1]["hash"]);
    }
    let cabinet = t.acc.demo_cabinet.clone();
    for e in &items {
        let entry: oubli_domain::AuditEntry = serde_json::from_value(e.clone()).expect("entry");
        // Keyed: recomputable with the server's audit key, and only with it.
        assert_eq!(
            oubli_server::audit::entry_hash(
                &t.state.db.audit_key,
                &cabinet,
                &entry.prev_hash,
                &entry
            ),
            entry.hash
        );
        let other = oubli_server::audit::key::AuditKey::from_bytes([7; 32]);
        assert_ne!(
            oubli_server::audit::entry_hash(&other, &cabinet, &entry.prev_hash, &entry),
            entry.hash
        );
    }
    let dump = v.to_string();
    assert!(!dump.contains("Durand") && !dump.contains("exemple.fr"));
    assert!(matches!(
        oubli_server::audit::verify(&t.state.db).await,
        Ok(Ok(_))
    ));

    // Pagination by sequence number.
    let (s, p1) = t.get("/api/v1/audit?limit=1", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p1["items"], json!([items[0].clone()]));
    assert_eq!(p1["next"], items[0]["seq"].to_string().as_str());
    let next = p1["next"].as_str().expect("next").to_string();
    let (_, p2) = t
        .get(&format!("/api/v1/audit?limit=1&after={next}"), &admin)
        .await;
    assert_eq!(p2["items"], json!([items[1].clone()]));
    let (s, v) = t.get("/api/v1/audit?after=abc", &admin).await;
    assert_err(s, &v, StatusCode::BAD_REQUEST, "bad_request", CURSOR_MSG);
    let (s, v) = t.get("/api/v1/audit?limit=0", &admin).await;
    assert_invalid(s, &v, "limit", LIMIT_MSG);

    let deputy = t.login("suppleant@demo.fr").await;
    let (s, _) = t.get("/api/v1/audit", &deputy).await;
    assert_eq!(s, StatusCode::OK);
}

// ------------------------------------------------------------------ sync

#[tokio::test]
async fn sync_upserts_cursor_and_tombstones() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales1 = t.login("commercial1@demo.fr").await;
    let sales2 = t.login("commercial2@demo.fr").await;
    let c1 = t.contact(&sales1, json!({"last_name": "Un"})).await;
    let c2 = t.contact(&sales1, json!({"last_name": "Deux"})).await;
    let c3 = t
        .contact(
            &admin,
            json!({"last_name": "Trois", "assigned_to": t.acc.sales2}),
        )
        .await;

    let (s, v) = t.get("/api/v1/sync", &sales1).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let up: BTreeSet<String> = ids(&v["upserts"]).into_iter().collect();
    assert_eq!(up, set(&[&c1, &c2]));
    assert_eq!(v["tombstones"], json!([]));
    assert_eq!(v["more"], false);
    // Upserts are whole records.
    assert_eq!(v["upserts"][0]["household"], json!([]));
    assert!(v["upserts"][0]["activity_counts"].is_object());
    let cur1: i64 = v["cursor"].as_str().expect("cursor").parse().expect("int");
    assert!(cur1 > 0);

    // Nothing new since.
    let (s, v) = t.get(&format!("/api/v1/sync?since={cur1}"), &sales1).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["upserts"], json!([]));
    assert_eq!(v["tombstones"], json!([]));
    assert_eq!(v["cursor"], cur1.to_string().as_str());

    // A change to something hanging from c1 brings c1 back, and the cursor advances.
    let (s, _) = t
        .post(
            &format!("/api/v1/contacts/{c1}/notes"),
            &sales1,
            json!({"body": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, v) = t.get(&format!("/api/v1/sync?since={cur1}"), &sales1).await;
    assert_eq!(ids(&v["upserts"]), vec![c1.clone()]);
    assert_eq!(v["upserts"][0]["activity_counts"]["notes"], 1);
    let cur2: i64 = v["cursor"].as_str().expect("cursor").parse().expect("int");
    assert!(cur2 > cur1);

    let (_, v) = t.get("/api/v1/sync", &sales2).await;
    assert_eq!(ids(&v["upserts"]), vec![c3.clone()]);
    let cur_s2: i64 = v["cursor"].as_str().expect("cursor").parse().expect("int");

    // The admin reassigns c2 to commercial2.
    let (s, v) = t
        .patch(
            &format!("/api/v1/contacts/{c2}"),
            &admin,
            json!({"assigned_to": t.acc.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["assigned_to"], t.acc.sales2.as_str());

    let (_, v) = t.get(&format!("/api/v1/sync?since={cur2}"), &sales1).await;
    assert_eq!(v["upserts"], json!([]));
    assert_eq!(strs(&v["tombstones"]), vec![c2.clone()]);
    let cur3: i64 = v["cursor"].as_str().expect("cursor").parse().expect("int");
    assert!(cur3 > cur2);
    let (_, v) = t.get(&format!("/api/v1/sync?since={cur3}"), &sales1).await;
    assert_eq!(v["upserts"], json!([]));
    assert_eq!(v["tombstones"], json!([]));

    let (_, v) = t
        .get(&format!("/api/v1/sync?since={cur_s2}"), &sales2)
        .await;
    assert_eq!(ids(&v["upserts"]), vec![c2.clone()]);
    assert_eq!(v["tombstones"], json!([]));

    // Deleting a contact leaves a tombstone for its owner.
    let (s, _) = t.delete(&format!("/api/v1/contacts/{c1}"), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, v) = t.get(&format!("/api/v1/sync?since={cur3}"), &sales1).await;
    assert_eq!(v["upserts"], json!([]));
    assert_eq!(strs(&v["tombstones"]), vec![c1.clone()]);

    // Bad cursors.
    for bad in ["abc", "-1", "1.5", "99999999999999999999"] {
        let (s, v) = t.get(&format!("/api/v1/sync?since={bad}"), &sales1).await;
        assert_err(
            s,
            &v,
            StatusCode::BAD_REQUEST,
            "bad_request",
            "Curseur de synchronisation invalide.",
        );
    }
}

// ------------------------------------------------------------------ list filters

/// Soft assertions, so one run reports every filter that is wrong.
#[derive(Default)]
struct Checks(Vec<String>);

impl Checks {
    fn eq(&mut self, what: &str, got: Vec<String>, want: &[&str]) {
        let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        if got != want {
            self.0
                .push(format!("{what}: got {got:?}, expected {want:?}"));
        }
    }
    fn finish(self) {
        assert!(self.0.is_empty(), "\n{}", self.0.join("\n"));
    }
}

/// The labels of every item a (single-page) list returns, sorted; checks `total`.
async fn labels(
    t: &TestApp,
    token: &str,
    path: &str,
    names: &BTreeMap<String, String>,
) -> Vec<String> {
    let (s, v) = t.get(path, token).await;
    if s != StatusCode::OK {
        return vec![format!("HTTP {s}: {v}")];
    }
    let items = v["items"].as_array().expect("items");
    let mut out: Vec<String> = items
        .iter()
        .map(|i| {
            let id = i["id"].as_str().unwrap_or_default();
            names.get(id).cloned().unwrap_or_else(|| format!("?{id}"))
        })
        .collect();
    if v["total"].as_i64() != Some(items.len() as i64) {
        out.push(format!("total={} for {} items", v["total"], items.len()));
    }
    if !v["next"].is_null() {
        out.push("next not null".into());
    }
    out.sort();
    out
}

/// Contacts A–F and their projects, made so that each filter selects an exact set.
///
/// | contact | status   | supplier  | assigned | created    | other                      | project                                   |
/// |---------|----------|-----------|----------|------------|----------------------------|-------------------------------------------|
/// | A       | prospect | LeadCo    | sales1   | 2019-06-01 |                            | pA sante nouveau LeadCo, 2019-06-01       |
/// | B       | client   | LeadCo    | sales2   | 2023-03-15 | inbound 2020-01-01         | pB auto contrat_actif Comparateur, 2023-03-15, active contract |
/// | C       | prospect | Mutuelle+ | sales1   | now        | inbound now                | pC habitation perdu LeadCo                |
/// | D       | client   | –         | admin    | now        | anonymized                 | pD prevoyance devis_envoye                |
/// | E       | prospect | Autre     | sales2   | now        | opposition                 | pE sante en_cours                         |
/// | F       | prospect | –         | admin    | now        |                            | –                                         |
///
/// The other cabinet holds W (prospect, LeadCo, 2019) with project pW (sante, LeadCo).
struct Fixture {
    t: TestApp,
    admin: String,
    names: BTreeMap<String, String>,
}

impl Fixture {
    async fn new() -> Fixture {
        let t = TestApp::new().await;
        let admin = t.login("admin@demo.fr").await;
        let witness = t.login("admin@temoin.fr").await;
        let mut names = BTreeMap::new();
        let s1 = t.acc.sales1.clone();
        let s2 = t.acc.sales2.clone();
        let ad = t.acc.admin.clone();
        let mut c = BTreeMap::new();
        for (label, body) in [
            (
                "A",
                json!({"last_name": "Alpha", "status": "prospect", "supplier": "LeadCo", "assigned_to": s1}),
            ),
            (
                "B",
                json!({"last_name": "Bravo", "status": "client", "supplier": "LeadCo", "assigned_to": s2}),
            ),
            (
                "C",
                json!({"last_name": "Charlie", "status": "prospect", "supplier": "Mutuelle+", "assigned_to": s1}),
            ),
            (
                "D",
                json!({"last_name": "Delta", "status": "client", "assigned_to": ad}),
            ),
            (
                "E",
                json!({"last_name": "Echo", "status": "prospect", "supplier": "Autre", "assigned_to": s2}),
            ),
            (
                "F",
                json!({"last_name": "Foxtrot", "status": "prospect", "assigned_to": ad}),
            ),
        ] {
            let id = t.contact(&admin, body).await;
            names.insert(id.clone(), label.to_string());
            c.insert(label, id);
        }
        let w = t
            .contact(
                &witness,
                json!({"last_name": "Alpha Témoin", "status": "prospect", "supplier": "LeadCo"}),
            )
            .await;
        names.insert(w.clone(), "W".into());
        let mut p = BTreeMap::new();
        for (label, contact, body) in [
            (
                "pA",
                "A",
                json!({"type": "sante", "status": "nouveau", "supplier": "LeadCo"}),
            ),
            (
                "pB",
                "B",
                json!({"type": "auto", "status": "contrat_actif", "supplier": "Comparateur"}),
            ),
            (
                "pC",
                "C",
                json!({"type": "habitation", "status": "perdu", "supplier": "LeadCo"}),
            ),
            (
                "pD",
                "D",
                json!({"type": "prevoyance", "status": "devis_envoye"}),
            ),
            ("pE", "E", json!({"type": "sante", "status": "en_cours"})),
        ] {
            let mut body = body;
            body["contact_id"] = json!(c[contact]);
            let id = project(&t, &admin, body).await;
            names.insert(id.clone(), label.to_string());
            p.insert(label, id);
        }
        let pw = project(
            &t,
            &witness,
            json!({"contact_id": w, "type": "sante", "supplier": "LeadCo"}),
        )
        .await;
        names.insert(pw.clone(), "pW".into());
        contract(
            &t,
            &admin,
            json!({"project_id": p["pB"], "insurer": "AXA", "status": "actif"}),
        )
        .await;
        for (label, body) in [
            (
                "B",
                json!({"title": "Appel", "direction": "inbound", "occurred_at": "2020-01-01T12:00:00Z"}),
            ),
            ("C", json!({"title": "Appel", "direction": "inbound"})),
        ] {
            let (s, v) = t
                .post(
                    &format!("/api/v1/contacts/{}/events", c[label]),
                    &admin,
                    body,
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let (s, v) = t
            .post(
                &format!("/api/v1/contacts/{}/opposition", c["E"]),
                &admin,
                json!({"channel": "phone"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let old = ms(2019, 6, 1);
        let mid = ms(2023, 3, 15);
        set_created(&t, "contacts", &c["A"], old).await;
        set_created(&t, "projects", &p["pA"], old).await;
        set_created(&t, "contacts", &c["B"], mid).await;
        set_created(&t, "projects", &p["pB"], mid).await;
        set_created(&t, "contacts", &w, old).await;
        set_created(&t, "projects", &pw, old).await;
        raw_sql(
            &t,
            &format!(
                "UPDATE contacts SET anonymized_at = {} WHERE id = '{}'",
                now_ms(),
                c["D"]
            ),
        )
        .await;
        Fixture { t, admin, names }
    }

    async fn get(&self, path: &str) -> Vec<String> {
        labels(&self.t, &self.admin, path, &self.names).await
    }
}

#[tokio::test]
async fn contact_list_filters_each_and_combined() {
    let f = Fixture::new().await;
    let a = &f.t.acc;
    let mut k = Checks::default();
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("".into(), vec!["A", "B", "C", "D", "E", "F"]),
        ("created_before=2024-01-01".into(), vec!["A", "B"]),
        ("created_before=2023-03-15".into(), vec!["A"]),
        (
            "created_after=2023-01-01".into(),
            vec!["B", "C", "D", "E", "F"],
        ),
        (
            "created_after=2023-03-15".into(),
            vec!["B", "C", "D", "E", "F"],
        ),
        ("created_after=2023-03-16".into(), vec!["C", "D", "E", "F"]),
        ("status=client".into(), vec!["B", "D"]),
        (
            "status=prospect,client".into(),
            vec!["A", "B", "C", "D", "E", "F"],
        ),
        ("status_not=client".into(), vec!["A", "C", "E", "F"]),
        ("status_not=prospect,client".into(), vec![]),
        ("type=sante".into(), vec!["A", "E"]),
        ("type=auto,habitation".into(), vec!["B", "C"]),
        ("type=obseques".into(), vec![]),
        ("supplier=LeadCo".into(), vec!["A", "B"]),
        ("supplier=Mutuelle%2B".into(), vec!["C"]),
        ("supplier=leadco".into(), vec![]),
        (format!("assigned_to={}", a.sales1), vec!["A", "C"]),
        (format!("assigned_to={}", a.admin), vec!["D", "F"]),
        (
            "last_interaction_before=2021-01-01".into(),
            vec!["A", "B", "D", "E", "F"],
        ),
        (
            "last_interaction_before=2019-12-31".into(),
            vec!["A", "D", "E", "F"],
        ),
        ("anonymized=true".into(), vec!["D"]),
        ("anonymized=false".into(), vec!["A", "B", "C", "E", "F"]),
        ("opposition=true".into(), vec!["E"]),
        ("opposition=false".into(), vec!["A", "B", "C", "D", "F"]),
        ("q=charlie".into(), vec!["C"]),
        ("preset=retention".into(), vec!["A"]),
        // Combinations.
        ("status=prospect&supplier=LeadCo".into(), vec!["A"]),
        (format!("assigned_to={}&status=client", a.sales2), vec!["B"]),
        ("type=sante&opposition=true".into(), vec!["E"]),
        (
            "created_after=2023-01-01&status_not=client".into(),
            vec!["C", "E", "F"],
        ),
        ("q=a&status=client".into(), vec!["B", "D"]),
        (
            "anonymized=false&last_interaction_before=2021-01-01".into(),
            vec!["A", "B", "E", "F"],
        ),
        ("created_before=2024-01-01&type=auto".into(), vec!["B"]),
        ("preset=retention&supplier=LeadCo".into(), vec!["A"]),
    ];
    for (q, want) in &cases {
        let got = f.get(&format!("/api/v1/contacts?{q}")).await;
        k.eq(&format!("/contacts?{q}"), got, want);
    }
    // Scope: another cabinet, a salesperson.
    let witness = f.t.login("admin@temoin.fr").await;
    let got = labels(&f.t, &witness, "/api/v1/contacts?supplier=LeadCo", &f.names).await;
    k.eq("witness /contacts?supplier=LeadCo", got, &["W"]);
    let sales1 = f.t.login("commercial1@demo.fr").await;
    let got = labels(&f.t, &sales1, "/api/v1/contacts?supplier=LeadCo", &f.names).await;
    k.eq("sales1 /contacts?supplier=LeadCo", got, &["A"]);
    let got = labels(&f.t, &sales1, "/api/v1/contacts", &f.names).await;
    k.eq("sales1 /contacts", got, &["A", "C"]);
    let chef = f.t.login("chef@demo.fr").await;
    let got = labels(&f.t, &chef, "/api/v1/contacts?status=prospect", &f.names).await;
    k.eq("team lead /contacts?status=prospect", got, &["A", "C"]);
    k.finish();
}

#[tokio::test]
async fn project_list_filters_each_and_combined() {
    let f = Fixture::new().await;
    let a = &f.t.acc;
    let mut k = Checks::default();
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("".into(), vec!["pA", "pB", "pC", "pD", "pE"]),
        ("created_before=2024-01-01".into(), vec!["pA", "pB"]),
        (
            "created_after=2023-01-01".into(),
            vec!["pB", "pC", "pD", "pE"],
        ),
        ("status=perdu,en_cours".into(), vec!["pC", "pE"]),
        ("status=nouveau".into(), vec!["pA"]),
        (
            "status_not=contrat_actif".into(),
            vec!["pA", "pC", "pD", "pE"],
        ),
        ("type=sante".into(), vec!["pA", "pE"]),
        ("type=prevoyance,auto".into(), vec!["pB", "pD"]),
        ("supplier=LeadCo".into(), vec!["pA", "pC"]),
        ("supplier=Comparateur".into(), vec!["pB"]),
        (format!("assigned_to={}", a.sales2), vec!["pB", "pE"]),
        (format!("assigned_to={}", a.sales1), vec!["pA", "pC"]),
        (
            "last_interaction_before=2021-01-01".into(),
            vec!["pA", "pB", "pD", "pE"],
        ),
        ("anonymized=true".into(), vec!["pD"]),
        ("anonymized=false".into(), vec!["pA", "pB", "pC", "pE"]),
        ("opposition=true".into(), vec!["pE"]),
        ("opposition=false".into(), vec!["pA", "pB", "pC", "pD"]),
        ("q=charlie".into(), vec!["pC"]),
        ("preset=retention".into(), vec!["pA"]),
        // Combinations.
        (
            "status_not=contrat_actif&supplier=LeadCo".into(),
            vec!["pA", "pC"],
        ),
        ("type=sante&opposition=false".into(), vec!["pA"]),
        (
            format!("assigned_to={}&created_after=2023-01-01", a.sales1),
            vec!["pC"],
        ),
        ("status=perdu,en_cours&type=sante".into(), vec!["pE"]),
        ("q=a&anonymized=false".into(), vec!["pA", "pB", "pC"]),
    ];
    for (q, want) in &cases {
        let got = f.get(&format!("/api/v1/projects?{q}")).await;
        k.eq(&format!("/projects?{q}"), got, want);
    }
    let witness = f.t.login("admin@temoin.fr").await;
    let got = labels(&f.t, &witness, "/api/v1/projects?type=sante", &f.names).await;
    k.eq("witness /projects?type=sante", got, &["pW"]);
    let sales2 = f.t.login("commercial2@demo.fr").await;
    let got = labels(&f.t, &sales2, "/api/v1/projects", &f.names).await;
    k.eq("sales2 /projects", got, &["pB", "pE"]);
    k.finish();
}

#[tokio::test]
async fn list_filters_reject_bad_values_in_french() {
    let f = Fixture::new().await;
    for (path, field, msg) in [
        (
            "/api/v1/contacts?created_before=31/01/2023",
            "created_before",
            "Date invalide : format attendu AAAA-MM-JJ.",
        ),
        (
            "/api/v1/projects?created_after=2023-02-30",
            "created_after",
            "Date invalide : format attendu AAAA-MM-JJ.",
        ),
        (
            "/api/v1/contacts?last_interaction_before=hier",
            "last_interaction_before",
            "Date invalide : format attendu AAAA-MM-JJ.",
        ),
        (
            "/api/v1/contacts?status=vip",
            "status",
            "Statut inconnu. Valeurs possibles : prospect, client.",
        ),
        (
            "/api/v1/contacts?status_not=perdu",
            "status_not",
            "Statut inconnu. Valeurs possibles : prospect, client.",
        ),
        (
            "/api/v1/projects?status=client",
            "status",
            "Statut inconnu. Valeurs possibles : nouveau, en_cours, devis_envoye, attente_signature, contrat_actif, perdu, sans_suite.",
        ),
        ("/api/v1/contacts?type=moto", "type", "Type de projet inconnu."),
        (
            "/api/v1/projects?anonymized=peut-%C3%AAtre",
            "anonymized",
            "Valeur attendue : true ou false.",
        ),
        (
            "/api/v1/contacts?opposition=oui",
            "opposition",
            "Valeur attendue : true ou false.",
        ),
        (
            "/api/v1/contacts?preset=tout",
            "preset",
            "Filtre prédéfini inconnu (valeur possible : retention).",
        ),
    ] {
        let (s, v) = f.t.get(path, &f.admin).await;
        assert_invalid(s, &v, field, msg);
    }
    let long = "x".repeat(101);
    let (s, v) =
        f.t.get(&format!("/api/v1/contacts?q={long}"), &f.admin)
            .await;
    assert_invalid(
        s,
        &v,
        "q",
        "La recherche ne peut pas dépasser 100 caractères.",
    );
}

#[tokio::test]
async fn search_q_is_case_insensitive_and_treats_wildcards_literally() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let mut names = BTreeMap::new();
    for (label, body) in [
        (
            "under",
            json!({"last_name": "Dupont_Martin", "company_name": "Taux 100% garanti"}),
        ),
        (
            "x",
            json!({"last_name": "DupontXMartin", "company_name": "Taux 1000 garanti"}),
        ),
        (
            "mail",
            json!({"last_name": "Martin", "email": "j.martin@exemple.fr", "city": "Lille"}),
        ),
        (
            "city",
            json!({"first_name": "Jeanne", "last_name": "Leroy", "city": "MARSEILLE"}),
        ),
        ("back", json!({"last_name": "Anti\\Slash"})),
    ] {
        let id = t.contact(&admin, body).await;
        names.insert(id, label.to_string());
    }
    let mut k = Checks::default();
    for (q, want) in [
        ("dupont_m", vec!["under"]),
        ("DUPONT_MARTIN", vec!["under"]),
        ("100%25", vec!["under"]),
        ("%25", vec!["under"]),
        ("_", vec!["under"]),
        ("dupont", vec!["under", "x"]),
        ("DUPONT", vec!["under", "x"]),
        ("garanti", vec!["under", "x"]),
        ("marseille", vec!["city"]),
        ("jEaNnE", vec!["city"]),
        ("EXEMPLE.FR", vec!["mail"]),
        ("lille", vec!["mail"]),
        ("martin", vec!["mail", "under", "x"]),
        ("%5C", vec!["back"]),
        ("anti%5Cslash", vec!["back"]),
        ("%27%20OR%20%271%27%3D%271", vec![]),
        ("zzz", vec![]),
    ] {
        let got = labels(&t, &admin, &format!("/api/v1/contacts?q={q}"), &names).await;
        k.eq(&format!("q={q}"), got, &want);
    }
    k.finish();
}

/// French names are often typed in capitals with accents; the search must still find
/// them whatever the case of the query.
#[tokio::test]
async fn search_q_is_case_insensitive_for_accented_letters() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let mut names = BTreeMap::new();
    let id = t
        .contact(
            &admin,
            json!({"first_name": "ÉLODIE", "last_name": "LEFÈVRE", "city": "ORLÉANS"}),
        )
        .await;
    names.insert(id, "lefevre".to_string());
    let mut k = Checks::default();
    for q in ["lefèvre", "LEFÈVRE", "élodie", "orléans"] {
        let enc: String = q
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let got = labels(&t, &admin, &format!("/api/v1/contacts?q={enc}"), &names).await;
        k.eq(&format!("q={q}"), got, &["lefevre"]);
    }
    k.finish();
}

#[tokio::test]
async fn retention_preset_follows_contracts_and_inbound_interactions() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let mut names = BTreeMap::new();
    let mut c = BTreeMap::new();
    for (label, body) in [
        ("old", json!({"last_name": "Ancien", "status": "prospect"})),
        (
            "old_client",
            json!({"last_name": "Client", "status": "client"}),
        ),
        (
            "old_inbound",
            json!({"last_name": "Revenu", "status": "prospect"}),
        ),
        (
            "recent",
            json!({"last_name": "Récent", "status": "prospect"}),
        ),
        (
            "old_contract",
            json!({"last_name": "Assuré", "status": "prospect"}),
        ),
    ] {
        let id = t.contact(&admin, body).await;
        names.insert(id.clone(), label.to_string());
        c.insert(label, id);
    }
    for label in ["old", "old_client", "old_inbound", "old_contract"] {
        set_created(&t, "contacts", &c[label], ms(2018, 1, 1)).await;
    }
    // Created 35 months ago: inside the 36-month retention period.
    let recent = chrono::Utc::now()
        .checked_sub_months(chrono::Months::new(35))
        .expect("date")
        .timestamp_millis();
    set_created(&t, "contacts", &c["recent"], recent).await;
    let (s, v) = t
        .post(
            &format!("/api/v1/contacts/{}/events", c["old_inbound"]),
            &admin,
            json!({"title": "Rappel du client", "direction": "inbound"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // An outbound interaction does not reset the clock.
    let (s, v) = t
        .post(
            &format!("/api/v1/contacts/{}/events", c["old"]),
            &admin,
            json!({"title": "Relance", "direction": "outbound"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let p = project(
        &t,
        &admin,
        json!({"contact_id": c["old_contract"], "type": "auto"}),
    )
    .await;
    let (s, k) = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({"project_id": p, "insurer": "MAIF", "status": "actif"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let kid = id_of(&k);

    let path = "/api/v1/contacts?preset=retention";
    assert_eq!(labels(&t, &admin, path, &names).await, vec!["old"]);
    // Once the contract ends, that prospect is due too.
    let (s, v) = t
        .patch(
            &format!("/api/v1/contracts/{kid}"),
            &admin,
            json!({"status": "resilie"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        labels(&t, &admin, path, &names).await,
        vec!["old", "old_contract"]
    );
    // An active contract takes it out again.
    let (s, v) = t
        .patch(
            &format!("/api/v1/contracts/{kid}"),
            &admin,
            json!({"status": "actif"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(labels(&t, &admin, path, &names).await, vec!["old"]);
}

// ------------------------------------------------------------------ pagination

/// Walks every page of `path` (which has no query string yet) with `limit=3`.
async fn walk(t: &TestApp, token: &str, base: &str, expected_total: usize) -> Vec<String> {
    let (s, all) = t.get(&format!("{base}?limit=500"), token).await;
    assert_eq!(s, StatusCode::OK, "{all}");
    let full = ids(&all["items"]);
    assert_eq!(full.len(), expected_total);
    // Newest first, ties broken by id, both descending.
    let keys: Vec<(chrono::DateTime<chrono::Utc>, String)> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| (date_time(&i["created_at"]), id_of(i)))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(keys, sorted, "{base}: order");

    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..10 {
        let path = match &after {
            None => format!("{base}?limit=3"),
            Some(c) => format!("{base}?limit=3&after={c}"),
        };
        let (s, v) = t.get(&path, token).await;
        assert_eq!(s, StatusCode::OK, "{path}: {v}");
        assert_eq!(v["total"], expected_total, "{path}: total on every page");
        let page = ids(&v["items"]);
        sizes.push(page.len());
        seen.extend(page);
        match v["next"].as_str() {
            Some(n) => after = Some(n.to_string()),
            None => {
                assert!(v["next"].is_null());
                break;
            }
        }
    }
    let expected_sizes: Vec<usize> = (0..expected_total.div_ceil(3))
        .map(|i| (expected_total - 3 * i).min(3))
        .collect();
    assert_eq!(sizes, expected_sizes, "{base}: page sizes");
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "{base}: duplicates {seen:?}");
    assert_eq!(seen, full, "{base}: pages concatenated = the whole list");
    seen
}

#[tokio::test]
async fn keyset_pagination_across_pages() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let mut contacts = Vec::new();
    let mut projects = Vec::new();
    for i in 0..7 {
        let c = t
            .contact(&admin, json!({"last_name": format!("Page {i}")}))
            .await;
        projects.push(project(&t, &admin, json!({"contact_id": c, "type": "auto"})).await);
        contacts.push(c);
    }
    // Four share one instant, so the id must break ties; the others straddle it.
    let base = now_ms() - 3_600_000;
    for (i, at) in [base, base, base, base, base + 1, base - 1, base + 2]
        .into_iter()
        .enumerate()
    {
        set_created(&t, "contacts", &contacts[i], at).await;
        set_created(&t, "projects", &projects[i], at).await;
    }
    let seen = walk(&t, &admin, "/api/v1/contacts", 7).await;
    assert_eq!(
        seen.iter().collect::<BTreeSet<_>>(),
        contacts.iter().collect::<BTreeSet<_>>()
    );
    assert_eq!(seen[0], contacts[6]);
    assert_eq!(seen[1], contacts[4]);
    assert_eq!(seen[6], contacts[5]);
    walk(&t, &admin, "/api/v1/projects", 7).await;
    // Filters apply on every page.
    let (_, v) = t
        .get("/api/v1/contacts?limit=3&status=prospect", &admin)
        .await;
    assert_eq!(v["total"], 7);
    let (_, v) = t
        .get("/api/v1/contacts?limit=3&status=client", &admin)
        .await;
    assert_eq!(v, json!({"items": [], "next": null, "total": 0}));
    // Activity lists page the same way.
    for i in 0..7 {
        let (s, _) = t
            .post(
                &format!("/api/v1/contacts/{}/notes", contacts[0]),
                &admin,
                json!({"body": format!("note {i}")}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    walk(
        &t,
        &admin,
        &format!("/api/v1/contacts/{}/notes", contacts[0]),
        7,
    )
    .await;

    for base in ["/api/v1/contacts", "/api/v1/projects", "/api/v1/contracts"] {
        for bad in [
            "garbage",
            "123",
            "abc~0190a0b0-0000-7000-8000-000000000000",
            "1~bad!id",
            "1~",
        ] {
            let (s, v) = t.get(&format!("{base}?after={bad}"), &admin).await;
            assert_err(s, &v, StatusCode::BAD_REQUEST, "bad_request", CURSOR_MSG);
        }
        for bad in ["0", "501", "-3", "abc"] {
            let (s, v) = t.get(&format!("{base}?limit={bad}"), &admin).await;
            assert_invalid(s, &v, "limit", LIMIT_MSG);
        }
        let (s, _) = t.get(&format!("{base}?limit=500"), &admin).await;
        assert_eq!(s, StatusCode::OK);
    }
}

// ------------------------------------------------------------------ errors

#[tokio::test]
async fn malformed_json_wrong_types_and_unknown_fields() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let json_headers = [
        ("x-oubli-request", "1"),
        (header::CONTENT_TYPE.as_str(), "application/json"),
    ];
    let bodies: [&[u8]; 4] = [b"{\"last_name\": ", b"{last_name: 'x'}", b"", b"\xff\xfe"];
    for body in bodies {
        let (s, v) = t
            .send(request(
                Method::POST,
                "/api/v1/contacts",
                Some(&admin),
                &json_headers,
                body.to_vec(),
            ))
            .await;
        assert_err(
            s,
            &v,
            StatusCode::BAD_REQUEST,
            "bad_request",
            "Le corps de la requête n'est pas un JSON valide.",
        );
    }
    let (s, v) = t
        .send(request(
            Method::POST,
            "/api/v1/contacts",
            Some(&admin),
            &[("x-oubli-request", "1")],
            b"{\"last_name\": \"x\"}".to_vec(),
        ))
        .await;
    assert_err(
        s,
        &v,
        StatusCode::BAD_REQUEST,
        "bad_request",
        "Le corps de la requête doit être du JSON (Content-Type: application/json).",
    );

    for (body, field) in [
        (json!({"last_name": "X", "birth_date": 12}), "birth_date"),
        (
            json!({"last_name": "X", "lead_cost_cents": "abc"}),
            "lead_cost_cents",
        ),
        (json!({"last_name": "X", "status": "vip"}), "status"),
        (json!({"last_name": 42}), "last_name"),
        (json!({"last_name": "X", "nickname": "Lolo"}), "nickname"),
    ] {
        let (s, v) = t.post("/api/v1/contacts", &admin, body).await;
        assert_invalid(s, &v, field, TYPE_MSG);
    }
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    for (path, body, field) in [
        (
            "/api/v1/projects".to_string(),
            json!({"contact_id": c, "type": "sante", "beneficiaries": [{"first_name": "A", "birth_date": 2012}]}),
            "beneficiaries[0].birth_date",
        ),
        (
            "/api/v1/projects".to_string(),
            json!({"contact_id": c, "type": "sante", "subscriptions": [{"iban": "x", "foo": 1}]}),
            "foo",
        ),
        (
            format!("/api/v1/contacts/{c}/tasks"),
            json!({"title": "x", "done": "yes"}),
            "done",
        ),
        (
            format!("/api/v1/contacts/{c}/household"),
            json!({"first_name": "x", "age": 3}),
            "age",
        ),
    ] {
        let (s, v) = t.post(&path, &admin, body).await;
        assert_invalid(s, &v, field, TYPE_MSG);
    }
    // Unknown fields on PATCH are named too.
    let (s, v) = t
        .patch(
            &format!("/api/v1/contacts/{c}"),
            &admin,
            json!({"nickname": "Lolo"}),
        )
        .await;
    assert_invalid(s, &v, "nickname", TYPE_MSG);
    // A PATCH body that is not an object is malformed.
    for body in [json!([]), json!("x"), json!(null)] {
        let (s, v) = t
            .patch(&format!("/api/v1/contacts/{c}"), &admin, body)
            .await;
        assert_err(
            s,
            &v,
            StatusCode::BAD_REQUEST,
            "bad_request",
            "Le corps doit être un objet JSON.",
        );
    }
    assert_eq!(total(&t, &admin, "/api/v1/contacts").await, 1);
    assert_eq!(total(&t, &admin, "/api/v1/projects").await, 0);
}

/// The field with the wrong type must be named on PATCH as on POST.
#[tokio::test]
async fn patch_wrong_type_names_the_field() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let mut failures = Vec::new();
    for (body, field) in [
        (json!({"birth_date": 12}), "birth_date"),
        (json!({"lead_cost_cents": "abc"}), "lead_cost_cents"),
        (json!({"status": "vip"}), "status"),
    ] {
        let (s, v) = t
            .patch(&format!("/api/v1/contacts/{c}"), &admin, body.clone())
            .await;
        if s != StatusCode::UNPROCESSABLE_ENTITY || v["error"]["fields"][field] != TYPE_MSG {
            failures.push(format!("PATCH {body} → {s} {v}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[tokio::test]
async fn invalid_values_are_refused_in_french_and_nothing_is_stored() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(
            &admin,
            json!({"last_name": "Durand", "email": "elodie.durand@exemple.fr"}),
        )
        .await;
    let sante = project(&t, &admin, json!({"contact_id": c, "type": "sante"})).await;
    let long = "x".repeat(201);
    for (field, value, msg) in [
        ("email", "pas-un-email", "L'adresse e-mail doit contenir le caractère @."),
        ("email", "jean@exemple", "Le nom de domaine après le @ doit contenir un point (ex. : exemple.fr)."),
        ("mobile_phone", "0612", "Un numéro de téléphone français compte 10 chiffres (ex. : 06 12 34 56 78)."),
        ("landline_phone", "+44 20 7946 0958", "Seuls les numéros français sont acceptés : l'indicatif doit être +33 (ou +262, +590, +594, +596 pour l'outre-mer)."),
        ("siret", "732 829 320 00075", "Le numéro SIRET est invalide : vérifiez les chiffres saisis (clé de contrôle incorrecte)."),
        ("siret", "1234", "Le numéro SIRET doit comporter 14 chiffres."),
        ("postal_code", "7501", "Le code postal doit comporter 5 chiffres."),
        ("postal_code", "00100", "Ce code postal ne correspond à aucun département français."),
        ("first_name", long.as_str(), "Ce champ ne peut pas dépasser 200 caractères."),
        ("birth_date", "1850-01-01", "La date de naissance est invraisemblable (avant 1900)."),
    ] {
        let (s, v) = t
            .post(
                "/api/v1/contacts",
                &admin,
                json!({"last_name": "Nouveau", field: value}),
            )
            .await;
        assert_invalid(s, &v, field, msg);
        // The same on PATCH, and the record is unchanged.
        let (s, v) = t
            .patch(&format!("/api/v1/contacts/{c}"), &admin, json!({ field: value }))
            .await;
        assert_invalid(s, &v, field, msg);
    }
    let (s, v) = t.post("/api/v1/contacts", &admin, json!({})).await;
    assert_invalid(
        s,
        &v,
        "last_name",
        "Indiquez le nom du contact ou sa raison sociale.",
    );
    let (s, v) = t
        .post(
            "/api/v1/contacts",
            &admin,
            json!({"last_name": "X", "lead_cost_cents": -100}),
        )
        .await;
    assert_invalid(
        s,
        &v,
        "lead_cost_cents",
        "Le montant doit être positif et raisonnable.",
    );
    assert_eq!(total(&t, &admin, "/api/v1/contacts").await, 1);
    let (_, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(d["email"], "elodie.durand@exemple.fr");
    assert_eq!(d["postal_code"], Value::Null);

    // Subscriptions are keyed subscriptions.<index>.<field>.
    for (sub, key, msg) in [
        (
            json!({"iban": "FR77 3000 6000 0112 3456 7890 189"}),
            "subscriptions.0.iban",
            "L'IBAN est invalide : vérifiez les caractères saisis (clé de contrôle incorrecte).",
        ),
        (
            json!({"iban": "FR76 3000 6000 0112 3456 7890 18"}),
            "subscriptions.0.iban",
            "La longueur de l'IBAN ne correspond pas à son pays (27 caractères pour la France).",
        ),
        (
            json!({"nir": "1 85 05 78 006 084 36"}),
            "subscriptions.0.nir",
            "La clé du numéro de sécurité sociale (2 derniers chiffres) ne correspond pas : vérifiez les chiffres saisis.",
        ),
        (
            json!({"nir": "1 85 13 78 006 084 91"}),
            "subscriptions.0.nir",
            "Le mois de naissance (4e et 5e chiffres) du numéro de sécurité sociale est invalide.",
        ),
        (
            json!({"bic": "BNPAFRP"}),
            "subscriptions.0.bic",
            "Le code BIC doit comporter 8 ou 11 caractères.",
        ),
        (
            json!({"bic": "BNP1FRPP"}),
            "subscriptions.0.bic",
            "Les 4 premiers caractères du code BIC (la banque) doivent être des lettres.",
        ),
        (
            json!({"code_organisme": "00 751 0000"}),
            "subscriptions.0.code_organisme",
            "Le code régime (2 premiers chiffres) est invalide.",
        ),
    ] {
        let (s, v) = t
            .post(
                "/api/v1/projects",
                &admin,
                json!({"contact_id": c, "type": "sante", "subscriptions": [sub.clone()]}),
            )
            .await;
        assert_invalid(s, &v, key, msg);
        let (s, v) = t
            .patch(
                &format!("/api/v1/projects/{sante}"),
                &admin,
                json!({"subscriptions": [{"iban": IBAN_OK}, sub]}),
            )
            .await;
        assert_invalid(s, &v, &key.replace(".0.", ".1."), msg);
    }
    // The second subscription of a list is keyed .1.
    let (s, v) = t
        .post(
            "/api/v1/projects",
            &admin,
            json!({"contact_id": c, "type": "sante",
                   "subscriptions": [{"iban": IBAN_OK}, {"iban": "FR00 1234"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let keys: Vec<&String> = v["error"]["fields"]
        .as_object()
        .expect("fields")
        .keys()
        .collect();
    assert_eq!(keys, vec!["subscriptions.1.iban"]);
    // A NIR on an "auto" project.
    let (s, v) = t
        .post(
            "/api/v1/projects",
            &admin,
            json!({"contact_id": c, "type": "auto", "subscriptions": [{"nir": NIR_OK}]}),
        )
        .await;
    assert_invalid(s, &v, "subscriptions.0.nir", NIR_ONLY_HEALTH);
    // Turning a santé project holding a NIR into "auto" is refused as well.
    let (s, v) = t
        .patch(
            &format!("/api/v1/projects/{sante}"),
            &admin,
            json!({"subscriptions": [{"nir": NIR_OK}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = t
        .patch(
            &format!("/api/v1/projects/{sante}"),
            &admin,
            json!({"type": "auto"}),
        )
        .await;
    assert_invalid(s, &v, "subscriptions.0.nir", NIR_ONLY_HEALTH);
    // Beneficiaries.
    let (s, v) = t
        .post(
            "/api/v1/projects",
            &admin,
            json!({"contact_id": c, "type": "sante", "beneficiaries": [{"first_name": "A"}, {"birth_date": "2010-01-01"}]}),
        )
        .await;
    assert_invalid(
        s,
        &v,
        "beneficiaries.1.last_name",
        "Indiquez au moins un nom ou un prénom.",
    );
    let many: Vec<Value> = (0..51)
        .map(|i| json!({"first_name": format!("B{i}")}))
        .collect();
    let (s, v) = t
        .post(
            "/api/v1/projects",
            &admin,
            json!({"contact_id": c, "type": "sante", "beneficiaries": many}),
        )
        .await;
    assert_invalid(
        s,
        &v,
        "beneficiaries",
        "Un projet compte au plus 50 bénéficiaires et 50 souscriptions.",
    );
    assert_eq!(total(&t, &admin, "/api/v1/projects").await, 1);
    let (_, p) = t.get(&format!("/api/v1/projects/{sante}"), &admin).await;
    assert_eq!(p["type"], "sante");
    assert_eq!(p["subscriptions"][0]["nir"], NIR_OK_COMPACT);
    assert_eq!(p["subscriptions"].as_array().map(Vec::len), Some(1));

    // Assignment outside what the role allows.
    let sales1 = t.login("commercial1@demo.fr").await;
    let (s, v) = t
        .post(
            "/api/v1/contacts",
            &sales1,
            json!({"last_name": "X", "assigned_to": t.acc.sales2}),
        )
        .await;
    assert_invalid(
        s,
        &v,
        "assigned_to",
        "Vous ne pouvez pas attribuer ce dossier à cet utilisateur.",
    );
    let (s, v) = t
        .post(
            "/api/v1/contacts",
            &admin,
            json!({"last_name": "X", "assigned_to": t.acc.witness_admin}),
        )
        .await;
    assert_invalid(s, &v, "assigned_to", "Utilisateur inconnu dans ce cabinet.");
    assert_eq!(total(&t, &admin, "/api/v1/contacts").await, 1);
}

#[tokio::test]
async fn unknown_ids_are_404_and_missing_sessions_401() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let witness = t.login("admin@temoin.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let p = project(&t, &admin, json!({"contact_id": c, "type": "sante"})).await;
    let k = contract(&t, &admin, json!({"project_id": p, "insurer": "AXA"})).await;
    let (s, n) = t
        .post(
            &format!("/api/v1/contacts/{c}/notes"),
            &admin,
            json!({"body": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let note = id_of(&n);
    let u = uuid::Uuid::new_v4().to_string();

    let unknown: Vec<(Method, String)> = vec![
        (Method::GET, format!("/api/v1/contacts/{u}")),
        (Method::PATCH, format!("/api/v1/contacts/{u}")),
        (Method::DELETE, format!("/api/v1/contacts/{u}")),
        (Method::GET, format!("/api/v1/contacts/{u}/household")),
        (Method::POST, format!("/api/v1/contacts/{u}/household")),
        (Method::PATCH, format!("/api/v1/contacts/{c}/household/{u}")),
        (
            Method::DELETE,
            format!("/api/v1/contacts/{c}/household/{u}"),
        ),
        (Method::GET, format!("/api/v1/projects/{u}")),
        (Method::PATCH, format!("/api/v1/projects/{u}")),
        (Method::GET, format!("/api/v1/contracts/{u}")),
        (Method::PATCH, format!("/api/v1/contracts/{u}")),
        (Method::GET, format!("/api/v1/contacts/{u}/events")),
        (Method::GET, format!("/api/v1/contacts/{c}/events/{u}")),
        (Method::PATCH, format!("/api/v1/contacts/{c}/notes/{u}")),
        (Method::DELETE, format!("/api/v1/contacts/{c}/notes/{u}")),
        (Method::GET, format!("/api/v1/contacts/{c}/tasks/{note}")),
        (
            Method::GET,
            format!("/api/v1/contacts/{c}/documents/{u}/content"),
        ),
        (
            Method::GET,
            format!("/api/v1/contacts/{c}/documents/{note}/content"),
        ),
        (Method::GET, format!("/api/v1/contacts/{u}/consents")),
        (Method::POST, format!("/api/v1/contacts/{u}/opposition")),
        (Method::GET, format!("/api/v1/contacts/{u}/export")),
        (Method::GET, format!("/api/v1/contacts/{c}/nothing")),
        (Method::GET, "/api/v1/nothing".to_string()),
    ];
    for (m, path) in &unknown {
        // A valid body, so only the unknown id can be wrong.
        let body = if path.ends_with("/household") {
            json!({"first_name": "Léa"})
        } else if path.ends_with("/opposition") {
            json!({"channel": "email"})
        } else {
            json!({})
        };
        let (s, v) = t.call(m.clone(), path, Some(&admin), Some(body)).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{m} {path}: {v}");
        assert_eq!(v["error"]["code"], "not_found", "{m} {path}");
        assert_eq!(v["error"]["message"], NOT_FOUND_MSG, "{m} {path}");
    }
    // Another cabinet's records look unknown.
    for (m, path) in [
        (Method::GET, format!("/api/v1/contacts/{c}")),
        (Method::PATCH, format!("/api/v1/contacts/{c}")),
        (Method::DELETE, format!("/api/v1/contacts/{c}")),
        (Method::GET, format!("/api/v1/projects/{p}")),
        (Method::PATCH, format!("/api/v1/projects/{p}")),
        (Method::GET, format!("/api/v1/contracts/{k}")),
        (Method::PATCH, format!("/api/v1/contracts/{k}")),
        (Method::GET, format!("/api/v1/contacts/{c}/notes")),
        (Method::GET, format!("/api/v1/contacts/{c}/notes/{note}")),
        (Method::GET, format!("/api/v1/contacts/{c}/household")),
        (Method::GET, format!("/api/v1/contacts/{c}/consents")),
        (Method::GET, format!("/api/v1/contacts/{c}/export")),
    ] {
        let (s, v) = t
            .call(m.clone(), &path, Some(&witness), Some(json!({})))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "witness {m} {path}: {v}");
    }

    // No session (or a bogus one, or a closed one): 401.
    let (s, _) = t.delete("/api/v1/session", &admin).await;
    assert_eq!(s.as_u16() / 100, 2);
    let bogus = "0".repeat(64);
    for token in [None, Some(bogus.as_str()), Some(admin.as_str())] {
        for (m, path) in [
            (Method::GET, "/api/v1/me".to_string()),
            (Method::GET, "/api/v1/contacts".to_string()),
            (Method::POST, "/api/v1/contacts".to_string()),
            (Method::GET, format!("/api/v1/contacts/{c}")),
            (Method::PATCH, format!("/api/v1/contacts/{c}")),
            (Method::GET, "/api/v1/projects".to_string()),
            (Method::GET, "/api/v1/contracts".to_string()),
            (Method::GET, format!("/api/v1/contacts/{c}/notes")),
            (Method::POST, format!("/api/v1/contacts/{c}/notes")),
            (Method::GET, format!("/api/v1/contacts/{c}/export")),
            (Method::GET, "/api/v1/stats/summary".to_string()),
            (Method::GET, "/api/v1/audit".to_string()),
            (Method::GET, "/api/v1/sync".to_string()),
            (Method::GET, "/api/v1/openapi.json".to_string()),
        ] {
            let (s, v) = t
                .call(
                    m.clone(),
                    &path,
                    token,
                    Some(json!({"body": "x", "last_name": "x"})),
                )
                .await;
            assert_err(
                s,
                &v,
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                UNAUTHORIZED_MSG,
            );
        }
    }
    let admin = t.login("admin@demo.fr").await;
    assert_eq!(total(&t, &admin, "/api/v1/contacts").await, 1);
    assert_eq!(
        total(&t, &admin, &format!("/api/v1/contacts/{c}/notes")).await,
        1
    );
}

#[tokio::test]
async fn unsafe_requests_need_the_csrf_header() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let body = json!({"last_name": "Pirate"}).to_string().into_bytes();
    let ct = (header::CONTENT_TYPE.as_str(), "application/json");
    for (m, path, headers) in [
        (Method::POST, "/api/v1/contacts".to_string(), vec![ct]),
        (
            Method::POST,
            "/api/v1/contacts".to_string(),
            vec![ct, ("x-oubli-request", "0")],
        ),
        (
            Method::POST,
            "/api/v1/contacts".to_string(),
            vec![
                ct,
                ("x-oubli-request", "1"),
                ("origin", "https://evil.example"),
                ("host", "oubli.example"),
            ],
        ),
        (Method::PATCH, format!("/api/v1/contacts/{c}"), vec![ct]),
        (Method::DELETE, format!("/api/v1/contacts/{c}"), vec![]),
        (
            Method::POST,
            format!("/api/v1/contacts/{c}/notes"),
            vec![ct],
        ),
        (
            Method::POST,
            format!("/api/v1/contacts/{c}/opposition"),
            vec![ct],
        ),
        (Method::DELETE, "/api/v1/session".to_string(), vec![]),
    ] {
        let (s, v) = t
            .send(request(
                m.clone(),
                &path,
                Some(&admin),
                &headers,
                body.clone(),
            ))
            .await;
        assert_err(s, &v, StatusCode::FORBIDDEN, "forbidden", CSRF_MSG);
    }
    // Nothing happened.
    assert_eq!(total(&t, &admin, "/api/v1/contacts").await, 1);
    let (s, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["last_name"], "Durand");
    assert_eq!(d["opposition_at"], Value::Null);
    assert_eq!(d["activity_counts"]["notes"], 0);
    // Same origin with the header is fine; GET needs no header.
    let (s, v) = t
        .send(request(
            Method::POST,
            "/api/v1/contacts",
            Some(&admin),
            &[
                ct,
                ("x-oubli-request", "1"),
                ("origin", "https://oubli.example"),
                ("host", "oubli.example"),
            ],
            body.clone(),
        ))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = t
        .send(request(
            Method::GET,
            "/api/v1/contacts",
            Some(&admin),
            &[],
            vec![],
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 2);
}

/// API.md: every error is `{ error: { code, message, fields } }`.
#[tokio::test]
async fn every_error_body_has_code_message_and_fields() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales1 = t.login("commercial1@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    raw_sql(
        &t,
        &format!(
            "UPDATE contacts SET anonymized_at = {} WHERE id = '{c}'",
            now_ms()
        ),
    )
    .await;
    let mut bad = Vec::new();
    let cases = [
        t.get("/api/v1/contacts?after=x", &admin).await,
        t.call(Method::GET, "/api/v1/contacts", None, None).await,
        t.get("/api/v1/audit", &sales1).await,
        t.get(
            &format!("/api/v1/contacts/{}", uuid::Uuid::new_v4()),
            &admin,
        )
        .await,
        t.patch(
            &format!("/api/v1/contacts/{c}"),
            &admin,
            json!({"city": "Lyon"}),
        )
        .await,
        t.post("/api/v1/contacts", &admin, json!({})).await,
    ];
    let expected = [400u16, 401, 403, 404, 409, 422];
    for ((s, v), want) in cases.iter().zip(expected) {
        assert_eq!(s.as_u16(), want, "{v}");
        let e = &v["error"];
        let ok = e["code"].is_string()
            && e["message"].as_str().is_some_and(|m| !m.is_empty())
            && e["fields"].is_object();
        if !ok {
            bad.push(format!("{s}: {v}"));
        }
    }
    assert_eq!(cases[4].1["error"]["code"], "anonymized");
    assert!(
        bad.is_empty(),
        "error bodies without `fields`:\n{}",
        bad.join("\n")
    );
}

/// Never a 500 for bad input, whatever the body, path or query string.
#[tokio::test]
async fn hostile_input_never_causes_a_500() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let p = project(&t, &admin, json!({"contact_id": c, "type": "sante"})).await;
    let huge = "é".repeat(200_000);
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let long_id = "a".repeat(5000);
    let json_cases: Vec<(Method, String, String)> = vec![
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": huge}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), "null".into()),
        (Method::POST, "/api/v1/contacts".into(), "[]".into()),
        (Method::POST, "/api/v1/contacts".into(), "\"Durand\"".into()),
        (Method::POST, "/api/v1/contacts".into(), deep.clone()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": null}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": ["a"]}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": {"a": 1}}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "Robert'); DROP TABLE contacts;--"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "😀 Ωmega \u{202e} 𝕏 \u{feff}"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "a\u{0}b"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), "{\"last_name\":\"x\",\"lead_cost_cents\":1e300}".into()),
        (Method::POST, "/api/v1/contacts".into(), "{\"last_name\":\"x\",\"lead_cost_cents\":-9223372036854775809}".into()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "x", "lead_cost_cents": i64::MIN}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "x", "birth_date": "0000-00-00"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "x", "birth_date": "+275760-09-13"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "x", "assigned_to": "' OR 1=1 --"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "x", "assigned_to": "\u{0}"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "x", "email": "\u{0}@a.fr"}).to_string()),
        (Method::POST, "/api/v1/contacts".into(), json!({"last_name": "x", "siret": "\u{0}"}).to_string()),
        (Method::PATCH, format!("/api/v1/contacts/{c}"), json!({"assigned_to": "\u{0}"}).to_string()),
        (Method::PATCH, format!("/api/v1/contacts/{c}"), json!({"status": "vip", "city": [1]}).to_string()),
        (Method::PATCH, format!("/api/v1/contacts/{c}"), deep.clone()),
        (Method::POST, "/api/v1/projects".into(), json!({"contact_id": "\u{0}", "type": "sante"}).to_string()),
        (Method::POST, "/api/v1/projects".into(), json!({"contact_id": c, "type": "sante", "assigned_to": "\u{0}"}).to_string()),
        (Method::POST, "/api/v1/projects".into(), json!({"contact_id": c, "type": "sante", "beneficiaries": [null]}).to_string()),
        (Method::POST, "/api/v1/projects".into(), json!({"contact_id": c, "type": "sante", "beneficiaries": (0..5000).map(|_| json!({})).collect::<Vec<_>>()}).to_string()),
        (Method::PATCH, format!("/api/v1/projects/{p}"), json!({"subscriptions": {"iban": "x"}}).to_string()),
        (Method::POST, "/api/v1/contracts".into(), json!({"project_id": "\u{0}", "insurer": "AXA"}).to_string()),
        (Method::POST, "/api/v1/contracts".into(), json!({"project_id": p, "insurer": "AXA", "monthly_premium_cents": -1, "start_date": "2026-02-30"}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/notes"), json!({"body": huge}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/tasks"), json!({"title": "t", "assigned_to": "\u{0}"}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/events"), json!({"title": "t", "occurred_at": "+262143-12-31T23:59:59Z", "direction": "inbound"}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/messages"), json!({"channel": "fax", "recipient": "x"}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/consents"), json!({"purpose": "marketing", "granted": true, "cgu_version_id": "\u{0}"}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/household"), json!({"first_name": "a", "relation": "cousin"}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/opposition"), json!({"channel": 5}).to_string()),
        (Method::POST, format!("/api/v1/contacts/{c}/documents"), json!({"title": "x"}).to_string()),
        (Method::POST, "/api/v1/session".into(), json!({"email": huge, "password": null}).to_string()),
    ];
    let get_cases: Vec<String> = vec![
        "/api/v1/contacts/%00".into(),
        "/api/v1/contacts/%27%20OR%201%3D1--".into(),
        format!("/api/v1/contacts/{long_id}"),
        "/api/v1/projects/%00".into(),
        "/api/v1/contracts/%00".into(),
        "/api/v1/contacts/%00/notes".into(),
        "/api/v1/contacts/%00/household".into(),
        "/api/v1/contacts/%00/export".into(),
        format!("/api/v1/contacts/{c}/notes/%00"),
        format!("/api/v1/contacts/{c}/documents/%00/content"),
        format!("/api/v1/contacts/{c}/%F0%9F%98%80"),
        "/api/v1/contacts?q=%00".into(),
        "/api/v1/contacts?q=%25%27%3B%20DROP%20TABLE%20contacts%3B--".into(),
        "/api/v1/contacts?supplier=%00".into(),
        "/api/v1/contacts?assigned_to=%00".into(),
        "/api/v1/projects?supplier=%00".into(),
        "/api/v1/projects?assigned_to=%00".into(),
        "/api/v1/contracts?contact_id=%00".into(),
        "/api/v1/contracts?project_id=%00".into(),
        "/api/v1/contracts?status=%00".into(),
        "/api/v1/contacts?limit=-1".into(),
        "/api/v1/contacts?limit=99999999999999999999999".into(),
        "/api/v1/contacts?created_before=2020-13-45".into(),
        "/api/v1/contacts?created_after=%F0%9F%98%80".into(),
        "/api/v1/contacts?created_after=%2B262143-12-31".into(),
        "/api/v1/contacts?after=99999999999999999999~abc".into(),
        "/api/v1/contacts?after=-9223372036854775808~abc".into(),
        "/api/v1/contacts?after=1~%00".into(),
        "/api/v1/contacts?status=prospect&status=client".into(),
        "/api/v1/contacts?status=%27".into(),
        "/api/v1/contacts?%00=%00".into(),
        "/api/v1/sync?since=%00".into(),
        "/api/v1/sync?since=9223372036854775807".into(),
        "/api/v1/audit?after=-1&limit=500".into(),
        format!("/api/v1/contacts/{c}/export?format=%00"),
        format!("/api/v1/contacts/{c}/notes?after=%00&limit=1"),
    ];
    let mut failures = Vec::new();
    for (m, path, body) in &json_cases {
        let (s, v) = t
            .send(request(
                m.clone(),
                path,
                Some(&admin),
                &[
                    ("x-oubli-request", "1"),
                    (header::CONTENT_TYPE.as_str(), "application/json"),
                ],
                body.clone().into_bytes(),
            ))
            .await;
        if s.as_u16() >= 500 {
            let shown: String = body.chars().take(80).collect();
            failures.push(format!("{m} {path} {shown:?} → {s} {v}"));
        }
    }
    for path in &get_cases {
        let (s, v) = t.get(path, &admin).await;
        if s.as_u16() >= 500 {
            let shown: String = path.chars().take(100).collect();
            failures.push(format!("GET {shown} → {s} {v}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} hostile requests answered 5xx:\n{}",
        failures.len(),
        json_cases.len() + get_cases.len(),
        failures.join("\n")
    );
}
