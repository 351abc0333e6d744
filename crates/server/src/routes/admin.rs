//! Users, teams and cabinet settings: `GET/POST /users`, `GET /teams`,
//! `GET/PATCH /settings`. Listing users is open to every role (assignment needs it);
//! changing anything is for the administrator.

use crate::auth::{self, Auth};
use crate::db::rows::*;
use crate::db::{new_id, now_ms};
use crate::error::{ApiError, ApiJson, Result};
use crate::{access, audit, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use oubli_domain::{Action, NewUser, Role, Settings, Team, UserSummary};
use sea_query::{Expr, Order, Query};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(users).post(create_user))
        .route("/teams", get(teams))
        .route("/settings", get(settings).patch(update_settings))
}

#[derive(sqlx::FromRow)]
struct UserListRow {
    id: String,
    name: String,
    email: String,
    role: String,
    team_id: Option<String>,
    active: i64,
}

/// Users of the cabinet.
#[utoipa::path(get, path = "/api/v1/users", tag = "admin", responses((status = 200, body = Vec<UserSummary>)))]
pub async fn users(State(st): State<AppState>, auth: Auth) -> Result<Json<Vec<UserSummary>>> {
    let mut tx = st.db.read().await?;
    let mut q = select(
        "users",
        "u",
        &["id", "name", "email", "role", "team_id", "active"],
    );
    q.and_where(Expr::col((n("u"), n("cabinet_id"))).eq(auth.actor.cabinet_id.as_str()))
        .order_by((n("u"), n("name")), Order::Asc);
    let rows: Vec<UserListRow> = tx.all(&q).await?;
    tx.commit().await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| UserSummary {
                id: r.id,
                name: r.name,
                email: r.email,
                role: Role::parse(&r.role).unwrap_or(Role::Sales),
                team_id: r.team_id,
                active: r.active == 1,
            })
            .collect(),
    ))
}

/// Creates a user (administrator only).
#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = NewUser,
    responses((status = 201, body = UserSummary), (status = 403, body = oubli_domain::ErrorBody),
              (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn create_user(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<UserSummary>)> {
    access::require(&auth, Action::ManageCabinet, None)?;
    input.validate().map_err(ApiError::Invalid)?;
    let email = input.email.trim().to_lowercase();
    let mut tx = st.db.begin().await?;
    if let Some(t) = &input.team_id {
        let mut q = Query::select();
        q.expr(Expr::col(n("id")).count())
            .from(n("teams"))
            .and_where(Expr::col(n("id")).eq(t.as_str()))
            .and_where(Expr::col(n("cabinet_id")).eq(auth.actor.cabinet_id.as_str()));
        if tx.int(&q).await? == 0 {
            return Err(ApiError::invalid("team_id", "Équipe inconnue."));
        }
    }
    // Emails are unique across cabinets: the same answer whether the address belongs
    // to this cabinet's staff or another's, so the route tells nobody who works where.
    let taken = || {
        ApiError::invalid(
            "email",
            "Cette adresse ne peut pas être utilisée pour un nouveau compte.",
        )
    };
    if auth::find_user_by_email(&mut tx, &email).await?.is_some() {
        return Err(taken());
    }
    let password = input.password.clone();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let id = new_id();
    let now = now_ms();
    tx.exec(&insert(
        "users",
        vec![
            ("id", id.clone().into()),
            ("cabinet_id", auth.actor.cabinet_id.clone().into()),
            ("team_id", input.team_id.clone().into()),
            ("email", email.clone().into()),
            ("name", oubli_domain::text::clean_line(&input.name).into()),
            ("role", input.role.as_str().to_string().into()),
            ("password_hash", hash.into()),
            ("active", 1i64.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await
    .map_err(|e| {
        // Two creations of one address at once: the unique index decides, and the
        // loser gets the same 422 as above, not a 500.
        if e.as_database_error()
            .is_some_and(|d| d.is_unique_violation())
        {
            taken()
        } else {
            ApiError::Storage(e)
        }
    })?;
    audit::append(
        &mut tx,
        &auth.actor.cabinet_id,
        audit::Entry {
            actor_user_id: Some(&auth.actor.user_id),
            action: "user.create",
            target_kind: Some("user"),
            target_id: Some(&id),
            outcome: "ok",
            detail: serde_json::json!({ "role": input.role.as_str() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(UserSummary {
            id,
            name: oubli_domain::text::clean_line(&input.name),
            email,
            role: input.role,
            team_id: input.team_id,
            active: true,
        }),
    ))
}

/// Teams of the cabinet.
#[utoipa::path(get, path = "/api/v1/teams", tag = "admin", responses((status = 200, body = Vec<Team>)))]
pub async fn teams(State(st): State<AppState>, auth: Auth) -> Result<Json<Vec<Team>>> {
    let mut tx = st.db.read().await?;
    let mut q = Query::select();
    q.columns([n("id"), n("name")])
        .from(n("teams"))
        .and_where(Expr::col(n("cabinet_id")).eq(auth.actor.cabinet_id.as_str()))
        .order_by(n("name"), Order::Asc);
    let rows: Vec<(String, String)> = tx.all(&q).await?;
    tx.commit().await?;
    Ok(Json(
        rows.into_iter()
            .map(|(id, name)| Team { id, name })
            .collect(),
    ))
}

/// The cabinet's settings.
#[utoipa::path(get, path = "/api/v1/settings", tag = "admin", responses((status = 200, body = Settings)))]
pub async fn settings(State(st): State<AppState>, auth: Auth) -> Result<Json<Settings>> {
    let mut tx = st.db.read().await?;
    let mut q = Query::select();
    q.column(n("retention_months"))
        .from(n("cabinets"))
        .and_where(Expr::col(n("id")).eq(auth.actor.cabinet_id.as_str()));
    let months = tx.int(&q).await?;
    tx.commit().await?;
    Ok(Json(Settings {
        retention_months: Some(months),
    }))
}

/// Changes the retention period (administrator only).
#[utoipa::path(patch, path = "/api/v1/settings", tag = "admin", request_body = Settings,
    responses((status = 200, body = Settings), (status = 403, body = oubli_domain::ErrorBody),
              (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn update_settings(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<Settings>,
) -> Result<Json<Settings>> {
    access::require(&auth, Action::ManageCabinet, None)?;
    let mut tx = st.db.begin().await?;
    if let Some(m) = input.retention_months {
        if !(1..=120).contains(&m) {
            return Err(ApiError::invalid(
                "retention_months",
                "La durée de conservation doit être comprise entre 1 et 120 mois.",
            ));
        }
        let mut q = Query::update();
        q.table(n("cabinets"))
            .value(n("retention_months"), m)
            .value(n("updated_at"), now_ms())
            .and_where(Expr::col(n("id")).eq(auth.actor.cabinet_id.as_str()));
        tx.exec(&q).await?;
        audit::append(
            &mut tx,
            &auth.actor.cabinet_id,
            audit::Entry {
                actor_user_id: Some(&auth.actor.user_id),
                action: "settings.retention",
                target_kind: Some("cabinet"),
                target_id: Some(&auth.actor.cabinet_id),
                outcome: "ok",
                detail: serde_json::json!({ "retention_months": m }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    let mut tx = st.db.read().await?;
    let mut q = Query::select();
    q.column(n("retention_months"))
        .from(n("cabinets"))
        .and_where(Expr::col(n("id")).eq(auth.actor.cabinet_id.as_str()));
    let months = tx.int(&q).await?;
    tx.commit().await?;
    Ok(Json(Settings {
        retention_months: Some(months),
    }))
}
