//! One data-access layer for SQLite and PostgreSQL.
//!
//! Queries are built with sea-query and rendered in the dialect of the backend in use,
//! then run through sqlx's `Any` driver, so there is exactly one copy of every query.
//! Filters are composed as expressions, never concatenated from strings. Each backend
//! has its own migrations (`migrations/sqlite`, `migrations/postgres`).

use sea_query::{PostgresQueryBuilder, QueryBuilder, SqliteQueryBuilder};
use sea_query_binder::{SqlxBinder, SqlxValues};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, FromRow, Row};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub mod audit_key;
pub mod name_keys;
pub mod rows;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The database: a read pool and a write pool. On SQLite the write pool holds a single
/// connection, so writers queue in the application instead of failing with
/// SQLITE_BUSY when two deferred transactions try to upgrade at once; readers are not
/// blocked thanks to WAL. On PostgreSQL both are the same pool.
#[derive(Clone)]
pub struct Db {
    read: AnyPool,
    write: AnyPool,
    pub backend: Backend,
    /// The SQLite file, when on SQLite (erasure checkpoints and tests read it).
    pub sqlite_path: Option<std::path::PathBuf>,
    /// The key of the audit chain ([`audit_key`]), outside the database.
    pub audit_key: std::sync::Arc<audit_key::AuditKey>,
    /// Statements run through a [`Tx`] since the pools opened (every `exec`, `all`,
    /// `opt`, `int`): tests count what a request costs, and a batch loader that
    /// slips into one query per row shows here.
    statements: std::sync::Arc<AtomicU64>,
}

/// Until [`Db::connect`] has read the log and loaded the real key: never used to write.
fn placeholder_key() -> std::sync::Arc<audit_key::AuditKey> {
    std::sync::Arc::new(audit_key::AuditKey::from_bytes([0; 32]))
}

const SQLITE_PRAGMAS: &[&str] = &[
    "PRAGMA foreign_keys = ON",
    // Erased values are overwritten with zeros in the file, not just unlinked.
    "PRAGMA secure_delete = ON",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA synchronous = NORMAL",
];

