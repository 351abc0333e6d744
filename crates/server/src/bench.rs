//! `oubli-server bench`: generates a large cabinet and measures bulk erasure, the
//! projects list and the preview (issue 5). Also the fast bulk generator the crash test
//! seeds with, and a minimal HTTP/1.1 client for talking to a real server over TCP.
//!
//! Generated data is synthetic (numbered names, `exemple.invalid` addresses): no
//! personal data, deterministic for a given scale.

use crate::db::rows::{insert, n};
use crate::db::{new_id, now_ms, Backend, Db, Tx};
use crate::error::{ApiError, Result};
use sea_query::{Query, SimpleExpr};
use std::path::Path;
use std::time::{Duration, Instant};

/// Contacts per generator transaction.
const TX_CONTACTS: usize = 1000;
/// Rows per multi-row INSERT (keeps bind parameters under SQLite's and PostgreSQL's
/// limits for the widest table).
const ROWS_PER_INSERT: usize = 1000;

const DAY_MS: i64 = 86_400_000;

/// A cabinet and its admin, created for a benchmark or a test.
pub struct BenchCabinet {
    pub id: String,
    pub admin_id: String,
    pub admin_email: String,
}

/// Creates a cabinet with one admin whose password is `password_hash`'s.
pub async fn cabinet(
    db: &Db,
    name: &str,
    email: &str,
    password_hash: &str,
) -> Result<BenchCabinet> {
    let (admin_id, now) = (new_id(), now_ms());
    let mut tx = db.begin().await?;
    let id = crate::seed::insert_cabinet(&mut tx, name).await?;
    tx.exec(&insert(
        "users",
        vec![
            ("id", admin_id.clone().into()),
            ("cabinet_id", id.clone().into()),
            ("team_id", Option::<String>::None.into()),
            ("email", email.to_string().into()),
            ("name", "Admin banc d'essai".to_string().into()),
            ("role", "admin".to_string().into()),
            ("password_hash", password_hash.to_string().into()),
            ("active", 1i64.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await?;
    tx.commit().await?;
    Ok(BenchCabinet {
        id,
        admin_id,
        admin_email: email.to_string(),
    })
}

/// Rows of one table being accumulated for multi-row INSERTs.
struct Batch {
    table: &'static str,
    cols: &'static [&'static str],
    rows: Vec<Vec<SimpleExpr>>,
}

impl Batch {
    fn new(table: &'static str, cols: &'static [&'static str]) -> Self {
        Batch {
            table,
            cols,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<SimpleExpr>) {
        debug_assert_eq!(row.len(), self.cols.len());
        self.rows.push(row);
    }

    async fn flush(&mut self, tx: &mut Tx) -> Result<u64> {
        let mut written = 0;
        let per = (ROWS_PER_INSERT * 12 / self.cols.len()).max(1);
        for chunk in self.rows.chunks(per) {
            let mut q = Query::insert();
            q.into_table(n(self.table))
                .columns(self.cols.iter().map(|c| n(c)));
            for r in chunk {
                q.values_panic(r.iter().cloned());
            }
            written += tx.exec(&q).await?;
        }
        self.rows.clear();
        Ok(written)
    }
}

/// The stored name sort key of generated contact `k` ("Nom{k}", "Prénom{k}").
fn bench_name_key(k: usize) -> String {
    oubli_domain::filter::name_key(Some(&format!("Nom{k}")), None, Some(&format!("Prénom{k}")))
        .unwrap_or_default()
}

fn s(v: impl Into<String>) -> SimpleExpr {
    SimpleExpr::Value(sea_query::Value::String(Some(Box::new(v.into()))))
}
fn i(v: i64) -> SimpleExpr {
    SimpleExpr::Value(v.into())
}
fn null() -> SimpleExpr {
    SimpleExpr::Value(sea_query::Value::String(None))
}
fn null_i() -> SimpleExpr {
    SimpleExpr::Value(sea_query::Value::BigInt(None))
}

/// A small deterministic generator (no personal data, same data for the same seed).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const CONTACT_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "civility",
    "first_name",
    "last_name",
    "name_key",
    "email",
    "mobile_phone",
    "street",
    "postal_code",
    "city",
    "birth_date",
    "status",
    "supplier",
    "lead_cost_cents",
    "assigned_to",
    "comment",
    "change_seq",
    "created_at",
    "updated_at",
];
const HOUSEHOLD_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "contact_id",
    "first_name",
    "last_name",
    "relation",
    "birth_date",
    "created_at",
    "updated_at",
];
const PROJECT_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "contact_id",
    "type",
    "status",
    "supplier",
    "assigned_to",
    "comment",
    "created_at",
    "updated_at",
];
const PERSON_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "project_id",
    "position",
    "first_name",
    "last_name",
    "birth_date",
    "created_at",
    "updated_at",
];
const SUBSCRIPTION_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "project_id",
    "position",
    "nir",
    "code_organisme",
    "iban",
    "bic",
    "created_at",
    "updated_at",
];
const CONTRACT_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "project_id",
    "contact_id",
    "insurer",
    "monthly_premium_cents",
    "status",
    "nir",
    "code_organisme",
    "created_at",
    "updated_at",
];
const INSURED_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "contract_id",
    "position",
    "first_name",
    "last_name",
    "birth_date",
    "created_at",
    "updated_at",
];
const ACTIVITY_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "contact_id",
    "kind",
    "author_id",
    "title",
    "body",
    "occurred_at",
    "channel",
    "recipient",
    "file_name",
    "content_type",
    "size_bytes",
    "blob_key",
    "created_at",
    "updated_at",
];

