//! Acceptance of the erasure engine (issue 4, PRODUCT.md §3, API.md "Erasure") through
//! the real router and a real database (SQLite, or PostgreSQL when DATABASE_URL is
//! set): every field of a contact and of everything hanging from it checked against
//! `oubli_domain::erasure::PLAN` and against the spec's own list, the schema fully
//! classified, statistics untouched by anonymization, nothing left on disk, read-only
//! records, permissions and token rules, requests, audit, selections and resumption.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::TestApp;
use oubli_domain::erasure::{Link, Rows, Treatment, NOT_ABOUT_A_PERSON, PLAN};
use oubli_domain::validate::gen;
use sea_query::{Alias, Expr, Query};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

// ------------------------------------------------------------------ helpers

const READ_ONLY_MSG: &str =
    "Ce contact a été anonymisé : sa fiche, ses projets et ses contrats sont en lecture seule.";
const BOUNDARY: &str = "----oubli-erasure-boundary-Qm9yZ2V0";

/// Kinds of activity (the `{kind}` of `/contacts/{id}/{kind}`).
const KINDS: &[&str] = &[
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

fn rnd() -> u32 {
    let b = uuid::Uuid::new_v4();
    let b = b.as_bytes();
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn hex12() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_string()
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

/// Ids come from the API (UUIDs), so interpolating them into SQL is safe here.
fn safe(id: &str) -> &str {
    assert!(
        id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
        "not an id: {id}"
    );
    id
}

async fn raw_sql(t: &TestApp, sql: &str) {
    t.state.db.raw(sql).await.expect(sql);
}

#[track_caller]
fn assert_err(s: StatusCode, v: &Value, status: StatusCode, code: &str) {
    assert_eq!(s, status, "{v}");
    assert_eq!(v["error"]["code"], code, "{v}");
    let msg = v["error"]["message"].as_str().unwrap_or_default();
    assert!(!msg.is_empty(), "no message: {v}");
}

#[track_caller]
fn assert_read_only(what: &str, s: StatusCode, v: &Value) {
    assert_eq!(s, StatusCode::CONFLICT, "{what}: {v}");
    assert_eq!(v["error"]["code"], "anonymized", "{what}: {v}");
    assert_eq!(v["error"]["message"], READ_ONLY_MSG, "{what}: {v}");
}

fn request(
    method: Method,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header("x-oubli-request", "1")
        .header(header::COOKIE, format!("oubli_session={token}"));
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::from(body)).expect("request")
}

/// A multipart/form-data body: a title and one file.
fn multipart(title: &str, file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n{title}\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(bytes);
    out.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    out
}

async fn upload(t: &TestApp, token: &str, contact: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let ctype = format!("multipart/form-data; boundary={BOUNDARY}");
    t.send(request(
        Method::POST,
        &format!("/api/v1/contacts/{contact}/documents"),
        token,
        &[(header::CONTENT_TYPE.as_str(), ctype.as_str())],
        body,
    ))
    .await
}

async fn created(t: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (s, v) = t.post(path, token, body).await;
    assert_eq!(s, StatusCode::CREATED, "{path}: {v}");
    v
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
    out
}

fn is_sqlite() -> bool {
    common::backend_url().is_none()
}

// ------------------------------------------------------------------ erasure steps

/// Step one; returns the whole 201 body.
async fn preview(t: &TestApp, token: &str, action: &str, target: Value) -> Value {
    let (s, v) = t
        .post(
            "/api/v1/erasures",
            token,
            json!({"action": action, "target": target}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "preview {action} {target}: {v}");
    for k in [
        "contacts",
        "projects",
        "contracts",
        "documents",
        "messages",
        "activity",
    ] {
        assert!(v["preview"][k].is_i64(), "preview.{k}: {v}");
    }
    assert!(v["confirm_token"].as_str().is_some_and(|s| s.len() >= 16));
    assert!(v["expires_at"].is_string(), "{v}");
    assert_eq!(v["action"], action, "{v}");
    v
}

async fn confirm(t: &TestApp, token: &str, created: &Value) -> Value {
    let id = id_of(created);
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{id}/confirm"),
            token,
            json!({"confirm_token": created["confirm_token"]}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "confirm: {v}");
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["status"], "done", "{v}");
    assert_eq!(v["done"], v["total"], "{v}");
    v
}

/// Both steps as `token`; returns the preview body.
async fn erase(t: &TestApp, token: &str, action: &str, target: Value) -> Value {
    let p = preview(t, token, action, target).await;
    confirm(t, token, &p).await;
    p
}

async fn contact_detail(t: &TestApp, token: &str, id: &str) -> Value {
    let (s, v) = t.get(&format!("/api/v1/contacts/{id}"), token).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn audit_items(t: &TestApp, admin: &str) -> Vec<Value> {
    let (s, v) = t.get("/api/v1/audit?limit=500", admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().expect("items").clone()
}

// ------------------------------------------------------------------ the fixture

/// A contact with every field and every related object filled with distinct markers.
struct Fixture {
    contact: String,
    household: String,
    project: String,
    contract: String,
    consent: String,
    /// Markers that must disappear when the contact is anonymized.
    gone: Vec<String>,
    /// Markers that anonymization keeps (statistics, CGU proof), gone on deletion.
    kept: Vec<String>,
    /// Markers of the project, its subscription, beneficiary and contract (all go when
    /// the project is deleted).
    project_markers: Vec<String>,
    /// The values sent, by `table.column` (for the explicit checks).
    sent: BTreeMap<&'static str, String>,
}

impl Fixture {
    fn all(&self) -> Vec<String> {
        self.gone.iter().chain(&self.kept).cloned().collect()
    }
}

/// Fills every field of a contact and of one of each related object, as `token`
/// (an admin or deputy of the demo cabinet). Opposition is recorded last.
async fn fill(t: &TestApp, token: &str, tag: &str, assignee: &str) -> Fixture {
    let mut gone = Vec::new();
    let mut kept = Vec::new();
    let mut pm = Vec::new();
    let mut sent = BTreeMap::new();
    let mk = |label: &str| format!("MRK-{tag}-{label}-{}", hex12());
    let r = rnd();
    let day = |base: &str, salt: u32| {
        format!(
            "{base}-{:02}-{:02}",
            1 + (r.wrapping_add(salt)) % 12,
            2 + (r.wrapping_mul(7).wrapping_add(salt)) % 27
        )
    };
    let birth = day("1985", 0);
    let hh_birth = day("1987", 3);
    let ben_birth = day("2012", 5);
    let ins_birth = day("1990", 11);
    let email = format!("mrk-{tag}-email-{}@exemple.fr", hex12());
    let mobile = format!("06{:08}", rnd() % 100_000_000);
    let landline = format!("01{:08}", rnd() % 100_000_000);
    let siret = gen::siret_from(&gen::siren_from(rnd()), (rnd() % 10_000) as u16);
    let (first, last, company, street, comment, lbs) = (
        mk("first"),
        mk("last"),
        mk("company"),
        mk("street"),
        mk("comment"),
        mk("lbsource"),
    );
    let (city, supplier) = (mk("city"), mk("supplier"));
    gone.extend([
        first.clone(),
        last.clone(),
        company.clone(),
        street.clone(),
        comment.clone(),
        lbs.clone(),
        email.clone(),
        mobile.clone(),
        landline.clone(),
        siret.clone(),
        birth.clone(),
    ]);
    kept.extend([city.clone(), supplier.clone()]);
    for (k, v) in [
        ("contacts.first_name", &first),
        ("contacts.last_name", &last),
        ("contacts.email", &email),
        ("contacts.city", &city),
        ("contacts.supplier", &supplier),
        ("contacts.birth_date", &birth),
    ] {
        sent.insert(k, v.clone());
    }
    let c = created(
        t,
        token,
        "/api/v1/contacts",
        json!({
            "civility": "mme",
            "first_name": first,
            "last_name": last,
            "company_name": company,
            "siret": siret,
            "email": email,
            "mobile_phone": mobile,
            "landline_phone": landline,
            "street": street,
            "postal_code": "75011",
            "city": city,
            "birth_date": birth,
            "status": "prospect",
            "supplier": supplier,
            "lead_cost_cents": 1234,
            "lead_purchased_on": "2024-02-03",
            "assigned_to": assignee,
            "lawful_basis": "consent",
            "lawful_basis_source": lbs,
            "comment": comment,
        }),
    )
    .await;
    let contact = id_of(&c);

    // Household member.
    let (hf, hl) = (mk("hh-first"), mk("hh-last"));
    gone.extend([hf.clone(), hl.clone(), hh_birth.clone()]);
    let h = created(
        t,
        token,
        &format!("/api/v1/contacts/{contact}/household"),
        json!({"first_name": hf, "last_name": hl, "relation": "spouse", "birth_date": hh_birth}),
    )
    .await;
    let household = id_of(&h);

    // Santé project with a beneficiary and a subscription.
    let nir1 = gen::nir_from(
        2,
        (rnd() % 100) as u8,
        (1 + rnd() % 12) as u8,
        "75",
        (1 + rnd() % 999) as u16,
        (1 + rnd() % 999) as u16,
    );
    let org1 = format!("{}", 100_000_000 + rnd() % 899_999_999);
    let acct: String = hex12()[..11].to_ascii_uppercase();
    let iban = gen::iban_fr(rnd() % 100_000, rnd() % 100_000, &acct, (rnd() % 100) as u8);
    let bic: String = {
        let letters: Vec<char> = uuid::Uuid::new_v4()
            .as_bytes()
            .iter()
            .map(|b| (b'A' + b % 26) as char)
            .collect();
        let bank: String = letters[..4].iter().collect();
        let loc: String = letters[4..6].iter().collect();
        let branch: String = letters[6..9].iter().collect();
        format!("{bank}FR{loc}{branch}")
    };
    let (bf, bl, pcomment, psupplier) = (
        mk("ben-first"),
        mk("ben-last"),
        mk("p-comment"),
        mk("p-supplier"),
    );
    let project_gone = [
        bf.clone(),
        bl.clone(),
        ben_birth.clone(),
        pcomment.clone(),
        nir1.clone(),
        org1.clone(),
        iban.clone(),
        bic.clone(),
    ];
    gone.extend(project_gone.iter().cloned());
    pm.extend(project_gone.iter().cloned());
    kept.push(psupplier.clone());
    pm.push(psupplier.clone());
    let p = created(
        t,
        token,
        "/api/v1/projects",
        json!({
            "contact_id": contact,
            "type": "sante",
            "status": "en_cours",
            "supplier": psupplier,
            "assigned_to": assignee,
            "comment": pcomment,
            "beneficiaries": [{"first_name": bf, "last_name": bl, "birth_date": ben_birth}],
            "subscriptions": [{"nir": nir1, "code_organisme": org1, "iban": iban, "bic": bic}],
        }),
    )
    .await;
    let project = id_of(&p);

    // Contract with an insured person.
    let nir2 = gen::nir_from(
        1,
        (rnd() % 100) as u8,
        (1 + rnd() % 12) as u8,
        "69",
        (1 + rnd() % 999) as u16,
        (1 + rnd() % 999) as u16,
    );
    let org2 = format!("{}", 100_000_000 + rnd() % 899_999_999);
    let (inf, inl, insurer, product) = (
        mk("ins-first"),
        mk("ins-last"),
        mk("insurer"),
        mk("product"),
    );
    let contract_gone = [
        inf.clone(),
        inl.clone(),
        ins_birth.clone(),
        nir2.clone(),
        org2.clone(),
    ];
    gone.extend(contract_gone.iter().cloned());
    pm.extend(contract_gone.iter().cloned());
    kept.extend([insurer.clone(), product.clone()]);
    pm.extend([insurer.clone(), product.clone()]);
    let k = created(
        t,
        token,
        "/api/v1/contracts",
        json!({
            "project_id": project,
            "insurer": insurer,
            "product": product,
            "monthly_premium_cents": 4567,
            "start_date": "2024-03-01",
            "end_date": "2025-02-28",
            "status": "actif",
            "nir": nir2,
            "code_organisme": org2,
            "insured": [{"first_name": inf, "last_name": inl, "birth_date": ins_birth}],
        }),
    )
    .await;
    let contract = id_of(&k);

    // One item of each activity kind.
    let msg_to = format!("mrk-{tag}-recipient-{}@exemple.fr", hex12());
    let sms_to = format!("07{:08}", rnd() % 100_000_000);
    gone.extend([msg_to.clone(), sms_to.clone()]);
    let mut items: Vec<Value> = Vec::new();
    for kind in KINDS.iter().filter(|k| **k != "documents") {
        let (title, body, loc) = (
            mk(&format!("{kind}-title")),
            mk(&format!("{kind}-body")),
            mk(&format!("{kind}-loc")),
        );
        gone.extend([title.clone(), body.clone()]);
        let mut b = json!({"title": title, "body": body});
        match *kind {
            "events" => {
                b["direction"] = json!("inbound");
                b["occurred_at"] = json!("2024-05-01T10:00:00Z");
            }
            "tasks" => {
                b["due_date"] = json!("2024-06-01");
                b["done"] = json!(false);
                b["assigned_to"] = json!(assignee);
            }
            "appointments" => {
                b["starts_at"] = json!("2024-06-02T09:00:00Z");
                b["ends_at"] = json!("2024-06-02T10:00:00Z");
                b["location"] = json!(loc);
                gone.push(loc);
            }
            "quotes" => b["amount_cents"] = json!(9900),
            "membership_forms" => b["signed"] = json!(true),
            "messages" => {
                b["channel"] = json!("email");
                b["recipient"] = json!(msg_to);
                b["direction"] = json!("outbound");
            }
            _ => {}
        }
        items.push(created(t, token, &format!("/api/v1/contacts/{contact}/{kind}"), b).await);
    }
    let sms_body = mk("sms-body");
    gone.push(sms_body.clone());
    created(
        t,
        token,
        &format!("/api/v1/contacts/{contact}/messages"),
        json!({"channel": "sms", "recipient": sms_to, "body": sms_body}),
    )
    .await;
    let (dtitle, dfile, dblob) = (mk("doc-title"), mk("doc-file"), mk("doc-blob"));
    gone.extend([dtitle.clone(), dfile.clone(), dblob.clone()]);
    let (s, d) = upload(
        t,
        token,
        &contact,
        multipart(
            &dtitle,
            &format!("{dfile}.txt"),
            format!("contenu {dblob} fin").as_bytes(),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");

    // A consent (with the device traces), and the ip a widget would have recorded.
    let (origin, ua, ip, label, cgu) = (
        format!("https://exemple.fr/{}", mk("origin")),
        mk("ua"),
        mk("ip"),
        mk("checkbox"),
        mk("cgu"),
    );
    gone.extend([origin.clone(), ua.clone(), ip.clone()]);
    kept.extend([label.clone(), cgu.clone()]);
    let body = json!({
        "purpose": "marketing",
        "granted": true,
        "cgu_version_id": cgu,
        "cgu_sha256": "0".repeat(64),
        "checkbox_label": label,
        "origin_page": origin,
    });
    let (s, cs) = t
        .send(request(
            Method::POST,
            &format!("/api/v1/contacts/{contact}/consents"),
            token,
            &[
                (header::CONTENT_TYPE.as_str(), "application/json"),
                (header::USER_AGENT.as_str(), ua.as_str()),
            ],
            body.to_string().into_bytes(),
        ))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{cs}");
    let consent = id_of(&cs);
    raw_sql(
        t,
        &format!(
            "UPDATE consents SET ip = '{ip}' WHERE id = '{}'",
            safe(&consent)
        ),
    )
    .await;

    // The right to object, last (it forbids messages from now on).
    let (s, o) = t
        .post(
            &format!("/api/v1/contacts/{contact}/opposition"),
            token,
            json!({"channel": "email"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{o}");

    let _ = items;
    Fixture {
        contact,
        household,
        project,
        contract,
        consent,
        gone,
        kept,
        project_markers: pm,
        sent,
    }
}

// ------------------------------------------------------------------ reading rows

/// SQL condition selecting the rows of `link` that hang from contact `cid`.
fn link_where(link: Link, cid: &str) -> String {
    let cid = safe(cid);
    match link {
        Link::Itself => format!("id = '{cid}'"),
        Link::Contact => format!("contact_id = '{cid}'"),
        Link::Project => {
            format!("project_id IN (SELECT id FROM projects WHERE contact_id = '{cid}')")
        }
        Link::Contract => {
            format!("contract_id IN (SELECT id FROM contracts WHERE contact_id = '{cid}')")
        }
    }
}

/// (row id, column) → value as text, for every PLAN column of every row that hangs
/// from the contact.
type Snapshot = BTreeMap<(&'static str, String, &'static str), Option<String>>;

async fn snapshot(t: &TestApp, cid: &str) -> Snapshot {
    let mut out = Snapshot::new();
    let mut tx = t.state.db.read().await.expect("read");
    for plan in PLAN {
        for (col, _) in plan.columns {
            let mut q = Query::select();
            q.expr(Expr::cust("CAST(id AS TEXT)"))
                .expr(Expr::cust(format!("CAST({col} AS TEXT)")))
                .from(Alias::new(plan.table))
                .and_where(Expr::cust(link_where(plan.link, cid)));
            let rows: Vec<(String, Option<String>)> = tx
                .all(&q)
                .await
                .unwrap_or_else(|e| panic!("{}.{col}: {e}", plan.table));
            for (id, v) in rows {
                out.insert((plan.table, id, *col), v);
            }
        }
    }
    tx.commit().await.expect("commit");
    out
}

// ------------------------------------------------------------------ 1. every field

/// Keep columns that anonymization itself updates.
const CHANGED_BY_ERASURE: &[(&str, &str)] =
    &[("contacts", "anonymized_at"), ("contacts", "change_seq")];

#[tokio::test]
async fn anonymize_treats_every_field_as_the_plan_and_the_spec_say() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let f = fill(&t, &admin, "one", &t.acc.sales1).await;
    // A witness contact that must stay untouched.
    let w = fill(&t, &admin, "witness", &t.acc.sales2).await;
    let before = snapshot(&t, &f.contact).await;
    let witness_before = snapshot(&t, &w.contact).await;

    // The fixture really fills every column the plan blanks or reduces, and every
    // column of every table at least once (but the erasure's own timestamp).
    for plan in PLAN {
        let rows: BTreeSet<&String> = before
            .keys()
            .filter(|(tb, _, _)| *tb == plan.table)
            .map(|(_, id, _)| id)
            .collect();
        assert!(!rows.is_empty(), "fixture has no {} row", plan.table);
        for (col, _) in plan.columns {
            if (plan.table, *col) == ("contacts", "anonymized_at") {
                continue;
            }
            let filled = before
                .iter()
                .any(|((tb, _, c), v)| *tb == plan.table && c == col && v.is_some());
            assert!(filled, "fixture leaves {}.{col} empty", plan.table);
        }
    }
    let activity_rows = before
        .keys()
        .filter(|(tb, _, c)| *tb == "activities" && *c == "id")
        .count();
    assert_eq!(
        activity_rows,
        KINDS.len() + 1,
        "one item per kind plus an SMS"
    );
    let blobs = t.dir.path().join("blobs");
    assert_eq!(files_under(&blobs).len(), 2, "the two fixtures' documents");

    let p = erase(&t, &admin, "anonymize", json!({"contacts": [f.contact]})).await;
    assert_eq!(
        p["preview"],
        json!({"contacts": 1, "projects": 1, "contracts": 1, "documents": 1, "messages": 2,
               "activity": KINDS.len() + 1}),
    );

    // Table-driven: every column of every row, by the plan.
    let after = snapshot(&t, &f.contact).await;
    for plan in PLAN {
        for ((tb, id, col), old) in before.iter().filter(|((tb, _, _), _)| *tb == plan.table) {
            let key = (*tb, id.clone(), *col);
            let new = after.get(&key);
            match plan.rows {
                Rows::Delete => {
                    assert!(new.is_none(), "{tb} row {id} survived");
                    continue;
                }
                Rows::Treat => {}
            }
            let new = new.unwrap_or_else(|| panic!("{tb} row {id} disappeared"));
            let t_ = oubli_domain::erasure::treatment(tb, col).expect("classified");
            match t_ {
                Treatment::Blank => assert_eq!(new, &None, "{tb}.{col} must be blanked"),
                Treatment::YearOnly => {
                    let y = old.as_deref().map(|d| format!("{}-01-01", &d[..4]));
                    assert_eq!(new, &y, "{tb}.{col} must keep the year only");
                }
                Treatment::Keep if *col == "updated_at" => {}
                Treatment::Keep if CHANGED_BY_ERASURE.contains(&(*tb, *col)) => {
                    assert!(new.is_some(), "{tb}.{col} must be set");
                }
                Treatment::Keep => assert_eq!(new, old, "{tb}.{col} must be kept"),
            }
        }
    }
    assert_eq!(
        after.len(),
        before.len()
            - before
                .keys()
                .filter(|(tb, _, _)| PLAN
                    .iter()
                    .any(|p| p.table == *tb && p.rows == Rows::Delete))
                .count(),
        "no row appeared"
    );
    // The witness is untouched, column for column.
    assert_eq!(snapshot(&t, &w.contact).await, witness_before);

    // The spec's own list, through the API (PRODUCT.md §3).
    let d = contact_detail(&t, &admin, &f.contact).await;
    for k in [
        "civility",
        "first_name",
        "last_name",
        "company_name",
        "siret",
        "email",
        "mobile_phone",
        "landline_phone",
        "street",
        "comment",
        "lawful_basis_source",
    ] {
        assert!(d[k].is_null(), "contact.{k} must be blanked: {}", d[k]);
    }
    assert_eq!(d["postal_code"], "75011");
    assert_eq!(d["city"], f.sent["contacts.city"].as_str());
    assert_eq!(d["supplier"], f.sent["contacts.supplier"].as_str());
    assert_eq!(d["lead_cost_cents"], 1234);
    assert_eq!(d["lead_purchased_on"], "2024-02-03");
    assert_eq!(d["status"], "prospect");
    assert_eq!(d["assigned_to"], t.acc.sales1.as_str());
    assert_eq!(d["lawful_basis"], "consent");
    assert_eq!(d["opposition_channel"], "email");
    assert!(d["opposition_at"].is_string());
    assert!(d["anonymized_at"].is_string());
    assert_eq!(
        d["created_at"],
        json!(chrono::DateTime::from_timestamp_millis(
            before[&("contacts", f.contact.clone(), "created_at")]
                .as_deref()
                .unwrap()
                .parse::<i64>()
                .unwrap()
        )
        .unwrap()),
    );
    let year = |k: &str| format!("{}-01-01", &f.sent[k][..4]);
    assert_eq!(d["birth_date"], year("contacts.birth_date").as_str());
    let hh = &d["household"][0];
    assert_eq!(hh["id"], f.household.as_str());
    assert!(
        hh["first_name"].is_null() && hh["last_name"].is_null(),
        "{hh}"
    );
    assert_eq!(hh["relation"], "spouse");
    assert!(
        hh["birth_date"].as_str().unwrap().ends_with("-01-01"),
        "{hh}"
    );
    let pj = &d["projects"][0];
    assert_eq!(pj["id"], f.project.as_str());
    assert_eq!(pj["type"], "sante");
    assert_eq!(pj["status"], "en_cours");
    assert_eq!(pj["assigned_to"], t.acc.sales1.as_str());
    assert!(pj["supplier"].is_string());
    assert!(pj["comment"].is_null(), "{pj}");
    assert!(pj["anonymized_at"].is_string(), "{pj}");
    let b = &pj["beneficiaries"][0];
    assert!(b["first_name"].is_null() && b["last_name"].is_null(), "{b}");
    assert!(b["birth_date"].as_str().unwrap().ends_with("-01-01"), "{b}");
    let s = &pj["subscriptions"][0];
    for k in ["nir", "code_organisme", "iban", "bic"] {
        assert!(s[k].is_null(), "subscription.{k}: {s}");
    }
    let k = &d["contracts"][0];
    assert_eq!(k["id"], f.contract.as_str());
    assert!(k["nir"].is_null() && k["code_organisme"].is_null(), "{k}");
    assert_eq!(k["monthly_premium_cents"], 4567);
    assert_eq!(k["status"], "actif");
    assert_eq!(k["start_date"], "2024-03-01");
    assert!(k["insurer"].is_string() && k["product"].is_string(), "{k}");
    let i = &k["insured"][0];
    assert!(i["first_name"].is_null() && i["last_name"].is_null(), "{i}");
    assert!(i["birth_date"].as_str().unwrap().ends_with("-01-01"), "{i}");
    let counts = d["activity_counts"].as_object().expect("activity_counts");
    assert!(counts.values().all(|n| n == 0), "{counts:?}");
    for kind in KINDS {
        let (s, l) = t
            .get(&format!("/api/v1/contacts/{}/{kind}", f.contact), &admin)
            .await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert_eq!(l["total"], 0, "{kind}: {l}");
        assert_eq!(l["items"], json!([]), "{kind}");
    }
    let (s, cs) = t
        .get(&format!("/api/v1/contacts/{}/consents", f.contact), &admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{cs}");
    let list = cs.as_array().or(cs["items"].as_array()).expect("consents");
    let c = list
        .iter()
        .find(|c| c["id"] == f.consent.as_str())
        .expect("the consent record stays");
    for k in ["origin_page", "ip", "user_agent"] {
        assert!(c[k].is_null(), "consent.{k}: {c}");
    }
    assert_eq!(c["purpose"], "marketing");
    assert_eq!(c["granted"], true);
    // Only the witness's file is left in the blob store.
    let left = files_under(&blobs);
    assert_eq!(left.len(), 1, "{left:?}");
    let bytes = std::fs::read(&left[0]).expect("blob");
    assert!(
        !f.gone.iter().any(|m| contains(&bytes, m)),
        "the anonymized contact's file is still there"
    );
}

// ------------------------------------------------------------------ 2. schema

async fn schema_columns(t: &TestApp) -> BTreeSet<(String, String)> {
    if is_sqlite() {
        use sqlx::Connection;
        let path = t.dir.path().join("oubli.db");
        let mut c = sqlx::sqlite::SqliteConnection::connect(&format!(
            "sqlite://{}?mode=ro",
            path.display()
        ))
        .await
        .expect("open the SQLite file");
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        )
        .fetch_all(&mut c)
        .await
        .expect("schema");
        c.close().await.ok();
        rows.into_iter().collect()
    } else {
        let mut tx = t.state.db.read().await.expect("read");
        let mut q = Query::select();
        q.expr(Expr::cust("CAST(table_name AS TEXT)"))
            .expr(Expr::cust("CAST(column_name AS TEXT)"))
            .from((Alias::new("information_schema"), Alias::new("columns")))
            .and_where(Expr::cust("table_schema = current_schema()"));
        let rows: Vec<(String, String)> = tx.all(&q).await.expect("information_schema");
        tx.commit().await.expect("commit");
        rows.into_iter().collect()
    }
}

#[tokio::test]
async fn every_column_of_the_schema_is_classified() {
    let t = TestApp::new().await;
    let cols = schema_columns(&t).await;
    let tables: BTreeSet<&str> = cols.iter().map(|(t, _)| t.as_str()).collect();
    for table in ["contacts", "activities", "audit_log", "erasures"] {
        assert!(tables.contains(table), "schema read: {tables:?}");
    }
    let mut unclassified = Vec::new();
    for (table, col) in &cols {
        let not_person = NOT_ABOUT_A_PERSON.iter().any(|(t, _)| t == table);
        let planned = oubli_domain::erasure::treatment(table, col).is_some();
        if !not_person && !planned {
            unclassified.push(format!("{table}.{col}"));
        }
    }
    assert!(
        unclassified.is_empty(),
        "columns neither in PLAN nor in a NOT_ABOUT_A_PERSON table: {unclassified:?}"
    );
    // And the plan names only real columns, each once.
    let mut stale = Vec::new();
    for plan in PLAN {
        let mut seen = BTreeSet::new();
        for (col, _) in plan.columns {
            assert!(seen.insert(*col), "{}.{col} listed twice", plan.table);
            if !cols.contains(&(plan.table.to_string(), col.to_string())) {
                stale.push(format!("{}.{col}", plan.table));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "PLAN columns not in the schema: {stale:?}"
    );
    for (table, _) in NOT_ABOUT_A_PERSON {
        if *table != "_sqlx_migrations" {
            assert!(tables.contains(table), "NOT_ABOUT_A_PERSON names {table}");
        }
    }
}

// ------------------------------------------------------------------ 3. statistics

async fn stats_bytes(t: &TestApp, token: &str) -> Vec<u8> {
    let (s, _, body) = t
        .send_raw(request(
            Method::GET,
            "/api/v1/stats/summary",
            token,
            &[],
            vec![],
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    body
}

#[tokio::test]
async fn statistics_are_byte_identical_after_anonymizing_and_change_after_deleting() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let f = fill(&t, &admin, "stats", &t.acc.sales1).await;
    // A second lead, client with an active contract, to make the figures non-trivial.
    let g = fill(&t, &admin, "stats2", &t.acc.sales2).await;
    let (s, v) = t
        .patch(
            &format!("/api/v1/contacts/{}", g.contact),
            &admin,
            json!({"status": "client"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let before = stats_bytes(&t, &admin).await;
    let sv: Value = serde_json::from_slice(&before).expect("json");
    assert_eq!(sv["leads_total"], 2, "{sv}");
    assert_eq!(sv["lead_cost_total"], 2468, "{sv}");

    erase(&t, &admin, "anonymize", json!({"contacts": [f.contact]})).await;
    let after = stats_bytes(&t, &admin).await;
    assert_eq!(
        String::from_utf8_lossy(&after),
        String::from_utf8_lossy(&before),
        "anonymization changed the statistics"
    );
    assert_eq!(after, before);

    erase(&t, &admin, "delete", json!({"contacts": [f.contact]})).await;
    let deleted = stats_bytes(&t, &admin).await;
    assert_ne!(deleted, before, "deletion must change the statistics");
    let dv: Value = serde_json::from_slice(&deleted).expect("json");
    assert_eq!(dv["leads_total"], 1, "{dv}");
    assert_eq!(dv["lead_cost_total"], 1234, "{dv}");
}

// ------------------------------------------------------------------ 4. nothing left

fn contains(hay: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    !n.is_empty() && hay.windows(n.len()).any(|w| w == n)
}

/// The markers found in the SQLite file, its WAL and the blob directory, with where.
fn on_disk(t: &TestApp, markers: &[String]) -> Vec<String> {
    let dir = t.dir.path();
    let mut files = vec![dir.join("oubli.db")];
    for extra in ["oubli.db-wal", "oubli.db-journal"] {
        if dir.join(extra).exists() {
            files.push(dir.join(extra));
        }
    }
    files.extend(files_under(&dir.join("blobs")));
    let mut hits = Vec::new();
    for f in files {
        let bytes = std::fs::read(&f).unwrap_or_default();
        for m in markers {
            if contains(&bytes, m) {
                hits.push(format!(
                    "{m} in {}",
                    f.strip_prefix(dir).unwrap_or(&f).display()
                ));
            }
        }
    }
    hits
}

#[tokio::test]
async fn nothing_erased_is_left_in_the_database_file_its_wal_or_the_blobs() {
    if !is_sqlite() {
        eprintln!("SQLite only: PostgreSQL files are not ours to scan (see README on VACUUM)");
        return;
    }
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;

    // Anonymization.
    let a = fill(&t, &admin, "anon", &t.acc.sales1).await;
    let hits = on_disk(&t, &a.all());
    assert!(
        a.all()
            .iter()
            .all(|m| hits.iter().any(|h| h.starts_with(m.as_str()))),
        "the scanner must see every marker before the erasure; missing: {:?}",
        a.all()
            .iter()
            .filter(|m| !hits.iter().any(|h| h.starts_with(m.as_str())))
            .collect::<Vec<_>>()
    );
    erase(&t, &admin, "anonymize", json!({"contacts": [a.contact]})).await;
    let hits = on_disk(&t, &a.gone);
    assert!(hits.is_empty(), "left after anonymization: {hits:#?}");
    // What anonymization keeps is still there: the scan does see the file.
    let kept = on_disk(&t, &a.kept);
    assert!(!kept.is_empty(), "the scanner sees nothing at all");

    // Deletion of a contact.
    let b = fill(&t, &admin, "del", &t.acc.sales1).await;
    erase(&t, &admin, "delete", json!({"contacts": [b.contact]})).await;
    let mut all = b.all();
    all.extend(a.gone.iter().cloned());
    let hits = on_disk(&t, &all);
    assert!(hits.is_empty(), "left after deletion: {hits:#?}");
    let (s, _) = t
        .get(&format!("/api/v1/contacts/{}", b.contact), &admin)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Deletion of a project: the project, its contract and what hangs on them.
    let c = fill(&t, &admin, "proj", &t.acc.sales1).await;
    let p = erase(&t, &admin, "delete", json!({"projects": [c.project]})).await;
    assert_eq!(p["preview"]["projects"], 1, "{p}");
    assert_eq!(p["preview"]["contracts"], 1, "{p}");
    let hits = on_disk(&t, &c.project_markers);
    assert!(
        hits.is_empty(),
        "left after deleting the project: {hits:#?}"
    );
    let d = contact_detail(&t, &admin, &c.contact).await;
    assert_eq!(d["projects"], json!([]));
    assert_eq!(d["contracts"], json!([]));
    assert!(d["anonymized_at"].is_null());
    assert_eq!(d["first_name"], c.sent["contacts.first_name"].as_str());
    let (s, _) = t
        .get(&format!("/api/v1/contracts/{}", c.contract), &admin)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

// ------------------------------------------------------------------ 5. read-only

#[tokio::test]
async fn an_anonymized_contact_and_everything_under_it_is_read_only() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let f = fill(&t, &admin, "ro", &t.acc.sales1).await;
    erase(&t, &admin, "anonymize", json!({"contacts": [f.contact]})).await;
    let c = &f.contact;
    // An activity item left behind (as an older version might have): still locked.
    let item = uuid::Uuid::new_v4().to_string();
    raw_sql(
        &t,
        &format!(
            "INSERT INTO activities (id, cabinet_id, contact_id, kind, title, created_at, updated_at) \
             VALUES ('{item}', '{}', '{}', 'notes', 'x', 0, 0)",
            safe(&t.acc.demo_cabinet),
            safe(c)
        ),
    )
    .await;

    let mut cases: Vec<(Method, String, Value)> = vec![
        (
            Method::PATCH,
            format!("/contacts/{c}"),
            json!({"comment": "x"}),
        ),
        (
            Method::POST,
            format!("/contacts/{c}/household"),
            json!({"first_name": "A", "last_name": "B"}),
        ),
        (
            Method::PATCH,
            format!("/contacts/{c}/household/{}", f.household),
            json!({"first_name": "A"}),
        ),
        (
            Method::DELETE,
            format!("/contacts/{c}/household/{}", f.household),
            Value::Null,
        ),
        (
            Method::POST,
            "/projects".into(),
            json!({"contact_id": c, "type": "auto"}),
        ),
        (
            Method::PATCH,
            format!("/projects/{}", f.project),
            json!({"status": "perdu"}),
        ),
        (
            Method::POST,
            "/contracts".into(),
            json!({"project_id": f.project, "insurer": "Assureur"}),
        ),
        (
            Method::PATCH,
            format!("/contracts/{}", f.contract),
            json!({"status": "resilie"}),
        ),
        (
            Method::PATCH,
            format!("/contacts/{c}/notes/{item}"),
            json!({"body": "x"}),
        ),
        (
            Method::DELETE,
            format!("/contacts/{c}/notes/{item}"),
            Value::Null,
        ),
        (
            Method::POST,
            format!("/contacts/{c}/consents"),
            json!({"purpose": "partners", "granted": true}),
        ),
        (
            Method::POST,
            format!("/contacts/{c}/opposition"),
            json!({"channel": "phone"}),
        ),
    ];
    for kind in KINDS.iter().filter(|k| **k != "documents") {
        let body = match *kind {
            "appointments" => json!({"starts_at": "2024-06-02T09:00:00Z", "title": "x"}),
            "messages" => json!({"channel": "sms", "recipient": "0600000000", "body": "x"}),
            _ => json!({"title": "x", "body": "x"}),
        };
        cases.push((Method::POST, format!("/contacts/{c}/{kind}"), body));
    }
    for (method, path, body) in cases {
        let body = (!body.is_null()).then_some(body);
        let (s, v) = t
            .call(
                method.clone(),
                &format!("/api/v1{path}"),
                Some(admin.as_str()),
                body,
            )
            .await;
        assert_read_only(&format!("{method} {path}"), s, &v);
    }
    let (s, v) = upload(&t, &admin, c, multipart("x", "x.txt", b"x")).await;
    assert_read_only("POST documents", s, &v);
    assert!(files_under(&t.dir.path().join("blobs")).is_empty());
    // Nothing was written.
    let d = contact_detail(&t, &admin, c).await;
    assert!(d["comment"].is_null());
    assert_eq!(d["household"].as_array().map(Vec::len), Some(1));
    assert_eq!(d["projects"].as_array().map(Vec::len), Some(1));
    assert_eq!(d["contracts"].as_array().map(Vec::len), Some(1));
    assert_eq!(d["opposition_channel"], "email");
    // Anonymizing it again is refused as read-only too; deleting it stays possible.
    let (s, v) = t
        .post(
            "/api/v1/erasures",
            &admin,
            json!({"action": "anonymize", "target": {"contacts": [c]}}),
        )
        .await;
    assert_read_only("anonymize twice", s, &v);
}

// ------------------------------------------------------------------ 6. permissions, tokens

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

// ------------------------------------------------------------------ 7. requests

#[tokio::test]
async fn sales_request_an_erasure_admins_approve_or_reject_and_the_requester_sees_it() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let c1 = t.contact(&sales, json!({"last_name": "Martin"})).await;
    let c2 = t.contact(&sales, json!({"last_name": "Bernard"})).await;
    let reason = format!("Demande écrite du client MRK-reason-{}", hex12());

    let r = created(
        &t,
        &sales,
        "/api/v1/erasure-requests",
        json!({"action": "anonymize", "target": {"contacts": [c1]}, "reason": reason}),
    )
    .await;
    let rid = id_of(&r);
    assert_eq!(r["status"], "open");
    assert_eq!(r["reason"], reason.as_str());
    assert_eq!(r["requester_id"], t.acc.sales1.as_str());
    // Sales may not preview nor approve.
    let (s, v) = t
        .post(
            &format!("/api/v1/erasure-requests/{rid}/approve"),
            &sales,
            json!({}),
        )
        .await;
    assert_err(s, &v, StatusCode::FORBIDDEN, "forbidden");
    let (s, v) = t
        .post(
            &format!("/api/v1/erasure-requests/{rid}/reject"),
            &sales,
            json!({"reason": "non"}),
        )
        .await;
    assert_err(s, &v, StatusCode::FORBIDDEN, "forbidden");

    let (s, l) = t.get("/api/v1/erasure-requests", &admin).await;
    assert_eq!(s, StatusCode::OK, "{l}");
    let mine = l["items"]
        .as_array()
        .expect("list")
        .iter()
        .find(|x| x["id"] == rid.as_str())
        .cloned()
        .expect("admin sees the request");
    assert_eq!(mine["target_id"], c1.as_str());
    assert_eq!(mine["target_kind"], "contacts");
    assert_eq!(mine["action"], "anonymize");

    let (s, a) = t
        .post(
            &format!("/api/v1/erasure-requests/{rid}/approve"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(a["preview"]["contacts"], 1, "{a}");
    assert!(a["confirm_token"].is_string());
    // Not yet: approving only opens the two steps.
    assert!(contact_detail(&t, &admin, &c1).await["anonymized_at"].is_null());
    confirm(&t, &admin, &a).await;
    assert!(contact_detail(&t, &admin, &c1).await["anonymized_at"].is_string());
    // Approving twice is refused.
    let (s, v) = t
        .post(
            &format!("/api/v1/erasure-requests/{rid}/approve"),
            &admin,
            json!({}),
        )
        .await;
    assert_err(s, &v, StatusCode::CONFLICT, "already_decided");

    // Rejection with a reason.
    let r2 = created(
        &t,
        &sales,
        "/api/v1/erasure-requests",
        json!({"action": "delete", "target": {"contacts": [c2]}, "reason": "Doublon"}),
    )
    .await;
    let rid2 = id_of(&r2);
    let (s, v) = t
        .post(
            &format!("/api/v1/erasure-requests/{rid2}/reject"),
            &admin,
            json!({"reason": "Contrat en cours : conservation légale"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "rejected");

    let (s, l) = t.get("/api/v1/erasure-requests", &sales).await;
    assert_eq!(s, StatusCode::OK, "{l}");
    let list = l["items"].as_array().expect("list");
    assert_eq!(list.len(), 2, "{l}");
    let done = list.iter().find(|x| x["id"] == rid.as_str()).expect("r1");
    assert_eq!(done["status"], "done", "{done}");
    assert!(
        done["reason"].is_null(),
        "the reason goes with the data: {done}"
    );
    assert_eq!(done["decided_by"], t.acc.admin.as_str());
    let rej = list.iter().find(|x| x["id"] == rid2.as_str()).expect("r2");
    assert_eq!(rej["status"], "rejected", "{rej}");
    assert_eq!(
        rej["decision_reason"],
        "Contrat en cours : conservation légale"
    );
    assert!(contact_detail(&t, &admin, &c2).await["anonymized_at"].is_null());
    if is_sqlite() {
        let hits = on_disk(&t, std::slice::from_ref(&reason));
        assert!(hits.is_empty(), "{hits:?}");
    }
    // Another sales user does not see commercial1's requests.
    let other = t.login("commercial2@demo.fr").await;
    let (s, l) = t.get("/api/v1/erasure-requests", &other).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(l["items"], json!([]));
}

// ------------------------------------------------------------------ 8. audit

#[tokio::test]
async fn the_audit_of_erasures_holds_ids_and_counts_only_and_its_chain_verifies() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let a = fill(&t, &admin, "aud-a", &t.acc.sales1).await;
    let b = fill(&t, &admin, "aud-b", &t.acc.sales1).await;
    let c = fill(&t, &admin, "aud-c", &t.acc.sales1).await;
    let reason = format!("MRK-aud-reason-{}", hex12());
    let r = created(
        &t,
        &sales,
        "/api/v1/erasure-requests",
        json!({"action": "anonymize", "target": {"contacts": [a.contact]}, "reason": reason}),
    )
    .await;
    let (s, ap) = t
        .post(
            &format!("/api/v1/erasure-requests/{}/approve", id_of(&r)),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{ap}");
    confirm(&t, &admin, &ap).await;
    erase(&t, &admin, "delete", json!({"contacts": [b.contact]})).await;
    erase(&t, &admin, "delete", json!({"projects": [c.project]})).await;

    let n = oubli_server::audit::verify(&t.state.db)
        .await
        .expect("verify runs");
    assert!(matches!(n, Ok(k) if k > 0), "{n:?}");

    let items = audit_items(&t, &admin).await;
    let text = serde_json::to_string(&items).expect("json");
    let mut markers = a.all();
    markers.extend(b.all());
    markers.extend(c.all());
    markers.push(reason);
    let leaked: Vec<_> = markers
        .iter()
        .filter(|m| text.contains(m.as_str()))
        .collect();
    assert!(
        leaked.is_empty(),
        "the audit log holds personal data: {leaked:?}"
    );
    let actions: BTreeSet<&str> = items.iter().filter_map(|e| e["action"].as_str()).collect();
    for want in [
        "erasure.preview.anonymize",
        "erasure.confirm.anonymize",
        "contact.anonymize",
        "erasure.preview.delete",
        "erasure.confirm.delete",
        "contact.delete",
        "project.delete",
        "erasure_request.anonymize",
    ] {
        assert!(actions.contains(want), "no {want} entry: {actions:?}");
    }
    // Erasure entries: only numbers and ids in their detail.
    fn ids_and_counts(v: &Value) -> bool {
        match v {
            Value::Number(_) | Value::Null | Value::Bool(_) => true,
            Value::String(s) => s
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/' || b == b'_'),
            Value::Array(a) => a.iter().all(ids_and_counts),
            Value::Object(o) => o.values().all(ids_and_counts),
        }
    }
    for e in &items {
        let act = e["action"].as_str().unwrap_or_default();
        if act.starts_with("erasure") || act.ends_with(".anonymize") || act.ends_with(".delete") {
            assert!(ids_and_counts(&e["detail"]), "{e}");
        }
    }
    let anon = items
        .iter()
        .find(|e| e["action"] == "contact.anonymize" && e["target_id"] == a.contact.as_str())
        .expect("contact.anonymize entry");
    assert_eq!(anon["detail"]["contracts"], 1, "{anon}");
    assert_eq!(anon["detail"]["documents"], 1, "{anon}");
    assert_eq!(anon["actor_user_id"], t.acc.admin.as_str());
    assert_eq!(anon["outcome"], "ok");
}

// ------------------------------------------------------------------ 9. selection

#[tokio::test]
async fn a_filter_selection_with_exclusions_is_resolved_at_preview_time() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let supplier = format!("Sel-{}", hex12());
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            t.contact(
                &admin,
                json!({"last_name": format!("P{i}"), "status": "prospect", "supplier": supplier}),
            )
            .await,
        );
    }
    // A client with the same supplier is outside the filter.
    let client = t
        .contact(
            &admin,
            json!({"last_name": "C", "status": "client", "supplier": supplier}),
        )
        .await;
    let (_, all) = t.get("/api/v1/contacts?status=prospect", &admin).await;
    let filter = if all["total"] == 5 {
        json!({"status": "prospect"})
    } else {
        json!({"status": "prospect", "supplier": supplier})
    };
    let p = preview(
        &t,
        &admin,
        "anonymize",
        json!({"contacts_filter": filter, "exclude": [ids[2]]}),
    )
    .await;
    assert_eq!(p["preview"]["contacts"], 4, "{p}");
    let late = t
        .contact(
            &admin,
            json!({"last_name": "Late", "status": "prospect", "supplier": supplier}),
        )
        .await;
    let st = confirm(&t, &admin, &p).await;
    assert_eq!(st["total"], 4, "{st}");
    let mut anonymized = 0;
    for (i, id) in ids.iter().enumerate() {
        let d = contact_detail(&t, &admin, id).await;
        let is_anon = d["anonymized_at"].is_string();
        assert_eq!(is_anon, i != 2, "contact {i}: {d}");
        anonymized += usize::from(is_anon);
    }
    assert_eq!(anonymized, 4);
    assert!(contact_detail(&t, &admin, &late).await["anonymized_at"].is_null());
    assert!(contact_detail(&t, &admin, &client).await["anonymized_at"].is_null());
    let (s, v) = t
        .get(
            &format!("/api/v1/contacts?supplier={supplier}&anonymized=true"),
            &admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 4, "{v}");
}

// ------------------------------------------------------------------ 10. resume

#[tokio::test]
async fn an_interrupted_erasure_resumes_and_processes_each_member_once() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            t.contact(&admin, json!({"last_name": format!("R{i}")}))
                .await,
        );
    }
    let p = preview(&t, &admin, "anonymize", json!({"contacts": ids})).await;
    let eid = id_of(&p);
    // Confirmed, then the server stopped before running it.
    raw_sql(
        &t,
        &format!(
            "UPDATE erasures SET status = 'pending', token_hash = NULL WHERE id = '{}'",
            safe(&eid)
        ),
    )
    .await;
    let blob_dir = t.dir.path().join("blobs");
    oubli_server::erasure::run(&t.state.db, &blob_dir, &eid)
        .await
        .expect("run");
    let count = |items: &[Value]| -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for e in items {
            if e["action"] == "contact.anonymize" {
                *m.entry(e["target_id"].as_str().unwrap_or_default().to_string())
                    .or_insert(0) += 1;
            }
        }
        m
    };
    let items = audit_items(&t, &admin).await;
    let per = count(&items);
    assert_eq!(per.len(), 3, "{per:?}");
    assert!(per.values().all(|n| *n == 1), "{per:?}");
    for id in &ids {
        assert!(per.contains_key(id));
        assert!(contact_detail(&t, &admin, id).await["anonymized_at"].is_string());
    }
    let (s, v) = t.get(&format!("/api/v1/erasures/{eid}"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "done", "{v}");
    assert_eq!(v["done"], 3, "{v}");
    // Running it again (a second resume) changes nothing.
    let n_before = items.len();
    oubli_server::erasure::run(&t.state.db, &blob_dir, &eid)
        .await
        .expect("run again");
    let again = audit_items(&t, &admin).await;
    assert_eq!(again.len(), n_before, "a second run wrote to the audit log");
    let (_, v) = t.get(&format!("/api/v1/erasures/{eid}"), &admin).await;
    assert_eq!(v["done"], 3, "{v}");

    // A crash in the middle: the first chunk of members done, the rest not.
    let chunk = oubli_server::erasure::CHUNK as usize;
    let mut more: Vec<String> = Vec::new();
    for i in 0..chunk + 3 {
        more.push(
            t.contact(&admin, json!({"last_name": format!("S{i}")}))
                .await,
        );
    }
    let p = preview(&t, &admin, "anonymize", json!({"contacts": more})).await;
    let eid2 = id_of(&p);
    raw_sql(
        &t,
        &format!(
            "UPDATE erasures SET status = 'running', token_hash = NULL WHERE id = '{}'",
            safe(&eid2)
        ),
    )
    .await;
    // The first chunk as stored (the database's id order).
    let first: Vec<String> = {
        let mut q = Query::select();
        q.column(Alias::new("target_ids"))
            .from(Alias::new("erasure_chunks"))
            .and_where(Expr::col(Alias::new("erasure_id")).eq(eid2.as_str()))
            .and_where(Expr::col(Alias::new("seq")).eq(0i64));
        let mut tx = t.state.db.read().await.expect("read");
        let (ids,): (String,) = tx.opt(&q).await.expect("chunk").expect("chunk 0");
        serde_json::from_str(&ids).expect("ids")
    };
    assert_eq!(first.len(), chunk);
    // Erase the first chunk's contacts through their own erasure and mark the chunk
    // done, as the interrupted run would have in the same transaction.
    let e = preview(&t, &admin, "anonymize", json!({"contacts": first})).await;
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{}/confirm", id_of(&e)),
            &admin,
            json!({"confirm_token": e["confirm_token"]}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let job = t.wait_job(&admin, &id_of(&e)).await;
    assert_eq!(job["status"], "done", "{job}");
    raw_sql(
        &t,
        &format!(
            "UPDATE erasure_chunks SET done = 1 WHERE erasure_id = '{}' AND seq = 0",
            safe(&eid2)
        ),
    )
    .await;
    raw_sql(
        &t,
        &format!(
            "UPDATE erasures SET done = {chunk} WHERE id = '{}'",
            safe(&eid2)
        ),
    )
    .await;
    let n = oubli_server::erasure::resume_pending(&t.state.db, blob_dir.clone())
        .await
        .expect("resume");
    assert!(n >= 1, "the running erasure is picked up");
    // The resumed job runs in the background: wait for it.
    let mut status = Value::Null;
    for _ in 0..200 {
        let (_, v) = t.get(&format!("/api/v1/erasures/{eid2}"), &admin).await;
        if v["status"] == "done" {
            status = v;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(status["status"], "done", "resumed erasure finished");
    assert_eq!(status["done"], more.len(), "{status}");
    let per = count(&audit_items(&t, &admin).await);
    for id in &more {
        assert_eq!(per.get(id), Some(&1), "{id}: {per:?}");
        assert!(contact_detail(&t, &admin, id).await["anonymized_at"].is_string());
    }
}