impl Db {
    /// Opens `url` (`postgres://…`) or, without one, the SQLite file `data_dir/oubli.db`,
    /// and applies the migrations.
    pub async fn connect(url: Option<&str>, data_dir: &Path) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let db = match url {
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                // No ping before each use (a round trip per transaction, the most
                // frequent statement of all); a connection idle for a minute is closed
                // instead, and one broken meanwhile fails its request, not the server.
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .test_before_acquire(false)
                    .idle_timeout(Duration::from_secs(60))
                    .acquire_timeout(Duration::from_secs(30))
                    .connect(u)
                    .await?;
                Db {
                    read: pool.clone(),
                    write: pool,
                    backend: Backend::Postgres,
                    sqlite_path: None,
                    audit_key: placeholder_key(),
                    statements: Default::default(),
                }
            }
            Some(u) => {
                return Err(sqlx::Error::Configuration(
                    format!(
                        "unsupported DATABASE_URL scheme: {}",
                        u.split(':').next().unwrap_or("")
                    )
                    .into(),
                ))
            }
            None => {
                std::fs::create_dir_all(data_dir).map_err(sqlx::Error::Io)?;
                let path = data_dir.join("oubli.db");
                let url = format!("sqlite://{}?mode=rwc", path.display());
                // WAL is a property of the file: set it once before the pools open.
                {
                    use sqlx::Connection;
                    let mut c = sqlx::AnyConnection::connect(&url).await?;
                    sqlx::query("PRAGMA journal_mode = WAL")
                        .execute(&mut c)
                        .await?;
                    c.close().await?;
                }
                // A connection to a file cannot go stale: no ping before each use (it
                // cost a round trip to the connection's thread per transaction).
                let opts = || {
                    AnyPoolOptions::new()
                        .test_before_acquire(false)
                        .after_connect(|conn, _| {
                            Box::pin(async move {
                                for p in SQLITE_PRAGMAS {
                                    sqlx::query(p).execute(&mut *conn).await?;
                                }
                                Ok(())
                            })
                        })
                };
                let write = opts().max_connections(1).connect(&url).await?;
                let read = opts().max_connections(8).connect(&url).await?;
                Db {
                    read,
                    write,
                    backend: Backend::Sqlite,
                    sqlite_path: Some(path),
                    audit_key: placeholder_key(),
                    statements: Default::default(),
                }
            }
        };
        // Migration 0009 adds contacts.name_key, which only Rust can compute: the rows
        // written before it get theirs right after, once.
        let had_name_keys = db.applied(9).await;
        let mut db = db;
        db.migrate().await?;
        if !had_name_keys {
            name_keys::fill_name_keys(&db).await?;
        }
        // Whether the log holds any entry (one row read, not a count of the table).
        let log_is_empty = sqlx::query_scalar::<_, i64>("SELECT 1 FROM audit_log LIMIT 1")
            .fetch_optional(&db.write)
            .await?
            .is_none();
        db.audit_key = std::sync::Arc::new(
            audit_key::AuditKey::load(data_dir, log_is_empty)
                .map_err(|m| sqlx::Error::Configuration(m.into()))?,
        );
        Ok(db)
    }

    /// The same database through a pool of its own of at most `connections`, opened in
    /// the caller's runtime (PostgreSQL: its sockets wake that runtime's tasks, not
    /// another's). On SQLite the same pools: their connections live on threads of
    /// their own, whatever the runtime, and writes go through one connection.
    pub async fn own_pool(&self, connections: u32) -> Result<Db, sqlx::Error> {
        if self.backend == Backend::Sqlite {
            return Ok(self.clone());
        }
        let options = (*self.write.connect_options()).clone();
        let pool = AnyPoolOptions::new()
            .max_connections(connections)
            .test_before_acquire(false)
            .idle_timeout(Duration::from_secs(60))
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        Ok(Db {
            read: pool.clone(),
            write: pool,
            ..self.clone()
        })
    }

    /// Whether migration `version` was applied before (false on a new database).
    async fn applied(&self, version: i64) -> bool {
        sqlx::query_scalar::<_, i64>(&format!(
            "SELECT COUNT(*) FROM _sqlx_migrations WHERE version = {version}"
        ))
        .fetch_one(&self.write)
        .await
        .is_ok_and(|n| n > 0)
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        let m = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        m.run(&self.write)
            .await
            .map_err(|e| sqlx::Error::Migrate(Box::new(e)))
    }

    /// A transaction for writes (and for reads that must see one snapshot).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(Tx {
            tx: self.write.begin().await?,
            backend: self.backend,
            write: true,
            audit_key: self.audit_key.clone(),
            statements: self.statements.clone(),
        })
    }

    /// A read-only transaction: one consistent snapshot for a page and its count.
    pub async fn read(&self) -> Result<Tx, sqlx::Error> {
        Ok(Tx {
            tx: self.read.begin().await?,
            backend: self.backend,
            write: false,
            audit_key: self.audit_key.clone(),
            statements: self.statements.clone(),
        })
    }

    /// How many statements every [`Tx`] of this database has run so far (see
    /// `statements` above); a test takes the difference around one request.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// One statement on a reading connection, outside any transaction: for a lookup
    /// that needs no snapshot shared with another statement.
    pub async fn fetch_opt<T>(&self, stmt: &impl SqlxBinder) -> Result<Option<T>, sqlx::Error>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let (sql, values) = stmt.build_any_sqlx(builder(self.backend));
        sqlx::query_as_with::<Any, T, _>(&sql, values)
            .fetch_optional(&self.read)
            .await
    }

    /// Runs raw maintenance SQL (pragmas, VACUUM): never with user input.
    pub async fn raw(&self, sql: &str) -> Result<(), sqlx::Error> {
        sqlx::query(sql).execute(&self.write).await.map(|_| ())
    }

    /// After an erasure: on SQLite, copy the WAL into the database file and truncate it,
    /// so the erased values (zeroed in the file by `secure_delete`) do not survive in
    /// old WAL frames. A no-op on PostgreSQL (see the README on VACUUM).
    pub async fn checkpoint(&self) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Sqlite {
            self.raw("PRAGMA wal_checkpoint(TRUNCATE)").await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

/// A write for [`Tx::exec_all`].
pub enum Write {
    Insert(sea_query::InsertStatement),
    Update(sea_query::UpdateStatement),
}

/// `sql` (PostgreSQL, its values all bound as `$1`, `$2`…: no literal holds a `$`)
/// with each `$n` moved to `$(n + by)`.
fn shift_params(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '$' {
            let mut digits = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            match digits.parse::<usize>() {
                Ok(k) => out.push_str(&(k + by).to_string()),
                Err(_) => out.push_str(&digits),
            }
        }
    }
    out
}

