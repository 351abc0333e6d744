//! Every column of the schema is classified.

use crate::common::TestApp;
use crate::support::*;
use oubli_domain::erasure::{NOT_ABOUT_A_PERSON, PLAN};
use sea_query::{Alias, Expr, Query};
use std::collections::BTreeSet;

async fn schema_columns(t: &TestApp) -> BTreeSet<(String, String)> {
    if is_sqlite() {
        use sqlx::Connection;
        let path = t.dir.path().join("oubli.db");
        let mut c = sqlx::sqlite::SqliteConnection::connect(&format!(
            "sqlite://{}?mode=ro",
            path.display()
        ))
        .await
        .expect("open the SQLite file");
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        )
        .fetch_all(&mut c)
        .await
        .expect("schema");
        c.close().await.ok();
        rows.into_iter().collect()
    } else {
        let mut tx = t.state.db.read().await.expect("read");
        let mut q = Query::select();
        q.expr(Expr::cust("CAST(table_name AS TEXT)"))
            .expr(Expr::cust("CAST(column_name AS TEXT)"))
            .from((Alias::new("information_schema"), Alias::new("columns")))
            .and_where(Expr::cust("table_schema = current_schema()"));
        let rows: Vec<(String, String)> = tx.all(&q).await.expect("information_schema");
        tx.commit().await.expect("commit");
        rows.into_iter().collect()
    }
}

#[tokio::test]
async fn every_column_of_the_schema_is_classified() {
    let t = TestApp::new().await;
    let cols = schema_columns(&t).await;
    let tables: BTreeSet<&str> = cols.iter().map(|(t, _)| t.as_str()).collect();
    for table in ["contacts", "activities", "audit_log", "erasures"] {
        assert!(tables.contains(table), "schema read: {tables:?}");
    }
    let mut unclassified = Vec::new();
    for (table, col) in &cols {
        let not_person = NOT_ABOUT_A_PERSON.iter().any(|(t, _)| t == table);
        let planned = oubli_domain::erasure::treatment(table, col).is_some();
        if !not_person && !planned {
            unclassified.push(format!("{table}.{col}"));
        }
    }
    assert!(
        unclassified.is_empty(),
        "columns neither in PLAN nor in a NOT_ABOUT_A_PERSON table: {unclassified:?}"
    );
    // And the plan names only real columns, each once.
    let mut stale = Vec::new();
    for plan in PLAN {
        let mut seen = BTreeSet::new();
        for (col, _) in plan.columns {
            assert!(seen.insert(*col), "{}.{col} listed twice", plan.table);
            if !cols.contains(&(plan.table.to_string(), col.to_string())) {
                stale.push(format!("{}.{col}", plan.table));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "PLAN columns not in the schema: {stale:?}"
    );
    for (table, _) in NOT_ABOUT_A_PERSON {
        if *table != "_sqlx_migrations" {
            assert!(tables.contains(table), "NOT_ABOUT_A_PERSON names {table}");
        }
    }
}
