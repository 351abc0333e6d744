//! The per-cabinet change sequence and tombstones behind offline sync: every change to
//! a contact or anything hanging from it stamps the contact with the next sequence
//! number; a contact leaving someone's view leaves an id-only tombstone.

use crate::db::rows::{insert, n};
use crate::db::{now_ms, Tx};
use crate::error::{ApiError, Result};
use sea_query::{Expr, Query};

/// Advances the cabinet's sequence (locking its row until commit) and returns it.
pub async fn next_seq(tx: &mut Tx, cabinet_id: &str) -> Result<i64> {
    let mut q = Query::update();
    q.table(n("cabinets"))
        .value(n("change_seq"), Expr::col(n("change_seq")).add(1))
        .and_where(Expr::col(n("id")).eq(cabinet_id))
        .returning(Query::returning().columns([n("change_seq")]));
    let (seq,): (i64,) = tx.opt(&q).await?.ok_or(ApiError::NotFound)?;
    Ok(seq)
}

/// Records that `contact_id` (or something hanging from it) changed.
pub async fn touch_contact(tx: &mut Tx, cabinet_id: &str, contact_id: &str) -> Result<i64> {
    let seq = next_seq(tx, cabinet_id).await?;
    let mut q = Query::update();
    q.table(n("contacts"))
        .value(n("change_seq"), seq)
        .value(n("updated_at"), now_ms())
        .and_where(Expr::col(n("id")).eq(contact_id))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet_id));
    tx.exec(&q).await?;
    Ok(seq)
}

/// The contact left the view of `user_id` (and of that user's team lead).
pub async fn tombstone(
    tx: &mut Tx,
    cabinet_id: &str,
    contact_id: &str,
    user_id: Option<&str>,
    team_id: Option<&str>,
) -> Result<i64> {
    let seq = next_seq(tx, cabinet_id).await?;
    let now = now_ms();
    tx.exec(&insert(
        "tombstones",
        vec![
            ("cabinet_id", cabinet_id.to_string().into()),
            ("seq", seq.into()),
            ("contact_id", contact_id.to_string().into()),
            ("user_id", user_id.map(String::from).into()),
            ("team_id", team_id.map(String::from).into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await?;
    Ok(seq)
}

/// What `user_id` may see changed (role, team, activation): their sync cursors from
/// before now answer `reset` (`users.scope_seq`, see `routes/sync.rs`). `teams` are the
/// teams the user left or joined: their members see the user's contacts come or go
/// (a team lead's view), so their cursors are reset too.
pub async fn scope_changed(
    tx: &mut Tx,
    cabinet_id: &str,
    user_id: &str,
    teams: &[&str],
) -> Result<i64> {
    let seq = next_seq(tx, cabinet_id).await?;
    let mut who = sea_query::Cond::any().add(Expr::col(n("id")).eq(user_id));
    if !teams.is_empty() {
        who = who.add(Expr::col(n("team_id")).is_in(teams.iter().copied()));
    }
    let mut q = Query::update();
    q.table(n("users"))
        .value(n("scope_seq"), seq)
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet_id))
        .cond_where(who);
    tx.exec(&q).await?;
    Ok(seq)
}