const KINDS: &[&str] = &[
    "events",
    "notes",
    "tasks",
    "appointments",
    "quotes",
    "advice_docs",
    "membership_forms",
    "messages",
    "events",
    "notes",
];
const TYPES: &[&str] = &[
    "sante",
    "sante",
    "sante",
    "sante",
    "sante",
    "sante",
    "prevoyance",
    "auto",
];
const STATUSES: &[&str] = &[
    "nouveau",
    "en_cours",
    "devis_envoye",
    "attente_signature",
    "contrat_actif",
    "perdu",
    "sans_suite",
];

/// Inserts `count` contacts with realistic cascades into `cabinet`: per contact one
/// household member, two projects (each with a beneficiary and a subscription), one
/// contract with an insured person, ten activity items and one document (its file
/// written under `blob_dir` when given). Returns the number of rows written.
pub async fn seed_contacts(
    db: &Db,
    cabinet: &BenchCabinet,
    count: usize,
    supplier: &str,
    blob_dir: Option<&Path>,
    seed: u64,
) -> Result<u64> {
    let mut rng = Rng(seed | 1);
    let now = now_ms();
    let mut written = 0;
    if let Some(d) = blob_dir {
        std::fs::create_dir_all(d).map_err(|e| ApiError::Internal(e.to_string()))?;
    }
    let mut start = 0;
    while start < count {
        let end = (start + TX_CONTACTS).min(count);
        let mut contacts = Batch::new("contacts", CONTACT_COLS);
        let mut household = Batch::new("household_members", HOUSEHOLD_COLS);
        let mut projects = Batch::new("projects", PROJECT_COLS);
        let mut beneficiaries = Batch::new("beneficiaries", PERSON_COLS);
        let mut subscriptions = Batch::new("subscriptions", SUBSCRIPTION_COLS);
        let mut contracts = Batch::new("contracts", CONTRACT_COLS);
        let mut insured = Batch::new("insured_persons", INSURED_COLS);
        let mut activities = Batch::new("activities", ACTIVITY_COLS);
        for k in start..end {
            let cid = new_id();
            let created = now - (rng.below(6 * 365) as i64 + 1) * DAY_MS;
            let birth = format!(
                "{}-{:02}-{:02}",
                1940 + rng.below(60),
                1 + rng.below(12),
                1 + rng.below(28)
            );
            contacts.push(vec![
                s(cid.clone()),
                s(cabinet.id.clone()),
                s("M."),
                s(format!("Prénom{k}")),
                s(format!("Nom{k}")),
                s(bench_name_key(k)),
                s(format!("c{k}@exemple.invalid")),
                s(format!("06{:08}", k)),
                s(format!("{k} rue de l'Essai")),
                s(format!("{:05}", 1000 + rng.below(94000))),
                s("Ville"),
                s(birth.clone()),
                s(if k % 5 == 0 { "client" } else { "prospect" }),
                s(supplier),
                i(500 + rng.below(3000) as i64),
                s(cabinet.admin_id.clone()),
                s(format!("Commentaire {k}")),
                i(0),
                i(created),
                i(created),
            ]);
            household.push(vec![
                s(new_id()),
                s(cabinet.id.clone()),
                s(cid.clone()),
                s(format!("Conjoint{k}")),
                s(format!("Nom{k}")),
                s("spouse"),
                s(birth.clone()),
                i(created),
                i(created),
            ]);
            let mut first_project = String::new();
            for p in 0..2 {
                let pid = new_id();
                if p == 0 {
                    first_project = pid.clone();
                }
                projects.push(vec![
                    s(pid.clone()),
                    s(cabinet.id.clone()),
                    s(cid.clone()),
                    s(TYPES[rng.below(TYPES.len() as u64) as usize]),
                    s(STATUSES[rng.below(STATUSES.len() as u64) as usize]),
                    s(supplier),
                    s(cabinet.admin_id.clone()),
                    s(format!("Projet {k}-{p}")),
                    i(created),
                    i(created),
                ]);
                beneficiaries.push(vec![
                    s(new_id()),
                    s(cabinet.id.clone()),
                    s(pid.clone()),
                    i(0),
                    s(format!("Bénéficiaire{k}")),
                    s(format!("Nom{k}")),
                    s(birth.clone()),
                    i(created),
                    i(created),
                ]);
                subscriptions.push(vec![
                    s(new_id()),
                    s(cabinet.id.clone()),
                    s(pid),
                    i(0),
                    s(format!("1{:014}", k)),
                    s("01234"),
                    s(format!("FR76{:023}", k)),
                    s("BNPAFRPP"),
                    i(created),
                    i(created),
                ]);
            }
            let kid = new_id();
            contracts.push(vec![
                s(kid.clone()),
                s(cabinet.id.clone()),
                s(first_project),
                s(cid.clone()),
                s("Assureur"),
                i(3000 + rng.below(20000) as i64),
                s("actif"),
                s(format!("1{:014}", k)),
                s("01234"),
                i(created),
                i(created),
            ]);
            insured.push(vec![
                s(new_id()),
                s(cabinet.id.clone()),
                s(kid),
                i(0),
                s(format!("Assuré{k}")),
                s(format!("Nom{k}")),
                s(birth),
                i(created),
                i(created),
            ]);
            for kind in KINDS.iter() {
                let is_msg = *kind == "messages";
                activities.push(vec![
                    s(new_id()),
                    s(cabinet.id.clone()),
                    s(cid.clone()),
                    s(*kind),
                    s(cabinet.admin_id.clone()),
                    s(format!("Titre {k}")),
                    s(format!("Texte au sujet de Nom{k}")),
                    i(created),
                    if is_msg { s("email") } else { null() },
                    if is_msg {
                        s(format!("c{k}@exemple.invalid"))
                    } else {
                        null()
                    },
                    null(),
                    null(),
                    null_i(),
                    null(),
                    i(created),
                    i(created),
                ]);
            }
            let key = new_id();
            if let Some(d) = blob_dir {
                std::fs::write(d.join(&key), format!("Document de Nom{k}\n").repeat(16))
                    .map_err(|e| ApiError::Internal(e.to_string()))?;
            }
            activities.push(vec![
                s(new_id()),
                s(cabinet.id.clone()),
                s(cid),
                s("documents"),
                s(cabinet.admin_id.clone()),
                s(format!("Pièce {k}")),
                null(),
                i(created),
                null(),
                null(),
                s(format!("piece-{k}.pdf")),
                s("application/pdf"),
                i(256),
                s(key),
                i(created),
                i(created),
            ]);
        }
        let mut tx = db.begin().await?;
        for b in [
            &mut contacts,
            &mut household,
            &mut projects,
            &mut beneficiaries,
            &mut subscriptions,
            &mut contracts,
            &mut insured,
            &mut activities,
        ] {
            written += b.flush(&mut tx).await?;
        }
        tx.commit().await?;
        start = end;
    }
    Ok(written)
}

