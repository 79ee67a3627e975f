//! Vigil's use cases: the one API that the desktop shell and the command line call.
//!
//! A [`Workspace`] is a data dir opened for work: its database migrated, its blob folder ready,
//! and — on first start — the demo seeded through the same import use cases a user's files go
//! through. Front ends make one call per action and get Vigil's own types back ([`views`]),
//! or an [`EngineError`] that knows its user-facing code and sentence.
//!
//! Architecture invariant: no SQL here (that is `vigil-store`), no file parsing (`vigil-data`),
//! no window or terminal (the front ends).

mod data_dir;
mod demo;
mod error;
pub mod import;
pub mod views;

use std::path::{Path, PathBuf};

use vigil_store::Store;

pub use data_dir::{DATA_DIR_ENV, resolve_data_dir};
pub use error::{EngineError, ErrorCode, IpcError};
use views::{AuditEvent, DatasetSummary, ModelSummary, WorkspaceInfo};

pub type Result<T, E = EngineError> = std::result::Result<T, E>;

/// Whether opening a workspace may seed the demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoSeeding {
    /// Seed the demo models and dataset when the workspace has never held anything.
    WhenEmpty,
    Never,
}

/// An open data dir.
#[derive(Debug, Clone)]
pub struct Workspace {
    data_dir: PathBuf,
    store: Store,
}

impl Workspace {
    /// Opens the workspace in `data_dir` (created when absent), applies pending migrations and,
    /// per `seeding`, seeds the demo.
    pub async fn open(data_dir: &Path, seeding: DemoSeeding) -> Result<Self> {
        let store = Store::open(data_dir).await?;
        let workspace = Self {
            data_dir: data_dir.to_owned(),
            store,
        };
        if seeding == DemoSeeding::WhenEmpty && workspace.store.is_pristine().await? {
            demo::seed(&workspace).await?;
        }
        Ok(workspace)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Facts about this workspace for the Settings view.
    pub async fn info(&self) -> Result<WorkspaceInfo> {
        Ok(WorkspaceInfo {
            data_dir: self.data_dir.display().to_string(),
            database_path: self.store.database_path().display().to_string(),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            schema_version: self.store.schema_version().await?,
            demo_seeded: self.store.has_audit_action(demo::SEEDED_ACTION).await?,
        })
    }

    /// Every model with its versions, by model name then version number.
    pub async fn list_models(&self) -> Result<Vec<ModelSummary>> {
        let models = self.store.list_models().await?;
        let versions = self.store.list_model_versions().await?;
        Ok(views::model_summaries(models, versions))
    }

    /// Every dataset, oldest first.
    pub async fn list_datasets(&self) -> Result<Vec<DatasetSummary>> {
        self.store
            .list_datasets()
            .await?
            .into_iter()
            .map(views::dataset_summary)
            .collect()
    }

    /// Every audit event, newest first.
    pub async fn list_audit_events(&self) -> Result<Vec<AuditEvent>> {
        Ok(self
            .store
            .list_audit_events()
            .await?
            .into_iter()
            .map(AuditEvent::from)
            .collect())
    }

    /// Closes the database cleanly (the WAL is checkpointed).
    pub async fn close(&self) {
        self.store.close().await;
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }
}

/// The person acting, for the audit log: the operating-system user running Vigil.
pub fn current_actor() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_owned())
}
