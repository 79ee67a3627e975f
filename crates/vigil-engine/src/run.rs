//! One evaluation run, the same for every front end: a dataset and either a model or the
//! dataset's own logged predictions → predictions, metrics and fairness, with the time each
//! stage took. `vigil eval` prints a run; the workspace stores one (and the desktop watches
//! its progress and may cancel it).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;

use crate::dataset_input::{DatasetInput, GatheredColumns, dataset_error};
use crate::evaluate::{fairness_section, logged_predictions, score_with};
use crate::predict::{Predictions, RowChunk, bind_inputs, predict_chunks, predict_with_progress};
use crate::{EngineError, EvaluationSettings, Result};

/// Seconds spent per stage, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct StageTimings {
    pub load_ms: f64,
    pub inference_ms: f64,
    pub metrics_ms: f64,
    pub fairness_ms: f64,
}

/// What a finished run holds. The dataset is kept so a workspace can store per-row truth and
/// groups without reading the file again; a streamed file keeps only the columns a result needs
/// (its profile is the whole file's).
#[derive(Debug)]
pub struct EvaluationRun {
    pub dataset: vigil_data::Dataset,
    pub predictions: Predictions,
    pub metrics: Json,
    pub fairness: Option<Json>,
    pub timings: StageTimings,
    /// Where the model ran (`cpu`, or the GPU's name); `cpu` for logged predictions.
    pub device: String,
}

impl EvaluationRun {
    /// `regression` when the model (or log) gives values, else `classification`.
    pub fn task(&self) -> &'static str {
        if self.predictions.value.is_some() {
            "regression"
        } else {
            "classification"
        }
    }

    /// The result as `vigil eval --json` writes it, ready to serialise straight from the run
    /// (a million rows' predictions are not copied into a JSON tree first).
    pub fn result(&self) -> EvaluationResult<'_> {
        EvaluationResult {
            predictions: &self.predictions,
            metrics: &self.metrics,
            fairness: self.fairness.as_ref(),
            device: &self.device,
        }
    }

    /// `{"predictions", "metrics", "fairness"}` in the result schema of `vigil eval --json`.
    pub fn result_json(&self) -> Json {
        // `result()` holds only JSON-ready values (string keys), so this cannot fail.
        serde_json::to_value(self.result()).unwrap_or(Json::Null)
    }

    /// What a workspace keeps as the evaluation's result: metrics and fairness (per-row
    /// predictions go to their own table).
    pub(crate) fn stored_json(&self) -> Json {
        let mut result = serde_json::json!({ "metrics": self.metrics });
        if let Some(fairness) = &self.fairness {
            result["fairness"] = fairness.clone();
        }
        result
    }
}

/// `{"predictions", "metrics", "fairness"}` of a run, borrowed from it.
#[derive(Debug, Serialize)]
pub struct EvaluationResult<'a> {
    pub predictions: &'a Predictions,
    pub metrics: &'a Json,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fairness: Option<&'a Json>,
    pub device: &'a str,
}

/// Where a run is, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JobProgress {
    /// `reading`, `inference`, `scoring` or `saving`.
    pub stage: String,
    /// Rows done and rows in all (inference); bytes read and the file's size (reading a large
    /// dataset, which is scanned before its rows run); both 0 for the stages not counted.
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

impl JobProgress {
    pub(crate) fn stage(stage: &str) -> Self {
        Self {
            stage: stage.to_owned(),
            done: 0,
            total: 0,
        }
    }
}

/// A running job's link to whoever watches it: progress goes out, a cancel request comes in.
#[derive(Clone)]
pub struct JobHandle {
    cancelled: Arc<AtomicBool>,
    report: Arc<dyn Fn(JobProgress) + Send + Sync>,
}

impl std::fmt::Debug for JobHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobHandle")
            .field("cancelled", &self.is_cancelled())
            .finish_non_exhaustive()
    }
}

impl JobHandle {
    pub fn new(report: impl Fn(JobProgress) + Send + Sync + 'static) -> Self {
        Self {
            cancelled: Arc::new(AtomicBool::new(false)),
            report: Arc::new(report),
        }
    }

    /// A job nobody watches.
    pub fn silent() -> Self {
        Self::new(|_| {})
    }

    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    pub fn report(&self, progress: JobProgress) {
        (self.report)(progress);
    }
}

