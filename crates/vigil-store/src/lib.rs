//! Vigil's persistence: the SQLite database (through sqlx, migrations applied at open) and the
//! content-addressed blob folder that keeps model and dataset files under their SHA-256.
//!
//! This is the only crate that knows SQL. Callers get Vigil's own row types, never a pool or a
//! query; a write that changes state is one transaction that also appends its audit event.

mod audit;
mod blobs;
mod datasets;
mod evaluations;
mod feedback;
mod models;
mod monitoring;
mod registry;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use audit::{AuditEventRow, AuditVerification, GENESIS_HASH, verify_chain};
pub use blobs::{BlobStore, sha256_hex};
pub use datasets::{DatasetRow, NewDataset};
pub use evaluations::{
    EvaluationOutcome, EvaluationRow, FairnessRow, MetricValueRow, NewEvaluation, PredictionRow,
};
pub use feedback::{FeedbackRow, NewFeedback, PredictionQuery, PredictionWithFeedback};
pub use models::{ModelRow, ModelVersionRow, NewModelVersion, VersionImport};
pub use monitoring::{DriftResultRow, MonitoringRunRow, NewMonitoringRun};
pub use registry::{AliasHistoryRow, AliasMove, AliasRow};
/// The database driver's error, carried inside [`StoreError`] for the log.
pub use sqlx::Error as SqlxError;

/// The database file's name inside the data dir.
pub const DATABASE_FILE: &str = "vigil.sqlite3";
/// The blob folder's name inside the data dir.
pub const BLOB_DIR: &str = "blobs";

/// How long a writer waits for another writer's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create or open the data folder {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database {path}: {source}")]
    Open { path: PathBuf, source: sqlx::Error },
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database query failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("blob {sha256} is missing from the blob folder")]
    BlobMissing { sha256: String },
    #[error("blob {expected} was changed on disk: its bytes now hash to {actual}")]
    BlobCorrupt { expected: String, actual: String },
    #[error("{path} changed while it was being stored: its bytes no longer hash to {expected}")]
    SourceChanged { path: PathBuf, expected: String },
    #[error("cannot read or write blob file {path}: {source}")]
    BlobIo {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("stored JSON in {what} is not valid: {source}")]
    Json {
        what: &'static str,
        source: serde_json::Error,
    },
    #[error("{0} was not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open workspace database plus its blob folder.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    blobs: BlobStore,
    database_path: PathBuf,
}

impl Store {
    /// Opens (creating when absent) the database and blob folder in `data_dir` and applies every
    /// pending migration. Opening an up-to-date database changes nothing.
    pub async fn open(data_dir: &Path) -> Result<Self> {
        tokio::fs::create_dir_all(data_dir)
            .await
            .map_err(|source| StoreError::DataDir {
                path: data_dir.to_owned(),
                source,
            })?;
        let database_path = data_dir.join(DATABASE_FILE);
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(|source| StoreError::Open {
                path: database_path.clone(),
                source,
            })?
            .filename(&database_path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                path: database_path.clone(),
                source,
            })?;
        MIGRATOR.run(&pool).await?;
        let blobs = BlobStore::open(&data_dir.join(BLOB_DIR)).await?;
        Ok(Self {
            pool,
            blobs,
            database_path,
        })
    }

    pub fn database_path(&self) -> &Path {
        &self.database_path
    }

    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    /// The newest migration applied to this database.
    pub async fn schema_version(&self) -> Result<i64> {
        let version: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
                .fetch_one(&self.pool)
                .await?;
        Ok(version.unwrap_or(0))
    }

    /// The number of migrations this build knows; a database at a lower version is migrated at open.
    pub fn known_migrations() -> usize {
        MIGRATOR.iter().count()
    }

    /// Reads a database setting; used by tests to prove the connection options hold.
    pub async fn pragma(&self, name: &str) -> Result<String> {
        // Only known pragma names are allowed: the name is spliced into the statement.
        if !name.chars().all(|c| c.is_ascii_alphabetic() || c == '_') {
            return Err(StoreError::NotFound(format!("pragma `{name}`")));
        }
        let value: Option<String> = sqlx::query_scalar(&format!(
            "SELECT CAST((SELECT * FROM pragma_{name}) AS TEXT)"
        ))
        .fetch_one(&self.pool)
        .await?;
        Ok(value.unwrap_or_default())
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes the pool, waiting for connections to finish (checkpointing the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The current time as RFC 3339 UTC with millisecond precision, the format of every stored time.
pub(crate) fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    now.format(&format)
        .unwrap_or_else(|_| now.unix_timestamp().to_string())
}
