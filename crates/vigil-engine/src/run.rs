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

use crate::evaluate::{fairness_section, logged_predictions, score_with};
use crate::predict::{Predictions, bind_inputs, predict_with_progress};
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
/// groups without reading the file again.
#[derive(Debug)]
pub struct EvaluationRun {
    pub dataset: vigil_data::Dataset,
    pub predictions: Predictions,
    pub metrics: Json,
    pub fairness: Option<Json>,
    pub timings: StageTimings,
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

    /// `{"predictions", "metrics", "fairness"}` in the result schema of `vigil eval --json`.
    pub fn result_json(&self) -> Json {
        let mut result =
            serde_json::json!({ "predictions": self.predictions, "metrics": self.metrics });
        if let Some(fairness) = &self.fairness {
            result["fairness"] = fairness.clone();
        }
        result
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

/// Where a run is, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JobProgress {
    /// `reading`, `inference`, `scoring` or `saving`.
    pub stage: String,
    /// Rows done and rows in all (inference); both 0 for the stages that are not counted.
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

/// Runs the model (or reads the logged predictions) over `dataset` and scores the result.
/// `load_ms` is the time the caller spent reading the model and the dataset. Inference
/// reports progress after each chunk and stops when `job` is cancelled.
pub fn run_evaluation(
    model: Option<&vigil_infer::Model>,
    dataset: vigil_data::Dataset,
    settings: &EvaluationSettings,
    load_ms: f64,
    job: &JobHandle,
) -> Result<EvaluationRun> {
    let elapsed_ms = |since: Instant| since.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    job.report(JobProgress {
        stage: "inference".to_owned(),
        done: 0,
        total: dataset.row_count() as u64,
    });
    let (predictions, exact) = match (model, settings.prediction_column.as_deref()) {
        (Some(model), None) => {
            let mut excluded = vec![settings.target.clone()];
            excluded.extend(settings.sensitive.iter().flatten().cloned());
            let bindings = bind_inputs(model, &dataset, &settings.inputs, &excluded)?;
            let predictions = predict_with_progress(
                model,
                &dataset,
                &bindings,
                &vigil_infer::Device::cpu(),
                crate::predict::CHUNK_ROWS,
                &mut |done, total| {
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
                },
            )?;
            (predictions, None)
        }
        (None, Some(column)) => logged_predictions(
            &dataset,
            &settings.target,
            column,
            &settings.probability_columns,
        )?,
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
        timings: StageTimings {
            load_ms,
            inference_ms,
            metrics_ms,
            fairness_ms,
        },
    })
}
