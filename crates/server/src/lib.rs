//! Oubli's REST server. `main.rs` only parses the command line; everything else is
//! here so tests can build the router with [`app`] and call it directly.

pub mod access;
pub mod audit;
pub mod auth;
pub mod changes;
pub mod db;
pub mod dev;
pub mod erasure;
pub mod error;
pub mod listing;
pub mod openapi;
pub mod routes;
pub mod store;
pub mod wire;

/// The generators kept at their old paths (`oubli_server::seed::demo`, …).
pub use dev::{bench, seed};

use axum::Router;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Settings of one server instance.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the SQLite file (when no DATABASE_URL) and the blob directory live.
    pub data_dir: PathBuf,
    /// The built browser app (Trunk's `dist/`), served at `/`.
    pub static_dir: Option<PathBuf>,
    /// Mark the session cookie `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Failed logins allowed per email and per client within `login_window`.
    pub login_max_failures: usize,
    pub login_window: Duration,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: usize,
}

impl Config {
    pub fn new(data_dir: PathBuf) -> Self {
        Config {
            data_dir,
            static_dir: None,
            secure_cookies: false,
            login_max_failures: 5,
            login_window: Duration::from_secs(15 * 60),
            max_upload_bytes: 20 * 1024 * 1024,
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
    pub limiter: Arc<auth::LoginLimiter>,
    /// Totals of the contacts and projects lists (see `listing::TotalCache`).
    pub totals: Arc<listing::TotalCache>,
}

impl AppState {
    pub fn new(db: db::Db, cfg: Config) -> Self {
        let limiter = Arc::new(auth::LoginLimiter::new(
            cfg.login_max_failures,
            cfg.login_window,
        ));
        AppState {
            db,
            cfg: Arc::new(cfg),
            limiter,
            totals: Arc::default(),
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
    let mut router = Router::new().nest("/api/v1", api);
    if let Some(dir) = &state.cfg.static_dir {
        router = router.fallback_service(wire::app_files(dir));
    }
    wire::layers(router).with_state(state)
}
