//! Starts Oubli: `oubli-server [--demo] [--data-dir DIR] [--bind ADDR] [--static-dir DIR]`,
//! `oubli-server audit verify`, `oubli-server openapi`,
//! `oubli-server bench [--scale F] [--leads N] [--lead-connections C] [--only-leads]
//! [--database-url URL]`, `oubli-server bench-cabinet --contacts N`.

use clap::{Parser, Subcommand};
use oubli_server::client::TrustedProxies;
use oubli_server::{app, audit, db::Db, seed, AppState, Config};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "oubli-server",
    about = "Oubli — CRM RGPD pour cabinets de courtage"
)]
struct Cli {
    /// SQLite file and uploaded documents live here (unless DATABASE_URL is set).
    #[arg(long, env = "OUBLI_DATA_DIR", default_value = "./data", global = true)]
    data_dir: PathBuf,
    /// PostgreSQL URL (postgres://…); SQLite in --data-dir when absent.
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    #[arg(long, env = "OUBLI_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// The built browser app (Trunk's dist/).
    #[arg(long, env = "OUBLI_STATIC_DIR", default_value = "dist")]
    static_dir: PathBuf,
    /// Create the demo cabinets and data (idempotent).
    #[arg(long)]
    demo: bool,
    /// Served over HTTPS: mark the session cookie Secure and send
    /// Strict-Transport-Security.
    #[arg(long, env = "OUBLI_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Reverse proxies whose X-Forwarded-For names the client: comma-separated IPs
    /// or CIDRs (e.g. "127.0.0.1,10.0.0.0/8"). None by default: the socket peer is the
    /// client.
    #[arg(long, env = "OUBLI_TRUSTED_PROXIES", default_value = "", value_parser = TrustedProxies::parse)]
    trusted_proxies: TrustedProxies,
    /// The origin browsers reach this server at (e.g. "https://crm.exemple.fr"): put
    /// in widget snippets and accepted as the widget pages' own origin. Default: each
    /// request's Host.
    #[arg(long, env = "OUBLI_PUBLIC_ORIGIN")]
    public_origin: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        what: AuditCmd,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Generate a large cabinet and measure bulk erasure, the projects list and the
    /// preview, and lead intake over HTTP (README "Benchmark"). SQLite in a temporary
    /// directory unless --database-url/DATABASE_URL names a PostgreSQL database.
    Bench {
        /// Multiplies the sizes: 1 = 100,000 contacts and 1,000,000 projects.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Part (d): valid leads sent to the public widget endpoint (0 skips it).
        #[arg(long, default_value_t = 3000)]
        leads: usize,
        /// Part (d): concurrent keep-alive connections sending them.
        #[arg(long, default_value_t = 16)]
        lead_connections: usize,
        /// Run part (d) only (no large cabinets generated).
        #[arg(long)]
        only_leads: bool,
    },
    /// Add a cabinet whose admin sees N generated contacts (with their projects,
    /// contracts and activities), for the offline cache's benchmark
    /// (end2end/offline-bench.spec.ts); prints its admin's login as JSON.
    BenchCabinet {
        #[arg(long, default_value_t = 10_000)]
        contacts: usize,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Check every cabinet's keyed hash chain; exit 1 naming the first broken entry.
    Verify {
        /// A head printed earlier by `audit export-head` and kept outside the
        /// database: also check that no entry up to it was removed.
        #[arg(long)]
        head: Option<PathBuf>,
    },
    /// Print the signed head of every cabinet's chain (JSON), to keep elsewhere.
    ExportHead,
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        use utoipa::OpenApi;
        println!(
            "{}",
            oubli_server::openapi::ApiDoc::openapi()
                .to_pretty_json()
                .unwrap_or_default()
        );
        return;
    }
    if let Some(Command::Bench {
        scale,
        leads,
        lead_connections,
        only_leads,
    }) = cli.command
    {
        if !(scale > 0.0 && scale <= 10.0) {
            eprintln!("--scale doit être compris entre 0 (exclu) et 10.");
            std::process::exit(2);
        }
        if !(1..=1024).contains(&lead_connections) || leads > 10_000_000 {
            eprintln!("--lead-connections : de 1 à 1024 ; --leads : au plus 10 000 000.");
            std::process::exit(2);
        }
        if only_leads && leads == 0 {
            eprintln!("--only-leads demande --leads supérieur à 0.");
            std::process::exit(2);
        }
        let dir = std::env::temp_dir().join(format!("oubli-bench-{}", std::process::id()));
        let res = oubli_server::bench::run(oubli_server::bench::Options {
            scale,
            database_url: cli.database_url.clone(),
            data_dir: dir.clone(),
            leads,
            lead_connections,
            only_leads,
        })
        .await;
        // OUBLI_BENCH_KEEP=1 keeps the SQLite file and blobs for a look afterwards.
        if std::env::var_os("OUBLI_BENCH_KEEP").is_some() {
            eprintln!("Données du banc conservées dans {}", dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&dir);
        }
        if let Err(e) = res {
            eprintln!("Banc d'essai interrompu : {e:?}");
            std::process::exit(1);
        }
        return;
    }
    let db = match Db::connect(cli.database_url.as_deref(), &cli.data_dir).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("Impossible d'ouvrir la base de données : {e}");
            std::process::exit(2);
        }
    };
    if let Some(Command::BenchCabinet { contacts }) = cli.command {
        std::process::exit(bench_cabinet(&db, &cli.data_dir, contacts).await);
    }
    if let Some(Command::Audit { what }) = &cli.command {
        std::process::exit(audit_command(&db, what).await);
    }
    if cli.demo {
        let t = std::time::Instant::now();
        match seed::demo(&db).await {
            Ok(created) => tracing::info!(
                created,
                elapsed_ms = t.elapsed().as_millis() as u64,
                "demo data ready"
            ),
            Err(e) => {
                eprintln!("Échec de la création des données de démonstration : {e:?}");
                std::process::exit(2);
            }
        }
    }
    let mut cfg = Config::new(cli.data_dir.clone());
    cfg.secure_cookies = cli.secure_cookies;
    cfg.trusted_proxies = cli.trusted_proxies.clone();
    if let Some(o) = &cli.public_origin {
        match oubli_domain::validate::web_origin(o) {
            Ok(o) => cfg.public_origin = Some(o),
            Err(m) => {
                eprintln!("OUBLI_PUBLIC_ORIGIN : {m}");
                std::process::exit(2);
            }
        }
    }
    if cli.static_dir.join("index.html").exists() {
        cfg.static_dir = Some(cli.static_dir.clone());
    } else {
        tracing::warn!(dir = %cli.static_dir.display(), "no built app found; serving the API only");
    }
    match oubli_server::erasure::resume_pending(&db, cfg.blob_dir()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(count = n, "resuming interrupted erasures"),
        Err(e) => tracing::error!(error = ?e, "could not resume interrupted erasures"),
    }
    // This instance's share of the erasure jobs: its own, other instances' on the same
    // PostgreSQL, and any a crash interrupted (claims keep them from overlapping).
    let _worker = oubli_server::erasure::spawn_worker(
        db.clone(),
        cfg.blob_dir(),
        std::time::Duration::from_millis(
            std::env::var("OUBLI_WORKER_POLL_MS")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(2000),
        ),
    );
    let state = AppState::new(db, cfg);
    let listener = match tokio::net::TcpListener::bind(&cli.bind).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("Impossible d'écouter sur {} : {e}", cli.bind);
            std::process::exit(2);
        }
    };
    tracing::info!(addr = %cli.bind, backend = state.db.backend.name(), "Oubli listening on http://{}", cli.bind);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    {
        eprintln!("Serveur arrêté : {e}");
        std::process::exit(1);
    }
}

