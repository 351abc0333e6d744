//! Oubli's REST server. `main.rs` only parses the command line; everything else is
//! here so tests can build the router with [`app`] and call it directly.

pub mod access;
pub mod audit;
pub mod auth;
pub mod changes;
pub mod client;
pub mod db;
pub mod dev;
pub mod erasure;
pub mod error;
pub mod intake;
pub mod listing;
pub mod openapi;
pub mod routes;
pub mod store;
pub mod throttle;
pub mod wire;

/// The generators kept at their old paths (`oubli_server::seed::demo`, …).
pub use dev::{bench, seed};

use axum::Router;
use std::path::PathBuf;
use std::sync::Arc;

/// Settings of one server instance.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the SQLite file (when no DATABASE_URL) and the blob directory live.
    pub data_dir: PathBuf,
    /// The built browser app (Trunk's `dist/`), served at `/`.
    pub static_dir: Option<PathBuf>,
    /// Served over HTTPS: the session cookie is `Secure` and every response carries
    /// `Strict-Transport-Security`.
    pub secure_cookies: bool,
    /// Delays after failed logins, per email and per client address.
    pub login: throttle::LoginPolicy,
    /// Reverse proxies whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: client::TrustedProxies,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: usize,
    /// The origin this server is reached at (`https://crm.exemple.fr`), for widget
    /// snippets and the public endpoint's `Origin` check. None: taken from each
    /// request's `Host` (https when `secure_cookies`).
    pub public_origin: Option<String>,
    /// The minimum fill time of a public form (`oubli_domain::MIN_FILL_MS`; tests may
    /// lower it).
    pub lead_min_fill_ms: i64,
    /// Public submissions per client address and per widget in any minute
    /// (`oubli_domain::LEADS_PER_*_PER_MINUTE`).
    pub leads_per_address: u32,
    pub leads_per_widget: u32,
    /// Leads written in one transaction at most (`intake::writer`); 1 writes them one
    /// at a time (the bench's baseline).
    pub lead_batch: usize,
}

impl Config {
    pub fn new(data_dir: PathBuf) -> Self {
        Config {
            data_dir,
            static_dir: None,
            secure_cookies: false,
            login: throttle::LoginPolicy::default(),
            trusted_proxies: client::TrustedProxies::default(),
            max_upload_bytes: 20 * 1024 * 1024,
            public_origin: None,
            lead_min_fill_ms: oubli_domain::MIN_FILL_MS,
            leads_per_address: oubli_domain::LEADS_PER_ADDRESS_PER_MINUTE,
            leads_per_widget: oubli_domain::LEADS_PER_WIDGET_PER_MINUTE,
            lead_batch: intake::writer::MAX_BATCH,
        }
    }

    /// Uploaded documents, one file per document, named by a random key.
    pub fn blob_dir(&self) -> PathBuf {
        self.data_dir.join("blobs")
    }
}

/// Shared by every request. The server keeps no other state: sessions and data live
/// in the database, so several instances can serve one PostgreSQL.
#[derive(Clone)]
pub struct AppState {
    pub db: db::Db,
    pub cfg: Arc<Config>,
    pub throttle: Arc<throttle::LoginThrottle>,
    /// Totals of the contacts and projects lists (see `listing::TotalCache`).
    pub totals: Arc<listing::TotalCache>,
    /// Rate windows of the public lead endpoint (in memory: see `intake::rate`).
    pub lead_rates: Arc<intake::rate::RateWindows>,
    /// The task that writes leads in batches (`intake::writer`).
    pub intake: Arc<intake::Intake>,
}

impl AppState {
    pub fn new(db: db::Db, cfg: Config) -> Self {
        let throttle = Arc::new(throttle::LoginThrottle::new(cfg.login.clone()));
        AppState {
            intake: Arc::new(intake::Intake::new(db.clone(), cfg.lead_batch)),
            db,
            cfg: Arc::new(cfg),
            throttle,
            totals: Arc::default(),
            lead_rates: Arc::default(),
        }
    }
}

/// The whole HTTP application: API under `/api/v1`, the browser app elsewhere.
pub fn app(state: AppState) -> Router {
    // The document lists the routes, so it is merged here, above them, not by them.
    let api = routes::router()
        .merge(openapi::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::audit_refusals,
        ))
        .layer(axum::middleware::from_fn(auth::csrf))
        .layer(axum::extract::DefaultBodyLimit::max(
            state.cfg.max_upload_bytes + 64 * 1024,
        ));
    // The widget page is served whether or not the app's files are (its neutral page
    // needs none of them).
    let mut router = Router::new()
        .nest("/api/v1", api)
        .route("/w/{key}", axum::routing::get(routes::leads::page::serve))
        .route(
            "/w/{key}/preview",
            axum::routing::get(routes::leads::page::preview),
        );
    if let Some(dir) = &state.cfg.static_dir {
        // The administration and the offline view are wasm modules of their own,
        // built into dist/admin/ and dist/hors-ligne/ (src/admin/, src/offline/);
        // their paths fall back to their own index.html.
        router = router
            .nest_service("/admin", wire::app_files(&dir.join("admin")))
            .nest_service("/hors-ligne", wire::app_files(&dir.join("hors-ligne")))
            .fallback_service(wire::app_files(dir));
    }
    if state.cfg.secure_cookies {
        // Served over HTTPS: browsers must not come back over plain HTTP, where the
        // session cookie (Secure) would be missing and a network attacker could answer.
        router = router.layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            axum::http::HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    wire::layers(router).with_state(state)
}
