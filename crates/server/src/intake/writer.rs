//! The one task that writes leads. Requests hand their lead over and wait for its
//! answer; the task takes every lead waiting at that moment (up to [`MAX_BATCH`]) and
//! writes them in one transaction ([`super::take::take_all`]): the cabinet's change
//! sequence, the audit chain's head and the routing cursors are locked once per batch,
//! and there is one commit for all of them, instead of one each. Under a burst the
//! batches grow by themselves; alone, a lead is a batch of one and waits for nothing.
//!
//! The task runs on a thread and a runtime of its own, with its own connections: each
//! batch waits for the database several times, and on a busy server its wakeups would
//! otherwise queue behind the requests being parsed (measured on PostgreSQL, bench (d):
//! the batches took 6 ms of which the database spent 1.5).
//!
//! A request is answered only once its batch has committed (a 201 means stored). When
//! a batch fails, its leads are written again one by one, each in its own transaction,
//! so that one lead's failure is its own: of two instances taking the same replay key
//! at once, the second meets the receipt's unique index and answers the first's lead.

use super::take::{hmac_key, take_all};
use super::{receipt, NewLead, Taken};
use crate::db::Db;
use crate::error::{ApiError, Result};
use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// Leads written in one transaction at most.
pub const MAX_BATCH: usize = 64;
/// Leads waiting for the writer at most; a request beyond waits for room.
const QUEUE: usize = 1024;

struct Job {
    cabinet_id: String,
    lead: NewLead,
    done: oneshot::Sender<Result<Taken>>,
}

/// The handle requests give their leads to (in the application state). The task starts
/// with the first lead, in the runtime of the request that brings it, and ends when the
/// last handle is dropped.
pub struct Intake {
    db: Db,
    /// Leads per transaction at most (1 to [`MAX_BATCH`]).
    batch: usize,
    queue: OnceLock<mpsc::Sender<Job>>,
}

impl Intake {
    pub fn new(db: Db, batch: usize) -> Intake {
        Intake {
            db,
            batch: batch.clamp(1, MAX_BATCH),
            queue: OnceLock::new(),
        }
    }

    /// Takes `lead` into `cabinet_id`; returns once it is committed (or refused).
    pub async fn take(&self, cabinet_id: &str, lead: NewLead) -> Result<Taken> {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            start(self.db.clone(), self.batch, rx);
            tx
        });
        let (done, answer) = oneshot::channel();
        let job = Job {
            cabinet_id: cabinet_id.to_string(),
            lead,
            done,
        };
        let gone = || ApiError::Internal("lead writer stopped".into());
        queue.send(job).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

/// The cabinets' opposition-list keys met so far (they never change).
type Keys = Arc<Mutex<HashMap<String, String>>>;

/// Starts the writer on its thread. Without a thread or a runtime there is no writer:
/// the leads are answered 500 ("lead writer stopped") and nothing is stored.
fn start(db: Db, max: usize, rx: mpsc::Receiver<Job>) {
    let spawned = std::thread::Builder::new()
        .name("oubli-leads".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            match runtime {
                Ok(rt) => rt.block_on(async move {
                    // Its own connections; the shared pool if they cannot be opened.
                    let db = match db.own_pool(2).await {
                        Ok(own) => own,
                        Err(_) => db,
                    };
                    run(db, max, rx).await
                }),
                Err(e) => tracing::error!("lead writer: no runtime ({e})"),
            }
        });
    if let Err(e) = spawned {
        tracing::error!("lead writer: no thread ({e})");
    }
}

/// One batch at a time: a batch locks its cabinet's row before reading its people, so a
/// second batch of the same cabinet could only wait for it, and the leads arriving
/// meanwhile are better in the next batch (measured with two at once: smaller batches
/// and no more leads per second).
async fn run(db: Db, max: usize, mut rx: mpsc::Receiver<Job>) {
    let keys: Keys = Arc::default();
    let mut batch = Vec::with_capacity(max);
    while rx.recv_many(&mut batch, max).await > 0 {
        answer(&db, &keys, std::mem::take(&mut batch)).await;
    }
}

async fn answer(db: &Db, keys: &Keys, batch: Vec<Job>) {
    match write(db, keys, &batch).await {
        Ok(taken) => {
            for (job, t) in batch.into_iter().zip(taken) {
                let _ = job.done.send(Ok(t));
            }
        }
        Err(e) if batch.len() == 1 => {
            if let Some(job) = batch.into_iter().next() {
                let r = settle(db, &job, Err(e)).await;
                let _ = job.done.send(r);
            }
        }
        Err(_) => {
            for job in batch {
                let r = write(db, keys, std::slice::from_ref(&job)).await;
                let r = settle(db, &job, r.map(|mut t| t.remove(0))).await;
                let _ = job.done.send(r);
            }
        }
    }
}

/// One transaction for the batch; the leads of each cabinet together, in order. The
/// cabinets go by id (and the routing cursors of one, by id too: `take_all`), so two
/// batches at once lock rows in the same order and never wait for each other in a
/// circle.
async fn write(db: &Db, keys: &Keys, batch: &[Job]) -> Result<Vec<Taken>> {
    let mut tx = db.begin().await?;
    let mut out: Vec<Option<Taken>> = batch.iter().map(|_| None).collect();
    let mut cabinets: Vec<&str> = batch.iter().map(|j| j.cabinet_id.as_str()).collect();
    cabinets.sort_unstable();
    cabinets.dedup();
    for cabinet in cabinets {
        let (idx, leads): (Vec<usize>, Vec<&NewLead>) = batch
            .iter()
            .enumerate()
            .filter(|(_, j)| j.cabinet_id == cabinet)
            .map(|(i, j)| (i, &j.lead))
            .unzip();
        let known = keys.lock().ok().and_then(|k| k.get(cabinet).cloned());
        let key = match known {
            Some(k) => k,
            None => {
                let k = hmac_key(&mut tx, cabinet).await?;
                if let Ok(mut keys) = keys.lock() {
                    keys.insert(cabinet.to_string(), k.clone());
                }
                k
            }
        };
        for (i, t) in idx
            .into_iter()
            .zip(take_all(&mut tx, cabinet, &key, &leads).await?)
        {
            out[i] = Some(t);
        }
    }
    tx.commit().await?;
    Ok(out.into_iter().flatten().collect())
}

/// A lead written alone: a replay key taken at the same moment by another instance
/// (the unique index of receipts) answers that lead.
async fn settle(db: &Db, job: &Job, r: Result<Taken>) -> Result<Taken> {
    match r {
        Err(ApiError::Storage(sqlx::Error::Database(d))) if d.is_unique_violation() => {
            let mut tx = db.read().await?;
            let found = receipt(&mut tx, &job.cabinet_id, &job.lead.channel).await?;
            tx.commit().await?;
            let (contact_id, project_id) =
                found.ok_or(ApiError::Storage(sqlx::Error::Database(d)))?;
            Ok(Taken {
                contact_id,
                project_id,
                known: true,
                opposed: false,
                replay: true,
            })
        }
        r => r,
    }
}
