//! Activity around a contact: `GET/POST /contacts/{id}/{kind}` for events, notes,
//! tasks, appointments, quotes, advice_docs, membership_forms, documents (multipart
//! upload, stored in the blob directory) and messages (emails and SMS);
//! `PATCH/DELETE /contacts/{id}/{kind}/{item}`; `GET …/documents/{item}/content`.
//! Here the routes every kind shares; the documents' upload and download in
//! [`documents`], the rules of the right to object and of retention in `rules`.

pub mod documents;
mod rules;

use self::documents::{download, read_upload, DocumentUpload};
use self::rules::{check_opposition, note_inbound, opposed};
use crate::access;
use crate::auth::Auth;
use crate::db::rows::*;
use crate::db::{new_id, now_ms, Tx};
use crate::error::{ApiError, ApiJson, ApiQuery, Result};
use crate::listing::{self, ListOrder};
use crate::routes::patched;
use crate::{changes, AppState};
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use oubli_domain::{Action, Activity, ActivityInput, ActivityKind, Page};
use sea_query::{Expr, Query};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts/{id}/{kind}", get(list).post(create))
        .route(
            "/contacts/{id}/{kind}/{item}",
            get(read_one).patch(edit).delete(remove),
        )
        .route("/contacts/{id}/documents/{item}/content", get(download))
}

fn kind_of(s: &str) -> Result<ActivityKind> {
    ActivityKind::parse(s).ok_or(ApiError::NotFound)
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub limit: Option<String>,
    pub after: Option<String>,
}

fn limit_of(q: &PageQuery) -> Result<i64> {
    crate::listing::page_limit(q.limit.as_deref())
}

async fn load(
    tx: &mut Tx,
    contact_id: &str,
    kind: ActivityKind,
    item: &str,
) -> Result<ActivityRow> {
    let mut q = select("activities", "a", ACTIVITY_COLS);
    q.and_where(Expr::col((n("a"), n("contact_id"))).eq(contact_id))
        .and_where(Expr::col((n("a"), n("kind"))).eq(kind.as_str()))
        .and_where(Expr::col((n("a"), n("id"))).eq(item));
    tx.opt(&q).await?.ok_or(ApiError::NotFound)
}