/// `audit verify [--head FILE]` and `audit export-head`: the exit code.
async fn audit_command(db: &Db, what: &AuditCmd) -> i32 {
    match what {
        AuditCmd::ExportHead => match audit::export_head(db).await {
            Ok(h) => {
                println!("{}", serde_json::to_string_pretty(&h).unwrap_or_default());
                0
            }
            Err(e) => {
                eprintln!("Export impossible : {e:?}");
                2
            }
        },
        AuditCmd::Verify { head } => {
            let head = match head {
                None => None,
                Some(p) => match std::fs::read_to_string(p)
                    .ok()
                    .and_then(|s| serde_json::from_str::<audit::Head>(&s).ok())
                {
                    Some(h) => Some(h),
                    None => {
                        eprintln!(
                            "{} : tête illisible (attendu : la sortie de « audit export-head »).",
                            p.display()
                        );
                        return 2;
                    }
                },
            };
            match audit::verify_against(db, head.as_ref()).await {
                Ok(Ok(n)) if head.is_some() => {
                    println!(
                        "Journal d'audit intègre : {n} entrées vérifiées, tête exportée retrouvée."
                    );
                    0
                }
                Ok(Ok(n)) => {
                    println!("Journal d'audit intègre : {n} entrées vérifiées.");
                    0
                }
                Ok(Err(broken)) => {
                    eprintln!("{broken}");
                    1
                }
                Err(e) => {
                    eprintln!("Vérification impossible : {e:?}");
                    2
                }
            }
        }
    }
}

/// `bench-cabinet`: a cabinet, its admin (the demo password), `contacts` contacts.
async fn bench_cabinet(db: &Db, data_dir: &std::path::Path, contacts: usize) -> i32 {
    if !(1..=200_000).contains(&contacts) {
        eprintln!("--contacts : de 1 à 200 000.");
        return 2;
    }
    let stamp = oubli_server::db::now_ms();
    let email = format!("hors-ligne-{stamp}@bench.invalid");
    let hash = oubli_server::auth::hash_password(seed::DEMO_PASSWORD);
    let made = async {
        let cab =
            oubli_server::bench::cabinet(db, &format!("Banc hors ligne {stamp}"), &email, &hash)
                .await?;
        let blobs = data_dir.join("blobs");
        oubli_server::bench::seed_contacts(db, &cab, contacts, "Banc", Some(&blobs), 17).await?;
        Ok::<_, oubli_server::error::ApiError>(cab)
    };
    match made.await {
        Ok(cab) => {
            println!(
                "{}",
                serde_json::json!({"email": email, "password": seed::DEMO_PASSWORD,
                    "user_id": cab.admin_id, "contacts": contacts})
            );
            0
        }
        Err(e) => {
            eprintln!("Cabinet de banc non créé : {e:?}");
            1
        }
    }
}
