//! Taking a lead in (PRODUCT.md §5, §9), whether from a public widget or a supplier:
//! one use case in the caller's transaction. The opposition list is checked first; a
//! person already in the cabinet (same email or mobile) gets a new project, not a
//! second contact; the consent proof is stored; routing picks the user; a receipt
//! makes a replay answer the same lead; the audit entry holds ids only.
//!
//! `rate` holds the per-widget and per-address windows, `token` the form token of
//! the minimum fill time.

pub mod rate;
pub mod token;

use crate::db::rows::{insert, n};
use crate::db::{date_str, new_id, now_ms, Tx};
use crate::error::Result;
use crate::{audit, changes};
use hmac::{Hmac, Mac};
use oubli_domain::{
    ConsentPurpose, ConsentSource, ContactInput, LawfulBasis, LeadHouseholdMember, ProjectStatus,
    ProjectType, RoutingMode,
};
use sea_query::{Cond, Expr, Order, Query};

/// HMAC-SHA256 under the cabinet's key: the suppression list can recognise the same
/// email or phone later without holding it.
pub fn keyed_hash(key: &str, kind: &str, value: &str) -> String {
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key.as_bytes())
        .expect("HMAC accepts any key length");
    mac.update(kind.as_bytes());
    mac.update(b":");
    mac.update(value.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Where the lead came from: the receipt's owner and the idempotency it keys.
pub enum Channel {
    Widget {
        widget_id: String,
        idempotency_key: Option<String>,
    },
    Supplier {
        api_key_id: String,
        /// SHA-256 of the supplier's external id.
        external_ref: Option<String>,
    },
}

/// How a lead is routed (a supplier key's leads: the whole cabinet in turn; see
/// [`route`]).
pub struct Routing {
    pub mode: RoutingMode,
    pub user_id: Option<String>,
    pub team_id: Option<String>,
    /// The row whose cursor turns: `("widgets" | "api_keys", id)`.
    pub cursor: (&'static str, String),
    /// A turn already taken with [`take_turn`], before the lead's transaction; None:
    /// [`route`] takes it in the transaction.
    pub turn: Option<i64>,
}

fn turn_query(cursor: &(&'static str, String)) -> sea_query::UpdateStatement {
    let mut u = Query::update();
    u.table(n(cursor.0))
        .value(n("routing_cursor"), Expr::col(n("routing_cursor")).add(1))
        .and_where(Expr::col(n("id")).eq(cursor.1.as_str()))
        .returning_col(n("routing_cursor"));
    u
}

/// Takes a turn of the routing cursor in a transaction of its own, committed at once.
/// On PostgreSQL the cursor's row is locked until the end of the transaction that
/// moves it: taken inside a lead's transaction, it would keep every other lead of the
/// same widget or key waiting for the whole of it (contact, project, consents, audit,
/// commit). Taken here, two leads at once still get two turns; a lead that then fails
/// or is a replay only skips one.
pub async fn take_turn(db: &crate::db::Db, cursor: &(&'static str, String)) -> Result<i64> {
    let mut tx = db.begin().await?;
    let turn = tx.int(&turn_query(cursor)).await? - 1;
    tx.commit().await?;
    Ok(turn)
}

/// Whether the lead's turn is better taken beforehand ([`take_turn`]): on PostgreSQL
/// when the lead may go round (SQLite has one writer at a time anyway, where a
/// separate transaction would only cost one more).
pub fn turn_ahead(db: &crate::db::Db, mode: RoutingMode) -> bool {
    db.backend == crate::db::Backend::Postgres && mode != RoutingMode::User
}

/// The consent proof (PRODUCT.md §2: who, when, through what, which CGU version and
/// its SHA-256, the checkbox label, origin page, IP and user agent).
pub struct Proof {
    pub source: ConsentSource,
    pub collected_at_ms: i64,
    pub cgu_version_id: Option<String>,
    pub cgu_sha256: Option<String>,
    pub checkbox_label: Option<String>,
    pub page: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub widget_id: Option<String>,
    pub widget_build: Option<String>,
    /// The marketing checkbox's label when it was ticked.
    pub marketing_label: Option<String>,
}

pub struct NewLead {
    /// Normalized and validated.
    pub contact: ContactInput,
    pub project_type: ProjectType,
    pub comment: Option<String>,
    pub household: Vec<LeadHouseholdMember>,
    pub supplier: Option<String>,
    pub lead_cost_cents: Option<i64>,
    pub lawful_basis: LawfulBasis,
    pub lawful_basis_source: String,
    pub proof: Proof,
    pub routing: Routing,
    pub channel: Channel,
}

/// What became of a lead (for the caller's answer and tests; never sent to a widget).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taken {
    pub contact_id: String,
    pub project_id: String,
    pub known: bool,
    pub opposed: bool,
}

/// The lead a receipt already names: a replay of the same Idempotency-Key or
/// external id. Read in the caller's transaction.
pub async fn receipt(tx: &mut Tx, cabinet_id: &str, channel: &Channel) -> Result<Option<String>> {
    let mut q = Query::select();
    q.column(n("project_id"))
        .from(n("lead_receipts"))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet_id));
    match channel {
        Channel::Widget {
            widget_id,
            idempotency_key: Some(k),
        } => {
            q.and_where(Expr::col(n("widget_id")).eq(widget_id.as_str()))
                .and_where(Expr::col(n("idempotency_key")).eq(k.as_str()));
        }
        Channel::Supplier {
            api_key_id,
            external_ref: Some(r),
        } => {
            q.and_where(Expr::col(n("api_key_id")).eq(api_key_id.as_str()))
                .and_where(Expr::col(n("external_ref")).eq(r.as_str()));
        }
        _ => return Ok(None),
    }
    Ok(tx.opt::<(String,)>(&q).await?.map(|(p,)| p))
}

/// Every way a French number may have been typed into a contact (contacts keep phones
/// as typed), from its E.164 form: a known person is found whatever the spacing.
fn phone_variants(e164: &str) -> Vec<String> {
    let mut v = vec![e164.to_string()];
    if let Some(nsn) = e164.strip_prefix("+33").filter(|s| s.len() == 9) {
        let national = format!("0{nsn}");
        let pairs: Vec<&str> = (0..5).map(|i| &national[i * 2..i * 2 + 2]).collect();
        v.push(national.clone());
        for sep in [" ", ".", "-"] {
            v.push(pairs.join(sep));
        }
        let rest: Vec<&str> = (0..4).map(|i| &nsn[1 + i * 2..3 + i * 2]).collect();
        v.push(format!("+33 {} {}", &nsn[..1], rest.join(" ")));
        v.push(format!("+33 {nsn}"));
        v.push(format!("0033{nsn}"));
    }
    v
}

/// Whether the email or a phone of the lead is on the cabinet's opposition list.
async fn on_opposition_list(tx: &mut Tx, cabinet_id: &str, c: &ContactInput) -> Result<bool> {
    let mut kq = Query::select();
    kq.column(n("hmac_key"))
        .from(n("cabinets"))
        .and_where(Expr::col(n("id")).eq(cabinet_id));
    let Some((key,)) = tx.opt::<(String,)>(&kq).await? else {
        return Ok(false);
    };
    let keyed = keyed_hash;
    let mut hashes = Vec::new();
    if let Some(e) = &c.email {
        hashes.push(keyed(&key, "email", &e.to_lowercase()));
    }
    for p in [&c.mobile_phone, &c.landline_phone].into_iter().flatten() {
        if let Some(e164) = oubli_domain::validate::normalize_phone_fr(p) {
            hashes.push(keyed(&key, "phone", &e164));
        }
    }
    if hashes.is_empty() {
        return Ok(false);
    }
    let mut q = Query::select();
    q.expr(Expr::col(n("hmac")).count())
        .from(n("suppressions"))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet_id))
        .and_where(Expr::col(n("hmac")).is_in(hashes));
    Ok(tx.int(&q).await? > 0)
}

