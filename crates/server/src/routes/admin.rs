//! Users, teams and cabinet settings: `GET/POST /users`, `PATCH /users/{id}`,
//! `GET /teams`, `GET/PATCH /settings`. Listing users is open to every role
//! (assignment needs it); changing anything is for the administrator.

use crate::auth::{self, Auth};
use crate::db::rows::*;
use crate::db::{new_id, now_ms, Backend, Tx};
use crate::error::{Answer, ApiError, ApiJson, Constraint, ConstraintKind, OnConstraint, Result};
use crate::{access, audit, changes, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use oubli_domain::{Action, NewUser, Role, Settings, Team, UserPatch, UserSummary};
use sea_query::{Expr, Order, Query};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(users).post(create_user))
        .route("/users/{id}", axum::routing::patch(update_user))
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
    Ok(Json(rows.into_iter().map(UserListRow::summary).collect()))
}

/// Emails are unique across cabinets: the same answer whether the address belongs to
/// this cabinet's staff or another's, so the route tells nobody who works where.
pub const USERS_EMAIL: Constraint = Constraint {
    name: "users_email",
    kind: ConstraintKind::Unique {
        columns: "users.email",
    },
    answer: Answer::Invalid {
        field: "email",
        message: "Cette adresse ne peut pas être utilisée pour un nouveau compte.",
    },
};

/// The user's team, checked in the cabinet before the insert; the key answers the
/// same if the team went away meanwhile.
pub const USERS_TEAM: Constraint = Constraint {
    name: "users_team_id_fkey",
    kind: ConstraintKind::ForeignKey,
    answer: Answer::Invalid {
        field: "team_id",
        message: "Équipe inconnue.",
    },
};

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
    // argon2 before the write transaction: SQLite's one writer must not wait on it.
    let password = input.password.clone();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
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
    let id = new_id();
    let now = now_ms();
    // No look-up of the address first: the unique index decides, also between two
    // creations at once, and a taken address gets USERS_EMAIL's answer.
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
    .on_constraint(&USERS_EMAIL)
    .on_constraint(&USERS_TEAM)?;
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

impl UserListRow {
    fn summary(self) -> UserSummary {
        UserSummary {
            id: self.id,
            name: self.name,
            email: self.email,
            role: Role::parse(&self.role).unwrap_or(Role::Sales),
            team_id: self.team_id,
            active: self.active == 1,
        }
    }
}

/// Changes a user (administrator only): any of `name`, `role`, `team_id`, `active`,
/// `password`, absent ones unchanged. Deactivating or setting a password ends every
/// session of the user in the same transaction, so an old cookie never works again,
/// not even after a reactivation. Nobody deactivates themselves, and the cabinet keeps
/// an active administrator (422).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "admin",
    params(("id" = String, Path, description = "L'utilisateur")),
    request_body = UserPatch,
    responses((status = 200, body = UserSummary),
              (status = 403, body = oubli_domain::ErrorBody, description = "Réservé à l'administrateur, ou en-tête X-Oubli-Request absent (CSRF)."),
              (status = 404, body = oubli_domain::ErrorBody, description = "Utilisateur inconnu (ou d'un autre cabinet)."),
              (status = 422, body = oubli_domain::ErrorBody, description = "Valeur invalide, équipe inconnue, désactivation de son propre compte ou du dernier administrateur actif.")))]
