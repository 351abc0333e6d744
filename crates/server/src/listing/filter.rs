//! What matches a list: a domain [`Filter`] and the actor's [`Scope`] turned into
//! sea-query conditions over contacts (`c`) and projects joined to their contact
//! (`p`), and the retention cut-off the filters compare with.

use crate::db::rows::n;
use crate::db::{date_to_ms, now_ms, Tx};
use crate::error::Result;
use oubli_domain::filter::{Filter, Preset};
use oubli_domain::{Actor, Scope};
use sea_query::{Cond, Expr, Func, LikeExpr, Query, SelectStatement, SimpleExpr};

/// Only the contacts the actor may see (alias `c` for contacts).
pub fn scope_cond(actor: &Actor) -> Cond {
    let mut c = Cond::all().add(Expr::col((n("c"), n("cabinet_id"))).eq(actor.cabinet_id.as_str()));
    match actor.scope() {
        Scope::Cabinet => {}
        Scope::Own(u) => c = c.add(Expr::col((n("c"), n("assigned_to"))).eq(u)),
        Scope::Team(t) => {
            let mut team = Query::select();
            team.column(n("id"))
                .from(n("users"))
                .and_where(Expr::col(n("cabinet_id")).eq(actor.cabinet_id.as_str()))
                .and_where(Expr::col(n("team_id")).eq(t));
            c = c.add(Expr::col((n("c"), n("assigned_to"))).in_subquery(team));
        }
    }
    c
}

/// The cabinet's retention period, as a cut-off instant.
pub async fn retention_cutoff(tx: &mut Tx, cabinet_id: &str) -> Result<i64> {
    let mut q = Query::select();
    q.column(n("retention_months"))
        .from(n("cabinets"))
        .and_where(Expr::col(n("id")).eq(cabinet_id));
    let months = tx.int(&q).await?.clamp(1, 1200) as u32;
    let cutoff = chrono::Utc::now()
        .checked_sub_months(chrono::Months::new(months))
        .map(|t| t.timestamp_millis())
        .unwrap_or_else(now_ms);
    Ok(cutoff)
}

/// `%q%` with LIKE's wildcards escaped, so `%` and `_` in a search are literal.
fn like_pattern(q: &str) -> String {
    let mut s = String::from("%");
    for ch in q.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(ch);
    }
    s.push('%');
    s
}

fn has_active_contract() -> SimpleExpr {
    let mut q = Query::select();
    q.expr(Expr::val(1))
        .from_as(n("contracts"), n("k"))
        .and_where(Expr::col((n("k"), n("contact_id"))).equals((n("c"), n("id"))))
        .and_where(Expr::col((n("k"), n("status"))).eq("actif"));
    Expr::exists(q)
}

/// Conditions on the contact (alias `c`) shared by both lists.
fn contact_side(f: &Filter, cutoff: i64) -> Cond {
    let mut c = Cond::all();
    if let Some(v) = &f.last_interaction_before {
        c = c.add(
            Cond::any()
                .add(Expr::col((n("c"), n("last_inbound_at"))).is_null())
                .add(Expr::col((n("c"), n("last_inbound_at"))).lt(date_to_ms(*v))),
        );
    }
    if let Some(a) = f.anonymized {
        let e = Expr::col((n("c"), n("anonymized_at")));
        c = c.add(if a { e.is_not_null() } else { e.is_null() });
    }
    if let Some(o) = f.opposition {
        let e = Expr::col((n("c"), n("opposition_at")));
        c = c.add(if o { e.is_not_null() } else { e.is_null() });
    }
    if let Some(q) = &f.q {
        // SQLite's lower() and upper() fold ASCII only: matching lower(col) against the
        // lower-cased query and upper(col) against the upper-cased one finds "LEFÈVRE"
        // for "lefèvre" and "Lefèvre" for "LEFÈVRE" on both databases.
        let lower = like_pattern(&q.to_lowercase());
        let upper = like_pattern(&q.to_uppercase());
        let mut any = Cond::any();
        for col in ["last_name", "first_name", "company_name", "email", "city"] {
            any = any
                .add(
                    Expr::expr(Func::lower(Expr::col((n("c"), n(col)))))
                        .like(LikeExpr::new(lower.clone()).escape('\\')),
                )
                .add(
                    Expr::expr(Func::upper(Expr::col((n("c"), n(col)))))
                        .like(LikeExpr::new(upper.clone()).escape('\\')),
                );
        }
        c = c.add(any);
    }
    if f.preset == Some(Preset::Retention) {
        // Prospects created before the cut-off, no inbound interaction since, no
        // active contract, not already anonymized.
        c = c
            .add(Expr::col((n("c"), n("status"))).eq("prospect"))
            .add(Expr::col((n("c"), n("created_at"))).lt(cutoff))
            .add(
                Cond::any()
                    .add(Expr::col((n("c"), n("last_inbound_at"))).is_null())
                    .add(Expr::col((n("c"), n("last_inbound_at"))).lt(cutoff)),
            )
            .add(Expr::col((n("c"), n("anonymized_at"))).is_null())
            .add(has_active_contract().not());
    }
    c
}

