//! The anonymization executor: the plan applied to a batch of contacts, one statement
//! per table of the plan, with the change stamps, tombstones and audit entries.

use crate::audit;
use crate::db::rows::n;
use crate::db::{now_ms, Backend, Tx};
use crate::error::{ApiError, Result};
use oubli_domain::erasure::{Link, Rows, Treatment, PLAN};
use oubli_domain::ErasurePreview;
use sea_query::{Cond, Expr, Order, Query};
use std::collections::HashMap;

use super::delete::Unlinks;

/// The WHERE clause selecting `plan`'s rows that hang from the contacts `cids`.
fn link_cond(link: Link, cids: &[String]) -> Cond {
    let ids = || cids.iter().map(String::as_str);
    let sub = |table: &'static str| {
        let mut q = Query::select();
        q.column(n("id"))
            .from(n(table))
            .and_where(Expr::col(n("contact_id")).is_in(ids()));
        q
    };
    match link {
        Link::Itself => Cond::all().add(Expr::col(n("id")).is_in(ids())),
        Link::Contact => Cond::all().add(Expr::col(n("contact_id")).is_in(ids())),
        Link::Project => Cond::all().add(Expr::col(n("project_id")).in_subquery(sub("projects"))),
        Link::Contract => {
            Cond::all().add(Expr::col(n("contract_id")).in_subquery(sub("contracts")))
        }
    }
}

/// What [`anonymize_contacts`] did: each contact's counts (for its audit entry) and the
/// change sequence number stamped on the contacts.
pub struct Anonymized {
    pub counts: HashMap<String, ErasurePreview>,
    pub stamp: i64,
}