pub async fn update_user(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<UserPatch>,
) -> Result<Json<UserSummary>> {
    access::require(&auth, Action::ManageCabinet, None)?;
    patch.validate().map_err(ApiError::Invalid)?;
    let cabinet = auth.actor.cabinet_id.as_str();
    // argon2 before the write transaction: SQLite's one writer must not wait on it.
    let hash = match patch.password.clone() {
        Some(p) => Some(
            tokio::task::spawn_blocking(move || auth::hash_password(&p))
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?,
        ),
        None => None,
    };
    let mut tx = st.db.begin().await?;
    // On PostgreSQL the user's row, then the cabinet's: changes to one cabinet's users
    // go one at a time, so two administrators demoting each other cannot both count
    // the other as the one who stays. (A login locks the user's row too, before the
    // cabinet's for its audit entry: the same order, no deadlock.)
    let current = load_user(&mut tx, cabinet, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if tx.backend == Backend::Postgres {
        let mut q = Query::select();
        q.column(n("id"))
            .from(n("cabinets"))
            .and_where(Expr::col(n("id")).eq(cabinet))
            .lock(sea_query::LockType::NoKeyUpdate);
        tx.all::<(String,)>(&q).await?;
    }
    let mut q = Query::select();
    q.expr(Expr::col(n("id")).count())
        .from(n("users"))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet))
        .and_where(Expr::col(n("role")).eq(Role::Admin.as_str()))
        .and_where(Expr::col(n("active")).eq(1))
        .and_where(Expr::col(n("id")).ne(id.as_str()));
    let other_admins = tx.int(&q).await?;
    patch
        .keeps_cabinet_administrable(&auth.actor.user_id, &current, other_admins)
        .map_err(ApiError::Invalid)?;
    if let Some(Some(t)) = &patch.team_id {
        let mut q = Query::select();
        q.expr(Expr::col(n("id")).count())
            .from(n("teams"))
            .and_where(Expr::col(n("id")).eq(t.as_str()))
            .and_where(Expr::col(n("cabinet_id")).eq(cabinet));
        if tx.int(&q).await? == 0 {
            return Err(ApiError::invalid("team_id", "Équipe inconnue."));
        }
    }
    // What changes, by field name (the audit entry holds the names, never the values).
    let mut next = current.clone();
    let mut pairs: Vec<(&'static str, sea_query::Value)> = Vec::new();
    if let Some(name) = &patch.name {
        let name = oubli_domain::text::clean_line(name);
        if name != current.name {
            pairs.push(("name", name.clone().into()));
            next.name = name;
        }
    }
    if let Some(role) = patch.role.filter(|r| *r != current.role) {
        pairs.push(("role", role.as_str().to_string().into()));
        next.role = role;
    }
    if let Some(team) = patch.team_id.clone().filter(|t| *t != current.team_id) {
        pairs.push(("team_id", team.clone().into()));
        next.team_id = team;
    }
    if let Some(active) = patch.active.filter(|a| *a != current.active) {
        pairs.push(("active", i64::from(active).into()));
        next.active = active;
    }
    if let Some(h) = hash {
        pairs.push(("password_hash", h.into()));
    }
    if pairs.is_empty() {
        tx.commit().await?;
        return Ok(Json(current));
    }
    let fields: Vec<&str> = pairs
        .iter()
        .map(|(c, _)| if *c == "password_hash" { "password" } else { c })
        .collect();
    // A new password or a deactivation also drops the offline cache's key (a new one
    // is made on the next GET /sync/key).
    if patch.active == Some(false) || patch.password.is_some() {
        pairs.push(("sync_key", Option::<String>::None.into()));
    }
    pairs.push(("updated_at", now_ms().into()));
    let mut q = update("users", pairs);
    q.and_where(Expr::col(n("id")).eq(id.as_str()))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet));
    tx.exec(&q).await?;
    // What the user may see changed: their offline cache starts again (and, when they
    // changed teams, the caches of both teams' members, who see their contacts).
    if next.role != current.role || next.team_id != current.team_id || next.active != current.active
    {
        let teams: Vec<&str> = if next.team_id != current.team_id {
            [current.team_id.as_deref(), next.team_id.as_deref()]
                .into_iter()
                .flatten()
                .collect()
        } else {
            Vec::new()
        };
        changes::scope_changed(&mut tx, cabinet, &id, &teams).await?;
    }
    // A deactivated account, or one whose password an administrator replaced (lost,
    // or known to someone else), keeps no session: deleted, not just refused, so that
    // a reactivation does not bring the old cookies back.
    let ends_sessions = patch.active == Some(false) || patch.password.is_some();
    let sessions_ended = if ends_sessions {
        tx.exec(
            Query::delete()
                .from_table(n("sessions"))
                .and_where(Expr::col(n("user_id")).eq(id.as_str())),
        )
        .await?
    } else {
        0
    };
    audit::append(
        &mut tx,
        cabinet,
        audit::Entry {
            actor_user_id: Some(&auth.actor.user_id),
            action: "user.update",
            target_kind: Some("user"),
            target_id: Some(&id),
            outcome: "ok",
            detail: serde_json::json!({ "fields": fields, "sessions_ended": sessions_ended }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(next))
}

/// A user of `cabinet`, its row locked for update on PostgreSQL.
async fn load_user(tx: &mut Tx, cabinet: &str, id: &str) -> Result<Option<UserSummary>> {
    let mut q = select(
        "users",
        "u",
        &["id", "name", "email", "role", "team_id", "active"],
    );
    q.and_where(Expr::col((n("u"), n("id"))).eq(id))
        .and_where(Expr::col((n("u"), n("cabinet_id"))).eq(cabinet));
    if tx.backend == Backend::Postgres {
        q.lock(sea_query::LockType::NoKeyUpdate);
    }
    let row: Option<UserListRow> = tx.opt(&q).await?;
    Ok(row.map(UserListRow::summary))
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
    settings(State(st), auth).await
}
