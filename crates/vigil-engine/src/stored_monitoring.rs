//! Monitoring kept in the workspace: a stored model version followed over a stored dataset's
//! time windows, the result and its reference profile stored, and the views the desktop shows —
//! metrics, fairness and drift over time (several versions on one chart), the drift heatmap,
//! and one cell's distributions and statistics.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;
use vigil_store::{DriftResultRow, MonitoringRunRow, NewMonitoringRun};

use crate::drift::DriftColumns;
use crate::monitor::{
    MonitorRequest, Monitoring, MonitoringWindow, ReferenceSource, WindowSpec, monitor,
};
use crate::predict::{bind_inputs, predict};
use crate::views::ChartView;
use crate::{EngineError, Result, Workspace};

/// Where a stored monitoring run's reference comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum MonitoringReference {
    /// The dataset's own first N windows.
    LeadingWindows { windows: usize },
    /// Another stored dataset.
    Dataset { dataset_id: i64 },
}

/// What a monitoring run is asked to compute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitoringSettings {
    pub window: WindowSpec,
    pub timestamp: Option<String>,
    pub reference: MonitoringReference,
    pub target: Option<String>,
    pub pos_label: Option<String>,
    pub sensitive: Vec<Vec<String>>,
    /// Columns never checked for drift (identifiers are left out automatically).
    pub exclude: Vec<String>,
}

/// A stored monitoring run, as listed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MonitoringRunSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub model_name: Option<String>,
    #[ts(type = "number | null")]
    pub model_version: Option<i64>,
    #[ts(type = "number | null")]
    pub model_version_id: Option<i64>,
    pub dataset_name: String,
    pub window: String,
    pub reference: String,
    #[ts(type = "number")]
    pub windows: usize,
    pub latest_window: Option<String>,
    pub latest_share_drifted: Option<f64>,
    pub created_at: String,
    pub cached: bool,
}

/// One heatmap cell: how strongly a column drifted in a window.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HeatCell {
    /// 0 = no sign of drift, 0.5 = at the threshold, 1 = far past it.
    pub level: f64,
    pub drifted: bool,
    pub score: f64,
    pub method: String,
}

/// Everything the monitoring view shows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MonitoringDetail {
    pub summary: MonitoringRunSummary,
    pub estimate_note: Option<String>,
    pub windows: Vec<MonitoringWindow>,
    /// Heatmap rows, in order.
    pub columns: Vec<String>,
    /// `[column][window]`.
    pub cells: Vec<Vec<Option<HeatCell>>>,
    /// Performance, fairness and drift over time, and the heatmap, as SVG.
    pub charts: Vec<ChartView>,
}

/// A named number for the statistics table.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NamedNumber {
    pub name: String,
    pub value: Option<f64>,
    pub note: Option<String>,
}

/// One column in one window: the verdict, how it was reached, the distributions.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DriftCellDetail {
    pub column: String,
    pub window: String,
    pub kind: String,
    pub method: String,
    pub reason: String,
    pub score: f64,
    pub threshold: f64,
    pub drifted: bool,
    pub statistics: Vec<NamedNumber>,
    pub chart: ChartView,
}

/// Everything one blocking run produces.
struct Computed {
    monitoring: Monitoring,
    profile_json: Vec<u8>,
}

fn decode_error(what: &'static str) -> impl Fn(serde_json::Error) -> EngineError {
    move |e| EngineError::Decode {
        what,
        reason: e.to_string(),
    }
}

pub(crate) fn read_stored(bytes: &[u8], format: &str) -> Result<vigil_data::Dataset> {
    vigil_data::read_dataset(bytes, crate::files::stored_format(format)).map_err(|source| {
        EngineError::Dataset {
            name: "the stored dataset".to_owned(),
            source,
        }
    })
}

