//! `GET/POST /projects`, `GET/PATCH /projects/{id}`, with beneficiaries and subscriptions.

use crate::access::{self, contact_meta};
use crate::auth::Auth;
use crate::db::rows::*;
use crate::db::Tx;
use crate::error::{ApiError, ApiJson, ApiQuery, Result};
use crate::listing::{self, ListRequest};
use crate::routes::record::{self, Lists, Record};
use crate::routes::today;
use crate::{store, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use oubli_domain::filter::{ListQuery, ProjectListItem, Resource};
use oubli_domain::{Page, Project, ProjectInput, ProjectStatus};
use sea_query::Expr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects", get(list).post(create))
        .route("/projects/{id}", get(read).patch(edit))
}

/// Projects of the contacts the user may see, filtered, in the order of `sort`
/// (newest first by default), each with its contact's name.
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", params(ListQuery),
    responses((status = 200, body = Page<ProjectListItem>), (status = 400, body = oubli_domain::ErrorBody),
              (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Page<ProjectListItem>>> {
    let ListRequest {
        filter,
        limit,
        order,
        cursor,
    } = ListRequest::parse(&q, Resource::Projects)?;
    let mut tx = st.db.read().await?;
    let cutoff = listing::retention_cutoff(&mut tx, &auth.actor.cabinet_id).await?;
    let cond = listing::projects_cond(&filter, &auth.actor, cutoff);
    let mut count = listing::projects_with_contact();
    count
        .expr(Expr::col((n("p"), n("id"))).count())
        .cond_where(cond.clone());
    let total = st
        .totals
        .total(&mut tx, &auth.actor, "projects", &filter, &count)
        .await?;
    let (items, next) =
        record::page::<Project>(&mut tx, &order, cursor.as_ref(), cond, limit).await?;
    let names = contact_names(&mut tx, &auth.actor.cabinet_id, &items).await?;
    tx.commit().await?;
    let items = items
        .into_iter()
        .map(|project| {
            let contact_name = match project.anonymized_at {
                Some(_) => None,
                None => names.get(&project.contact_id).cloned(),
            };
            ProjectListItem {
                project,
                contact_name,
            }
        })
        .collect();
    Ok(Json(Page { items, next, total }))
}

#[derive(sqlx::FromRow)]
struct NameRow {
    id: String,
    first_name: Option<String>,
    last_name: Option<String>,
    company_name: Option<String>,
}

/// The names of the contacts of a page of projects, by contact id, as the lists name
/// a contact (and sort on it): first and last name when there is a last name, else
/// the company name, else the first name.
async fn contact_names(
    tx: &mut Tx,
    cabinet_id: &str,
    projects: &[Project],
) -> Result<std::collections::HashMap<String, String>> {
    let ids: std::collections::BTreeSet<&str> =
        projects.iter().map(|p| p.contact_id.as_str()).collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let mut q = select(
        "contacts",
        "c",
        &["id", "first_name", "last_name", "company_name"],
    );
    q.and_where(Expr::col((n("c"), n("cabinet_id"))).eq(cabinet_id))
        .and_where(Expr::col((n("c"), n("id"))).is_in(ids));
    let rows: Vec<NameRow> = tx.all(&q).await?;
    let text = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let first = text(r.first_name);
            let name = match (text(r.last_name), text(r.company_name)) {
                (Some(last), _) => match first {
                    Some(f) => format!("{f} {last}"),
                    None => last,
                },
                (None, Some(company)) => company,
                (None, None) => first?,
            };
            Some((r.id, name))
        })
        .collect())
}

impl Record for Project {
    type Input = ProjectInput;
    const TABLE: &'static str = "projects";
    const ALIAS: &'static str = "p";
    const KIND: &'static str = "project";

