//! Erasures in the background: the worker of each instance, resuming at start-up,
//! purging the member sets of expired previews, and making erased values unrecoverable.

use crate::db::rows::n;
use crate::db::{now_ms, Backend, Db};
use crate::error::Result;
use oubli_domain::erasure::PLAN;
use sea_query::{Cond, Expr, Order, Query};

use super::{run, INLINE_LIMIT};

/// A small job (processed inline by `confirm`) that has not moved for this long was
/// interrupted: the worker takes it over.
const STALE_MS: i64 = 60_000;

/// Makes the erased values unrecoverable from what Oubli writes: on SQLite the pages
/// are already zeroed (`secure_delete`), the WAL is checkpointed and truncated; on
/// PostgreSQL dead tuples are vacuumed (their bytes may stay in free space until
/// reused, and in WAL archives and backups for their retention period).
pub async fn after_erasure(db: &Db) -> Result<()> {
    match db.backend {
        Backend::Sqlite => db.checkpoint().await?,
        Backend::Postgres => {
            for t in PLAN.iter().map(|p| p.table) {
                db.raw(&format!("VACUUM {t}")).await?;
            }
        }
    }
    Ok(())
}

/// Confirmed jobs that a worker should take: large ones (processed in the background
/// anyway) and small ones left unfinished by an interrupted `confirm`.
async fn runnable_jobs(db: &Db, all: bool) -> Result<Vec<String>> {
    let mut tx = db.read().await?;
    let mut q = Query::select();
    q.column(n("id"))
        .from(n("erasures"))
        .and_where(Expr::col(n("status")).is_in(["pending", "running"]))
        .order_by(n("created_at"), Order::Asc);
    if !all {
        q.cond_where(
            Cond::any()
                .add(Expr::col(n("total")).gt(INLINE_LIMIT))
                .add(Expr::col(n("updated_at")).lt(now_ms() - STALE_MS)),
        );
    }
    let ids: Vec<(String,)> = tx.all(&q).await?;
    tx.commit().await?;
    Ok(ids.into_iter().map(|i| i.0).collect())
}

/// At start-up: finishes erasures that were confirmed but not completed (a crash or a
/// restart during a run), each in a task of its own.
pub async fn resume_pending(db: &Db, blob_dir: std::path::PathBuf) -> Result<usize> {
    let ids = runnable_jobs(db, true).await?;
    let count = ids.len();
    for id in ids {
        let (db, dir) = (db.clone(), blob_dir.clone());
        tokio::spawn(async move {
            if let Err(e) = run(&db, &dir, &id).await {
                tracing::error!(erasure = %id, error = ?e, "resumed erasure failed");
            }
        });
    }
    Ok(count)
}

/// How long after its token expired a preview that was never confirmed keeps its member
/// set: well beyond any confirmation still in flight at the expiry (confirm refuses
/// an expired token, in a transaction that never lasts this long).
const PREVIEW_SET_GRACE_MS: i64 = 3_600_000;

/// How often a worker purges expired previews' sets: nothing needs them gone sooner.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Forgets the member sets of previews never confirmed, once their token has expired
/// (plus [`PREVIEW_SET_GRACE_MS`]): the ids a selection resolved to are not kept for an
/// erasure that will never run. The erasure row stays (ids and counts only, named by
/// the audit log). Returns how many chunks went.
pub async fn purge_expired_previews(db: &Db) -> Result<u64> {
    let mut expired = Query::select();
    expired
        .column(n("id"))
        .from(n("erasures"))
        .and_where(Expr::col(n("status")).eq("previewed"))
        .and_where(Expr::col(n("expires_at")).lt(now_ms() - PREVIEW_SET_GRACE_MS));
    let mut q = Query::delete();
    q.from_table(n("erasure_chunks"))
        .and_where(Expr::col(n("erasure_id")).in_subquery(expired));
    let mut tx = db.begin().await?;
    let k = tx.exec(&q).await?;
    tx.commit().await?;
    Ok(k)
}

/// The job worker of one server instance: every `every`, takes the confirmed jobs of
/// any instance sharing the database (and those a crash interrupted) and works on
/// them batch by batch beside the other instances' workers (see
/// [`super::batch::process_batch`]). Every [`PURGE_EVERY`] it also purges the sets of
/// expired previews.
pub fn spawn_worker(
    db: Db,
    blob_dir: std::path::PathBuf,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut purged: Option<std::time::Instant> = None;
        loop {
            if purged.is_none_or(|t| t.elapsed() >= PURGE_EVERY) {
                purged = Some(std::time::Instant::now());
                if let Err(e) = purge_expired_previews(&db).await {
                    tracing::error!(error = ?e, "erasure worker could not purge expired previews");
                }
            }
            match runnable_jobs(&db, false).await {
                Ok(ids) => {
                    for id in ids {
                        if let Err(e) = run(&db, &blob_dir, &id).await {
                            tracing::error!(erasure = %id, error = ?e, "erasure batch failed");
                        }
                    }
                }
                Err(e) => tracing::error!(error = ?e, "erasure worker could not list jobs"),
            }
            tokio::time::sleep(every).await;
        }
    })
}
