//! `GET/POST /contracts`, `GET/PATCH /contracts/{id}`, with insured persons.

use crate::access::{self, contact_meta};
use crate::auth::Auth;
use crate::db::rows::*;
use crate::db::{date_str, Tx};
use crate::error::{ApiError, ApiJson, ApiQuery, Result};
use crate::listing::{self, ListOrder};
use crate::routes::record::{self, Lists, Record};
use crate::routes::today;
use crate::{store, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use oubli_domain::{Action, Contract, ContractInput, ContractStatus, FieldErrors, Page, Project};
use sea_query::Expr;

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
    let mut count = listing::contracts_with_contact();
    count
        .expr(Expr::col((n("k"), n("id"))).count())
        .cond_where(cond.clone());
    let total = tx.int(&count).await?;
    let (items, next) =
        record::page::<Contract>(&mut tx, &order, cursor.as_ref(), cond, limit).await?;
    tx.commit().await?;
    Ok(Json(Page { items, next, total }))
}

impl Record for Contract {
    type Input = ContractInput;
    const TABLE: &'static str = "contracts";
    const ALIAS: &'static str = "k";
    const KIND: &'static str = "contract";

    fn select() -> sea_query::SelectStatement {
        store::contract_select()
    }
    async fn load(tx: &mut Tx, q: &sea_query::SelectStatement) -> Result<Vec<Contract>> {
        store::load_contracts(tx, q).await
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn contact_id(&self) -> &str {
        &self.contact_id
    }
    fn to_input(&self) -> ContractInput {
        Contract::to_input(self)
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

    async fn check_edit(
        tx: &mut Tx,
        auth: &Auth,
        current: &Contract,
        input: &mut ContractInput,
    ) -> Result<()> {
        let project: Project = record::load_one(tx, auth, &current.project_id).await?;
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
        Ok(())
    }

    async fn write_lists(
        tx: &mut Tx,
        auth: &Auth,
        id: &str,
        k: &ContractInput,
        lists: Lists<'_>,
    ) -> Result<()> {
        if let Some(i) = lists.pick("insured", &k.insured) {
            let cabinet = &auth.actor.cabinet_id;
            store::replace_persons(tx, "insured_persons", "contract_id", id, cabinet, i).await?;
        }
        Ok(())
    }
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
    let project = match record::load_one::<Project>(&mut tx, &auth, &project_id).await {
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
    access::may_write(&auth, "contact", &meta)?;
    let parents = vec![
        ("project_id", project.id.clone().into()),
        ("contact_id", project.contact_id.clone().into()),
    ];
    let k = record::insert_new(&mut tx, &auth, &input, &project.contact_id, parents).await?;
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
    record::read(&st, &auth, &id).await
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
    record::edit(&st, &auth, &id, &patch).await
}
