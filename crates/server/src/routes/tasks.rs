//! `GET /tasks?scope=mine|team&done=false`: tasks across contacts, for the Tâches page,
//! soonest due first.

use crate::auth::Auth;
use crate::db::rows::*;
use crate::error::{ApiError, ApiQuery, Result};
use crate::listing::{self, ListOrder};
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use oubli_domain::{Activity, Page, Scope};
use sea_query::{Cond, Expr, Func, Query, SimpleExpr};

pub fn router() -> Router<AppState> {
    Router::new().route("/tasks", get(list))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// `mine` (assigned to me, the default) or `team` (my team's; the whole cabinet for
    /// admins and deputies).
    #[param(value_type = Option<TaskScope>)]
    pub scope: Option<String>,
    /// `false`: open tasks only; `true`: done only; absent: both.
    #[param(value_type = Option<bool>)]
    pub done: Option<String>,
    pub limit: Option<String>,
    pub after: Option<String>,
}

/// The values of `?scope=` (documentation; the handler reads the text).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum TaskScope {
    Mine,
    Team,
}

/// Tasks never due sort last.
const NO_DUE: &str = "9999-12-31";

fn due_expr() -> SimpleExpr {
    Func::coalesce([
        Expr::col((n("a"), n("due_date"))).into(),
        Expr::val(NO_DUE).into(),
    ])
    .into()
}

/// Open tasks of the user or their team, soonest due first.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "activity", params(TaskQuery),
    responses((status = 200, body = Page<Activity>), (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<TaskQuery>,
) -> Result<Json<Page<Activity>>> {
    let limit = crate::listing::page_limit(q.limit.as_deref())?;
    let mut cond = listing::scope_cond(&auth.actor)
        .add(Expr::col((n("a"), n("kind"))).eq("tasks"))
        .add(Expr::col((n("a"), n("cabinet_id"))).eq(auth.actor.cabinet_id.as_str()));
    match q.scope.as_deref().unwrap_or("mine") {
        "mine" => {
            cond = cond.add(Expr::col((n("a"), n("assigned_to"))).eq(auth.actor.user_id.as_str()))
        }
        "team" => {
            if let Scope::Team(t) = auth.actor.scope() {
                let mut team = Query::select();
                team.column(n("id"))
                    .from(n("users"))
                    .and_where(Expr::col(n("team_id")).eq(t));
                cond = cond.add(Expr::col((n("a"), n("assigned_to"))).in_subquery(team));
            }
        }
        _ => {
            return Err(ApiError::invalid(
                "scope",
                "Valeur attendue : mine ou team.",
            ))
        }
    }
    match q.done.as_deref() {
        None | Some("") => {}
        Some("false") => {
            cond = cond.add(
                Cond::any()
                    .add(Expr::col((n("a"), n("done"))).is_null())
                    .add(Expr::col((n("a"), n("done"))).eq(0)),
            )
        }
        Some("true") => cond = cond.add(Expr::col((n("a"), n("done"))).eq(1)),
        Some(_) => {
            return Err(ApiError::invalid(
                "done",
                "Valeur attendue : true ou false.",
            ))
        }
    }
    let order = ListOrder::by_text(listing::TASKS_TAG, due_expr(), "a");
    let cursor = order.cursor(q.after.as_deref())?;
    let join = |q: &mut sea_query::SelectStatement| {
        q.join_as(
            sea_query::JoinType::InnerJoin,
            n("contacts"),
            n("c"),
            Expr::col((n("c"), n("id"))).equals((n("a"), n("contact_id"))),
        );
    };
    let mut tx = st.db.read().await?;
    let mut count = Query::select();
    count
        .expr(Expr::col((n("a"), n("id"))).count())
        .from_as(n("activities"), n("a"));
    join(&mut count);
    count.cond_where(cond.clone());
    let total = tx.int(&count).await?;
    let mut sel = select("activities", "a", ACTIVITY_COLS);
    join(&mut sel);
    sel.cond_where(cond);
    let (items, next) =
        listing::page_rows::<ActivityRow>(&mut tx, &order, cursor.as_ref(), sel, limit).await?;
    tx.commit().await?;
    Ok(Json(Page { items, next, total }))
}
