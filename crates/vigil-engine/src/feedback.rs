//! Feedback on individual predictions: browsing an evaluation's stored predictions (filtered,
//! sorted by uncertainty, paged), annotating them (correct / incorrect, the true label, a note,
//! audited), and re-scoring the version on the rows people labelled.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use vigil_store::{NewFeedback, PredictionQuery, PredictionWithFeedback};

use crate::{EngineError, Result, Workspace};

/// The most rows one page returns (the view pages as it scrolls).
pub const MAX_PAGE_ROWS: i64 = 1000;

/// Which predictions to list.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct PredictionFilter {
    pub predicted_label: Option<String>,
    pub min_confidence: Option<f64>,
    pub max_confidence: Option<f64>,
    pub correct: Option<bool>,
    pub unannotated: bool,
    /// Only rows where this other evaluation (another version on the same data) disagrees.
    #[ts(optional, type = "number")]
    pub disagree_with: Option<i64>,
    /// Only rows of one group of a sensitive column.
    #[ts(optional)]
    pub group: Option<GroupFilter>,
    /// The annotation queue's order: least confident first.
    pub by_uncertainty: bool,
    #[ts(type = "number")]
    pub offset: i64,
    #[ts(type = "number")]
    pub limit: i64,
}

/// One group of a sensitive column.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct GroupFilter {
    pub column: String,
    pub value: String,
}

/// The latest annotation of a row.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackView {
    pub verdict: Option<String>,
    pub true_label: Option<String>,
    pub note: String,
    pub author: String,
    pub at: String,
}

/// One prediction as browsed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PredictionView {
    #[ts(type = "number")]
    pub prediction_id: i64,
    /// 1-based row of the dataset.
    #[ts(type = "number")]
    pub row: i64,
    pub predicted: Option<String>,
    pub true_label: Option<String>,
    pub confidence: Option<f64>,
    /// Whether the prediction equals the dataset's label.
    pub correct: Option<bool>,
    pub feedback: Option<FeedbackView>,
    #[ts(type = "number")]
    pub feedback_count: i64,
    /// The row's sensitive-column values, by column.
    pub groups: std::collections::BTreeMap<String, String>,
}

/// One page of predictions.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PredictionPage {
    pub rows: Vec<PredictionView>,
    /// Rows matching the filter, over all pages.
    #[ts(type = "number")]
    pub total: i64,
    /// The evaluation's labels, in order (digit shortcuts pick from these).
    pub labels: Vec<String>,
    /// The groups rows can be filtered by: (sensitive column, value).
    #[ts(type = "Array<[string, string]>")]
    pub groups: Vec<(String, String)>,
}

/// An annotation from a person.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Annotation {
    #[ts(type = "number")]
    pub prediction_id: i64,
    /// `correct` or `incorrect`.
    pub verdict: Option<String>,
    pub true_label: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// The version scored on the rows people labelled.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackPerformance {
    /// Rows whose true label feedback gives (a label, or "correct"; "incorrect" on a
    /// two-class model means the other class).
    #[ts(type = "number")]
    pub labelled_rows: i64,
    #[ts(type = "number")]
    pub correct_rows: i64,
    pub accuracy: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Rows where feedback disagrees with the dataset's own label.
    #[ts(type = "number")]
    pub contradicting_dataset: i64,
    #[ts(type = "number")]
    pub annotations: i64,
}

