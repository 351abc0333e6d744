//! `GET /stats/summary`: the dashboard figures, computed only from fields that
//! anonymization keeps (supplier, cost, creation date, status, type, assigned user,
//! premiums), so anonymizing never changes them and deleting does.

use crate::auth::Auth;
use crate::db::from_ms;
use crate::db::rows::n;
use crate::error::Result;
use crate::{listing, AppState};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use oubli_domain::{StatsSummary, UserStats};
use sea_query::{Expr, Query};
use std::collections::HashMap;

/// (status, supplier, assigned_to, created_at, lead_cost_cents) of one contact.
type LeadRow = (String, Option<String>, Option<String>, i64, Option<i64>);

pub fn router() -> Router<AppState> {
    Router::new().route("/stats/summary", get(summary))
}

/// Figures over the contacts the user may see.
#[utoipa::path(get, path = "/api/v1/stats/summary", tag = "stats", responses((status = 200, body = StatsSummary)))]
pub async fn summary(State(st): State<AppState>, auth: Auth) -> Result<Json<StatsSummary>> {
    let mut tx = st.db.read().await?;
    let scope = listing::scope_cond(&auth.actor);
    let mut q = Query::select();
    q.columns([
        (n("c"), n("status")),
        (n("c"), n("supplier")),
        (n("c"), n("assigned_to")),
        (n("c"), n("created_at")),
        (n("c"), n("lead_cost_cents")),
    ])
    .from_as(n("contacts"), n("c"))
    .cond_where(scope.clone());
    let rows: Vec<LeadRow> = tx.all(&q).await?;
    let mut uq = Query::select();
    uq.columns([n("id"), n("name")])
        .from(n("users"))
        .and_where(Expr::col(n("cabinet_id")).eq(auth.actor.cabinet_id.as_str()));
    let names: HashMap<String, String> =
        tx.all::<(String, String)>(&uq).await?.into_iter().collect();
    let mut s = StatsSummary::default();
    for (status, supplier, assigned, created, cost) in rows {
        s.leads_total += 1;
        *s.leads_by_supplier
            .entry(supplier.unwrap_or_else(|| "(aucun)".into()))
            .or_default() += 1;
        *s.leads_by_status.entry(status.clone()).or_default() += 1;
        s.lead_cost_total += cost.unwrap_or(0);
        *s.leads_by_month
            .entry(from_ms(created).format("%Y-%m").to_string())
            .or_default() += 1;
        if let Some(u) = assigned {
            let e = s.by_user.entry(u.clone()).or_insert_with(|| UserStats {
                name: names.get(&u).cloned().unwrap_or_default(),
                ..Default::default()
            });
            e.leads += 1;
            e.lead_cost_total += cost.unwrap_or(0);
            if status == "client" {
                e.clients += 1;
            }
        }
    }
    let mut pq = crate::listing::projects_with_contact();
    pq.columns([(n("p"), n("status")), (n("p"), n("type"))])
        .expr(Expr::col((n("p"), n("id"))).count())
        .cond_where(scope.clone())
        .group_by_col((n("p"), n("status")))
        .group_by_col((n("p"), n("type")));
    for (status, kind, count) in tx.all::<(String, String, i64)>(&pq).await? {
        *s.projects_by_status.entry(status).or_default() += count;
        *s.projects_by_type.entry(kind).or_default() += count;
    }
    let mut kq = crate::listing::contracts_with_contact();
    kq.expr(Expr::col((n("k"), n("id"))).count())
        // SUM(bigint) is NUMERIC on PostgreSQL, which the Any driver cannot read.
        .expr(sea_query::Func::cast_as(
            Expr::col((n("k"), n("monthly_premium_cents"))).sum(),
            n("BIGINT"),
        ))
        .cond_where(scope)
        .and_where(Expr::col((n("k"), n("status"))).eq("actif"));
    let (count, sum): (i64, Option<i64>) = tx.opt(&kq).await?.unwrap_or((0, None));
    s.contracts_active = count;
    s.monthly_premiums_active = sum.unwrap_or(0);
    tx.commit().await?;
    Ok(Json(s))
}
