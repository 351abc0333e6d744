//! `oubli-server bench`: generates a large cabinet and measures bulk erasure, the
//! projects list and the preview (issue 5). Also the fast bulk generator the crash test
//! seeds with (`generate.rs`), a minimal HTTP/1.1 client for talking to a real server
//! over TCP (`http.rs`), and the hand-written baseline the job is compared with
//! (`baseline.rs`).
//!
//! Generated data is synthetic (numbered names, `exemple.invalid` addresses): no
//! personal data, deterministic for a given scale.

use crate::db::{now_ms, Backend, Db};
use crate::error::{ApiError, Result};
use std::path::Path;
use std::time::{Duration, Instant};

mod baseline;
use baseline::baseline;
mod generate;
mod http;
mod leads;

pub use generate::{cabinet, seed_contacts, seed_projects, BenchCabinet};
pub use http::{http, login};
pub use leads::{lead_intake, LeadReport};

/// The PostgreSQL settings that weigh on the figures, printed with them.
const PG_SETTINGS: &[&str] = &[
    "server_version",
    "shared_buffers",
    "max_wal_size",
    "checkpoint_timeout",
    "wal_compression",
    "synchronous_commit",
    "fsync",
    "full_page_writes",
    "work_mem",
    "autovacuum",
];

/// Prints [`PG_SETTINGS`] as the server reports them (`SHOW`), so that figures are read
/// with the configuration they were measured on.
async fn print_pg_settings(url: &str) -> Result<()> {
    use sqlx::Connection;
    let mut c = sqlx::AnyConnection::connect(url).await?;
    println!("PostgreSQL settings of this run (SHOW):");
    println!("| setting | value |");
    println!("|---|---|");
    for name in PG_SETTINGS {
        // Names from the constant above, never from input.
        let (v,): (String,) = sqlx::query_as(&format!("SHOW {name}"))
            .fetch_one(&mut c)
            .await?;
        println!("| {name} | {v} |");
    }
    println!();
    c.close().await?;
    Ok(())
}

/// Options of `oubli-server bench`.
pub struct Options {
    /// Multiplies the sizes (1.0: 100,000 contacts and 1,000,000 projects).
    pub scale: f64,
    /// PostgreSQL URL; a temporary SQLite file when absent.
    pub database_url: Option<String>,
    /// Where the SQLite file and the blobs go (a temporary directory by default).
    pub data_dir: std::path::PathBuf,
    /// Part (d): leads sent (0: skipped), over how many connections.
    pub leads: usize,
    pub lead_connections: usize,
    /// Only part (d), without generating the large cabinets.
    pub only_leads: bool,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}

/// Part (d) twice on the same backend: one lead per transaction (the baseline), then
/// the product's batches.
async fn lead_rows(db: &Db, opts: &Options) -> Result<Vec<LeadReport>> {
    let (dir, n, c) = (&opts.data_dir, opts.leads, opts.lead_connections);
    let baseline = lead_intake(db, dir, n, c, 1).await?;
    let product = lead_intake(db, dir, n, c, crate::intake::writer::MAX_BATCH).await?;
    Ok(vec![product, baseline])
}

/// What autovacuum would have done to a database in service (untimed): statistics, and
/// the visibility map that lets index-only scans skip the table (the preview's
/// counts); on SQLite, ANALYZE and a WAL checkpoint. Not a cache: no query result is
/// computed in advance.
pub async fn gather_statistics(db: &Db) -> Result<()> {
    if db.backend == Backend::Postgres {
        db.raw("VACUUM ANALYZE").await?;
    } else {
        db.raw("ANALYZE").await?;
        db.checkpoint().await?;
    }
    Ok(())
}

