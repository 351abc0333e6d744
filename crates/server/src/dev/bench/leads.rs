//! Part (d) of the benchmark: lead intake over HTTP on loopback (issue 16). The real
//! router on a real TCP listener, a cabinet with a current CGU and an active lead form
//! (created through the admin API), form tokens taken from the public definition as a
//! widget would, then valid leads, each a new person, fired by `connections` keep-alive
//! clients at once. Every lead is its own request and its own transaction.
//!
//! The product's rules stay what they are, except the two rate windows, which a
//! measurement from one address onto one widget would hit at once: this server is
//! started with them raised (`Config::leads_per_address`, `leads_per_widget`), and the
//! output says so. The minimum fill time is kept: the tokens are fetched first, and
//! the submissions start once the last of them is old enough. At the end, the contacts,
//! projects and CGU consents of the cabinet are counted: every lead sent must be
//! stored (the endpoint answers the same 201 to a dropped submission).
//!
//! The cabinet is one in service: it holds [`IN_SERVICE`] contacts already (with their
//! projects, contracts and activities), and the database's statistics are gathered
//! before the leads come, as autovacuum does on a database in production (this
//! machine's PostgreSQL runs with autovacuum off; without statistics its planner reads
//! every contact of the cabinet to find a lead's email). The counts of stored rows are
//! taken before and after.

use super::{http, login, ms, pct};
use crate::db::rows::n;
use crate::db::{now_ms, Db};
use crate::error::{ApiError, Result};
use sea_query::{Expr, Query};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The host site the bench's widget allows.
const SITE: &str = "https://courtier.exemple.fr";
/// Targets of issue 16.
pub const TARGET_LEADS_PER_S: f64 = 1500.0;
pub const TARGET_P99_MS: f64 = 50.0;
/// The contacts the bench cabinet holds before the first lead.
pub const IN_SERVICE: usize = 5_000;

/// What part (d) measured.
#[derive(Debug, Clone)]
pub struct LeadReport {
    pub backend: &'static str,
    pub connections: usize,
    /// Leads per transaction at most: the product's, or 1 (the baseline).
    pub batch: usize,
    /// Submissions sent (one request each).
    pub sent: usize,
    /// Answered 201.
    pub accepted: usize,
    /// Answered anything else, or failed on the wire.
    pub errors: usize,
    /// Rows the leads created in the bench cabinet (after minus before).
    pub contacts: i64,
    pub projects: i64,
    pub cgu_consents: i64,
    pub elapsed: Duration,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// The raised rate windows this server ran with.
    pub per_address: u32,
    pub per_widget: u32,
}

