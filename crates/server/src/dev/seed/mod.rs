//! Demo mode: "Cabinet Démo" with the five users of PRODUCT.md §8 in two teams, a
//! second cabinet "Cabinet Témoin", and about 5,000 realistic French contacts with
//! households, projects of every type and status, contracts and activity, spread over
//! five years. Deterministic (seeded) and idempotent: a second run adds nothing.
//! The accounts are here; the generated data in [`demo`] (its word lists in `data.rs`).

use crate::auth::hash_password;
use crate::db::rows::{n, Pairs};
use crate::db::{new_id, now_ms, Db, Tx};
use crate::error::Result;
use fake::faker::address::raw::StreetName;
use fake::faker::name::raw::{FirstName, LastName};
use fake::locales::FR_FR;
use fake::rand::rngs::StdRng;
use fake::rand::{Rng, SeedableRng};
use fake::Fake;
use oubli_domain::validate::gen;
use oubli_domain::{ActivityKind, ContractStatus, ProjectStatus, ProjectType, Role};
use sea_query::{Expr, Query, SimpleExpr};

mod data;
mod demo;
mod leads;

pub use demo::demo;
pub use leads::{lead_capture, DEMO_HOST_ORIGINS, DEMO_WIDGET_KEY, DEMO_WIDGET_KEY_PREVOYANCE};

pub const DEMO_CABINET: &str = "Cabinet Démo";
pub const WITNESS_CABINET: &str = "Cabinet Témoin";
pub const DEMO_PASSWORD: &str = "demo1234";
pub const DEMO_CONTACTS: usize = 5_000;

/// Ids of the demo accounts.
#[derive(Clone, Debug)]
pub struct Accounts {
    pub demo_cabinet: String,
    pub witness_cabinet: String,
    pub admin: String,
    pub deputy: String,
    pub team_lead: String,
    pub sales1: String,
    pub sales2: String,
    pub witness_admin: String,
    pub team_north: String,
    pub team_south: String,
}

async fn find(
    tx: &mut Tx,
    table: &'static str,
    col: &'static str,
    value: &str,
) -> Result<Option<String>> {
    let mut q = Query::select();
    q.column(n("id"))
        .from(n(table))
        .and_where(Expr::col(n(col)).eq(value));
    Ok(tx.opt::<(String,)>(&q).await?.map(|r| r.0))
}

async fn cabinet(tx: &mut Tx, name: &str) -> Result<String> {
    if let Some(id) = find(tx, "cabinets", "name", name).await? {
        return Ok(id);
    }
    insert_cabinet(tx, name).await
}

/// Inserts an empty cabinet (retention 36 months, fresh audit chain) and returns its id.
pub(crate) async fn insert_cabinet(tx: &mut Tx, name: &str) -> Result<String> {
    let id = new_id();
    let now = now_ms();
    tx.exec(&crate::db::rows::insert(
        "cabinets",
        vec![
            ("id", id.clone().into()),
            ("name", name.to_string().into()),
            ("retention_months", 36i64.into()),
            ("change_seq", 0i64.into()),
            ("audit_seq", 0i64.into()),
            ("audit_head", String::new().into()),
            ("hmac_key", crate::auth::new_token().into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await?;
    Ok(id)
}

async fn team(tx: &mut Tx, cabinet_id: &str, name: &str) -> Result<String> {
    let mut q = Query::select();
    q.column(n("id"))
        .from(n("teams"))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet_id))
        .and_where(Expr::col(n("name")).eq(name));
    if let Some((id,)) = tx.opt::<(String,)>(&q).await? {
        return Ok(id);
    }
    let id = new_id();
    let now = now_ms();
    tx.exec(&crate::db::rows::insert(
        "teams",
        vec![
            ("id", id.clone().into()),
            ("cabinet_id", cabinet_id.to_string().into()),
            ("name", name.to_string().into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await?;
    Ok(id)
}

async fn user(
    tx: &mut Tx,
    cabinet_id: &str,
    team_id: Option<&str>,
    email: &str,
    name: &str,
    role: Role,
    hash: &str,
) -> Result<String> {
    if let Some(id) = find(tx, "users", "email", email).await? {
        return Ok(id);
    }
    let id = new_id();
    let now = now_ms();
    tx.exec(&crate::db::rows::insert(
        "users",
        vec![
            ("id", id.clone().into()),
            ("cabinet_id", cabinet_id.to_string().into()),
            ("team_id", team_id.map(String::from).into()),
            ("email", email.to_string().into()),
            ("name", name.to_string().into()),
            ("role", role.as_str().to_string().into()),
            ("password_hash", hash.to_string().into()),
            ("active", 1i64.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await?;
    Ok(id)
}

/// The two cabinets, two teams and six users (idempotent).
pub async fn accounts(db: &Db) -> Result<Accounts> {
    let pw = DEMO_PASSWORD.to_string();
    // One hash shared by the demo users: each is salted once, and hashing six times in
    // debug builds would slow every test down.
    let hash = tokio::task::spawn_blocking(move || hash_password(&pw))
        .await
        .map_err(|e| crate::error::ApiError::Internal(e.to_string()))?;
    let mut tx = db.begin().await?;
    let demo = cabinet(&mut tx, DEMO_CABINET).await?;
    let witness = cabinet(&mut tx, WITNESS_CABINET).await?;
    let north = team(&mut tx, &demo, "Équipe Nord").await?;
    let south = team(&mut tx, &demo, "Équipe Sud").await?;
    let a = Accounts {
        admin: user(
            &mut tx,
            &demo,
            None,
            "admin@demo.fr",
            "Alice Administratrice",
            Role::Admin,
            &hash,
        )
        .await?,
        deputy: user(
            &mut tx,
            &demo,
            None,
            "suppleant@demo.fr",
            "Sébastien Suppléant",
            Role::Deputy,
            &hash,
        )
        .await?,
        team_lead: user(
            &mut tx,
            &demo,
            Some(&north),
            "chef@demo.fr",
            "Chloé Cheffe",
            Role::TeamLead,
            &hash,
        )
        .await?,
        sales1: user(
            &mut tx,
            &demo,
            Some(&north),
            "commercial1@demo.fr",
            "Camille Commerciale",
            Role::Sales,
            &hash,
        )
        .await?,
        sales2: user(
            &mut tx,
            &demo,
            Some(&south),
            "commercial2@demo.fr",
            "Karim Commercial",
            Role::Sales,
            &hash,
        )
        .await?,
        witness_admin: user(
            &mut tx,
            &witness,
            None,
            "admin@temoin.fr",
            "Thomas Témoin",
            Role::Admin,
            &hash,
        )
        .await?,
        demo_cabinet: demo,
        witness_cabinet: witness,
        team_north: north,
        team_south: south,
    };
    tx.commit().await?;
    Ok(a)
}