/// Inserts `projects` projects spread over `projects / 5` light contacts (the list
/// benchmark's cabinet). Returns the number of rows written.
pub async fn seed_projects(
    db: &Db,
    cabinet: &BenchCabinet,
    projects: usize,
    seed: u64,
) -> Result<u64> {
    let mut rng = Rng(seed | 1);
    let now = now_ms();
    let per_contact = 5;
    let contacts_n = projects.div_ceil(per_contact);
    let mut written = 0;
    let mut start = 0;
    while start < contacts_n {
        let end = (start + 4 * TX_CONTACTS).min(contacts_n);
        let mut contacts = Batch::new("contacts", CONTACT_COLS);
        let mut prj = Batch::new("projects", PROJECT_COLS);
        for k in start..end {
            let cid = new_id();
            let created = now - (rng.below(10 * 365) as i64 + 1) * DAY_MS;
            contacts.push(vec![
                s(cid.clone()),
                s(cabinet.id.clone()),
                null(),
                s(format!("Prénom{k}")),
                s(format!("Nom{k}")),
                s(bench_name_key(k)),
                null(),
                null(),
                null(),
                s("75001"),
                s("Paris"),
                null(),
                s("prospect"),
                s("Liste"),
                null_i(),
                s(cabinet.admin_id.clone()),
                null(),
                i(0),
                i(created),
                i(created),
            ]);
            for p in 0..per_contact {
                if k * per_contact + p >= projects {
                    break;
                }
                let pc = created + rng.below(365) as i64 * DAY_MS;
                prj.push(vec![
                    s(new_id()),
                    s(cabinet.id.clone()),
                    s(cid.clone()),
                    s(TYPES[rng.below(TYPES.len() as u64) as usize]),
                    s(STATUSES[rng.below(STATUSES.len() as u64) as usize]),
                    s("Liste"),
                    s(cabinet.admin_id.clone()),
                    null(),
                    i(pc),
                    i(pc),
                ]);
            }
        }
        let mut tx = db.begin().await?;
        written += contacts.flush(&mut tx).await?;
        written += prj.flush(&mut tx).await?;
        tx.commit().await?;
        start = end;
    }
    Ok(written)
}