/// A transaction plus the dialect to render statements in.
pub struct Tx {
    tx: sqlx::Transaction<'static, Any>,
    pub backend: Backend,
    /// Begun by [`Db::begin`] (a write transaction), not [`Db::read`].
    pub write: bool,
    /// The audit chain's key, for entries appended in this transaction.
    pub audit_key: std::sync::Arc<audit_key::AuditKey>,
    statements: std::sync::Arc<AtomicU64>,
}

fn builder(b: Backend) -> &'static dyn QueryBuilder {
    match b {
        Backend::Sqlite => &SqliteQueryBuilder,
        Backend::Postgres => &PostgresQueryBuilder,
    }
}

impl Tx {
    fn build(&self, stmt: &impl SqlxBinder) -> (String, SqlxValues) {
        self.statements.fetch_add(1, Ordering::Relaxed);
        stmt.build_any_sqlx(builder(self.backend))
    }

    /// Runs a statement and returns the number of rows it touched.
    pub async fn exec(&mut self, stmt: &impl SqlxBinder) -> Result<u64, sqlx::Error> {
        let (sql, values) = self.build(stmt);
        Ok(sqlx::query_with(&sql, values)
            .execute(&mut *self.tx)
            .await?
            .rows_affected())
    }

    /// Runs `writes` (none of them read by another): on PostgreSQL in one statement
    /// and one round trip (each write a data-modifying `WITH` part of it; foreign keys
    /// are checked at its end), on SQLite one after the other (no round trip there).
    pub async fn exec_all(&mut self, writes: Vec<Write>) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Sqlite || writes.len() < 2 {
            for w in &writes {
                match w {
                    Write::Insert(q) => self.exec(q).await?,
                    Write::Update(q) => self.exec(q).await?,
                };
            }
            return Ok(());
        }
        let mut parts = Vec::with_capacity(writes.len());
        let mut values = Vec::new();
        for w in &writes {
            let b = builder(self.backend);
            let (sql, v) = match w {
                Write::Insert(q) => q.build_any_sqlx(b),
                Write::Update(q) => q.build_any_sqlx(b),
            };
            parts.push(shift_params(&sql, values.len()));
            values.extend(v.0 .0);
        }
        let last = parts.pop().unwrap_or_default();
        let with: Vec<String> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| format!("w{i} AS ({p})"))
            .collect();
        let sql = format!("WITH {} {last}", with.join(", "));
        self.statements.fetch_add(1, Ordering::Relaxed);
        sqlx::query_with(&sql, SqlxValues(sea_query::Values(values)))
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    pub async fn all<T>(&mut self, stmt: &impl SqlxBinder) -> Result<Vec<T>, sqlx::Error>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let (sql, values) = self.build(stmt);
        sqlx::query_as_with::<Any, T, _>(&sql, values)
            .fetch_all(&mut *self.tx)
            .await
    }

    pub async fn opt<T>(&mut self, stmt: &impl SqlxBinder) -> Result<Option<T>, sqlx::Error>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let (sql, values) = self.build(stmt);
        sqlx::query_as_with::<Any, T, _>(&sql, values)
            .fetch_optional(&mut *self.tx)
            .await
    }

    /// The first column of the first row as an integer (COUNT, SUM, RETURNING seq).
    pub async fn int(&mut self, stmt: &impl SqlxBinder) -> Result<i64, sqlx::Error> {
        let (sql, values) = self.build(stmt);
        let row = sqlx::query_with(&sql, values)
            .fetch_one(&mut *self.tx)
            .await?;
        // SUM over no rows is NULL.
        Ok(row.try_get::<Option<i64>, _>(0)?.unwrap_or(0))
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

/// Milliseconds since the epoch, the storage form of every timestamp.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub fn to_ms(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_ms(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

pub fn date_to_ms(d: chrono::NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(0)
}

pub fn date_str(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

pub fn parse_date(s: Option<String>) -> Option<chrono::NaiveDate> {
    s.and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

/// A new id: UUID v7, time-ordered so inserts stay local in B-tree indexes.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
