//! Step one of an erasure: resolve the selection, store it as the erasure's member
//! set, count the cascade, and hand out the single-use token.

use crate::auth::{new_token, sha256_hex, Auth};
use crate::db::rows::n;
use crate::db::{from_ms, now_ms, Backend, Db, Tx};
use crate::error::{ApiError, Result};
use crate::{audit, listing, AppState};
use oubli_domain::{EraseAction, ErasurePreview, ErasureTarget, TargetForm};
use sea_query::{Expr, Query, SelectStatement, SimpleExpr};

use super::limits::{check_rate, replace_oldest_previews, Rate};
use super::selection::{all_named_visible, request_ids, target_ids, Selection};
use super::{MemberKind, CHUNK, TOKEN_TTL_MS};

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
    preview_of(st, auth, action, Selection::Target(form), request_id, true).await
}

/// Both steps at once, for `DELETE /contacts/{id}`: the preview is confirmed at once
/// with its own token. It counts in the user's rate of previews (it resolves and
/// stores a selection like any other) but replaces none of their open previews: it is
/// never open for a dialog, and deleting a contact must not kill one.
pub async fn erase_now(
    st: &AppState,
    auth: &Auth,
    action: EraseAction,
    target: &ErasureTarget,
) -> Result<super::ErasureJob> {
    let form = target.form().map_err(ApiError::Invalid)?;
    let created = preview_of(st, auth, action, Selection::Target(form), None, false).await?;
    super::confirm(st, auth, &created.id, &created.confirm_token).await
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
        true,
    )
    .await
}

/// Step one for every caller. `for_dialog`: the preview waits for a confirmation, so it
/// is one of the user's open previews and replaces the oldest beyond the cap (see
/// [`super::limits`]); every preview counts in the user's rate, checked first.
async fn preview_of(
    st: &AppState,
    auth: &Auth,
    action: EraseAction,
    selection: Selection<'_>,
    request_id: Option<&str>,
    for_dialog: bool,
) -> Result<oubli_domain::ErasureCreated> {
    let mut tx = st.db.begin().await?;
    check_rate(&mut tx, auth, Rate::Previews).await?;
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
    if for_dialog {
        replace_oldest_previews(&mut tx, auth, &id).await?;
    }
    tx.commit().await?;
    Ok(oubli_domain::ErasureCreated {
        id,
        action,
        preview,
        confirm_token: token,
        expires_at: from_ms(now + TOKEN_TTL_MS),
    })
}
