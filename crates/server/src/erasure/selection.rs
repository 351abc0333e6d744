//! What an erasure designates: the `SELECT` of the ids a target of API.md (or the
//! members stored with an erasure request) resolves to, within what the actor may see.

use crate::auth::Auth;
use crate::db::rows::n;
use crate::db::Tx;
use crate::error::{ApiError, Result};
use crate::listing;
use oubli_domain::filter::Resource;
use oubli_domain::{EraseAction, TargetForm};
use sea_query::{Cond, Expr, Query, SelectStatement};

use super::MemberKind;

/// `SELECT DISTINCT` the contacts of the projects `p` (joined to their contact `c`)
/// matching `cond`, as `x_id`.
fn contacts_of_projects(cond: Cond) -> SelectStatement {
    let mut q = listing::projects_with_contact();
    q.distinct()
        .expr_as(Expr::col((n("p"), n("contact_id"))), n("x_id"))
        .cond_where(cond);
    q
}

/// `SELECT` the projects `p` (joined to their contact `c`) matching `cond`, as `x_id`.
fn project_ids(cond: Cond) -> SelectStatement {
    let mut q = listing::projects_with_contact();
    q.expr_as(Expr::col((n("p"), n("id"))), n("x_id"))
        .cond_where(cond);
    q
}

/// `SELECT id` of the records a target designates, within what the actor may see.
/// The one selected column is named `x_id`. When anonymizing, contacts already
/// anonymized are left out (a no-op would only inflate the counts).
pub(super) fn target_ids(
    auth: &Auth,
    action: EraseAction,
    form: &TargetForm<'_>,
    cutoff: i64,
) -> Result<(MemberKind, SelectStatement)> {
    let not_anon = |c: Cond| {
        if action == EraseAction::Anonymize {
            c.add(Expr::col((n("c"), n("anonymized_at"))).is_null())
        } else {
            c
        }
    };
    let scope = listing::scope_cond(&auth.actor);
    Ok(match form {
        TargetForm::Contacts(ids) => {
            let mut q = Query::select();
            q.expr_as(Expr::col((n("c"), n("id"))), n("x_id"))
                .from_as(n("contacts"), n("c"))
                .cond_where(not_anon(
                    scope.add(Expr::col((n("c"), n("id"))).is_in(ids.iter().cloned())),
                ));
            (MemberKind::Contacts, q)
        }
        TargetForm::Projects(ids) => {
            let cond = not_anon(scope.add(Expr::col((n("p"), n("id"))).is_in(ids.iter().cloned())));
            match action {
                EraseAction::Anonymize => (MemberKind::Contacts, contacts_of_projects(cond)),
                EraseAction::Delete => (MemberKind::Projects, project_ids(cond)),
            }
        }
        TargetForm::ContactsFilter(q, exclude) => {
            let (f, _) = q.parse(Resource::Contacts).map_err(|e| {
                ApiError::Invalid(
                    e.into_iter()
                        .map(|(k, v)| (format!("target.contacts_filter.{k}"), v))
                        .collect(),
                )
            })?;
            let mut cond = not_anon(listing::contacts_cond(&f, &auth.actor, cutoff));
            if !exclude.is_empty() {
                cond = cond.add(Expr::col((n("c"), n("id"))).is_not_in(exclude.iter().cloned()));
            }
            let mut s = Query::select();
            s.expr_as(Expr::col((n("c"), n("id"))), n("x_id"))
                .from_as(n("contacts"), n("c"))
                .cond_where(cond);
            (MemberKind::Contacts, s)
        }
        TargetForm::ProjectsFilter(q, exclude) => {
            let (f, _) = q.parse(Resource::Projects).map_err(|e| {
                ApiError::Invalid(
                    e.into_iter()
                        .map(|(k, v)| (format!("target.projects_filter.{k}"), v))
                        .collect(),
                )
            })?;
            let mut cond = not_anon(listing::projects_cond(&f, &auth.actor, cutoff));
            if !exclude.is_empty() {
                cond = cond.add(Expr::col((n("p"), n("id"))).is_not_in(exclude.iter().cloned()));
            }
            match action {
                EraseAction::Anonymize => (MemberKind::Contacts, contacts_of_projects(cond)),
                EraseAction::Delete => (MemberKind::Projects, project_ids(cond)),
            }
        }
    })
}

/// What a preview resolves: a target of API.md, or the members stored with an erasure
/// request (its selection as resolved when it was made).
pub(super) enum Selection<'a> {
    Target(TargetForm<'a>),
    Request(MemberKind, &'a str),
}

/// `SELECT id` (as `x_id`) of the members stored with erasure request `request_id`
/// that still exist, within what the actor may see: the explicit-ids arms of
/// [`target_ids`] with the stored set in place of the list. The filter is not run
/// again: a record that started matching it after the request is not included.
pub(super) fn request_ids(
    auth: &Auth,
    action: EraseAction,
    kind: MemberKind,
    request_id: &str,
) -> (MemberKind, SelectStatement) {
    let mut set = Query::select();
    set.column(n("target_id"))
        .from(n("erasure_request_members"))
        .and_where(Expr::col(n("request_id")).eq(request_id))
        .and_where(Expr::col(n("cabinet_id")).eq(auth.actor.cabinet_id.as_str()));
    let mut scope = listing::scope_cond(&auth.actor);
    if action == EraseAction::Anonymize {
        scope = scope.add(Expr::col((n("c"), n("anonymized_at"))).is_null());
    }
    match (kind, action) {
        (MemberKind::Contacts, _) => {
            let mut q = Query::select();
            q.expr_as(Expr::col((n("c"), n("id"))), n("x_id"))
                .from_as(n("contacts"), n("c"))
                .cond_where(scope.add(Expr::col((n("c"), n("id"))).in_subquery(set)));
            (MemberKind::Contacts, q)
        }
        (MemberKind::Projects, EraseAction::Anonymize) => (
            MemberKind::Contacts,
            contacts_of_projects(scope.add(Expr::col((n("p"), n("id"))).in_subquery(set))),
        ),
        (MemberKind::Projects, EraseAction::Delete) => (
            MemberKind::Projects,
            project_ids(scope.add(Expr::col((n("p"), n("id"))).in_subquery(set))),
        ),
    }
}

/// Whether every id that `form` names explicitly exists and is visible to the actor
/// (always true for a filter): a stale or foreign id is an error, not a silent partial
/// erasure. Already anonymized contacts count as there.
pub(super) async fn all_named_visible(
    tx: &mut Tx,
    auth: &Auth,
    form: &TargetForm<'_>,
    cutoff: i64,
) -> Result<bool> {
    let (TargetForm::Contacts(v) | TargetForm::Projects(v)) = form else {
        return Ok(true);
    };
    let mut distinct = v.to_vec();
    distinct.sort();
    distinct.dedup();
    // The delete selection does not leave out anonymized contacts: it counts what
    // exists and is visible.
    let (_, visible) = target_ids(auth, EraseAction::Delete, form, cutoff)?;
    let mut cq = Query::select();
    cq.expr(Expr::col(n("x_id")).count())
        .from_subquery(visible, n("v"));
    Ok(tx.int(&cq).await? == distinct.len() as i64)
}