fn view(row: PredictionWithFeedback) -> PredictionView {
    let feedback = row.feedback_author.clone().map(|author| FeedbackView {
        verdict: row.feedback_verdict.clone(),
        true_label: row.feedback_label.clone(),
        note: row.feedback_note.clone().unwrap_or_default(),
        author,
        at: row.feedback_at.clone().unwrap_or_default(),
    });
    PredictionView {
        prediction_id: row.id,
        row: row.row_index + 1,
        correct: match (&row.predicted_label, &row.true_label) {
            (Some(p), Some(t)) => Some(p == t),
            _ => None,
        },
        predicted: row.predicted_label,
        true_label: row.true_label,
        confidence: row.confidence,
        feedback,
        feedback_count: row.feedback_count,
        groups: row
            .groups_json
            .as_deref()
            .and_then(|g| {
                serde_json::from_str::<std::collections::BTreeMap<String, Option<String>>>(g).ok()
            })
            .map(|m| {
                m.into_iter()
                    .filter_map(|(k, v)| v.map(|v| (k, v)))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The label feedback gives a row, if it gives one: from the latest annotation with a verdict
/// or a label.
fn feedback_label(row: &PredictionWithFeedback, labels: &[String]) -> Option<String> {
    if let Some(label) = &row.judged_label {
        return Some(label.clone());
    }
    match (row.judged_verdict.as_deref(), &row.predicted_label) {
        (Some("correct"), Some(p)) => Some(p.clone()),
        (Some("incorrect"), Some(p)) if labels.len() == 2 => {
            labels.iter().find(|l| *l != p).cloned()
        }
        _ => None,
    }
}

impl Workspace {
    /// One page of an evaluation's predictions.
    pub async fn predictions(
        &self,
        evaluation_id: i64,
        filter: &PredictionFilter,
    ) -> Result<PredictionPage> {
        self.store().evaluation(evaluation_id).await?;
        let query = PredictionQuery {
            predicted_label: filter.predicted_label.clone(),
            min_confidence: filter.min_confidence,
            max_confidence: filter.max_confidence,
            correct: filter.correct,
            unannotated: filter.unannotated,
            disagree_with: filter.disagree_with,
            group: filter
                .group
                .as_ref()
                .map(|g| (g.column.clone(), g.value.clone())),
            by_uncertainty: filter.by_uncertainty,
            offset: filter.offset.max(0),
            limit: if filter.limit <= 0 {
                100
            } else {
                filter.limit.min(MAX_PAGE_ROWS)
            },
        };
        let (rows, total) = self.store().predictions_page(evaluation_id, &query).await?;
        Ok(PredictionPage {
            rows: rows.into_iter().map(view).collect(),
            total,
            labels: self.evaluation_labels(evaluation_id).await?,
            groups: self.evaluation_groups(evaluation_id).await?,
        })
    }

    /// The evaluation's labels: its confusion matrix's (no scan of the rows), else those its
    /// predictions hold.
    async fn evaluation_labels(&self, evaluation_id: i64) -> Result<Vec<String>> {
        let row = self.store().evaluation(evaluation_id).await?;
        let from_result = row
            .result_json
            .as_deref()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .and_then(|r| {
                r["metrics"]["confusion_matrix"]["labels"]
                    .as_array()
                    .map(|labels| {
                        let mut out: Vec<String> = labels
                            .iter()
                            .map(|l| l.as_str().map_or_else(|| l.to_string(), str::to_owned))
                            .collect();
                        out.sort();
                        out
                    })
            });
        match from_result {
            Some(labels) => Ok(labels),
            None => Ok(self.store().prediction_labels(evaluation_id).await?),
        }
    }

    /// The groups of the evaluation's single sensitive columns, from its stored fairness
    /// results (no scan of the rows).
    async fn evaluation_groups(&self, evaluation_id: i64) -> Result<Vec<(String, String)>> {
        let mut groups: Vec<(String, String)> = self
            .store()
            .evaluation_fairness(evaluation_id)
            .await?
            .into_iter()
            .filter(|f| !f.group_key.is_empty() && !f.sensitive_key.contains('+'))
            .map(|f| (f.sensitive_key, f.group_key))
            .collect();
        groups.sort();
        groups.dedup();
        Ok(groups)
    }

    /// Stores a person's annotation of one prediction and returns the row as it now reads.
    pub async fn annotate(&self, annotation: &Annotation, actor: &str) -> Result<PredictionView> {
        let usage = |m: String| EngineError::Usage(m);
        let prediction = self.store().prediction(annotation.prediction_id).await?;
        let verdict = annotation
            .verdict
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty());
        let label = annotation
            .true_label
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty());
        let note = annotation.note.trim();
        if verdict.is_none() && label.is_none() && note.is_empty() {
            return Err(usage(
                "an annotation says correct or incorrect, gives the true label, or adds a note"
                    .to_owned(),
            ));
        }
        if let Some(v) = verdict
            && v != "correct"
            && v != "incorrect"
        {
            return Err(usage(format!(
                "`{v}` is not a verdict: use correct or incorrect"
            )));
        }
        if let Some(l) = label {
            let labels = self.evaluation_labels(prediction.evaluation_id).await?;
            if !labels.iter().any(|known| known == l) {
                return Err(usage(format!(
                    "`{l}` is not one of this evaluation's labels ({})",
                    labels.join(", ")
                )));
            }
            let predicted = prediction.predicted_label.as_deref();
            match (verdict, predicted) {
                (Some("correct"), Some(p)) if p != l => {
                    return Err(usage(format!(
                        "marked correct, but the true label {l} differs from the prediction {p}"
                    )));
                }
                (Some("incorrect"), Some(p)) if p == l => {
                    return Err(usage(format!(
                        "marked incorrect, but the true label {l} is the prediction"
                    )));
                }
                _ => {}
            }
        }
        self.store()
            .add_feedback(
                &NewFeedback {
                    prediction_id: prediction.id,
                    verdict,
                    true_label: label,
                    note,
                },
                actor,
            )
            .await?;
        Ok(view(self.store().prediction(prediction.id).await?))
    }

    /// The prediction id of an evaluation's row (1-based, as shown).
    pub async fn prediction_of_row(&self, evaluation_id: i64, row: i64) -> Result<i64> {
        Ok(self.store().prediction_at(evaluation_id, row - 1).await?)
    }

    /// Per dataset row (0-based) that feedback labels: whether the prediction was right.
    pub(crate) async fn feedback_correctness(
        &self,
        evaluation_id: i64,
    ) -> Result<std::collections::HashMap<usize, bool>> {
        let labels = self.evaluation_labels(evaluation_id).await?;
        Ok(self
            .store()
            .all_predictions(evaluation_id)
            .await?
            .iter()
            .filter(|row| row.feedback_count > 0)
            .filter_map(|row| {
                let label = feedback_label(row, &labels)?;
                let index = usize::try_from(row.row_index).unwrap_or(usize::MAX);
                Some((
                    index,
                    row.predicted_label.as_deref() == Some(label.as_str()),
                ))
            })
            .collect())
    }

    /// The version's accuracy on the rows feedback labels (latest annotation per row), with a
    /// bootstrap interval.
    pub async fn feedback_performance(&self, evaluation_id: i64) -> Result<FeedbackPerformance> {
        let labels = self.evaluation_labels(evaluation_id).await?;
        let annotations = self.store().list_feedback(Some(evaluation_id)).await?.len() as i64;
        let mut flags = Vec::new();
        let mut contradicting = 0;
        for row in self.store().all_predictions(evaluation_id).await? {
            if row.feedback_count == 0 {
                continue;
            }
            if let Some(label) = feedback_label(&row, &labels) {
                flags.push(row.predicted_label.as_deref() == Some(label.as_str()));
                if row.true_label.as_deref().is_some_and(|t| t != label) {
                    contradicting += 1;
                }
            }
        }
        let n = flags.len();
        let correct_rows = flags.iter().filter(|&&f| f).count();
        let values: Vec<f64> = flags.iter().map(|&f| f64::from(u8::from(f))).collect();
        let interval = vigil_stats::interval(n, &vigil_stats::Bootstrap::default(), |weights| {
            let total: f64 = weights.iter().sum();
            (total > 0.0)
                .then(|| weights.iter().zip(&values).map(|(w, v)| w * v).sum::<f64>() / total)
        });
        Ok(FeedbackPerformance {
            labelled_rows: n as i64,
            correct_rows: correct_rows as i64,
            accuracy: (n > 0).then(|| correct_rows as f64 / n as f64),
            ci_low: interval.map(|i| i.low),
            ci_high: interval.map(|i| i.high),
            contradicting_dataset: contradicting,
            annotations,
        })
    }

    /// Every annotation (of one evaluation when given), oldest first, for export.
    pub async fn export_feedback(
        &self,
        evaluation_id: Option<i64>,
    ) -> Result<Vec<serde_json::Value>> {
        Ok(self
            .store()
            .list_feedback(evaluation_id)
            .await?
            .into_iter()
            .map(|f| {
                serde_json::json!({
                    "feedback": f.id,
                    "evaluation": f.evaluation_id,
                    "row": f.row_index + 1,
                    "predicted": f.predicted_label,
                    "verdict": f.verdict,
                    "true_label": f.true_label,
                    "note": f.note,
                    "author": f.author,
                    "at": f.created_at,
                })
            })
            .collect())
    }
}
