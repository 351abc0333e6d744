//! The erasure engine: anonymize or delete contacts, delete projects, with the exact
//! cascade of PRODUCT.md §3 driven by `oubli_domain::erasure::PLAN`.
//!
//! Two steps: [`preview`] resolves the selection into a stored set of ids bound to a
//! single-use token (user, action, that exact set, 10 minutes); [`confirm`] consumes the
//! token, which makes the erasure a job. Jobs are processed in batches
//! ([`process_batch`]): members are claimed, erased and marked done in one transaction
//! (all or nothing for each contact), so a run interrupted at any point resumes without
//! erasing anything twice or leaving a contact half-erased. Claims hold row locks, so
//! the workers of several instances on one PostgreSQL ([`spawn_worker`]) never take the
//! same member.

use crate::auth::{new_token, sha256_hex, Auth};
use crate::db::rows::{insert, n};
use crate::db::{from_ms, now_ms, Backend, Db, Tx};
use crate::error::{ApiError, Result};
use crate::{audit, changes, listing, store, AppState};
use oubli_domain::erasure::{Link, Rows, Treatment, PLAN};
use oubli_domain::filter::Resource;
use oubli_domain::{EraseAction, ErasurePreview, ErasureTarget, TargetForm};
use sea_query::{Cond, Expr, Order, Query, SelectStatement, SimpleExpr};
use std::collections::HashMap;

pub const TOKEN_TTL_MS: i64 = 10 * 60 * 1000;
/// Selections up to this size are processed before `confirm` answers; larger ones by a
/// background task.
pub const INLINE_LIMIT: i64 = 20;

/// What the members of an erasure are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberKind {
    Contacts,
    Projects,
}

