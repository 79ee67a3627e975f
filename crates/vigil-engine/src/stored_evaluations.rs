//! Evaluations kept in the workspace: a stored model version run on a stored dataset, scored,
//! and persisted (metric values, per-group fairness, per-row predictions) with its timings. The
//! same model bytes, dataset bytes and settings return the stored result unless forced.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use vigil_store::{
    EvaluationOutcome, EvaluationRow, FairnessRow, MetricValueRow, NewEvaluation, PredictionRow,
};

use crate::dataset_input::DatasetInput;
use crate::evaluate::label_text;
use crate::predict::Predictions;
use crate::run::{EvaluationRun, JobHandle, JobProgress, run_evaluation};
use crate::views::{
    ChartView, ConfusionMatrix, EvaluationDetail, EvaluationSummary, FairnessGap, FairnessGroupRow,
    HeadlineMetric, MetricValue,
};
use crate::{EngineError, Result, Workspace};

/// What an evaluation is asked to compute. Stored with the evaluation; with the model's and
/// the dataset's hashes it is the cache key, so everything that changes the result is here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationSettings {
    pub target: String,
    pub pos_label: Option<String>,
    /// Each entry one analysis; several columns are an intersection.
    pub sensitive: Vec<Vec<String>>,
    /// Explicit bindings of columns to model inputs, when the automatic binding is not used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<crate::predict::InputBinding>,
    /// Logged predictions: the column that holds the predicted label (no model is run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prediction_column: Option<String>,
    /// Logged predictions: the columns that hold the class probabilities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probability_columns: Vec<String>,
    /// Bootstrap resamples for the confidence intervals; `None` for the default (1,000), 0 for
    /// no intervals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bootstrap_resamples: Option<usize>,
}

impl EvaluationSettings {
    /// Settings for a model run: target, positive label, sensitive analyses.
    pub fn for_model(target: &str, pos_label: Option<&str>, sensitive: Vec<Vec<String>>) -> Self {
        Self {
            target: target.to_owned(),
            pos_label: pos_label.map(str::to_owned),
            sensitive,
            inputs: Vec::new(),
            prediction_column: None,
            probability_columns: Vec::new(),
            bootstrap_resamples: None,
        }
    }

    /// The bootstrap these settings ask for.
    pub fn bootstrap(&self) -> vigil_stats::Bootstrap {
        let default = vigil_stats::Bootstrap::default();
        vigil_stats::Bootstrap {
            resamples: self.bootstrap_resamples.unwrap_or(default.resamples),
            ..default
        }
    }

    fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| EngineError::Decode {
            what: "settings",
            reason: e.to_string(),
        })
    }
}

/// The cache key of an evaluation: model bytes (none for logged predictions), dataset bytes and
/// settings.
fn cache_key(model_sha256: Option<&str>, dataset_sha256: &str, settings_json: &str) -> String {
    vigil_store::sha256_hex(
        format!(
            "{}\n{dataset_sha256}\n{settings_json}",
            model_sha256.unwrap_or("")
        )
        .as_bytes(),
    )
}

/// A dataset as an evaluation gets it: bytes read whole, or a large file streamed from disk.
#[derive(Debug, Clone)]
enum DatasetSource {
    /// Shared with the blocking thread that reads them, not copied.
    Bytes(std::sync::Arc<[u8]>),
    /// Scanned and streamed by the run; `sha256` is what its bytes hashed to when it was
    /// opened (or stored, for a blob), and the scan must find the same.
    File {
        path: std::path::PathBuf,
        sha256: String,
        blob: bool,
    },
}