/// Runs the whole benchmark and prints its tables.
pub async fn run(opts: Options) -> Result<()> {
    let err = |e: std::io::Error| ApiError::Internal(e.to_string());
    let contacts_n = ((100_000.0 * opts.scale).round() as usize).max(10);
    let projects_n = ((1_000_000.0 * opts.scale).round() as usize).max(50);
    let db = Db::connect(opts.database_url.as_deref(), &opts.data_dir).await?;
    if opts.only_leads {
        println!(
            "Oubli benchmark, part (d) only — backend {}",
            db.backend.name()
        );
        if let (Backend::Postgres, Some(url)) = (db.backend, &opts.database_url) {
            print_pg_settings(url).await?;
        }
        let r = lead_rows(&db, &opts).await?;
        LeadReport::print_table(&r);
        db.close().await;
        return Ok(());
    }
    // (d) first, while the database is fresh; its table is printed last.
    let leads = if opts.leads > 0 {
        Some(lead_rows(&db, &opts).await?)
    } else {
        None
    };
    println!(
        "Oubli benchmark — backend {}, scale {} ({} contacts, {} projects in the list cabinet)",
        db.backend.name(),
        opts.scale,
        contacts_n,
        projects_n
    );
    let hash = crate::auth::hash_password(crate::seed::DEMO_PASSWORD);
    let stamp = now_ms();
    let a = cabinet(
        &db,
        &format!("Banc A {stamp}"),
        &format!("a-{stamp}@bench.invalid"),
        &hash,
    )
    .await?;
    let b = cabinet(
        &db,
        &format!("Banc B {stamp}"),
        &format!("b-{stamp}@bench.invalid"),
        &hash,
    )
    .await?;
    let l = cabinet(
        &db,
        &format!("Banc L {stamp}"),
        &format!("l-{stamp}@bench.invalid"),
        &hash,
    )
    .await?;
    let blob_a = opts.data_dir.join("blobs");
    let t = Instant::now();
    let rows_a = seed_contacts(&db, &a, contacts_n, "Banc", Some(&blob_a), 42).await?;
    let rows_b = seed_contacts(&db, &b, contacts_n, "Banc", Some(&blob_a), 42).await?;
    let rows_l = seed_projects(&db, &l, projects_n, 7).await?;
    gather_statistics(&db).await?;
    println!(
        "generated {} rows (A {rows_a}, copy B {rows_b}, list cabinet {rows_l}) in {:.1} s, then {}\n",
        rows_a + rows_b + rows_l,
        t.elapsed().as_secs_f64(),
        if db.backend == Backend::Postgres {
            "VACUUM ANALYZE (as autovacuum would have, not timed)"
        } else {
            "ANALYZE and a WAL checkpoint (not timed)"
        }
    );
    if let (Backend::Postgres, Some(url)) = (db.backend, &opts.database_url) {
        print_pg_settings(url).await?;
    }

    // A real server over TCP, as the browser would reach it.
    let state = crate::AppState::new(db.clone(), crate::Config::new(opts.data_dir.clone()));
    // The instance's job worker, as `oubli-server` starts it (main.rs, default poll):
    // a confirmed large job is worked on by the task confirm starts and by this worker,
    // side by side (their claims never overlap).
    let worker = crate::erasure::spawn_worker(
        db.clone(),
        state.cfg.blob_dir(),
        Duration::from_millis(2000),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(err)?;
    let addr = listener.local_addr().map_err(err)?.to_string();
    let app = crate::app(state);
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await;
    });
    let pw = crate::seed::DEMO_PASSWORD;

    // (c) + (a): preview of the whole cabinet, then the job.
    let tok_a = login(&addr, &a.admin_email, pw).await.map_err(err)?;
    let t = Instant::now();
    let (st, _, created) = http(
        &addr,
        "POST",
        "/api/v1/erasures",
        Some(&tok_a),
        Some(&serde_json::json!({"action": "anonymize",
            "target": {"contacts_filter": {"supplier": "Banc"}, "exclude": []}})),
    )
    .await
    .map_err(err)?;
    let preview_time = t.elapsed();
    if st != 201 {
        return Err(ApiError::Internal(format!(
            "preview answered {st}: {created}"
        )));
    }
    let id = created["id"].as_str().unwrap_or_default().to_string();
    let (st, _, job) = http(
        &addr,
        "POST",
        &format!("/api/v1/erasures/{id}/confirm"),
        Some(&tok_a),
        Some(&serde_json::json!({"confirm_token": created["confirm_token"]})),
    )
    .await
    .map_err(err)?;
    if st != 202 {
        return Err(ApiError::Internal(format!("confirm answered {st}: {job}")));
    }
    let final_job = loop {
        let (_, _, v) = http(
            &addr,
            "GET",
            &format!("/api/v1/erasures/{id}"),
            Some(&tok_a),
            None,
        )
        .await
        .map_err(err)?;
        if v["status"] == "done" || v["status"] == "failed" {
            break v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let job_time = t.elapsed();
    let anonymized = final_job["done"].as_i64().unwrap_or(0);
    worker.abort();
    // The job reports done before its closing checkpoint (SQLite) or VACUUM
    // (PostgreSQL); neither side is timed with it. Running it here waits for the
    // job's own (same write connection on SQLite, VACUUM's table lock on PostgreSQL),
    // so the baseline starts on a quiet database.
    crate::erasure::after_erasure(&db).await?;

    // Baseline: the same data writes, hand-written, one transaction, on the copy B.
    let base_time = baseline(&db, &opts, &b.id, &blob_a).await?;

    println!("(a) Bulk anonymization of {contacts_n} contacts");
    println!("| path | contacts | time | target |");
    println!("|---|---:|---:|---|");
    println!(
        "| job: preview + confirm + worker (status {}) | {anonymized} | {:.2} s | ≤ 30 s: {} |",
        final_job["status"].as_str().unwrap_or("?"),
        job_time.as_secs_f64(),
        verdict(job_time.as_secs_f64() <= 30.0)
    );
    println!(
        "| baseline: hand-written SQL, one transaction | {contacts_n} | {:.2} s | |",
        base_time.as_secs_f64()
    );
    let ratio = job_time.as_secs_f64() / base_time.as_secs_f64().max(1e-9);
    println!(
        "| ratio job / baseline | | {ratio:.2}× | ≤ 2×: {} |",
        verdict(ratio <= 2.0)
    );
    println!(
        "Both write the same erased rows (PLAN: activities deleted, every personal column \
         blanked or cut to the year), one tombstone per contact, and unlink the same files. \
         The job also writes its bookkeeping: one hash-chained audit entry per contact, the \
         contacts' change stamps, chunks of members marked done and progress, in batches of {} \
         contacts (one transaction each), run by the task confirm starts and the instance's \
         worker; the baseline writes none of it, in one transaction.\n",
        crate::erasure::batch_size()
    );

    // (b) The projects list, three filters.
    let tok_l = login(&addr, &l.admin_email, pw).await.map_err(err)?;
    let filters = "type=sante&status_not=contrat_actif&created_after=2000-01-01";
    let first = format!("/api/v1/projects?{filters}");
    let (st, _, v) = http(&addr, "GET", &first, Some(&tok_l), None)
        .await
        .map_err(err)?;
    if st != 200 {
        return Err(ApiError::Internal(format!("list answered {st}: {v}")));
    }
    let matching = v["total"].as_i64().unwrap_or(0);
    // The cursor of page 10,000 (50 rows a page): walked through the API (500 rows a
    // step, then 50), so the cursor is whatever the list really hands out.
    let target_page: i64 = 10_000.min((matching.max(1) - 1) / 50 + 1);
    let mut after: Option<String> = None;
    let mut skipped = 0i64;
    let walk = Instant::now();
    let need = (target_page - 1) * 50;
    while skipped < need {
        let step = if need - skipped >= 500 { 500 } else { 50 };
        let path = match &after {
            Some(c) => format!("{first}&limit={step}&after={c}"),
            None => format!("{first}&limit={step}"),
        };
        let (_, _, v) = http(&addr, "GET", &path, Some(&tok_l), None)
            .await
            .map_err(err)?;
        after = v["next"].as_str().map(String::from);
        skipped += step;
        if after.is_none() {
            break;
        }
    }
    let walk_time = walk.elapsed();
    let deep = match &after {
        Some(c) => format!("{first}&after={c}"),
        None => first.clone(),
    };
    let mut table = Vec::new();
    for (label, path) in [
        ("page 1", first.clone()),
        (format!("page {target_page}").as_str(), deep),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.clone()))
    {
        let mut times = Vec::with_capacity(200);
        for _ in 0..200 {
            let t = Instant::now();
            let (st, _, v) = http(&addr, "GET", &path, Some(&tok_l), None)
                .await
                .map_err(err)?;
            times.push(ms(t.elapsed()));
            if st != 200 || v["items"].as_array().map_or(0, Vec::len) == 0 {
                return Err(ApiError::Internal(format!("list answered {st}: {v}")));
            }
        }
        times.sort_by(f64::total_cmp);
        table.push((label, pct(&times, 50.0), pct(&times, 95.0)));
    }
    println!(
        "(b) Projects list, 3 filters ({filters}), {matching} of {projects_n} projects match, HTTP over TCP, 200 requests each"
    );
    println!("| page | p50 | p95 | target |");
    println!("|---|---:|---:|---|");
    for (label, p50, p95) in &table {
        println!(
            "| {label} | {p50:.1} ms | {p95:.1} ms | p95 ≤ 50 ms: {} |",
            verdict(*p95 <= 50.0)
        );
    }
    let deep_ratio = table[1].2 / table[0].2.max(1e-9);
    println!(
        "| page {target_page} / page 1 (p95) | | {deep_ratio:.2}× | ≤ 2×: {} |",
        verdict(deep_ratio <= 2.0)
    );
    println!(
        "(walking to page {target_page} through the API took {:.1} s)\n",
        walk_time.as_secs_f64()
    );

    println!("(c) Preview (count) of a {contacts_n}-contact selection");
    println!("| what | contacts | time | target |");
    println!("|---|---:|---:|---|");
    println!(
        "| POST /erasures, contacts_filter | {} | {:.0} ms | ≤ 1 s: {} |",
        created["preview"]["contacts"],
        ms(preview_time),
        verdict(preview_time.as_secs_f64() <= 1.0)
    );
    println!();
    if let Some(r) = leads {
        LeadReport::print_table(&r);
    }
    db.close().await;
    Ok(())
}
