//! Writing leads of one cabinet in the caller's transaction, several at a time: the
//! same rules as one lead at a time (receipt, opposition list, known person, routing,
//! consent proof, change stamp, audit entry), each read and each write done once for
//! the whole batch. The statements of a batch do not grow with its size, except one
//! update per person already known to the cabinet.
//!
//! Leads are handled in order: a lead sees what the earlier leads of its batch did (a
//! second form from the same person joins the contact the first one created; a replay
//! of an `Idempotency-Key` sent in the same batch answers the first one's lead).

use super::{phone_variants, Channel, NewLead, Taken};
use crate::db::rows::{insert_rows, n, Pairs};
use crate::db::{date_str, new_id, now_ms, Tx, Write};
use crate::error::{ApiError, Result};
use crate::{audit, intake::keyed_hash};
use oubli_domain::{ConsentPurpose, ProjectStatus, RoutingMode};
use sea_query::{Cond, Expr, Order, Query, UnionType};
use std::collections::{HashMap, HashSet};

/// A contact of the cabinet that a lead may be about.
#[derive(sqlx::FromRow)]
struct KnownRow {
    id: String,
    email: Option<String>,
    mobile_phone: Option<String>,
    assigned_to: Option<String>,
    opposition_at: Option<i64>,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct ReceiptRow {
    widget_id: Option<String>,
    api_key_id: Option<String>,
    idempotency_key: Option<String>,
    external_ref: Option<String>,
    contact_id: String,
    project_id: String,
}

/// What identifies a lead's replays: (widget or key id, idempotency key or external ref).
fn replay_key(c: &Channel) -> Option<(&str, &str)> {
    match c {
        Channel::Widget {
            widget_id,
            idempotency_key: Some(k),
        } => Some((widget_id, k)),
        Channel::Supplier {
            api_key_id,
            external_ref: Some(r),
        } => Some((api_key_id, r)),
        _ => None,
    }
}

impl ReceiptRow {
    fn key(&self) -> Option<(&str, &str)> {
        match (
            &self.widget_id,
            &self.idempotency_key,
            &self.api_key_id,
            &self.external_ref,
        ) {
            (Some(w), Some(k), _, _) => Some((w, k)),
            (_, _, Some(a), Some(r)) => Some((a, r)),
            _ => None,
        }
    }
}

/// The receipts already stored for the batch's replay keys.
async fn receipts(
    tx: &mut Tx,
    cabinet_id: &str,
    leads: &[&NewLead],
) -> Result<HashMap<(String, String), (String, String)>> {
    let keys: Vec<String> = leads
        .iter()
        .filter_map(|l| replay_key(&l.channel).map(|(_, k)| k.to_string()))
        .collect();
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = Query::select();
    q.columns(
        [
            "widget_id",
            "api_key_id",
            "idempotency_key",
            "external_ref",
            "contact_id",
            "project_id",
        ]
        .map(n),
    )
    .from(n("lead_receipts"))
    .and_where(Expr::col(n("cabinet_id")).eq(cabinet_id))
    .cond_where(
        Cond::any()
            .add(Expr::col(n("idempotency_key")).is_in(keys.clone()))
            .add(Expr::col(n("external_ref")).is_in(keys)),
    );
    let rows: Vec<ReceiptRow> = tx.all(&q).await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            r.key().map(|(a, b)| {
                (
                    (a.to_string(), b.to_string()),
                    (r.contact_id.clone(), r.project_id.clone()),
                )
            })
        })
        .collect())
}

/// The keyed hashes of a lead's email and phones (as the opposition list keeps them).
fn lead_hashes(key: &str, lead: &NewLead) -> Vec<String> {
    let c = &lead.contact;
    let mut hashes = Vec::new();
    if let Some(e) = &c.email {
        hashes.push(keyed_hash(key, "email", &e.to_lowercase()));
    }
    for p in [&c.mobile_phone, &c.landline_phone].into_iter().flatten() {
        if let Some(e164) = oubli_domain::validate::normalize_phone_fr(p) {
            hashes.push(keyed_hash(key, "phone", &e164));
        }
    }
    hashes
}

