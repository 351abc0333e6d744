//! Bounds on what one user can make the server store and compute through erasures
//! (issue 14 item 5). A preview stores its whole selection (a full cabinet is 5,000 or
//! 100,000 ids) and counts its cascade; unbounded, 80 full-cabinet previews in 1.6 s
//! grew a 28.5 MB database to 76 MB, and 50 requests by one salesperson took 0.4 s.
//!
//! - Open previews: at most [`OPEN_PREVIEWS`] per user (an open preview is one whose
//!   token can still confirm it). A new preview *replaces* the user's oldest open one
//!   rather than being refused: a broker who clicks "Aperçu" again, or opens the dialog
//!   in a second tab, must never be blocked by previews they have forgotten. The
//!   replaced preview's token dies (its confirmation answers 409, "remplacé") and its
//!   stored set is deleted in the same transaction, with the sets of the user's expired
//!   previews: one user's stored sets never outnumber [`OPEN_PREVIEWS`].
//! - Rates: at most [`PREVIEWS_PER_MINUTE`] previews (an approval's preview and a
//!   `DELETE /contacts/{id}` included: each resolves and stores a selection) and
//!   [`REQUESTS_PER_MINUTE`] erasure requests per user in any 60 seconds. Beyond, 429
//!   with `Retry-After` (when the oldest counted one leaves the window) and a French
//!   message; nothing is written.
//!
//! The rates are read from the rows themselves (`erasures.actor_user_id`,
//! `erasure_requests.requester_id`, each indexed with `created_at` by migration 0010) in the transaction
//! that would write the new row: no state of its own, and it holds across every
//! instance sharing the database. On PostgreSQL the user's row is locked first, so
//! that parallel requests of one user count each other instead of all reading the
//! same count; on SQLite the single writer connection already serializes them.

use crate::auth::Auth;
use crate::db::rows::n;
use crate::db::{now_ms, Backend, Tx};
use crate::error::{ApiError, Result};
use sea_query::{Cond, Expr, Order, Query};

/// The bounds are rules of the product, in the domain crate.
pub use oubli_domain::erasure::{OPEN_PREVIEWS, PREVIEWS_PER_MINUTE, REQUESTS_PER_MINUTE};
const WINDOW_MS: i64 = 60_000;

/// What a rate counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rate {
    Previews,
    Requests,
}

/// Refuses (429, nothing written: the caller's transaction is dropped) when the actor
/// already created the allowed number of previews or requests in the last minute.
/// Call it in the transaction that writes the new row, before writing anything.
pub(super) async fn check_rate(tx: &mut Tx, auth: &Auth, rate: Rate) -> Result<()> {
    let user = auth.actor.user_id.as_str();
    if tx.backend == Backend::Postgres {
        let mut lock = Query::select();
        lock.column(n("id"))
            .from(n("users"))
            .and_where(Expr::col(n("id")).eq(user))
            .lock(sea_query::LockType::Update);
        tx.opt::<(String,)>(&lock).await?;
    }
    let (table, by, allowed, what) = match rate {
        Rate::Previews => (
            "erasures",
            "actor_user_id",
            PREVIEWS_PER_MINUTE,
            "d'aperçus",
        ),
        Rate::Requests => (
            "erasure_requests",
            "requester_id",
            REQUESTS_PER_MINUTE,
            "de demandes",
        ),
    };
    let now = now_ms();
    // The `allowed`-th newest row of the window: while there is one, the user is at
    // the limit, until it leaves the window.
    let mut q = Query::select();
    q.column(n("created_at"))
        .from(n(table))
        .and_where(Expr::col(n(by)).eq(user))
        .and_where(Expr::col(n("created_at")).gt(now - WINDOW_MS))
        .order_by(n("created_at"), Order::Desc)
        .limit(1)
        .offset((allowed - 1) as u64);
    let Some((at,)) = tx.opt::<(i64,)>(&q).await? else {
        return Ok(());
    };
    let wait_ms = (at + WINDOW_MS - now).max(1);
    let retry_after_secs = ((wait_ms + 999) / 1000) as u64;
    tracing::info!(user = %user, rate = ?rate, "erasure rate limit reached");
    let message = format!(
        "Trop {what} d'effacement en une minute ({allowed} au plus) : réessayez dans {retry_after_secs} s."
    );
    Err(ApiError::TooMany {
        message,
        retry_after_secs,
    })
}

/// Makes room for the actor's new preview `new_id`, in its transaction: the token of
/// each of their other previews that is expired, or open beyond the newest
/// [`OPEN_PREVIEWS`]` - 1`, dies, and the stored sets of those previews are deleted (a
/// preview replaced by a new approval loses its set in `approve`). Returns how many
/// previews were replaced.
///
/// A token dies by the same conditional write that a confirmation makes
/// (`token_hash` still set, status still `previewed`): of a confirmation and a
/// replacement racing for one preview exactly one wins, and a set is only deleted once
/// its token is dead, so a confirmed job never loses its members.
pub(super) async fn replace_oldest_previews(tx: &mut Tx, auth: &Auth, new_id: &str) -> Result<u64> {
    let now = now_ms();
    let mine = || {
        Cond::all()
            .add(Expr::col(n("actor_user_id")).eq(auth.actor.user_id.as_str()))
            .add(Expr::col(n("status")).eq("previewed"))
            .add(Expr::col(n("id")).ne(new_id))
    };
    let mut open = Query::select();
    open.column(n("id"))
        .from(n("erasures"))
        .cond_where(
            mine()
                .add(Expr::col(n("token_hash")).is_not_null())
                .add(Expr::col(n("expires_at")).gt(now)),
        )
        .order_by(n("created_at"), Order::Desc)
        .order_by(n("id"), Order::Desc)
        .limit((OPEN_PREVIEWS - 1) as u64);
    let kept: Vec<(String,)> = tx.all(&open).await?;
    // The previews to replace: the user's others with a live token (expired ones
    // included). Only these are touched, so the work does not grow with the history.
    let mut others = Query::select();
    others
        .column(n("id"))
        .from(n("erasures"))
        .cond_where(mine().add(Expr::col(n("token_hash")).is_not_null()));
    if !kept.is_empty() {
        others.and_where(Expr::col(n("id")).is_not_in(kept.iter().map(|k| k.0.as_str())));
    }
    let doomed: Vec<(String,)> = tx.all(&others).await?;
    if doomed.is_empty() {
        return Ok(0);
    }
    let doomed = || doomed.iter().map(|d| d.0.as_str());
    let mut kill = Query::update();
    kill.table(n("erasures"))
        .value(n("token_hash"), Option::<String>::None)
        .value(n("updated_at"), now)
        .cond_where(
            mine()
                .add(Expr::col(n("token_hash")).is_not_null())
                .add(Expr::col(n("id")).is_in(doomed())),
        );
    let replaced = tx.exec(&kill).await?;
    // Of those, the ones whose token is now dead and that are still previews: a
    // confirmation that won the race made its row a job, whose set stays.
    let mut dead = Query::select();
    dead.column(n("id")).from(n("erasures")).cond_where(
        mine()
            .add(Expr::col(n("token_hash")).is_null())
            .add(Expr::col(n("id")).is_in(doomed())),
    );
    let mut sets = Query::delete();
    sets.from_table(n("erasure_chunks"))
        .and_where(Expr::col(n("erasure_id")).in_subquery(dead));
    tx.exec(&sets).await?;
    Ok(replaced)
}