impl LeadReport {
    pub fn leads_per_s(&self) -> f64 {
        self.sent as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Every lead stored once, no error.
    pub fn all_stored(&self) -> bool {
        let sent = self.sent as i64;
        self.errors == 0
            && self.accepted == self.sent
            && self.contacts == sent
            && self.projects == sent
            && self.cgu_consents == sent
    }

    pub fn targets_met(&self) -> bool {
        self.all_stored()
            && self.leads_per_s() >= TARGET_LEADS_PER_S
            && self.p99_ms <= TARGET_P99_MS
    }

    /// The table of part (d): the product's writer, and the same leads written one per
    /// transaction beside it (the baseline, measured in the same run).
    pub fn print_table(rows: &[LeadReport]) {
        let Some(first) = rows.first() else { return };
        println!(
            "(d) Lead intake over HTTP on loopback: POST /api/v1/public/widgets/{{key}}/leads, \
             {} keep-alive connections, each lead a new person (contact, household member, \
             project, CGU and marketing consents, receipt, audit entry), into a cabinet \
             holding {} contacts already, statistics gathered first (untimed)",
            first.connections, IN_SERVICE
        );
        println!("| what | leads | time | leads/s | p50 | p99 | target |");
        println!("|---|---:|---:|---:|---:|---:|---|");
        for r in rows {
            let target = if r.batch > 1 {
                format!(
                    "≥ {} leads/s, p99 ≤ {} ms: {}",
                    TARGET_LEADS_PER_S,
                    TARGET_P99_MS,
                    if r.targets_met() { "ok" } else { "MISSED" }
                )
            } else {
                "baseline".to_string()
            };
            println!(
                "| lead intake, {}, {} | {} | {:.2} s | {:.0} | {:.1} ms | {:.1} ms | {} |",
                r.backend,
                if r.batch > 1 {
                    format!("batches of up to {} leads (the product)", r.batch)
                } else {
                    "one lead per transaction".to_string()
                },
                r.sent,
                r.elapsed.as_secs_f64(),
                r.leads_per_s(),
                r.p50_ms,
                r.p99_ms,
                target
            );
        }
        for r in rows {
            println!(
                "stored ({}): {} contacts, {} projects, {} CGU consents for {} leads sent ({} answered 201, {} errors): {}",
                if r.batch > 1 { "product" } else { "baseline" },
                r.contacts,
                r.projects,
                r.cgu_consents,
                r.sent,
                r.accepted,
                r.errors,
                if r.all_stored() {
                    "every lead stored"
                } else {
                    "LEADS LOST"
                }
            );
        }
        println!(
            "Rate limits RAISED for this measurement only (bench configuration: {} per address, \
             {} per widget per minute; the product's rule is {} and {}); minimum fill time kept \
             ({} ms: the form tokens were fetched first, untimed).\n",
            first.per_address,
            first.per_widget,
            oubli_domain::LEADS_PER_ADDRESS_PER_MINUTE,
            oubli_domain::LEADS_PER_WIDGET_PER_MINUTE,
            oubli_domain::MIN_FILL_MS,
        );
    }
}

/// A keep-alive HTTP/1.1 connection: one request at a time, the answer read by its
/// `Content-Length` (or chunks).
struct Conn {
    stream: BufReader<TcpStream>,
}

impl Conn {
    async fn open(addr: &str) -> std::io::Result<Conn> {
        let s = TcpStream::connect(addr).await?;
        s.set_nodelay(true)?;
        Ok(Conn {
            stream: BufReader::new(s),
        })
    }

    /// Sends a whole prepared request; returns the status and the body.
    async fn send(&mut self, req: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
        self.stream.get_mut().write_all(req).await?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let (mut length, mut chunked) = (0usize, false);
        loop {
            line.clear();
            if self.stream.read_line(&mut line).await? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let v = v.trim();
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.parse().unwrap_or(0);
                } else if k.eq_ignore_ascii_case("transfer-encoding")
                    && v.eq_ignore_ascii_case("chunked")
                {
                    chunked = true;
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.stream.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim(), 16)
                    .map_err(|_| std::io::Error::other("bad chunk size"))?;
                let mut chunk = vec![0; size + 2];
                self.stream.read_exact(&mut chunk).await?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else {
            body.resize(length, 0);
            self.stream.read_exact(&mut body).await?;
        }
        Ok((status, body))
    }
}

fn request(method: &str, path: &str, addr: &str, extra: &str, body: &str) -> Vec<u8> {
    let mut r = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}");
    if !body.is_empty() {
        r.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    r.push_str("\r\n");
    r.push_str(body);
    r.into_bytes()
}

/// A synthetic name from a number (letters only, as names are).
fn letters(mut i: usize) -> String {
    let mut s = Vec::new();
    for _ in 0..5 {
        s.push(b'a' + (i % 26) as u8);
        i /= 26;
    }
    s[4] = s[4].to_ascii_uppercase();
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

type Answer = (u16, Duration, Vec<u8>);

/// Runs `jobs` over `connections` keep-alive connections, each request once; returns
/// per request its status (0: failed on the wire), latency and body. The client runs
/// on a thread and a runtime of its own, as a load tool in another process would: its
/// tasks do not wait in the server's queue, nor the server's in its.
async fn fire(addr: &str, connections: usize, jobs: Arc<Vec<Vec<u8>>>) -> Vec<Answer> {
    let (addr, n) = (addr.to_string(), jobs.len());
    let client = tokio::task::spawn_blocking(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(|rt| rt.block_on(fire_here(&addr, connections, jobs)))
    });
    match client.await {
        Ok(Ok(all)) => all,
        // No runtime for the client: every request counted as failed.
        _ => vec![(0, Duration::ZERO, Vec::new()); n],
    }
}

async fn fire_here(addr: &str, connections: usize, jobs: Arc<Vec<Vec<u8>>>) -> Vec<Answer> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..connections.max(1) {
        let (addr, jobs, next) = (addr.to_string(), jobs.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            let mut conn = Conn::open(&addr).await.ok();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(req) = jobs.get(i) else { break };
                let t = Instant::now();
                let res = match conn.as_mut() {
                    Some(c) => c.send(req).await,
                    None => Err(std::io::ErrorKind::NotConnected.into()),
                };
                let elapsed = t.elapsed();
                let (status, body) = match res {
                    Ok(r) => r,
                    Err(e) => {
                        // A broken connection: counted as an error, and a new one.
                        conn = Conn::open(&addr).await.ok();
                        (0, e.to_string().into_bytes())
                    }
                };
                out.push((i, status, elapsed, body));
            }
            out
        }));
    }
    let mut all = vec![(0u16, Duration::ZERO, Vec::new()); jobs.len()];
    for t in tasks {
        for (i, s, d, b) in t.await.unwrap_or_default() {
            all[i] = (s, d, b);
        }
    }
    all
}

