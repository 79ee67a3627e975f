//! Datasets: a file fingerprinted by the SHA-256 of its bytes, with its row count and column
//! profile. The same bytes are one dataset, whatever name they were imported under.

use serde_json::json;

use crate::{Result, Store, audit, now_rfc3339};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DatasetRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub format: String,
    pub row_count: i64,
    pub columns_json: String,
    pub timestamp_column: Option<String>,
    pub source: String,
    pub created_at: String,
    pub created_by: String,
}

/// A dataset whose bytes are already in the blob store.
#[derive(Debug, Clone)]
pub struct NewDataset<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub sha256: &'a str,
    pub size_bytes: i64,
    pub format: &'a str,
    pub row_count: i64,
    pub columns_json: &'a str,
    pub timestamp_column: Option<&'a str>,
    pub source: &'a str,
    pub actor: &'a str,
}

impl Store {
    /// Registers a dataset with its audit event; returns the existing row (and `false`) when these
    /// bytes are already registered.
    pub async fn import_dataset(&self, new: &NewDataset<'_>) -> Result<(DatasetRow, bool)> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let existing: Option<DatasetRow> =
            sqlx::query_as("SELECT * FROM datasets WHERE sha256 = ?")
                .bind(new.sha256)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(row) = existing {
            tx.commit().await?;
            return Ok((row, false));
        }
        let row: DatasetRow = sqlx::query_as(
            "INSERT INTO datasets (name, description, sha256, size_bytes, format, row_count,
                                   columns_json, timestamp_column, source, created_at, created_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
        )
        .bind(new.name)
        .bind(new.description)
        .bind(new.sha256)
        .bind(new.size_bytes)
        .bind(new.format)
        .bind(new.row_count)
        .bind(new.columns_json)
        .bind(new.timestamp_column)
        .bind(new.source)
        .bind(now_rfc3339())
        .bind(new.actor)
        .fetch_one(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            new.actor,
            "dataset.import",
            &json!({
                "dataset": row.name,
                "sha256": row.sha256,
                "rows": row.row_count,
                "format": row.format,
                "source": row.source,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok((row, true))
    }

    /// Every dataset, oldest first.
    pub async fn list_datasets(&self) -> Result<Vec<DatasetRow>> {
        Ok(sqlx::query_as("SELECT * FROM datasets ORDER BY id")
            .fetch_all(self.pool())
            .await?)
    }
}
