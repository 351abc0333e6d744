//! Widgets: `GET/POST /widgets`, `GET/PATCH /widgets/{id}` (administrator only; 403
//! audited, another cabinet's ids 404). The answer carries the snippet to paste.

use super::own_origin;
use crate::auth::Auth;
use crate::db::rows::*;
use crate::db::{from_ms, new_id, now_ms, Tx};
use crate::error::{ApiError, ApiJson, Result};
use crate::routes::{changed_fields, patched};
use crate::{access, audit, AppState};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use oubli_domain::{
    widget_snippet, Action, ProjectType, Routing, RoutingMode, Widget, WidgetInput, WidgetKind,
};
use sea_query::{Expr, Order, Query};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/widgets", get(list).post(create))
        .route("/widgets/{id}", get(read).patch(edit))
}

/// A widget's row, also read by the public routes.
#[derive(sqlx::FromRow)]
pub struct WidgetRow {
    pub id: String,
    pub cabinet_id: String,
    pub public_key: String,
    pub kind: String,
    pub name: String,
    pub allowed_origins: String,
    pub project_type: String,
    pub supplier: Option<String>,
    pub routing_mode: String,
    pub routing_user_id: Option<String>,
    pub routing_team_id: Option<String>,
    pub active: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

pub const WIDGET_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "public_key",
    "kind",
    "name",
    "allowed_origins",
    "project_type",
    "supplier",
    "routing_mode",
    "routing_user_id",
    "routing_team_id",
    "active",
    "created_at",
    "updated_at",
];

impl WidgetRow {
    pub fn input(&self) -> WidgetInput {
        WidgetInput {
            kind: WidgetKind::parse(&self.kind).unwrap_or(WidgetKind::LeadForm),
            name: self.name.clone(),
            allowed_origins: self.origins(),
            project_type: ProjectType::parse(&self.project_type).unwrap_or(ProjectType::Autre),
            supplier: self.supplier.clone(),
            routing: Routing {
                mode: RoutingMode::parse(&self.routing_mode).unwrap_or(RoutingMode::RoundRobin),
                user_id: self.routing_user_id.clone(),
                team_id: self.routing_team_id.clone(),
            },
            active: self.active == 1,
        }
    }

    pub fn origins(&self) -> Vec<String> {
        serde_json::from_str(&self.allowed_origins).unwrap_or_default()
    }

    fn widget(&self, origin: &str) -> Widget {
        Widget {
            id: self.id.clone(),
            key: self.public_key.clone(),
            fields: self.input(),
            snippet: widget_snippet(origin, &self.public_key),
            created_at: from_ms(self.created_at),
            updated_at: from_ms(self.updated_at),
        }
    }
}

/// The widget `id` (or, with `by_key`, of public key `id`) of `cabinet` (None: any).
pub async fn load(
    tx: &mut Tx,
    cabinet: Option<&str>,
    id: &str,
    by_key: bool,
) -> Result<Option<WidgetRow>> {
    let mut q = select("widgets", "w", WIDGET_COLS);
    let col = if by_key { "public_key" } else { "id" };
    q.and_where(Expr::col((n("w"), n(col))).eq(id));
    if let Some(c) = cabinet {
        q.and_where(Expr::col((n("w"), n("cabinet_id"))).eq(c));
    }
    Ok(tx.opt(&q).await?)
}

/// The routing's user or team, in the cabinet (422 otherwise).
async fn check_routing(tx: &mut Tx, cabinet: &str, r: &Routing) -> Result<()> {
    let (table, field, id) = match (r.mode, &r.user_id, &r.team_id) {
        (RoutingMode::User, Some(u), _) => ("users", "routing.user_id", u),
        (RoutingMode::Team, _, Some(t)) => ("teams", "routing.team_id", t),
        _ => return Ok(()),
    };
    let mut q = Query::select();
    q.expr(Expr::col(n("id")).count())
        .from(n(table))
        .and_where(Expr::col(n("id")).eq(id.as_str()))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet));
    if tx.int(&q).await? == 0 {
        let m = if table == "users" {
            "Utilisateur inconnu dans ce cabinet."
        } else {
            "Équipe inconnue."
        };
        return Err(ApiError::invalid(field, m));
    }
    Ok(())
}

fn pairs_of(w: &WidgetInput) -> Pairs {
    vec![
        ("kind", w.kind.as_str().to_string().into()),
        ("name", w.name.clone().into()),
        (
            "allowed_origins",
            serde_json::to_string(&w.allowed_origins)
                .unwrap_or_else(|_| "[]".into())
                .into(),
        ),
        ("project_type", w.project_type.as_str().to_string().into()),
        ("supplier", w.supplier.clone().into()),
        ("routing_mode", w.routing.mode.as_str().to_string().into()),
        ("routing_user_id", w.routing.user_id.clone().into()),
        ("routing_team_id", w.routing.team_id.clone().into()),
        ("active", i64::from(w.active).into()),
    ]
}

