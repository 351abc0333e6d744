//! The fixture: a contact with every field and every related object filled with
//! distinct markers, and the rows that hang from it as read from the database.

use crate::common::TestApp;
use crate::support::*;
use axum::http::{header, Method, StatusCode};
use oubli_domain::erasure::{Link, PLAN};
use oubli_domain::validate::gen;
use sea_query::{Alias, Expr, Query};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub fn rnd() -> u32 {
    let b = uuid::Uuid::new_v4();
    let b = b.as_bytes();
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// A contact with every field and every related object filled with distinct markers.
pub struct Fixture {
    pub contact: String,
    pub household: String,
    pub project: String,
    pub contract: String,
    pub consent: String,
    /// Markers that must disappear when the contact is anonymized.
    pub gone: Vec<String>,
    /// Markers that anonymization keeps (statistics, CGU proof), gone on deletion.
    pub kept: Vec<String>,
    /// Markers of the project, its subscription, beneficiary and contract (all go when
    /// the project is deleted).
    pub project_markers: Vec<String>,
    /// The values sent, by `table.column` (for the explicit checks).
    pub sent: BTreeMap<&'static str, String>,
}

impl Fixture {
    pub fn all(&self) -> Vec<String> {
        self.gone.iter().chain(&self.kept).cloned().collect()
    }
}

/// Fills every field of a contact and of one of each related object, as `token`
/// (an admin or deputy of the demo cabinet). Opposition is recorded last.
pub async fn fill(t: &TestApp, token: &str, tag: &str, assignee: &str) -> Fixture {
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
    // The widget it came through, and the widget's build (kept: not about the person).
    let widget = format!("w-{}", hex12());
    raw_sql(
        t,
        &format!(
            "INSERT INTO widgets (id, cabinet_id, public_key, kind, name, allowed_origins, \
             project_type, routing_mode, created_at, updated_at) VALUES ('{widget}', '{}', \
             '{widget}', 'lead_form', 'Essai', '[]', 'sante', 'round_robin', 0, 0)",
            safe(&t.acc.demo_cabinet)
        ),
    )
    .await;
    raw_sql(
        t,
        &format!(
            "UPDATE consents SET ip = '{ip}', widget_id = '{widget}', widget_build = 'b-1' \
             WHERE id = '{}'",
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

/// SQL condition selecting the rows of `link` that hang from contact `cid`.
pub fn link_where(link: Link, cid: &str) -> String {
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
pub type Snapshot = BTreeMap<(&'static str, String, &'static str), Option<String>>;

pub async fn snapshot(t: &TestApp, cid: &str) -> Snapshot {
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