/// Anonymizes the contacts `cids` by the plan, in the caller's transaction, with one
/// statement per table of the plan for the whole set (the rows and columns are those
/// of [`PLAN`], whatever the number of contacts). The counts of each contact's audit
/// entry come from the writes themselves (`RETURNING`): the activities deleted, the
/// projects and contracts treated. The blob files of the deleted documents start
/// being unlinked into `unlinks` at once.
///
/// The cabinet's change sequence is advanced by `cids.len() + tombstones` just before
/// the contacts row update, which stamps the contacts with the first new number (one
/// write of each contact row, not two); the cabinet row stays locked from there to the
/// commit. `cids` must be contacts of `cabinet_id` (the caller selects them by cabinet).
pub async fn anonymize_contacts(
    tx: &mut Tx,
    cabinet_id: &str,
    cids: &[String],
    tombstones: i64,
    blob_dir: &std::path::Path,
    unlinks: &mut Unlinks,
) -> Result<Anonymized> {
    let mut counts: HashMap<String, ErasurePreview> = cids
        .iter()
        .map(|c| {
            (
                c.clone(),
                ErasurePreview {
                    contacts: 1,
                    ..Default::default()
                },
            )
        })
        .collect();
    if cids.is_empty() {
        return Ok(Anonymized { counts, stamp: 0 });
    }
    let now = now_ms();
    let mut stamp = 0;
    // PostgreSQL: the rows hanging from the contacts' projects and contracts are
    // selected by the parents' ids, read first, not by a subquery: the planner
    // estimates the subquery at a few rows per contact and then prefers reading the
    // whole child table into a hash join, in every batch (quadratic in a bulk job),
    // to one probe of the child's parent index per parent. SQLite probes either way.
    let parents = if tx.backend == Backend::Postgres {
        Some((
            ids_of_contacts(tx, "projects", cids).await?,
            ids_of_contacts(tx, "contracts", cids).await?,
        ))
    } else {
        None
    };
    for plan in PLAN {
        // The cabinet condition only where the ids are the contacts themselves: children
        // follow their contact, and a cabinet_id index must not win over the link's.
        let cond = match (plan.link, &parents) {
            (Link::Itself, _) => {
                link_cond(plan.link, cids).add(Expr::col(n("cabinet_id")).eq(cabinet_id))
            }
            (Link::Project, Some((pids, _))) if pids.len() <= MAX_PARENT_IDS => {
                if pids.is_empty() {
                    continue;
                }
                Cond::all().add(Expr::col(n("project_id")).is_in(pids.iter().map(String::as_str)))
            }
            (Link::Contract, Some((_, kids))) if kids.len() <= MAX_PARENT_IDS => {
                if kids.is_empty() {
                    continue;
                }
                Cond::all().add(Expr::col(n("contract_id")).is_in(kids.iter().map(String::as_str)))
            }
            _ => link_cond(plan.link, cids),
        };
        match plan.rows {
            Rows::Delete => {
                let mut q = Query::delete();
                q.from_table(n(plan.table)).cond_where(cond);
                if plan.table == "activities" {
                    q.returning(Query::returning().columns([
                        n("contact_id"),
                        n("kind"),
                        n("blob_key"),
                    ]));
                    let mut keys = Vec::new();
                    for (cid, kind, key) in tx.all::<(String, String, Option<String>)>(&q).await? {
                        if let Some(c) = counts.get_mut(&cid) {
                            c.activity += 1;
                            if kind == "messages" {
                                c.messages += 1;
                            }
                            if key.is_some() {
                                c.documents += 1;
                            }
                        }
                        keys.extend(key);
                    }
                    unlinks.start(blob_dir, keys);
                } else {
                    tx.exec(&q).await?;
                }
            }
            Rows::Treat => {
                let mut q = Query::update();
                q.table(n(plan.table));
                let mut any = false;
                for (col, t) in plan.columns {
                    match t {
                        Treatment::Keep => {}
                        Treatment::Blank => {
                            q.value(n(col), Option::<String>::None);
                            any = true;
                        }
                        Treatment::YearOnly => {
                            // substr and || mean the same on SQLite and PostgreSQL; the
                            // column name comes from the static plan, never from input.
                            q.value(
                                n(col),
                                Expr::cust(format!("substr({col}, 1, 4) || '-01-01'")),
                            );
                            any = true;
                        }
                    }
                }
                if plan.table == "contacts" {
                    stamp =
                        advance_change_seq(tx, cabinet_id, cids.len() as i64 + tombstones).await?;
                    q.value(n("anonymized_at"), now)
                        .value(n("change_seq"), stamp);
                }
                if !any {
                    continue;
                }
                q.value(n("updated_at"), now).cond_where(cond);
                let count: Option<fn(&mut ErasurePreview)> = match plan.table {
                    "projects" => Some(|c| c.projects += 1),
                    "contracts" => Some(|c| c.contracts += 1),
                    _ => None,
                };
                if let Some(add) = count {
                    q.returning(Query::returning().columns([n("contact_id")]));
                    for (cid,) in tx.all::<(String,)>(&q).await? {
                        if let Some(c) = counts.get_mut(&cid) {
                            add(c);
                        }
                    }
                } else {
                    tx.exec(&q).await?;
                }
            }
        }
    }
    Ok(Anonymized { counts, stamp })
}

/// Beyond this many parent ids (bound parameters) the children are selected by a
/// subquery instead (PostgreSQL binds at most 65,535 parameters).
const MAX_PARENT_IDS: usize = 20_000;

/// The ids of `table`'s rows whose `contact_id` is one of `cids`.
async fn ids_of_contacts(tx: &mut Tx, table: &'static str, cids: &[String]) -> Result<Vec<String>> {
    let mut q = Query::select();
    q.column(n("id"))
        .from(n(table))
        .and_where(Expr::col(n("contact_id")).is_in(cids.iter().map(String::as_str)));
    Ok(tx
        .all::<(String,)>(&q)
        .await?
        .into_iter()
        .map(|r| r.0)
        .collect())
}

