//! The contacts' stored name keys (`contacts.name_key`, migration 0009): the sort key
//! of the name sorts is computed in Rust ([`oubli_domain::filter::name_key`]), so the
//! rows written before the column existed get theirs here, once, at the upgrade.

use super::rows::n;
use oubli_domain::filter::name_key;
use sea_query::{Cond, Expr, Query};

/// Sets `name_key` on the named contacts that have none: the rows written before
/// migration 0009 (run once, by [`super::Db::connect`], when it applies 0009).
/// Returns how many were set.
pub async fn fill_name_keys(db: &super::Db) -> Result<u64, sqlx::Error> {
    let mut filled = 0;
    loop {
        let mut tx = db.begin().await?;
        let mut q = Query::select();
        q.columns([n("id"), n("last_name"), n("company_name"), n("first_name")])
            .from(n("contacts"))
            .cond_where(
                Cond::all().add(Expr::col(n("name_key")).is_null()).add(
                    Cond::any()
                        .add(Expr::col(n("last_name")).ne(""))
                        .add(Expr::col(n("company_name")).ne("")),
                ),
            )
            .limit(5000);
        type Names = (String, Option<String>, Option<String>, Option<String>);
        let rows: Vec<Names> = tx.all(&q).await?;
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(filled);
        }
        for (id, last, company, first) in &rows {
            let key = name_key(last.as_deref(), company.as_deref(), first.as_deref())
                .unwrap_or_else(|| "1".into());
            let mut up = Query::update();
            up.table(n("contacts"))
                .value(n("name_key"), key)
                .and_where(Expr::col(n("id")).eq(id.as_str()));
            tx.exec(&up).await?;
        }
        filled += rows.len() as u64;
        tx.commit().await?;
    }
}
