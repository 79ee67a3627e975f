//! Evaluations kept in the workspace: a stored model version run on a stored dataset, scored,
//! and persisted (metric values, per-group fairness, per-row predictions) with its timings. The
//! same model bytes, dataset bytes and settings return the stored result unless forced.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use vigil_store::{EvaluationOutcome, EvaluationRow, FairnessRow, MetricValueRow, PredictionRow};

use crate::evaluate::{label_text, score_all};
use crate::predict::{Predictions, bind_inputs, predict};
use crate::views::{
    ChartView, ConfusionMatrix, EvaluationDetail, EvaluationSummary, FairnessGap, FairnessGroupRow,
    HeadlineMetric, MetricValue,
};
use crate::{EngineError, Result, Workspace};

/// What an evaluation is asked to compute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationSettings {
    pub target: String,
    pub pos_label: Option<String>,
    /// Each entry one analysis; several columns are an intersection.
    pub sensitive: Vec<Vec<String>>,
}

/// What one blocking run produces.
struct Computed {
    task: &'static str,
    result: Json,
    predictions: Predictions,
    truth: Vec<Option<String>>,
    /// Per row, the sensitive columns' values as a JSON object (for browsing by group).
    groups: Vec<Option<String>>,
    load_ms: f64,
    inference_ms: f64,
    metrics_ms: f64,
}