async fn count(db: &Db, table: &'static str, cabinet: &str, cgu_only: bool) -> Result<i64> {
    let mut q = Query::select();
    q.expr(Expr::col(n("id")).count())
        .from(n(table))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet));
    if cgu_only {
        q.and_where(Expr::col(n("purpose")).eq(oubli_domain::ConsentPurpose::Cgu.as_str()));
    }
    let mut tx = db.read().await?;
    let v = tx.int(&q).await?;
    tx.commit().await?;
    Ok(v)
}

/// The cabinet's contacts, projects and CGU consents.
async fn stored(db: &Db, cabinet: &str) -> Result<[i64; 3]> {
    Ok([
        count(db, "contacts", cabinet, false).await?,
        count(db, "projects", cabinet, false).await?,
        count(db, "consents", cabinet, true).await?,
    ])
}

/// Part (d): `leads` valid submissions over `connections` connections, on a server of
/// its own over `db` (its blobs and audit key under `data_dir`), in a new cabinet,
/// written `batch` leads per transaction at most.
pub async fn lead_intake(
    db: &Db,
    data_dir: &Path,
    leads: usize,
    connections: usize,
    batch: usize,
) -> Result<LeadReport> {
    let err = |e: std::io::Error| ApiError::Internal(e.to_string());
    let stamp = now_ms();
    let pw = crate::seed::DEMO_PASSWORD;
    let cab = super::cabinet(
        db,
        &format!("Banc D {stamp}"),
        &format!("d-{stamp}@bench.invalid"),
        &crate::auth::hash_password(pw),
    )
    .await?;
    // A cabinet in service, and its statistics (untimed).
    super::seed_contacts(db, &cab, IN_SERVICE, "Banc", None, 11).await?;
    super::gather_statistics(db).await?;
    let before = stored(db, &cab.id).await?;

    // The bench configuration: the product's, with the two rate windows raised.
    let mut cfg = crate::Config::new(data_dir.to_path_buf());
    cfg.leads_per_address = u32::MAX;
    cfg.leads_per_widget = u32::MAX;
    cfg.lead_batch = batch;
    let (per_address, per_widget, min_fill) = (
        cfg.leads_per_address,
        cfg.leads_per_widget,
        cfg.lead_min_fill_ms,
    );
    let state = crate::AppState::new(db.clone(), cfg);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(err)?;
    let addr = listener.local_addr().map_err(err)?.to_string();
    let app = crate::app(state);
    let server = tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await;
    });
    let res = run_against(&addr, &cab, leads, connections, min_fill).await;
    server.abort();
    let (sent, accepted, errors, elapsed, mut times) = res?;
    times.sort_by(f64::total_cmp);
    let after = stored(db, &cab.id).await?;
    Ok(LeadReport {
        backend: db.backend.name(),
        connections,
        batch,
        sent,
        accepted,
        errors,
        contacts: after[0] - before[0],
        projects: after[1] - before[1],
        cgu_consents: after[2] - before[2],
        elapsed,
        p50_ms: pct(&times, 50.0),
        p99_ms: pct(&times, 99.0),
        per_address,
        per_widget,
    })
}

