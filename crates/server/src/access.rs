//! Loading the owner of a record and asking the domain's permission matrix. Every
//! route goes through here before touching a record: 404 for what the user cannot
//! see, 403 (audited) for what they see but may not do, 409 for anonymized records.

use crate::audit;
use crate::auth::Auth;
use crate::db::rows::n;
use crate::db::Tx;
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
    tx.opt(&q).await?.ok_or(ApiError::NotFound)
}

/// Asks the permission matrix. A refusal is written to the audit log (in its own
/// transaction, since the refused request changes nothing) and answered 403.
pub async fn require(
    state: &AppState,
    auth: &Auth,
    action: Action,
    target: Option<(&str, &ContactMeta)>,
) -> Result<()> {
    let owner = target.map(|(_, m)| m.owner());
    match decide(&auth.actor, action, owner.as_ref()) {
        Decision::Allow => Ok(()),
        Decision::NotFound => Err(ApiError::NotFound),
        Decision::Forbidden => {
            refuse(
                state,
                auth,
                action,
                target.map(|(kind, m)| (kind, m.id.as_str())),
            )
            .await
        }
    }
}

/// Records and answers a refusal.
pub async fn refuse<T>(
    state: &AppState,
    auth: &Auth,
    action: Action,
    target: Option<(&str, &str)>,
) -> Result<T> {
    audit::record(
        &state.db,
        &auth.actor.cabinet_id,
        audit::Entry {
            actor_user_id: Some(&auth.actor.user_id),
            action: &format!("{action:?}").to_lowercase(),
            target_kind: target.map(|t| t.0),
            target_id: target.map(|t| t.1),
            outcome: "forbidden",
            detail: serde_json::json!({ "role": auth.actor.role.as_str() }),
        },
    )
    .await?;
    Err(ApiError::Forbidden(format!(
        "Action réservée : votre rôle ({}) ne le permet pas.",
        auth.actor.role.label_fr()
    )))
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
