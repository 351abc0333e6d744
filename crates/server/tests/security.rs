//! Security guarantees of the REST server, end to end through the router on a real
//! database (SQLite, or PostgreSQL when DATABASE_URL points at a server):
//! tenant isolation for every resource, role scopes and the permission matrix,
//! sessions and login, CSRF, the audit hash chain, storage invariants and masked Debug.

mod common;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use common::TestApp;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const KINDS: [&str; 9] = [
    "events",
    "notes",
    "tasks",
    "appointments",
    "quotes",
    "advice_docs",
    "membership_forms",
    "documents",
    "messages",
];

/// Marker strings: personal data of the people in the fixtures, searched for where
/// they must never appear.
const NAME: &str = "Zorglubien";
const EMAIL: &str = "zorglub.isole@exemple.fr";

fn api(p: &str) -> String {
    format!("/api/v1{p}")
}

fn on_sqlite() -> bool {
    common::backend_url().is_none()
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

/// Ids of the `items` of a page.
fn item_ids(v: &Value) -> BTreeSet<String> {
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {v}"))
        .iter()
        .map(id_of)
        .collect()
}

fn set(ids: &[&String]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).clone()).collect()
}

fn valid_nir() -> String {
    oubli_domain::validate::gen::nir_from(1, 85, 5, "78", 6, 84)
}

fn valid_iban() -> String {
    oubli_domain::validate::gen::iban_fr(30006, 1, "12345678901", 89)
}

