//! Monitoring runs: the stored result of following a model version over time windows, with one
//! drift_results row per window and column; stored with its audit event in one transaction.

use serde_json::json;

use crate::{Result, Store, StoreError, audit, now_rfc3339};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MonitoringRunRow {
    pub id: i64,
    pub model_version_id: Option<i64>,
    pub dataset_id: i64,
    pub reference_dataset_id: Option<i64>,
    pub settings_json: String,
    pub cache_key: String,
    pub reference_profile_sha256: String,
    pub result_json: String,
    pub created_at: String,
    pub created_by: String,
    /// Joined for display.
    pub model_name: Option<String>,
    pub model_version: Option<i64>,
    pub dataset_name: String,
}

/// One window × column drift verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftResultRow {
    pub window_label: String,
    pub window_start: String,
    pub window_end: String,
    pub column_name: String,
    pub column_kind: String,
    pub method: String,
    pub method_reason: String,
    pub statistic: f64,
    pub threshold: f64,
    pub drifted: bool,
}

/// What a new monitoring run stores.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMonitoringRun<'a> {
    pub model_version_id: Option<i64>,
    pub dataset_id: i64,
    pub reference_dataset_id: Option<i64>,
    pub settings_json: &'a str,
    pub cache_key: &'a str,
    pub reference_profile_sha256: &'a str,
    pub result_json: &'a str,
    pub drift: &'a [DriftResultRow],
}

const SELECT: &str =
    "SELECT r.*, m.name AS model_name, v.version AS model_version, d.name AS dataset_name
     FROM monitoring_runs r
     LEFT JOIN model_versions v ON v.id = r.model_version_id
     LEFT JOIN models m ON m.id = v.model_id
     JOIN datasets d ON d.id = r.dataset_id";

impl Store {
    /// Stores a finished monitoring run, all or nothing, with its audit event.
    pub async fn insert_monitoring_run(
        &self,
        run: &NewMonitoringRun<'_>,
        actor: &str,
    ) -> Result<i64> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO monitoring_runs (model_version_id, dataset_id, reference_dataset_id, settings_json,
                                          cache_key, reference_profile_sha256, result_json, created_at, created_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(run.model_version_id)
        .bind(run.dataset_id)
        .bind(run.reference_dataset_id)
        .bind(run.settings_json)
        .bind(run.cache_key)
        .bind(run.reference_profile_sha256)
        .bind(run.result_json)
        .bind(now_rfc3339())
        .bind(actor)
        .fetch_one(&mut *tx)
        .await?;
        let created_at = now_rfc3339();
        for row in run.drift {
            sqlx::query(
                "INSERT INTO drift_results (model_version_id, reference_dataset_id, current_dataset_id, window_label,
                                            window_start, window_end, column_name, column_kind, method, method_reason,
                                            statistic, threshold, drifted, created_at, monitoring_run_id)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(run.model_version_id)
            .bind(run.reference_dataset_id.unwrap_or(run.dataset_id))
            .bind(run.dataset_id)
            .bind(&row.window_label)
            .bind(&row.window_start)
            .bind(&row.window_end)
            .bind(&row.column_name)
            .bind(&row.column_kind)
            .bind(&row.method)
            .bind(&row.method_reason)
            .bind(row.statistic.is_finite().then_some(row.statistic))
            .bind(row.threshold)
            .bind(row.drifted)
            .bind(&created_at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        audit::append(
            &mut tx,
            actor,
            "monitoring.complete",
            &json!({
                "monitoring_run": id,
                "model_version": run.model_version_id,
                "dataset": run.dataset_id,
                "reference_dataset": run.reference_dataset_id,
                "drift_results": run.drift.len(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The newest run with this cache key.
    pub async fn cached_monitoring_run(&self, cache_key: &str) -> Result<Option<MonitoringRunRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT} WHERE r.cache_key = ? ORDER BY r.id DESC LIMIT 1"
        ))
        .bind(cache_key)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Every monitoring run, newest first.
    pub async fn list_monitoring_runs(&self) -> Result<Vec<MonitoringRunRow>> {
        Ok(sqlx::query_as(&format!("{SELECT} ORDER BY r.id DESC"))
            .fetch_all(self.pool())
            .await?)
    }

    pub async fn monitoring_run(&self, id: i64) -> Result<MonitoringRunRow> {
        sqlx::query_as(&format!("{SELECT} WHERE r.id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("monitoring run {id}")))
    }

    /// How many drift_results rows a run stored (tests and integrity checks).
    pub async fn drift_result_count(&self, monitoring_run_id: i64) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM drift_results WHERE monitoring_run_id = ?")
                .bind(monitoring_run_id)
                .fetch_one(self.pool())
                .await?,
        )
    }
}