/// The cabinet's contact with the same email or mobile, not anonymized, oldest first:
/// (id, assigned user, objected).
async fn known_contact(
    tx: &mut Tx,
    cabinet_id: &str,
    c: &ContactInput,
) -> Result<Option<(String, Option<String>, bool)>> {
    let mut any = Cond::any();
    if let Some(e) = &c.email {
        any = any.add(Expr::col(n("email")).eq(e.to_lowercase()));
    }
    if let Some(e164) = c
        .mobile_phone
        .as_deref()
        .and_then(oubli_domain::validate::normalize_phone_fr)
    {
        any = any.add(Expr::col(n("mobile_phone")).is_in(phone_variants(&e164)));
    }
    if any.is_empty() {
        return Ok(None);
    }
    let mut q = Query::select();
    q.columns([n("id"), n("assigned_to"), n("opposition_at")])
        .from(n("contacts"))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet_id))
        .and_where(Expr::col(n("anonymized_at")).is_null())
        .cond_where(any)
        .order_by(n("created_at"), Order::Asc)
        .order_by(n("id"), Order::Asc)
        .limit(1);
    let row: Option<(String, Option<String>, Option<i64>)> = tx.opt(&q).await?;
    Ok(row.map(|(id, owner, objected)| (id, owner, objected.is_some())))
}

