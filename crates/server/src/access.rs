//! Loading the owner of a record and asking the domain's permission matrix. Every
//! route goes through here before touching a record: 404 for what the user cannot
//! see, 403 (audited) for what they see but may not do, 409 for anonymized records.

use crate::audit;
use crate::auth::Auth;
use crate::db::rows::n;
use crate::db::{Backend, Tx};
use crate::error::{ApiError, Result};
use crate::AppState;
use oubli_domain::perm::{decide, Owner};
use oubli_domain::{Action, Decision};
use sea_query::{Expr, Query};

/// A contact as far as rights are concerned.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ContactMeta {
    pub id: String,
    pub cabinet_id: String,
    pub assigned_to: Option<String>,
    pub team_id: Option<String>,
    pub anonymized_at: Option<i64>,
}

impl ContactMeta {
    pub fn owner(&self) -> Owner {
        Owner {
            cabinet_id: self.cabinet_id.clone(),
            assigned_to: self.assigned_to.clone(),
            team_id: self.team_id.clone(),
        }
    }

    /// 409 when anonymized: the record is read-only for good.
    pub fn writable(&self) -> Result<()> {
        if self.anonymized_at.is_some() {
            Err(ApiError::read_only())
        } else {
            Ok(())
        }
    }
}

/// The contact `id` in the actor's cabinet, or 404 — another cabinet's id is
/// indistinguishable from an unknown one.
pub async fn contact_meta(tx: &mut Tx, auth: &Auth, id: &str) -> Result<ContactMeta> {
    let mut q = Query::select();
    q.columns([
        (n("c"), n("id")),
        (n("c"), n("cabinet_id")),
        (n("c"), n("assigned_to")),
        (n("c"), n("anonymized_at")),
    ])
    .column((n("u"), n("team_id")))
    .from_as(n("contacts"), n("c"))
    .join_as(
        sea_query::JoinType::LeftJoin,
        n("users"),
        n("u"),
        Expr::col((n("u"), n("id"))).equals((n("c"), n("assigned_to"))),
    )
    .and_where(Expr::col((n("c"), n("id"))).eq(id))
    .and_where(Expr::col((n("c"), n("cabinet_id"))).eq(auth.actor.cabinet_id.as_str()));
    if tx.write && tx.backend == Backend::Postgres {
        // A write under this contact holds its row until it commits, so an
        // anonymization, which takes the row first (erasure.rs, anonymize_batch), either
        // waits for the write and then erases what it added, or goes first and the
        // write then finds the contact anonymized (409). Not a shared lock: two writes
        // on one contact would each hold it and then both wait to update the row
        // (its change stamp); they queue instead. SQLite has one writer at a time.
        q.lock_with_tables(sea_query::LockType::NoKeyUpdate, [n("c")]);
    }
    tx.opt(&q).await?.ok_or(ApiError::NotFound)
}

/// Asks the permission matrix: 404 for what the actor cannot see, 403 (audited by
/// [`audit_refusals`]) for what they see but may not do.
pub fn require(auth: &Auth, action: Action, target: Option<(&str, &ContactMeta)>) -> Result<()> {
    let owner = target.map(|(_, m)| m.owner());
    match decide(&auth.actor, action, owner.as_ref()) {
        Decision::Allow => Ok(()),
        Decision::NotFound => Err(ApiError::NotFound),
        Decision::Forbidden => refuse(auth, action, target.map(|(kind, m)| (kind, m.id.as_str()))),
    }
}

/// The guard in front of everything under a contact: the contact `contact_id` in the
/// actor's cabinet (404 otherwise), then the permission for `action` on it (404 or
/// 403, audited). `kind` names the record asked for ("contact", "project"…) in the
/// audit entry of a refusal.
pub async fn open_contact(
    tx: &mut Tx,
    auth: &Auth,
    contact_id: &str,
    action: Action,
    kind: &str,
) -> Result<ContactMeta> {
    let meta = contact_meta(tx, auth, contact_id).await?;
    require(auth, action, Some((kind, &meta)))?;
    Ok(meta)
}

/// [`open_contact`] for a change: the permission to edit, and 409 when the contact is
/// anonymized. In a write transaction on PostgreSQL the contact's row stays locked
/// until the commit (see [`contact_meta`]).
pub async fn open_contact_for_write(
    tx: &mut Tx,
    auth: &Auth,
    contact_id: &str,
    kind: &str,
) -> Result<ContactMeta> {
    let meta = contact_meta(tx, auth, contact_id).await?;
    may_write(auth, kind, &meta)?;
    Ok(meta)
}

/// The checks of [`open_contact_for_write`] on a contact already loaded (by a route
/// that answers its absence in its own way).
pub fn may_write(auth: &Auth, kind: &str, meta: &ContactMeta) -> Result<()> {
    require(auth, Action::Edit, Some((kind, meta)))?;
    meta.writable()
}

/// Answers a refusal. The audit entry is written by [`audit_refusals`] once the
/// handler has returned, so that the handler's own transaction (on SQLite, the single
/// writer connection) is released first.
pub fn refuse<T>(auth: &Auth, action: Action, target: Option<(&str, &str)>) -> Result<T> {
    Err(ApiError::Refused(Box::new(Refusal {
        cabinet_id: auth.actor.cabinet_id.clone(),
        actor_user_id: auth.actor.user_id.clone(),
        role: auth.actor.role,
        action: format!("{action:?}").to_lowercase(),
        target_kind: target.map(|t| t.0.to_string()),
        target_id: target.map(|t| t.1.to_string()),
    })))
}

pub use crate::error::Refusal;

/// Middleware: writes each refusal to the audit log ("a forbidden call gets 403,
/// changes nothing, and is written to the audit log").
pub async fn audit_refusals(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let resp = next.run(req).await;
    if let Some(r) = resp.extensions().get::<Refusal>().cloned() {
        let entry = audit::Entry {
            actor_user_id: Some(&r.actor_user_id),
            action: &r.action,
            target_kind: r.target_kind.as_deref(),
            target_id: r.target_id.as_deref(),
            outcome: "forbidden",
            detail: serde_json::json!({ "role": r.role.as_str() }),
        };
        if let Err(e) = audit::record(&state.db, &r.cabinet_id, entry).await {
            tracing::error!(error = ?e, "could not audit a refusal");
            return e.into_response_internal();
        }
    }
    resp
}

/// A user of the actor's cabinet that a record may be assigned to: (id, team).
pub async fn check_assignee(tx: &mut Tx, auth: &Auth, assignee: &str) -> Result<Option<String>> {
    let mut q = Query::select();
    q.columns([n("id"), n("team_id")])
        .from(n("users"))
        .and_where(Expr::col(n("id")).eq(assignee))
        .and_where(Expr::col(n("cabinet_id")).eq(auth.actor.cabinet_id.as_str()))
        .and_where(Expr::col(n("active")).eq(1));
    let row: Option<(String, Option<String>)> = tx.opt(&q).await?;
    let (_, team) = row
        .ok_or_else(|| ApiError::invalid("assigned_to", "Utilisateur inconnu dans ce cabinet."))?;
    if !oubli_domain::perm::may_assign(&auth.actor, assignee, team.as_deref()) {
        return Err(ApiError::invalid(
            "assigned_to",
            "Vous ne pouvez pas attribuer ce dossier à cet utilisateur.",
        ));
    }
    Ok(team)
}
