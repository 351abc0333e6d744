//! Helpers shared by several subjects: ids and sets, valid bodies, the world of
//! records hanging from one contact, hand-built requests and logins, the audit log.

use crate::common;
use crate::common::with_json;
use crate::common::TestApp;
pub use crate::common::{api, files_under, id_of, token_of, KINDS};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Marker strings: personal data of the people in the fixtures, searched for where
/// they must never appear.
pub const NAME: &str = "Zorglubien";

pub const EMAIL: &str = "zorglub.isole@exemple.fr";

pub fn on_sqlite() -> bool {
    common::backend_url().is_none()
}

/// Ids of the `items` of a page.
pub fn item_ids(v: &Value) -> BTreeSet<String> {
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {v}"))
        .iter()
        .map(id_of)
        .collect()
}

pub fn set(ids: &[&String]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).clone()).collect()
}

pub fn valid_nir() -> String {
    oubli_domain::validate::gen::nir_from(1, 85, 5, "78", 6, 84)
}

pub fn valid_iban() -> String {
    oubli_domain::validate::gen::iban_fr(30006, 1, "12345678901", 89)
}

/// A valid body for creating an item of `kind` (not documents, which are multipart).
pub fn activity_body(kind: &str) -> Value {
    match kind {
        "events" => json!({"title": "Appel entrant", "direction": "inbound"}),
        "notes" => json!({"body": "Note sur le dossier"}),
        "tasks" => json!({"title": "Rappeler", "due_date": "2030-01-15"}),
        "appointments" => json!({
            "title": "Rendez-vous",
            "starts_at": "2030-01-10T09:00:00Z",
            "ends_at": "2030-01-10T10:00:00Z",
            "location": "Agence"
        }),
        "quotes" => json!({"title": "Devis santé", "amount_cents": 4500}),
        "advice_docs" => json!({"title": "Devoir de conseil"}),
        "membership_forms" => json!({"title": "Bulletin d'adhésion", "signed": false}),
        "messages" => json!({
            "channel": "email",
            "recipient": EMAIL,
            "title": "Votre devis",
            "body": "Bonjour",
            "direction": "outbound"
        }),
        other => panic!("no JSON body for {other}"),
    }
}

/// A valid merge patch for an item of `kind`.
pub fn activity_patch(kind: &str) -> Value {
    if kind == "notes" {
        json!({"body": "Modifié par un tiers"})
    } else {
        json!({"title": "Modifié par un tiers"})
    }
}

pub const BOUNDARY: &str = "oubliSecurityBoundary7MA4YWxkTrZu0gW";

/// A hand-built multipart upload of one document (`title` and `file` fields).
pub fn multipart_request(
    path: &str,
    token: Option<&str>,
    file_name: &str,
    bytes: &[u8],
) -> Request<Body> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nPièce jointe\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("x-oubli-request", "1")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        );
    if let Some(t) = token {
        b = b.header(header::COOKIE, format!("oubli_session={t}"));
    }
    b.body(Body::from(body)).expect("request")
}

pub async fn upload(t: &TestApp, token: &str, contact: &str, bytes: &[u8]) -> (StatusCode, Value) {
    t.send(multipart_request(
        &api(&format!("/contacts/{contact}/documents")),
        Some(token),
        "attestation.pdf",
        bytes,
    ))
    .await
}

