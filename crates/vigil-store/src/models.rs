//! Models and their versions. A version is identified by the SHA-256 of its file: importing the
//! same bytes under the same model again returns the existing version instead of a duplicate.

use serde_json::json;

use crate::{Result, Store, audit, now_rfc3339};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ModelRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub created_at: String,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ModelVersionRow {
    pub id: i64,
    pub model_id: i64,
    pub version: i64,
    pub sha256: String,
    pub size_bytes: i64,
    pub source: String,
    pub notes: String,
    pub signature_json: Option<String>,
    pub created_at: String,
    pub created_by: String,
    /// A JSON array of tags.
    pub tags_json: String,
}

/// A model file whose bytes are already in the blob store, to be registered under a model name.
#[derive(Debug, Clone)]
pub struct NewModelVersion<'a> {
    pub model_name: &'a str,
    /// Used only when the model does not exist yet.
    pub model_description: &'a str,
    pub sha256: &'a str,
    pub size_bytes: i64,
    pub source: &'a str,
    pub notes: &'a str,
    /// The input/output signature read by the inference crate, as JSON.
    pub signature_json: Option<&'a str>,
    pub actor: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionImport {
    pub version: ModelVersionRow,
    /// False when these bytes were already a version of this model.
    pub created: bool,
}

impl Store {
    /// Registers a model version (creating the model when new) in one transaction with its audit
    /// events. The blob must have been stored first.
    pub async fn import_model_version(&self, new: &NewModelVersion<'_>) -> Result<VersionImport> {
        // IMMEDIATE takes the write lock up front, so two importers cannot both pick version N+1
        // or both extend the audit chain from the same event.
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let now = now_rfc3339();
        let existing: Option<ModelRow> = sqlx::query_as("SELECT * FROM models WHERE name = ?")
            .bind(new.model_name)
            .fetch_optional(&mut *tx)
            .await?;
        let model = match existing {
            Some(model) => model,
            None => {
                let model: ModelRow = sqlx::query_as(
                    "INSERT INTO models (name, description, created_at, created_by)
                     VALUES (?, ?, ?, ?) RETURNING *",
                )
                .bind(new.model_name)
                .bind(new.model_description)
                .bind(&now)
                .bind(new.actor)
                .fetch_one(&mut *tx)
                .await?;
                audit::append(
                    &mut tx,
                    new.actor,
                    "model.create",
                    &json!({ "model": model.name, "description": model.description }),
                )
                .await?;
                model
            }
        };
        let duplicate: Option<ModelVersionRow> =
            sqlx::query_as("SELECT * FROM model_versions WHERE model_id = ? AND sha256 = ?")
                .bind(model.id)
                .bind(new.sha256)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(version) = duplicate {
            tx.commit().await?;
            return Ok(VersionImport {
                version,
                created: false,
            });
        }
        let version: ModelVersionRow = sqlx::query_as(
            "INSERT INTO model_versions
                 (model_id, version, sha256, size_bytes, source, notes, signature_json, created_at, created_by)
             VALUES (?, (SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE model_id = ?),
                     ?, ?, ?, ?, ?, ?, ?)
             RETURNING *",
        )
        .bind(model.id)
        .bind(model.id)
        .bind(new.sha256)
        .bind(new.size_bytes)
        .bind(new.source)
        .bind(new.notes)
        .bind(new.signature_json)
        .bind(&now)
        .bind(new.actor)
        .fetch_one(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            new.actor,
            "model_version.import",
            &json!({
                "model": model.name,
                "version": version.version,
                "sha256": version.sha256,
                "size_bytes": version.size_bytes,
                "source": version.source,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(VersionImport {
            version,
            created: true,
        })
    }

    /// Every model, by name.
    pub async fn list_models(&self) -> Result<Vec<ModelRow>> {
        Ok(sqlx::query_as("SELECT * FROM models ORDER BY name")
            .fetch_all(self.pool())
            .await?)
    }

    /// Every version of every model, by model then version number.
    pub async fn list_model_versions(&self) -> Result<Vec<ModelVersionRow>> {
        Ok(
            sqlx::query_as("SELECT * FROM model_versions ORDER BY model_id, version")
                .fetch_all(self.pool())
                .await?,
        )
    }
}

impl Store {
    /// Replaces a version's tags (a JSON array), audited.
    pub async fn set_version_tags(
        &self,
        version_id: i64,
        tags_json: &str,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let updated = sqlx::query("UPDATE model_versions SET tags_json = ? WHERE id = ?")
            .bind(tags_json)
            .bind(version_id)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() != 1 {
            return Err(crate::StoreError::NotFound(format!(
                "model version {version_id}"
            )));
        }
        let tags: serde_json::Value =
            serde_json::from_str(tags_json).unwrap_or(serde_json::Value::Null);
        audit::append(
            &mut tx,
            actor,
            "model_version.tags",
            &json!({ "version": version_id, "tags": tags }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