    fn select() -> sea_query::SelectStatement {
        store::project_select()
    }
    async fn load(tx: &mut Tx, q: &sea_query::SelectStatement) -> Result<Vec<Project>> {
        store::load_projects(tx, q).await
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn contact_id(&self) -> &str {
        &self.contact_id
    }
    fn to_input(&self) -> ProjectInput {
        Project::to_input(self)
    }

    fn pairs(p: &ProjectInput) -> Pairs {
        vec![
            ("type", p.kind.map(|k| k.as_str().to_string()).into()),
            (
                "status",
                p.status
                    .unwrap_or(ProjectStatus::Nouveau)
                    .as_str()
                    .to_string()
                    .into(),
            ),
            ("supplier", p.supplier.clone().into()),
            ("assigned_to", p.assigned_to.clone().into()),
            ("comment", p.comment.clone().into()),
        ]
    }

    async fn check_edit(
        tx: &mut Tx,
        auth: &Auth,
        current: &Project,
        input: &mut ProjectInput,
    ) -> Result<()> {
        input.normalize();
        input.validate(today()).map_err(ApiError::Invalid)?;
        if input.contact_id.as_deref() != Some(current.contact_id.as_str()) {
            return Err(ApiError::invalid(
                "contact_id",
                "Un projet ne change pas de contact.",
            ));
        }
        if input.assigned_to != current.assigned_to {
            if let Some(a) = &input.assigned_to {
                access::check_assignee(tx, auth, a).await?;
            }
        }
        Ok(())
    }

    async fn write_lists(
        tx: &mut Tx,
        auth: &Auth,
        id: &str,
        p: &ProjectInput,
        lists: Lists<'_>,
    ) -> Result<()> {
        let cabinet = &auth.actor.cabinet_id;
        if let Some(b) = lists.pick("beneficiaries", &p.beneficiaries) {
            store::replace_persons(tx, "beneficiaries", "project_id", id, cabinet, b).await?;
        }
        if let Some(s) = lists.pick("subscriptions", &p.subscriptions) {
            store::replace_subscriptions(tx, id, cabinet, s).await?;
        }
        Ok(())
    }
}

/// Creates a project for a contact the user may edit.
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", request_body = ProjectInput,
    responses((status = 201, body = Project), (status = 404, body = oubli_domain::ErrorBody),
              (status = 409, body = oubli_domain::ErrorBody), (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(mut input): ApiJson<ProjectInput>,
) -> Result<(StatusCode, Json<Project>)> {
    input.normalize();
    input.validate(today()).map_err(ApiError::Invalid)?;
    let contact_id = input.contact_id.clone().unwrap_or_default();
    let mut tx = st.db.begin().await?;
    let meta = match contact_meta(&mut tx, &auth, &contact_id).await {
        Err(ApiError::NotFound) => Err(ApiError::invalid("contact_id", "Contact introuvable.")),
        other => other,
    }?;
    access::may_write(&auth, "contact", &meta)?;
    match &input.assigned_to {
        Some(a) => {
            access::check_assignee(&mut tx, &auth, a).await?;
        }
        None => input.assigned_to = meta.assigned_to.clone(),
    }
    let parents = vec![("contact_id", contact_id.clone().into())];
    let project = record::insert_new(&mut tx, &auth, &input, &contact_id, parents).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(project)))
}

/// The project with its beneficiaries and subscriptions.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects", params(("id" = String, Path)),
    responses((status = 200, body = Project), (status = 404, body = oubli_domain::ErrorBody)))]
pub async fn read(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Project>> {
    record::read(&st, &auth, &id).await
}

/// Merge patch; `beneficiaries` and `subscriptions`, when present, replace the lists.
#[utoipa::path(patch, path = "/api/v1/projects/{id}", tag = "projects", params(("id" = String, Path)),
    request_body = ProjectInput,
    responses((status = 200, body = Project), (status = 404, body = oubli_domain::ErrorBody),
              (status = 409, body = oubli_domain::ErrorBody), (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn edit(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> Result<Json<Project>> {
    record::edit(&st, &auth, &id, &patch).await
}
