//! `GET/POST /projects`, `GET/PATCH /projects/{id}`, with beneficiaries and subscriptions.

use crate::access::{self, contact_meta};
use crate::auth::Auth;
use crate::db::rows::*;
use crate::db::{new_id, now_ms, Tx};
use crate::error::{ApiError, ApiJson, ApiQuery, Result};
use crate::listing::{self, ListOrder};
use crate::routes::{patched, today};
use crate::{changes, store, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use oubli_domain::filter::{ListQuery, ProjectListItem, Resource};
use oubli_domain::{Action, Page, Project, ProjectInput, ProjectStatus};
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
    let (filter, limit) = q.parse(Resource::Projects).map_err(ApiError::Invalid)?;
    let sort = q
        .sort(Resource::Projects)
        .map_err(|m| ApiError::invalid("sort", &m))?;
    let order = ListOrder::projects(sort);
    let cursor = order.cursor(q.after.as_deref())?;
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
    let mut sel = store::project_select();
    sel.cond_where(cond);
    let (items, next) = listing::page(
        &mut tx,
        &order,
        cursor.as_ref(),
        sel,
        limit,
        store::load_projects,
        |p| p.id.as_str(),
    )
    .await?;
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

pub(crate) async fn load_one(tx: &mut Tx, auth: &Auth, id: &str) -> Result<Project> {
    let mut q = store::project_select();
    q.and_where(Expr::col((n("p"), n("id"))).eq(id))
        .and_where(Expr::col((n("p"), n("cabinet_id"))).eq(auth.actor.cabinet_id.as_str()));
    store::load_projects(tx, &q)
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
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

async fn write_children(tx: &mut Tx, auth: &Auth, id: &str, p: &ProjectInput) -> Result<()> {
    if let Some(b) = &p.beneficiaries {
        store::replace_persons(
            tx,
            "beneficiaries",
            "project_id",
            id,
            &auth.actor.cabinet_id,
            b,
        )
        .await?;
    }
    if let Some(s) = &p.subscriptions {
        store::replace_subscriptions(tx, id, &auth.actor.cabinet_id, s).await?;
    }
    Ok(())
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
    let meta = contact_meta(&mut tx, &auth, &contact_id)
        .await
        .map_err(|_| ApiError::invalid("contact_id", "Contact introuvable."))?;
    access::require(&auth, Action::Edit, Some(("contact", &meta)))?;
    meta.writable()?;
    match &input.assigned_to {
        Some(a) => {
            access::check_assignee(&mut tx, &auth, a).await?;
        }
        None => input.assigned_to = meta.assigned_to.clone(),
    }
    let id = new_id();
    let now = now_ms();
    let mut p = pairs(&input);
    p.extend([
        ("id", id.clone().into()),
        ("cabinet_id", auth.actor.cabinet_id.clone().into()),
        ("contact_id", contact_id.clone().into()),
        ("created_at", now.into()),
        ("updated_at", now.into()),
    ]);
    tx.exec(&insert("projects", p)).await?;
    write_children(&mut tx, &auth, &id, &input).await?;
    changes::touch_contact(&mut tx, &auth.actor.cabinet_id, &contact_id).await?;
    let project = load_one(&mut tx, &auth, &id).await?;
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
    let mut tx = st.db.read().await?;
    let project = load_one(&mut tx, &auth, &id).await?;
    let meta = contact_meta(&mut tx, &auth, &project.contact_id).await?;
    access::require(&auth, Action::View, Some(("project", &meta)))?;
    tx.commit().await?;
    Ok(Json(project))
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
    let mut tx = st.db.begin().await?;
    let current = load_one(&mut tx, &auth, &id).await?;
    let meta = contact_meta(&mut tx, &auth, &current.contact_id).await?;
    access::require(&auth, Action::Edit, Some(("project", &meta)))?;
    meta.writable()?;
    let mut input: ProjectInput = patched(&current.to_input(), &patch)?;
    input.normalize();
    input.validate(today()).map_err(ApiError::Invalid)?;
    if input.contact_id.as_deref() != Some(current.contact_id.as_str()) {
        return Err(ApiError::invalid(
            "contact_id",
            "Un projet ne change pas de contact.",
        ));
    }
    let fields = crate::routes::changed_fields(&current.to_input(), &input);
    if input.assigned_to != current.assigned_to {
        if let Some(a) = &input.assigned_to {
            access::check_assignee(&mut tx, &auth, a).await?;
        }
    }
    // Only the lists the patch names are rewritten.
    // Absent: keep the list; null: empty it (RFC 7396); an array: replace it.
    match patch.get("beneficiaries") {
        None => input.beneficiaries = None,
        Some(serde_json::Value::Null) => input.beneficiaries = Some(Vec::new()),
        Some(_) => {}
    }
    match patch.get("subscriptions") {
        None => input.subscriptions = None,
        Some(serde_json::Value::Null) => input.subscriptions = Some(Vec::new()),
        Some(_) => {}
    }
    let mut p = pairs(&input);
    p.push(("updated_at", now_ms().into()));
    let mut q = update("projects", p);
    q.and_where(Expr::col(n("id")).eq(id.as_str()));
    tx.exec(&q).await?;
    write_children(&mut tx, &auth, &id, &input).await?;
    crate::routes::audit_change(&mut tx, &auth, "project.edit", ("project", &id), &fields).await?;
    changes::touch_contact(&mut tx, &auth.actor.cabinet_id, &current.contact_id).await?;
    let project = load_one(&mut tx, &auth, &id).await?;
    tx.commit().await?;
    Ok(Json(project))
}