/// Loads, predicts and monitors, off the async threads.
fn compute(
    model_bytes: Option<&[u8]>,
    dataset: (&[u8], &str),
    reference: Option<(&[u8], &str, &str)>,
    settings: &MonitoringSettings,
) -> Result<Computed> {
    let data = read_stored(dataset.0, dataset.1)?;
    let model = model_bytes
        .map(|bytes| vigil_infer::Model::load(bytes).map_err(crate::predict::PredictError::from))
        .transpose()?;
    let mut excluded: Vec<String> = settings.target.iter().cloned().collect();
    excluded.extend(settings.sensitive.iter().flatten().cloned());
    excluded.extend(settings.timestamp.iter().cloned());
    excluded.extend(data.profile.timestamp_column().map(str::to_owned));
    let run = |d: &vigil_data::Dataset| -> Result<Option<crate::predict::Predictions>> {
        let Some(model) = &model else {
            return Ok(None);
        };
        let bindings = bind_inputs(model, &d.profile.columns, &[], &excluded)?;
        Ok(Some(predict(
            model,
            d,
            &bindings,
            &vigil_infer::Device::cpu(),
        )?))
    };
    let predictions = run(&data)?;
    let reference_data = reference
        .as_ref()
        .map(|(bytes, format, _)| read_stored(bytes, format))
        .transpose()?;
    let reference_predictions = match &reference_data {
        Some(d) => run(d)?,
        None => None,
    };
    let source = match (&settings.reference, &reference_data, &reference) {
        (MonitoringReference::Dataset { .. }, Some(d), Some((_, _, name))) => {
            ReferenceSource::Dataset {
                data: d,
                predictions: reference_predictions.as_ref(),
                description: format!("dataset {name}"),
            }
        }
        (MonitoringReference::LeadingWindows { windows }, _, _) => {
            ReferenceSource::LeadingWindows(*windows)
        }
        _ => {
            return Err(EngineError::Usage(
                "the reference dataset could not be read".to_owned(),
            ));
        }
    };
    let monitoring = monitor(&MonitorRequest {
        dataset: &data,
        predictions: predictions.as_ref(),
        timestamp: settings.timestamp.as_deref(),
        window: settings.window,
        reference: source,
        columns: DriftColumns {
            exclude: settings.exclude.clone(),
            ..DriftColumns::default()
        },
        target: settings.target.as_deref(),
        pos_label: settings.pos_label.as_deref(),
        sensitive: &settings.sensitive,
    })?;
    let profile_json = serde_json::to_vec(&monitoring.profile).map_err(decode_error("profile"))?;
    Ok(Computed {
        monitoring,
        profile_json,
    })
}

/// [`compute`] on a blocking thread.
async fn compute_off_thread(
    model_bytes: Option<Vec<u8>>,
    dataset: (Vec<u8>, String),
    reference: Option<(Vec<u8>, String, String)>,
    settings: MonitoringSettings,
) -> Result<Computed> {
    tokio::task::spawn_blocking(move || {
        compute(
            model_bytes.as_deref(),
            (&dataset.0, &dataset.1),
            reference
                .as_ref()
                .map(|(b, f, n)| (b.as_slice(), f.as_str(), n.as_str())),
            &settings,
        )
    })
    .await
    .map_err(|e| EngineError::TaskFailed(e.to_string()))?
}

async fn read_file_async(path: &str) -> Result<Vec<u8>> {
    crate::files::read_file_async(std::path::Path::new(path)).await
}

fn file_name(path: &str) -> String {
    crate::files::file_name(std::path::Path::new(path))
}

/// `csv` or `parquet`, from the file name.
fn format_of(path: &str) -> Result<&'static str> {
    vigil_data::DatasetFormat::from_file_name(path)
        .map(vigil_data::DatasetFormat::as_str)
        .map_err(|source| EngineError::Dataset {
            name: path.to_owned(),
            source,
        })
}

/// What the Monitoring view's form (and `vigil monitor --register`) sends: files by path.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MonitorFileRequest {
    /// Without a model only the data's drift is monitored.
    pub model_path: Option<String>,
    pub model_name: Option<String>,
    pub data_path: String,
    /// The reference: another file …
    pub reference_path: Option<String>,
    /// … or the data's own first N windows.
    #[ts(type = "number | null")]
    pub reference_windows: Option<usize>,
    /// `day`, `week`, `month`, `rows:N` or `all`.
    pub window: String,
    pub timestamp: Option<String>,
    pub target: Option<String>,
    pub pos_label: Option<String>,
    /// Each entry one analysis; several columns are an intersection.
    pub sensitive: Vec<Vec<String>>,
    pub exclude: Vec<String>,
}

fn summary(row: &MonitoringRunRow, cached: bool) -> Result<MonitoringRunSummary> {
    let monitoring: Monitoring =
        serde_json::from_str(&row.result_json).map_err(decode_error("monitoring result"))?;
    let latest = monitoring.windows.last();
    Ok(MonitoringRunSummary {
        id: row.id,
        model_name: row.model_name.clone(),
        model_version: row.model_version,
        model_version_id: row.model_version_id,
        dataset_name: row.dataset_name.clone(),
        window: monitoring.window.describe(),
        reference: monitoring.reference.clone(),
        windows: monitoring.windows.len(),
        latest_window: latest.map(|w| w.label.clone()),
        latest_share_drifted: latest.map(|w| w.share_drifted),
        created_at: row.created_at.clone(),
        cached,
    })
}

