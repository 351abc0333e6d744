//! Deletion: the cascade of a contact or a project (moved here from `store`, since only
//! erasures delete), one member of a delete job, and the unlinking of blob files.

use crate::db::rows::n;
use crate::db::Tx;
use crate::error::Result;
use crate::{audit, changes, store};
use oubli_domain::EraseAction;
use sea_query::{Cond, Expr, Query, SelectStatement};

use super::anonymize::anonymize_batch;
use super::MemberKind;

/// Blob files being unlinked for a batch: started on a blocking thread as soon as their
/// keys are known (while the batch's other statements run), all finished before the
/// batch commits. Unlinking before the commit is what keeps a crash from leaving files
/// of erased contacts that no row names any more; a batch that fails after its files
/// went leaves its members to do, and the retry erases their rows (missing files are
/// fine), exactly as a crash between the unlinking and the commit does.
#[derive(Default)]
pub struct Unlinks {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Unlinks {
    pub(super) fn start(&mut self, dir: &std::path::Path, keys: Vec<String>) {
        if keys.is_empty() {
            return;
        }
        let dir = dir.to_path_buf();
        self.tasks.push(tokio::task::spawn_blocking(move || {
            store::remove_blobs(&dir, &keys)
        }));
    }

    /// Waits until every file started here is unlinked (or logged as not removable).
    pub async fn finish(self) {
        for t in self.tasks {
            if let Err(e) = t.await {
                tracing::error!(error = %e, "blob unlinking task failed");
            }
        }
    }
}

/// (contact id, assigned user, anonymized at, assigned user's team) of a member.
type MemberContact = (String, Option<String>, Option<i64>, Option<String>);

/// Erases one member (deletions; anonymizing a single member goes through the batch
/// path too), in the caller's transaction; returns the blob keys to unlink before the
/// commit (an anonymization starts its own in `unlinks`).
#[allow(clippy::too_many_arguments)]
pub(super) async fn erase_member(
    tx: &mut Tx,
    cabinet_id: &str,
    actor: &str,
    erasure_id: &str,
    action: EraseAction,
    kind: MemberKind,
    target: &str,
    blob_dir: &std::path::Path,
    unlinks: &mut Unlinks,
) -> Result<Vec<String>> {
    let mut blobs = Vec::new();
    // The record may have changed since the preview: erase it only if it is still there
    // (and, for anonymization, not anonymized meanwhile).
    let mut meta = Query::select();
    meta.columns([
        (n("c"), n("id")),
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
    .and_where(Expr::col((n("c"), n("cabinet_id"))).eq(cabinet_id));
    match kind {
        MemberKind::Contacts => {
            meta.and_where(Expr::col((n("c"), n("id"))).eq(target));
        }
        MemberKind::Projects => {
            let mut p = Query::select();
            p.column(n("contact_id"))
                .from(n("projects"))
                .and_where(Expr::col(n("id")).eq(target));
            meta.and_where(Expr::col((n("c"), n("id"))).in_subquery(p));
        }
    }
    let m: Option<MemberContact> = tx.opt(&meta).await?;
    let Some((cid, owner, anonymized_at, team)) = m else {
        return Ok(blobs);
    };
    let (what, detail) = match (kind, action) {
        (MemberKind::Contacts, EraseAction::Anonymize) if anonymized_at.is_none() => {
            anonymize_batch(tx, cabinet_id, actor, erasure_id, &[cid], blob_dir, unlinks).await?;
            return Ok(blobs);
        }
        (MemberKind::Contacts, EraseAction::Delete) => {
            let r = delete_contact(tx, cabinet_id, &cid).await?;
            blobs = r.blobs.clone();
            changes::tombstone(tx, cabinet_id, &cid, owner.as_deref(), team.as_deref()).await?;
            (
                Some("contact.delete"),
                serde_json::to_value(&r).unwrap_or_default(),
            )
        }
        (MemberKind::Projects, EraseAction::Delete) => {
            let r = delete_project(tx, cabinet_id, target).await?;
            changes::touch_contact(tx, cabinet_id, &cid).await?;
            (
                Some("project.delete"),
                serde_json::to_value(&r).unwrap_or_default(),
            )
        }
        _ => (None, serde_json::Value::Null),
    };
    if let Some(what) = what {
        let mut detail = detail;
        if let Some(o) = detail.as_object_mut() {
            o.insert("erasure_id".into(), erasure_id.into());
        }
        let target_kind = if kind == MemberKind::Projects {
            "project"
        } else {
            "contact"
        };
        audit::append(
            tx,
            cabinet_id,
            audit::Entry {
                actor_user_id: Some(actor),
                action: what,
                target_kind: Some(target_kind),
                target_id: Some(target),
                outcome: "ok",
                detail,
            },
        )
        .await?;
    }
    Ok(blobs)
}

/// What a removal took away, for the audit log (counts only).
#[derive(Debug, Default, serde::Serialize)]
pub struct Removed {
    pub contacts: u64,
    pub projects: u64,
    pub contracts: u64,
    pub documents: u64,
    pub messages: u64,
    pub activity: u64,
    /// Blob files to unlink once the transaction has committed.
    #[serde(skip)]
    pub blobs: Vec<String>,
}

fn sub_ids(table: &'static str, col: &'static str, cond: Cond) -> SelectStatement {
    let mut q = Query::select();
    q.column(n("id"))
        .from(n(table))
        .cond_where(Cond::all().add(cond).add(Expr::col(n(col)).is_not_null()));
    q
}

async fn delete_where(tx: &mut Tx, table: &'static str, cond: Cond) -> Result<u64> {
    Ok(tx
        .exec(Query::delete().from_table(n(table)).cond_where(cond))
        .await?)
}

/// Deletes the projects matching `projects` (a condition on `projects`), their
/// contracts, and everything hanging from both.
async fn delete_projects(tx: &mut Tx, projects: Cond, r: &mut Removed) -> Result<()> {
    let project_ids = sub_ids("projects", "id", projects.clone());
    let mut contract_ids = Query::select();
    contract_ids
        .column(n("id"))
        .from(n("contracts"))
        .and_where(Expr::col(n("project_id")).in_subquery(project_ids.clone()));
    delete_where(
        tx,
        "insured_persons",
        Cond::all().add(Expr::col(n("contract_id")).in_subquery(contract_ids)),
    )
    .await?;
    r.contracts += delete_where(
        tx,
        "contracts",
        Cond::all().add(Expr::col(n("project_id")).in_subquery(project_ids.clone())),
    )
    .await?;
    delete_where(
        tx,
        "beneficiaries",
        Cond::all().add(Expr::col(n("project_id")).in_subquery(project_ids.clone())),
    )
    .await?;
    delete_where(
        tx,
        "subscriptions",
        Cond::all().add(Expr::col(n("project_id")).in_subquery(project_ids)),
    )
    .await?;
    r.projects += delete_where(tx, "projects", projects).await?;
    Ok(())
}

/// Deletes a contact and everything about it, in the caller's transaction.
pub async fn delete_contact(tx: &mut Tx, cabinet_id: &str, contact_id: &str) -> Result<Removed> {
    let mut r = Removed::default();
    let of_contact = || {
        Cond::all()
            .add(Expr::col(n("contact_id")).eq(contact_id))
            .add(Expr::col(n("cabinet_id")).eq(cabinet_id))
    };
    let mut bq = Query::select();
    bq.column(n("blob_key"))
        .from(n("activities"))
        .cond_where(of_contact())
        .and_where(Expr::col(n("blob_key")).is_not_null());
    let blobs: Vec<(String,)> = tx.all(&bq).await?;
    r.blobs = blobs.into_iter().map(|b| b.0).collect();
    r.documents = r.blobs.len() as u64;
    let mut mq = Query::select();
    mq.expr(Expr::col(n("id")).count())
        .from(n("activities"))
        .cond_where(of_contact())
        .and_where(Expr::col(n("kind")).eq("messages"));
    r.messages = tx.int(&mq).await? as u64;
    delete_projects(tx, of_contact(), &mut r).await?;
    // Contracts always belong to a project of the same contact; this is a safety net.
    r.contracts += delete_where(tx, "contracts", of_contact()).await?;
    delete_where(tx, "household_members", of_contact()).await?;
    r.activity = delete_where(tx, "activities", of_contact()).await?;
    delete_where(tx, "consents", of_contact()).await?;
    r.contacts = delete_where(
        tx,
        "contacts",
        Cond::all()
            .add(Expr::col(n("id")).eq(contact_id))
            .add(Expr::col(n("cabinet_id")).eq(cabinet_id)),
    )
    .await?;
    Ok(r)
}

/// Deletes one project with its contracts.
pub async fn delete_project(tx: &mut Tx, cabinet_id: &str, project_id: &str) -> Result<Removed> {
    let mut r = Removed::default();
    delete_projects(
        tx,
        Cond::all()
            .add(Expr::col(n("id")).eq(project_id))
            .add(Expr::col(n("cabinet_id")).eq(cabinet_id)),
        &mut r,
    )
    .await?;
    Ok(r)
}