// ------------------------------------------------------------------ HTTP client

/// One HTTP/1.1 exchange over a fresh TCP connection (`Connection: close`): enough for
/// the benchmark and the crash test to talk to a real server. Returns the status, the
/// session token if one was set, and the body as JSON (Null if empty or not JSON).
pub async fn http(
    addr: &str,
    method: &str,
    path: &str,
    session: Option<&str>,
    body: Option<&serde_json::Value>,
) -> std::io::Result<(u16, Option<String>, serde_json::Value)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nX-Oubli-Request: 1\r\n"
    );
    if let Some(t) = session {
        req.push_str(&format!("Cookie: {}={t}\r\n", crate::auth::COOKIE));
    }
    if body.is_some() {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            payload.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(&payload);
    stream.write_all(req.as_bytes()).await?;
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).await?;
    let text = String::from_utf8_lossy(&buf);
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut token = None;
    let mut chunked = false;
    for line in head.lines().skip(1) {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
        if k == "set-cookie" {
            token = v
                .split(';')
                .next()
                .and_then(|kv| kv.split_once('='))
                .map(|(_, t)| t.to_string())
                .filter(|t| !t.is_empty());
        }
        if k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked") {
            chunked = true;
        }
    }
    let body = if chunked {
        let mut out = String::new();
        let mut r = rest;
        while let Some((size, tail)) = r.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 || tail.len() < n {
                break;
            }
            out.push_str(&tail[..n]);
            r = tail[n..].trim_start_matches("\r\n");
        }
        out
    } else {
        rest.to_string()
    };
    Ok((
        status,
        token,
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
    ))
}

