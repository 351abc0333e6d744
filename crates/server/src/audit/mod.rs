//! The audit log: append-only, one hash chain per cabinet. Entries hold ids and counts
//! only, never a name, email or number of the person concerned.
//!
//! Appending locks the cabinet row (`UPDATE … RETURNING`), so concurrent writers on
//! PostgreSQL extend the chain one after the other instead of forking it.
//!
//! Each entry's hash is an HMAC under a key kept outside the database ([`key`]): an
//! entry edited or inserted cannot be given a valid hash without it. Cutting entries
//! off the end (and moving the cabinet's head back) needs no key, so a head exported
//! and kept elsewhere ([`verify::export_head`]) is what `verify --head` checks the
//! chain against.

/// The key lives with the storage layer (the database handle carries it).
pub use crate::db::audit_key as key;
pub mod verify;

pub use verify::{export_head, verify, verify_against, Head};

use crate::db::rows::{n, select};
use crate::db::{from_ms, now_ms, Db, Tx, Write};
use crate::error::Result;
use oubli_domain::AuditEntry;
use sea_query::{Expr, Order, Query};

/// What happened; `detail` carries counts and ids only.
pub struct Entry<'a> {
    pub actor_user_id: Option<&'a str>,
    pub action: &'a str,
    pub target_kind: Option<&'a str>,
    pub target_id: Option<&'a str>,
    pub outcome: &'a str,
    pub detail: serde_json::Value,
}

impl<'a> Entry<'a> {
    /// A user's own action that succeeded and concerns no record (a login, a logout).
    pub fn own(actor_user_id: &'a str, action: &'a str) -> Entry<'a> {
        Entry {
            actor_user_id: Some(actor_user_id),
            action,
            target_kind: None,
            target_id: None,
            outcome: "ok",
            detail: serde_json::json!({}),
        }
    }
}

/// The hash of one entry of `cabinet_id`'s chain, chained to the previous one:
/// HMAC-SHA256 under the audit key of its canonical JSON form.
pub fn entry_hash(key: &key::AuditKey, cabinet_id: &str, prev: &str, e: &AuditEntry) -> String {
    let canonical = serde_json::json!([
        cabinet_id,
        prev,
        e.seq,
        e.at.timestamp_millis(),
        e.actor_user_id,
        e.action,
        e.target_kind,
        e.target_id,
        e.outcome,
        e.detail,
    ]);
    key.mac("oubli-audit-entry-v2", canonical.to_string().as_bytes())
}

/// Appends within the caller's transaction: the entry commits with the change it records.
pub async fn append(tx: &mut Tx, cabinet_id: &str, e: Entry<'_>) -> Result<()> {
    chain(tx, cabinet_id, vec![e.into_audit()]).await
}

impl Entry<'_> {
    fn into_audit(self) -> AuditEntry {
        AuditEntry {
            seq: 0,
            at: from_ms(0),
            actor_user_id: self.actor_user_id.map(String::from),
            action: self.action.into(),
            target_kind: self.target_kind.map(String::from),
            target_id: self.target_id.map(String::from),
            outcome: self.outcome.into(),
            detail: self.detail,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }
}

/// Appends one audit entry per `(target id, detail)` in the caller's transaction: the
/// same entries, chain and lock as [`append`] called once per target, written
/// with three statements for the whole batch.
pub async fn append_batch(
    tx: &mut Tx,
    cabinet_id: &str,
    actor: &str,
    action: &str,
    target_kind: &str,
    entries: Vec<(String, serde_json::Value)>,
) -> Result<()> {
    let entries = entries
        .iter()
        .map(|(target, detail)| {
            Entry {
                actor_user_id: Some(actor),
                action,
                target_kind: Some(target_kind),
                target_id: Some(target),
                outcome: "ok",
                detail: detail.clone(),
            }
            .into_audit()
        })
        .collect();
    chain(tx, cabinet_id, entries).await
}

/// Chains `entries` (their seq, time and hashes are set here) after the cabinet's
/// head: takes the cabinet row's lock and the next seqs in one update, writes the
/// entries in one insert, then moves the head.
async fn chain(tx: &mut Tx, cabinet_id: &str, entries: Vec<AuditEntry>) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut q = Query::update();
    q.table(n("cabinets"));
    reserve(&mut q, entries.len());
    q.and_where(Expr::col(n("id")).eq(cabinet_id))
        .returning(Query::returning().columns(RESERVED.map(n)));
    let (top, prev): (i64, String) = tx.opt(&q).await?.ok_or(crate::error::ApiError::NotFound)?;
    write_chain(tx, cabinet_id, entries, top, prev).await
}

/// What an update of the cabinet's row that [`reserve`]s entries returns, in order:
/// the last seq reserved and the head before them.
pub const RESERVED: [&str; 2] = ["audit_seq", "audit_head"];