async fn active_user(tx: &mut Tx, cabinet_id: &str, user_id: &str) -> Result<bool> {
    let mut q = Query::select();
    q.expr(Expr::col(n("id")).count())
        .from(n("users"))
        .and_where(Expr::col(n("id")).eq(user_id))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet_id))
        .and_where(Expr::col(n("active")).eq(1));
    Ok(tx.int(&q).await? > 0)
}

/// The user a new lead goes to: the widget's user; or the active users of its team, or
/// of the whole cabinet, in turn (the widget's cursor, moved in the same statement that
/// reads it, so two leads at once go to two users; or a turn taken beforehand,
/// [`Routing::turn`]). A user gone inactive, or a team
/// left empty, falls back to the whole cabinet in turn; a cabinet without an active
/// user leaves the lead unassigned.
pub async fn route(tx: &mut Tx, cabinet_id: &str, r: &Routing) -> Result<Option<String>> {
    if r.mode == RoutingMode::User {
        if let Some(u) = &r.user_id {
            if active_user(tx, cabinet_id, u).await? {
                return Ok(Some(u.clone()));
            }
        }
    }
    let pool = |team: Option<&str>| {
        let mut q = Query::select();
        q.column(n("id"))
            .from(n("users"))
            .and_where(Expr::col(n("cabinet_id")).eq(cabinet_id))
            .and_where(Expr::col(n("active")).eq(1))
            .order_by(n("id"), Order::Asc);
        if let Some(t) = team {
            q.and_where(Expr::col(n("team_id")).eq(t));
        }
        q
    };
    let mut users: Vec<(String,)> = Vec::new();
    if r.mode == RoutingMode::Team {
        if let Some(t) = &r.team_id {
            users = tx.all(&pool(Some(t))).await?;
        }
    }
    if users.is_empty() {
        users = tx.all(&pool(None)).await?;
    }
    if users.is_empty() {
        return Ok(None);
    }
    let turn = match r.turn {
        Some(t) => t,
        None => tx.int(&turn_query(&r.cursor)).await? - 1,
    };
    let i = turn.rem_euclid(users.len() as i64) as usize;
    Ok(Some(users[i].0.clone()))
}

