//! Loading whole records (projects with beneficiaries and subscriptions, contracts with
//! insured persons, a contact with everything), replacing their people, and unlinking
//! blob files. Shared by the routes, the export and sync; `batch` loads many contacts'
//! records with a fixed number of statements. Removing a contact or a
//! project with its cascade is the erasure engine's (`erasure::delete`).

use crate::db::rows::*;
use crate::db::Tx;
use crate::error::Result;
use oubli_domain as d;
use sea_query::{Expr, Order, Query, SelectStatement};
use std::collections::HashMap;

pub mod batch;
pub use batch::{contact_details, sync_records};

/// `projects p JOIN contacts c`, columns of the project plus the contact's anonymization.
pub fn project_select() -> SelectStatement {
    let mut q = crate::listing::projects_with_contact();
    columns(&mut q, "p", PROJECT_COLS);
    q.column((n("c"), n("anonymized_at")));
    q
}

/// `contracts k JOIN contacts c`.
pub fn contract_select() -> SelectStatement {
    let mut q = select("contracts", "k", CONTRACT_COLS);
    q.column((n("c"), n("anonymized_at"))).join_as(
        sea_query::JoinType::InnerJoin,
        n("contacts"),
        n("c"),
        Expr::col((n("c"), n("id"))).equals((n("k"), n("contact_id"))),
    );
    q
}

/// People (beneficiaries, insured) of the given parents, grouped by parent, in order.
async fn persons(
    tx: &mut Tx,
    table: &'static str,
    parent: &'static str,
    ids: &[String],
) -> Result<HashMap<String, Vec<d::Person>>> {
    let mut out: HashMap<String, Vec<d::Person>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut q = select(table, "x", PERSON_COLS);
    q.expr_as(Expr::col((n("x"), n(parent))), n("parent_id"))
        .and_where(Expr::col((n("x"), n(parent))).is_in(ids.iter().cloned()))
        .order_by((n("x"), n("position")), Order::Asc);
    let rows: Vec<PersonRow> = tx.all(&q).await?;
    for r in rows {
        out.entry(r.parent_id.clone())
            .or_default()
            .push(r.into_domain());
    }
    Ok(out)
}

pub async fn load_projects(tx: &mut Tx, q: &SelectStatement) -> Result<Vec<d::Project>> {
    let rows: Vec<ProjectRow> = tx.all(q).await?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut bens = persons(tx, "beneficiaries", "project_id", &ids).await?;
    let mut subs: HashMap<String, Vec<d::Subscription>> = HashMap::new();
    if !ids.is_empty() {
        let mut sq = select(
            "subscriptions",
            "s",
            &["id", "project_id", "nir", "code_organisme", "iban", "bic"],
        );
        sq.and_where(Expr::col((n("s"), n("project_id"))).is_in(ids.iter().cloned()))
            .order_by((n("s"), n("position")), Order::Asc);
        let srows: Vec<SubscriptionRow> = tx.all(&sq).await?;
        for s in srows {
            subs.entry(s.project_id.clone())
                .or_default()
                .push(s.into_domain());
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let b = bens.remove(&r.id).unwrap_or_default();
            let s = subs.remove(&r.id).unwrap_or_default();
            r.into_domain(b, s)
        })
        .collect())
}

pub async fn load_contracts(tx: &mut Tx, q: &SelectStatement) -> Result<Vec<d::Contract>> {
    let rows: Vec<ContractRow> = tx.all(q).await?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut insured = persons(tx, "insured_persons", "contract_id", &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let i = insured.remove(&r.id).unwrap_or_default();
            r.into_domain(i)
        })
        .collect())
}

pub async fn load_contact(tx: &mut Tx, cabinet_id: &str, id: &str) -> Result<Option<d::Contact>> {
    let mut q = select("contacts", "c", CONTACT_COLS);
    q.and_where(Expr::col((n("c"), n("id"))).eq(id))
        .and_where(Expr::col((n("c"), n("cabinet_id"))).eq(cabinet_id));
    let row: Option<ContactRow> = tx.opt(&q).await?;
    Ok(row.map(ContactRow::into_domain))
}

/// The whole record of a contact (GET /contacts/{id}, export): the batch loader with
/// one contact.
pub async fn contact_detail(tx: &mut Tx, contact: d::Contact) -> Result<d::ContactDetail> {
    let mut v = batch::contact_details(tx, vec![contact]).await?;
    v.pop().ok_or(crate::error::ApiError::NotFound)
}

/// Unlinks blob files after their rows are gone. A file that cannot be removed is
/// logged by key (a random name, no personal data).
pub fn remove_blobs(dir: &std::path::Path, keys: &[String]) {
    for k in keys {
        if let Err(e) = std::fs::remove_file(dir.join(k)) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::error!(blob = %k, error = %e.kind(), "could not remove blob");
            }
        }
    }
}

/// Replaces the people (beneficiaries or insured) of one parent, keeping their order.
pub async fn replace_persons(
    tx: &mut Tx,
    table: &'static str,
    parent_col: &'static str,
    parent_id: &str,
    cabinet_id: &str,
    people: &[d::PersonInput],
) -> Result<()> {
    tx.exec(
        Query::delete()
            .from_table(n(table))
            .and_where(Expr::col(n(parent_col)).eq(parent_id)),
    )
    .await?;
    let now = crate::db::now_ms();
    for (i, p) in people.iter().enumerate() {
        tx.exec(&insert(
            table,
            vec![
                ("id", crate::db::new_id().into()),
                ("cabinet_id", cabinet_id.to_string().into()),
                (parent_col, parent_id.to_string().into()),
                ("position", (i as i64).into()),
                ("first_name", p.first_name.clone().into()),
                ("last_name", p.last_name.clone().into()),
                ("birth_date", crate::db::date_str(p.birth_date).into()),
                ("created_at", now.into()),
                ("updated_at", now.into()),
            ],
        ))
        .await?;
    }
    Ok(())
}

/// Replaces the subscriptions of a project.
pub async fn replace_subscriptions(
    tx: &mut Tx,
    project_id: &str,
    cabinet_id: &str,
    subs: &[d::SubscriptionInput],
) -> Result<()> {
    tx.exec(
        Query::delete()
            .from_table(n("subscriptions"))
            .and_where(Expr::col(n("project_id")).eq(project_id)),
    )
    .await?;
    let now = crate::db::now_ms();
    for (i, s) in subs.iter().enumerate() {
        tx.exec(&insert(
            "subscriptions",
            vec![
                ("id", crate::db::new_id().into()),
                ("cabinet_id", cabinet_id.to_string().into()),
                ("project_id", project_id.to_string().into()),
                ("position", (i as i64).into()),
                ("nir", s.nir.clone().into()),
                ("code_organisme", s.code_organisme.clone().into()),
                ("iban", s.iban.clone().into()),
                ("bic", s.bic.clone().into()),
                ("created_at", now.into()),
                ("updated_at", now.into()),
            ],
        ))
        .await?;
    }
    Ok(())
}
