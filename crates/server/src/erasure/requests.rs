//! Erasure requests by sales and team leads: the request row, and for a selection the
//! members it resolved to when it was made.

use crate::auth::Auth;
use crate::db::rows::{insert, n};
use crate::db::{now_ms, Tx};
use crate::error::{ApiError, Result};
use crate::listing;
use oubli_domain::{EraseAction, TargetForm};
use sea_query::{Expr, Query};

use super::limits::{check_rate, Rate};
use super::selection::{all_named_visible, target_ids};
use super::MemberKind;

/// Refuses (429) a request beyond the requester's rate: the first statement of the
/// transaction that creates a request, before anything is resolved or written.
pub async fn check_request_rate(tx: &mut Tx, auth: &Auth) -> Result<()> {
    check_rate(tx, auth, Rate::Requests).await
}

/// Inserts an erasure request row: for one record (`target_id`, `count` 1) or for a
/// selection (no `target_id`, `count` members). The caller has checked the rate
/// ([`check_request_rate`]).
pub async fn insert_request(
    tx: &mut Tx,
    auth: &Auth,
    action: EraseAction,
    kind: &str,
    target_id: Option<&str>,
    count: i64,
    reason: Option<String>,
) -> Result<String> {
    let id = crate::db::new_id();
    let now = now_ms();
    tx.exec(&insert(
        "erasure_requests",
        vec![
            ("id", id.clone().into()),
            ("cabinet_id", auth.actor.cabinet_id.clone().into()),
            ("requester_id", auth.actor.user_id.clone().into()),
            ("action", action.as_str().to_string().into()),
            ("target_kind", kind.to_string().into()),
            ("target_id", target_id.map(String::from).into()),
            ("member_count", count.into()),
            ("reason", reason.into()),
            ("status", "open".to_string().into()),
            ("decided_by", Option::<String>::None.into()),
            ("decided_at", Option::<i64>::None.into()),
            ("decision_reason", Option::<String>::None.into()),
            ("erasure_id", Option::<String>::None.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await?;
    Ok(id)
}

/// An erasure request for a selection (several ids, or a filter with exclusions), in
/// the caller's transaction: resolves `form` now, within what the requester may see
/// (the same selection as [`super::preview`]: scope, list filter, exclusions, and for an
/// anonymization only contacts not anonymized yet), and stores the request with the
/// ids it resolved to. Returns the request id, what its members are and how many.
///
/// An explicit id the requester cannot see is 404, as for a single record; an empty
/// selection is 422. Either way the caller's transaction is dropped: nothing stored.
/// The filter itself is not kept anywhere (a search term can be a name).
pub async fn insert_selection_request(
    tx: &mut Tx,
    auth: &Auth,
    action: EraseAction,
    form: &TargetForm<'_>,
    reason: Option<String>,
) -> Result<(String, MemberKind, i64)> {
    check_request_rate(tx, auth).await?;
    let cutoff = listing::retention_cutoff(tx, &auth.actor.cabinet_id).await?;
    let (kind, ids) = target_ids(auth, action, form, cutoff)?;
    let explicit = matches!(form, TargetForm::Contacts(_) | TargetForm::Projects(_));
    if !all_named_visible(tx, auth, form, cutoff).await? {
        return Err(ApiError::NotFound);
    }
    let rid = insert_request(tx, auth, action, kind.as_str(), None, 0, reason).await?;
    let now = now_ms();
    let mut members = Query::insert();
    members
        .into_table(n("erasure_request_members"))
        .columns(
            [
                "request_id",
                "cabinet_id",
                "target_id",
                "created_at",
                "updated_at",
            ]
            .map(n),
        )
        .select_from({
            let mut s = Query::select();
            s.expr(Expr::val(rid.as_str()))
                .expr(Expr::val(auth.actor.cabinet_id.as_str()))
                .column(n("x_id"))
                .expr(Expr::val(now))
                .expr(Expr::val(now))
                .from_subquery(ids, n("sel"));
            s
        })
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let count = tx.exec(&members).await? as i64;
    if count == 0 {
        if explicit {
            // All there and visible, all already anonymized.
            return Err(ApiError::read_only());
        }
        return Err(ApiError::invalid(
            "target",
            match action {
                EraseAction::Anonymize => {
                    "Aucun contact à anonymiser dans cette sélection (dans votre périmètre) : aucune demande n'a été créée."
                }
                EraseAction::Delete => {
                    "Aucun élément à supprimer dans cette sélection (dans votre périmètre) : aucune demande n'a été créée."
                }
            },
        ));
    }
    let mut up = Query::update();
    up.table(n("erasure_requests"))
        .value(n("member_count"), count)
        .and_where(Expr::col(n("id")).eq(rid.as_str()));
    tx.exec(&up).await?;
    Ok((rid, kind, count))
}