/// Logs in over HTTP; returns the session token.
pub async fn login(addr: &str, email: &str, password: &str) -> std::io::Result<String> {
    let (status, token, _) = http(
        addr,
        "POST",
        "/api/v1/session",
        None,
        Some(&serde_json::json!({"email": email, "password": password})),
    )
    .await?;
    token
        .filter(|_| status == 200)
        .ok_or_else(|| std::io::Error::other(format!("login answered {status}")))
}

// ------------------------------------------------------------------ the benchmark

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

/// Runs the whole benchmark and prints its tables.
pub async fn run(opts: Options) -> Result<()> {
    let err = |e: std::io::Error| ApiError::Internal(e.to_string());
    let contacts_n = ((100_000.0 * opts.scale).round() as usize).max(10);
    let projects_n = ((1_000_000.0 * opts.scale).round() as usize).max(50);
    let db = Db::connect(opts.database_url.as_deref(), &opts.data_dir).await?;
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
    if db.backend == Backend::Postgres {
        // What autovacuum would have done to a database in service: statistics, and
        // the visibility map that lets index-only scans skip the table (the preview's
        // counts). Not a cache: no query result is computed in advance.
        db.raw("VACUUM ANALYZE").await?;
    } else {
        db.raw("ANALYZE").await?;
        db.checkpoint().await?;
    }
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
    db.close().await;
    Ok(())
}

/// The same data writes as the anonymization of every contact of `cabinet`, written by
/// hand as a few set-based statements in one transaction on a connection of its own
/// (same pragmas as the server's), the blobs unlinked; timed up to the commit, like
/// the job (the checkpoint/VACUUM after both is not timed). What it leaves out is the job's bookkeeping: the per-contact
/// hash-chained audit entries, chunks of members marked done, progress.
async fn baseline(db: &Db, opts: &Options, cabinet: &str, blob_dir: &Path) -> Result<Duration> {
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
    let year = |col: &str| format!("{col} = substr({col}, 1, 4) || '-01-01'");
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
    let statements = [
        format!("DELETE FROM activities WHERE contact_id IN ({sel})"),
        format!("UPDATE consents SET origin_page = NULL, ip = NULL, user_agent = NULL, updated_at = {now} WHERE contact_id IN ({sel})"),
        format!("UPDATE insured_persons SET first_name = NULL, last_name = NULL, {}, updated_at = {now} WHERE contract_id IN (SELECT id FROM contracts WHERE contact_id IN ({sel}))", year("birth_date")),
        format!("UPDATE contracts SET nir = NULL, code_organisme = NULL, updated_at = {now} WHERE contact_id IN ({sel})"),
        format!("UPDATE beneficiaries SET first_name = NULL, last_name = NULL, {}, updated_at = {now} WHERE project_id IN (SELECT id FROM projects WHERE contact_id IN ({sel}))", year("birth_date")),
        format!("UPDATE subscriptions SET nir = NULL, code_organisme = NULL, iban = NULL, bic = NULL, updated_at = {now} WHERE project_id IN (SELECT id FROM projects WHERE contact_id IN ({sel}))"),
        format!("UPDATE projects SET comment = NULL, updated_at = {now} WHERE contact_id IN ({sel})"),
        format!("UPDATE household_members SET first_name = NULL, last_name = NULL, {}, updated_at = {now} WHERE contact_id IN ({sel})", year("birth_date")),
        format!("INSERT INTO tombstones (cabinet_id, seq, contact_id, user_id, team_id, created_at, updated_at) SELECT cabinet_id, 1, id, assigned_to, NULL, {now}, {now} FROM contacts WHERE cabinet_id = '{cabinet}' AND anonymized_at IS NULL"),
        format!("UPDATE contacts SET civility = NULL, first_name = NULL, last_name = NULL, company_name = NULL, name_key = NULL, siret = NULL, email = NULL, mobile_phone = NULL, landline_phone = NULL, street = NULL, {}, lawful_basis_source = NULL, comment = NULL, anonymized_at = {now}, updated_at = {now} WHERE cabinet_id = '{cabinet}' AND anonymized_at IS NULL", year("birth_date")),
    ];
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