/// Items of one kind, newest first.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/{kind}", tag = "activity",
    params(("id" = String, Path), ("kind" = ActivityKind, Path), PageQuery),
    responses((status = 200, body = Page<Activity>), (status = 404, body = oubli_domain::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    Path((id, kind)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Page<Activity>>> {
    let kind = kind_of(&kind)?;
    let limit = limit_of(&q)?;
    let order = ListOrder::newest("a");
    let cursor = order.cursor(q.after.as_deref())?;
    let mut tx = st.db.read().await?;
    access::open_contact(&mut tx, &auth, &id, Action::View, "contact").await?;
    let base = sea_query::Cond::all()
        .add(Expr::col((n("a"), n("contact_id"))).eq(id.as_str()))
        .add(Expr::col((n("a"), n("kind"))).eq(kind.as_str()));
    let mut count = Query::select();
    count
        .expr(Expr::col((n("a"), n("id"))).count())
        .from_as(n("activities"), n("a"))
        .cond_where(base.clone());
    let total = tx.int(&count).await?;
    let mut sel = select("activities", "a", ACTIVITY_COLS);
    sel.cond_where(base);
    let (items, next) =
        listing::page_rows::<ActivityRow>(&mut tx, &order, cursor.as_ref(), sel, limit).await?;
    tx.commit().await?;
    Ok(Json(Page { items, next, total }))
}

/// One item.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/{kind}/{item}", tag = "activity",
    params(("id" = String, Path), ("kind" = ActivityKind, Path), ("item" = String, Path)),
    responses((status = 200, body = Activity), (status = 404, body = oubli_domain::ErrorBody)))]
pub async fn read_one(
    State(st): State<AppState>,
    auth: Auth,
    Path((id, kind, item)): Path<(String, String, String)>,
) -> Result<Json<Activity>> {
    let kind = kind_of(&kind)?;
    let mut tx = st.db.read().await?;
    access::open_contact(&mut tx, &auth, &id, Action::View, "contact").await?;
    let row = load(&mut tx, &id, kind, &item).await?;
    tx.commit().await?;
    Ok(Json(row.into_domain()))
}

/// Records an item; for `documents`, a multipart upload with `file` and `title`.
#[utoipa::path(post, path = "/api/v1/contacts/{id}/{kind}", tag = "activity",
    params(("id" = String, Path), ("kind" = ActivityKind, Path)),
    request_body(content((ActivityInput = "application/json"), (DocumentUpload = "multipart/form-data")),
        description = "JSON for every kind but `documents`, which takes a multipart upload."),
    responses((status = 201, body = Activity), (status = 404, body = oubli_domain::ErrorBody),
              (status = 409, body = oubli_domain::ErrorBody), (status = 413, body = oubli_domain::ErrorBody),
              (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Path((id, kind)): Path<(String, String)>,
    req: Request,
) -> Result<(StatusCode, Json<Activity>)> {
    let kind = kind_of(&kind)?;
    // Permission first: a body (up to the upload limit for a document) is read only
    // for someone who may write on this record. Checked again below, in the write
    // transaction, as the record may change meanwhile.
    {
        let mut tx = st.db.read().await?;
        access::open_contact_for_write(&mut tx, &auth, &id, "contact").await?;
        tx.commit().await?;
    }
    let (mut input, upload) = if kind == ActivityKind::Documents {
        let up = read_upload(req, &st).await?;
        (
            ActivityInput {
                title: up.title.clone(),
                ..Default::default()
            },
            Some(up),
        )
    } else {
        let ApiJson(input) = ApiJson::<ActivityInput>::from_request(req, &st).await?;
        (input, None)
    };
    input.normalize();
    if kind == ActivityKind::Documents && input.title.is_none() {
        input.title = upload.as_ref().map(|u| u.file_name.clone());
    }
    input.validate(kind).map_err(ApiError::Invalid)?;
    let mut tx = st.db.begin().await?;
    access::open_contact_for_write(&mut tx, &auth, &id, "contact").await?;
    let is_opposed = opposed(&mut tx, &id).await?;
    check_opposition(is_opposed, kind, &input)?;
    if let Some(a) = &input.assigned_to {
        access::check_assignee(&mut tx, &auth, a).await?;
    }
    if matches!(kind, ActivityKind::Events | ActivityKind::Messages) && input.occurred_at.is_none()
    {
        input.occurred_at = Some(chrono::Utc::now());
    }
    let item = new_id();
    let now = now_ms();
    let mut p = activity_pairs(&input);
    p.extend([
        ("id", item.clone().into()),
        ("cabinet_id", auth.actor.cabinet_id.clone().into()),
        ("contact_id", id.clone().into()),
        ("kind", kind.as_str().to_string().into()),
        ("author_id", auth.actor.user_id.clone().into()),
        ("created_at", now.into()),
        ("updated_at", now.into()),
    ]);
    let mut written: Option<std::path::PathBuf> = None;
    if let Some(up) = &upload {
        let key = format!("{}/{}", auth.actor.cabinet_id, uuid::Uuid::new_v4());
        let path = st.cfg.blob_dir().join(&key);
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        tokio::fs::write(&path, &up.bytes).await?;
        written = Some(path);
        p.extend([
            ("file_name", up.file_name.clone().into()),
            ("content_type", up.content_type.clone().into()),
            ("size_bytes", (up.bytes.len() as i64).into()),
            ("blob_key", key.into()),
        ]);
    }
    let result = async {
        tx.exec(&insert("activities", p)).await?;
        note_inbound(&mut tx, &id, &input).await?;
        changes::touch_contact(&mut tx, &auth.actor.cabinet_id, &id).await?;
        let row = load(&mut tx, &id, kind, &item).await?;
        tx.commit().await?;
        Ok::<_, ApiError>(row)
    }
    .await;
    match result {
        Ok(row) => Ok((StatusCode::CREATED, Json(row.into_domain()))),
        Err(e) => {
            // The row did not commit: the file must not outlive it.
            if let Some(p) = written {
                let _ = tokio::fs::remove_file(p).await;
            }
            Err(e)
        }
    }
}

/// Merge patch of an item (a task marked done, a corrected note).
#[utoipa::path(patch, path = "/api/v1/contacts/{id}/{kind}/{item}", tag = "activity",
    params(("id" = String, Path), ("kind" = ActivityKind, Path), ("item" = String, Path)), request_body = ActivityInput,
    responses((status = 200, body = Activity), (status = 404, body = oubli_domain::ErrorBody),
              (status = 409, body = oubli_domain::ErrorBody), (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn edit(
    State(st): State<AppState>,
    auth: Auth,
    Path((id, kind, item)): Path<(String, String, String)>,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> Result<Json<Activity>> {
    let kind = kind_of(&kind)?;
    let mut tx = st.db.begin().await?;
    access::open_contact_for_write(&mut tx, &auth, &id, "contact").await?;
    let current = load(&mut tx, &id, kind, &item).await?.into_domain();
    let mut input: ActivityInput = patched(&current.fields, &patch)?;
    input.normalize();
    input.validate(kind).map_err(ApiError::Invalid)?;
    if input.assigned_to != current.fields.assigned_to {
        if let Some(a) = &input.assigned_to {
            access::check_assignee(&mut tx, &auth, a).await?;
        }
    }
    let mut p = activity_pairs(&input);
    p.push(("updated_at", now_ms().into()));
    let mut q = update("activities", p);
    q.and_where(Expr::col(n("id")).eq(item.as_str()));
    tx.exec(&q).await?;
    note_inbound(&mut tx, &id, &input).await?;
    let fields = crate::routes::changed_fields(&current.fields, &input);
    crate::routes::audit_change(
        &mut tx,
        &auth,
        "activity.edit",
        ("activity", &item),
        &fields,
    )
    .await?;
    changes::touch_contact(&mut tx, &auth.actor.cabinet_id, &id).await?;
    let row = load(&mut tx, &id, kind, &item).await?;
    tx.commit().await?;
    Ok(Json(row.into_domain()))
}

/// Removes an item (and its stored file).
#[utoipa::path(delete, path = "/api/v1/contacts/{id}/{kind}/{item}", tag = "activity",
    params(("id" = String, Path), ("kind" = ActivityKind, Path), ("item" = String, Path)),
    responses((status = 204), (status = 404, body = oubli_domain::ErrorBody), (status = 409, body = oubli_domain::ErrorBody)))]
pub async fn remove(
    State(st): State<AppState>,
    auth: Auth,
    Path((id, kind, item)): Path<(String, String, String)>,
) -> Result<StatusCode> {
    let kind = kind_of(&kind)?;
    let mut tx = st.db.begin().await?;
    access::open_contact_for_write(&mut tx, &auth, &id, "contact").await?;
    let row = load(&mut tx, &id, kind, &item).await?;
    tx.exec(
        Query::delete()
            .from_table(n("activities"))
            .and_where(Expr::col(n("id")).eq(item.as_str())),
    )
    .await?;
    crate::routes::audit_change(&mut tx, &auth, "activity.remove", ("activity", &item), &[])
        .await?;
    changes::touch_contact(&mut tx, &auth.actor.cabinet_id, &id).await?;
    tx.commit().await?;
    if let Some(k) = row.blob_key {
        crate::store::remove_blobs(&st.cfg.blob_dir(), &[k]);
    }
    Ok(StatusCode::NO_CONTENT)
}