/// Loads the model and the dataset and runs the evaluation, off the async threads.
async fn run_off_thread(
    model_bytes: Option<std::sync::Arc<[u8]>>,
    data: DatasetSource,
    format: vigil_data::DatasetFormat,
    dataset_name: String,
    settings: EvaluationSettings,
    device: vigil_infer::Device,
    job: JobHandle,
) -> Result<EvaluationRun> {
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        job.report(JobProgress::stage("reading"));
        let model = match &model_bytes {
            Some(bytes) => {
                Some(vigil_infer::Model::load(bytes).map_err(crate::predict::PredictError::from)?)
            }
            None => None,
        };
        let dataset_error = |source| EngineError::Dataset {
            name: dataset_name.clone(),
            source,
        };
        let input = match data {
            DatasetSource::Bytes(bytes) => DatasetInput::Whole(
                vigil_data::read_dataset(&bytes, format).map_err(dataset_error)?,
            ),
            DatasetSource::File { path, sha256, blob } => {
                let input = crate::dataset_input::scan(&path, format, &job)?;
                let actual = &input.profile().sha256;
                if *actual != sha256 {
                    return Err(if blob {
                        vigil_store::StoreError::BlobCorrupt {
                            expected: sha256,
                            actual: actual.clone(),
                        }
                        .into()
                    } else {
                        dataset_error(vigil_data::DataError::ChangedWhileRead {
                            path: path.display().to_string(),
                        })
                    });
                }
                input
            }
        };
        let load_ms = started.elapsed().as_secs_f64() * 1000.0;
        run_evaluation(model.as_ref(), input, &settings, &device, load_ms, &job)
    })
    .await
    .map_err(|e| EngineError::TaskFailed(e.to_string()))?
}

/// Per row: the true label as text, and the sensitive columns' values as a JSON object (for
/// browsing predictions by group).
fn row_context(
    run: &EvaluationRun,
    settings: &EvaluationSettings,
) -> (Vec<Option<String>>, Vec<Option<String>>) {
    let dataset = &run.dataset;
    let truth = dataset
        .column(&settings.target)
        .map(|c| {
            (0..dataset.row_count())
                .map(|r| crate::evaluate::cell_text(c, r))
                .collect()
        })
        .unwrap_or_default();
    let mut sensitive_columns: Vec<&vigil_data::Column> = Vec::new();
    for name in settings.sensitive.iter().flatten() {
        if let Some(column) = dataset.column(name)
            && !sensitive_columns.iter().any(|c| c.name == column.name)
        {
            sensitive_columns.push(column);
        }
    }
    let groups = (0..dataset.row_count())
        .map(|r| {
            (!sensitive_columns.is_empty()).then(|| {
                let object: serde_json::Map<String, Json> = sensitive_columns
                    .iter()
                    .map(|c| {
                        (
                            c.name.clone(),
                            crate::evaluate::cell_text(c, r).map_or(Json::Null, Json::String),
                        )
                    })
                    .collect();
                Json::Object(object).to_string()
            })
        })
        .collect();
    (truth, groups)
}

fn outcome(run: &EvaluationRun, settings: &EvaluationSettings) -> EvaluationOutcome {
    let (truth, groups) = row_context(run, settings);
    let metrics = metric_rows(&run.metrics);
    EvaluationOutcome {
        task: run.task().to_owned(),
        result_json: run.stored_json().to_string(),
        metrics,
        fairness: fairness_rows(run.fairness.as_ref()),
        predictions: prediction_rows(&run.predictions, &truth, &groups),
        load_ms: run.timings.load_ms,
        inference_ms: run.timings.inference_ms,
        // Scoring as a whole: metrics and fairness.
        metrics_ms: run.timings.metrics_ms + run.timings.fairness_ms,
    }
}