/// How strongly a verdict points at drift, for the heatmap: p-value methods drift at small
/// scores, distances at large ones; either way 0.5 is the threshold.
fn heat_level(score: f64, threshold: f64, p_value: bool) -> f64 {
    if !score.is_finite() {
        return if p_value { 0.0 } else { 1.0 };
    }
    let level = if p_value {
        if score >= 1.0 {
            0.0
        } else if score <= 0.0 {
            1.0
        } else {
            score.ln() / threshold.ln() / 2.0
        }
    } else {
        score / threshold / 2.0
    };
    level.clamp(0.0, 1.0)
}

#[expect(
    clippy::needless_pass_by_value,
    reason = "used as a map_err function, which passes the error by value"
)]
fn chart_error(e: vigil_charts::ChartError) -> EngineError {
    EngineError::Decode {
        what: "chart",
        reason: e.to_string(),
    }
}

fn metric_value(window: &MonitoringWindow, name: &str) -> Option<(f64, Option<(f64, f64)>)> {
    window
        .performance
        .iter()
        .find(|m| m.name == name)
        .map(|m| (m.value, m.ci_low.zip(m.ci_high)))
}

impl Workspace {
    /// Saves an exported chart (`.svg` or `.png`) under the workspace's `exports/` folder and
    /// returns the file's path. The name is reduced to letters, digits, `.`, `-` and `_`; an
    /// existing file is never overwritten (`name-2.svg`, …).
    pub fn save_export(&self, file_name: &str, bytes: &[u8]) -> Result<String> {
        let clean: String = file_name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let (stem, extension) = clean
            .rsplit_once('.')
            .filter(|(stem, ext)| {
                !stem.trim_matches(['.', '-']).is_empty() && matches!(*ext, "svg" | "png")
            })
            .ok_or_else(|| {
                EngineError::Usage(format!(
                    "`{file_name}` is not a chart file name: use NAME.svg or NAME.png"
                ))
            })?;
        let stem = stem.trim_matches(['.', '-']);
        let folder = self.data_dir().join("exports");
        std::fs::create_dir_all(&folder).map_err(|source| EngineError::ReadFile {
            path: folder.display().to_string(),
            source,
        })?;
        let mut path = folder.join(format!("{stem}.{extension}"));
        let mut n = 2;
        while path.exists() {
            path = folder.join(format!("{stem}-{n}.{extension}"));
            n += 1;
        }
        std::fs::write(&path, bytes).map_err(|source| EngineError::ReadFile {
            path: path.display().to_string(),
            source,
        })?;
        Ok(path.display().to_string())
    }

    /// Monitors a stored model version (or only the data, without one) over a stored dataset,
    /// or returns the stored run for the same bytes and settings (unless `force`).
    pub async fn monitor_version(
        &self,
        version_id: Option<i64>,
        dataset_id: i64,
        settings: &MonitoringSettings,
        force: bool,
        actor: &str,
    ) -> Result<MonitoringRunSummary> {
        let version = match version_id {
            Some(id) => Some(self.store().model_version(id).await?),
            None => None,
        };
        let dataset = self.store().dataset(dataset_id).await?;
        let reference_row = match &settings.reference {
            MonitoringReference::Dataset { dataset_id } => {
                Some(self.store().dataset(*dataset_id).await?)
            }
            MonitoringReference::LeadingWindows { .. } => None,
        };
        let settings_json = serde_json::to_string(settings).map_err(decode_error("settings"))?;
        let cache_key = vigil_store::sha256_hex(
            format!(
                "monitor\n{}\n{}\n{}\n{settings_json}",
                version.as_ref().map_or("", |v| v.sha256.as_str()),
                dataset.sha256,
                reference_row.as_ref().map_or("", |d| d.sha256.as_str()),
            )
            .as_bytes(),
        );
        if !force && let Some(row) = self.store().cached_monitoring_run(&cache_key).await? {
            return summary(&row, true);
        }
        let model_bytes = match &version {
            Some(v) => Some(self.store().blobs().get(&v.sha256).await?),
            None => None,
        };
        let dataset_bytes = self.store().blobs().get(&dataset.sha256).await?;
        let reference_bytes = match &reference_row {
            Some(r) => Some((
                self.store().blobs().get(&r.sha256).await?,
                r.format.clone(),
                r.name.clone(),
            )),
            None => None,
        };
        let computed = compute_off_thread(
            model_bytes,
            (dataset_bytes, dataset.format.clone()),
            reference_bytes,
            settings.clone(),
        )
        .await?;
        self.store_monitoring_run(
            version_id,
            dataset_id,
            reference_row.as_ref().map(|r| r.id),
            &settings_json,
            &cache_key,
            &computed,
            actor,
        )
        .await
    }

