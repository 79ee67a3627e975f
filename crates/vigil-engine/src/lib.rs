//! Vigil's use cases: the one API that the desktop shell and the command line call.
//!
//! A [`Workspace`] is a data dir opened for work: its database migrated, its blob folder ready,
//! and — on first start — the demo seeded through the same import use cases a user's files go
//! through. Front ends make one call per action and get Vigil's own types back ([`views`]),
//! or an [`EngineError`] that knows its user-facing code and sentence.
//!
//! Architecture invariant: no SQL here (that is `vigil-store`), no file parsing (`vigil-data`),
//! no window or terminal (the front ends).

pub mod compare;
mod data_dir;
pub mod dataset_input;
mod demo;
pub mod drift;
mod error;
pub mod evaluate;
pub mod feedback;
mod files;
pub mod import;
pub mod monitor;
pub mod predict;
pub mod registry;
pub mod run;
mod stored_evaluations;
pub mod stored_monitoring;
pub mod views;

use std::path::{Path, PathBuf};

use vigil_store::Store;

pub use data_dir::{DATA_DIR_ENV, resolve_data_dir};
pub use error::{EngineError, ErrorCode, IpcError};
pub use stored_evaluations::{EvaluationFiles, EvaluationSettings, StoredEvaluation};
use views::{AuditEvent, DatasetSummary, ModelSummary, WorkspaceInfo};

pub type Result<T, E = EngineError> = std::result::Result<T, E>;

/// Removes a job from the workspace's table of running jobs when it ends, however it ends.
pub(crate) struct JobTicket {
    id: String,
    jobs: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, run::JobHandle>>>,
}

impl Drop for JobTicket {
    fn drop(&mut self) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.remove(&self.id);
        }
    }
}

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
    /// Jobs running now, by the id their caller gave them, so that they can be cancelled.
    jobs: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, run::JobHandle>>>,
    /// Dataset files at least this large are streamed rather than read whole.
    stream_min_bytes: u64,
    /// Where models run, and why it is not the device that was asked for.
    device: OpenedDevice,
}