/// Everything that can hang from one contact, created by `token`'s user.
pub struct World {
    pub contact: String,
    pub member: String,
    pub project: String,
    pub contract: String,
    /// (kind, item id) for every activity kind, documents included.
    pub items: Vec<(&'static str, String)>,
    pub document: String,
    pub document_bytes: Vec<u8>,
    pub consent: String,
}

impl World {
    pub fn item(&self, kind: &str) -> &str {
        &self
            .items
            .iter()
            .find(|(k, _)| *k == kind)
            .expect("item of kind")
            .1
    }
}

pub async fn build_world(t: &TestApp, token: &str, assigned_to: Option<&str>) -> World {
    let mut body = json!({
        "civility": "m",
        "first_name": "Jean",
        "last_name": NAME,
        "email": EMAIL,
        "mobile_phone": "0612345678",
        "street": "12 rue des Secrets",
        "postal_code": "75011",
        "city": "Paris",
        "birth_date": "1971-03-17",
        "supplier": "FournisseurDemo",
        "lead_cost_cents": 12345,
        "lawful_basis": "consent"
    });
    if let Some(a) = assigned_to {
        body["assigned_to"] = json!(a);
    }
    let contact = t.contact(token, body).await;
    let (s, m) = t
        .post(
            &api(&format!("/contacts/{contact}/household")),
            token,
            json!({"first_name": "Marie", "last_name": NAME, "relation": "spouse", "birth_date": "1973-06-02"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "household: {m}");
    let (s, p) = t
        .post(
            &api("/projects"),
            token,
            json!({
                "contact_id": contact,
                "type": "sante",
                "comment": "Projet confidentiel",
                "beneficiaries": [{"first_name": "Léa", "last_name": NAME, "birth_date": "2010-05-01"}],
                "subscriptions": [{"nir": valid_nir(), "iban": valid_iban(), "bic": "BNPAFRPP", "code_organisme": "011234567"}]
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "project: {p}");
    assert_eq!(p["beneficiaries"].as_array().map(Vec::len), Some(1), "{p}");
    assert_eq!(p["subscriptions"].as_array().map(Vec::len), Some(1), "{p}");
    let project = id_of(&p);
    let (s, k) = t
        .post(
            &api("/contracts"),
            token,
            json!({
                "project_id": project,
                "insurer": "Mutuelle Témoin",
                "product": "Santé plus",
                "monthly_premium_cents": 4500,
                "status": "actif",
                "start_date": "2024-01-01",
                "nir": valid_nir(),
                "insured": [{"first_name": "Jean", "last_name": NAME, "birth_date": "1971-03-17"}]
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "contract: {k}");
    assert_eq!(k["insured"].as_array().map(Vec::len), Some(1), "{k}");
    let contract = id_of(&k);
    let mut items = Vec::new();
    let document_bytes = b"%PDF-1.4 attestation confidentielle".to_vec();
    let mut document = String::new();
    for kind in KINDS {
        let (s, v) = if kind == "documents" {
            upload(t, token, &contact, &document_bytes).await
        } else {
            t.post(
                &api(&format!("/contacts/{contact}/{kind}")),
                token,
                activity_body(kind),
            )
            .await
        };
        assert_eq!(s, StatusCode::CREATED, "{kind}: {v}");
        if kind == "documents" {
            document = id_of(&v);
        }
        items.push((kind, id_of(&v)));
    }
    let (s, c) = t
        .post(
            &api(&format!("/contacts/{contact}/consents")),
            token,
            json!({"purpose": "marketing", "granted": true, "checkbox_label": "J'accepte", "origin_page": "https://exemple.fr/formulaire"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "consent: {c}");
    World {
        contact,
        member: id_of(&m),
        project,
        contract,
        items,
        document,
        document_bytes,
        consent: id_of(&c),
    }
}

/// Sends a request by hand and returns status, headers and body.
pub async fn raw(
    t: &TestApp,
    method: Method,
    path: &str,
    headers: &[(&str, String)],
    body: Option<Value>,
) -> (StatusCode, HeaderMap, Value) {
    let mut b = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        b = b.header(*k, v.as_str());
    }
    let (s, h, bytes) = t.send_raw(with_json(b, body)).await;
    (s, h, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

pub async fn audit_page(t: &TestApp, admin: &str) -> Value {
    let (s, v) = t.get(&api("/audit?limit=500"), admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

pub async fn audit_total(t: &TestApp, admin: &str) -> i64 {
    audit_page(t, admin).await["total"].as_i64().expect("total")
}

/// A request to make: method, path under `/api/v1`, JSON body.
pub type Route = (Method, String, Option<Value>);

/// The routes on `w`'s contract, document, consents, opposition and export, with
/// valid bodies: a part of both the tenancy checks and the protected routes.
pub fn record_routes(w: &World) -> Vec<Route> {
    let c = &w.contact;
    vec![
        (Method::GET, format!("/contracts/{}", w.contract), None),
        (
            Method::PATCH,
            format!("/contracts/{}", w.contract),
            Some(json!({"status": "resilie"})),
        ),
        (
            Method::GET,
            format!("/contacts/{c}/documents/{}/content", w.document),
            None,
        ),
        (Method::GET, format!("/contacts/{c}/consents"), None),
        (
            Method::POST,
            format!("/contacts/{c}/consents"),
            Some(json!({"purpose": "marketing", "granted": false})),
        ),
        (
            Method::POST,
            format!("/contacts/{c}/opposition"),
            Some(json!({"channel": "email"})),
        ),
        (Method::GET, format!("/contacts/{c}/export"), None),
        (
            Method::GET,
            format!("/contacts/{c}/export?format=csv"),
            None,
        ),
        (
            Method::GET,
            format!("/contacts/{c}/export?format=html"),
            None,
        ),
    ]
}
