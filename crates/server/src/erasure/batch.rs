//! Running a confirmed erasure: batch after batch of claimed members, each erased in
//! one transaction, then the job closed; failures counted, a job failed after a few.

use crate::audit;
use crate::db::rows::n;
use crate::db::{now_ms, Backend, Db, Tx};
use crate::error::{ApiError, Result};
use oubli_domain::EraseAction;
use sea_query::{Expr, Order, Query};

use super::anonymize::anonymize_batch;
use super::delete::{erase_member, Unlinks};
use super::job::{load, ErasureRow};
use super::{after_erasure, MemberKind, CHUNK};

/// Members per batch transaction: large enough that the fixed cost of a transaction
/// (and, on PostgreSQL, of a round trip per statement) vanishes, small enough that a
/// batch holds the write lock for well under a second and fits the bind-parameter
/// limits. `OUBLI_ERASURE_BATCH` overrides it (the crash test uses small batches).
pub const BATCH: usize = 500;

const MAX_BATCH: usize = 2000;

/// A batch that fails this many times marks its job failed instead of retrying forever.
pub const MAX_FAILURES: i64 = 3;

pub fn batch_size() -> usize {
    std::env::var("OUBLI_ERASURE_BATCH")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|n| (1..=MAX_BATCH).contains(n))
        .unwrap_or(BATCH)
}

/// Processes the remaining members of erasure `id` until none is left to claim, then
/// closes the job if nothing remains; returns how many members this call processed.
/// Safe to call for the same job from several tasks or server instances at once.
pub async fn run(db: &Db, blob_dir: &std::path::Path, id: &str) -> Result<usize> {
    run_batches(db, blob_dir, id, batch_size()).await
}

/// [`run`] with an explicit batch size.
pub async fn run_batches(
    db: &Db,
    blob_dir: &std::path::Path,
    id: &str,
    batch: usize,
) -> Result<usize> {
    let batch = batch.clamp(1, MAX_BATCH);
    let job = {
        let mut tx = db.read().await?;
        let row = load(&mut tx, None, id).await?;
        tx.commit().await?;
        row
    };
    if !matches!(job.status.as_str(), "pending" | "running") {
        return Ok(0);
    }
    let mut processed = 0;
    // Claims go forward through the chunks in order from `after` (the last chunk this
    // run claimed), so a claim never reads again the chunks done before it. Chunks
    // passed over because another worker held them are normally done by that worker;
    // if it failed they are free again: when nothing is left after the cursor, one more
    // claim from the start takes them.
    let mut after = -1;
    loop {
        match process_batch(db, blob_dir, &job, batch, after).await {
            Ok(Some((0, _))) if after < 0 => break,
            Ok(Some((0, _))) => after = -1,
            Ok(Some((k, last))) => {
                processed += k;
                after = last;
            }
            // Finished or failed meanwhile (by another worker).
            Ok(None) => return Ok(processed),
            Err(e) => {
                record_failure(db, id).await;
                return Err(e);
            }
        }
    }
    finish(db, &job).await?;
    Ok(processed)
}

/// Sets the job running (if it still may run), in the caller's transaction.
async fn mark_running(tx: &mut Tx, id: &str, add: i64) -> Result<bool> {
    let now = now_ms();
    let mut q = Query::update();
    q.table(n("erasures"))
        .value(n("status"), "running")
        .value(n("done"), Expr::col(n("done")).add(add))
        .value(
            n("started_at"),
            sea_query::Func::coalesce([Expr::col(n("started_at")).into(), Expr::val(now).into()]),
        )
        .value(n("updated_at"), now)
        .and_where(Expr::col(n("id")).eq(id))
        .and_where(Expr::col(n("status")).is_in(["pending", "running"]));
    Ok(tx.exec(&q).await? == 1)
}