impl Workspace {
    /// Opens the workspace in `data_dir` (created when absent), applies pending migrations and,
    /// per `seeding`, seeds the demo.
    pub async fn open(data_dir: &Path, seeding: DemoSeeding) -> Result<Self> {
        let store = Store::open(data_dir).await?;
        let workspace = Self {
            data_dir: data_dir.to_owned(),
            store,
            jobs: std::sync::Arc::default(),
            stream_min_bytes: dataset_input::DEFAULT_STREAM_MIN_BYTES,
            device: OpenedDevice::cpu(),
        };
        if seeding == DemoSeeding::WhenEmpty && workspace.store.is_pristine().await? {
            demo::seed(&workspace).await?;
        }
        Ok(workspace)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The same workspace streaming dataset files of at least `bytes` bytes (default
    /// [`dataset_input::DEFAULT_STREAM_MIN_BYTES`]).
    #[must_use]
    pub fn with_stream_min_bytes(mut self, bytes: u64) -> Self {
        self.stream_min_bytes = bytes;
        self
    }

    /// Dataset files at least this large are streamed rather than read whole.
    pub fn stream_min_bytes(&self) -> u64 {
        self.stream_min_bytes
    }

    /// The same workspace running models on `device` (default: the CPU).
    #[must_use]
    pub fn with_device(mut self, device: OpenedDevice) -> Self {
        self.device = device;
        self
    }

    /// Where this workspace runs models.
    pub fn device(&self) -> &vigil_infer::Device {
        &self.device.device
    }

    /// Why models do not run on the device that was asked for (the GPU), if they do not.
    pub fn device_fallback(&self) -> Option<&str> {
        self.device.fallback.as_deref()
    }

    /// Tracks `job` under `id` until the returned guard is dropped.
    pub(crate) fn track_job(&self, id: &str, job: &run::JobHandle) -> JobTicket {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.insert(id.to_owned(), job.clone());
        }
        JobTicket {
            id: id.to_owned(),
            jobs: self.jobs.clone(),
        }
    }

    /// Asks the running job `id` to stop; false when no such job runs (it may have finished).
    pub fn cancel_job(&self, id: &str) -> bool {
        let job = self.jobs.lock().ok().and_then(|jobs| jobs.get(id).cloned());
        job.inspect(run::JobHandle::cancel).is_some()
    }

    /// Facts about this workspace for the Settings view.
    pub async fn info(&self) -> Result<WorkspaceInfo> {
        Ok(WorkspaceInfo {
            data_dir: self.data_dir.display().to_string(),
            database_path: self.store.database_path().display().to_string(),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            schema_version: self.store.schema_version().await?,
            demo_seeded: self.store.has_audit_action(demo::SEEDED_ACTION).await?,
            device: self.device().name().to_owned(),
            device_fallback: self.device_fallback().map(str::to_owned),
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

/// Where a prediction runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceChoice {
    Cpu,
    Gpu,
}

impl std::str::FromStr for DeviceChoice {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "cpu" => Ok(Self::Cpu),
            "gpu" => Ok(Self::Gpu),
            other => Err(format!(
                "unknown device `{other}` (expected `cpu` or `gpu`)"
            )),
        }
    }
}

/// The environment variable that picks the desktop's device: `cpu` (default) or `gpu`.
pub const DEVICE_VAR: &str = "VIGIL_DEVICE";

/// The device a run uses, and, when the GPU was asked for but cannot be used, the sentence
/// that says why the CPU runs instead.
#[derive(Debug, Clone)]
pub struct OpenedDevice {
    pub device: vigil_infer::Device,
    pub fallback: Option<String>,
}

impl OpenedDevice {
    pub fn cpu() -> Self {
        Self {
            device: vigil_infer::Device::cpu(),
            fallback: None,
        }
    }

    /// Opens the device `VIGIL_DEVICE` names (`cpu`, the default, or `gpu`).
    pub fn from_env() -> Self {
        match std::env::var(DEVICE_VAR) {
            Err(_) => Self::cpu(),
            Ok(text) => match text.parse() {
                Ok(choice) => Self::open(choice),
                Err(reason) => Self {
                    fallback: Some(format!("{DEVICE_VAR}: {reason}; running on the CPU")),
                    ..Self::cpu()
                },
            },
        }
    }

    /// Opens the device `choice` names. A GPU that is missing, only a software renderer, or
    /// fails to start falls back to the CPU: a run is never refused for want of a GPU.
    pub fn open(choice: DeviceChoice) -> Self {
        match choice {
            DeviceChoice::Cpu => Self::cpu(),
            DeviceChoice::Gpu => match vigil_infer::Device::gpu() {
                Ok(device) => Self {
                    device,
                    fallback: None,
                },
                Err(reason) => Self {
                    device: vigil_infer::Device::cpu(),
                    fallback: Some(format!(
                        "the GPU was asked for, but {reason}; running on the CPU"
                    )),
                },
            },
        }
    }
}

/// Describes a model file: inputs, outputs, opsets, operators and whether each is supported.
pub fn inspect_model_file(path: &Path) -> Result<predict::ModelInspection> {
    let bytes = read_file(path)?;
    Ok(predict::inspect_model(&bytes)?)
}

/// Runs a model file over a dataset file and returns its predictions. Columns are bound to
/// inputs as `predict::bind_inputs` says; `excluded` columns (a target, sensitive columns) never
/// feed a model by position.
pub fn predict_files(
    model_path: &Path,
    data_path: &Path,
    explicit: &[predict::InputBinding],
    excluded: &[String],
    device: &vigil_infer::Device,
) -> Result<predict::Predictions> {
    let model =
        vigil_infer::Model::load(&read_file(model_path)?).map_err(predict::PredictError::from)?;
    let dataset = read_dataset(data_path)?;
    let bindings = predict::bind_inputs(&model, &dataset.profile.columns, explicit, excluded)?;
    Ok(predict::predict(&model, &dataset, &bindings, device)?)
}

/// What `vigil eval` asks for.
#[derive(Debug, Clone)]
pub struct EvaluateRequest<'a> {
    /// `None` to score predictions already in the dataset.
    pub model: Option<&'a Path>,
    pub data: &'a Path,
    pub target: &'a str,
    pub pos_label: Option<&'a str>,
    pub inputs: &'a [predict::InputBinding],
    /// Sensitive columns (each entry one analysis; several names an intersection). They never
    /// feed a model by position.
    pub sensitive: &'a [Vec<String>],
    pub prediction_column: Option<&'a str>,
    pub probability_columns: &'a [String],
    pub device: &'a vigil_infer::Device,
    /// Bootstrap resamples for the intervals; `None` for the default (1,000), 0 for none.
    pub bootstrap_resamples: Option<usize>,
    /// Dataset files at least this large are streamed in chunks rather than read whole
    /// (see [`dataset_input`]).
    pub stream_min_bytes: u64,
}

/// Runs (or reads) predictions and scores them: `{"predictions": …, "metrics": …}` in the
/// result schema.
pub fn evaluate_files(request: &EvaluateRequest<'_>) -> Result<serde_json::Value> {
    Ok(run_evaluation_files(request, &run::JobHandle::silent())?.result_json())
}

/// Reads the files of `request` and runs the evaluation, reporting progress to `job`.
pub fn run_evaluation_files(
    request: &EvaluateRequest<'_>,
    job: &run::JobHandle,
) -> Result<run::EvaluationRun> {
    let started = std::time::Instant::now();
    job.report(run::JobProgress::stage("reading"));
    let model = match request.model {
        Some(path) => {
            Some(vigil_infer::Model::load(&read_file(path)?).map_err(predict::PredictError::from)?)
        }
        None => None,
    };
    let dataset = dataset_input::open(request.data, request.stream_min_bytes, job)?;
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    run::run_evaluation(
        model.as_ref(),
        dataset,
        &request.settings(),
        request.device,
        load_ms,
        job,
    )
}

impl EvaluateRequest<'_> {
    /// The settings a stored evaluation keeps (and is cached by).
    pub fn settings(&self) -> EvaluationSettings {
        EvaluationSettings {
            target: self.target.to_owned(),
            pos_label: self.pos_label.map(str::to_owned),
            sensitive: self.sensitive.to_vec(),
            inputs: self.inputs.to_vec(),
            prediction_column: self.prediction_column.map(str::to_owned),
            probability_columns: self.probability_columns.to_vec(),
            bootstrap_resamples: self.bootstrap_resamples,
        }
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| EngineError::ReadFile {
        path: path.display().to_string(),
        source,
    })
}

/// Reads a dataset file into typed columns.
pub fn read_dataset(path: &Path) -> Result<vigil_data::Dataset> {
    let name = path.display().to_string();
    let dataset_error = |source| EngineError::Dataset {
        name: name.clone(),
        source,
    };
    let format = vigil_data::DatasetFormat::from_file_name(&name).map_err(dataset_error)?;
    vigil_data::read_dataset(&read_file(path)?, format).map_err(dataset_error)
}

/// The person acting, for the audit log: the operating-system user running Vigil.
pub fn current_actor() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_owned())
}
