//! `GET/POST /contracts`, `GET/PATCH /contracts/{id}`, with insured persons.

use crate::access::{self, contact_meta};
use crate::auth::Auth;
use crate::db::rows::*;
use crate::db::{date_str, new_id, now_ms, Tx};
use crate::error::{ApiError, ApiJson, ApiQuery, Result};
use crate::listing::{self, ListOrder};
use crate::routes::{patched, today};
use crate::{changes, store, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use oubli_domain::{Action, Contract, ContractInput, ContractStatus, FieldErrors, Page};
use sea_query::{Expr, Query};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contracts", get(list).post(create))
        .route("/contracts/{id}", get(read).patch(edit))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContractQuery {
    /// Only this contact's contracts.
    pub contact_id: Option<String>,
    /// Only this project's contracts.
    pub project_id: Option<String>,
    /// Comma-separated contract statuses.
    pub status: Option<String>,
    pub limit: Option<String>,
    pub after: Option<String>,
}

/// Contracts of the contacts the user may see, newest first.
#[utoipa::path(get, path = "/api/v1/contracts", tag = "contracts", params(ContractQuery),
    responses((status = 200, body = Page<Contract>), (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ContractQuery>,
) -> Result<Json<Page<Contract>>> {
    let mut errors = FieldErrors::new();
    let limit = oubli_domain::filter::page_limit(q.limit.as_deref()).unwrap_or_else(|m| {
        errors.insert("limit".into(), m);
        0
    });
    let statuses: Vec<String> = q
        .status
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if statuses.iter().any(|s| ContractStatus::parse(s).is_none()) {
        errors.insert("status".into(), "Statut de contrat inconnu.".into());
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let order = ListOrder::newest("k");
    let cursor = order.cursor(q.after.as_deref())?;
    let mut cond = listing::scope_cond(&auth.actor)
        .add(Expr::col((n("k"), n("cabinet_id"))).eq(auth.actor.cabinet_id.as_str()));
    if let Some(c) = &q.contact_id {
        cond = cond.add(Expr::col((n("k"), n("contact_id"))).eq(c.as_str()));
    }
    if let Some(p) = &q.project_id {
        cond = cond.add(Expr::col((n("k"), n("project_id"))).eq(p.as_str()));
    }
    if !statuses.is_empty() {
        cond = cond.add(Expr::col((n("k"), n("status"))).is_in(statuses));
    }
    let mut tx = st.db.read().await?;
    let mut count = Query::select();
    count
        .expr(Expr::col((n("k"), n("id"))).count())
        .from_as(n("contracts"), n("k"))
        .join_as(
            sea_query::JoinType::InnerJoin,
            n("contacts"),
            n("c"),
            Expr::col((n("c"), n("id"))).equals((n("k"), n("contact_id"))),
        )
        .cond_where(cond.clone());
    let total = tx.int(&count).await?;
    let mut sel = store::contract_select();
    sel.cond_where(cond);
    let (items, next) = listing::page(
        &mut tx,
        &order,
        cursor.as_ref(),
        sel,
        limit,
        store::load_contracts,
        |k| k.id.as_str(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(Page { items, next, total }))
}

async fn load_one(tx: &mut Tx, auth: &Auth, id: &str) -> Result<Contract> {
    let mut q = store::contract_select();
    q.and_where(Expr::col((n("k"), n("id"))).eq(id))
        .and_where(Expr::col((n("k"), n("cabinet_id"))).eq(auth.actor.cabinet_id.as_str()));
    store::load_contracts(tx, &q)
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

fn pairs(k: &ContractInput) -> Pairs {
    vec![
        ("insurer", k.insurer.clone().unwrap_or_default().into()),
        ("product", k.product.clone().into()),
        (
            "monthly_premium_cents",
            k.monthly_premium_cents.unwrap_or(0).into(),
        ),
        ("start_date", date_str(k.start_date).into()),
        ("end_date", date_str(k.end_date).into()),
        (
            "status",
            k.status
                .unwrap_or(ContractStatus::EnAttente)
                .as_str()
                .to_string()
                .into(),
        ),
        ("nir", k.nir.clone().into()),
        ("code_organisme", k.code_organisme.clone().into()),
    ]
}

/// Creates a contract on a project the user may edit.
#[utoipa::path(post, path = "/api/v1/contracts", tag = "contracts", request_body = ContractInput,
    responses((status = 201, body = Contract), (status = 409, body = oubli_domain::ErrorBody),
              (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(mut input): ApiJson<ContractInput>,
) -> Result<(StatusCode, Json<Contract>)> {
    input.normalize();
    let mut tx = st.db.begin().await?;
    let project_id = input.project_id.clone().unwrap_or_default();
    let project = match crate::routes::projects::load_one(&mut tx, &auth, &project_id).await {
        Ok(p) => Some(p),
        Err(ApiError::NotFound) => None,
        Err(e) => return Err(e),
    };
    input
        .validate(today(), project.as_ref().map(|p| p.kind))
        .map_err(ApiError::Invalid)?;
    let project = project.ok_or_else(|| ApiError::invalid("project_id", "Projet introuvable."))?;
    let meta = contact_meta(&mut tx, &auth, &project.contact_id).await?;
    if oubli_domain::perm::decide(&auth.actor, Action::View, Some(&meta.owner()))
        == oubli_domain::Decision::NotFound
    {
        return Err(ApiError::invalid("project_id", "Projet introuvable."));
    }
    access::require(&auth, Action::Edit, Some(("contact", &meta)))?;
    meta.writable()?;
    let id = new_id();
    let now = now_ms();
    let mut p = pairs(&input);
    p.extend([
        ("id", id.clone().into()),
        ("cabinet_id", auth.actor.cabinet_id.clone().into()),
        ("project_id", project.id.clone().into()),
        ("contact_id", project.contact_id.clone().into()),
        ("created_at", now.into()),
        ("updated_at", now.into()),
    ]);
    tx.exec(&insert("contracts", p)).await?;
    if let Some(i) = &input.insured {
        store::replace_persons(
            &mut tx,
            "insured_persons",
            "contract_id",
            &id,
            &auth.actor.cabinet_id,
            i,
        )
        .await?;
    }
    changes::touch_contact(&mut tx, &auth.actor.cabinet_id, &project.contact_id).await?;
    let k = load_one(&mut tx, &auth, &id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(k)))
}

/// The contract with its insured persons.
#[utoipa::path(get, path = "/api/v1/contracts/{id}", tag = "contracts", params(("id" = String, Path)),
    responses((status = 200, body = Contract), (status = 404, body = oubli_domain::ErrorBody)))]
pub async fn read(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Contract>> {
    let mut tx = st.db.read().await?;
    let k = load_one(&mut tx, &auth, &id).await?;
    let meta = contact_meta(&mut tx, &auth, &k.contact_id).await?;
    access::require(&auth, Action::View, Some(("contract", &meta)))?;
    tx.commit().await?;
    Ok(Json(k))
}

/// Merge patch; `insured`, when present, replaces the list.
#[utoipa::path(patch, path = "/api/v1/contracts/{id}", tag = "contracts", params(("id" = String, Path)),
    request_body = ContractInput,
    responses((status = 200, body = Contract), (status = 404, body = oubli_domain::ErrorBody),
              (status = 409, body = oubli_domain::ErrorBody), (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn edit(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> Result<Json<Contract>> {
    let mut tx = st.db.begin().await?;
    let current = load_one(&mut tx, &auth, &id).await?;
    let meta = contact_meta(&mut tx, &auth, &current.contact_id).await?;
    access::require(&auth, Action::Edit, Some(("contract", &meta)))?;
    meta.writable()?;
    let project = crate::routes::projects::load_one(&mut tx, &auth, &current.project_id).await?;
    let mut input: ContractInput = patched(&current.to_input(), &patch)?;
    input.normalize();
    input
        .validate(today(), Some(project.kind))
        .map_err(ApiError::Invalid)?;
    if input.project_id.as_deref() != Some(current.project_id.as_str()) {
        return Err(ApiError::invalid(
            "project_id",
            "Un contrat ne change pas de projet.",
        ));
    }
    let fields = crate::routes::changed_fields(&current.to_input(), &input);
    let mut p = pairs(&input);
    p.push(("updated_at", now_ms().into()));
    let mut q = update("contracts", p);
    q.and_where(Expr::col(n("id")).eq(id.as_str()));
    tx.exec(&q).await?;
    // Absent: keep the list; null: empty it (RFC 7396); an array: replace it.
    if patch.get("insured").is_some() {
        let insured = input.insured.clone().unwrap_or_default();
        store::replace_persons(
            &mut tx,
            "insured_persons",
            "contract_id",
            &id,
            &auth.actor.cabinet_id,
            &insured,
        )
        .await?;
    }
    crate::routes::audit_change(&mut tx, &auth, "contract.edit", ("contract", &id), &fields)
        .await?;
    changes::touch_contact(&mut tx, &auth.actor.cabinet_id, &current.contact_id).await?;
    let k = load_one(&mut tx, &auth, &id).await?;
    tx.commit().await?;
    Ok(Json(k))
}