/// Which of `hashes` are on the cabinet's opposition list.
async fn listed(tx: &mut Tx, cabinet_id: &str, hashes: Vec<String>) -> Result<HashSet<String>> {
    if hashes.is_empty() {
        return Ok(HashSet::new());
    }
    let mut q = Query::select();
    q.column(n("hmac"))
        .from(n("suppressions"))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet_id))
        .and_where(Expr::col(n("hmac")).is_in(hashes));
    let rows: Vec<(String,)> = tx.all(&q).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A lead's email (lowercased) and mobile (E.164), by which a person is known.
fn identity(lead: &NewLead) -> (Option<String>, Option<String>) {
    let c = &lead.contact;
    (
        c.email.as_ref().map(|e| e.to_lowercase()),
        c.mobile_phone
            .as_deref()
            .and_then(oubli_domain::validate::normalize_phone_fr),
    )
}

/// The cabinet's contacts, not anonymized, with one of the batch's emails or mobiles
/// (as typed in any usual way), oldest first.
async fn known_rows(tx: &mut Tx, cabinet_id: &str, leads: &[&NewLead]) -> Result<Vec<KnownRow>> {
    let (mut emails, mut phones) = (Vec::new(), Vec::new());
    for l in leads {
        let (e, m) = identity(l);
        emails.extend(e);
        if let Some(m) = m {
            phones.extend(phone_variants(&m));
        }
    }
    // One select per column, joined by UNION: each reads its own index on (cabinet,
    // column) whatever the planner knows of the table (an OR of the two read every
    // contact of the cabinet on a PostgreSQL whose statistics were not gathered yet).
    let part = |col: &'static str, values: Vec<String>| {
        let mut q = Query::select();
        q.columns(
            [
                "id",
                "email",
                "mobile_phone",
                "assigned_to",
                "opposition_at",
                "created_at",
            ]
            .map(n),
        )
        .from(n("contacts"))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet_id))
        .and_where(Expr::col(n("anonymized_at")).is_null())
        .and_where(Expr::col(n(col)).is_in(values));
        q
    };
    let q = match (emails.is_empty(), phones.is_empty()) {
        (true, true) => return Ok(Vec::new()),
        (false, true) => part("email", emails),
        (true, false) => part("mobile_phone", phones),
        (false, false) => {
            let mut q = part("email", emails);
            q.union(UnionType::Distinct, part("mobile_phone", phones));
            q
        }
    };
    let mut rows: Vec<KnownRow> = tx.all(&q).await?;
    // Oldest first, as one person may be in the cabinet twice.
    rows.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(rows)
}

/// The first of `rows` with the lead's email or mobile.
fn known_of<'a>(rows: &'a [KnownRow], lead: &NewLead) -> Option<&'a KnownRow> {
    let (email, mobile) = identity(lead);
    let variants = mobile.as_deref().map(phone_variants).unwrap_or_default();
    rows.iter().find(|r| {
        email.is_some() && r.email == email
            || r.mobile_phone
                .as_ref()
                .is_some_and(|m| variants.contains(m))
    })
}

/// The active users of the cabinet, by id: (id, team).
async fn active_users(tx: &mut Tx, cabinet_id: &str) -> Result<Vec<(String, Option<String>)>> {
    let mut q = Query::select();
    q.columns([n("id"), n("team_id")])
        .from(n("users"))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet_id))
        .and_where(Expr::col(n("active")).eq(1))
        .order_by(n("id"), Order::Asc);
    Ok(tx.all(&q).await?)
}