#[allow(clippy::too_many_arguments)]
async fn insert_consent(
    tx: &mut Tx,
    cabinet_id: &str,
    contact_id: &str,
    purpose: ConsentPurpose,
    proof: &Proof,
    cgu: bool,
    label: Option<String>,
    now: i64,
) -> Result<()> {
    let (version, sha) = if cgu {
        (proof.cgu_version_id.clone(), proof.cgu_sha256.clone())
    } else {
        (None, None)
    };
    tx.exec(&insert(
        "consents",
        vec![
            ("id", new_id().into()),
            ("cabinet_id", cabinet_id.to_string().into()),
            ("contact_id", contact_id.to_string().into()),
            ("purpose", purpose.as_str().to_string().into()),
            ("granted", 1i64.into()),
            ("source", proof.source.as_str().to_string().into()),
            ("actor_user_id", Option::<String>::None.into()),
            ("cgu_version_id", version.into()),
            ("cgu_sha256", sha.into()),
            ("checkbox_label", label.into()),
            ("origin_page", proof.page.clone().into()),
            ("ip", proof.ip.clone().into()),
            ("user_agent", proof.user_agent.clone().into()),
            ("widget_id", proof.widget_id.clone().into()),
            ("widget_build", proof.widget_build.clone().into()),
            ("created_at", proof.collected_at_ms.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await?;
    Ok(())
}

/// Takes the lead in, in `tx`. The receipt goes in first: of two replays racing, the
/// second meets its unique index before writing anything else (the caller answers it
/// from the receipt once the first has committed).
pub async fn take(tx: &mut Tx, cabinet_id: &str, lead: NewLead) -> Result<Taken> {
    let now = now_ms();
    let listed = on_opposition_list(tx, cabinet_id, &lead.contact).await?;
    let known = known_contact(tx, cabinet_id, &lead.contact).await?;
    let opposed = listed || known.as_ref().is_some_and(|k| k.2);
    let project_id = new_id();
    let contact_id = known.as_ref().map(|k| k.0.clone()).unwrap_or_else(new_id);
    let (widget_id, api_key_id, idem, ext) = match &lead.channel {
        Channel::Widget {
            widget_id,
            idempotency_key,
        } => (Some(widget_id.clone()), None, idempotency_key.clone(), None),
        Channel::Supplier {
            api_key_id,
            external_ref,
        } => (None, Some(api_key_id.clone()), None, external_ref.clone()),
    };
    tx.exec(&insert(
        "lead_receipts",
        vec![
            ("id", new_id().into()),
            ("cabinet_id", cabinet_id.to_string().into()),
            ("widget_id", widget_id.clone().into()),
            ("api_key_id", api_key_id.clone().into()),
            ("idempotency_key", idem.into()),
            ("external_ref", ext.into()),
            ("contact_id", contact_id.clone().into()),
            ("project_id", project_id.clone().into()),
            ("lead_cost_cents", lead.lead_cost_cents.into()),
            ("opposition_match", i64::from(opposed).into()),
            ("known_contact", i64::from(known.is_some()).into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await?;
    // A known person keeps the broker who follows them.
    let owner = match known.as_ref().and_then(|k| k.1.clone()) {
        Some(u) if active_user(tx, cabinet_id, &u).await? => Some(u),
        _ => route(tx, cabinet_id, &lead.routing).await?,
    };
    if known.is_some() {
        // A form sent by the person is an inbound interaction (the retention clock).
        let mut q = Query::update();
        q.table(n("contacts"))
            .value(n("last_inbound_at"), now)
            .value(n("updated_at"), now)
            .and_where(Expr::col(n("id")).eq(contact_id.as_str()));
        tx.exec(&q).await?;
    } else {
        let mut c = lead.contact.clone();
        c.status = Some(oubli_domain::ContactStatus::Prospect);
        c.supplier = lead.supplier.clone();
        c.lead_cost_cents = lead.lead_cost_cents;
        c.lead_purchased_on = lead
            .lead_cost_cents
            .map(|_| chrono::Utc::now().date_naive());
        c.assigned_to = owner.clone();
        c.lawful_basis = Some(lead.lawful_basis);
        c.lawful_basis_source = Some(lead.lawful_basis_source.clone());
        let mut pairs = crate::db::rows::contact_pairs(&c);
        pairs.extend([
            ("id", contact_id.clone().into()),
            ("cabinet_id", cabinet_id.to_string().into()),
            ("last_inbound_at", now.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ]);
        tx.exec(&insert("contacts", pairs)).await?;
        for m in &lead.household {
            tx.exec(&insert(
                "household_members",
                vec![
                    ("id", new_id().into()),
                    ("cabinet_id", cabinet_id.to_string().into()),
                    ("contact_id", contact_id.clone().into()),
                    ("relation", m.relation.as_str().to_string().into()),
                    ("birth_date", date_str(Some(m.birth_date)).into()),
                    ("created_at", now.into()),
                    ("updated_at", now.into()),
                ],
            ))
            .await?;
        }
    }
    tx.exec(&insert(
        "projects",
        vec![
            ("id", project_id.clone().into()),
            ("cabinet_id", cabinet_id.to_string().into()),
            ("contact_id", contact_id.clone().into()),
            ("type", lead.project_type.as_str().to_string().into()),
            ("status", ProjectStatus::Nouveau.as_str().to_string().into()),
            ("supplier", lead.supplier.clone().into()),
            ("assigned_to", owner.into()),
            ("comment", lead.comment.clone().into()),
            ("opposition_match", i64::from(opposed).into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await?;
    let p = &lead.proof;
    insert_consent(
        tx,
        cabinet_id,
        &contact_id,
        ConsentPurpose::Cgu,
        p,
        true,
        p.checkbox_label.clone(),
        now,
    )
    .await?;
    if let Some(label) = &p.marketing_label {
        insert_consent(
            tx,
            cabinet_id,
            &contact_id,
            ConsentPurpose::Marketing,
            p,
            false,
            Some(label.clone()),
            now,
        )
        .await?;
    }
    changes::touch_contact(tx, cabinet_id, &contact_id).await?;
    let mut detail = serde_json::json!({
        "contact_id": contact_id,
        "known_contact": known.is_some(),
        "opposition_match": opposed,
        "project_type": lead.project_type.as_str(),
    });
    if let Some(w) = &widget_id {
        detail["widget_id"] = w.clone().into();
    }
    if let Some(k) = &api_key_id {
        detail["api_key_id"] = k.clone().into();
    }
    audit::append(
        tx,
        cabinet_id,
        audit::Entry {
            actor_user_id: None,
            action: "lead.receive",
            target_kind: Some("project"),
            target_id: Some(&project_id),
            outcome: "ok",
            detail,
        },
    )
    .await?;
    Ok(Taken {
        contact_id,
        project_id,
        known: known.is_some(),
        opposed,
    })
}

#[cfg(test)]
mod tests {
    use super::phone_variants;

    #[test]
    fn variants_of_a_mobile() {
        let v = phone_variants("+33612345678");
        for typed in [
            "0612345678",
            "06 12 34 56 78",
            "06.12.34.56.78",
            "+33 6 12 34 56 78",
            "+33612345678",
        ] {
            assert!(v.contains(&typed.to_string()), "{typed}: {v:?}");
        }
    }
}