fn elapsed_ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// Loads, predicts and scores, off the async threads.
fn compute(
    model_bytes: &[u8],
    dataset_bytes: &[u8],
    format: vigil_data::DatasetFormat,
    settings: &EvaluationSettings,
) -> Result<Computed> {
    let started = Instant::now();
    let model =
        vigil_infer::Model::load(model_bytes).map_err(crate::predict::PredictError::from)?;
    let dataset =
        vigil_data::read_dataset(dataset_bytes, format).map_err(|source| EngineError::Dataset {
            name: "the stored dataset".to_owned(),
            source,
        })?;
    let load_ms = elapsed_ms(started);
    let started = Instant::now();
    let mut excluded = vec![settings.target.clone()];
    excluded.extend(settings.sensitive.iter().flatten().cloned());
    let bindings = bind_inputs(&model, &dataset, &[], &excluded)?;
    let predictions = predict(&model, &dataset, &bindings, &vigil_infer::Device::cpu())?;
    let inference_ms = elapsed_ms(started);
    let started = Instant::now();
    let (metrics, fairness) = score_all(
        &dataset,
        &predictions,
        None,
        &settings.target,
        settings.pos_label.as_deref(),
        &settings.sensitive,
    )?;
    let metrics_ms = elapsed_ms(started);
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
    let mut result = serde_json::json!({ "metrics": metrics });
    if let Some(fairness) = fairness {
        result["fairness"] = fairness;
    }
    let task = if predictions.value.is_some() {
        "regression"
    } else {
        "classification"
    };
    Ok(Computed {
        task,
        result,
        predictions,
        truth,
        groups,
        load_ms,
        inference_ms,
        metrics_ms,
    })
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

fn prediction_rows(computed: &Computed) -> Vec<PredictionRow> {
    let p = &computed.predictions;
    (0..p.n_rows)
        .map(|row| {
            let probabilities = p.probabilities.as_ref().map(|all| &all[row]);
            PredictionRow {
                row_index: i64::try_from(row).unwrap_or(i64::MAX),
                predicted_label: p.label.as_ref().map(|l| label_text(&l[row])),
                predicted_value: p.value.as_ref().map(|v| f64::from(v[row])),
                true_label: computed.truth.get(row).cloned().flatten(),
                groups_json: computed.groups.get(row).cloned().flatten(),
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
            .unwrap_or_else(|| "(logged predictions)".to_owned()),
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
        let settings_json = serde_json::to_string(settings).map_err(|e| EngineError::Decode {
            what: "settings",
            reason: e.to_string(),
        })?;
        let cache_key = vigil_store::sha256_hex(
            format!("{}\n{}\n{settings_json}", version.sha256, dataset.sha256).as_bytes(),
        );
        if !force && let Some(row) = self.store().cached_evaluation(&cache_key).await? {
            let metrics = self.store().evaluation_metrics(row.id).await?;
            return Ok(summary(&row, &metrics, true));
        }
        let device = vigil_infer::Device::cpu();
        let id = self
            .store()
            .start_evaluation(
                Some(version_id),
                dataset_id,
                &settings_json,
                &cache_key,
                device.name(),
                actor,
            )
            .await?;
        // Blobs are re-checked against their hashes as they are read.
        let model_bytes = self.store().blobs().get(&version.sha256).await?;
        let dataset_bytes = self.store().blobs().get(&dataset.sha256).await?;
        let job_settings = settings.clone();
        let format = if dataset.format == "parquet" {
            vigil_data::DatasetFormat::Parquet
        } else {
            vigil_data::DatasetFormat::Csv
        };
        let computed = tokio::task::spawn_blocking(move || {
            compute(&model_bytes, &dataset_bytes, format, &job_settings)
        })
        .await
        .map_err(|e| EngineError::TaskFailed(e.to_string()))
        .and_then(|r| r);
        let computed = match computed {
            Ok(c) => c,
            Err(error) => {
                self.store()
                    .fail_evaluation(id, &error.user_message(), actor)
                    .await?;
                return Err(error);
            }
        };
        let metrics = metric_rows(&computed.result["metrics"]);
        let outcome = EvaluationOutcome {
            task: computed.task.to_owned(),
            result_json: computed.result.to_string(),
            metrics: metrics.clone(),
            fairness: fairness_rows(computed.result.get("fairness")),
            predictions: prediction_rows(&computed),
            load_ms: computed.load_ms,
            inference_ms: computed.inference_ms,
            metrics_ms: computed.metrics_ms,
        };
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

impl Workspace {
    /// Registers a model file as a version of `model_name` and a dataset file (both content
    /// addressed: the same bytes are the same version or dataset), then evaluates the version on
    /// the dataset and stores the result (`vigil eval --register`).
    pub async fn register_and_evaluate(
        &self,
        model_path: &std::path::Path,
        data_path: &std::path::Path,
        model_name: &str,
        settings: &EvaluationSettings,
        actor: &str,
    ) -> Result<(crate::views::ModelVersionSummary, EvaluationSummary)> {
        // Async reads: a dataset can be large, and this runs on the app's async threads.
        let read = |path: &std::path::Path| {
            let path = path.to_owned();
            async move {
                tokio::fs::read(&path)
                    .await
                    .map_err(|source| EngineError::ReadFile {
                        path: path.display().to_string(),
                        source,
                    })
            }
        };
        let file_name = |path: &std::path::Path| {
            path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        };
        let version = self
            .register_model_file(model_path, model_name, "", "", actor)
            .await?
            .item;
        let data_bytes = read(data_path).await?;
        let data_source = file_name(data_path);
        let dataset = self
            .import_dataset(
                &crate::import::DatasetFile {
                    name: &data_source,
                    description: "",
                    source: &data_source,
                    bytes: &data_bytes,
                },
                actor,
            )
            .await?
            .item;
        let summary = self
            .evaluate_version(version.id, dataset.id, settings, false, actor)
            .await?;
        Ok((version, summary))
    }
}

/// Column names that usually hold the label, in order of preference.
const TARGET_NAMES: [&str; 10] = [
    "label", "target", "y", "class", "outcome", "default", "churn", "churned", "fraud", "is_fraud",
];

/// Reads a dataset file for the evaluate form: its profile and a guess at the target column.
pub async fn preview_dataset(path: &std::path::Path) -> Result<crate::views::DatasetPreview> {
    let owned = path.to_owned();
    let dataset = tokio::task::spawn_blocking(move || crate::read_dataset(&owned))
        .await
        .map_err(|e| EngineError::TaskFailed(e.to_string()))??;
    let suggested_target = TARGET_NAMES.iter().find_map(|wanted| {
        dataset
            .profile
            .columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(wanted))
            .map(|c| c.name.clone())
    });
    Ok(crate::views::DatasetPreview {
        path: path.display().to_string(),
        row_count: i64::try_from(dataset.profile.row_count).unwrap_or(i64::MAX),
        columns: dataset.profile.columns,
        suggested_target,
    })
}

impl Workspace {
    /// The evaluate form's action: register the files and store the evaluation.
    pub async fn evaluate_model_file(
        &self,
        request: &crate::views::EvaluateFileRequest,
        actor: &str,
    ) -> Result<EvaluationSummary> {
        let settings = EvaluationSettings {
            target: request.target.clone(),
            pos_label: request.pos_label.clone().filter(|p| !p.trim().is_empty()),
            sensitive: request.sensitive.iter().map(|c| vec![c.clone()]).collect(),
        };
        let (_, summary) = self
            .register_and_evaluate(
                std::path::Path::new(&request.model_path),
                std::path::Path::new(&request.data_path),
                &request.model_name,
                &settings,
                actor,
            )
            .await?;
        Ok(summary)
    }
}