/// Moves a routing cursor on by `turns` (in the statement that reads it, so two
/// batches at once get different turns) and returns the first turn taken.
async fn take_turns(tx: &mut Tx, cursor: &(&'static str, String), turns: usize) -> Result<i64> {
    let mut u = Query::update();
    u.table(n(cursor.0))
        .value(
            n("routing_cursor"),
            Expr::col(n("routing_cursor")).add(turns as i32),
        )
        .and_where(Expr::col(n("id")).eq(cursor.1.as_str()))
        .returning_col(n("routing_cursor"));
    Ok(tx.int(&u).await? - turns as i64)
}

/// Where each lead stands once the reads are done.
enum Plan {
    /// A replay: the lead already taken (contact, project).
    Replay(String, String),
    New {
        contact_id: String,
        project_id: String,
        /// The contact exists already (in the cabinet, or earlier in the batch).
        known: bool,
        /// Known from the database (not from this batch): its row is updated.
        stored: bool,
        opposed: bool,
        /// The owner, when decided without a turn; `None` with `turn` = a turn.
        owner: Option<String>,
        turn: bool,
    },
}

fn consent_row(
    cabinet_id: &str,
    contact_id: &str,
    lead: &NewLead,
    purpose: ConsentPurpose,
    now: i64,
) -> Pairs {
    let p = &lead.proof;
    let cgu = purpose == ConsentPurpose::Cgu;
    let label = if cgu {
        p.checkbox_label.clone()
    } else {
        p.marketing_label.clone()
    };
    vec![
        ("id", new_id().into()),
        ("cabinet_id", cabinet_id.to_string().into()),
        ("contact_id", contact_id.to_string().into()),
        ("purpose", purpose.as_str().to_string().into()),
        ("granted", 1i64.into()),
        ("source", p.source.as_str().to_string().into()),
        ("actor_user_id", Option::<String>::None.into()),
        (
            "cgu_version_id",
            p.cgu_version_id.clone().filter(|_| cgu).into(),
        ),
        ("cgu_sha256", p.cgu_sha256.clone().filter(|_| cgu).into()),
        ("checkbox_label", label.into()),
        ("origin_page", p.page.clone().into()),
        ("ip", p.ip.clone().into()),
        ("user_agent", p.user_agent.clone().into()),
        ("widget_id", p.widget_id.clone().into()),
        ("widget_build", p.widget_build.clone().into()),
        ("created_at", p.collected_at_ms.into()),
        ("updated_at", now.into()),
    ]
}

/// The cabinet's key of the opposition list's hashes (set when the cabinet is created,
/// never changed).
pub async fn hmac_key(tx: &mut Tx, cabinet_id: &str) -> Result<String> {
    let mut kq = Query::select();
    kq.column(n("hmac_key"))
        .from(n("cabinets"))
        .and_where(Expr::col(n("id")).eq(cabinet_id));
    let (key,): (String,) = tx.opt(&kq).await?.ok_or(ApiError::NotFound)?;
    Ok(key)
}

/// Takes `leads` of `cabinet_id` in, in `tx`; one answer per lead, in order.
/// `hmac_key` is the cabinet's ([`hmac_key`]).
pub async fn take_all(
    tx: &mut Tx,
    cabinet_id: &str,
    hmac_key: &str,
    leads: &[&NewLead],
) -> Result<Vec<Taken>> {
    let now = now_ms();
    let stored_receipts = receipts(tx, cabinet_id, leads).await?;
    // The cabinet's row, locked before anything is read of its people: two batches of
    // one cabinet at once (or two instances) take their turns there, so the second
    // sees the contacts the first created. The same update reserves the change stamps
    // (one per new lead at most; the unused ones are a gap) and the audit entries of
    // the leads that are not replays, which the receipts already tell.
    let mut seen: HashSet<(String, String)> = stored_receipts.keys().cloned().collect();
    let new_leads = leads
        .iter()
        .filter(|l| match replay_key(&l.channel) {
            Some((a, b)) => seen.insert((a.to_string(), b.to_string())),
            None => true,
        })
        .count();
    let (first_seq, audit_top, audit_prev) = if new_leads > 0 {
        let mut q = Query::update();
        q.table(n("cabinets"))
            .value(
                n("change_seq"),
                Expr::col(n("change_seq")).add(new_leads as i32),
            )
            .and_where(Expr::col(n("id")).eq(cabinet_id));
        audit::reserve(&mut q, new_leads);
        let mut cols = vec![n("change_seq")];
        cols.extend(audit::RESERVED.map(n));
        q.returning(Query::returning().columns(cols));
        let (top, audit_top, prev): (i64, i64, String) =
            tx.opt(&q).await?.ok_or(ApiError::NotFound)?;
        (top - new_leads as i64, audit_top, prev)
    } else {
        (0, 0, String::new())
    };
    let hashes: Vec<Vec<String>> = leads.iter().map(|l| lead_hashes(hmac_key, l)).collect();
    let on_list = listed(tx, cabinet_id, hashes.iter().flatten().cloned().collect()).await?;
    let known = known_rows(tx, cabinet_id, leads).await?;
    let users = active_users(tx, cabinet_id).await?;
    let active = |u: &str| users.iter().any(|(id, _)| id == u);

    // The reads done: decide each lead in order, as if taken one after the other.
    let mut plans = Vec::with_capacity(leads.len());
    let mut replays: HashMap<(String, String), (String, String)> = stored_receipts;
    // The contacts the batch creates: (email, mobile, id).
    let mut created: Vec<(Option<String>, Option<String>, String)> = Vec::new();
    for lead in leads {
        let rk = replay_key(&lead.channel).map(|(a, b)| (a.to_string(), b.to_string()));
        if let Some((c, p)) = rk.as_ref().and_then(|k| replays.get(k)) {
            plans.push(Plan::Replay(c.clone(), p.clone()));
            continue;
        }
        let (email, mobile) = identity(lead);
        let in_batch = created
            .iter()
            .find(|(e, m, _)| email.is_some() && *e == email || mobile.is_some() && *m == mobile);
        let listed = hashes[plans.len()].iter().any(|h| on_list.contains(h));
        let (contact_id, known_owner, objected, stored) = match (in_batch, known_of(&known, lead)) {
            (Some((_, _, id)), _) => (id.clone(), None, false, false),
            (None, Some(r)) => (
                r.id.clone(),
                r.assigned_to.clone(),
                r.opposition_at.is_some(),
                true,
            ),
            (None, None) => (new_id(), None, false, false),
        };
        let is_known = in_batch.is_some() || stored;
        // A known person keeps the broker who follows them (one created earlier in the
        // batch: decided below, once that contact's owner is).
        let owner = match known_owner.filter(|u| active(u)) {
            Some(u) => Some(u),
            None => match (&lead.routing.mode, &lead.routing.user_id) {
                (RoutingMode::User, Some(u)) if active(u) => Some(u.clone()),
                _ => None,
            },
        };
        let turn = in_batch.is_none() && owner.is_none() && !users.is_empty();
        if !is_known {
            created.push((email, mobile, contact_id.clone()));
        }
        let project_id = new_id();
        if let Some(k) = rk {
            replays.insert(k, (contact_id.clone(), project_id.clone()));
        }
        plans.push(Plan::New {
            contact_id,
            project_id,
            known: is_known,
            stored,
            opposed: listed || objected,
            owner,
            turn,
        });
    }

    // The turns, one cursor move per widget or key.
    let mut wanted: Vec<(&(&'static str, String), usize)> = Vec::new();
    for (lead, plan) in leads.iter().zip(&plans) {
        if let Plan::New { turn: true, .. } = plan {
            match wanted.iter_mut().find(|(c, _)| *c == &lead.routing.cursor) {
                Some(w) => w.1 += 1,
                None => wanted.push((&lead.routing.cursor, 1)),
            }
        }
    }
    wanted.sort_by(|a, b| a.0.cmp(b.0));
    let mut next_turn = HashMap::new();
    for (cursor, k) in wanted {
        next_turn.insert(cursor.clone(), take_turns(tx, cursor, k).await?);
    }
    let pool_of = |lead: &NewLead| -> Vec<&String> {
        let team: Vec<&String> = match (&lead.routing.mode, &lead.routing.team_id) {
            (RoutingMode::Team, Some(t)) => users
                .iter()
                .filter(|(_, team)| team.as_ref() == Some(t))
                .map(|(id, _)| id)
                .collect(),
            _ => Vec::new(),
        };
        if team.is_empty() {
            users.iter().map(|(id, _)| id).collect()
        } else {
            team
        }
    };

    // The rows.
    let (mut receipts_rows, mut contacts, mut household, mut projects, mut consents) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut entries = Vec::new();
    // Every write of the batch, sent at the end in one go (`Tx::exec_all`).
    let mut writes: Vec<Write> = Vec::new();
    let mut taken = Vec::with_capacity(leads.len());
    let mut seq = first_seq;
    let mut owners_of_created: HashMap<String, Option<String>> = HashMap::new();
    // The people already stored whose row this batch has updated.
    let mut updated: HashSet<String> = HashSet::new();
    for (lead, plan) in leads.iter().zip(plans) {
        let (contact_id, project_id, known, stored, opposed, owner, turn) = match plan {
            Plan::Replay(c, p) => {
                taken.push(Taken {
                    contact_id: c,
                    project_id: p,
                    known: true,
                    opposed: false,
                    replay: true,
                });
                continue;
            }
            Plan::New {
                contact_id,
                project_id,
                known,
                stored,
                opposed,
                owner,
                turn,
            } => (contact_id, project_id, known, stored, opposed, owner, turn),
        };
        let owner = if turn {
            let pool = pool_of(lead);
            let t = next_turn.entry(lead.routing.cursor.clone()).or_insert(0);
            let u = pool[(*t).rem_euclid(pool.len() as i64) as usize].clone();
            *t += 1;
            Some(u)
        } else if known && !stored {
            // Joined a contact created earlier in the batch: its owner.
            owners_of_created
                .get(&contact_id)
                .cloned()
                .flatten()
                .or(owner)
        } else {
            owner
        };
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
        receipts_rows.push(vec![
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
            ("known_contact", i64::from(known).into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ]);
        if stored {
            if updated.insert(contact_id.clone()) {
                // A form sent by the person is an inbound interaction (the retention
                // clock); the contact's change stamp moves for the offline caches.
                seq += 1;
                let mut q = Query::update();
                q.table(n("contacts"))
                    .value(n("last_inbound_at"), now)
                    .value(n("updated_at"), now)
                    .value(n("change_seq"), seq)
                    .and_where(Expr::col(n("id")).eq(contact_id.as_str()));
                writes.push(Write::Update(q));
            }
        } else if !known {
            seq += 1;
            owners_of_created.insert(contact_id.clone(), owner.clone());
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
                ("change_seq", seq.into()),
                ("created_at", now.into()),
                ("updated_at", now.into()),
            ]);
            contacts.push(pairs);
            for m in &lead.household {
                household.push(vec![
                    ("id", new_id().into()),
                    ("cabinet_id", cabinet_id.to_string().into()),
                    ("contact_id", contact_id.clone().into()),
                    ("relation", m.relation.as_str().to_string().into()),
                    ("birth_date", date_str(Some(m.birth_date)).into()),
                    ("created_at", now.into()),
                    ("updated_at", now.into()),
                ]);
            }
        }
        projects.push(vec![
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
        ]);
        consents.push(consent_row(
            cabinet_id,
            &contact_id,
            lead,
            ConsentPurpose::Cgu,
            now,
        ));
        if lead.proof.marketing_label.is_some() {
            consents.push(consent_row(
                cabinet_id,
                &contact_id,
                lead,
                ConsentPurpose::Marketing,
                now,
            ));
        }
        let mut detail = serde_json::json!({
            "contact_id": contact_id,
            "known_contact": known,
            "opposition_match": opposed,
            "project_type": lead.project_type.as_str(),
        });
        if let Some(w) = &widget_id {
            detail["widget_id"] = w.clone().into();
        }
        if let Some(k) = &api_key_id {
            detail["api_key_id"] = k.clone().into();
        }
        entries.push((project_id.clone(), detail));
        taken.push(Taken {
            contact_id,
            project_id,
            known,
            opposed,
            replay: false,
        });
    }
    // The inserts, then the people already known, then the audit entries: on
    // PostgreSQL all of them in one statement. Of two instances racing on one replay
    // key, the second meets the receipts' unique index and writes nothing.
    let known_updates = std::mem::take(&mut writes);
    for (table, rows) in [
        ("lead_receipts", receipts_rows),
        ("contacts", contacts),
        ("household_members", household),
        ("projects", projects),
        ("consents", consents),
    ] {
        writes.extend(insert_rows(table, rows).map(Write::Insert));
    }
    writes.extend(known_updates);
    if entries.len() != new_leads {
        return Err(ApiError::Internal(
            "lead batch: audit entries miscounted".into(),
        ));
    }
    if !entries.is_empty() {
        let entries = entries
            .iter()
            .map(|(project_id, detail)| audit::Entry {
                actor_user_id: None,
                action: "lead.receive",
                target_kind: Some("project"),
                target_id: Some(project_id),
                outcome: "ok",
                detail: detail.clone(),
            })
            .collect();
        writes.extend(audit::reserved_writes(
            tx, cabinet_id, entries, audit_top, audit_prev,
        ));
    }
    tx.exec_all(writes).await?;
    Ok(taken)
}