/// A valid body for creating an item of `kind` (not documents, which are multipart).
fn activity_body(kind: &str) -> Value {
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
fn activity_patch(kind: &str) -> Value {
    if kind == "notes" {
        json!({"body": "Modifié par un tiers"})
    } else {
        json!({"title": "Modifié par un tiers"})
    }
}

const BOUNDARY: &str = "oubliSecurityBoundary7MA4YWxkTrZu0gW";

/// A hand-built multipart upload of one document (`title` and `file` fields).
fn multipart_request(
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

async fn upload(t: &TestApp, token: &str, contact: &str, bytes: &[u8]) -> (StatusCode, Value) {
    t.send(multipart_request(
        &api(&format!("/contacts/{contact}/documents")),
        Some(token),
        "attestation.pdf",
        bytes,
    ))
    .await
}

/// Everything that can hang from one contact, created by `token`'s user.
struct World {
    contact: String,
    member: String,
    project: String,
    contract: String,
    /// (kind, item id) for every activity kind, documents included.
    items: Vec<(&'static str, String)>,
    document: String,
    document_bytes: Vec<u8>,
    consent: String,
}

impl World {
    fn item(&self, kind: &str) -> &str {
        &self
            .items
            .iter()
            .find(|(k, _)| *k == kind)
            .expect("item of kind")
            .1
    }
}

async fn build_world(t: &TestApp, token: &str, assigned_to: Option<&str>) -> World {
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
async fn raw(
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
    let req = match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string())),
        None => b.body(Body::empty()),
    }
    .expect("request");
    let (s, h, bytes) = t.send_raw(req).await;
    (s, h, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// POST /session by hand, optionally sending an existing session cookie.
async fn login_raw(
    t: &TestApp,
    email: &str,
    password: &str,
    old: Option<&str>,
) -> (StatusCode, HeaderMap, Value) {
    let mut headers = vec![("x-oubli-request", "1".to_string())];
    if let Some(o) = old {
        headers.push(("cookie", format!("oubli_session={o}")));
    }
    raw(
        t,
        Method::POST,
        &api("/session"),
        &headers,
        Some(json!({"email": email, "password": password})),
    )
    .await
}

fn token_of(h: &HeaderMap) -> String {
    let c = h
        .get(header::SET_COOKIE)
        .expect("set-cookie")
        .to_str()
        .expect("ascii");
    c.split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_string())
        .expect("token")
}

async fn audit_page(t: &TestApp, admin: &str) -> Value {
    let (s, v) = t.get(&api("/audit?limit=500"), admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn audit_total(t: &TestApp, admin: &str) -> i64 {
    audit_page(t, admin).await["total"].as_i64().expect("total")
}

fn assert_error(v: &Value, code: &str) {
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{v}"
    );
}

// ------------------------------------------------------------------ 1. isolation

#[tokio::test]
async fn tenant_isolation_for_every_resource() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let w = build_world(&t, &admin, None).await;
    let other = t.login("admin@temoin.fr").await;

    // Témoin's own records, so that its lists are not trivially empty.
    let own = t
        .contact(&other, json!({"last_name": "Témoin", "city": "Lyon"}))
        .await;
    let (s, op) = t
        .post(
            &api("/projects"),
            &other,
            json!({"contact_id": own, "type": "auto"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{op}");
    let own_project = id_of(&op);

    let c = &w.contact;
    let nf = StatusCode::NOT_FOUND;
    let mut checks: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/contacts/{c}"), None),
        (
            Method::PATCH,
            format!("/contacts/{c}"),
            Some(json!({"last_name": "Pirate"})),
        ),
        (Method::DELETE, format!("/contacts/{c}"), None),
        (Method::GET, format!("/contacts/{c}/household"), None),
        (
            Method::POST,
            format!("/contacts/{c}/household"),
            Some(json!({"first_name": "Intrus", "relation": "child"})),
        ),
        (
            Method::PATCH,
            format!("/contacts/{c}/household/{}", w.member),
            Some(json!({"first_name": "Intrus"})),
        ),
        (
            Method::DELETE,
            format!("/contacts/{c}/household/{}", w.member),
            None,
        ),
        (Method::GET, format!("/projects/{}", w.project), None),
        (
            Method::PATCH,
            format!("/projects/{}", w.project),
            Some(json!({"comment": "Piraté", "status": "perdu"})),
        ),
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
    ];
    for (kind, item) in &w.items {
        checks.push((Method::GET, format!("/contacts/{c}/{kind}"), None));
        checks.push((Method::GET, format!("/contacts/{c}/{kind}/{item}"), None));
        checks.push((
            Method::PATCH,
            format!("/contacts/{c}/{kind}/{item}"),
            Some(activity_patch(kind)),
        ));
        checks.push((Method::DELETE, format!("/contacts/{c}/{kind}/{item}"), None));
        if *kind != "documents" {
            checks.push((
                Method::POST,
                format!("/contacts/{c}/{kind}"),
                Some(activity_body(kind)),
            ));
        }
    }
    // A Démo item reached through Témoin's own contact: still nothing.
    for (kind, item) in &w.items {
        checks.push((Method::GET, format!("/contacts/{own}/{kind}/{item}"), None));
        checks.push((
            Method::PATCH,
            format!("/contacts/{own}/{kind}/{item}"),
            Some(activity_patch(kind)),
        ));
        checks.push((
            Method::DELETE,
            format!("/contacts/{own}/{kind}/{item}"),
            None,
        ));
    }
    checks.push((
        Method::GET,
        format!("/contacts/{own}/documents/{}/content", w.document),
        None,
    ));
    checks.push((
        Method::PATCH,
        format!("/contacts/{own}/household/{}", w.member),
        Some(json!({"first_name": "Intrus"})),
    ));
    checks.push((
        Method::DELETE,
        format!("/contacts/{own}/household/{}", w.member),
        None,
    ));
    for (method, path, body) in checks {
        let (s, v) = t
            .call(method.clone(), &api(&path), Some(&other), body)
            .await;
        assert_eq!(s, nf, "{method} {path} from another cabinet: {v}");
        assert_error(&v, "not_found");
        let text = v.to_string();
        assert!(
            !text.contains(NAME) && !text.contains(EMAIL),
            "{method} {path} leaks: {text}"
        );
    }
    let (s, v) = t
        .send(multipart_request(
            &api(&format!("/contacts/{c}/documents")),
            Some(&other),
            "intrus.pdf",
            b"%PDF intrus",
        ))
        .await;
    assert_eq!(s, nf, "document upload onto another cabinet's contact: {v}");

    // Creating on the other cabinet's ids: never 201.
    let (s, v) = t
        .post(
            &api("/projects"),
            &other,
            json!({"contact_id": c, "type": "auto"}),
        )
        .await;
    assert!(
        s == StatusCode::UNPROCESSABLE_ENTITY || s == nf,
        "project on a Démo contact from Témoin: {s} {v}"
    );
    let (s, v) = t
        .post(
            &api("/contracts"),
            &other,
            json!({"project_id": w.project, "insurer": "Intrus"}),
        )
        .await;
    assert!(
        s == StatusCode::UNPROCESSABLE_ENTITY || s == nf,
        "contract on a Démo project from Témoin: {s} {v}"
    );
    // Moving Témoin's project onto the Démo contact, or assigning to a Démo user.
    let (s, v) = t
        .patch(
            &api(&format!("/projects/{own_project}")),
            &other,
            json!({"contact_id": c}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = t
        .post(
            &api("/contacts"),
            &other,
            json!({"last_name": "Transfuge", "assigned_to": t.acc.sales1}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["assigned_to"].is_string(), "{v}");
    let (s, v) = t
        .patch(
            &api(&format!("/contacts/{own}")),
            &other,
            json!({"assigned_to": t.acc.admin}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = t
        .post(
            &api(&format!("/contacts/{own}/tasks")),
            &other,
            json!({"title": "Tâche", "assigned_to": t.acc.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // Témoin's lists hold only Témoin's records.
    let (s, v) = t.get(&api("/contacts?limit=500"), &other).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(item_ids(&v), set(&[&own]), "{v}");
    assert_eq!(v["total"], 1);
    let (_, v) = t.get(&api(&format!("/contacts?q={NAME}")), &other).await;
    assert_eq!(v["total"], 0, "{v}");
    let (s, v) = t.get(&api("/projects?limit=500"), &other).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(item_ids(&v), set(&[&own_project]), "{v}");
    assert_eq!(v["total"], 1);
    let (s, v) = t.get(&api("/contracts?limit=500"), &other).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(item_ids(&v), BTreeSet::new(), "{v}");
    assert_eq!(v["total"], 0);
    for q in [
        format!("contact_id={c}"),
        format!("project_id={}", w.project),
    ] {
        let (s, v) = t.get(&api(&format!("/contracts?{q}")), &other).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["total"], 0, "{q}: {v}");
    }
    let (s, v) = t.get(&api("/stats/summary"), &other).await;
    assert_eq!(s, StatusCode::OK, "GET /stats/summary: {v}");
    assert_eq!(v["leads_total"], 1, "{v}");
    assert_eq!(v["lead_cost_total"], 0, "{v}");
    assert_eq!(v["contracts_active"], 0, "{v}");
    assert_eq!(v["monthly_premiums_active"], 0, "{v}");
    assert_eq!(v["leads_by_supplier"], json!({"(aucun)": 1}), "{v}");
    assert_eq!(v["projects_by_type"], json!({"auto": 1}), "{v}");
    let by_user: BTreeSet<String> = v["by_user"]
        .as_object()
        .expect("by_user")
        .keys()
        .cloned()
        .collect();
    assert_eq!(by_user, set(&[&t.acc.witness_admin]), "{v}");
    let (s, v) = t.get(&api("/sync"), &other).await;
    assert_eq!(s, StatusCode::OK);
    let upserts: BTreeSet<String> = v["upserts"]
        .as_array()
        .expect("upserts")
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(upserts, set(&[&own]), "{v}");
    assert_eq!(v["tombstones"], json!([]), "{v}");
    let text = v.to_string();
    assert!(!text.contains(NAME) && !text.contains(c.as_str()), "{text}");
    let (s, v) = t.get(&api("/users"), &other).await;
    assert_eq!(s, StatusCode::OK);
    let emails: Vec<&str> = v
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(emails, vec!["admin@temoin.fr"], "{v}");
    let (s, v) = t.get(&api("/teams"), &other).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v, json!([]), "{v}");

    // Nothing of the Démo record changed.
    let (s, d) = t.get(&api(&format!("/contacts/{c}")), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["last_name"], NAME);
    assert_eq!(d["opposition_at"], Value::Null, "{d}");
    assert_eq!(d["household"].as_array().map(Vec::len), Some(1));
    assert_eq!(d["household"][0]["first_name"], "Marie");
    assert_eq!(d["projects"][0]["status"], "nouveau");
    assert_eq!(d["projects"][0]["comment"], "Projet confidentiel");
    assert_eq!(d["contracts"][0]["status"], "actif");
    for kind in KINDS {
        assert_eq!(d["activity_counts"][kind], 1, "{kind}: {d}");
    }
    for kind in KINDS {
        let (s, a) = t
            .get(
                &api(&format!("/contacts/{c}/{kind}/{}", w.item(kind))),
                &admin,
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_ne!(a["title"], "Modifié par un tiers", "{kind}: {a}");
        assert_ne!(a["body"], "Modifié par un tiers", "{kind}: {a}");
    }
    let (s, v) = t
        .get(&api(&format!("/contacts/{c}/consents")), &admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    let consents: Vec<String> = v.as_array().expect("consents").iter().map(id_of).collect();
    assert_eq!(consents, vec![w.consent.clone()], "{v}");
    let (s, _, bytes) = t
        .send_raw(
            Request::builder()
                .uri(api(&format!(
                    "/contacts/{c}/documents/{}/content",
                    w.document
                )))
                .header(header::COOKIE, format!("oubli_session={admin}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(bytes, w.document_bytes);
}

// ------------------------------------------------------------------ 2. roles

#[tokio::test]
async fn roles_see_and_assign_within_their_scope() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let deputy = t.login("suppleant@demo.fr").await;
    let chef = t.login("chef@demo.fr").await;
    let s1 = t.login("commercial1@demo.fr").await;
    let s2 = t.login("commercial2@demo.fr").await;
    let a = &t.acc;

    // One contact (with a project) assigned to each user.
    let mut by_user = Vec::new();
    for (label, user) in [
        ("admin", &a.admin),
        ("deputy", &a.deputy),
        ("chef", &a.team_lead),
        ("s1", &a.sales1),
        ("s2", &a.sales2),
    ] {
        let c = t
            .contact(
                &admin,
                json!({"last_name": format!("Portée {label}"), "assigned_to": user}),
            )
            .await;
        let (s, p) = t
            .post(
                &api("/projects"),
                &admin,
                json!({"contact_id": c, "type": "auto"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        assert_eq!(p["assigned_to"], json!(user), "{p}");
        by_user.push((c, id_of(&p)));
    }
    let [c_admin, c_deputy, c_chef, c_s1, c_s2] = [0, 1, 2, 3, 4].map(|i| &by_user[i].0);
    let [p_admin, p_deputy, p_chef, p_s1, p_s2] = [0, 1, 2, 3, 4].map(|i| &by_user[i].1);
    let everyone = set(&[c_admin, c_deputy, c_chef, c_s1, c_s2]);
    let all_projects = set(&[p_admin, p_deputy, p_chef, p_s1, p_s2]);
    let expected: [(&str, &String, BTreeSet<String>, BTreeSet<String>); 5] = [
        ("admin", &admin, everyone.clone(), all_projects.clone()),
        ("deputy", &deputy, everyone.clone(), all_projects.clone()),
        ("chef", &chef, set(&[c_chef, c_s1]), set(&[p_chef, p_s1])),
        ("commercial1", &s1, set(&[c_s1]), set(&[p_s1])),
        ("commercial2", &s2, set(&[c_s2]), set(&[p_s2])),
    ];
    for (who, token, contacts, projects) in &expected {
        let (s, v) = t.get(&api("/contacts?limit=500"), token).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(&item_ids(&v), contacts, "GET /contacts as {who}");
        assert_eq!(v["total"], json!(contacts.len()), "total as {who}");
        let (s, v) = t.get(&api("/projects?limit=500"), token).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(&item_ids(&v), projects, "GET /projects as {who}");
        assert_eq!(v["total"], json!(projects.len()), "total as {who}");
        let (s, v) = t.get(&api("/sync"), token).await;
        assert_eq!(s, StatusCode::OK);
        let upserts: BTreeSet<String> = v["upserts"]
            .as_array()
            .expect("upserts")
            .iter()
            .map(id_of)
            .collect();
        assert_eq!(&upserts, contacts, "GET /sync as {who}");
        let (s, v) = t.get(&api("/stats/summary"), token).await;
        assert_eq!(s, StatusCode::OK, "GET /stats/summary as {who}: {v}");
        assert_eq!(v["leads_total"], json!(contacts.len()), "stats as {who}");
    }

    // commercial1's contact, with a contract and a note.
    let (s, k) = t
        .post(
            &api("/contracts"),
            &admin,
            json!({"project_id": p_s1, "insurer": "Assureur", "status": "actif"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let k_s1 = id_of(&k);
    let (s, n) = t
        .post(
            &api(&format!("/contacts/{c_s1}/notes")),
            &admin,
            json!({"body": "Note"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    let note = id_of(&n);
    let reads = [
        format!("/contacts/{c_s1}"),
        format!("/projects/{p_s1}"),
        format!("/contracts/{k_s1}"),
        format!("/contacts/{c_s1}/notes"),
        format!("/contacts/{c_s1}/notes/{note}"),
        format!("/contacts/{c_s1}/household"),
        format!("/contacts/{c_s1}/consents"),
    ];
    let patches = [
        (format!("/contacts/{c_s1}"), json!({"city": "Lille"})),
        (format!("/projects/{p_s1}"), json!({"status": "en_cours"})),
        (format!("/contracts/{k_s1}"), json!({"product": "Confort"})),
        (
            format!("/contacts/{c_s1}/notes/{note}"),
            json!({"body": "Corrigée"}),
        ),
    ];
    for path in &reads {
        let (s, v) = t.get(&api(path), &s2).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "commercial2 GET {path}: {v}");
        let (s, v) = t.get(&api(path), &s1).await;
        assert_eq!(s, StatusCode::OK, "commercial1 GET {path}: {v}");
        let (s, v) = t.get(&api(path), &chef).await;
        assert_eq!(s, StatusCode::OK, "chef GET {path}: {v}");
    }
    for (path, body) in &patches {
        let (s, v) = t.patch(&api(path), &s2, body.clone()).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "commercial2 PATCH {path}: {v}");
        let (s, v) = t.patch(&api(path), &s1, body.clone()).await;
        assert_eq!(s, StatusCode::OK, "commercial1 PATCH {path}: {v}");
    }
    for (path, body) in [
        (
            format!("/contacts/{c_s1}/notes"),
            json!({"body": "Intrusion"}),
        ),
        (
            format!("/contacts/{c_s1}/household"),
            json!({"first_name": "Intrus"}),
        ),
        (
            format!("/contacts/{c_s1}/opposition"),
            json!({"channel": "phone"}),
        ),
    ] {
        let (s, v) = t.post(&api(&path), &s2, body).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "commercial2 POST {path}: {v}");
    }
    let (s, v) = t
        .delete(&api(&format!("/contacts/{c_s1}/notes/{note}")), &s2)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = t
        .post(
            &api("/projects"),
            &s2,
            json!({"contact_id": c_s1, "type": "auto"}),
        )
        .await;
    assert!(
        s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::NOT_FOUND,
        "{s} {v}"
    );
    let (s, v) = t
        .post(
            &api("/contracts"),
            &s2,
            json!({"project_id": p_s1, "insurer": "Intrus"}),
        )
        .await;
    assert!(
        s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::NOT_FOUND,
        "{s} {v}"
    );
    // The team lead of Nord does not see Sud.
    for path in [
        format!("/contacts/{c_s2}"),
        format!("/projects/{p_s2}"),
        format!("/contacts/{c_s2}/notes"),
    ] {
        let (s, v) = t.get(&api(&path), &chef).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "chef GET {path}: {v}");
    }
    let (s, v) = t
        .patch(
            &api(&format!("/contacts/{c_s2}")),
            &chef,
            json!({"city": "Nice"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");

    // Assignment: sales keep records for themselves.
    for target in [&a.sales2, &a.team_lead, &a.admin] {
        let (s, v) = t
            .post(
                &api("/contacts"),
                &s1,
                json!({"last_name": "Cadeau", "assigned_to": target}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["assigned_to"].is_string(), "{v}");
    }
    let (s, v) = t
        .patch(
            &api(&format!("/contacts/{c_s1}")),
            &s1,
            json!({"assigned_to": a.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["assigned_to"].is_string(), "{v}");
    let (s, v) = t
        .post(
            &api("/projects"),
            &s1,
            json!({"contact_id": c_s1, "type": "auto", "assigned_to": a.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = t
        .post(
            &api(&format!("/contacts/{c_s1}/tasks")),
            &s1,
            json!({"title": "Relance", "assigned_to": a.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = t
        .post(
            &api("/contacts"),
            &s1,
            json!({"last_name": "Pour moi", "assigned_to": a.sales1}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = t.get(&api(&format!("/contacts/{c_s1}")), &s1).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["assigned_to"], json!(a.sales1), "unchanged: {v}");

    // Team lead: within team Nord, not to Sud.
    let (s, v) = t
        .post(
            &api("/contacts"),
            &chef,
            json!({"last_name": "Nord", "assigned_to": a.sales1}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["assigned_to"], json!(a.sales1));
    let (s, v) = t
        .post(
            &api("/contacts"),
            &chef,
            json!({"last_name": "Sud", "assigned_to": a.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["assigned_to"].is_string(), "{v}");
    let (s, v) = t
        .patch(
            &api(&format!("/contacts/{c_chef}")),
            &chef,
            json!({"assigned_to": a.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = t
        .patch(
            &api(&format!("/contacts/{c_chef}")),
            &chef,
            json!({"assigned_to": a.sales1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["assigned_to"], json!(a.sales1));
}

// ------------------------------------------------------------------ 3. matrix

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

// ------------------------------------------------------------------ 4. sessions

/// Every route behind a session, with real ids and valid bodies, so that only the
/// missing session can explain a refusal.
fn protected_routes(w: &World, user: &str) -> Vec<(Method, String, Option<Value>)> {
    let c = &w.contact;
    let mut r: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/me".into(), None),
        (Method::DELETE, "/session".into(), None),
        (Method::GET, "/openapi.json".into(), None),
        (Method::GET, "/contacts".into(), None),
        (
            Method::POST,
            "/contacts".into(),
            Some(json!({"last_name": "Anonyme"})),
        ),
        (Method::GET, format!("/contacts/{c}"), None),
        (
            Method::PATCH,
            format!("/contacts/{c}"),
            Some(json!({"city": "Brest"})),
        ),
        (Method::DELETE, format!("/contacts/{c}"), None),
        (Method::GET, format!("/contacts/{c}/household"), None),
        (
            Method::POST,
            format!("/contacts/{c}/household"),
            Some(json!({"first_name": "Paul"})),
        ),
        (
            Method::PATCH,
            format!("/contacts/{c}/household/{}", w.member),
            Some(json!({"first_name": "Paul"})),
        ),
        (
            Method::DELETE,
            format!("/contacts/{c}/household/{}", w.member),
            None,
        ),
        (Method::GET, "/projects".into(), None),
        (
            Method::POST,
            "/projects".into(),
            Some(json!({"contact_id": c, "type": "auto"})),
        ),
        (Method::GET, format!("/projects/{}", w.project), None),
        (
            Method::PATCH,
            format!("/projects/{}", w.project),
            Some(json!({"status": "perdu"})),
        ),
        (Method::GET, "/contracts".into(), None),
        (
            Method::POST,
            "/contracts".into(),
            Some(json!({"project_id": w.project, "insurer": "X"})),
        ),
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
        (Method::GET, "/stats/summary".into(), None),
        (Method::GET, "/audit".into(), None),
        (Method::GET, "/sync".into(), None),
        (Method::GET, "/sync?since=0".into(), None),
        (Method::GET, "/users".into(), None),
        (
            Method::POST,
            "/users".into(),
            Some(
                json!({"email": "x@demo.fr", "name": "X", "role": "admin", "password": "un-mot-de-passe-solide-2024"}),
            ),
        ),
        (
            Method::PATCH,
            format!("/users/{user}"),
            Some(json!({"active": false})),
        ),
        (Method::GET, "/teams".into(), None),
        (Method::GET, "/settings".into(), None),
        (
            Method::PATCH,
            "/settings".into(),
            Some(json!({"retention_months": 1})),
        ),
    ];
    for (kind, item) in &w.items {
        r.push((Method::GET, format!("/contacts/{c}/{kind}"), None));
        if *kind != "documents" {
            r.push((
                Method::POST,
                format!("/contacts/{c}/{kind}"),
                Some(activity_body(kind)),
            ));
        }
        r.push((Method::GET, format!("/contacts/{c}/{kind}/{item}"), None));
        r.push((
            Method::PATCH,
            format!("/contacts/{c}/{kind}/{item}"),
            Some(activity_patch(kind)),
        ));
        r.push((Method::DELETE, format!("/contacts/{c}/{kind}/{item}"), None));
    }
    r
}

#[tokio::test]
async fn every_protected_route_needs_a_session() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let w = build_world(&t, &admin, None).await;
    let unknown = "ab".repeat(32);
    let routes = protected_routes(&w, &t.acc.sales2);
    for (method, path, body) in &routes {
        for cookie in [None, Some(unknown.as_str()), Some("not-a-token")] {
            let (s, v) = t
                .call(method.clone(), &api(path), cookie, body.clone())
                .await;
            assert_eq!(
                s,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with cookie {cookie:?}: {v}"
            );
            assert_eq!(v["error"]["code"], "unauthorized", "{v}");
            assert_eq!(v["error"]["message"], "Vous devez être connecté.", "{v}");
        }
    }
    let (s, v) = t
        .send(multipart_request(
            &api(&format!("/contacts/{}/documents", w.contact)),
            None,
            "a.pdf",
            b"%PDF",
        ))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "document upload: {v}");

    // Every operation the OpenAPI document describes, bar health and login.
    let (s, spec) = t.get(&api("/openapi.json"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    let paths = spec["paths"].as_object().expect("paths");
    let mut swept = 0;
    for (template, ops) in paths {
        for (m, _) in ops.as_object().expect("operations") {
            let method: Method = m.to_uppercase().parse().expect("method");
            let public = matches!(
                (method.as_str(), template.as_str()),
                ("GET", "/api/v1/health") | ("POST", "/api/v1/session")
            ) || template.starts_with("/api/v1/public/")
                || template == "/api/v1/leads";
            if public {
                continue;
            }
            let item = if template.contains("/documents/") {
                w.document.as_str()
            } else {
                w.item("notes")
            };
            let path = template
                .replace("{id}", &w.contact)
                .replace("{member}", &w.member)
                .replace("{kind}", "notes")
                .replace("{item}", item);
            let body =
                matches!(method, Method::POST | Method::PATCH | Method::PUT).then(|| json!({}));
            let (s, v) = t.call(method.clone(), &path, None, body).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{method} {path}: {v}");
            swept += 1;
        }
    }
    assert!(
        swept >= 38,
        "only {swept} operations in the OpenAPI document"
    );

    // Nothing was changed by all those calls.
    let (s, d) = t
        .get(&api(&format!("/contacts/{}", w.contact)), &admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["city"], "Paris");
    let (_, v) = t.get(&api("/contacts"), &admin).await;
    assert_eq!(v["total"], 1);

    // Public: health and login.
    let (s, h, v) = raw(&t, Method::GET, &api("/health"), &[], None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "ok");
    assert!(h.get(header::SET_COOKIE).is_none());
    let (s, h, v) = login_raw(&t, "commercial1@demo.fr", "demo1234", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["email"], "commercial1@demo.fr");
    assert_eq!(v["role"], "sales");
    assert_eq!(v["id"], json!(t.acc.sales1));
    assert!(v.get("password_hash").is_none(), "{v}");
    let token = token_of(&h);
    let (s, me) = t.get(&api("/me"), &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["id"], json!(t.acc.sales1));
}

fn cookie_attrs(h: &HeaderMap) -> Vec<String> {
    let c = h
        .get(header::SET_COOKIE)
        .expect("set-cookie")
        .to_str()
        .expect("ascii");
    c.split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect()
}

#[tokio::test]
async fn session_cookie_attributes() {
    let t = TestApp::new().await;
    let (s, h, _) = login_raw(&t, "admin@demo.fr", "demo1234", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(h
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("oubli_session=")));
    let token = token_of(&h);
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
    let attrs = cookie_attrs(&h);
    for a in ["httponly", "samesite=strict", "path=/"] {
        assert!(attrs.iter().any(|x| x == a), "{a} missing in {attrs:?}");
    }
    assert!(!attrs.iter().any(|x| x == "secure"), "{attrs:?}");
    assert!(!attrs.iter().any(|x| x.starts_with("domain")), "{attrs:?}");
    // Logout clears it with the same attributes.
    let (s, h, _) = raw(
        &t,
        Method::DELETE,
        &api("/session"),
        &[
            ("x-oubli-request", "1".into()),
            ("cookie", format!("oubli_session={token}")),
        ],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let attrs = cookie_attrs(&h);
    assert!(attrs.iter().any(|x| x == "max-age=0"), "{attrs:?}");
    assert!(attrs.iter().any(|x| x == "httponly"), "{attrs:?}");

    let t = TestApp::with_config(|cfg| cfg.secure_cookies = true).await;
    let (s, h, _) = login_raw(&t, "admin@demo.fr", "demo1234", None).await;
    assert_eq!(s, StatusCode::OK);
    let attrs = cookie_attrs(&h);
    for a in ["httponly", "samesite=strict", "path=/", "secure"] {
        assert!(attrs.iter().any(|x| x == a), "{a} missing in {attrs:?}");
    }
}

#[tokio::test]
async fn login_rotates_sessions_and_logout_ends_them() {
    let t = TestApp::new().await;
    let a = t.login("admin@demo.fr").await;
    let b = t.login("admin@demo.fr").await;
    assert_ne!(a, b, "two logins, two tokens");
    // Two devices: both live.
    for tok in [&a, &b] {
        let (s, _) = t.get(&api("/me"), tok).await;
        assert_eq!(s, StatusCode::OK);
    }
    // Logging in again from the device holding `a` ends `a`.
    let (s, h, _) = login_raw(&t, "admin@demo.fr", "demo1234", Some(&a)).await;
    assert_eq!(s, StatusCode::OK);
    let c = token_of(&h);
    assert_ne!(c, a);
    assert_ne!(c, b);
    let (s, v) = t.get(&api("/me"), &a).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "old session still alive: {v}");
    for tok in [&b, &c] {
        let (s, _) = t.get(&api("/me"), tok).await;
        assert_eq!(s, StatusCode::OK);
    }
    // Logging in as someone else with an old cookie ends it too.
    let (s, h, _) = login_raw(&t, "commercial1@demo.fr", "demo1234", Some(&b)).await;
    assert_eq!(s, StatusCode::OK);
    let d = token_of(&h);
    let (s, _) = t.get(&api("/me"), &b).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, me) = t.get(&api("/me"), &d).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["email"], "commercial1@demo.fr");
    // Logout.
    let (s, _) = t.delete(&api("/session"), &c).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = t.get(&api("/me"), &c).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    let (s, _) = t.get(&api("/contacts"), &c).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = t.delete(&api("/session"), &c).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Other sessions are unaffected.
    let (s, _) = t.get(&api("/me"), &d).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn wrong_credentials_are_indistinguishable() {
    let t = TestApp::new().await;
    let (s1, h1, wrong_pw) = login_raw(&t, "admin@demo.fr", "pas-le-bon", None).await;
    let (s2, h2, unknown) = login_raw(&t, "personne@demo.fr", "pas-le-bon", None).await;
    let (s3, h3, upper) = login_raw(&t, "ADMIN@demo.fr", "DEMO1234", None).await;
    for (s, h) in [(s1, &h1), (s2, &h2), (s3, &h3)] {
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert!(h.get(header::SET_COOKIE).is_none());
    }
    assert_eq!(wrong_pw["error"]["code"], "bad_credentials");
    assert_eq!(
        wrong_pw["error"]["message"],
        "Email ou mot de passe incorrect."
    );
    assert_eq!(wrong_pw, unknown);
    assert_eq!(wrong_pw, upper);
    // Too long inputs: 401 without a session, the same for known and unknown emails.
    let (s, h, long_known) = login_raw(&t, "admin@demo.fr", &"x".repeat(5000), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(h.get(header::SET_COOKIE).is_none());
    let (s, _, long_unknown) = login_raw(&t, "personne@demo.fr", &"x".repeat(5000), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(long_known, long_unknown);
}

#[tokio::test]
async fn sessions_table_stores_only_a_sha256_of_the_token() {
    use sha2::Digest;
    let t = TestApp::new().await;
    let token = t.login("admin@demo.fr").await;
    let digest = hex::encode(sha2::Sha256::digest(token.as_bytes()));
    assert_ne!(digest, token);

    // Through the application's own connection (both backends).
    {
        use sea_query::{Alias, Query};
        let mut tx = t.state.db.read().await.expect("read");
        let rows: Vec<(String, String)> = tx
            .all(
                Query::select()
                    .columns([Alias::new("id"), Alias::new("user_id")])
                    .from(Alias::new("sessions")),
            )
            .await
            .expect("sessions");
        tx.commit().await.expect("commit");
        assert_eq!(
            rows,
            vec![(digest.clone(), t.acc.admin.clone())],
            "the session row"
        );
    }

    if !on_sqlite() {
        eprintln!(
            "sessions_table_stores_only_a_sha256_of_the_token: file checks skipped on PostgreSQL"
        );
        return;
    }
    use sqlx::{Connection, Row};
    let path = t.dir.path().join("oubli.db");
    let mut c = sqlx::sqlite::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::new().filename(&path),
    )
    .await
    .expect("open the SQLite file");
    let rows = sqlx::query(
        "SELECT id || '|' || cabinet_id || '|' || user_id || '|' || created_at || '|' || updated_at || '|' || expires_at AS line FROM sessions",
    )
    .fetch_all(&mut c)
    .await
    .expect("sessions");
    assert_eq!(rows.len(), 1);
    let line: String = rows[0].get("line");
    assert!(!line.contains(&token), "raw token stored: {line}");
    assert!(line.starts_with(&format!("{digest}|")), "{line}");
    c.close().await.ok();
    // Not anywhere in the file or its WAL either.
    for f in ["oubli.db", "oubli.db-wal"] {
        if let Ok(bytes) = std::fs::read(t.dir.path().join(f)) {
            assert!(
                !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
                "the raw token is in {f}"
            );
        }
    }
}

#[tokio::test]
async fn expired_sessions_and_inactive_users_are_refused() {
    use sha2::Digest;
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let s1 = t.login("commercial1@demo.fr").await;
    let s2 = t.login("commercial2@demo.fr").await;
    // A session past its expiry.
    let digest = hex::encode(sha2::Sha256::digest(s1.as_bytes()));
    t.state
        .db
        .raw(&format!(
            "UPDATE sessions SET expires_at = 1 WHERE id = '{digest}'"
        ))
        .await
        .expect("expire");
    let (s, v) = t.get(&api("/me"), &s1).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "expired session: {v}");
    // A deactivated account: its live session and its password stop working.
    t.state
        .db
        .raw(&format!(
            "UPDATE users SET active = 0 WHERE id = '{}'",
            t.acc.sales2
        ))
        .await
        .expect("deactivate");
    let (s, v) = t.get(&api("/contacts"), &s2).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "inactive user's session: {v}");
    let (s, h, v) = login_raw(&t, "commercial2@demo.fr", "demo1234", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["error"]["code"], "bad_credentials");
    assert!(h.get(header::SET_COOKIE).is_none());
    // Others are unaffected.
    let (s, _) = t.get(&api("/me"), &admin).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn downloads_and_exports_are_inert() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(
            &admin,
            json!({"last_name": "<script>alert(1)</script>", "first_name": "=HYPERLINK(\"http://evil.example\")"}),
        )
        .await;
    // Security headers on every answer.
    let (_, h, _) = raw(&t, Method::GET, &api("/health"), &[], None).await;
    assert_eq!(
        h.get("x-content-type-options").map(|v| v.as_bytes()),
        Some(&b"nosniff"[..])
    );
    assert_eq!(
        h.get("x-frame-options").map(|v| v.as_bytes()),
        Some(&b"DENY"[..])
    );
    assert!(h.get("referrer-policy").is_some());
    // An upload named to escape the blob directory, with an HTML type.
    let (s, v) = t
        .send(multipart_request(
            &api(&format!("/contacts/{c}/documents")),
            Some(&admin),
            "../../evil<b>.html",
            b"<html><script>alert(1)</script></html>",
        ))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["file_name"], "evil<b>.html", "{v}");
    let doc = id_of(&v);
    let escaped: Vec<_> = walk(t.dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("evil"))
        .collect();
    assert!(escaped.is_empty(), "{escaped:?}");
    let cookie = ("cookie", format!("oubli_session={admin}"));
    let (s, h, _) = raw(
        &t,
        Method::GET,
        &api(&format!("/contacts/{c}/documents/{doc}/content")),
        std::slice::from_ref(&cookie),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let hv = |k: &str| {
        h.get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(hv("content-type"), "application/octet-stream");
    assert_eq!(
        hv("content-disposition"),
        "attachment; filename=\"evil_b_.html\""
    );
    assert_eq!(hv("cache-control"), "no-store");
    assert_eq!(hv("x-content-type-options"), "nosniff");
    // The HTML report escapes what it shows; the CSV neutralises formulas.
    let (s, h, _) = raw(
        &t,
        Method::GET,
        &api(&format!("/contacts/{c}/export?format=html")),
        std::slice::from_ref(&cookie),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(h
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("attachment")));
    let (_, _, html) = t
        .send_raw(
            Request::builder()
                .uri(api(&format!("/contacts/{c}/export?format=html")))
                .header(header::COOKIE, format!("oubli_session={admin}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    let html = String::from_utf8(html).expect("utf-8");
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    let (_, _, csv) = t
        .send_raw(
            Request::builder()
                .uri(api(&format!("/contacts/{c}/export?format=csv")))
                .header(header::COOKIE, format!("oubli_session={admin}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    let csv = String::from_utf8(csv).expect("utf-8");
    let first_name = csv
        .lines()
        .find(|l| l.starts_with("contact.first_name,"))
        .unwrap_or_else(|| panic!("no first_name line in {csv}"));
    assert!(
        first_name.starts_with("contact.first_name,\"'=HYPERLINK"),
        "{first_name}"
    );
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

// ------------------------------------------------------------------ 5. CSRF

#[tokio::test]
async fn csrf_header_and_origin_are_required_on_unsafe_methods() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(&admin, json!({"last_name": "Cible", "city": "Rennes"}))
        .await;
    let cookie = ("cookie", format!("oubli_session={admin}"));
    let xhr = ("x-oubli-request", "1".to_string());
    let host = ("host", "localhost".to_string());
    let create = json!({"last_name": "Forgé"});
    let edit = json!({"city": "Piratée"});
    let contact_path = api(&format!("/contacts/{c}"));

    let refused: Vec<Vec<(&str, String)>> = vec![
        // No custom header at all.
        vec![cookie.clone()],
        vec![cookie.clone(), host.clone()],
        // A wrong value.
        vec![cookie.clone(), ("x-oubli-request", "0".into())],
        // The header, but another site's Origin.
        vec![
            cookie.clone(),
            xhr.clone(),
            host.clone(),
            ("origin", "http://evil.example".into()),
        ],
        vec![
            cookie.clone(),
            xhr.clone(),
            host.clone(),
            ("origin", "https://localhost.evil.example".into()),
        ],
        vec![
            cookie.clone(),
            xhr.clone(),
            host.clone(),
            ("origin", "null".into()),
        ],
        // An Origin and no Host to compare it with.
        vec![
            cookie.clone(),
            xhr.clone(),
            ("origin", "http://localhost".into()),
        ],
    ];
    for headers in &refused {
        for (method, path, body) in [
            (Method::POST, api("/contacts"), Some(create.clone())),
            (Method::PATCH, contact_path.clone(), Some(edit.clone())),
            (Method::DELETE, contact_path.clone(), None),
            (Method::DELETE, api("/session"), None),
        ] {
            let (s, _, v) = raw(&t, method.clone(), &path, headers, body).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{method} {path} {headers:?}: {v}");
            assert_eq!(v["error"]["code"], "forbidden");
            assert_eq!(
                v["error"]["message"],
                "Requête refusée : provenance non vérifiée (protection CSRF).",
                "{v}"
            );
        }
    }
    // Login itself is protected (login CSRF).
    let (s, _, v) = raw(
        &t,
        Method::POST,
        &api("/session"),
        &[],
        Some(json!({"email": "admin@demo.fr", "password": "demo1234"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

    // Nothing happened: the session is alive, the contact unchanged, none created.
    let (s, d) = t.get(&contact_path, &admin).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["city"], "Rennes");
    let (_, v) = t.get(&api("/contacts"), &admin).await;
    assert_eq!(v["total"], 1, "{v}");

    // Same origin passes.
    let ok = vec![
        cookie.clone(),
        xhr.clone(),
        host.clone(),
        ("origin", "http://localhost".into()),
    ];
    let (s, _, v) = raw(&t, Method::POST, &api("/contacts"), &ok, Some(create)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, _, v) = raw(&t, Method::PATCH, &contact_path, &ok, Some(edit)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["city"], "Piratée");
    let (s, _, v) = raw(&t, Method::DELETE, &contact_path, &ok, None).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    // Without Origin (same-origin fetch in some browsers), the header suffices.
    let (s, _, v) = raw(
        &t,
        Method::POST,
        &api("/contacts"),
        &[cookie.clone(), xhr.clone()],
        Some(json!({"last_name": "Sans origine"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

// ------------------------------------------------------------------ 6. audit chain

/// A few audited actions in Cabinet Démo: logins, an export, refusals.
async fn audited_activity(t: &TestApp) -> (String, String) {
    let admin = t.login("admin@demo.fr").await;
    let chef = t.login("chef@demo.fr").await;
    let s1 = t.login("commercial1@demo.fr").await;
    let witness = t.login("admin@temoin.fr").await;
    let c = t
        .contact(
            &admin,
            json!({"last_name": NAME, "assigned_to": t.acc.sales1}),
        )
        .await;
    let (s, _) = t.get(&api(&format!("/contacts/{c}/export")), &admin).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t.delete(&api(&format!("/contacts/{c}")), &chef).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t.get(&api("/audit"), &s1).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .post(
            &api(&format!("/contacts/{c}/opposition")),
            &s1,
            json!({"channel": "phone"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t.delete(&api("/session"), &s1).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    (admin, witness)
}

#[tokio::test]
async fn audit_chain_verifies_and_detects_tampering() {
    let t = TestApp::new().await;
    let (admin, witness) = audited_activity(&t).await;
    let demo = t.acc.demo_cabinet.clone();
    let page = audit_page(&t, &admin).await;
    let items = page["items"].as_array().expect("items").clone();
    let n_demo = page["total"].as_i64().expect("total");
    let n_witness = audit_total(&t, &witness).await;
    // 3 logins, export, 2 refusals, opposition, logout.
    assert_eq!(n_demo, 8, "{page}");
    assert_eq!(n_witness, 1);
    // Contiguous sequence numbers, each entry chained to the previous one.
    let seqs: Vec<i64> = items
        .iter()
        .rev()
        .filter_map(|e| e["seq"].as_i64())
        .collect();
    assert_eq!(seqs, (1..=n_demo).collect::<Vec<_>>());
    let mut prev = String::new();
    for e in items.iter().rev() {
        assert_eq!(e["prev_hash"], json!(prev), "{e}");
        prev = e["hash"].as_str().expect("hash").to_string();
        assert_eq!(prev.len(), 64);
    }
    let n = (n_demo + n_witness) as u64;
    let verify = || async {
        oubli_server::audit::verify(&t.state.db)
            .await
            .expect("verify")
    };
    assert_eq!(verify().await, Ok(n));

    // One byte of the action of seq 3.
    let at = |seq: i64| {
        items
            .iter()
            .find(|e| e["seq"] == seq)
            .cloned()
            .expect("entry")
    };
    let action3 = at(3)["action"].as_str().expect("action").to_string();
    let mut forged = action3.clone().into_bytes();
    forged[0] ^= 0x01;
    let forged = String::from_utf8(forged).expect("ascii");
    t.state
        .db
        .raw(&format!(
            "UPDATE audit_log SET action = '{forged}' WHERE seq = 3 AND cabinet_id = '{demo}'"
        ))
        .await
        .expect("tamper");
    assert_eq!(verify().await, Err((demo.clone(), 3)));
    t.state
        .db
        .raw(&format!(
            "UPDATE audit_log SET action = '{action3}' WHERE seq = 3 AND cabinet_id = '{demo}'"
        ))
        .await
        .expect("restore");
    assert_eq!(verify().await, Ok(n));

    // The detail of the export entry: "json" becomes "jsoN".
    let export = items
        .iter()
        .find(|e| e["action"] == "contact.export")
        .expect("export entry");
    let seq = export["seq"].as_i64().expect("seq");
    assert_eq!(export["detail"]["format"], "json");
    t.state
        .db
        .raw(&format!(
            "UPDATE audit_log SET detail = REPLACE(detail, '\"json\"', '\"jsoN\"') WHERE seq = {seq} AND cabinet_id = '{demo}'"
        ))
        .await
        .expect("tamper");
    assert_eq!(verify().await, Err((demo.clone(), seq)));
    t.state
        .db
        .raw(&format!(
            "UPDATE audit_log SET detail = REPLACE(detail, '\"jsoN\"', '\"json\"') WHERE seq = {seq} AND cabinet_id = '{demo}'"
        ))
        .await
        .expect("restore");
    assert_eq!(verify().await, Ok(n));

    // Who did it: the actor of a refusal.
    t.state
        .db
        .raw(&format!(
            "UPDATE audit_log SET actor_user_id = '{}' WHERE seq = 6 AND cabinet_id = '{demo}'",
            t.acc.admin
        ))
        .await
        .expect("tamper");
    assert_eq!(verify().await, Err((demo.clone(), 6)));
    t.state
        .db
        .raw(&format!(
            "UPDATE audit_log SET actor_user_id = '{}' WHERE seq = 6 AND cabinet_id = '{demo}'",
            at(6)["actor_user_id"].as_str().expect("actor")
        ))
        .await
        .expect("restore");
    assert_eq!(verify().await, Ok(n));

    // An entry removed from the middle: detected at the next one.
    t.state
        .db
        .raw(&format!(
            "DELETE FROM audit_log WHERE seq = 5 AND cabinet_id = '{demo}'"
        ))
        .await
        .expect("delete");
    // The break is reported where the chain stops matching: the missing seq 5 or
    // the entry after it (6), never elsewhere and never in another cabinet.
    let r = verify().await;
    assert!(
        matches!(&r, Err((cab, 5 | 6)) if *cab == demo),
        "deleting seq 5 gave {r:?}"
    );
}

/// Removing the newest entries leaves a shorter chain that is still internally
/// consistent; the cabinet row keeps the head (`audit_seq`, `audit_head`), so
/// verification must compare against it.
#[tokio::test]
async fn audit_chain_detects_a_truncated_tail() {
    let t = TestApp::new().await;
    let (admin, _) = audited_activity(&t).await;
    let demo = t.acc.demo_cabinet.clone();
    let last = audit_total(&t, &admin).await;
    t.state
        .db
        .raw(&format!(
            "DELETE FROM audit_log WHERE seq = {last} AND cabinet_id = '{demo}'"
        ))
        .await
        .expect("delete");
    let r = oubli_server::audit::verify(&t.state.db)
        .await
        .expect("verify");
    assert_eq!(
        r,
        Err((demo, last)),
        "deleting the newest audit entry went unnoticed"
    );
}

// ------------------------------------------------------------------ 7. storage

#[tokio::test]
async fn foreign_keys_are_enforced_on_the_app_connection() {
    let t = TestApp::new().await;
    let cab = &t.acc.demo_cabinet;
    let r = t
        .state
        .db
        .raw(&format!(
            "INSERT INTO household_members (id, cabinet_id, contact_id, created_at, updated_at) \
             VALUES ('orphan', '{cab}', 'no-such-contact', 0, 0)"
        ))
        .await;
    assert!(r.is_err(), "a dangling foreign key was accepted");
}

/// What breaks the schema rules in the SQLite database behind `c`: a table without
/// `cabinet_id` (but `cabinets`), without `created_at`/`updated_at`, or a foreign key
/// that is not the leftmost column(s) of an index (the primary key included).
async fn schema_problems(
    c: &mut sqlx::sqlite::SqliteConnection,
) -> (Vec<String>, BTreeSet<String>) {
    use sqlx::Row;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_sqlx%' ESCAPE '\\' ORDER BY name",
    )
    .fetch_all(&mut *c)
    .await
    .expect("tables");
    let mut problems = BTreeSet::new();
    for table in &tables {
        let cols = sqlx::query(&format!("PRAGMA table_info(\"{table}\")"))
            .fetch_all(&mut *c)
            .await
            .expect("table_info");
        let names: Vec<String> = cols.iter().map(|r| r.get::<String, _>("name")).collect();
        if table != "cabinets" && !names.iter().any(|n| n == "cabinet_id") {
            problems.insert(format!("{table}: no cabinet_id"));
        }
        for needed in ["created_at", "updated_at"] {
            if !names.iter().any(|n| n == needed) {
                problems.insert(format!("{table}: no {needed}"));
            }
        }
        // Column lists of every index, the rowid alias (INTEGER PRIMARY KEY) included.
        let mut indexes: Vec<Vec<String>> = Vec::new();
        let pk: Vec<(String, String)> = cols
            .iter()
            .filter(|r| r.get::<i64, _>("pk") > 0)
            .map(|r| (r.get("name"), r.get::<String, _>("type")))
            .collect();
        if pk.len() == 1 && pk[0].1.eq_ignore_ascii_case("integer") {
            indexes.push(vec![pk[0].0.clone()]);
        }
        let list = sqlx::query(&format!("PRAGMA index_list(\"{table}\")"))
            .fetch_all(&mut *c)
            .await
            .expect("index_list");
        for idx in list {
            let name: String = idx.get("name");
            let info = sqlx::query(&format!("PRAGMA index_info(\"{name}\")"))
                .fetch_all(&mut *c)
                .await
                .expect("index_info");
            let mut cols: Vec<(i64, Option<String>)> = info
                .iter()
                .map(|r| (r.get("seqno"), r.get("name")))
                .collect();
            cols.sort();
            indexes.push(
                cols.into_iter()
                    .map(|(_, n)| n.unwrap_or_else(|| "<expr>".into()))
                    .collect(),
            );
        }
        let fks = sqlx::query(&format!("PRAGMA foreign_key_list(\"{table}\")"))
            .fetch_all(&mut *c)
            .await
            .expect("foreign_key_list");
        let mut by_id: std::collections::BTreeMap<i64, Vec<(i64, String, String)>> =
            Default::default();
        for fk in fks {
            by_id.entry(fk.get("id")).or_default().push((
                fk.get("seq"),
                fk.get("from"),
                fk.get("table"),
            ));
        }
        for (_, mut parts) in by_id {
            parts.sort();
            let from: Vec<String> = parts.iter().map(|p| p.1.clone()).collect();
            let indexed = indexes
                .iter()
                .any(|ix| ix.len() >= from.len() && ix[..from.len()] == from[..]);
            if !indexed {
                problems.insert(format!(
                    "{table}({}) -> {}: unindexed",
                    from.join(", "),
                    parts[0].2
                ));
            }
        }
    }
    (tables, problems)
}

#[tokio::test]
async fn sqlite_schema_invariants() {
    if !on_sqlite() {
        eprintln!("sqlite_schema_invariants: skipped on PostgreSQL");
        return;
    }
    use sqlx::Connection;
    let t = TestApp::new().await;
    let path = t.dir.path().join("oubli.db");
    let mut c = sqlx::sqlite::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::new().filename(&path),
    )
    .await
    .expect("open the SQLite file");
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut c)
        .await
        .expect("journal_mode");
    assert_eq!(mode.to_lowercase(), "wal");
    let (tables, problems) = schema_problems(&mut c).await;
    c.close().await.ok();
    for needed in [
        "cabinets",
        "users",
        "sessions",
        "contacts",
        "household_members",
        "projects",
        "beneficiaries",
        "subscriptions",
        "contracts",
        "insured_persons",
        "activities",
        "consents",
        "audit_log",
    ] {
        assert!(
            tables.iter().any(|t| t == needed),
            "{needed} not in {tables:?}"
        );
    }
    assert!(problems.is_empty(), "schema problems: {problems:#?}");
}

/// The checker above does find what it looks for.
#[tokio::test]
async fn schema_checker_finds_unindexed_foreign_keys() {
    use sqlx::Connection;
    let mut c = sqlx::sqlite::SqliteConnection::connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite");
    for ddl in [
        "CREATE TABLE cabinets (id TEXT PRIMARY KEY, created_at BIGINT, updated_at BIGINT)",
        "CREATE TABLE parents (id INTEGER PRIMARY KEY, cabinet_id TEXT REFERENCES cabinets (id), \
         created_at BIGINT, updated_at BIGINT)",
        "CREATE INDEX parents_cabinet ON parents (cabinet_id, created_at)",
        "CREATE TABLE kids (id TEXT PRIMARY KEY, cabinet_id TEXT REFERENCES cabinets (id), \
         parent_id INTEGER REFERENCES parents (id), other_id INTEGER REFERENCES parents (id), \
         created_at BIGINT)",
        "CREATE INDEX kids_cabinet_parent ON kids (cabinet_id, parent_id)",
        "CREATE TABLE loose (id TEXT PRIMARY KEY REFERENCES cabinets (id), created_at BIGINT, updated_at BIGINT)",
    ] {
        sqlx::query(ddl).execute(&mut c).await.expect(ddl);
    }
    let (_, problems) = schema_problems(&mut c).await;
    let expected: BTreeSet<String> = [
        "kids: no updated_at",
        "kids(parent_id) -> parents: unindexed",
        "kids(other_id) -> parents: unindexed",
        "loose: no cabinet_id",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(problems, expected);
    sqlx::query("CREATE INDEX kids_parent ON kids (parent_id, other_id)")
        .execute(&mut c)
        .await
        .expect("index");
    let (_, problems) = schema_problems(&mut c).await;
    assert!(problems.contains("kids(other_id) -> parents: unindexed"));
    assert!(!problems.contains("kids(parent_id) -> parents: unindexed"));
    c.close().await.ok();
}

/// PRODUCT.md §3: once erased, no copy of the values anywhere, "database pages and
/// WAL included". DELETE /contacts/{id} is the "Supprimer" path of a contact page.
#[tokio::test]
async fn deleted_contact_leaves_no_trace_in_the_sqlite_files() {
    if !on_sqlite() {
        eprintln!("deleted_contact_leaves_no_trace_in_the_sqlite_files: skipped on PostgreSQL");
        return;
    }
    let marker = "Qwxzyphrenique";
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(&admin, json!({"last_name": marker, "city": "Quimper"}))
        .await;
    let in_files = || {
        ["oubli.db", "oubli.db-wal"]
            .iter()
            .filter(|f| {
                std::fs::read(t.dir.path().join(f))
                    .map(|b| b.windows(marker.len()).any(|w| w == marker.as_bytes()))
                    .unwrap_or(false)
            })
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
    };
    assert!(!in_files().is_empty(), "the marker should be stored first");
    let (s, _) = t.delete(&api(&format!("/contacts/{c}")), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        in_files(),
        Vec::<String>::new(),
        "erased value still on disk"
    );
}

// ------------------------------------------------------------------ 8. Debug

#[test]
fn personal_data_never_in_debug() {
    use chrono::{NaiveDate, Utc};
    use oubli_domain::*;
    let markers = [
        "MarqPrenom",
        "MarqNom",
        "MarqSociete",
        "marq.email@exemple.fr",
        "0611223344",
        "0299887766",
        "MarqRue",
        "MarqVille",
        "MarqFournisseur",
        "MarqCommentaire",
        "MarqSource",
        "1971-03-17",
        "MarqBenef",
        "MarqMotDePasse",
        "BNPAFRPP",
        "011234567",
        "MarqNote",
        "MarqLieu",
        "MarqLibelle",
        "marq-origine.example",
    ];
    let nir = valid_nir();
    let iban = valid_iban();
    let birth = NaiveDate::from_ymd_opt(1971, 3, 17);
    let contact_input = ContactInput {
        civility: Some(Civility::Mme),
        first_name: Some("MarqPrenom".into()),
        last_name: Some("MarqNom".into()),
        company_name: Some("MarqSociete".into()),
        siret: Some(oubli_domain::validate::gen::siret_from("732829320", 74)),
        email: Some("marq.email@exemple.fr".into()),
        mobile_phone: Some("0611223344".into()),
        landline_phone: Some("0299887766".into()),
        street: Some("MarqRue".into()),
        postal_code: Some("35000".into()),
        city: Some("MarqVille".into()),
        birth_date: birth,
        status: Some(ContactStatus::Prospect),
        supplier: Some("MarqFournisseur".into()),
        lead_cost_cents: Some(1234),
        lead_purchased_on: birth,
        assigned_to: Some("u1".into()),
        lawful_basis: Some(LawfulBasis::Consent),
        lawful_basis_source: Some("MarqSource".into()),
        comment: Some("MarqCommentaire".into()),
    };
    let contact = Contact {
        id: "c1".into(),
        fields: contact_input.clone(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
        last_inbound_at: None,
        opposition_at: None,
        opposition_channel: None,
        anonymized_at: None,
    };
    let person = PersonInput {
        first_name: Some("MarqBenef".into()),
        last_name: Some("MarqNom".into()),
        birth_date: birth,
    };
    let subscription = SubscriptionInput {
        nir: Some(nir.clone()),
        code_organisme: Some("011234567".into()),
        iban: Some(iban.clone()),
        bic: Some("BNPAFRPP".into()),
    };
    let project = ProjectInput {
        contact_id: Some("c1".into()),
        kind: Some(ProjectType::Sante),
        status: Some(ProjectStatus::Nouveau),
        supplier: Some("MarqFournisseur".into()),
        assigned_to: Some("u1".into()),
        comment: Some("MarqCommentaire".into()),
        beneficiaries: Some(vec![person.clone()]),
        subscriptions: Some(vec![subscription.clone()]),
    };
    let login = LoginRequest {
        email: "marq.email@exemple.fr".into(),
        password: "MarqMotDePasse".into(),
    };
    let contract = ContractInput {
        project_id: Some("p1".into()),
        insurer: Some("Assureur".into()),
        nir: Some(nir.clone()),
        code_organisme: Some("011234567".into()),
        insured: Some(vec![person.clone()]),
        ..Default::default()
    };
    let member = HouseholdMemberInput {
        first_name: Some("MarqPrenom".into()),
        last_name: Some("MarqNom".into()),
        relation: Some(Relation::Child),
        birth_date: birth,
    };
    let activity = ActivityInput {
        title: Some("MarqLibelle".into()),
        body: Some("MarqNote".into()),
        location: Some("MarqLieu".into()),
        recipient: Some("marq.email@exemple.fr".into()),
        channel: Some(MessageChannel::Email),
        ..Default::default()
    };
    let consent = ConsentInput {
        purpose: Some(ConsentPurpose::Marketing),
        granted: Some(true),
        checkbox_label: Some("MarqLibelle".into()),
        origin_page: Some("https://marq-origine.example/form".into()),
        ..Default::default()
    };
    let new_user = NewUser {
        email: "marq.email@exemple.fr".into(),
        name: "MarqNom".into(),
        role: Role::Sales,
        team_id: None,
        password: "MarqMotDePasse".into(),
    };
    let dumps = [
        ("ContactInput", format!("{contact_input:?}")),
        ("Contact", format!("{contact:?}")),
        ("ProjectInput", format!("{project:?}")),
        ("SubscriptionInput", format!("{subscription:?}")),
        ("LoginRequest", format!("{login:?}")),
        ("ContractInput", format!("{contract:?}")),
        ("HouseholdMemberInput", format!("{member:?}")),
        ("PersonInput", format!("{person:?}")),
        ("ActivityInput", format!("{activity:?}")),
        ("ConsentInput", format!("{consent:?}")),
        ("NewUser", format!("{new_user:?}")),
        ("Contact (pretty)", format!("{contact:#?}")),
    ];
    let siret = contact_input.siret.clone().expect("siret");
    for (what, dump) in &dumps {
        assert!(
            dump.starts_with(what.split(' ').next().unwrap_or(what)),
            "{what}: {dump}"
        );
        for m in markers.iter().copied().chain([
            nir.as_str(),
            iban.as_str(),
            siret.as_str(),
            "732829320",
        ]) {
            assert!(!dump.contains(m), "{what} Debug shows {m:?}: {dump}");
        }
    }
}