/// Claims the next chunks of members (up to `batch` members, at least one chunk) and
/// erases them in one transaction, marking the chunks done in the same transaction: a
/// crash at any point leaves each contact either untouched (and its chunk still to do)
/// or erased (and its chunk done).
///
/// Claiming: on PostgreSQL `FOR UPDATE SKIP LOCKED` locks the claimed chunk rows
/// until commit, so another instance's worker takes the next rows instead; the job
/// row is updated last, so instances do not queue behind each other for the whole
/// batch. On SQLite the transaction starts with a write, which takes the database's
/// single write lock at once: writers (tasks of this process through its one write
/// connection, other processes through the busy timeout) go one batch at a time.
///
/// Claims chunks numbered after `after` (all of them when it is negative). Returns the
/// number of members processed and the last chunk's number, `Some((0, _))` when there
/// was nothing to claim, `None` when the job is no longer runnable.
async fn process_batch(
    db: &Db,
    blob_dir: &std::path::Path,
    job: &ErasureRow,
    batch: usize,
    after: i64,
) -> Result<Option<(usize, i64)>> {
    let mut tx = db.begin().await?;
    let pg = tx.backend == Backend::Postgres;
    if !pg && !mark_running(&mut tx, &job.id, 0).await? {
        return Ok(None);
    }
    let mut mq = Query::select();
    mq.columns([n("seq"), n("target_ids")])
        .from(n("erasure_chunks"))
        .and_where(Expr::col(n("erasure_id")).eq(job.id.as_str()))
        .and_where(Expr::col(n("done")).eq(0i64))
        .and_where(Expr::col(n("seq")).gt(after))
        .order_by(n("seq"), Order::Asc)
        .limit((batch as i64 / CHUNK).max(1) as u64);
    if pg {
        mq.lock_with_behavior(
            sea_query::LockType::Update,
            sea_query::LockBehavior::SkipLocked,
        );
    }
    let chunks: Vec<(i64, String)> = tx.all(&mq).await?;
    let Some(last) = chunks.last().map(|c| c.0) else {
        tx.commit().await?;
        return Ok(Some((0, -1)));
    };
    let mut targets = Vec::new();
    for (_, ids) in &chunks {
        let ids: Vec<String> = serde_json::from_str(ids)
            .map_err(|_| ApiError::Internal("erasure chunk unreadable".into()))?;
        targets.extend(ids);
    }
    let action = job.action();
    let mut unlinks = Unlinks::default();
    match (job.kind(), action) {
        (MemberKind::Contacts, EraseAction::Anonymize) => {
            anonymize_batch(
                &mut tx,
                &job.cabinet_id,
                &job.actor_user_id,
                &job.id,
                &targets,
                blob_dir,
                &mut unlinks,
            )
            .await?
        }
        (kind, action) => {
            let mut blobs = Vec::new();
            for target in &targets {
                blobs.extend(
                    erase_member(
                        &mut tx,
                        &job.cabinet_id,
                        &job.actor_user_id,
                        &job.id,
                        action,
                        kind,
                        target,
                        blob_dir,
                        &mut unlinks,
                    )
                    .await?,
                );
            }
            unlinks.start(blob_dir, blobs);
        }
    };
    let mut q = Query::update();
    q.table(n("erasure_chunks"))
        .value(n("done"), 1i64)
        .value(n("updated_at"), now_ms())
        .and_where(Expr::col(n("erasure_id")).eq(job.id.as_str()))
        .and_where(Expr::col(n("done")).eq(0i64))
        .and_where(Expr::col(n("seq")).is_in(chunks.iter().map(|c| c.0)));
    let marked = tx.exec(&q).await?;
    if marked != chunks.len() as u64 {
        // Cannot happen while claims hold; never count a member twice.
        return Err(ApiError::Internal("erasure chunks claimed twice".into()));
    }
    if pg {
        if !mark_running(&mut tx, &job.id, targets.len() as i64).await? {
            return Ok(None);
        }
    } else {
        let mut q = Query::update();
        q.table(n("erasures"))
            .value(n("done"), Expr::col(n("done")).add(targets.len() as i64))
            .and_where(Expr::col(n("id")).eq(job.id.as_str()));
        tx.exec(&q).await?;
    }
    // The files go before the commit (see [`Unlinks`]): a crash before it leaves these
    // members to do (the resumed job erases their rows, the missing files are fine),
    // whereas unlinking after the commit could leave files of erased contacts that no
    // row names any more, personal data nobody would ever delete.
    unlinks.finish().await;
    tx.commit().await?;
    Ok(Some((targets.len(), last)))
}

/// Closes the job when no member is left (one statement, so two instances finishing
/// at once close it once), then makes the erased values unrecoverable.
async fn finish(db: &Db, job: &ErasureRow) -> Result<()> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let mut left = Query::select();
    // A literal, not a bound value: PostgreSQL cannot type a bare parameter here.
    left.expr(Expr::cust("1"))
        .from(n("erasure_chunks"))
        .and_where(Expr::col(n("erasure_id")).eq(job.id.as_str()))
        .and_where(Expr::col(n("done")).eq(0i64));
    let mut q = Query::update();
    q.table(n("erasures"))
        .value(n("status"), "done")
        .value(n("finished_at"), now)
        .value(
            n("started_at"),
            sea_query::Func::coalesce([Expr::col(n("started_at")).into(), Expr::val(now).into()]),
        )
        .value(n("updated_at"), now)
        .and_where(Expr::col(n("id")).eq(job.id.as_str()))
        .and_where(Expr::col(n("status")).is_in(["pending", "running"]))
        .and_where(Expr::exists(left).not());
    if tx.exec(&q).await? != 1 {
        // Another worker still holds members, or closed it already.
        tx.commit().await?;
        return Ok(());
    }
    if let Some(req) = &job.request_id {
        let mut q = Query::update();
        q.table(n("erasure_requests"))
            .value(n("status"), "done")
            // The requester's free text may name the person: it goes with the data.
            .value(n("reason"), Option::<String>::None)
            .value(n("updated_at"), now)
            .and_where(Expr::col(n("id")).eq(req.as_str()));
        tx.exec(&q).await?;
    }
    audit::append(
        &mut tx,
        &job.cabinet_id,
        audit::Entry {
            actor_user_id: Some(&job.actor_user_id),
            action: &format!("erasure.done.{}", job.action),
            target_kind: Some("erasure"),
            target_id: Some(&job.id),
            outcome: "ok",
            detail: serde_json::json!({ "total": job.total }),
        },
    )
    .await?;
    tx.commit().await?;
    after_erasure(db).await
}

/// Counts a failed batch; after [`MAX_FAILURES`] the job is marked failed (what was
/// erased stays erased, the rest untouched). Logs the job id and the count only.
async fn record_failure(db: &Db, id: &str) {
    let res = async {
        let now = now_ms();
        let last = || Expr::col(n("failures")).gte(MAX_FAILURES - 1);
        let mut tx = db.begin().await?;
        let mut q = Query::update();
        q.table(n("erasures"))
            .value(n("failures"), Expr::col(n("failures")).add(1))
            .value(
                n("status"),
                Expr::case(last(), "failed").finally(Expr::col(n("status"))),
            )
            .value(
                n("finished_at"),
                Expr::case(last(), now).finally(Expr::col(n("finished_at"))),
            )
            .value(n("updated_at"), now)
            .and_where(Expr::col(n("id")).eq(id))
            .and_where(Expr::col(n("status")).is_in(["pending", "running"]));
        tx.exec(&q).await?;
        tx.commit().await?;
        Ok::<(), ApiError>(())
    }
    .await;
    if let Err(e) = res {
        tracing::error!(erasure = %id, error = ?e, "could not record an erasure failure");
    }
}
