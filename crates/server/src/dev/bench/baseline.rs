//! The baseline the bulk job is measured against.

use super::*;
use oubli_domain::erasure::{Link, Rows, Treatment, PLAN};

/// The same data writes as the anonymization of every contact of `cabinet`, as a few
/// set-based statements derived from the domain's plan ([`plan_statements`]) in one transaction on a connection of its own
/// (same pragmas as the server's), the blobs unlinked; timed up to the commit, like
/// the job (the checkpoint/VACUUM after both is not timed). What it leaves out is the job's bookkeeping: the per-contact
/// hash-chained audit entries, chunks of members marked done, progress.
pub(super) async fn baseline(
    db: &Db,
    opts: &Options,
    cabinet: &str,
    blob_dir: &Path,
) -> Result<Duration> {
    use sqlx::{Connection, Executor};
    assert!(cabinet.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'));
    let url = match (&opts.database_url, &db.sqlite_path) {
        (Some(u), _) => u.clone(),
        (None, Some(p)) => format!("sqlite://{}", p.display()),
        (None, None) => return Err(ApiError::Internal("no database".into())),
    };
    let mut c = sqlx::AnyConnection::connect(&url).await?;
    if db.backend == Backend::Sqlite {
        for p in [
            "PRAGMA foreign_keys = ON",
            "PRAGMA secure_delete = ON",
            "PRAGMA busy_timeout = 10000",
            "PRAGMA synchronous = NORMAL",
        ] {
            c.execute(p).await?;
        }
    }
    let now = now_ms();
    let sel =
        format!("SELECT id FROM contacts WHERE cabinet_id = '{cabinet}' AND anonymized_at IS NULL");
    let t = Instant::now();
    // IMMEDIATE on SQLite: take the write lock first, as the job's batches do.
    c.execute(if db.backend == Backend::Sqlite {
        "BEGIN IMMEDIATE"
    } else {
        "BEGIN"
    })
    .await?;
    let keys: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT blob_key FROM activities WHERE contact_id IN ({sel}) AND blob_key IS NOT NULL"
    ))
    .fetch_all(&mut c)
    .await?;
    let statements = plan_statements(
        &sel,
        &format!("cabinet_id = '{cabinet}' AND anonymized_at IS NULL"),
        now,
    );
    for sql in &statements {
        c.execute(sql.as_str()).await?;
    }
    for (k,) in keys {
        let _ = std::fs::remove_file(blob_dir.join(k));
    }
    c.execute("COMMIT").await?;
    let elapsed = t.elapsed();
    c.close().await?;
    crate::erasure::after_erasure(db).await?;
    Ok(elapsed)
}

/// One set-based statement per table of [`PLAN`], in its order (children first, the
/// contacts last): DELETE for the tables whose rows go, UPDATE of the blanked and
/// year-only columns for the others, each reaching its rows through the plan's link
/// from the contacts `sel` selects (`contacts_where` for the contacts table itself).
/// Plus the job's tombstones, written before the contacts stop matching `sel`. Derived,
/// not copied, so a column added to the plan is erased by the baseline too.
fn plan_statements(sel: &str, contacts_where: &str, now: i64) -> Vec<String> {
    let mut out = Vec::new();
    for t in PLAN {
        let scope = match t.link {
            Link::Itself => contacts_where.to_string(),
            Link::Contact => format!("contact_id IN ({sel})"),
            Link::Project => {
                format!("project_id IN (SELECT id FROM projects WHERE contact_id IN ({sel}))")
            }
            Link::Contract => {
                format!("contract_id IN (SELECT id FROM contracts WHERE contact_id IN ({sel}))")
            }
        };
        if t.link == Link::Itself {
            out.push(format!(
                "INSERT INTO tombstones (cabinet_id, seq, contact_id, user_id, team_id, created_at, updated_at) \
                 SELECT cabinet_id, 1, id, assigned_to, NULL, {now}, {now} FROM contacts WHERE {scope}"
            ));
        }
        match t.rows {
            Rows::Delete => out.push(format!("DELETE FROM {} WHERE {scope}", t.table)),
            Rows::Treat => {
                let mut sets: Vec<String> = t
                    .columns
                    .iter()
                    .filter_map(|(c, treatment)| match treatment {
                        Treatment::Keep => None,
                        Treatment::Blank => Some(format!("{c} = NULL")),
                        Treatment::YearOnly => Some(format!("{c} = substr({c}, 1, 4) || '-01-01'")),
                    })
                    .collect();
                if sets.is_empty() {
                    continue;
                }
                if t.link == Link::Itself {
                    sets.push(format!("anonymized_at = {now}"));
                }
                sets.push(format!("updated_at = {now}"));
                out.push(format!(
                    "UPDATE {} SET {} WHERE {scope}",
                    t.table,
                    sets.join(", ")
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_follows_the_plan() {
        let s = plan_statements("SEL", "WHERE_C", 7);
        assert_eq!(
            s.first().map(String::as_str),
            Some("DELETE FROM activities WHERE contact_id IN (SEL)")
        );
        let last = s.last().expect("contacts");
        assert!(
            last.starts_with("UPDATE contacts SET ") && last.ends_with(" WHERE WHERE_C"),
            "{last}"
        );
        assert!(
            last.contains("name_key = NULL")
                && last.contains("birth_date = substr(birth_date, 1, 4) || '-01-01'")
        );
        assert!(last.contains("anonymized_at = 7") && !last.contains("id = NULL"));
        // Every blanked column of the plan is in some statement.
        for t in PLAN {
            for (c, tr) in t.columns {
                if *tr == Treatment::Blank && t.rows == Rows::Treat {
                    let set = format!("{c} = NULL");
                    assert!(
                        s.iter()
                            .any(|x| x.starts_with(&format!("UPDATE {} ", t.table))
                                && x.contains(&set)),
                        "{}.{c}",
                        t.table
                    );
                }
            }
        }
        assert!(s.iter().any(|x| x.starts_with("INSERT INTO tombstones")));
    }
}