    /// Stores a computed run: its reference profile as a blob, the result, one drift_results
    /// row per window and column, and the audit event.
    #[expect(clippy::too_many_arguments, reason = "the columns of one stored run")]
    async fn store_monitoring_run(
        &self,
        version_id: Option<i64>,
        dataset_id: i64,
        reference_dataset_id: Option<i64>,
        settings_json: &str,
        cache_key: &str,
        computed: &Computed,
        actor: &str,
    ) -> Result<MonitoringRunSummary> {
        let profile_sha256 = self.store().blobs().put(&computed.profile_json).await?;
        let monitoring = &computed.monitoring;
        let drift: Vec<DriftResultRow> = monitoring
            .windows
            .iter()
            .flat_map(|w| {
                w.drift.iter().map(|c| DriftResultRow {
                    window_label: w.label.clone(),
                    window_start: w.start.clone(),
                    window_end: w.end.clone(),
                    column_name: c.column.clone(),
                    column_kind: c.kind.clone(),
                    method: c.method.clone(),
                    method_reason: c.reason.clone(),
                    statistic: c.score,
                    threshold: c.threshold,
                    drifted: c.drifted,
                })
            })
            .collect();
        let result_json =
            serde_json::to_string(monitoring).map_err(decode_error("monitoring result"))?;
        let id = self
            .store()
            .insert_monitoring_run(
                &NewMonitoringRun {
                    model_version_id: version_id,
                    dataset_id,
                    reference_dataset_id,
                    settings_json,
                    cache_key,
                    reference_profile_sha256: &profile_sha256,
                    result_json: &result_json,
                    drift: &drift,
                },
                actor,
            )
            .await?;
        summary(&self.store().monitoring_run(id).await?, false)
    }

