//! `GET/POST /contacts/{id}/household`, `PATCH/DELETE /contacts/{id}/household/{member}`.

use crate::access;
use crate::auth::Auth;
use crate::db::rows::*;
use crate::db::{date_str, new_id, now_ms};
use crate::error::{ApiError, ApiJson, Result};
use crate::routes::{patched, today};
use crate::{changes, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use oubli_domain::{Action, HouseholdMember, HouseholdMemberInput};
use sea_query::{Expr, Order, Query};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts/{id}/household", get(list).post(create))
        .route(
            "/contacts/{id}/household/{member}",
            patch(edit).delete(remove),
        )
}

fn pairs(m: &HouseholdMemberInput) -> Pairs {
    vec![
        ("first_name", m.first_name.clone().into()),
        ("last_name", m.last_name.clone().into()),
        (
            "relation",
            m.relation.map(|r| r.as_str().to_string()).into(),
        ),
        ("birth_date", date_str(m.birth_date).into()),
    ]
}

async fn load(
    tx: &mut crate::db::Tx,
    contact_id: &str,
    member: Option<&str>,
) -> Result<Vec<HouseholdMember>> {
    let mut q = select("household_members", "h", HOUSEHOLD_COLS);
    q.and_where(Expr::col((n("h"), n("contact_id"))).eq(contact_id));
    if let Some(m) = member {
        q.and_where(Expr::col((n("h"), n("id"))).eq(m));
    }
    q.order_by((n("h"), n("created_at")), Order::Asc)
        .order_by((n("h"), n("id")), Order::Asc);
    let rows: Vec<HouseholdRow> = tx.all(&q).await?;
    Ok(rows.into_iter().map(HouseholdRow::into_domain).collect())
}

/// Members of the contact's household.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/household", tag = "household", params(("id" = String, Path)),
    responses((status = 200, body = Vec<HouseholdMember>), (status = 404, body = oubli_domain::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<HouseholdMember>>> {
    let mut tx = st.db.read().await?;
    access::open_contact(&mut tx, &auth, &id, Action::View, "contact").await?;
    let v = load(&mut tx, &id, None).await?;
    tx.commit().await?;
    Ok(Json(v))
}

/// Adds a household member.
#[utoipa::path(post, path = "/api/v1/contacts/{id}/household", tag = "household", params(("id" = String, Path)),
    request_body = HouseholdMemberInput,
    responses((status = 201, body = HouseholdMember), (status = 409, body = oubli_domain::ErrorBody),
              (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(mut input): ApiJson<HouseholdMemberInput>,
) -> Result<(StatusCode, Json<HouseholdMember>)> {
    input.normalize();
    input.validate(today()).map_err(ApiError::Invalid)?;
    let mut tx = st.db.begin().await?;
    access::open_contact_for_write(&mut tx, &auth, &id, "contact").await?;
    let mid = new_id();
    let now = now_ms();
    let mut p = pairs(&input);
    p.extend([
        ("id", mid.clone().into()),
        ("cabinet_id", auth.actor.cabinet_id.clone().into()),
        ("contact_id", id.clone().into()),
        ("created_at", now.into()),
        ("updated_at", now.into()),
    ]);
    tx.exec(&insert("household_members", p)).await?;
    changes::touch_contact(&mut tx, &auth.actor.cabinet_id, &id).await?;
    let m = load(&mut tx, &id, Some(&mid))
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(m)))
}

/// Merge patch of a member.
#[utoipa::path(patch, path = "/api/v1/contacts/{id}/household/{member}", tag = "household",
    params(("id" = String, Path), ("member" = String, Path)), request_body = HouseholdMemberInput,
    responses((status = 200, body = HouseholdMember), (status = 404, body = oubli_domain::ErrorBody),
              (status = 409, body = oubli_domain::ErrorBody), (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn edit(
    State(st): State<AppState>,
    auth: Auth,
    Path((id, member)): Path<(String, String)>,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> Result<Json<HouseholdMember>> {
    let mut tx = st.db.begin().await?;
    access::open_contact_for_write(&mut tx, &auth, &id, "contact").await?;
    let current = load(&mut tx, &id, Some(&member))
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    let mut input: HouseholdMemberInput = patched(&current.fields, &patch)?;
    input.normalize();
    input.validate(today()).map_err(ApiError::Invalid)?;
    let mut p = pairs(&input);
    p.push(("updated_at", now_ms().into()));
    let mut q = update("household_members", p);
    q.and_where(Expr::col(n("id")).eq(member.as_str()))
        .and_where(Expr::col(n("contact_id")).eq(id.as_str()));
    tx.exec(&q).await?;
    let fields = crate::routes::changed_fields(&current.fields, &input);
    crate::routes::audit_change(
        &mut tx,
        &auth,
        "household.edit",
        ("household_member", &member),
        &fields,
    )
    .await?;
    changes::touch_contact(&mut tx, &auth.actor.cabinet_id, &id).await?;
    let m = load(&mut tx, &id, Some(&member))
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(Json(m))
}

/// Removes a member (a correction, not an erasure: the contact stays).
#[utoipa::path(delete, path = "/api/v1/contacts/{id}/household/{member}", tag = "household",
    params(("id" = String, Path), ("member" = String, Path)),
    responses((status = 204), (status = 404, body = oubli_domain::ErrorBody), (status = 409, body = oubli_domain::ErrorBody)))]
pub async fn remove(
    State(st): State<AppState>,
    auth: Auth,
    Path((id, member)): Path<(String, String)>,
) -> Result<StatusCode> {
    let mut tx = st.db.begin().await?;
    access::open_contact_for_write(&mut tx, &auth, &id, "contact").await?;
    let n_rows = tx
        .exec(
            Query::delete()
                .from_table(n("household_members"))
                .and_where(Expr::col(n("id")).eq(member.as_str()))
                .and_where(Expr::col(n("contact_id")).eq(id.as_str())),
        )
        .await?;
    if n_rows == 0 {
        return Err(ApiError::NotFound);
    }
    crate::routes::audit_change(
        &mut tx,
        &auth,
        "household.remove",
        ("household_member", &member),
        &[],
    )
    .await?;
    changes::touch_contact(&mut tx, &auth.actor.cabinet_id, &id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
