//! Evaluations: one run of a model version on a dataset, its metric values, per-group fairness
//! results and per-row predictions. A run is created `running` and then finished or failed in
//! one transaction with its audit event; a finished run's cache key finds it again.

use serde_json::json;

use crate::{Result, Store, StoreError, audit, now_rfc3339};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EvaluationRow {
    pub id: i64,
    pub model_version_id: Option<i64>,
    pub dataset_id: i64,
    pub settings_json: String,
    pub cache_key: String,
    pub status: String,
    pub error_message: Option<String>,
    pub device: Option<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub load_ms: Option<f64>,
    pub inference_ms: Option<f64>,
    pub metrics_ms: Option<f64>,
    pub created_by: String,
    pub task: Option<String>,
    pub result_json: Option<String>,
    /// For logged predictions (no model version): the system that logged them.
    pub logged_source: Option<String>,
    /// Joined for display.
    pub model_name: Option<String>,
    pub model_version: Option<i64>,
    pub dataset_name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricValueRow {
    pub name: String,
    pub averaging: String,
    pub class_label: String,
    pub value: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FairnessRow {
    pub sensitive_key: String,
    pub group_key: String,
    pub row_count: i64,
    pub metrics_json: String,
    pub small_group: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PredictionRow {
    pub row_index: i64,
    pub predicted_label: Option<String>,
    pub predicted_value: Option<f64>,
    pub true_label: Option<String>,
    pub probabilities_json: Option<String>,
    pub confidence: Option<f64>,
    /// The row's sensitive-column values, as a JSON object.
    pub groups_json: Option<String>,
}

/// Everything a finished evaluation stores.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationOutcome {
    pub task: String,
    pub result_json: String,
    pub metrics: Vec<MetricValueRow>,
    pub fairness: Vec<FairnessRow>,
    pub predictions: Vec<PredictionRow>,
    pub load_ms: f64,
    pub inference_ms: f64,
    pub metrics_ms: f64,
}

const SELECT: &str =
    "SELECT e.*, m.name AS model_name, v.version AS model_version, d.name AS dataset_name
     FROM evaluations e
     LEFT JOIN model_versions v ON v.id = e.model_version_id
     LEFT JOIN models m ON m.id = v.model_id
     JOIN datasets d ON d.id = e.dataset_id";

/// An evaluation about to run.
#[derive(Debug, Clone, Copy)]
pub struct NewEvaluation<'a> {
    /// `None` for logged predictions.
    pub model_version_id: Option<i64>,
    /// For logged predictions: the system that logged them.
    pub logged_source: Option<&'a str>,
    pub dataset_id: i64,
    pub settings_json: &'a str,
    pub cache_key: &'a str,
    pub device: &'a str,
    pub actor: &'a str,
}

impl Store {
    /// Records a started evaluation and returns its id.
    pub async fn start_evaluation(&self, new: &NewEvaluation<'_>) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO evaluations (model_version_id, logged_source, dataset_id, settings_json,
                                      cache_key, status, device, started_at, created_by)
             VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?) RETURNING id",
        )
        .bind(new.model_version_id)
        .bind(new.logged_source)
        .bind(new.dataset_id)
        .bind(new.settings_json)
        .bind(new.cache_key)
        .bind(new.device)
        .bind(now_rfc3339())
        .bind(new.actor)
        .fetch_one(self.pool())
        .await?;
        Ok(id)
    }

    /// Stores a finished evaluation's results, all or nothing, with its audit event.
    pub async fn finish_evaluation(
        &self,
        id: i64,
        outcome: &EvaluationOutcome,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        for m in &outcome.metrics {
            sqlx::query(
                "INSERT INTO metric_values (evaluation_id, name, averaging, class_label, value, ci_low, ci_high)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(&m.name)
            .bind(&m.averaging)
            .bind(&m.class_label)
            .bind(m.value)
            .bind(m.ci_low)
            .bind(m.ci_high)
            .execute(&mut *tx)
            .await?;
        }
        for f in &outcome.fairness {
            sqlx::query(
                "INSERT INTO fairness_results (evaluation_id, sensitive_key, group_key, row_count, metrics_json, small_group)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(&f.sensitive_key)
            .bind(&f.group_key)
            .bind(f.row_count)
            .bind(&f.metrics_json)
            .bind(f.small_group)
            .execute(&mut *tx)
            .await?;
        }
        for p in &outcome.predictions {
            sqlx::query(
                "INSERT INTO predictions (evaluation_id, row_index, predicted_label, predicted_value, true_label,
                                          probabilities_json, confidence, groups_json)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(p.row_index)
            .bind(&p.predicted_label)
            .bind(p.predicted_value)
            .bind(&p.true_label)
            .bind(&p.probabilities_json)
            .bind(p.confidence)
            .bind(&p.groups_json)
            .execute(&mut *tx)
            .await?;
        }
        let updated = sqlx::query(
            "UPDATE evaluations SET status = 'done', finished_at = ?, task = ?, result_json = ?,
                                    load_ms = ?, inference_ms = ?, metrics_ms = ?
             WHERE id = ? AND status = 'running'",
        )
        .bind(now_rfc3339())
        .bind(&outcome.task)
        .bind(&outcome.result_json)
        .bind(outcome.load_ms)
        .bind(outcome.inference_ms)
        .bind(outcome.metrics_ms)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::NotFound(format!("running evaluation {id}")));
        }
        audit::append(
            &mut tx,
            actor,
            "evaluation.complete",
            &json!({ "evaluation": id, "task": outcome.task, "metrics": outcome.metrics.len(), "rows": outcome.predictions.len() }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks a running evaluation failed, with the reason, and audits it.
    pub async fn fail_evaluation(&self, id: i64, message: &str, actor: &str) -> Result<()> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("UPDATE evaluations SET status = 'failed', finished_at = ?, error_message = ? WHERE id = ?")
            .bind(now_rfc3339())
            .bind(message)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            "evaluation.fail",
            &json!({ "evaluation": id, "error": message }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest finished evaluation with this cache key.
    pub async fn cached_evaluation(&self, cache_key: &str) -> Result<Option<EvaluationRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT} WHERE e.cache_key = ? AND e.status = 'done' ORDER BY e.id DESC LIMIT 1"
        ))
        .bind(cache_key)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Every evaluation, newest first.
    pub async fn list_evaluations(&self) -> Result<Vec<EvaluationRow>> {
        Ok(sqlx::query_as(&format!("{SELECT} ORDER BY e.id DESC"))
            .fetch_all(self.pool())
            .await?)
    }

    pub async fn evaluation(&self, id: i64) -> Result<EvaluationRow> {
        sqlx::query_as(&format!("{SELECT} WHERE e.id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("evaluation {id}")))
    }

    pub async fn evaluation_metrics(&self, id: i64) -> Result<Vec<MetricValueRow>> {
        type Row = (
            String,
            String,
            String,
            Option<f64>,
            Option<f64>,
            Option<f64>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT name, averaging, class_label, value, ci_low, ci_high FROM metric_values
             WHERE evaluation_id = ? ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(name, averaging, class_label, value, ci_low, ci_high)| MetricValueRow {
                    name,
                    averaging,
                    class_label,
                    value,
                    ci_low,
                    ci_high,
                },
            )
            .collect())
    }

    pub async fn evaluation_fairness(&self, id: i64) -> Result<Vec<FairnessRow>> {
        let rows: Vec<(String, String, i64, String, bool)> = sqlx::query_as(
            "SELECT sensitive_key, group_key, row_count, metrics_json, small_group FROM fairness_results
             WHERE evaluation_id = ? ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(sensitive_key, group_key, row_count, metrics_json, small_group)| FairnessRow {
                    sensitive_key,
                    group_key,
                    row_count,
                    metrics_json,
                    small_group,
                },
            )
            .collect())
    }

    /// A model version by id.
    pub async fn model_version(&self, id: i64) -> Result<crate::ModelVersionRow> {
        sqlx::query_as("SELECT * FROM model_versions WHERE id = ?")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("model version {id}")))
    }

    /// A dataset by id.
    pub async fn dataset(&self, id: i64) -> Result<crate::DatasetRow> {
        sqlx::query_as("SELECT * FROM datasets WHERE id = ?")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("dataset {id}")))
    }
}
