//! Whole records of many contacts at once, with a fixed number of statements whatever
//! their number: the contacts' ids go into one `IN (…)` per table (household, projects
//! with their beneficiaries and subscriptions, contracts with their insured, activity
//! counts, and for sync the notes, tasks and appointments), and the rows are grouped
//! by contact in Rust. A table with nothing to read for the batch (no project, hence
//! no beneficiary) costs no statement, so the count is a ceiling, never a function of
//! the batch's size. `GET /contacts/{id}` and the export take the same path with one
//! contact.

use super::{contract_select, load_contracts, load_projects, project_select};
use crate::db::rows::*;
use crate::db::Tx;
use crate::error::Result;
use oubli_domain as d;
use sea_query::{Expr, Order, Query};
use std::collections::{BTreeMap, HashMap};

/// The whole records of `contacts`, in their order.
pub async fn contact_details(
    tx: &mut Tx,
    contacts: Vec<d::Contact>,
) -> Result<Vec<d::ContactDetail>> {
    if contacts.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = contacts.iter().map(|c| c.id.as_str()).collect();
    let mut hq = select("household_members", "h", HOUSEHOLD_COLS);
    hq.and_where(Expr::col((n("h"), n("contact_id"))).is_in(ids.iter().copied()))
        .order_by((n("h"), n("created_at")), Order::Asc)
        .order_by((n("h"), n("id")), Order::Asc);
    let mut household = group(tx.all::<HouseholdRow>(&hq).await?, |h| h.contact_id.clone());
    let mut pq = project_select();
    pq.and_where(Expr::col((n("p"), n("contact_id"))).is_in(ids.iter().copied()))
        .order_by((n("p"), n("created_at")), Order::Desc)
        .order_by((n("p"), n("id")), Order::Desc);
    let mut projects = group(load_projects(tx, &pq).await?, |p| p.contact_id.clone());
    let mut kq = contract_select();
    kq.and_where(Expr::col((n("k"), n("contact_id"))).is_in(ids.iter().copied()))
        .order_by((n("k"), n("created_at")), Order::Desc)
        .order_by((n("k"), n("id")), Order::Desc);
    let mut contracts = group(load_contracts(tx, &kq).await?, |k| k.contact_id.clone());
    let mut aq = Query::select();
    aq.columns([n("contact_id"), n("kind")])
        .expr(Expr::col(n("id")).count())
        .from(n("activities"))
        .and_where(Expr::col(n("contact_id")).is_in(ids.iter().copied()))
        .group_by_col(n("contact_id"))
        .group_by_col(n("kind"));
    let counts: Vec<(String, String, i64)> = tx.all(&aq).await?;
    let zero: BTreeMap<String, i64> = d::ActivityKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), 0))
        .collect();
    let mut activity_counts: HashMap<String, BTreeMap<String, i64>> = HashMap::new();
    for (cid, kind, count) in counts {
        activity_counts
            .entry(cid)
            .or_insert_with(|| zero.clone())
            .insert(kind, count);
    }
    Ok(contacts
        .into_iter()
        .map(|contact| {
            let id = &contact.id;
            d::ContactDetail {
                household: household
                    .remove(id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(HouseholdRow::into_domain)
                    .collect(),
                projects: projects.remove(id).unwrap_or_default(),
                contracts: contracts.remove(id).unwrap_or_default(),
                activity_counts: activity_counts.remove(id).unwrap_or_else(|| zero.clone()),
                contact,
            }
        })
        .collect())
}

/// What the offline cache keeps of `contacts`: the whole records with their notes,
/// tasks and appointments (each list newest first, as the contact's page shows them).
pub async fn sync_records(tx: &mut Tx, contacts: Vec<d::Contact>) -> Result<Vec<d::SyncRecord>> {
    if contacts.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = contacts.iter().map(|c| c.id.clone()).collect();
    let details = contact_details(tx, contacts).await?;
    let mut q = select("activities", "a", ACTIVITY_COLS);
    q.and_where(Expr::col((n("a"), n("contact_id"))).is_in(ids.iter().map(String::as_str)))
        .and_where(
            Expr::col((n("a"), n("kind")))
                .is_in(d::SYNCED_ACTIVITY_KINDS.iter().map(|k| k.as_str())),
        )
        .order_by((n("a"), n("created_at")), Order::Desc)
        .order_by((n("a"), n("id")), Order::Desc);
    let rows: Vec<ActivityRow> = tx.all(&q).await?;
    let mut by_contact: HashMap<String, [Vec<d::Activity>; 3]> = HashMap::new();
    for r in rows {
        let a = r.into_domain();
        let Some(slot) = d::SYNCED_ACTIVITY_KINDS.iter().position(|k| *k == a.kind) else {
            continue;
        };
        by_contact.entry(a.contact_id.clone()).or_default()[slot].push(a);
    }
    Ok(details
        .into_iter()
        .map(|detail| {
            let [notes, tasks, appointments] =
                by_contact.remove(&detail.contact.id).unwrap_or_default();
            d::SyncRecord {
                detail,
                notes,
                tasks,
                appointments,
            }
        })
        .collect())
}

/// Rows grouped by contact, each group in the rows' order.
fn group<T>(rows: Vec<T>, key: impl Fn(&T) -> String) -> HashMap<String, Vec<T>> {
    let mut out: HashMap<String, Vec<T>> = HashMap::new();
    for r in rows {
        out.entry(key(&r)).or_default().push(r);
    }
    out
}
