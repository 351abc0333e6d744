//! Checking the chains: `oubli-server audit verify` (every entry's HMAC, the order of
//! seqs, the cabinet's head), and against a head exported earlier and kept outside
//! the database (`audit export-head`, `audit verify --head FILE`), which is what
//! catches entries cut off the end or a cabinet's whole log deleted.

use super::{entry_hash, AuditRow, COLS};
use crate::db::rows::{n, select};
use crate::db::Db;
use crate::error::Result;
use sea_query::{Expr, Order, Query};
use serde::{Deserialize, Serialize};

/// Where each cabinet's chain stood when exported, signed with the audit key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Head {
    /// When it was exported (RFC 3339).
    pub exported_at: String,
    pub cabinets: Vec<CabinetHead>,
    /// HMAC-SHA256 (hex) of the fields above under the audit key.
    pub signature: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CabinetHead {
    pub cabinet_id: String,
    pub seq: i64,
    pub hash: String,
}

fn head_signature(
    key: &crate::db::audit_key::AuditKey,
    exported_at: &str,
    cabinets: &[CabinetHead],
) -> String {
    let canonical = serde_json::json!([exported_at, cabinets]);
    key.mac("oubli-audit-head-v1", canonical.to_string().as_bytes())
}

/// Why a check failed; `Display` is the French sentence the command prints.
#[derive(Debug, Clone, PartialEq)]
pub enum Broken {
    /// The first entry of `cabinet` (at `seq`) whose seq, link or HMAC is wrong, or
    /// the point where the chain stops short of the cabinet's own head.
    Entry { cabinet: String, seq: i64 },
    /// The exported head's signature is not the key's: not ours, or edited.
    HeadSignature,
    /// A cabinet of the exported head is gone.
    CabinetMissing { cabinet: String },
    /// The chain no longer reaches, or no longer holds, the exported head.
    BehindHead { cabinet: String, seq: i64 },
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Broken::Entry { cabinet, seq } => write!(
                f,
                "Journal d'audit altéré : première entrée invalide n° {seq} (cabinet {cabinet})."
            ),
            Broken::HeadSignature => f.write_str(
                "La tête exportée n'est pas signée par la clé de ce journal (fichier modifié ou d'une autre installation).",
            ),
            Broken::CabinetMissing { cabinet } => write!(
                f,
                "Journal d'audit altéré : le cabinet {cabinet} de la tête exportée n'existe plus."
            ),
            Broken::BehindHead { cabinet, seq } => write!(
                f,
                "Journal d'audit altéré : l'entrée n° {seq} de la tête exportée manque ou a changé (cabinet {cabinet})."
            ),
        }
    }
}

/// One cabinet's chain checked entry by entry: its (seq, hash) pairs in order.
async fn chain_of(
    tx: &mut crate::db::Tx,
    cab: &str,
    head_seq: i64,
    head: &str,
) -> Result<std::result::Result<Vec<(i64, String)>, Broken>> {
    let mut q = select("audit_log", "a", COLS);
    q.and_where(Expr::col((n("a"), n("cabinet_id"))).eq(cab))
        .order_by((n("a"), n("seq")), Order::Asc);
    let rows: Vec<AuditRow> = tx.all(&q).await?;
    let key = tx.audit_key.clone();
    let mut prev = String::new();
    let mut last = 0;
    let mut out = Vec::with_capacity(rows.len());
    for (expected_seq, r) in (1i64..).zip(rows) {
        let e = r.into_domain();
        if e.seq != expected_seq
            || e.prev_hash != prev
            || entry_hash(&key, cab, &prev, &e) != e.hash
        {
            return Ok(Err(Broken::Entry {
                cabinet: cab.into(),
                seq: expected_seq,
            }));
        }
        last = e.seq;
        out.push((e.seq, e.hash.clone()));
        prev = e.hash;
    }
    // Entries cut off the end of the chain: the cabinet row remembers its head.
    if last != head_seq || prev != head {
        return Ok(Err(Broken::Entry {
            cabinet: cab.into(),
            seq: last + 1,
        }));
    }
    Ok(Ok(out))
}

async fn cabinets(tx: &mut crate::db::Tx) -> Result<Vec<(String, i64, String)>> {
    let mut cq = Query::select();
    cq.columns([n("id"), n("audit_seq"), n("audit_head")])
        .from(n("cabinets"))
        .order_by(n("id"), Order::Asc);
    Ok(tx.all(&cq).await?)
}

/// Checks every chain; returns how many entries, or the first broken entry as
/// (cabinet id, seq).
pub async fn verify(db: &Db) -> Result<std::result::Result<u64, (String, i64)>> {
    Ok(match verify_against(db, None).await? {
        Ok(n) => Ok(n),
        Err(Broken::Entry { cabinet, seq }) | Err(Broken::BehindHead { cabinet, seq }) => {
            Err((cabinet, seq))
        }
        Err(Broken::CabinetMissing { cabinet }) => Err((cabinet, 1)),
        Err(Broken::HeadSignature) => Err((String::new(), 0)),
    })
}

/// Checks every chain and, with `head`, that each cabinet it names still exists and
/// its chain still holds the exported entry (so nothing up to it was cut off).
pub async fn verify_against(
    db: &Db,
    head: Option<&Head>,
) -> Result<std::result::Result<u64, Broken>> {
    if let Some(h) = head {
        let expected = head_signature(&db.audit_key, &h.exported_at, &h.cabinets);
        if !crate::auth::constant_time_eq(&expected, &h.signature) {
            return Ok(Err(Broken::HeadSignature));
        }
    }
    let mut tx = db.read().await?;
    let mut checked = 0u64;
    let mut chains = std::collections::HashMap::new();
    for (cab, head_seq, head_hash) in cabinets(&mut tx).await? {
        match chain_of(&mut tx, &cab, head_seq, &head_hash).await? {
            Ok(entries) => {
                checked += entries.len() as u64;
                chains.insert(cab, entries);
            }
            Err(b) => return Ok(Err(b)),
        }
    }
    tx.commit().await?;
    if let Some(h) = head {
        for c in &h.cabinets {
            let Some(entries) = chains.get(&c.cabinet_id) else {
                return Ok(Err(Broken::CabinetMissing {
                    cabinet: c.cabinet_id.clone(),
                }));
            };
            let held = c.seq == 0
                || entries
                    .get((c.seq - 1) as usize)
                    .is_some_and(|(seq, hash)| *seq == c.seq && *hash == c.hash);
            if !held {
                return Ok(Err(Broken::BehindHead {
                    cabinet: c.cabinet_id.clone(),
                    seq: c.seq,
                }));
            }
        }
    }
    Ok(Ok(checked))
}

/// The current head of every cabinet's chain, signed: to print and keep elsewhere.
pub async fn export_head(db: &Db) -> Result<Head> {
    let mut tx = db.read().await?;
    let cabinets = cabinets(&mut tx)
        .await?
        .into_iter()
        .map(|(cabinet_id, seq, hash)| CabinetHead {
            cabinet_id,
            seq,
            hash,
        })
        .collect::<Vec<_>>();
    tx.commit().await?;
    let exported_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let signature = head_signature(&db.audit_key, &exported_at, &cabinets);
    Ok(Head {
        exported_at,
        cabinets,
        signature,
    })
}