fn created(f: &Filter, alias: &'static str) -> Cond {
    let mut c = Cond::all();
    if let Some(d) = f.created_before {
        c = c.add(Expr::col((n(alias), n("created_at"))).lt(date_to_ms(d)));
    }
    if let Some(d) = f.created_after {
        c = c.add(Expr::col((n(alias), n("created_at"))).gte(date_to_ms(d)));
    }
    c
}

/// WHERE for `contacts c`.
pub fn contacts_cond(f: &Filter, actor: &Actor, cutoff: i64) -> Cond {
    let mut c = scope_cond(actor)
        .add(created(f, "c"))
        .add(contact_side(f, cutoff));
    if !f.status.is_empty() {
        c = c.add(Expr::col((n("c"), n("status"))).is_in(f.status.iter().cloned()));
    }
    if !f.status_not.is_empty() {
        c = c.add(Expr::col((n("c"), n("status"))).is_not_in(f.status_not.iter().cloned()));
    }
    if !f.types.is_empty() {
        let mut q = Query::select();
        q.expr(Expr::val(1))
            .from_as(n("projects"), n("p"))
            .and_where(Expr::col((n("p"), n("contact_id"))).equals((n("c"), n("id"))))
            .and_where(Expr::col((n("p"), n("type"))).is_in(f.types.iter().map(|t| t.as_str())));
        c = c.add(Expr::exists(q));
    }
    if let Some(s) = &f.supplier {
        c = c.add(Expr::col((n("c"), n("supplier"))).eq(s.as_str()));
    }
    if let Some(u) = &f.assigned_to {
        c = c.add(Expr::col((n("c"), n("assigned_to"))).eq(u.as_str()));
    }
    c
}

/// `SELECT FROM projects p JOIN contacts c` (no column yet): the projects with their
/// contact, which [`projects_cond`] filters (scope and contact-side filters are on `c`).
pub fn projects_with_contact() -> SelectStatement {
    let mut q = Query::select();
    q.from_as(n("projects"), n("p")).join_as(
        sea_query::JoinType::InnerJoin,
        n("contacts"),
        n("c"),
        Expr::col((n("c"), n("id"))).equals((n("p"), n("contact_id"))),
    );
    q
}

/// `SELECT FROM contracts k JOIN contacts c` (no column yet): the contracts with their
/// contact, for [`scope_cond`] and the contracts' own conditions.
pub fn contracts_with_contact() -> SelectStatement {
    let mut q = Query::select();
    q.from_as(n("contracts"), n("k")).join_as(
        sea_query::JoinType::InnerJoin,
        n("contacts"),
        n("c"),
        Expr::col((n("c"), n("id"))).equals((n("k"), n("contact_id"))),
    );
    q
}

/// WHERE for `projects p JOIN contacts c` ([`projects_with_contact`]).
pub fn projects_cond(f: &Filter, actor: &Actor, cutoff: i64) -> Cond {
    let mut c = scope_cond(actor)
        .add(Expr::col((n("p"), n("cabinet_id"))).eq(actor.cabinet_id.as_str()))
        .add(created(f, "p"))
        .add(contact_side(f, cutoff));
    if !f.status.is_empty() {
        c = c.add(Expr::col((n("p"), n("status"))).is_in(f.status.iter().cloned()));
    }
    if !f.status_not.is_empty() {
        c = c.add(Expr::col((n("p"), n("status"))).is_not_in(f.status_not.iter().cloned()));
    }
    if !f.types.is_empty() {
        c = c.add(Expr::col((n("p"), n("type"))).is_in(f.types.iter().map(|t| t.as_str())));
    }
    if let Some(s) = &f.supplier {
        c = c.add(Expr::col((n("p"), n("supplier"))).eq(s.as_str()));
    }
    if let Some(u) = &f.assigned_to {
        c = c.add(Expr::col((n("p"), n("assigned_to"))).eq(u.as_str()));
    }
    if f.preset == Some(Preset::Retention) {
        c = c
            .add(Expr::col((n("p"), n("created_at"))).lt(cutoff))
            .add(Expr::col((n("p"), n("status"))).ne("contrat_actif"));
    }
    c
}
