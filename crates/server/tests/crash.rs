//! Crash test (issue 5): the real server binary runs a bulk anonymization of a few
//! thousand contacts and is killed with SIGKILL three times while the job runs. After
//! each kill every contact is either fully anonymized (with its chunk of members marked
//! done) or untouched (chunk not done); after the last restart the job completes, every contact
//! is anonymized exactly once (one audit entry each, chain intact) and, on SQLite,
//! `PRAGMA integrity_check` says ok. On PostgreSQL (DATABASE_URL) the same run goes
//! against a database of its own; there is no integrity_check there.

mod common;

use oubli_server::bench::{self, http, login, BenchCabinet};
use oubli_server::db::Db;
use sqlx::{Connection, Row};
use std::time::{Duration, Instant};

const CONTACTS: usize = 2000;
const SUPPLIER: &str = "Crash";

/// A PostgreSQL database of this test's own on DATABASE_URL's server.
async fn pg_url() -> Option<String> {
    let base = common::backend_url()?;
    sqlx::any::install_default_drivers();
    let name = format!("oubli_crash_{}", uuid::Uuid::new_v4().simple());
    let mut c = sqlx::AnyConnection::connect(&base).await.expect("connect");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut c)
        .await
        .expect("create database");
    c.close().await.ok();
    let (prefix, _) = base.rsplit_once('/').expect("database name");
    Some(format!("{prefix}/{name}"))
}

fn free_addr() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").to_string()
}

struct Server {
    child: tokio::process::Child,
    addr: String,
}

async fn start(dir: &std::path::Path, url: Option<&str>) -> Server {
    let addr = free_addr();
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_oubli-server"));
    cmd.env("OUBLI_DATA_DIR", dir)
        .env("OUBLI_BIND", &addr)
        .env("OUBLI_STATIC_DIR", dir.join("no-app"))
        // Small batches and a fast poll: many transactions to interrupt.
        .env("OUBLI_ERASURE_BATCH", "20")
        .env("OUBLI_WORKER_POLL_MS", "200")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true);
    match url {
        Some(u) => cmd.env("DATABASE_URL", u),
        None => cmd.env_remove("DATABASE_URL"),
    };
    let child = cmd.spawn().expect("start oubli-server");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok((200, _, _)) = http(&addr, "GET", "/api/v1/health", None, None).await {
            break;
        }
        assert!(Instant::now() < deadline, "server did not come up");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Server { child, addr }
}

async fn job(s: &Server, token: &str, id: &str) -> serde_json::Value {
    let (st, _, v) = http(
        &s.addr,
        "GET",
        &format!("/api/v1/erasures/{id}"),
        Some(token),
        None,
    )
    .await
    .expect("status");
    assert_eq!(st, 200, "{v}");
    v
}

