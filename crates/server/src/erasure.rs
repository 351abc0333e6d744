//! The erasure engine: anonymize or delete contacts, delete projects, with the exact
//! cascade of PRODUCT.md §3 driven by `oubli_domain::erasure::PLAN`.
//!
//! Two steps: [`preview`] resolves the selection into a stored set of ids bound to a
//! single-use token (user, action, that exact set, 10 minutes); [`confirm`] consumes the
//! token and processes the set. Each record is erased in its own transaction (all or
//! nothing for one contact), marked done in the same transaction, so a run interrupted
//! at any point resumes without erasing anything twice ([`resume_pending`]).

use crate::auth::{new_token, sha256_hex, Auth};
use crate::db::rows::{insert, n};
use crate::db::{from_ms, now_ms, Backend, Db, Tx};
use crate::error::{ApiError, Result};
use crate::{audit, changes, listing, store, AppState};
use oubli_domain::erasure::{Link, Rows, Treatment, PLAN};
use oubli_domain::filter::Resource;
use oubli_domain::{EraseAction, ErasurePreview, ErasureStatus, ErasureTarget, TargetForm};
use sea_query::{Cond, Expr, Order, Query, SelectStatement};

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
    fn as_str(self) -> &'static str {
        match self {
            MemberKind::Contacts => "contacts",
            MemberKind::Projects => "projects",
        }
    }
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
    let contacts_of_projects = |cond: Cond| {
        let mut q = Query::select();
        q.distinct()
            .expr_as(Expr::col((n("p"), n("contact_id"))), n("x_id"))
            .from_as(n("projects"), n("p"))
            .join_as(
                sea_query::JoinType::InnerJoin,
                n("contacts"),
                n("c"),
                Expr::col((n("c"), n("id"))).equals((n("p"), n("contact_id"))),
            )
            .cond_where(cond);
        q
    };
    let project_ids = |cond: Cond| {
        let mut q = Query::select();
        q.expr_as(Expr::col((n("p"), n("id"))), n("x_id"))
            .from_as(n("projects"), n("p"))
            .join_as(
                sea_query::JoinType::InnerJoin,
                n("contacts"),
                n("c"),
                Expr::col((n("c"), n("id"))).equals((n("p"), n("contact_id"))),
            )
            .cond_where(cond);
        q
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

fn count_where(table: &'static str, cond: Cond) -> SelectStatement {
    let mut q = Query::select();
    q.expr(Expr::col(n("id")).count())
        .from(n(table))
        .cond_where(cond);
    q
}

/// Counts for the stored member set of erasure `id`.
async fn compute_preview(
    tx: &mut Tx,
    id: &str,
    kind: MemberKind,
    action: EraseAction,
) -> Result<ErasurePreview> {
    let mut members = Query::select();
    members
        .column(n("target_id"))
        .from(n("erasure_members"))
        .and_where(Expr::col(n("erasure_id")).eq(id));
    let mut p = ErasurePreview::default();
    match kind {
        MemberKind::Contacts => {
            p.contacts = tx
                .int(&count_where(
                    "contacts",
                    Cond::all().add(Expr::col(n("id")).in_subquery(members.clone())),
                ))
                .await?;
            let of = || Cond::all().add(Expr::col(n("contact_id")).in_subquery(members.clone()));
            p.projects = tx.int(&count_where("projects", of())).await?;
            p.contracts = tx.int(&count_where("contracts", of())).await?;
            p.activity = tx.int(&count_where("activities", of())).await?;
            p.documents = tx
                .int(&count_where(
                    "activities",
                    of().add(Expr::col(n("kind")).eq("documents")),
                ))
                .await?;
            p.messages = tx
                .int(&count_where(
                    "activities",
                    of().add(Expr::col(n("kind")).eq("messages")),
                ))
                .await?;
            let _ = action;
        }
        MemberKind::Projects => {
            p.projects = tx
                .int(&count_where(
                    "projects",
                    Cond::all().add(Expr::col(n("id")).in_subquery(members.clone())),
                ))
                .await?;
            p.contracts = tx
                .int(&count_where(
                    "contracts",
                    Cond::all().add(Expr::col(n("project_id")).in_subquery(members)),
                ))
                .await?;
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
    let mut tx = st.db.begin().await?;
    let cutoff = listing::retention_cutoff(&mut tx, &auth.actor.cabinet_id).await?;
    let (kind, ids) = target_ids(auth, action, &form, cutoff)?;
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
    // INSERT … SELECT: the selection is resolved in the database, never shipped as a
    // list of ids through the application.
    let mut members = Query::insert();
    members
        .into_table(n("erasure_members"))
        .columns(
            [
                "erasure_id",
                "cabinet_id",
                "target_id",
                "done",
                "created_at",
                "updated_at",
            ]
            .map(n),
        )
        .select_from({
            let mut s = Query::select();
            s.expr(Expr::val(id.as_str()))
                .expr(Expr::val(auth.actor.cabinet_id.as_str()))
                .column(n("x_id"))
                .expr(Expr::val(0i64))
                .expr(Expr::val(now))
                .expr(Expr::val(now))
                .from_subquery(ids, n("sel"));
            s
        })
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let total = tx.exec(&members).await? as i64;
    // Ids named explicitly must all be visible: a stale or foreign id is an error, not
    // a silent partial erasure.
    if let TargetForm::Contacts(v) | TargetForm::Projects(v) = form {
        let mut distinct = v.to_vec();
        distinct.sort();
        distinct.dedup();
        // The delete selection does not leave out anonymized contacts: it counts what
        // exists and is visible.
        let (_, visible) = target_ids(auth, EraseAction::Delete, &form, cutoff)?;
        let mut cq = Query::select();
        cq.expr(Expr::col(n("x_id")).count())
            .from_subquery(visible, n("v"));
        if tx.int(&cq).await? != distinct.len() as i64 {
            return Err(ApiError::invalid(
                "target",
                "Certains éléments sont introuvables.",
            ));
        }
        if total == 0 {
            // All there, all already anonymized.
            return Err(ApiError::read_only());
        }
    }
    let preview = compute_preview(&mut tx, &id, kind, action).await?;
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
];

impl ErasureRow {
    fn status(&self) -> ErasureStatus {
        ErasureStatus {
            id: self.id.clone(),
            action: EraseAction::parse(&self.action).unwrap_or(EraseAction::Anonymize),
            status: self.status.clone(),
            done: self.done,
            total: self.total,
            preview: serde_json::from_str(&self.preview).unwrap_or_default(),
            created_at: from_ms(self.created_at),
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

pub async fn status(st: &AppState, auth: &Auth, id: &str) -> Result<ErasureStatus> {
    let mut tx = st.db.read().await?;
    let row = load(&mut tx, Some(&auth.actor.cabinet_id), id).await?;
    tx.commit().await?;
    Ok(row.status())
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Step two: checks and consumes the token, then processes the set (inline when
/// small, in the background otherwise).
pub async fn confirm(st: &AppState, auth: &Auth, id: &str, token: &str) -> Result<ErasureStatus> {
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
    if !constant_time_eq(hash, &sha256_hex(token.as_bytes())) {
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

/// Processes the remaining members of erasure `id`, one transaction each.
pub async fn run(db: &Db, blob_dir: &std::path::Path, id: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    let row = load(&mut tx, None, id).await?;
    let mut q = Query::update();
    q.table(n("erasures"))
        .value(n("status"), "running")
        .value(n("updated_at"), now_ms())
        .and_where(Expr::col(n("id")).eq(id));
    tx.exec(&q).await?;
    tx.commit().await?;
    let action = EraseAction::parse(&row.action).unwrap_or(EraseAction::Anonymize);
    let kind = if row.member_kind == "projects" {
        MemberKind::Projects
    } else {
        MemberKind::Contacts
    };
    loop {
        let mut rtx = db.read().await?;
        let mut mq = Query::select();
        mq.column(n("target_id"))
            .from(n("erasure_members"))
            .and_where(Expr::col(n("erasure_id")).eq(id))
            .and_where(Expr::col(n("done")).eq(0))
            .order_by(n("target_id"), Order::Asc)
            .limit(200);
        let batch: Vec<(String,)> = rtx.all(&mq).await?;
        rtx.commit().await?;
        if batch.is_empty() {
            break;
        }
        for (target,) in batch {
            let blobs = erase_one(
                db,
                &row.cabinet_id,
                &row.actor_user_id,
                id,
                action,
                kind,
                &target,
            )
            .await?;
            store::remove_blobs(blob_dir, &blobs);
        }
    }
    let mut tx = db.begin().await?;
    let mut q = Query::update();
    q.table(n("erasures"))
        .value(n("status"), "done")
        .value(n("updated_at"), now_ms())
        .and_where(Expr::col(n("id")).eq(id));
    tx.exec(&q).await?;
    if let Some(req) = &row.request_id {
        let mut q = Query::update();
        q.table(n("erasure_requests"))
            .value(n("status"), "done")
            // The requester's free text may name the person: it goes with the data.
            .value(n("reason"), Option::<String>::None)
            .value(n("updated_at"), now_ms())
            .and_where(Expr::col(n("id")).eq(req.as_str()));
        tx.exec(&q).await?;
    }
    tx.commit().await?;
    after_erasure(db).await
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

/// The WHERE clause selecting `plan`'s rows that hang from contact `cid`.
fn link_cond(link: Link, cid: &str) -> Cond {
    let sub = |table: &'static str| {
        let mut q = Query::select();
        q.column(n("id"))
            .from(n(table))
            .and_where(Expr::col(n("contact_id")).eq(cid));
        q
    };
    match link {
        Link::Itself => Cond::all().add(Expr::col(n("id")).eq(cid)),
        Link::Contact => Cond::all().add(Expr::col(n("contact_id")).eq(cid)),
        Link::Project => Cond::all().add(Expr::col(n("project_id")).in_subquery(sub("projects"))),
        Link::Contract => {
            Cond::all().add(Expr::col(n("contract_id")).in_subquery(sub("contracts")))
        }
    }
}

/// Anonymizes one contact by the plan, in the caller's transaction; returns the blob
/// keys to unlink after commit.
pub async fn anonymize_contact(
    tx: &mut Tx,
    cabinet_id: &str,
    cid: &str,
) -> Result<(Vec<String>, ErasurePreview)> {
    let mut counts = ErasurePreview {
        contacts: 1,
        ..Default::default()
    };
    let of = || {
        Cond::all()
            .add(Expr::col(n("contact_id")).eq(cid))
            .add(Expr::col(n("cabinet_id")).eq(cabinet_id))
    };
    let mut bq = Query::select();
    bq.column(n("blob_key"))
        .from(n("activities"))
        .cond_where(of())
        .and_where(Expr::col(n("blob_key")).is_not_null());
    let blobs: Vec<String> = tx
        .all::<(String,)>(&bq)
        .await?
        .into_iter()
        .map(|b| b.0)
        .collect();
    counts.documents = blobs.len() as i64;
    counts.messages = tx
        .int(&count_where(
            "activities",
            of().add(Expr::col(n("kind")).eq("messages")),
        ))
        .await?;
    counts.projects = tx.int(&count_where("projects", of())).await?;
    counts.contracts = tx.int(&count_where("contracts", of())).await?;
    for plan in PLAN {
        let cond = link_cond(plan.link, cid).add(Expr::col(n("cabinet_id")).eq(cabinet_id));
        match plan.rows {
            Rows::Delete => {
                let n_rows = tx
                    .exec(Query::delete().from_table(n(plan.table)).cond_where(cond))
                    .await?;
                if plan.table == "activities" {
                    counts.activity = n_rows as i64;
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
                    q.value(n("anonymized_at"), now_ms());
                }
                if any {
                    q.value(n("updated_at"), now_ms()).cond_where(cond);
                    tx.exec(&q).await?;
                }
            }
        }
    }
    Ok((blobs, counts))
}

/// (contact id, assigned user, anonymized at, assigned user's team) of a member.
type MemberContact = (String, Option<String>, Option<i64>, Option<String>);

/// Erases one member in one transaction, marking it done in the same transaction.
async fn erase_one(
    db: &Db,
    cabinet_id: &str,
    actor: &str,
    erasure_id: &str,
    action: EraseAction,
    kind: MemberKind,
    target: &str,
) -> Result<Vec<String>> {
    let mut tx = db.begin().await?;
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
    if let Some((cid, owner, anonymized_at, team)) = m {
        let (what, detail) = match (kind, action) {
            (MemberKind::Contacts, EraseAction::Anonymize) if anonymized_at.is_none() => {
                let (b, counts) = anonymize_contact(&mut tx, cabinet_id, &cid).await?;
                blobs = b;
                changes::touch_contact(&mut tx, cabinet_id, &cid).await?;
                changes::tombstone(&mut tx, cabinet_id, &cid, owner.as_deref(), team.as_deref())
                    .await?;
                (
                    Some("contact.anonymize"),
                    serde_json::to_value(counts).unwrap_or_default(),
                )
            }
            (MemberKind::Contacts, EraseAction::Delete) => {
                let r = store::delete_contact(&mut tx, cabinet_id, &cid).await?;
                blobs = r.blobs.clone();
                changes::tombstone(&mut tx, cabinet_id, &cid, owner.as_deref(), team.as_deref())
                    .await?;
                (
                    Some("contact.delete"),
                    serde_json::to_value(&r).unwrap_or_default(),
                )
            }
            (MemberKind::Projects, EraseAction::Delete) => {
                let r = store::delete_project(&mut tx, cabinet_id, target).await?;
                changes::touch_contact(&mut tx, cabinet_id, &cid).await?;
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
                &mut tx,
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
    }
    let mut q = Query::update();
    q.table(n("erasure_members"))
        .value(n("done"), 1)
        .value(n("updated_at"), now_ms())
        .and_where(Expr::col(n("erasure_id")).eq(erasure_id))
        .and_where(Expr::col(n("target_id")).eq(target));
    tx.exec(&q).await?;
    let mut q = Query::update();
    q.table(n("erasures"))
        .value(n("done"), Expr::col(n("done")).add(1))
        .value(n("updated_at"), now_ms())
        .and_where(Expr::col(n("id")).eq(erasure_id));
    tx.exec(&q).await?;
    tx.commit().await?;
    Ok(blobs)
}

/// At start-up: finishes erasures that were confirmed but not completed (a crash or a
/// restart during a run).
pub async fn resume_pending(db: &Db, blob_dir: std::path::PathBuf) -> Result<usize> {
    let mut tx = db.read().await?;
    let mut q = Query::select();
    q.column(n("id"))
        .from(n("erasures"))
        .and_where(Expr::col(n("status")).is_in(["pending", "running"]));
    let ids: Vec<(String,)> = tx.all(&q).await?;
    tx.commit().await?;
    let count = ids.len();
    for (id,) in ids {
        let (db, dir) = (db.clone(), blob_dir.clone());
        tokio::spawn(async move {
            if let Err(e) = run(&db, &dir, &id).await {
                tracing::error!(erasure = %id, error = ?e, "resumed erasure failed");
            }
        });
    }
    Ok(count)
}

/// Inserts an erasure request row.
pub async fn insert_request(
    tx: &mut Tx,
    auth: &Auth,
    action: EraseAction,
    kind: &str,
    target_id: &str,
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
            ("target_id", target_id.to_string().into()),
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