type Fired = (usize, usize, usize, Duration, Vec<f64>);

async fn run_against(
    addr: &str,
    cab: &super::BenchCabinet,
    leads: usize,
    connections: usize,
    min_fill_ms: i64,
) -> Result<Fired> {
    let err = |e: std::io::Error| ApiError::Internal(e.to_string());
    let bad = |what: &str, st: u16, v: &serde_json::Value| {
        ApiError::Internal(format!("{what} answered {st}: {v}"))
    };
    // The admin's setup, through the admin API: a current CGU, an active lead form.
    let tok = login(addr, &cab.admin_email, crate::seed::DEMO_PASSWORD)
        .await
        .map_err(err)?;
    let (st, _, cgu) = http(
        addr,
        "POST",
        "/api/v1/cgu-versions",
        Some(&tok),
        Some(&serde_json::json!({"title": "CGU du banc",
            "text": "Conditions générales d'utilisation du formulaire du banc d'essai."})),
    )
    .await
    .map_err(err)?;
    if st != 201 {
        return Err(bad("cgu-versions", st, &cgu));
    }
    let (st, _, w) = http(
        addr,
        "POST",
        "/api/v1/widgets",
        Some(&tok),
        Some(
            &serde_json::json!({"kind": "lead_form", "name": "Formulaire du banc",
            "allowed_origins": [SITE], "project_type": "sante", "supplier": "Site web"}),
        ),
    )
    .await
    .map_err(err)?;
    if st != 201 {
        return Err(bad("widgets", st, &w));
    }
    let key = w["key"].as_str().unwrap_or_default().to_string();

    // One form drawn per lead, as the widget does (untimed), each with its token.
    let def = request(
        "GET",
        &format!("/api/v1/public/widgets/{key}"),
        addr,
        "",
        "",
    );
    let defs = fire(addr, connections, Arc::new(vec![def; leads])).await;
    let fetched = Instant::now();
    let mut bodies = Vec::with_capacity(leads);
    let path = format!("/api/v1/public/widgets/{key}/leads");
    let headers = format!("Origin: {SITE}\r\nUser-Agent: oubli-bench/1\r\n");
    for (i, (st, _, body)) in defs.iter().enumerate() {
        let d: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        if *st != 200 {
            return Err(bad("the widget's definition", *st, &d));
        }
        let lead = serde_json::json!({
            "contact": {"civility": if i % 2 == 0 { "mme" } else { "m" },
                        "first_name": "Camille", "last_name": format!("Banc {}", letters(i)),
                        "email": format!("lead-{i}@banc.exemple.fr"),
                        "mobile_phone": format!("07{:08}", i % 100_000_000),
                        "postal_code": "69003"},
            "project": {"comment": "Une mutuelle pour la famille"},
            "household": [{"relation": "child", "birth_date": "2015-04-02"}],
            "cgu": {"accepted": true, "version_id": d["cgu"]["version_id"], "sha256": d["cgu"]["sha256"]},
            "marketing_consent": true,
            "page": format!("{SITE}/devis"),
            "website": "",
            "form_token": d["form_token"],
            "widget_build": "bench-1",
        });
        bodies.push(request("POST", &path, addr, &headers, &lead.to_string()));
    }
    // The minimum fill time, from the last form drawn (a margin for clock steps).
    let wait = Duration::from_millis(min_fill_ms.max(0) as u64 + 250);
    tokio::time::sleep(wait.saturating_sub(fetched.elapsed())).await;

    let t = Instant::now();
    let answers = fire(addr, connections, Arc::new(bodies)).await;
    let elapsed = t.elapsed();
    let accepted = answers.iter().filter(|a| a.0 == 201).count();
    if let Some((st, _, b)) = answers.iter().find(|a| a.0 != 201) {
        eprintln!(
            "(d) first refused lead: {st} {}",
            String::from_utf8_lossy(b)
        );
    }
    let times = answers.iter().map(|a| ms(a.1)).collect();
    Ok((leads, accepted, leads - accepted, elapsed, times))
}
