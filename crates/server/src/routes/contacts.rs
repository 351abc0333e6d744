//! `GET/POST /contacts`, `GET/PATCH/DELETE /contacts/{id}`.

use crate::access;
use crate::auth::Auth;
use crate::db::rows::*;
use crate::db::{new_id, now_ms};
use crate::error::{ApiError, ApiJson, ApiQuery, Result};
use crate::listing::{self, ListRequest};
use crate::routes::{patched, today};
use crate::{changes, erasure, store, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use oubli_domain::filter::{ListQuery, Resource};
use oubli_domain::{
    Action, Contact, ContactDetail, ContactInput, EraseAction, ErasureTarget, Page,
};
use sea_query::{Expr, Query};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts", get(list).post(create))
        .route("/contacts/{id}", get(read).patch(edit).delete(remove))
}

/// Contacts the user may see, filtered, in the order of `sort` (newest first by
/// default), by keyset pages.
#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts", params(ListQuery),
    responses((status = 200, body = Page<Contact>), (status = 400, body = oubli_domain::ErrorBody),
              (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Page<Contact>>> {
    let ListRequest {
        filter,
        limit,
        order,
        cursor,
    } = ListRequest::parse(&q, Resource::Contacts)?;
    let mut tx = st.db.read().await?;
    let cutoff = listing::retention_cutoff(&mut tx, &auth.actor.cabinet_id).await?;
    let cond = listing::contacts_cond(&filter, &auth.actor, cutoff);
    let mut count = Query::select();
    count
        .expr(Expr::col((n("c"), n("id"))).count())
        .from_as(n("contacts"), n("c"))
        .cond_where(cond.clone());
    let total = st
        .totals
        .total(&mut tx, &auth.actor, "contacts", &filter, &count)
        .await?;
    let mut sel = select("contacts", "c", CONTACT_COLS);
    sel.cond_where(cond);
    let (items, next) =
        listing::page_rows::<ContactRow>(&mut tx, &order, cursor.as_ref(), sel, limit).await?;
    tx.commit().await?;
    Ok(Json(Page { items, next, total }))
}

/// Creates a contact, assigned to its creator unless said otherwise.
#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts", request_body = ContactInput,
    responses((status = 201, body = Contact), (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(mut input): ApiJson<ContactInput>,
) -> Result<(StatusCode, Json<Contact>)> {
    input.normalize();
    input.validate(today()).map_err(ApiError::Invalid)?;
    if input.assigned_to.is_none() {
        input.assigned_to = Some(auth.actor.user_id.clone());
    }
    let mut tx = st.db.begin().await?;
    access::check_assignee(
        &mut tx,
        &auth,
        input.assigned_to.as_deref().unwrap_or_default(),
    )
    .await?;
    let id = new_id();
    let now = now_ms();
    let mut pairs = contact_pairs(&input);
    pairs.extend([
        ("id", id.clone().into()),
        ("cabinet_id", auth.actor.cabinet_id.clone().into()),
        ("created_at", now.into()),
        ("updated_at", now.into()),
    ]);
    tx.exec(&insert("contacts", pairs)).await?;
    changes::touch_contact(&mut tx, &auth.actor.cabinet_id, &id).await?;
    let c = store::load_contact(&mut tx, &auth.actor.cabinet_id, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// The whole record: household, projects, contracts, activity counts.
#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = String, Path)),
    responses((status = 200, body = ContactDetail), (status = 404, body = oubli_domain::ErrorBody)))]
pub async fn read(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<ContactDetail>> {
    let mut tx = st.db.read().await?;
    access::open_contact(&mut tx, &auth, &id, Action::View, "contact").await?;
    let c = store::load_contact(&mut tx, &auth.actor.cabinet_id, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let detail = store::contact_detail(&mut tx, c).await?;
    tx.commit().await?;
    Ok(Json(detail))
}

/// JSON merge patch of the contact's fields; validated as a whole.
#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = String, Path)),
    request_body = ContactInput,
    responses((status = 200, body = Contact), (status = 404, body = oubli_domain::ErrorBody),
              (status = 409, body = oubli_domain::ErrorBody), (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn edit(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> Result<Json<Contact>> {
    let mut tx = st.db.begin().await?;
    let meta = access::open_contact_for_write(&mut tx, &auth, &id, "contact").await?;
    let current = store::load_contact(&mut tx, &auth.actor.cabinet_id, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut input: ContactInput = patched(&current.fields, &patch)?;
    input.normalize();
    input.validate(today()).map_err(ApiError::Invalid)?;
    if input.assigned_to.is_none() {
        input.assigned_to = current.fields.assigned_to.clone();
    }
    let new_owner = input.assigned_to.clone().unwrap_or_default();
    if input.assigned_to != current.fields.assigned_to {
        access::check_assignee(&mut tx, &auth, &new_owner).await?;
        // The previous owner's offline cache must drop it.
        changes::tombstone(
            &mut tx,
            &auth.actor.cabinet_id,
            &id,
            meta.assigned_to.as_deref(),
            meta.team_id.as_deref(),
        )
        .await?;
    }
    let mut pairs = contact_pairs(&input);
    pairs.push(("updated_at", now_ms().into()));
    let mut q = update("contacts", pairs);
    q.and_where(Expr::col(n("id")).eq(id.as_str()))
        .and_where(Expr::col(n("cabinet_id")).eq(auth.actor.cabinet_id.as_str()));
    tx.exec(&q).await?;
    let fields = crate::routes::changed_fields(&current.fields, &input);
    crate::routes::audit_change(&mut tx, &auth, "contact.edit", ("contact", &id), &fields).await?;
    changes::touch_contact(&mut tx, &auth.actor.cabinet_id, &id).await?;
    let c = store::load_contact(&mut tx, &auth.actor.cabinet_id, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(Json(c))
}

/// Deletes the contact with its projects, contracts and everything hanging from them
/// (admin and deputy only). The DELETE itself is the API client's explicit request, so
/// the server runs both erasure steps at once, through the same engine as the
/// browser's dialog: one deletion path (cascade, stored files, tombstone, audit,
/// secure delete and checkpoint). It counts in the user's rate of erasure previews
/// (429 beyond, see `erasure::limits`).
#[utoipa::path(delete, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = oubli_domain::ErrorBody), (status = 404, body = oubli_domain::ErrorBody),
              (status = 429, body = oubli_domain::ErrorBody,
               description = "Trop d'effacements lancés en une minute par cet utilisateur : réessayer après `Retry-After` secondes.",
               headers(("Retry-After" = u64, description = "Secondes à attendre")))))]
pub async fn remove(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    // Existence, scope and role first, so the answers stay 404 and 403.
    let mut tx = st.db.read().await?;
    access::open_contact(&mut tx, &auth, &id, Action::Erase, "contact").await?;
    tx.commit().await?;
    let target = ErasureTarget {
        contacts: Some(vec![id.clone()]),
        ..Default::default()
    };
    let job = erasure::erase_now(&st, &auth, EraseAction::Delete, &target).await?;
    if job.status != "done" {
        return Err(ApiError::Conflict {
            code: "erasure_incomplete",
            message: "La suppression n'a pas pu aller à son terme ; rien n'a été supprimé à moitié. Réessayez.".into(),
        });
    }
    Ok(StatusCode::NO_CONTENT)
}