/// Adds to an update of the cabinet's row (the caller's, which locks it anyway) the
/// reservation of `k` entries; return [`RESERVED`] from it and pass them to
/// [`append_reserved`].
pub fn reserve(q: &mut sea_query::UpdateStatement, k: usize) {
    // i32 for the same reason as the change sequence ([`crate::changes`]).
    q.value(n("audit_seq"), Expr::col(n("audit_seq")).add(k as i32));
}

/// The writes that append `entries` after a [`reserve`] of as many, whose update
/// returned `top` and `prev` (for the caller's [`Tx::exec_all`] with its own writes).
pub fn reserved_writes(
    tx: &Tx,
    cabinet_id: &str,
    entries: Vec<Entry<'_>>,
    top: i64,
    prev: String,
) -> Vec<Write> {
    let entries = entries.into_iter().map(Entry::into_audit).collect();
    chain_writes(&tx.audit_key, cabinet_id, entries, top, prev)
}

/// Writes `entries` as the seqs up to `top` after the head `prev` (reserved), and moves
/// the head.
async fn write_chain(
    tx: &mut Tx,
    cabinet_id: &str,
    entries: Vec<AuditEntry>,
    top: i64,
    prev: String,
) -> Result<()> {
    let writes = chain_writes(&tx.audit_key, cabinet_id, entries, top, prev);
    tx.exec_all(writes).await?;
    Ok(())
}

/// The insert of `entries` (seqs up to `top`, chained after `prev`) and the move of
/// the cabinet's head.
fn chain_writes(
    key: &key::AuditKey,
    cabinet_id: &str,
    entries: Vec<AuditEntry>,
    top: i64,
    mut prev: String,
) -> Vec<Write> {
    let k = entries.len() as i64;
    let at = now_ms();
    let mut ins = Query::insert();
    // The stored columns of an entry (COLS), with its cabinet and the row's times.
    ins.into_table(n("audit_log")).columns(
        std::iter::once("cabinet_id")
            .chain(COLS.iter().copied())
            .chain(["created_at", "updated_at"])
            .map(n),
    );
    for (i, mut e) in entries.into_iter().enumerate() {
        e.seq = top - k + 1 + i as i64;
        e.at = from_ms(at);
        e.prev_hash = prev.clone();
        e.hash = entry_hash(key, cabinet_id, &prev, &e);
        ins.values_panic([
            cabinet_id.into(),
            e.seq.into(),
            at.into(),
            e.actor_user_id.into(),
            e.action.into(),
            e.target_kind.into(),
            e.target_id.into(),
            e.outcome.into(),
            e.detail.to_string().into(),
            e.prev_hash.into(),
            e.hash.clone().into(),
            at.into(),
            at.into(),
        ]);
        prev = e.hash;
    }
    let mut q = Query::update();
    q.table(n("cabinets"))
        .value(n("audit_head"), prev)
        .and_where(Expr::col(n("id")).eq(cabinet_id));
    vec![Write::Insert(ins), Write::Update(q)]
}

/// Appends in a transaction of its own: for refusals, whose request changes nothing.
pub async fn record(db: &Db, cabinet_id: &str, e: Entry<'_>) -> Result<()> {
    let mut tx = db.begin().await?;
    append(&mut tx, cabinet_id, e).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    seq: i64,
    at: i64,
    actor_user_id: Option<String>,
    action: String,
    target_kind: Option<String>,
    target_id: Option<String>,
    outcome: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

impl AuditRow {
    pub(crate) fn into_domain(self) -> AuditEntry {
        AuditEntry {
            seq: self.seq,
            at: from_ms(self.at),
            actor_user_id: self.actor_user_id,
            action: self.action,
            target_kind: self.target_kind,
            target_id: self.target_id,
            outcome: self.outcome,
            // A tampered detail that is no longer JSON is kept as a string so that
            // verification can still report the entry.
            detail: serde_json::from_str(&self.detail)
                .unwrap_or(serde_json::Value::String(self.detail)),
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }
}

pub(crate) const COLS: &[&str] = &[
    "seq",
    "at",
    "actor_user_id",
    "action",
    "target_kind",
    "target_id",
    "outcome",
    "detail",
    "prev_hash",
    "hash",
];

/// Entries of a cabinet with `seq < before` (newest first), at most `limit`.
pub async fn list(
    tx: &mut Tx,
    cabinet_id: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditEntry>> {
    let mut q = select("audit_log", "a", COLS);
    q.and_where(Expr::col((n("a"), n("cabinet_id"))).eq(cabinet_id));
    if let Some(b) = before {
        q.and_where(Expr::col((n("a"), n("seq"))).lt(b));
    }
    q.order_by((n("a"), n("seq")), Order::Desc)
        .limit(limit as u64);
    let rows: Vec<AuditRow> = tx.all(&q).await?;
    Ok(rows.into_iter().map(AuditRow::into_domain).collect())
}

pub async fn count(tx: &mut Tx, cabinet_id: &str) -> Result<i64> {
    let mut q = Query::select();
    q.expr(Expr::col(n("seq")).count())
        .from(n("audit_log"))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet_id));
    Ok(tx.int(&q).await?)
}
