//! The totals of the lists, kept while nothing in the cabinet changed.

use crate::db::rows::n;
use crate::db::Tx;
use crate::error::Result;
use oubli_domain::filter::Filter;
use oubli_domain::Actor;
use sea_query::{Expr, Query, SelectStatement};

/// Totals of list queries (`Page::total`), kept while the cabinet's change sequence is
/// unchanged. Counting every match is the one part of a list request whose cost grows
/// with the cabinet (a keyset page reads only its rows); every change to a contact or
/// anything hanging from it advances the sequence, so a kept total is exact for the
/// data, and at most [`TOTAL_TTL`] old for what depends on the clock (the retention
/// cut-off) or on users' teams. Only numbers are kept, under a hash of ids and filter.
#[derive(Default)]
pub struct TotalCache(
    std::sync::Mutex<std::collections::HashMap<String, (i64, i64, std::time::Instant)>>,
);

pub const TOTAL_TTL: std::time::Duration = std::time::Duration::from_secs(60);
/// Entries kept at most; past it the cache starts afresh.
const TOTAL_ENTRIES: usize = 4096;

impl TotalCache {
    /// The total `count` computes for `actor`'s `list` under `filter`, from the cache
    /// when the cabinet has not changed since it was counted.
    pub async fn total(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        list: &str,
        filter: &Filter,
        count: &SelectStatement,
    ) -> Result<i64> {
        let mut q = Query::select();
        q.column(n("change_seq"))
            .from(n("cabinets"))
            .and_where(Expr::col(n("id")).eq(actor.cabinet_id.as_str()));
        let seq = tx.int(&q).await?;
        // Hashed: a search may be a person's name, and it must not linger in memory.
        let key = crate::auth::sha256_hex(
            &format!(
                "{}|{}|{:?}|{}|{list}|{}",
                actor.cabinet_id,
                actor.user_id,
                actor.role,
                actor.team_id.as_deref().unwrap_or(""),
                serde_json::to_string(filter).unwrap_or_default()
            )
            .into_bytes(),
        );
        let lock = || self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&(s, total, at)) = lock().get(&key) {
            if s == seq && at.elapsed() < TOTAL_TTL {
                return Ok(total);
            }
        }
        let total = tx.int(count).await?;
        let mut map = lock();
        if map.len() >= TOTAL_ENTRIES {
            map.clear();
        }
        map.insert(key, (seq, total, std::time::Instant::now()));
        Ok(total)
    }
}