    /// Monitors files the user named (`vigil monitor --register`, the Monitoring view's form):
    /// everything is computed from the files first, so a file or a setting that fails stores
    /// nothing; then the model (as a version of `model_name`), the data and the reference are
    /// imported (content addressed) and the run stored.
    pub async fn monitor_model_file(
        &self,
        request: &MonitorFileRequest,
        actor: &str,
    ) -> Result<MonitoringRunSummary> {
        let window = WindowSpec::parse(&request.window)?;
        let reference = match (&request.reference_path, request.reference_windows) {
            (Some(_), None) => None,
            (None, Some(n)) => Some(n),
            _ => {
                return Err(EngineError::Usage(
                    "give the reference as a file or as a number of leading windows (one of them)"
                        .to_owned(),
                ));
            }
        };
        let model_name = request
            .model_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if request.model_path.is_some() && model_name.is_none() {
            return Err(EngineError::Usage(
                "name the model: its file is stored as a version of that name".to_owned(),
            ));
        }
        let model_bytes = match &request.model_path {
            Some(path) => Some(read_file_async(path).await?),
            None => None,
        };
        let data_bytes = read_file_async(&request.data_path).await?;
        let data_format = format_of(&request.data_path)?;
        let reference_file = match &request.reference_path {
            Some(path) => Some((
                read_file_async(path).await?,
                format_of(path)?,
                file_name(path),
            )),
            None => None,
        };
        let settings = MonitoringSettings {
            window,
            timestamp: request.timestamp.clone().filter(|t| !t.is_empty()),
            reference: match reference {
                Some(windows) => MonitoringReference::LeadingWindows { windows },
                // Filled in with the stored dataset's id once it is imported.
                None => MonitoringReference::Dataset { dataset_id: 0 },
            },
            target: request.target.clone().filter(|t| !t.is_empty()),
            pos_label: request.pos_label.clone().filter(|p| !p.is_empty()),
            sensitive: request.sensitive.clone(),
            exclude: request.exclude.clone(),
        };
        let computed = compute_off_thread(
            model_bytes.clone(),
            (data_bytes.clone(), data_format.to_owned()),
            reference_file
                .as_ref()
                .map(|(b, f, n)| (b.clone(), (*f).to_owned(), n.clone())),
            settings.clone(),
        )
        .await?;

        let version = match (&model_bytes, model_name, &request.model_path) {
            (Some(bytes), Some(name), Some(path)) => Some(
                self.import_model_version(
                    &crate::import::ModelFile {
                        model_name: name,
                        model_description: "",
                        source: &file_name(path),
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
        let data_source = file_name(&request.data_path);
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
        let reference_dataset = match &reference_file {
            Some((bytes, _, name)) => Some(
                self.import_dataset(
                    &crate::import::DatasetFile {
                        name,
                        description: "",
                        source: name,
                        bytes,
                    },
                    actor,
                )
                .await?
                .item,
            ),
            None => None,
        };
        let mut settings = settings;
        if let Some(r) = &reference_dataset {
            settings.reference = MonitoringReference::Dataset { dataset_id: r.id };
        }
        let settings_json = serde_json::to_string(&settings).map_err(decode_error("settings"))?;
        let cache_key = vigil_store::sha256_hex(
            format!(
                "monitor\n{}\n{}\n{}\n{settings_json}",
                version.as_ref().map_or("", |v| v.sha256.as_str()),
                dataset.sha256,
                reference_dataset.as_ref().map_or("", |d| d.sha256.as_str()),
            )
            .as_bytes(),
        );
        if let Some(row) = self.store().cached_monitoring_run(&cache_key).await? {
            return summary(&row, true);
        }
        self.store_monitoring_run(
            version.as_ref().map(|v| v.id),
            dataset.id,
            reference_dataset.as_ref().map(|r| r.id),
            &settings_json,
            &cache_key,
            &computed,
            actor,
        )
        .await
    }

    /// Every monitoring run, newest first.
    pub async fn list_monitoring_runs(&self) -> Result<Vec<MonitoringRunSummary>> {
        self.store()
            .list_monitoring_runs()
            .await?
            .iter()
            .map(|row| summary(row, false))
            .collect()
    }

    /// The monitoring view of one run: windows, heatmap cells and charts. Runs of the model's
    /// other versions on the same dataset with the same settings share the performance chart.
    pub async fn monitoring_detail(&self, id: i64) -> Result<MonitoringDetail> {
        let row = self.store().monitoring_run(id).await?;
        let mut monitoring: Monitoring =
            serde_json::from_str(&row.result_json).map_err(decode_error("monitoring result"))?;
        self.add_feedback_accuracy(&row, &mut monitoring).await?;
        let labels: Vec<String> = monitoring
            .windows
            .iter()
            .map(|w| w.short_label.clone())
            .collect();
        let reference_windows = monitoring.windows.iter().filter(|w| w.in_reference).count();

        // Sibling runs: same dataset and settings, another version of the same model.
        let mut versions: Vec<(String, Monitoring)> = Vec::new();
        for other in self.store().list_monitoring_runs().await? {
            if other.id == row.id
                || other.dataset_id != row.dataset_id
                || other.settings_json != row.settings_json
                || other.model_name != row.model_name
                || other.model_version_id.is_none()
                || other.model_version_id == row.model_version_id
                || versions.iter().any(|(name, _)| {
                    Some(name.as_str()) == other.model_version.map(|v| format!("v{v}")).as_deref()
                })
            {
                continue;
            }
            if let (Some(v), Ok(m)) = (
                other.model_version,
                serde_json::from_str::<Monitoring>(&other.result_json),
            ) && m.windows.len() == monitoring.windows.len()
            {
                versions.push((format!("v{v}"), m));
            }
        }
        let this_name = row
            .model_version
            .map_or_else(|| "data".to_owned(), |v| format!("v{v}"));
        versions.insert(0, (this_name, monitoring.clone()));
        versions.sort_by(|a, b| a.0.cmp(&b.0));

        // The model's accuracy gate, drawn on the accuracy chart.
        let accuracy_gate = match row.model_version_id {
            Some(version_id) => {
                let model_id = self.store().model_version(version_id).await?.model_id;
                self.store()
                    .gate_policy(model_id)
                    .await?
                    .and_then(|json| {
                        serde_json::from_str::<crate::registry::GatePolicy>(&json).ok()
                    })
                    .and_then(|policy| policy.min_accuracy)
            }
            None => None,
        };
        let mut charts = Vec::new();
        let has_accuracy = monitoring
            .windows
            .iter()
            .any(|w| metric_value(w, "accuracy").is_some() || w.estimated_accuracy.is_some());
        if has_accuracy {
            let mut series = Vec::new();
            for (name, m) in &versions {
                series.push(vigil_charts::TimeSeries {
                    name: format!("{name} accuracy"),
                    values: m
                        .windows
                        .iter()
                        .map(|w| metric_value(w, "accuracy").map(|v| v.0))
                        .collect(),
                    band: Some(
                        m.windows
                            .iter()
                            .map(|w| metric_value(w, "accuracy").and_then(|v| v.1))
                            .collect(),
                    ),
                    dashed: false,
                });
                if m.windows.iter().any(|w| w.feedback_accuracy.is_some()) {
                    series.push(vigil_charts::TimeSeries {
                        name: format!("{name} accuracy on feedback labels"),
                        values: m.windows.iter().map(|w| w.feedback_accuracy).collect(),
                        band: None,
                        dashed: false,
                    });
                }
                if m.windows.iter().any(|w| w.estimated_accuracy.is_some()) {
                    series.push(vigil_charts::TimeSeries {
                        name: format!("{name} estimated (no labels)"),
                        values: m.windows.iter().map(|w| w.estimated_accuracy).collect(),
                        band: None,
                        dashed: true,
                    });
                }
            }
            charts.push(ChartView {
                key: "accuracy".to_owned(),
                title: "Accuracy over time".to_owned(),
                svg: vigil_charts::time_series_svg(
                    &vigil_charts::TimeSeriesChart {
                        title: "Accuracy over time (95 % bootstrap band)".to_owned(),
                        y_label: "accuracy".to_owned(),
                        windows: labels.clone(),
                        series,
                        threshold: accuracy_gate.map(|g| (format!("gate: accuracy ≥ {g}"), g)),
                        reference_windows,
                        y_range: None,
                    },
                    720,
                    340,
                )
                .map_err(chart_error)?,
            });
        }
        let sensitive: Vec<String> = monitoring
            .windows
            .iter()
            .flat_map(|w| w.fairness.iter().map(|f| f.sensitive.clone()))
            .fold(Vec::new(), |mut acc, s| {
                if !acc.contains(&s) {
                    acc.push(s);
                }
                acc
            });
        if !sensitive.is_empty() {
            let mut series = Vec::new();
            for (name, m) in &versions {
                for key in &sensitive {
                    let gap = |w: &MonitoringWindow| {
                        w.fairness
                            .iter()
                            .find(|f| &f.sensitive == key)
                            .map(|f| f.equalized_odds_difference)
                            .filter(|v| v.is_finite())
                    };
                    series.push(vigil_charts::TimeSeries {
                        name: format!("{name} equalized odds difference ({key})"),
                        values: m.windows.iter().map(gap).collect(),
                        band: None,
                        dashed: false,
                    });
                }
            }
            charts.push(ChartView {
                key: "fairness_gap".to_owned(),
                title: "Fairness gap over time".to_owned(),
                svg: vigil_charts::time_series_svg(
                    &vigil_charts::TimeSeriesChart {
                        title: "Equalized odds difference over time".to_owned(),
                        y_label: "difference between groups".to_owned(),
                        windows: labels.clone(),
                        series,
                        threshold: None,
                        reference_windows,
                        y_range: None,
                    },
                    720,
                    300,
                )
                .map_err(chart_error)?,
            });
        }
        charts.push(ChartView {
            key: "drift_share".to_owned(),
            title: "Drifted columns over time".to_owned(),
            svg: vigil_charts::time_series_svg(
                &vigil_charts::TimeSeriesChart {
                    title: "Share of drifted columns (Evidently's default methods)".to_owned(),
                    y_label: "share of columns".to_owned(),
                    windows: labels.clone(),
                    series: vec![vigil_charts::TimeSeries {
                        name: "share drifted".to_owned(),
                        values: monitoring
                            .windows
                            .iter()
                            .map(|w| Some(w.share_drifted))
                            .collect(),
                        band: None,
                        dashed: false,
                    }],
                    threshold: Some((
                        "dataset drift at 0.5".to_owned(),
                        vigil_stats::drift::DATASET_DRIFT_SHARE,
                    )),
                    reference_windows,
                    y_range: Some((0.0, 1.0)),
                },
                720,
                280,
            )
            .map_err(chart_error)?,
        });

        let mut columns: Vec<String> = Vec::new();
        for w in &monitoring.windows {
            for c in &w.drift {
                if !columns.contains(&c.column) {
                    columns.push(c.column.clone());
                }
            }
        }
        let cells: Vec<Vec<Option<HeatCell>>> = columns
            .iter()
            .map(|column| {
                monitoring
                    .windows
                    .iter()
                    .map(|w| {
                        w.drift
                            .iter()
                            .find(|c| &c.column == column)
                            .map(|c| HeatCell {
                                level: heat_level(
                                    c.score,
                                    c.threshold,
                                    c.method.contains("p_value"),
                                ),
                                drifted: c.drifted,
                                score: c.score,
                                method: c.method.clone(),
                            })
                    })
                    .collect()
            })
            .collect();
        charts.push(ChartView {
            key: "heatmap".to_owned(),
            title: "Drift heatmap".to_owned(),
            svg: vigil_charts::heatmap_svg(
                &vigil_charts::Heatmap {
                    title: "Drift by column and window (dot: drifted)".to_owned(),
                    rows: columns.clone(),
                    columns: labels,
                    cells: cells
                        .iter()
                        .map(|row| {
                            row.iter()
                                .map(|c| c.as_ref().map(|c| (c.level, c.drifted)))
                                .collect()
                        })
                        .collect(),
                    reference_columns: reference_windows,
                },
                760,
                (80 + 26 * columns.len()).try_into().unwrap_or(600),
            )
            .map_err(chart_error)?,
        });
        Ok(MonitoringDetail {
            summary: summary(&row, false)?,
            estimate_note: monitoring.estimate_note.clone(),
            windows: monitoring.windows,
            columns,
            cells,
            charts,
        })
    }

    /// Fills each window's accuracy on feedback-labelled rows, from the feedback on the
    /// version's newest evaluation of the same dataset (its rows are the dataset's rows).
    async fn add_feedback_accuracy(
        &self,
        row: &MonitoringRunRow,
        monitoring: &mut Monitoring,
    ) -> Result<()> {
        let Some(version_id) = row.model_version_id else {
            return Ok(());
        };
        let evaluation = self
            .store()
            .list_evaluations()
            .await?
            .into_iter()
            .find(|e| {
                e.model_version_id == Some(version_id)
                    && e.dataset_id == row.dataset_id
                    && e.status == "done"
            });
        let Some(evaluation) = evaluation else {
            return Ok(());
        };
        let correctness = self.feedback_correctness(evaluation.id).await?;
        if correctness.is_empty() {
            return Ok(());
        }
        let settings: MonitoringSettings =
            serde_json::from_str(&row.settings_json).map_err(decode_error("settings"))?;
        let dataset = self.store().dataset(row.dataset_id).await?;
        let bytes = self.store().blobs().get(&dataset.sha256).await?;
        let format = dataset.format.clone();
        let windows = tokio::task::spawn_blocking(move || -> Result<_> {
            let data = read_stored(&bytes, &format)?;
            crate::monitor::split_windows(&data, settings.timestamp.as_deref(), settings.window)
        })
        .await
        .map_err(|e| EngineError::TaskFailed(e.to_string()))??;
        for (window, rows) in monitoring.windows.iter_mut().zip(&windows) {
            let judged: Vec<bool> = rows
                .rows
                .iter()
                .filter_map(|r| correctness.get(r).copied())
                .collect();
            window.feedback_rows = judged.len();
            window.feedback_accuracy = (!judged.is_empty())
                .then(|| judged.iter().filter(|&&c| c).count() as f64 / judged.len() as f64);
        }
        Ok(())
    }

    /// One heatmap cell: the column's distribution in the reference and the window, and every
    /// statistic with the method Evidently's rule chose and why.
    pub async fn drift_cell(
        &self,
        id: i64,
        window: usize,
        column: &str,
    ) -> Result<DriftCellDetail> {
        let row = self.store().monitoring_run(id).await?;
        let monitoring: Monitoring =
            serde_json::from_str(&row.result_json).map_err(decode_error("monitoring result"))?;
        let not_found = || {
            EngineError::Store(vigil_store::StoreError::NotFound(format!(
                "column {column} in window {window} of monitoring run {id}"
            )))
        };
        let w = monitoring.windows.get(window).ok_or_else(not_found)?;
        let verdict = w
            .drift
            .iter()
            .find(|c| c.column == column)
            .ok_or_else(not_found)?;
        let detail: &Json =
            &monitoring.drift_details.get(window).ok_or_else(not_found)?["columns"][column];
        let number = |path: &[&str]| {
            let mut v = detail;
            for key in path {
                v = &v[*key];
            }
            v.as_f64()
        };
        let stat = |name: &str, value: Option<f64>, note: Option<String>| NamedNumber {
            name: name.to_owned(),
            value,
            note,
        };
        let counts = |key: &str| -> Vec<f64> {
            let values: Vec<f64> = detail_counts(detail, key);
            let total: f64 = values.iter().sum();
            values
                .iter()
                .map(|c| if total > 0.0 { c / total } else { 0.0 })
                .collect()
        };
        let (statistics, bins) = if verdict.kind == "numerical" {
            let method = detail["ks"]["pvalue_method_auto"]
                .as_str()
                .unwrap_or("")
                .to_owned();
            let edges: Vec<f64> = detail["bins"]["inner_edges"]
                .as_array()
                .map(|a| a.iter().filter_map(Json::as_f64).collect())
                .unwrap_or_default();
            let mut bins = vec![format!(
                "< {}",
                compact(edges.first().copied().unwrap_or(f64::NAN))
            )];
            bins.extend(edges.iter().map(|e| format!("≥ {}", compact(*e))));
            (
                vec![
                    stat("KS statistic D", number(&["ks", "statistic"]), None),
                    stat(
                        "KS p-value",
                        number(&["ks", "pvalue"]),
                        Some(format!("{method} (scipy's choice by sample size)")),
                    ),
                    stat("Wasserstein distance", number(&["wasserstein"]), None),
                    stat(
                        "Wasserstein distance (normed by the reference's std)",
                        number(&["wasserstein_normed"]),
                        None,
                    ),
                    stat("PSI (reference deciles)", number(&["psi"]), None),
                    stat(
                        "Jensen–Shannon distance (reference deciles)",
                        number(&["js_distance"]),
                        None,
                    ),
                    stat(
                        "Missing share in the window",
                        number(&["missing_share_cur"]),
                        None,
                    ),
                ],
                bins,
            )
        } else {
            let categories: Vec<String> = detail["categories"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            (
                vec![
                    stat(
                        "Chi-square (homogeneity)",
                        number(&["chi2_contingency", "statistic"]),
                        None,
                    ),
                    stat(
                        "Chi-square p-value (homogeneity)",
                        number(&["chi2_contingency", "pvalue"]),
                        None,
                    ),
                    stat(
                        "Chi-square p-value (goodness of fit, Evidently's)",
                        number(&["chi2_gof", "pvalue"]),
                        None,
                    ),
                    stat("PSI", number(&["psi"]), None),
                    stat("Jensen–Shannon distance", number(&["js_distance"]), None),
                    stat(
                        "Missing share in the window",
                        number(&["missing_share_cur"]),
                        None,
                    ),
                ],
                categories,
            )
        };
        let (reference, current) = if verdict.kind == "numerical" {
            (counts("bins.ref_count"), counts("bins.cur_count"))
        } else {
            (counts("ref_count"), counts("cur_count"))
        };
        let svg = vigil_charts::distribution_svg(
            &vigil_charts::Distribution {
                title: format!("{column}: reference vs {}", w.label),
                x_label: if verdict.kind == "numerical" {
                    format!("{column} (bins at the reference's deciles)")
                } else {
                    column.to_owned()
                },
                bins,
                reference,
                current,
            },
            640,
            320,
        )
        .map_err(chart_error)?;
        Ok(DriftCellDetail {
            column: column.to_owned(),
            window: w.label.clone(),
            kind: verdict.kind.clone(),
            method: verdict.method.clone(),
            reason: verdict.reason.clone(),
            score: verdict.score,
            threshold: verdict.threshold,
            drifted: verdict.drifted,
            statistics,
            chart: ChartView {
                key: "distribution".to_owned(),
                title: format!("{column} distribution"),
                svg,
            },
        })
    }
}

/// Counts under a dotted key of a column's drift detail.
fn detail_counts(detail: &Json, dotted: &str) -> Vec<f64> {
    let mut v = detail;
    for key in dotted.split('.') {
        v = &v[key];
    }
    v.as_array()
        .map(|a| a.iter().filter_map(Json::as_f64).collect())
        .unwrap_or_default()
}

/// A bin edge for an axis label: four significant figures, thousands as k and millions as M.
fn compact(x: f64) -> String {
    if !x.is_finite() {
        return "—".to_owned();
    }
    let magnitude = x.abs();
    let (value, suffix) = if magnitude >= 1e6 {
        (x / 1e6, "M")
    } else if magnitude >= 1e4 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heat_levels_put_the_threshold_at_the_middle() {
        assert!((heat_level(0.1, 0.1, false) - 0.5).abs() < 1e-12);
        assert!((heat_level(0.05, 0.05, true) - 0.5).abs() < 1e-12);
        assert_eq!(heat_level(1.0, 0.05, true), 0.0);
        assert_eq!(heat_level(1e-40, 0.05, true), 1.0);
        assert_eq!(heat_level(0.0, 0.1, false), 0.0);
    }

    #[test]
    fn compact_edges() {
        assert_eq!(compact(19_872.0), "19.872k");
        assert_eq!(compact(0.25), "0.25");
        assert_eq!(compact(2_500_000.0), "2.5M");
    }
}