/// Per contact: fully anonymized with its chunk done, or untouched with its chunk not
/// done. Returns how many are anonymized; checks the job's counter agrees.
async fn check_consistency(url: &str, cabinet: &str, erasure: &str) -> usize {
    let mut c = sqlx::AnyConnection::connect(url).await.expect("open");
    // The ids of a stored chunk (a JSON array), as erasure.rs reads them.
    let ids = if url.starts_with("postgres") {
        "json_array_elements_text(k.target_ids::json) AS j(value)"
    } else {
        "json_each(k.target_ids) j"
    };
    let sql = format!(
        "SELECT c.id, c.first_name, c.email, c.street, c.birth_date, c.anonymized_at, \
         (SELECT COUNT(*) FROM activities a WHERE a.contact_id = c.id), \
         (SELECT COUNT(*) FROM household_members h WHERE h.contact_id = c.id AND h.first_name IS NOT NULL), \
         (SELECT COUNT(*) FROM projects p WHERE p.contact_id = c.id AND p.comment IS NOT NULL), \
         (SELECT COUNT(*) FROM subscriptions s JOIN projects p ON p.id = s.project_id WHERE p.contact_id = c.id AND s.iban IS NOT NULL), \
         (SELECT COUNT(*) FROM contracts k WHERE k.contact_id = c.id AND k.nir IS NOT NULL), \
         (SELECT COUNT(*) FROM insured_persons i JOIN contracts k ON k.id = i.contract_id WHERE k.contact_id = c.id AND i.first_name IS NOT NULL), \
         (SELECT COUNT(*) FROM erasure_chunks k, {ids} WHERE k.erasure_id = '{erasure}' AND j.value = c.id AND k.done = 1) \
         FROM contacts c WHERE c.cabinet_id = '{cabinet}' AND c.supplier = '{SUPPLIER}'"
    );
    let rows = sqlx::query(&sql).fetch_all(&mut c).await.expect("contacts");
    assert_eq!(rows.len(), CONTACTS);
    let mut anonymized = 0;
    for r in &rows {
        let id: String = r.get(0);
        let text = |i: usize| r.try_get::<Option<String>, _>(i).expect("text");
        let n = |i: usize| r.try_get::<i64, _>(i).expect("count");
        let anon_at: Option<i64> = r.try_get(5).expect("anonymized_at");
        let counts = [n(6), n(7), n(8), n(9), n(10), n(11)];
        let chunk_done = n(12);
        if anon_at.is_some() {
            anonymized += 1;
            assert!(
                text(1).is_none() && text(2).is_none() && text(3).is_none(),
                "{id}: identity left on an anonymized contact"
            );
            assert!(
                text(4).is_some_and(|b| b.ends_with("-01-01")),
                "{id}: birth date not reduced to the year"
            );
            assert_eq!(counts, [0; 6], "{id}: half-erased (related rows left)");
            assert_eq!(chunk_done, 1, "{id}: anonymized but its chunk is not done");
        } else {
            assert!(
                text(1).is_some() && text(2).is_some() && text(3).is_some(),
                "{id}: identity partly blanked on a contact not anonymized"
            );
            assert_eq!(
                counts,
                [11, 1, 2, 2, 1, 1],
                "{id}: half-erased (related rows)"
            );
            assert_eq!(chunk_done, 0, "{id}: chunk done but contact untouched");
        }
    }
    let done: i64 = sqlx::query(&format!("SELECT done FROM erasures WHERE id = '{erasure}'"))
        .fetch_one(&mut c)
        .await
        .expect("job")
        .get(0);
    assert_eq!(
        done, anonymized as i64,
        "the job's progress counts each member once"
    );
    c.close().await.ok();
    anonymized
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_anonymization_killed_three_times_leaves_no_half_erased_contact_and_completes() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("tempdir");
    let pg = pg_url().await;
    let db = Db::connect(pg.as_deref(), dir.path()).await.expect("db");
    let acc = oubli_server::seed::accounts(&db).await.expect("accounts");
    let cab = BenchCabinet {
        id: acc.demo_cabinet.clone(),
        admin_id: acc.admin.clone(),
        admin_email: "admin@demo.fr".into(),
    };
    bench::seed_contacts(
        &db,
        &cab,
        CONTACTS,
        SUPPLIER,
        Some(&dir.path().join("blobs")),
        9,
    )
    .await
    .expect("seed");
    db.close().await;
    let url = pg
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("oubli.db").display()));
    assert!(cab.id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'));
    println!(
        "seeded {CONTACTS} contacts in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let mut server = start(dir.path(), pg.as_deref()).await;
    let token = login(
        &server.addr,
        "admin@demo.fr",
        oubli_server::seed::DEMO_PASSWORD,
    )
    .await
    .expect("login");
    let (st, _, created) = http(
        &server.addr,
        "POST",
        "/api/v1/erasures",
        Some(&token),
        Some(&serde_json::json!({"action": "anonymize",
            "target": {"contacts_filter": {"supplier": SUPPLIER}, "exclude": []}})),
    )
    .await
    .expect("preview");
    assert_eq!(st, 201, "{created}");
    assert_eq!(created["preview"]["contacts"], CONTACTS as i64);
    let eid = created["id"].as_str().expect("id").to_string();
    assert!(eid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'));
    let (st, _, v) = http(
        &server.addr,
        "POST",
        &format!("/api/v1/erasures/{eid}/confirm"),
        Some(&token),
        Some(&serde_json::json!({"confirm_token": created["confirm_token"]})),
    )
    .await
    .expect("confirm");
    assert_eq!(st, 202, "{v}");

    // Three kills at increasing progress, each in the middle of the run.
    let mut last = 0usize;
    for (round, share) in [0.15, 0.40, 0.65].into_iter().enumerate() {
        let goal = (CONTACTS as f64 * share) as i64;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let v = job(&server, &token, &eid).await;
            assert_ne!(
                v["status"],
                "done",
                "finished before kill {}: {v}",
                round + 1
            );
            if v["done"].as_i64().unwrap_or(0) >= goal {
                break;
            }
            assert!(Instant::now() < deadline, "no progress: {v}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.child.start_kill().expect("SIGKILL");
        server.child.wait().await.expect("reaped");
        let anonymized = check_consistency(&url, &cab.id, &eid).await;
        println!(
            "kill {}: {anonymized} of {CONTACTS} anonymized, the rest untouched",
            round + 1
        );
        assert!(anonymized >= last && anonymized < CONTACTS, "{anonymized}");
        last = anonymized;
        server = start(dir.path(), pg.as_deref()).await;
    }

    // After the last restart the job resumes by itself and completes.
    let deadline = Instant::now() + Duration::from_secs(60);
    let v = loop {
        let v = job(&server, &token, &eid).await;
        if v["status"] == "done" || v["status"] == "failed" {
            break v;
        }
        assert!(Instant::now() < deadline, "job did not complete: {v}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(v["status"], "done", "{v}");
    assert_eq!(v["done"], CONTACTS as i64, "{v}");
    server.child.start_kill().expect("SIGKILL");
    server.child.wait().await.expect("reaped");
    assert_eq!(check_consistency(&url, &cab.id, &eid).await, CONTACTS);

    let db = Db::connect(pg.as_deref(), dir.path()).await.expect("db");
    let verified = oubli_server::audit::verify(&db).await.expect("verify");
    assert!(verified.is_ok(), "audit chain: {verified:?}");
    db.close().await;
    let mut c = sqlx::AnyConnection::connect(&url).await.expect("open");
    let per: Vec<(String, i64)> = sqlx::query_as(
        "SELECT target_id, COUNT(*) FROM audit_log WHERE action = 'contact.anonymize' GROUP BY target_id",
    )
    .fetch_all(&mut c)
    .await
    .expect("audit");
    assert_eq!(per.len(), CONTACTS, "one audit entry per contact");
    assert!(
        per.iter().all(|(_, n)| *n == 1),
        "a contact anonymized twice"
    );
    if pg.is_none() {
        let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(&mut c)
            .await
            .expect("integrity_check");
        assert_eq!(check, "ok");
    } else {
        println!("PostgreSQL: no integrity_check equivalent; consistency checked row by row");
    }
    c.close().await.ok();
    let left = std::fs::read_dir(dir.path().join("blobs"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(left, 0, "document files left after anonymization");
    println!(
        "crash test done in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
