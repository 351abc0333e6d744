//! The rules every write of an activity item obeys: the right to object (no email or
//! SMS to a person who objected) and the retention clock (an inbound interaction
//! restarts it).

use crate::db::rows::n;
use crate::db::{now_ms, to_ms, Tx};
use crate::error::{ApiError, Result};
use oubli_domain::{ActivityInput, ActivityKind, Direction};
use sea_query::{Expr, Query};

/// Email and SMS to a person who objected are refused (right to object).
pub(super) fn check_opposition(
    opposed: bool,
    kind: ActivityKind,
    input: &ActivityInput,
) -> Result<()> {
    if opposed && kind == ActivityKind::Messages && input.direction != Some(Direction::Inbound) {
        return Err(ApiError::Conflict {
            code: "opposition",
            message: "Ce contact s'est opposé à la prospection : aucun email ni SMS ne peut lui être envoyé.".into(),
        });
    }
    Ok(())
}

pub(super) async fn opposed(tx: &mut Tx, contact_id: &str) -> Result<bool> {
    let mut q = Query::select();
    q.expr(Expr::col(n("id")).count())
        .from(n("contacts"))
        .and_where(Expr::col(n("id")).eq(contact_id))
        .and_where(Expr::col(n("opposition_at")).is_not_null());
    Ok(tx.int(&q).await? > 0)
}

/// An inbound interaction (a reply, a call they made…) resets the retention clock.
pub(super) async fn note_inbound(
    tx: &mut Tx,
    contact_id: &str,
    input: &ActivityInput,
) -> Result<()> {
    if input.direction == Some(Direction::Inbound) {
        let at = input.occurred_at.map(to_ms).unwrap_or_else(now_ms);
        let mut q = Query::update();
        q.table(n("contacts"))
            .value(n("last_inbound_at"), at)
            .and_where(Expr::col(n("id")).eq(contact_id))
            .cond_where(
                sea_query::Cond::any()
                    .add(Expr::col(n("last_inbound_at")).is_null())
                    .add(Expr::col(n("last_inbound_at")).lt(at)),
            );
        tx.exec(&q).await?;
    }
    Ok(())
}