impl MemberKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberKind::Contacts => "contacts",
            MemberKind::Projects => "projects",
        }
    }

    /// The kind stored as `as_str` (contacts when unknown).
    pub fn parse(s: &str) -> MemberKind {
        if s == "projects" {
            MemberKind::Projects
        } else {
            MemberKind::Contacts
        }
    }
}

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
fn target_ids(
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
enum Selection<'a> {
    Target(TargetForm<'a>),
    Request(MemberKind, &'a str),
}

/// `SELECT id` (as `x_id`) of the members stored with erasure request `request_id`
/// that still exist, within what the actor may see: the explicit-ids arms of
/// [`target_ids`] with the stored set in place of the list. The filter is not run
/// again: a record that started matching it after the request is not included.
fn request_ids(
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

/// Members per stored chunk (`erasure_chunks`, migration 0008): the preview writes one
/// row per 50 members (2,000 rows for 100,000 contacts, not 100,000), and a batch
/// claims whole chunks.
pub const CHUNK: i64 = 50;

/// Stores the ids that `ids` selects (as `x_id`) as the member set of erasure `id`, in
/// chunks of [`CHUNK`] ids (JSON arrays) numbered in id order, with one INSERT … SELECT:
/// the selection is resolved in the database, never shipped through the application.
/// Returns how many members were stored.
async fn store_chunks(
    tx: &mut Tx,
    id: &str,
    cabinet_id: &str,
    ids: SelectStatement,
    now: i64,
) -> Result<i64> {
    let aggregate = match tx.backend {
        Backend::Sqlite => "json_group_array(x_id)",
        Backend::Postgres => "json_agg(x_id)::text",
    };
    let mut numbered = Query::select();
    numbered
        .column(n("x_id"))
        .expr_as(
            Expr::cust(format!("(ROW_NUMBER() OVER (ORDER BY x_id) - 1) / {CHUNK}")),
            n("seq"),
        )
        .from_subquery(ids, n("sel"));
    let mut chunks = Query::select();
    chunks
        .expr(Expr::val(id))
        .expr(Expr::val(cabinet_id))
        .column(n("seq"))
        .expr(Expr::cust("COUNT(*)"))
        .expr(Expr::cust(aggregate))
        .expr(Expr::val(0i64))
        .expr(Expr::val(now))
        .expr(Expr::val(now))
        .from_subquery(numbered, n("numbered"))
        .group_by_col(n("seq"));
    let mut ins = Query::insert();
    ins.into_table(n("erasure_chunks"))
        .columns(
            [
                "erasure_id",
                "cabinet_id",
                "seq",
                "size",
                "target_ids",
                "done",
                "created_at",
                "updated_at",
            ]
            .map(n),
        )
        .select_from(chunks)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    tx.exec(&ins).await?;
    let mut total = Query::select();
    // SUM of BIGINT is NUMERIC on PostgreSQL.
    total
        .expr(Expr::cust("CAST(SUM(size) AS BIGINT)"))
        .from(n("erasure_chunks"))
        .and_where(Expr::col(n("erasure_id")).eq(id));
    Ok(tx.int(&total).await?)
}

/// `SELECT COUNT(*) FROM (ids) sel JOIN table t ON t.link = sel.x_id`. A join, not
/// `link IN (ids)`: the selections are distinct ids (a primary key, or DISTINCT), so
/// the two are equal, and the join spares the database a de-duplication of the
/// 100,000 ids before probing `table`'s index on `link`. `COUNT(*)`, not `COUNT(id)`,
/// so that an index holding the link alone (contracts_contact) can answer.
fn count_joined(ids: &SelectStatement, table: &'static str, link: &'static str) -> SelectStatement {
    let mut q = Query::select();
    q.expr(Expr::cust("COUNT(*)"))
        .from_subquery(ids.clone(), n("sel"))
        .join_as(
            sea_query::JoinType::InnerJoin,
            n(table),
            n("t"),
            Expr::col((n("t"), n(link))).equals((n("sel"), n("x_id"))),
        );
    q
}

/// Runs one counting statement in a read transaction of its own.
async fn read_one<T>(db: &Db, q: SelectStatement) -> Result<T>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin + Default,
{
    let mut tx = db.read().await?;
    let v = tx.opt(&q).await?.unwrap_or_default();
    tx.commit().await?;
    Ok(v)
}

/// Whether every id that `form` names explicitly exists and is visible to the actor
/// (always true for a filter): a stale or foreign id is an error, not a silent partial
/// erasure. Already anonymized contacts count as there.
async fn all_named_visible(
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

/// The cascade counts of a selection (`ids`, distinct, as `x_id`): what hangs from its
/// contacts, or the contracts of its projects. Each count is one statement in a read
/// transaction of its own, and they run at the same time (as does the storing of the
/// set, by the caller): on two cores a 100,000-contact preview takes the longest count,
/// not the sum. Each reads the data as it is at that moment, as the dialog says; the
/// number of members is the stored set's, exact.
async fn cascade_counts(
    db: &Db,
    ids: &SelectStatement,
    kind: MemberKind,
) -> Result<ErasurePreview> {
    let mut p = ErasurePreview::default();
    match kind {
        MemberKind::Contacts => {
            // The activity, documents and messages counts in one pass over the
            // activities (one read of a large table, not three), from the index on
            // (contact_id, kind, …) alone.
            let of_kind = |kind: &str| {
                let case: SimpleExpr = Expr::case(Expr::col((n("t"), n("kind"))).eq(kind), 1i32)
                    .finally(0i32)
                    .into();
                sea_query::Func::sum(case)
            };
            let mut aq = count_joined(ids, "activities", "contact_id");
            aq.expr(of_kind("documents")).expr(of_kind("messages"));
            let ((projects,), (contracts,), (activity, documents, messages)) = tokio::try_join!(
                read_one::<(i64,)>(db, count_joined(ids, "projects", "contact_id")),
                read_one::<(i64,)>(db, count_joined(ids, "contracts", "contact_id")),
                read_one::<(i64, Option<i64>, Option<i64>)>(db, aq),
            )?;
            p.projects = projects;
            p.contracts = contracts;
            p.activity = activity;
            p.documents = documents.unwrap_or(0);
            p.messages = messages.unwrap_or(0);
        }
        MemberKind::Projects => {
            let (contracts,) =
                read_one::<(i64,)>(db, count_joined(ids, "contracts", "project_id")).await?;
            p.contracts = contracts;
        }
    }
    Ok(p)
}

/// Step one: resolve, count, store, and hand out the token.
pub async fn preview(
    st: &AppState,
    auth: &Auth,
    action: EraseAction,
    target: &ErasureTarget,
    request_id: Option<&str>,
) -> Result<oubli_domain::ErasureCreated> {
    let form = target.form().map_err(ApiError::Invalid)?;
    preview_of(st, auth, action, Selection::Target(form), request_id).await
}

/// Step one for an erasure request of a selection: the preview of exactly the members
/// stored with the request (`kind` as stored), minus what no longer exists or is
/// already anonymized.
pub async fn preview_request(
    st: &AppState,
    auth: &Auth,
    action: EraseAction,
    kind: MemberKind,
    request_id: &str,
) -> Result<oubli_domain::ErasureCreated> {
    preview_of(
        st,
        auth,
        action,
        Selection::Request(kind, request_id),
        Some(request_id),
    )
    .await
}

async fn preview_of(
    st: &AppState,
    auth: &Auth,
    action: EraseAction,
    selection: Selection<'_>,
    request_id: Option<&str>,
) -> Result<oubli_domain::ErasureCreated> {
    let mut tx = st.db.begin().await?;
    let cutoff = listing::retention_cutoff(&mut tx, &auth.actor.cabinet_id).await?;
    let (kind, ids) = match &selection {
        Selection::Target(form) => target_ids(auth, action, form, cutoff)?,
        Selection::Request(kind, rid) => request_ids(auth, action, *kind, rid),
    };
    let id = crate::db::new_id();
    let now = now_ms();
    let mut ins = Query::insert();
    ins.into_table(n("erasures")).columns(
        [
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
            "updated_at",
        ]
        .map(n),
    );
    let token = new_token();
    ins.values_panic([
        id.clone().into(),
        auth.actor.cabinet_id.clone().into(),
        auth.actor.user_id.clone().into(),
        action.as_str().into(),
        kind.as_str().into(),
        sha256_hex(token.as_bytes()).into(),
        (now + TOKEN_TTL_MS).into(),
        "previewed".into(),
        "{}".into(),
        0i64.into(),
        0i64.into(),
        request_id.map(String::from).into(),
        now.into(),
        now.into(),
    ]);
    tx.exec(&ins).await?;
    // The set is stored (in this transaction) while the cascade is counted (in others).
    let (total, mut preview) = tokio::try_join!(
        store_chunks(&mut tx, &id, &auth.actor.cabinet_id, ids.clone(), now),
        cascade_counts(&st.db, &ids, kind),
    )?;
    match kind {
        MemberKind::Contacts => preview.contacts = total,
        MemberKind::Projects => preview.projects = total,
    }
    if let Selection::Target(form) = &selection {
        if !all_named_visible(&mut tx, auth, form, cutoff).await? {
            return Err(ApiError::invalid(
                "target",
                "Certains éléments sont introuvables.",
            ));
        }
        if total == 0 && matches!(form, TargetForm::Contacts(_) | TargetForm::Projects(_)) {
            // All there, all already anonymized.
            return Err(ApiError::read_only());
        }
    }
    let mut up = Query::update();
    up.table(n("erasures"))
        .value(
            n("preview"),
            serde_json::to_string(&preview).unwrap_or_default(),
        )
        .value(n("total"), total)
        .and_where(Expr::col(n("id")).eq(id.as_str()));
    tx.exec(&up).await?;
    audit::append(
        &mut tx,
        &auth.actor.cabinet_id,
        audit::Entry {
            actor_user_id: Some(&auth.actor.user_id),
            action: &format!("erasure.preview.{}", action.as_str()),
            target_kind: Some("erasure"),
            target_id: Some(&id),
            outcome: "ok",
            detail: serde_json::to_value(&preview).unwrap_or_default(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(oubli_domain::ErasureCreated {
        id,
        action,
        preview,
        confirm_token: token,
        expires_at: from_ms(now + TOKEN_TTL_MS),
    })
}

#[derive(sqlx::FromRow)]
struct ErasureRow {
    id: String,
    cabinet_id: String,
    actor_user_id: String,
    action: String,
    member_kind: String,
    token_hash: Option<String>,
    expires_at: i64,
    status: String,
    preview: String,
    total: i64,
    done: i64,
    request_id: Option<String>,
    created_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
    failures: i64,
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

    fn action(&self) -> EraseAction {
        EraseAction::parse(&self.action).unwrap_or(EraseAction::Anonymize)
    }

    fn kind(&self) -> MemberKind {
        if self.member_kind == "projects" {
            MemberKind::Projects
        } else {
            MemberKind::Contacts
        }
    }
}

async fn load(tx: &mut Tx, cabinet_id: Option<&str>, id: &str) -> Result<ErasureRow> {
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

/// `created_at~id` of the last job of the previous page.
fn job_cursor(s: Option<&str>) -> Result<Option<(i64, String)>> {
    let Some(s) = s.filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let bad = || ApiError::BadRequest("Curseur de pagination invalide.".into());
    let (t, id) = s.split_once('~').ok_or_else(bad)?;
    let at = t.parse::<i64>().map_err(|_| bad())?;
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(bad());
    }
    Ok(Some((at, id.to_string())))
}

/// Job statuses a list may be filtered on (`previewed` ones are not jobs yet).
pub const JOB_STATUSES: &[&str] = &["pending", "running", "done", "failed"];

/// The cabinet's confirmed erasures, newest first, keyset-paginated on
/// `(created_at, id)` with the same cursor form as the lists.
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
    let cursor = job_cursor(after)?;
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
    let mut cond = base();
    if let Some((at, id)) = &cursor {
        cond = cond.add(
            Cond::any()
                .add(Expr::col((n("e"), n("created_at"))).lt(*at))
                .add(
                    Cond::all()
                        .add(Expr::col((n("e"), n("created_at"))).eq(*at))
                        .add(Expr::col((n("e"), n("id"))).lt(id.as_str())),
                ),
        );
    }
    q.cond_where(cond)
        .order_by((n("e"), n("created_at")), Order::Desc)
        .order_by((n("e"), n("id")), Order::Desc)
        .limit(limit as u64 + 1);
    let mut rows: Vec<ErasureRow> = tx.all(&q).await?;
    tx.commit().await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| format!("{}~{}", r.created_at, r.id))
    } else {
        None
    };
    Ok(oubli_domain::Page {
        items: rows.iter().map(ErasureRow::job).collect(),
        next,
        total,
    })
}

/// Step two: checks and consumes the token, which turns the preview into a job; small
/// jobs are processed before the answer, larger ones in the background (by a task
/// started here and by every instance's [`spawn_worker`]).
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

/// Members per batch transaction: large enough that the fixed cost of a transaction
/// (and, on PostgreSQL, of a round trip per statement) vanishes, small enough that a
/// batch holds the write lock for well under a second and fits the bind-parameter
/// limits. `OUBLI_ERASURE_BATCH` overrides it (the crash test uses small batches).
pub const BATCH: usize = 500;
const MAX_BATCH: usize = 2000;
/// A batch that fails this many times marks its job failed instead of retrying forever.
pub const MAX_FAILURES: i64 = 3;
/// A small job (processed inline by `confirm`) that has not moved for this long was
/// interrupted: the worker takes it over.
const STALE_MS: i64 = 60_000;

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

/// The WHERE clause selecting `plan`'s rows that hang from the contacts `cids`.
fn link_cond(link: Link, cids: &[String]) -> Cond {
    let ids = || cids.iter().map(String::as_str);
    let sub = |table: &'static str| {
        let mut q = Query::select();
        q.column(n("id"))
            .from(n(table))
            .and_where(Expr::col(n("contact_id")).is_in(ids()));
        q
    };
    match link {
        Link::Itself => Cond::all().add(Expr::col(n("id")).is_in(ids())),
        Link::Contact => Cond::all().add(Expr::col(n("contact_id")).is_in(ids())),
        Link::Project => Cond::all().add(Expr::col(n("project_id")).in_subquery(sub("projects"))),
        Link::Contract => {
            Cond::all().add(Expr::col(n("contract_id")).in_subquery(sub("contracts")))
        }
    }
}

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
    fn start(&mut self, dir: &std::path::Path, keys: Vec<String>) {
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

/// What [`anonymize_contacts`] did: each contact's counts (for its audit entry) and the
/// change sequence number stamped on the contacts.
pub struct Anonymized {
    pub counts: HashMap<String, ErasurePreview>,
    pub stamp: i64,
}

/// Anonymizes the contacts `cids` by the plan, in the caller's transaction, with one
/// statement per table of the plan for the whole set (the rows and columns are those
/// of [`PLAN`], whatever the number of contacts). The counts of each contact's audit
/// entry come from the writes themselves (`RETURNING`): the activities deleted, the
/// projects and contracts treated. The blob files of the deleted documents start
/// being unlinked into `unlinks` at once.
///
/// The cabinet's change sequence is advanced by `cids.len() + tombstones` just before
/// the contacts row update, which stamps the contacts with the first new number (one
/// write of each contact row, not two); the cabinet row stays locked from there to the
/// commit. `cids` must be contacts of `cabinet_id` (the caller selects them by cabinet).
pub async fn anonymize_contacts(
    tx: &mut Tx,
    cabinet_id: &str,
    cids: &[String],
    tombstones: i64,
    blob_dir: &std::path::Path,
    unlinks: &mut Unlinks,
) -> Result<Anonymized> {
    let mut counts: HashMap<String, ErasurePreview> = cids
        .iter()
        .map(|c| {
            (
                c.clone(),
                ErasurePreview {
                    contacts: 1,
                    ..Default::default()
                },
            )
        })
        .collect();
    if cids.is_empty() {
        return Ok(Anonymized { counts, stamp: 0 });
    }
    let now = now_ms();
    let mut stamp = 0;
    // PostgreSQL: the rows hanging from the contacts' projects and contracts are
    // selected by the parents' ids, read first, not by a subquery: the planner
    // estimates the subquery at a few rows per contact and then prefers reading the
    // whole child table into a hash join, in every batch (quadratic in a bulk job),
    // to one probe of the child's parent index per parent. SQLite probes either way.
    let parents = if tx.backend == Backend::Postgres {
        Some((
            ids_of_contacts(tx, "projects", cids).await?,
            ids_of_contacts(tx, "contracts", cids).await?,
        ))
    } else {
        None
    };
    for plan in PLAN {
        // The cabinet condition only where the ids are the contacts themselves: children
        // follow their contact, and a cabinet_id index must not win over the link's.
        let cond = match (plan.link, &parents) {
            (Link::Itself, _) => {
                link_cond(plan.link, cids).add(Expr::col(n("cabinet_id")).eq(cabinet_id))
            }
            (Link::Project, Some((pids, _))) if pids.len() <= MAX_PARENT_IDS => {
                if pids.is_empty() {
                    continue;
                }
                Cond::all().add(Expr::col(n("project_id")).is_in(pids.iter().map(String::as_str)))
            }
            (Link::Contract, Some((_, kids))) if kids.len() <= MAX_PARENT_IDS => {
                if kids.is_empty() {
                    continue;
                }
                Cond::all().add(Expr::col(n("contract_id")).is_in(kids.iter().map(String::as_str)))
            }
            _ => link_cond(plan.link, cids),
        };
        match plan.rows {
            Rows::Delete => {
                let mut q = Query::delete();
                q.from_table(n(plan.table)).cond_where(cond);
                if plan.table == "activities" {
                    q.returning(Query::returning().columns([
                        n("contact_id"),
                        n("kind"),
                        n("blob_key"),
                    ]));
                    let mut keys = Vec::new();
                    for (cid, kind, key) in tx.all::<(String, String, Option<String>)>(&q).await? {
                        if let Some(c) = counts.get_mut(&cid) {
                            c.activity += 1;
                            if kind == "messages" {
                                c.messages += 1;
                            }
                            if key.is_some() {
                                c.documents += 1;
                            }
                        }
                        keys.extend(key);
                    }
                    unlinks.start(blob_dir, keys);
                } else {
                    tx.exec(&q).await?;
                }
            }
            Rows::Treat => {
                let mut q = Query::update();
                q.table(n(plan.table));
                let mut any = false;
                for (col, t) in plan.columns {
                    match t {
                        Treatment::Keep => {}
                        Treatment::Blank => {
                            q.value(n(col), Option::<String>::None);
                            any = true;
                        }
                        Treatment::YearOnly => {
                            // substr and || mean the same on SQLite and PostgreSQL; the
                            // column name comes from the static plan, never from input.
                            q.value(
                                n(col),
                                Expr::cust(format!("substr({col}, 1, 4) || '-01-01'")),
                            );
                            any = true;
                        }
                    }
                }
                if plan.table == "contacts" {
                    stamp =
                        advance_change_seq(tx, cabinet_id, cids.len() as i64 + tombstones).await?;
                    q.value(n("anonymized_at"), now)
                        .value(n("change_seq"), stamp);
                }
                if !any {
                    continue;
                }
                q.value(n("updated_at"), now).cond_where(cond);
                let count: Option<fn(&mut ErasurePreview)> = match plan.table {
                    "projects" => Some(|c| c.projects += 1),
                    "contracts" => Some(|c| c.contracts += 1),
                    _ => None,
                };
                if let Some(add) = count {
                    q.returning(Query::returning().columns([n("contact_id")]));
                    for (cid,) in tx.all::<(String,)>(&q).await? {
                        if let Some(c) = counts.get_mut(&cid) {
                            add(c);
                        }
                    }
                } else {
                    tx.exec(&q).await?;
                }
            }
        }
    }
    Ok(Anonymized { counts, stamp })
}

/// Beyond this many parent ids (bound parameters) the children are selected by a
/// subquery instead (PostgreSQL binds at most 65,535 parameters).
const MAX_PARENT_IDS: usize = 20_000;

/// The ids of `table`'s rows whose `contact_id` is one of `cids`.
async fn ids_of_contacts(tx: &mut Tx, table: &'static str, cids: &[String]) -> Result<Vec<String>> {
    let mut q = Query::select();
    q.column(n("id"))
        .from(n(table))
        .and_where(Expr::col(n("contact_id")).is_in(cids.iter().map(String::as_str)));
    Ok(tx
        .all::<(String,)>(&q)
        .await?
        .into_iter()
        .map(|r| r.0)
        .collect())
}

/// Advances the cabinet's change sequence by `k` (locking the cabinet row until the
/// commit); returns the first of the `k` new numbers.
async fn advance_change_seq(tx: &mut Tx, cabinet_id: &str, k: i64) -> Result<i64> {
    let mut sq = Query::update();
    sq.table(n("cabinets"))
        // i32, as in changes::next_seq: this is the same SQL text, and PostgreSQL's
        // prepared-statement cache keeps the parameter types of its first use.
        .value(n("change_seq"), Expr::col(n("change_seq")).add(k as i32))
        .and_where(Expr::col(n("id")).eq(cabinet_id))
        .returning(Query::returning().columns([n("change_seq")]));
    let (top,): (i64,) = tx.opt(&sq).await?.ok_or(ApiError::NotFound)?;
    Ok(top - k + 1)
}

/// (contact id, assigned user, assigned user's team) of a contact to anonymize.
type ToAnonymize = (String, Option<String>, Option<String>);

/// Anonymizes the claimed contacts that are still there and not anonymized yet
/// (a contact may have been anonymized or deleted since the preview), with the change
/// stamps, tombstones and one audit entry per contact of the single-contact path.
async fn anonymize_batch(
    tx: &mut Tx,
    cabinet_id: &str,
    actor: &str,
    erasure_id: &str,
    targets: &[String],
    blob_dir: &std::path::Path,
    unlinks: &mut Unlinks,
) -> Result<()> {
    let mut meta = Query::select();
    meta.columns([(n("c"), n("id")), (n("c"), n("assigned_to"))])
        .column((n("u"), n("team_id")))
        .from_as(n("contacts"), n("c"))
        .join_as(
            sea_query::JoinType::LeftJoin,
            n("users"),
            n("u"),
            Expr::col((n("u"), n("id"))).equals((n("c"), n("assigned_to"))),
        )
        .and_where(Expr::col((n("c"), n("cabinet_id"))).eq(cabinet_id))
        .and_where(Expr::col((n("c"), n("id"))).is_in(targets.iter().map(String::as_str)))
        .and_where(Expr::col((n("c"), n("anonymized_at"))).is_null())
        .order_by((n("c"), n("id")), Order::Asc);
    if tx.backend == Backend::Postgres {
        // The contacts first, before anything under them is read: a write that added a
        // project (say) under one of them has committed by now and is seen by the
        // statements below, and one that comes later waits for this commit and then
        // finds the contact anonymized (access::contact_meta takes the row too).
        meta.lock_with_tables(sea_query::LockType::Update, [n("c")]);
    }
    let rows: Vec<ToAnonymize> = tx.all(&meta).await?;
    if rows.is_empty() {
        return Ok(());
    }
    let cids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    // Change sequence: one number stamps the batch's contacts (they change together),
    // then one per tombstone, as touch_contact followed by tombstone does for one.
    let k = cids.len() as i64;
    let Anonymized { counts, stamp } =
        anonymize_contacts(tx, cabinet_id, &cids, k, blob_dir, unlinks).await?;
    let now = now_ms();
    let mut ins = Query::insert();
    ins.into_table(n("tombstones")).columns(
        [
            "cabinet_id",
            "seq",
            "contact_id",
            "user_id",
            "team_id",
            "created_at",
            "updated_at",
        ]
        .map(n),
    );
    for (i, (cid, owner, team)) in rows.iter().enumerate() {
        ins.values_panic([
            cabinet_id.into(),
            (stamp + 1 + i as i64).into(),
            cid.as_str().into(),
            owner.clone().into(),
            team.clone().into(),
            now.into(),
            now.into(),
        ]);
    }
    tx.exec(&ins).await?;
    let entries: Vec<(String, serde_json::Value)> = cids
        .iter()
        .map(|cid| {
            let mut d = serde_json::to_value(counts.get(cid).cloned().unwrap_or_default())
                .unwrap_or_default();
            if let Some(o) = d.as_object_mut() {
                o.insert("erasure_id".into(), erasure_id.into());
            }
            (cid.clone(), d)
        })
        .collect();
    audit::append_batch(
        tx,
        cabinet_id,
        actor,
        "contact.anonymize",
        "contact",
        entries,
    )
    .await?;
    Ok(())
}

/// (contact id, assigned user, anonymized at, assigned user's team) of a member.
type MemberContact = (String, Option<String>, Option<i64>, Option<String>);

/// Erases one member (deletions; anonymizing a single member goes through the batch
/// path too), in the caller's transaction; returns the blob keys to unlink before the
/// commit (an anonymization starts its own in `unlinks`).
#[allow(clippy::too_many_arguments)]
async fn erase_member(
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
            let r = store::delete_contact(tx, cabinet_id, &cid).await?;
            blobs = r.blobs.clone();
            changes::tombstone(tx, cabinet_id, &cid, owner.as_deref(), team.as_deref()).await?;
            (
                Some("contact.delete"),
                serde_json::to_value(&r).unwrap_or_default(),
            )
        }
        (MemberKind::Projects, EraseAction::Delete) => {
            let r = store::delete_project(tx, cabinet_id, target).await?;
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
/// them batch by batch beside the other instances' workers (see [`process_batch`]).
/// Every [`PURGE_EVERY`] it also purges the sets of expired previews.
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

/// Inserts an erasure request row: for one record (`target_id`, `count` 1) or for a
/// selection (no `target_id`, `count` members).
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
/// (the same selection as [`preview`]: scope, list filter, exclusions, and for an
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
