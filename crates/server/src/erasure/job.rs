//! An erasure as a job: its row, what the API shows of it (one, or the cabinet's list),
//! and step two, the confirmation that turns a preview into a job.

use crate::auth::{sha256_hex, Auth};
use crate::db::rows::n;
use crate::db::{from_ms, now_ms, Tx};
use crate::error::{ApiError, Result};
use crate::listing::{page_rows, ListOrder, ListRow};
use crate::{audit, AppState};
use oubli_domain::{EraseAction, ErasurePreview};
use sea_query::{Cond, Expr, Query};

use super::{run, MemberKind, INLINE_LIMIT};

#[derive(sqlx::FromRow)]
pub(super) struct ErasureRow {
    pub(super) id: String,
    pub(super) cabinet_id: String,
    pub(super) actor_user_id: String,
    pub(super) action: String,
    pub(super) member_kind: String,
    pub(super) token_hash: Option<String>,
    pub(super) expires_at: i64,
    pub(super) status: String,
    pub(super) preview: String,
    pub(super) total: i64,
    pub(super) done: i64,
    pub(super) request_id: Option<String>,
    pub(super) created_at: i64,
    pub(super) started_at: Option<i64>,
    pub(super) finished_at: Option<i64>,
    pub(super) failures: i64,
}

const ERASURE_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "actor_user_id",
    "action",
    "member_kind",
    "token_hash",
    "expires_at",
    "status",
    "preview",
    "total",
    "done",
    "request_id",
    "created_at",
    "started_at",
    "finished_at",
    "failures",
];

/// An erasure job as the API shows it: `GET /erasures/{id}`, the items of
/// `GET /erasures`, and the answer to confirm. The fields of API.md (`status`, `done`,
/// `total`) plus what a progress bar and a job list need. Ids, counts and times only.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErasureJob {
    pub id: String,
    pub action: EraseAction,
    /// `contacts` or `projects`: what `done` and `total` count.
    pub kind: String,
    /// previewed (not confirmed) | pending | running | done | failed
    pub status: String,
    /// Members processed so far.
    pub done: i64,
    /// Members the preview resolved the selection to.
    pub total: i64,
    /// `done` / `total` in whole percent (100 when there is nothing to do).
    pub percent: i64,
    /// The counts shown before confirmation.
    pub preview: ErasurePreview,
    /// Who confirmed (or previewed) it.
    pub actor_user_id: String,
    /// The erasure request it answers, if any.
    pub request_id: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When a worker first took it; null while pending.
    pub started_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When it ended (done or failed).
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Batches that failed and were rolled back (each retried; failed after a few).
    pub failures: i64,
}

impl ErasureRow {
    fn job(&self) -> ErasureJob {
        let percent = if self.total <= 0 {
            100
        } else {
            (self.done.min(self.total) * 100) / self.total
        };
        ErasureJob {
            id: self.id.clone(),
            action: self.action(),
            kind: self.member_kind.clone(),
            status: self.status.clone(),
            done: self.done,
            total: self.total,
            percent,
            preview: serde_json::from_str(&self.preview).unwrap_or_default(),
            actor_user_id: self.actor_user_id.clone(),
            request_id: self.request_id.clone(),
            created_at: from_ms(self.created_at),
            started_at: self.started_at.map(from_ms),
            finished_at: self.finished_at.map(from_ms),
            failures: self.failures,
        }
    }

    pub(super) fn action(&self) -> EraseAction {
        EraseAction::parse(&self.action).unwrap_or(EraseAction::Anonymize)
    }

    pub(super) fn kind(&self) -> MemberKind {
        if self.member_kind == "projects" {
            MemberKind::Projects
        } else {
            MemberKind::Contacts
        }
    }
}

pub(super) async fn load(tx: &mut Tx, cabinet_id: Option<&str>, id: &str) -> Result<ErasureRow> {
    let mut q = crate::db::rows::select("erasures", "e", ERASURE_COLS);
    q.and_where(Expr::col((n("e"), n("id"))).eq(id));
    if let Some(c) = cabinet_id {
        q.and_where(Expr::col((n("e"), n("cabinet_id"))).eq(c));
    }
    tx.opt(&q).await?.ok_or(ApiError::NotFound)
}

pub async fn status(st: &AppState, auth: &Auth, id: &str) -> Result<ErasureJob> {
    let mut tx = st.db.read().await?;
    let row = load(&mut tx, Some(&auth.actor.cabinet_id), id).await?;
    tx.commit().await?;
    Ok(row.job())
}

/// Job statuses a list may be filtered on (`previewed` ones are not jobs yet).
pub const JOB_STATUSES: &[&str] = &["pending", "running", "done", "failed"];

