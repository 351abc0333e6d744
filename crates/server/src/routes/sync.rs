//! `GET /sync?since=<cursor>`: what changed for the current user since the cursor, for
//! the offline cache. Upserts are whole contact records; tombstones are ids to purge.

use crate::auth::Auth;
use crate::db::rows::*;
use crate::error::{ApiError, ApiQuery, Result};
use crate::{listing, store, AppState};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use oubli_domain::{Scope, SyncResponse};
use sea_query::{Expr, Order, Query};

pub fn router() -> Router<AppState> {
    Router::new().route("/sync", get(sync))
}

/// Contacts sent per call; the client calls again while `more` is true.
const BATCH: i64 = 200;

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncQuery {
    /// The `cursor` of the previous answer; absent for a first, full sync.
    pub since: Option<String>,
}

/// Changes since the cursor, oldest first.
#[utoipa::path(get, path = "/api/v1/sync", tag = "sync", params(SyncQuery),
    responses((status = 200, body = SyncResponse), (status = 400, body = oubli_domain::ErrorBody)))]
pub async fn sync(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<SyncQuery>,
) -> Result<Json<SyncResponse>> {
    let since: i64 =
        match q.since.as_deref().filter(|s| !s.is_empty()) {
            None => 0,
            Some(s) => s.parse().ok().filter(|v: &i64| *v >= 0).ok_or_else(|| {
                ApiError::BadRequest("Curseur de synchronisation invalide.".into())
            })?,
        };
    let mut tx = st.db.read().await?;
    let mut head = Query::select();
    head.column(n("change_seq"))
        .from(n("cabinets"))
        .and_where(Expr::col(n("id")).eq(auth.actor.cabinet_id.as_str()));
    let head = tx.int(&head).await?;
    let mut sel = select("contacts", "c", CONTACT_COLS);
    sel.cond_where(listing::scope_cond(&auth.actor))
        .and_where(Expr::col((n("c"), n("change_seq"))).gt(since))
        .order_by((n("c"), n("change_seq")), Order::Asc)
        .limit(BATCH as u64 + 1);
    let mut rows: Vec<ContactRow> = tx.all(&sel).await?;
    let more = rows.len() as i64 > BATCH;
    rows.truncate(BATCH as usize);
    let upto = if more {
        rows.last().map(|r| r.change_seq).unwrap_or(head)
    } else {
        head
    };
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut upserts = Vec::with_capacity(rows.len());
    for r in rows {
        let detail = store::contact_detail(&mut tx, r.into_domain()).await?;
        upserts.push(oubli_domain::SyncRecord {
            detail,
            notes: Vec::new(),
            tasks: Vec::new(),
            appointments: Vec::new(),
        });
    }
    let mut tq = Query::select();
    tq.column(n("contact_id"))
        .from(n("tombstones"))
        .and_where(Expr::col(n("cabinet_id")).eq(auth.actor.cabinet_id.as_str()))
        .and_where(Expr::col(n("seq")).gt(since))
        .and_where(Expr::col(n("seq")).lte(upto))
        .order_by(n("seq"), Order::Asc);
    match auth.actor.scope() {
        Scope::Cabinet => {}
        Scope::Team(t) => {
            tq.cond_where(
                sea_query::Cond::any()
                    .add(Expr::col(n("team_id")).eq(t))
                    .add(Expr::col(n("user_id")).eq(auth.actor.user_id.as_str())),
            );
        }
        Scope::Own(u) => {
            tq.and_where(Expr::col(n("user_id")).eq(u));
        }
    }
    let tomb: Vec<(String,)> = tx.all(&tq).await?;
    tx.commit().await?;
    let mut tombstones: Vec<String> = tomb
        .into_iter()
        .map(|t| t.0)
        .filter(|t| !ids.contains(t))
        .collect();
    tombstones.dedup();
    Ok(Json(SyncResponse {
        upserts,
        tombstones,
        cursor: upto.to_string(),
        more,
        reset: false,
    }))
}