/// Advances the cabinet's change sequence by `k` (locking the cabinet row until the
/// commit); returns the first of the `k` new numbers.
async fn advance_change_seq(tx: &mut Tx, cabinet_id: &str, k: i64) -> Result<i64> {
    let mut sq = Query::update();
    sq.table(n("cabinets"))
        // i32, as in changes::next_seq: this is the same SQL text, and PostgreSQL's
        // prepared-statement cache keeps the parameter types of its first use.
        .value(n("change_seq"), Expr::col(n("change_seq")).add(k as i32))
        .and_where(Expr::col(n("id")).eq(cabinet_id))
        .returning(Query::returning().columns([n("change_seq")]));
    let (top,): (i64,) = tx.opt(&sq).await?.ok_or(ApiError::NotFound)?;
    Ok(top - k + 1)
}

/// (contact id, assigned user, assigned user's team) of a contact to anonymize.
type ToAnonymize = (String, Option<String>, Option<String>);

/// Anonymizes the claimed contacts that are still there and not anonymized yet
/// (a contact may have been anonymized or deleted since the preview), with the change
/// stamps, tombstones and one audit entry per contact of the single-contact path.
pub(super) async fn anonymize_batch(
    tx: &mut Tx,
    cabinet_id: &str,
    actor: &str,
    erasure_id: &str,
    targets: &[String],
    blob_dir: &std::path::Path,
    unlinks: &mut Unlinks,
) -> Result<()> {
    let mut meta = Query::select();
    meta.columns([(n("c"), n("id")), (n("c"), n("assigned_to"))])
        .column((n("u"), n("team_id")))
        .from_as(n("contacts"), n("c"))
        .join_as(
            sea_query::JoinType::LeftJoin,
            n("users"),
            n("u"),
            Expr::col((n("u"), n("id"))).equals((n("c"), n("assigned_to"))),
        )
        .and_where(Expr::col((n("c"), n("cabinet_id"))).eq(cabinet_id))
        .and_where(Expr::col((n("c"), n("id"))).is_in(targets.iter().map(String::as_str)))
        .and_where(Expr::col((n("c"), n("anonymized_at"))).is_null())
        .order_by((n("c"), n("id")), Order::Asc);
    if tx.backend == Backend::Postgres {
        // The contacts first, before anything under them is read: a write that added a
        // project (say) under one of them has committed by now and is seen by the
        // statements below, and one that comes later waits for this commit and then
        // finds the contact anonymized (access::contact_meta takes the row too).
        meta.lock_with_tables(sea_query::LockType::Update, [n("c")]);
    }
    let rows: Vec<ToAnonymize> = tx.all(&meta).await?;
    if rows.is_empty() {
        return Ok(());
    }
    let cids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    // Change sequence: one number stamps the batch's contacts (they change together),
    // then one per tombstone, as touch_contact followed by tombstone does for one.
    let k = cids.len() as i64;
    let Anonymized { counts, stamp } =
        anonymize_contacts(tx, cabinet_id, &cids, k, blob_dir, unlinks).await?;
    let now = now_ms();
    let mut ins = Query::insert();
    ins.into_table(n("tombstones")).columns(
        [
            "cabinet_id",
            "seq",
            "contact_id",
            "user_id",
            "team_id",
            "created_at",
            "updated_at",
        ]
        .map(n),
    );
    for (i, (cid, owner, team)) in rows.iter().enumerate() {
        ins.values_panic([
            cabinet_id.into(),
            (stamp + 1 + i as i64).into(),
            cid.as_str().into(),
            owner.clone().into(),
            team.clone().into(),
            now.into(),
            now.into(),
        ]);
    }
    tx.exec(&ins).await?;
    let entries: Vec<(String, serde_json::Value)> = cids
        .iter()
        .map(|cid| {
            let mut d = serde_json::to_value(counts.get(cid).cloned().unwrap_or_default())
                .unwrap_or_default();
            if let Some(o) = d.as_object_mut() {
                o.insert("erasure_id".into(), erasure_id.into());
            }
            (cid.clone(), d)
        })
        .collect();
    audit::append_batch(
        tx,
        cabinet_id,
        actor,
        "contact.anonymize",
        "contact",
        entries,
    )
    .await?;
    Ok(())
}