/// The cabinet's confirmed erasures, newest first, keyset-paginated on
/// `(created_at, id)` by the pager of every list (`listing::page_rows`).
pub async fn jobs(
    st: &AppState,
    auth: &Auth,
    status: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> Result<oubli_domain::Page<ErasureJob>> {
    let statuses: Vec<&str> = match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => JOB_STATUSES.to_vec(),
        Some(s) if JOB_STATUSES.contains(&s) => vec![s],
        Some(_) => {
            return Err(ApiError::invalid(
                "status",
                "Statut inconnu : pending, running, done ou failed.",
            ))
        }
    };
    let order = ListOrder::newest("e");
    let cursor = order.cursor(after)?;
    let base = || {
        Cond::all()
            .add(Expr::col((n("e"), n("cabinet_id"))).eq(auth.actor.cabinet_id.as_str()))
            .add(Expr::col((n("e"), n("status"))).is_in(statuses.iter().copied()))
    };
    let mut tx = st.db.read().await?;
    let mut cq = Query::select();
    cq.expr(Expr::col((n("e"), n("id"))).count())
        .from_as(n("erasures"), n("e"))
        .cond_where(base());
    let total = tx.int(&cq).await?;
    let mut q = crate::db::rows::select("erasures", "e", ERASURE_COLS);
    q.cond_where(base());
    let (items, next) = page_rows::<ErasureRow>(&mut tx, &order, cursor.as_ref(), q, limit).await?;
    tx.commit().await?;
    Ok(oubli_domain::Page { items, next, total })
}

impl ListRow for ErasureRow {
    type Item = ErasureJob;
    fn id(&self) -> &str {
        &self.id
    }
    fn into_item(self) -> ErasureJob {
        self.job()
    }
}

/// Step two: checks and consumes the token, which turns the preview into a job; small
/// jobs are processed before the answer, larger ones in the background (by a task
/// started here and by every instance's [`super::spawn_worker`]).
pub async fn confirm(st: &AppState, auth: &Auth, id: &str, token: &str) -> Result<ErasureJob> {
    let mut tx = st.db.begin().await?;
    let row = load(&mut tx, Some(&auth.actor.cabinet_id), id).await?;
    let refused = |m: &str| ApiError::Conflict {
        code: "invalid_token",
        message: m.to_string(),
    };
    if row.actor_user_id != auth.actor.user_id {
        return Err(ApiError::Forbidden(
            "Ce jeton de confirmation a été délivré à un autre utilisateur.".into(),
        ));
    }
    let Some(hash) = &row.token_hash else {
        // A preview whose token died unused was replaced: by a newer preview of the same
        // user (limits::replace_oldest_previews) or a new approval of its request.
        if row.status == "previewed" && row.expires_at >= now_ms() {
            return Err(refused(
                "Cet aperçu a été remplacé par un plus récent : relancez l'opération.",
            ));
        }
        if row.status == "previewed" {
            return Err(refused(
                "Le jeton de confirmation a expiré : relancez l'opération.",
            ));
        }
        return Err(refused("Ce jeton de confirmation a déjà servi."));
    };
    if !crate::auth::constant_time_eq(hash, &sha256_hex(token.as_bytes())) {
        return Err(refused(
            "Jeton de confirmation invalide pour cette opération.",
        ));
    }
    if row.expires_at < now_ms() {
        return Err(refused(
            "Le jeton de confirmation a expiré : relancez l'opération.",
        ));
    }
    let mut q = Query::update();
    q.table(n("erasures"))
        .value(n("token_hash"), Option::<String>::None)
        .value(n("status"), "pending")
        .value(n("updated_at"), now_ms())
        .and_where(Expr::col(n("id")).eq(id))
        .and_where(Expr::col(n("token_hash")).is_not_null());
    if tx.exec(&q).await? != 1 {
        return Err(refused("Ce jeton de confirmation a déjà servi."));
    }
    audit::append(
        &mut tx,
        &auth.actor.cabinet_id,
        audit::Entry {
            actor_user_id: Some(&auth.actor.user_id),
            action: &format!("erasure.confirm.{}", row.action),
            target_kind: Some("erasure"),
            target_id: Some(id),
            outcome: "ok",
            detail: serde_json::json!({ "total": row.total }),
        },
    )
    .await?;
    tx.commit().await?;
    if row.total <= INLINE_LIMIT {
        run(&st.db, &st.cfg.blob_dir(), id).await?;
    } else {
        let (db, dir, id2) = (st.db.clone(), st.cfg.blob_dir(), id.to_string());
        tokio::spawn(async move {
            if let Err(e) = run(&db, &dir, &id2).await {
                tracing::error!(erasure = %id2, error = ?e, "erasure job failed");
            }
        });
    }
    status(st, auth, id).await
}
