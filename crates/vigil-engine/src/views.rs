//! What the engine hands to front ends: plain, serialisable views of stored state. These types
//! cross IPC, so the UI's TypeScript types are generated from them (see [`typescript_bindings`]).

use serde::Serialize;
use ts_rs::TS;
use vigil_data::ColumnProfile;
use vigil_store::{AuditEventRow, DatasetRow, ModelRow, ModelVersionRow};

use crate::{EngineError, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub description: String,
    pub created_at: String,
    /// Oldest first.
    pub versions: Vec<ModelVersionSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelVersionSummary {
    #[ts(type = "number")]
    pub id: i64,
    /// 1, 2, 3 … within its model.
    #[ts(type = "number")]
    pub version: i64,
    pub sha256: String,
    #[ts(type = "number")]
    pub size_bytes: i64,
    pub source: String,
    pub notes: String,
    pub created_at: String,
    pub created_by: String,
    pub tags: Vec<String>,
    /// Inputs and outputs as the inference crate reads them, e.g.
    /// `age tensor(float)[?,1], … → label tensor(int64)[?], probabilities tensor(float)[?,2]`.
    pub signature: Option<String>,
}

/// A stored signature as one line.
fn signature_line(json: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let side = |key: &str| -> String {
        value[key]
            .as_array()
            .map(|values| {
                values
                    .iter()
                    .map(|v| {
                        let ty = &v["type"];
                        let shape = ty["shape"]
                            .as_array()
                            .map(|dims| {
                                dims.iter()
                                    .map(|d| {
                                        d.as_str().map_or_else(|| d.to_string(), str::to_owned)
                                    })
                                    .collect::<Vec<_>>()
                                    .join(",")
                            })
                            .map_or_else(String::new, |s| format!("[{s}]"));
                        let kind = ty["kind"].as_str().unwrap_or("value");
                        match ty["element"].as_str() {
                            Some(element) => format!(
                                "{} {kind}({element}){shape}",
                                v["name"].as_str().unwrap_or("?")
                            ),
                            None => format!("{} {kind}", v["name"].as_str().unwrap_or("?")),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    Some(format!("{} → {}", side("inputs"), side("outputs")))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasetSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub description: String,
    pub sha256: String,
    #[ts(type = "number")]
    pub size_bytes: i64,
    pub format: String,
    #[ts(type = "number")]
    pub row_count: i64,
    pub columns: Vec<ColumnProfile>,
    pub timestamp_column: Option<String>,
    pub source: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AuditEvent {
    #[ts(type = "number")]
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    /// The event's payload as stored (JSON text), shown verbatim so it can be checked.
    pub payload: String,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceInfo {
    pub data_dir: String,
    pub database_path: String,
    pub app_version: String,
    #[ts(type = "number")]
    pub schema_version: i64,
    pub demo_seeded: bool,
    /// Where models run: `cpu`, or the GPU's name.
    pub device: String,
    /// Why models do not run on the GPU that `VIGIL_DEVICE=gpu` asked for.
    pub device_fallback: Option<String>,
}

impl From<AuditEventRow> for AuditEvent {
    fn from(row: AuditEventRow) -> Self {
        Self {
            seq: row.seq,
            at: row.at,
            actor: row.actor,
            action: row.action,
            payload: row.payload_json,
            hash: row.hash,
        }
    }
}

impl From<ModelVersionRow> for ModelVersionSummary {
    fn from(row: ModelVersionRow) -> Self {
        Self {
            id: row.id,
            version: row.version,
            sha256: row.sha256,
            size_bytes: row.size_bytes,
            source: row.source,
            notes: row.notes,
            created_at: row.created_at,
            created_by: row.created_by,
            tags: serde_json::from_str(&row.tags_json).unwrap_or_default(),
            signature: row.signature_json.as_deref().and_then(signature_line),
        }
    }
}

/// Groups versions (ordered by model, then version) under their models.
pub(crate) fn model_summaries(
    models: Vec<ModelRow>,
    versions: Vec<ModelVersionRow>,
) -> Vec<ModelSummary> {
    let mut summaries: Vec<ModelSummary> = models
        .into_iter()
        .map(|m| ModelSummary {
            id: m.id,
            name: m.name,
            description: m.description,
            created_at: m.created_at,
            versions: Vec::new(),
        })
        .collect();
    for version in versions {
        if let Some(model) = summaries.iter_mut().find(|m| m.id == version.model_id) {
            model.versions.push(version.into());
        }
    }
    summaries
}

pub(crate) fn dataset_summary(row: DatasetRow) -> Result<DatasetSummary> {
    let columns: Vec<ColumnProfile> =
        serde_json::from_str(&row.columns_json).map_err(|e| EngineError::Decode {
            what: "dataset columns",
            reason: e.to_string(),
        })?;
    Ok(DatasetSummary {
        id: row.id,
        name: row.name,
        description: row.description,
        sha256: row.sha256,
        size_bytes: row.size_bytes,
        format: row.format,
        row_count: row.row_count,
        columns,
        timestamp_column: row.timestamp_column,
        source: row.source,
        created_at: row.created_at,
    })
}

/// The TypeScript declarations of every type that crosses IPC, in the form committed as
/// `ui/src/lib/bindings.ts`. A test fails when the committed file differs from this.
pub fn typescript_bindings() -> String {
    let mut declarations = vec![
        AuditEvent::decl(),
        vigil_data::ColumnKind::decl(),
        ColumnProfile::decl(),
        DatasetSummary::decl(),
        crate::ErrorCode::decl(),
        crate::IpcError::decl(),
        ModelSummary::decl(),
        ModelVersionSummary::decl(),
        WorkspaceInfo::decl(),
        ChartView::decl(),
        DatasetPreview::decl(),
        EvaluateFileRequest::decl(),
        crate::run::JobProgress::decl(),
        ConfusionMatrix::decl(),
        EvaluationDetail::decl(),
        EvaluationSummary::decl(),
        FairnessGap::decl(),
        FairnessGroupRow::decl(),
        HeadlineMetric::decl(),
        MetricValue::decl(),
        crate::monitor::MetricPoint::decl(),
        crate::monitor::MonitoringWindow::decl(),
        crate::monitor::WindowColumnDrift::decl(),
        crate::monitor::WindowFairness::decl(),
        crate::stored_monitoring::DriftCellDetail::decl(),
        crate::stored_monitoring::HeatCell::decl(),
        crate::stored_monitoring::MonitoringDetail::decl(),
        crate::stored_monitoring::MonitoringRunSummary::decl(),
        crate::stored_monitoring::MonitorFileRequest::decl(),
        crate::compare::ComparisonView::decl(),
        crate::compare::GroupDelta::decl(),
        crate::compare::MetricDelta::decl(),
        crate::feedback::Annotation::decl(),
        crate::feedback::FeedbackPerformance::decl(),
        crate::feedback::FeedbackView::decl(),
        crate::feedback::GroupFilter::decl(),
        crate::feedback::PredictionFilter::decl(),
        crate::feedback::PredictionPage::decl(),
        crate::feedback::PredictionView::decl(),
        crate::registry::AliasEvent::decl(),
        crate::registry::AuditCheck::decl(),
        crate::registry::GateCheck::decl(),
        crate::registry::GatePolicy::decl(),
        crate::registry::GateReport::decl(),
        crate::registry::ModelLifecycle::decl(),
        crate::stored_monitoring::NamedNumber::decl(),
    ];
    declarations.sort();
    let mut out = String::from(
        "// This file is generated from the Rust types by `make bindings`; do not edit it by hand.\n",
    );
    for declaration in declarations {
        out.push_str("\nexport ");
        out.push_str(&declaration);
        out.push('\n');
    }
    out
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HeadlineMetric {
    pub name: String,
    pub value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EvaluationSummary {
    #[ts(type = "number")]
    pub id: i64,
    /// The model's name; for logged predictions, the system that logged them.
    pub model_name: String,
    /// 0 for logged predictions.
    #[ts(type = "number")]
    pub model_version: i64,
    /// Whether the evaluation scored predictions logged in the dataset (no model was run).
    pub logged_predictions: bool,
    pub dataset_name: String,
    /// `running`, `done`, `failed` or `cancelled`.
    pub status: String,
    /// `classification` or `regression`.
    pub task: Option<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub duration_ms: Option<f64>,
    pub device: Option<String>,
    pub error_message: Option<String>,
    pub headline: Vec<HeadlineMetric>,
    /// True when this is a stored result returned instead of a new run.
    pub cached: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MetricValue {
    pub name: String,
    pub averaging: String,
    pub class_label: String,
    pub value: Option<f64>,
    /// The bootstrap 95 % interval, for the metrics that have one.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConfusionMatrix {
    pub labels: Vec<String>,
    /// Rows are true classes, columns predicted classes.
    #[ts(type = "Array<Array<number>>")]
    pub matrix: Vec<Vec<u64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FairnessGap {
    pub sensitive: String,
    pub groups: Vec<String>,
    pub demographic_parity_difference: Option<f64>,
    pub equalized_odds_difference: Option<f64>,
    pub equal_opportunity_difference: Option<f64>,
    pub small_groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FairnessGroupRow {
    pub sensitive: String,
    pub group: String,
    #[ts(type = "number")]
    pub count: i64,
    pub selection_rate: f64,
    pub accuracy: f64,
    pub tpr: f64,
    pub fpr: f64,
    pub precision: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EvaluationDetail {
    pub summary: EvaluationSummary,
    pub metrics: Vec<MetricValue>,
    pub confusion_matrix: Option<ConfusionMatrix>,
    pub fairness_gaps: Vec<FairnessGap>,
    pub fairness_groups: Vec<FairnessGroupRow>,
    /// The settings as stored (JSON): target, positive label, sensitive columns.
    pub settings: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChartView {
    /// What the chart shows, stable across versions (`roc`, `heatmap`, …): front ends pick
    /// charts by key, never by title.
    pub key: String,
    pub title: String,
    /// A complete SVG document.
    pub svg: String,
}

/// A dataset file read for the evaluate form: its columns and a guess at the target.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasetPreview {
    pub path: String,
    #[ts(type = "number")]
    pub row_count: i64,
    pub columns: Vec<ColumnProfile>,
    /// A column named like a label (`label`, `target`, `y`, `default`, `churn` …), if any.
    pub suggested_target: Option<String>,
}

/// What the evaluate form asks for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EvaluateFileRequest {
    /// `None` (or blank) to score predictions logged in the dataset.
    pub model_path: Option<String>,
    pub data_path: String,
    /// The model's name; for logged predictions, the system that logged them.
    pub model_name: String,
    pub target: String,
    pub pos_label: Option<String>,
    /// One column per entry.
    pub sensitive: Vec<String>,
    /// Logged predictions: the column of predicted labels.
    #[serde(default)]
    pub prediction_column: Option<String>,
    /// Logged predictions: the columns of class probabilities, in class order.
    #[serde(default)]
    pub probability_columns: Vec<String>,
    /// Evaluate again even when the same files and settings were evaluated before.
    #[serde(default)]
    pub force: bool,
}