/// The cabinet's widgets, newest first.
#[utoipa::path(get, path = "/api/v1/widgets", tag = "widgets",
    responses((status = 200, body = Vec<Widget>),
              (status = 403, body = oubli_domain::ErrorBody, description = "Réservé à l'administrateur.")))]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
) -> Result<Json<Vec<Widget>>> {
    access::require(&auth, Action::ManageLeadCapture, None)?;
    let origin = own_origin(&st, &headers);
    let mut tx = st.db.read().await?;
    let mut q = select("widgets", "w", WIDGET_COLS);
    q.and_where(Expr::col((n("w"), n("cabinet_id"))).eq(auth.actor.cabinet_id.as_str()))
        .order_by((n("w"), n("created_at")), Order::Desc)
        .order_by((n("w"), n("id")), Order::Desc);
    let rows: Vec<WidgetRow> = tx.all(&q).await?;
    tx.commit().await?;
    Ok(Json(rows.iter().map(|r| r.widget(&origin)).collect()))
}

/// One widget.
#[utoipa::path(get, path = "/api/v1/widgets/{id}", tag = "widgets", params(("id" = String, Path)),
    responses((status = 200, body = Widget),
              (status = 403, body = oubli_domain::ErrorBody, description = "Réservé à l'administrateur.")))]
pub async fn read(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Widget>> {
    access::require(&auth, Action::ManageLeadCapture, None)?;
    let mut tx = st.db.read().await?;
    let row = load(&mut tx, Some(&auth.actor.cabinet_id), &id, false)
        .await?
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(Json(row.widget(&own_origin(&st, &headers))))
}

/// A new widget, with a new random public key.
#[utoipa::path(post, path = "/api/v1/widgets", tag = "widgets", request_body = WidgetInput,
    responses((status = 201, body = Widget),
              (status = 403, body = oubli_domain::ErrorBody, description = "Réservé à l'administrateur.")))]
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiJson(mut input): ApiJson<WidgetInput>,
) -> Result<(StatusCode, Json<Widget>)> {
    access::require(&auth, Action::ManageLeadCapture, None)?;
    input.normalize();
    input.validate().map_err(ApiError::Invalid)?;
    let cabinet = auth.actor.cabinet_id.as_str();
    let id = new_id();
    let now = now_ms();
    // 128 random bits: unguessable, short enough for a snippet.
    let key = crate::auth::new_token()[..32].to_string();
    let mut tx = st.db.begin().await?;
    check_routing(&mut tx, cabinet, &input.routing).await?;
    let mut pairs = pairs_of(&input);
    pairs.extend([
        ("id", id.clone().into()),
        ("cabinet_id", cabinet.to_string().into()),
        ("public_key", key.into()),
        ("created_at", now.into()),
        ("updated_at", now.into()),
    ]);
    tx.exec(&insert("widgets", pairs)).await?;
    audit::append(
        &mut tx,
        cabinet,
        audit::Entry {
            actor_user_id: Some(&auth.actor.user_id),
            action: "widget.create",
            target_kind: Some("widget"),
            target_id: Some(&id),
            outcome: "ok",
            detail: serde_json::json!({ "kind": input.kind.as_str() }),
        },
    )
    .await?;
    let row = load(&mut tx, Some(cabinet), &id, false)
        .await?
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(row.widget(&own_origin(&st, &headers))),
    ))
}

/// JSON merge patch of the widget (its key never changes), validated as a whole.
#[utoipa::path(patch, path = "/api/v1/widgets/{id}", tag = "widgets", params(("id" = String, Path)),
    request_body = WidgetInput,
    responses((status = 200, body = Widget),
              (status = 403, body = oubli_domain::ErrorBody, description = "Réservé à l'administrateur.")))]
pub async fn edit(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> Result<Json<Widget>> {
    access::require(&auth, Action::ManageLeadCapture, None)?;
    let cabinet = auth.actor.cabinet_id.as_str();
    let mut tx = st.db.begin().await?;
    let current = load(&mut tx, Some(cabinet), &id, false)
        .await?
        .ok_or(ApiError::NotFound)?;
    let before = current.input();
    let mut input: WidgetInput = patched(&before, &patch)?;
    input.normalize();
    input.validate().map_err(ApiError::Invalid)?;
    check_routing(&mut tx, cabinet, &input.routing).await?;
    let fields = changed_fields(&before, &input);
    if !fields.is_empty() {
        let mut pairs = pairs_of(&input);
        pairs.push(("updated_at", now_ms().into()));
        let mut q = update("widgets", pairs);
        q.and_where(Expr::col(n("id")).eq(id.as_str()))
            .and_where(Expr::col(n("cabinet_id")).eq(cabinet));
        tx.exec(&q).await?;
        audit::append(
            &mut tx,
            cabinet,
            audit::Entry {
                actor_user_id: Some(&auth.actor.user_id),
                action: "widget.edit",
                target_kind: Some("widget"),
                target_id: Some(&id),
                outcome: "ok",
                detail: serde_json::json!({ "fields": fields }),
            },
        )
        .await?;
    }
    let row = load(&mut tx, Some(cabinet), &id, false)
        .await?
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(Json(row.widget(&own_origin(&st, &headers))))
}