/// Flattens the metrics section into rows: `accuracy`, `precision/macro`,
/// `precision/per_class/1`, `roc_auc/binary` … (the confusion matrix stays in the result JSON).
fn metric_rows(metrics: &Json) -> Vec<MetricValueRow> {
    let mut rows = Vec::new();
    let Some(object) = metrics.as_object() else {
        return rows;
    };
    let row = |name: &str, averaging: &str, class_label: &str, value: Option<f64>| MetricValueRow {
        name: name.to_owned(),
        averaging: averaging.to_owned(),
        class_label: class_label.to_owned(),
        value,
        ci_low: None,
        ci_high: None,
    };
    for (name, value) in object {
        match value {
            Json::Number(n) => rows.push(row(name, "", "", n.as_f64())),
            Json::Object(parts)
                if ![
                    "confusion_matrix",
                    "confidence_intervals",
                    "bootstrap",
                    "curves",
                ]
                .contains(&name.as_str()) =>
            {
                for (averaging, v) in parts {
                    match v {
                        Json::Object(per_class) => {
                            for (class, v) in per_class {
                                rows.push(row(name, averaging, class, v.as_f64()));
                            }
                        }
                        Json::Number(_) | Json::Null => {
                            rows.push(row(name, averaging, "", v.as_f64()));
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    // Attach each bootstrap interval to the metric row it belongs to.
    if let Some(intervals) = metrics["confidence_intervals"].as_object() {
        for (key, interval) in intervals {
            let (name, averaging) = match key.as_str() {
                "f1_macro" => ("f1", "macro"),
                "roc_auc" => ("roc_auc", "binary"),
                other => (other, ""),
            };
            if let Some(target) = rows
                .iter_mut()
                .find(|r| r.name == name && r.averaging == averaging && r.class_label.is_empty())
            {
                target.ci_low = interval["low"].as_f64();
                target.ci_high = interval["high"].as_f64();
            }
        }
    }
    rows
}

fn fairness_rows(fairness: Option<&Json>) -> Vec<FairnessRow> {
    let mut rows = Vec::new();
    let Some(section) = fairness.and_then(Json::as_object) else {
        return rows;
    };
    for (key, analysis) in section {
        let small: Vec<&str> = analysis["small_groups"]
            .as_array()
            .map(|v| v.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        if let Some(groups) = analysis["by_group"].as_object() {
            for (group, rates) in groups {
                rows.push(FairnessRow {
                    sensitive_key: key.clone(),
                    group_key: group.clone(),
                    row_count: rates["count"].as_i64().unwrap_or(0),
                    metrics_json: rates.to_string(),
                    small_group: small.contains(&group.as_str()),
                });
            }
        }
    }
    rows
}

fn prediction_rows(
    p: &Predictions,
    truth: &[Option<String>],
    groups: &[Option<String>],
) -> Vec<PredictionRow> {
    (0..p.n_rows)
        .map(|row| {
            let probabilities = p.probabilities.as_ref().map(|all| &all[row]);
            PredictionRow {
                row_index: i64::try_from(row).unwrap_or(i64::MAX),
                predicted_label: p.label.as_ref().map(|l| label_text(&l[row])),
                predicted_value: p.value.as_ref().map(|v| f64::from(v[row])),
                true_label: truth.get(row).cloned().flatten(),
                groups_json: groups.get(row).cloned().flatten(),
                probabilities_json: probabilities
                    .map(|v| serde_json::to_string(v).unwrap_or_default()),
                confidence: probabilities
                    .and_then(|v| v.iter().copied().reduce(f32::max))
                    .map(f64::from),
            }
        })
        .collect()
}

fn headline(task: Option<&str>, metrics: &[MetricValueRow]) -> Vec<HeadlineMetric> {
    let find = |name: &str, averaging: &[&str]| {
        metrics
            .iter()
            .find(|m| {
                m.name == name
                    && averaging.contains(&m.averaging.as_str())
                    && m.class_label.is_empty()
            })
            .and_then(|m| m.value)
    };
    let picks: Vec<(&str, Option<f64>)> = match task {
        Some("regression") => vec![
            ("r2", find("r2", &[""])),
            ("rmse", find("rmse", &[""])),
            ("mae", find("mae", &[""])),
        ],
        Some(_) => vec![
            ("accuracy", find("accuracy", &[""])),
            ("f1 (macro)", find("f1", &["macro"])),
            ("roc_auc", find("roc_auc", &["binary", "ovr_macro"])),
        ],
        None => Vec::new(),
    };
    picks
        .into_iter()
        .map(|(name, value)| HeadlineMetric {
            name: name.to_owned(),
            value,
        })
        .collect()
}

fn summary(row: &EvaluationRow, metrics: &[MetricValueRow], cached: bool) -> EvaluationSummary {
    let duration_ms = match (row.load_ms, row.inference_ms, row.metrics_ms) {
        (Some(a), Some(b), Some(c)) => Some(a + b + c),
        _ => None,
    };
    EvaluationSummary {
        id: row.id,
        model_name: row
            .model_name
            .clone()
            .or_else(|| row.logged_source.clone())
            .unwrap_or_else(|| "(logged predictions)".to_owned()),
        logged_predictions: row.model_version_id.is_none(),
        model_version: row.model_version.unwrap_or(0),
        dataset_name: row.dataset_name.clone(),
        status: row.status.clone(),
        task: row.task.clone(),
        started_at: row.started_at.clone(),
        finished_at: row.finished_at.clone(),
        duration_ms,
        device: row.device.clone(),
        error_message: row.error_message.clone(),
        headline: headline(row.task.as_deref(), metrics),
        cached,
    }
}

impl Workspace {
    /// Evaluates a stored model version on a stored dataset, or returns the stored result of
    /// the same model bytes, dataset bytes and settings (unless `force`).
    pub async fn evaluate_version(
        &self,
        version_id: i64,
        dataset_id: i64,
        settings: &EvaluationSettings,
        force: bool,
        actor: &str,
    ) -> Result<EvaluationSummary> {
        let version = self.store().model_version(version_id).await?;
        let dataset = self.store().dataset(dataset_id).await?;
        let settings_json = settings.to_json()?;
        let key = cache_key(Some(&version.sha256), &dataset.sha256, &settings_json);
        if !force && let Some(row) = self.store().cached_evaluation(&key).await? {
            let metrics = self.store().evaluation_metrics(row.id).await?;
            return Ok(summary(&row, &metrics, true));
        }
        let device = self.device().clone();
        let id = self
            .store()
            .start_evaluation(&NewEvaluation {
                model_version_id: Some(version_id),
                logged_source: None,
                dataset_id,
                settings_json: &settings_json,
                cache_key: &key,
                device: device.name(),
                actor,
            })
            .await?;
        // Blobs are re-checked against their hashes as they are read (a large dataset by the
        // scan that streams it).
        let model_bytes = self.store().blobs().get(&version.sha256).await?;
        let data = if u64::try_from(dataset.size_bytes).unwrap_or(0) >= self.stream_min_bytes() {
            DatasetSource::File {
                path: self.store().blobs().path_of(&dataset.sha256),
                sha256: dataset.sha256.clone(),
                blob: true,
            }
        } else {
            DatasetSource::Bytes(self.store().blobs().get(&dataset.sha256).await?.into())
        };
        let run = run_off_thread(
            Some(model_bytes.into()),
            data,
            crate::files::stored_format(&dataset.format),
            "the stored dataset".to_owned(),
            settings.clone(),
            device,
            JobHandle::silent(),
        )
        .await;
        let run = match run {
            Ok(run) => run,
            Err(error) => {
                self.store()
                    .fail_evaluation(id, &error.user_message(), actor)
                    .await?;
                return Err(error);
            }
        };
        let outcome = outcome(&run, settings);
        let metrics = outcome.metrics.clone();
        self.store().finish_evaluation(id, &outcome, actor).await?;
        let row = self.store().evaluation(id).await?;
        Ok(summary(&row, &metrics, false))
    }

    /// Every evaluation, newest first.
    pub async fn list_evaluations(&self) -> Result<Vec<EvaluationSummary>> {
        let mut out = Vec::new();
        for row in self.store().list_evaluations().await? {
            let metrics = self.store().evaluation_metrics(row.id).await?;
            out.push(summary(&row, &metrics, false));
        }
        Ok(out)
    }

    /// One evaluation with its metrics, confusion matrix and fairness.
    pub async fn evaluation_detail(&self, id: i64) -> Result<EvaluationDetail> {
        let row = self.store().evaluation(id).await?;
        let metrics = self.store().evaluation_metrics(id).await?;
        let result: Json = row.result_json.as_deref().map_or(Json::Null, |text| {
            serde_json::from_str(text).unwrap_or(Json::Null)
        });
        let confusion = &result["metrics"]["confusion_matrix"];
        let confusion_matrix = confusion["labels"]
            .as_array()
            .map(|labels| ConfusionMatrix {
                labels: labels
                    .iter()
                    .map(|l| l.as_str().map_or_else(|| l.to_string(), str::to_owned))
                    .collect(),
                matrix: confusion["matrix"]
                    .as_array()
                    .map(|rows| {
                        rows.iter()
                            .map(|r| {
                                r.as_array()
                                    .map(|c| c.iter().map(|v| v.as_u64().unwrap_or(0)).collect())
                                    .unwrap_or_default()
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        let mut fairness_gaps = Vec::new();
        if let Some(section) = result["fairness"].as_object() {
            for (key, analysis) in section {
                fairness_gaps.push(FairnessGap {
                    sensitive: key.clone(),
                    groups: analysis["groups"]
                        .as_array()
                        .map(|g| {
                            g.iter()
                                .filter_map(Json::as_str)
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default(),
                    demographic_parity_difference:
                        analysis["demographic_parity_difference"]["between_groups"].as_f64(),
                    equalized_odds_difference:
                        analysis["equalized_odds_difference"]["between_groups"].as_f64(),
                    equal_opportunity_difference:
                        analysis["equal_opportunity_difference"]["between_groups"].as_f64(),
                    small_groups: analysis["small_groups"]
                        .as_array()
                        .map(|g| {
                            g.iter()
                                .filter_map(Json::as_str)
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default(),
                });
            }
        }
        let fairness_groups = self
            .store()
            .evaluation_fairness(id)
            .await?
            .into_iter()
            .map(|f| {
                let rates: Json = serde_json::from_str(&f.metrics_json).unwrap_or(Json::Null);
                let rate = |name: &str| rates[name].as_f64().unwrap_or(0.0);
                FairnessGroupRow {
                    sensitive: f.sensitive_key,
                    group: f.group_key,
                    count: f.row_count,
                    selection_rate: rate("selection_rate"),
                    accuracy: rate("accuracy"),
                    tpr: rate("tpr"),
                    fpr: rate("fpr"),
                    precision: rate("precision"),
                }
            })
            .collect();
        Ok(EvaluationDetail {
            summary: summary(&row, &metrics, false),
            metrics: metrics
                .into_iter()
                .map(|m| MetricValue {
                    name: m.name,
                    averaging: m.averaging,
                    class_label: m.class_label,
                    value: m.value,
                    ci_low: m.ci_low,
                    ci_high: m.ci_high,
                })
                .collect(),
            confusion_matrix,
            fairness_gaps,
            fairness_groups,
            settings: row.settings_json,
        })
    }
}

impl Workspace {
    /// The charts of an evaluation, as SVG documents: ROC, precision–recall and calibration for a
    /// binary classifier; none for other tasks.
    pub async fn evaluation_charts(&self, id: i64) -> Result<Vec<ChartView>> {
        let row = self.store().evaluation(id).await?;
        let result: Json = row.result_json.as_deref().map_or(Json::Null, |t| {
            serde_json::from_str(t).unwrap_or(Json::Null)
        });
        let curves = &result["metrics"]["curves"];
        let points = |curve: &Json, x: &str, y: &str| -> Vec<(f64, f64)> {
            let xs = curve[x].as_array().cloned().unwrap_or_default();
            let ys = curve[y].as_array().cloned().unwrap_or_default();
            xs.iter()
                .zip(&ys)
                .filter_map(|(a, b)| Some((a.as_f64()?, b.as_f64()?)))
                .collect()
        };
        let specs: [(&str, &str, &str, &str, &str, &str, bool); 3] = [
            (
                "roc",
                "ROC curve",
                "false-positive rate",
                "true-positive rate",
                "x",
                "y",
                true,
            ),
            (
                "precision_recall",
                "Precision–recall curve",
                "recall",
                "precision",
                "x",
                "y",
                false,
            ),
            (
                "calibration",
                "Calibration (10 bins)",
                "mean predicted probability",
                "observed share of positives",
                "mean_predicted",
                "fraction_positive",
                true,
            ),
        ];
        let mut charts = Vec::new();
        for (key, title, x_label, y_label, x, y, diagonal) in specs {
            if !curves[key].is_object() {
                continue;
            }
            let name = match key {
                "roc" => result["metrics"]["roc_auc"]["binary"]
                    .as_f64()
                    .map_or_else(|| "ROC".to_owned(), |auc| format!("AUC {auc:.4}")),
                "calibration" => "bins".to_owned(),
                _ => "precision".to_owned(),
            };
            let chart = vigil_charts::UnitChart {
                title: title.to_owned(),
                x_label: x_label.to_owned(),
                y_label: y_label.to_owned(),
                series: vec![vigil_charts::Series {
                    name,
                    points: points(&curves[key], x, y),
                    markers: key == "calibration",
                }],
                diagonal,
            };
            let svg = vigil_charts::unit_chart_svg(&chart, 440, 340).map_err(|e| {
                EngineError::Decode {
                    what: "chart",
                    reason: e.to_string(),
                }
            })?;
            charts.push(ChartView {
                key: key.to_owned(),
                title: title.to_owned(),
                svg,
            });
        }
        Ok(charts)
    }
}

/// The files of an evaluation, by path.
#[derive(Debug, Clone, Copy)]
pub struct EvaluationFiles<'a> {
    /// `None` for logged predictions (the settings name the prediction column).
    pub model: Option<&'a std::path::Path>,
    /// The model the file is stored as a version of; for logged predictions, the name of the
    /// system that logged them.
    pub name: &'a str,
    pub data: &'a std::path::Path,
}

/// An evaluation stored from files: the model version it made (none for logged predictions)
/// and its summary (`cached` when the same files and settings had been evaluated before).
#[derive(Debug, Clone)]
pub struct StoredEvaluation {
    pub version: Option<crate::views::ModelVersionSummary>,
    pub summary: EvaluationSummary,
}

/// The files read for an evaluation: the model's bytes with their hash, the dataset (its
/// bytes, or a large file's hash) and the settings' cache key.
struct LoadedFiles {
    /// Shared with the blocking thread that reads them, not copied.
    model: Option<(std::sync::Arc<[u8]>, String)>,
    data: DatasetSource,
    data_format: vigil_data::DatasetFormat,
    settings_json: String,
    cache_key: String,
}

async fn load_files(
    files: &EvaluationFiles<'_>,
    settings: &EvaluationSettings,
    stream_min_bytes: u64,
    job: &JobHandle,
) -> Result<LoadedFiles> {
    if files.name.trim().is_empty() {
        return Err(EngineError::Usage(if files.model.is_some() {
            "name the model: its file is stored as a version of that name".to_owned()
        } else {
            "name the system that logged the predictions".to_owned()
        }));
    }
    let model = match files.model {
        Some(path) => {
            let bytes = crate::files::read_file_async(path).await?;
            let sha256 = vigil_store::sha256_hex(&bytes);
            Some((bytes.into(), sha256))
        }
        None => None,
    };
    let data_name = files.data.display().to_string();
    let data_format = vigil_data::DatasetFormat::from_file_name(&data_name).map_err(|source| {
        EngineError::Dataset {
            name: data_name.clone(),
            source,
        }
    })?;
    let size = crate::files::file_size_async(files.data).await?;
    let (data, data_sha256) = if size >= stream_min_bytes {
        // Only hashed here (for the cache); the run scans and streams it.
        let (path, watcher) = (files.data.to_owned(), job.clone());
        let sha256 =
            tokio::task::spawn_blocking(move || crate::dataset_input::hash_file(&path, &watcher))
                .await
                .map_err(|e| EngineError::TaskFailed(e.to_string()))??;
        let path = files.data.to_owned();
        (
            DatasetSource::File {
                path,
                sha256: sha256.clone(),
                blob: false,
            },
            sha256,
        )
    } else {
        let bytes = crate::files::read_file_async(files.data).await?;
        let sha256 = vigil_store::sha256_hex(&bytes);
        (DatasetSource::Bytes(bytes.into()), sha256)
    };
    let settings_json = settings.to_json()?;
    let cache_key = cache_key(
        model.as_ref().map(|(_, sha)| sha.as_str()),
        &data_sha256,
        &settings_json,
    );
    Ok(LoadedFiles {
        model,
        data,
        data_format,
        settings_json,
        cache_key,
    })
}

impl Workspace {
    /// The stored evaluation of the same bytes and settings under the same name, if any.
    async fn cached_file_evaluation(
        &self,
        files: &EvaluationFiles<'_>,
        loaded: &LoadedFiles,
    ) -> Result<Option<StoredEvaluation>> {
        let Some(row) = self.store().cached_evaluation(&loaded.cache_key).await? else {
            return Ok(None);
        };
        // The same bytes dropped under another model name are another model's version: its
        // evaluation is not this one's.
        let same_name = match (&loaded.model, &row.model_name, &row.logged_source) {
            (Some(_), Some(model), _) => model == files.name,
            (None, None, Some(source)) => source == files.name,
            _ => false,
        };
        if !same_name {
            return Ok(None);
        }
        let version = match row.model_version_id {
            Some(id) => Some(self.store().model_version(id).await?.into()),
            None => None,
        };
        let metrics = self.store().evaluation_metrics(row.id).await?;
        Ok(Some(StoredEvaluation {
            version,
            summary: summary(&row, &metrics, true),
        }))
    }

    /// Stores a finished run with its model version and dataset, in that order; the dataset's
    /// profile comes from the run, so the file is not read again.
    async fn store_run(
        &self,
        files: &EvaluationFiles<'_>,
        loaded: &LoadedFiles,
        run: &EvaluationRun,
        settings: &EvaluationSettings,
        actor: &str,
    ) -> Result<StoredEvaluation> {
        let version = match (&loaded.model, files.model) {
            (Some((bytes, _)), Some(path)) => Some(
                self.import_model_version(
                    &crate::import::ModelFile {
                        model_name: files.name,
                        model_description: "",
                        source: &crate::files::file_name(path),
                        notes: "",
                        bytes,
                    },
                    actor,
                )
                .await?
                .item,
            ),
            _ => None,
        };
        let data_source = crate::files::file_name(files.data);
        let dataset = match &loaded.data {
            DatasetSource::Bytes(bytes) => {
                self.import_profiled_dataset(
                    &crate::import::DatasetFile {
                        name: &data_source,
                        description: "",
                        source: &data_source,
                        bytes,
                    },
                    &run.dataset.profile,
                    actor,
                )
                .await?
            }
            DatasetSource::File { path, .. } => {
                self.import_scanned_dataset(&data_source, path, &run.dataset.profile, actor)
                    .await?
            }
        };
        let id = self
            .store()
            .start_evaluation(&NewEvaluation {
                model_version_id: version.as_ref().map(|v| v.id),
                logged_source: version.is_none().then_some(files.name),
                dataset_id: dataset.id,
                settings_json: &loaded.settings_json,
                cache_key: &loaded.cache_key,
                device: &run.device,
                actor,
            })
            .await?;
        let outcome = outcome(run, settings);
        let metrics = outcome.metrics.clone();
        self.store().finish_evaluation(id, &outcome, actor).await?;
        let row = self.store().evaluation(id).await?;
        Ok(StoredEvaluation {
            version,
            summary: summary(&row, &metrics, false),
        })
    }

    /// Evaluates files into the workspace. Everything is computed first: when reading,
    /// inference or scoring fails, or `job` is cancelled, nothing is stored. Then the model
    /// file becomes a version of `files.name` (content addressed), the dataset is registered
    /// and the evaluation stored. The same bytes and settings under the same name return the
    /// stored result at once (marked cached), unless `force`.
    pub async fn evaluate_files(
        &self,
        files: &EvaluationFiles<'_>,
        settings: &EvaluationSettings,
        force: bool,
        job: &JobHandle,
        actor: &str,
    ) -> Result<StoredEvaluation> {
        job.report(JobProgress::stage("reading"));
        let loaded = load_files(files, settings, self.stream_min_bytes(), job).await?;
        if !force && let Some(cached) = self.cached_file_evaluation(files, &loaded).await? {
            return Ok(cached);
        }
        let run = run_off_thread(
            loaded.model.as_ref().map(|(bytes, _)| bytes.clone()),
            loaded.data.clone(),
            loaded.data_format,
            files.data.display().to_string(),
            settings.clone(),
            self.device().clone(),
            job.clone(),
        )
        .await?;
        if job.is_cancelled() {
            return Err(crate::predict::PredictError::Cancelled {
                done: run.predictions.n_rows,
                total: run.predictions.n_rows,
            }
            .into());
        }
        job.report(JobProgress::stage("saving"));
        self.store_run(files, &loaded, &run, settings, actor).await
    }

    /// Stores a run that was computed from `files` (`vigil eval --register`), unless the same
    /// bytes and settings are stored already: then that evaluation is returned, marked cached.
    pub async fn store_evaluation_run(
        &self,
        files: &EvaluationFiles<'_>,
        run: &EvaluationRun,
        settings: &EvaluationSettings,
        actor: &str,
    ) -> Result<StoredEvaluation> {
        let loaded = load_files(
            files,
            settings,
            self.stream_min_bytes(),
            &JobHandle::silent(),
        )
        .await?;
        if let Some(cached) = self.cached_file_evaluation(files, &loaded).await? {
            return Ok(cached);
        }
        self.store_run(files, &loaded, run, settings, actor).await
    }
}

/// Column names that usually hold the label, in order of preference.
const TARGET_NAMES: [&str; 10] = [
    "label", "target", "y", "class", "outcome", "default", "churn", "churned", "fraud", "is_fraud",
];

impl Workspace {
    /// Reads a dataset file for the evaluate form: its profile and a guess at the target column.
    /// A large file is scanned (memory stays bounded) rather than read whole.
    pub async fn preview_dataset(
        &self,
        path: &std::path::Path,
    ) -> Result<crate::views::DatasetPreview> {
        let stream_min_bytes = self.stream_min_bytes();
        let owned = path.to_owned();
        let dataset = tokio::task::spawn_blocking(move || {
            crate::dataset_input::open(&owned, stream_min_bytes, &JobHandle::silent())
        })
        .await
        .map_err(|e| EngineError::TaskFailed(e.to_string()))??;
        let dataset = dataset.profile();
        let suggested_target = TARGET_NAMES.iter().find_map(|wanted| {
            dataset
                .columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(wanted))
                .map(|c| c.name.clone())
        });
        Ok(crate::views::DatasetPreview {
            path: path.display().to_string(),
            row_count: i64::try_from(dataset.row_count).unwrap_or(i64::MAX),
            columns: dataset.columns.clone(),
            suggested_target,
        })
    }
}

impl Workspace {
    /// The evaluate form's action: evaluate the files (a model, or logged predictions) into the
    /// workspace, reporting progress to `job`.
    /// `job_id` names the run for [`Workspace::cancel_job`]; `report` hears its progress.
    pub async fn evaluate_model_file(
        &self,
        request: &crate::views::EvaluateFileRequest,
        job_id: &str,
        report: impl Fn(JobProgress) + Send + Sync + 'static,
        actor: &str,
    ) -> Result<EvaluationSummary> {
        let job = JobHandle::new(report);
        let _tracked = self.track_job(job_id, &job);
        let blank_is_none = |text: &Option<String>| {
            text.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        let model_path = blank_is_none(&request.model_path);
        let prediction_column = blank_is_none(&request.prediction_column);
        let settings = EvaluationSettings {
            target: request.target.clone(),
            pos_label: blank_is_none(&request.pos_label),
            sensitive: request.sensitive.iter().map(|c| vec![c.clone()]).collect(),
            inputs: Vec::new(),
            prediction_column,
            probability_columns: request.probability_columns.clone(),
            bootstrap_resamples: None,
        };
        let files = EvaluationFiles {
            model: model_path.as_deref().map(std::path::Path::new),
            name: &request.model_name,
            data: std::path::Path::new(&request.data_path),
        };
        Ok(self
            .evaluate_files(&files, &settings, request.force, &job, actor)
            .await?
            .summary)
    }
}