/// Runs the model (or reads the logged predictions) over the dataset and scores the result.
/// `load_ms` is the time the caller spent reading the model and the dataset. Inference
/// reports progress after each wave of chunks and stops when `job` is cancelled. A scanned
/// dataset is streamed: its rows are read in chunks as the model runs, and the run keeps only
/// the columns a result needs (target, sensitive and logged-prediction columns).
pub fn run_evaluation(
    model: Option<&vigil_infer::Model>,
    input: DatasetInput,
    settings: &EvaluationSettings,
    device: &vigil_infer::Device,
    load_ms: f64,
    job: &JobHandle,
) -> Result<EvaluationRun> {
    let elapsed_ms = |since: Instant| since.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    job.report(JobProgress {
        stage: "inference".to_owned(),
        done: 0,
        total: input.profile().row_count,
    });
    let kept = kept_columns(settings, input.profile());
    let (dataset, predictions, exact) = match (model, settings.prediction_column.as_deref()) {
        (Some(model), None) => {
            let mut excluded = vec![settings.target.clone()];
            excluded.extend(settings.sensitive.iter().flatten().cloned());
            let bindings =
                bind_inputs(model, &input.profile().columns, &settings.inputs, &excluded)?;
            let mut progress = |done: usize, total: usize| {
                job.report(JobProgress {
                    stage: "inference".to_owned(),
                    done: done as u64,
                    total: total as u64,
                });
                if job.is_cancelled() {
                    std::ops::ControlFlow::Break(())
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            };
            match input {
                DatasetInput::Whole(dataset) => {
                    let predictions = predict_with_progress(
                        model,
                        &dataset,
                        &bindings,
                        device,
                        crate::predict::CHUNK_ROWS,
                        &mut progress,
                    )?;
                    (dataset, predictions, None)
                }
                DatasetInput::Scanned {
                    path,
                    profile,
                    chunk_rows,
                } => {
                    let source = StreamedFile {
                        path: &path,
                        profile,
                        chunk_rows,
                    };
                    let (dataset, predictions) =
                        predict_streamed(model, source, &bindings, &kept, device, &mut progress)?;
                    (dataset, predictions, None)
                }
            }
        }
        (None, Some(column)) => {
            let dataset = match input {
                DatasetInput::Whole(dataset) => dataset,
                DatasetInput::Scanned {
                    path,
                    profile,
                    chunk_rows,
                } => gather(
                    StreamedFile {
                        path: &path,
                        profile,
                        chunk_rows,
                    },
                    &kept,
                    job,
                )?,
            };
            let (predictions, exact) = logged_predictions(
                &dataset,
                &settings.target,
                column,
                &settings.probability_columns,
            )?;
            (dataset, predictions, exact)
        }
        (Some(_), Some(_)) => {
            return Err(EngineError::Usage(
                "give either a model or a prediction column, not both".to_owned(),
            ));
        }
        (None, None) => {
            return Err(EngineError::Usage(
                "give either a model (--model) or the column of logged predictions \
                 (--prediction-column)"
                    .to_owned(),
            ));
        }
    };
    let inference_ms = elapsed_ms(started);
    job.report(JobProgress::stage("scoring"));
    let started = Instant::now();
    let metrics = score_with(
        &dataset,
        &predictions,
        exact.as_deref(),
        &settings.target,
        settings.pos_label.as_deref(),
        &settings.bootstrap(),
    )?;
    let metrics_ms = elapsed_ms(started);
    let started = Instant::now();
    let fairness = if settings.sensitive.is_empty() {
        None
    } else {
        Some(fairness_section(
            &dataset,
            &predictions,
            &settings.target,
            settings.pos_label.as_deref(),
            &settings.sensitive,
        )?)
    };
    let fairness_ms = elapsed_ms(started);
    Ok(EvaluationRun {
        dataset,
        predictions,
        metrics,
        fairness,
        device: if model.is_some() {
            device.name().to_owned()
        } else {
            "cpu".to_owned()
        },
        timings: StageTimings {
            load_ms,
            inference_ms,
            metrics_ms,
            fairness_ms,
        },
    })
}

/// The columns a result needs besides the model's inputs, those the dataset has: target,
/// sensitive columns, logged predictions and probabilities. A name the dataset lacks is left
/// for scoring to report.
fn kept_columns(
    settings: &EvaluationSettings,
    profile: &vigil_data::DatasetProfile,
) -> Vec<String> {
    let mut names: Vec<String> = std::iter::once(&settings.target)
        .chain(settings.sensitive.iter().flatten())
        .chain(settings.prediction_column.iter())
        .chain(settings.probability_columns.iter())
        .filter(|name| profile.columns.iter().any(|c| c.name == **name))
        .cloned()
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A scanned file to read in chunks.
struct StreamedFile<'a> {
    path: &'a std::path::Path,
    profile: vigil_data::DatasetProfile,
    chunk_rows: usize,
}

/// Runs the model over a scanned file, reading its chunks on a thread of their own while the
/// model runs on the others; returns the kept columns (under the whole file's profile) and
/// the predictions.
fn predict_streamed(
    model: &vigil_infer::Model,
    source: StreamedFile<'_>,
    bindings: &[(vigil_infer::ValueInfo, Vec<String>)],
    kept: &[String],
    device: &vigil_infer::Device,
    progress: crate::predict::Progress<'_>,
) -> Result<(vigil_data::Dataset, Predictions)> {
    let StreamedFile {
        path,
        profile,
        chunk_rows,
    } = source;
    let mut wanted: Vec<String> = kept.to_vec();
    for (info, names) in bindings {
        for name in names {
            if !profile.columns.iter().any(|c| c.name == *name) {
                return Err(crate::predict::PredictError::Binding(format!(
                    "column `{name}` (for model input `{}`) is not in the dataset",
                    info.name
                ))
                .into());
            }
            wanted.push(name.clone());
        }
    }
    let mut chunks = vigil_data::Chunks::open(path, &profile, &wanted, chunk_rows)
        .map_err(dataset_error(path))?;
    let total = usize::try_from(profile.row_count).unwrap_or(usize::MAX);
    // Chunks waiting for the model: one wave ahead bounds memory and keeps every core busy.
    let waiting = rayon::current_num_threads().max(1);
    let mut gathered = GatheredColumns::default();
    let mut gather_failed: Option<EngineError> = None;
    let mut read_failed: Option<vigil_data::DataError> = None;
    let predicted = std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel(waiting);
        scope.spawn(move || {
            loop {
                let next = chunks.next_chunk();
                let last = !matches!(next, Ok(Some(_)));
                // A closed channel means the run stopped (cancelled or failed).
                if sender.send(next).is_err() || last {
                    break;
                }
            }
        });
        let mut rows = receiver.iter().map_while(|next| match next {
            Ok(Some(columns)) => Some(RowChunk::Read(columns)),
            Ok(None) => None,
            Err(error) => {
                read_failed = Some(error);
                None
            }
        });
        predict_chunks(
            model,
            bindings,
            device,
            total,
            &mut rows,
            &mut |chunk| {
                if let RowChunk::Read(columns) = chunk
                    && let Err(error) = gathered.append(columns, kept)
                {
                    gather_failed.get_or_insert(error);
                }
            },
            progress,
        )
    });
    if let Some(error) = read_failed {
        return Err(dataset_error(path)(error));
    }
    if let Some(error) = gather_failed {
        return Err(error);
    }
    Ok((gathered.into_dataset(profile), predicted?))
}

/// Reads the kept columns of a scanned file (logged predictions: no model to run).
fn gather(
    source: StreamedFile<'_>,
    kept: &[String],
    job: &JobHandle,
) -> Result<vigil_data::Dataset> {
    let StreamedFile {
        path,
        profile,
        chunk_rows,
    } = source;
    let mut chunks =
        vigil_data::Chunks::open(path, &profile, kept, chunk_rows).map_err(dataset_error(path))?;
    let mut gathered = GatheredColumns::default();
    while let Some(columns) = chunks.next_chunk().map_err(dataset_error(path))? {
        if job.is_cancelled() {
            return Err(dataset_error(path)(vigil_data::DataError::Cancelled));
        }
        gathered.append(columns, kept)?;
    }
    Ok(gathered.into_dataset(profile))
}
