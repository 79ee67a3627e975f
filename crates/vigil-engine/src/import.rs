//! Importing files into a workspace: bytes are checked first, then stored in the blob folder,
//! then registered in one transaction with their audit event. A file that fails its checks leaves
//! the workspace untouched.

use vigil_data::DatasetFormat;
use vigil_store::{NewDataset, NewModelVersion, VersionImport};

use crate::views::{DatasetSummary, ModelVersionSummary, dataset_summary};
use crate::{EngineError, Result, Workspace};

/// A model file to register as a version of a model.
#[derive(Debug, Clone)]
pub struct ModelFile<'a> {
    pub model_name: &'a str,
    pub model_description: &'a str,
    /// The file name or address it came from, kept as the version's source.
    pub source: &'a str,
    pub notes: &'a str,
    pub bytes: &'a [u8],
}

/// A dataset file to register.
#[derive(Debug, Clone)]
pub struct DatasetFile<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub source: &'a str,
    pub bytes: &'a [u8],
}

/// The outcome of an import: the stored item and whether it was new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported<T> {
    pub item: T,
    pub created: bool,
}

impl Workspace {
    /// Registers model bytes as the next version of `model_name` (same bytes: the same version).
    pub async fn import_model_version(
        &self,
        file: &ModelFile<'_>,
        actor: &str,
    ) -> Result<Imported<ModelVersionSummary>> {
        if file.bytes.is_empty() {
            return Err(EngineError::EmptyModel {
                name: file.source.to_owned(),
            });
        }
        let sha256 = self.store().blobs().put(file.bytes).await?;
        // The signature as the inference crate reads it, kept with the version.
        let signature = vigil_infer::describe(file.bytes).ok().and_then(|d| {
            serde_json::to_string(&serde_json::json!({ "inputs": d.inputs, "outputs": d.outputs }))
                .ok()
        });
        let VersionImport { version, created } = self
            .store()
            .import_model_version(&NewModelVersion {
                model_name: file.model_name,
                model_description: file.model_description,
                sha256: &sha256,
                size_bytes: byte_count(file.bytes),
                source: file.source,
                notes: file.notes,
                signature_json: signature.as_deref(),
                actor,
            })
            .await?;
        Ok(Imported {
            item: version.into(),
            created,
        })
    }

    /// Profiles and registers a dataset (same bytes: the existing dataset).
    pub async fn import_dataset(
        &self,
        file: &DatasetFile<'_>,
        actor: &str,
    ) -> Result<Imported<DatasetSummary>> {
        let dataset_error = |source| EngineError::Dataset {
            name: file.source.to_owned(),
            source,
        };
        let format = DatasetFormat::from_file_name(file.source).map_err(dataset_error)?;
        let bytes = file.bytes.to_vec();
        // Profiling reads every value: keep it off the async threads.
        let profile = tokio::task::spawn_blocking(move || {
            vigil_data::read_dataset(&bytes, format).map(|d| d.profile)
        })
        .await
        .map_err(|e| EngineError::TaskFailed(e.to_string()))?
        .map_err(dataset_error)?;
        self.register_dataset(file, format, &profile, actor).await
    }

    /// Registers a dataset whose bytes were already read into `profile` (by an evaluation).
    pub(crate) async fn import_profiled_dataset(
        &self,
        file: &DatasetFile<'_>,
        profile: &vigil_data::DatasetProfile,
        actor: &str,
    ) -> Result<DatasetSummary> {
        let format =
            DatasetFormat::from_file_name(file.source).map_err(|source| EngineError::Dataset {
                name: file.source.to_owned(),
                source,
            })?;
        Ok(self
            .register_dataset(file, format, profile, actor)
            .await?
            .item)
    }

    /// Registers a large dataset file that was scanned into `profile`, copying it into the blob
    /// folder in pieces (the copy must still hash to the profile's fingerprint).
    pub(crate) async fn import_scanned_dataset(
        &self,
        name: &str,
        path: &std::path::Path,
        profile: &vigil_data::DatasetProfile,
        actor: &str,
    ) -> Result<DatasetSummary> {
        self.store().blobs().put_file(path, &profile.sha256).await?;
        Ok(self
            .record_dataset(
                &DatasetFile {
                    name,
                    description: "",
                    source: name,
                    bytes: &[],
                },
                profile.format,
                profile,
                &profile.sha256,
                actor,
            )
            .await?
            .item)
    }

    async fn register_dataset(
        &self,
        file: &DatasetFile<'_>,
        format: DatasetFormat,
        profile: &vigil_data::DatasetProfile,
        actor: &str,
    ) -> Result<Imported<DatasetSummary>> {
        let sha256 = self.store().blobs().put(file.bytes).await?;
        self.record_dataset(file, format, profile, &sha256, actor)
            .await
    }

    /// The dataset's row and audit event, for bytes already in the blob folder under `sha256`.
    async fn record_dataset(
        &self,
        file: &DatasetFile<'_>,
        format: DatasetFormat,
        profile: &vigil_data::DatasetProfile,
        sha256: &str,
        actor: &str,
    ) -> Result<Imported<DatasetSummary>> {
        let columns_json =
            serde_json::to_string(&profile.columns).map_err(|e| EngineError::Decode {
                what: "dataset columns",
                reason: e.to_string(),
            })?;
        let (row, created) = self
            .store()
            .import_dataset(&NewDataset {
                name: file.name,
                description: file.description,
                sha256,
                size_bytes: i64::try_from(profile.size_bytes).unwrap_or(i64::MAX),
                format: format.as_str(),
                row_count: i64::try_from(profile.row_count).unwrap_or(i64::MAX),
                columns_json: &columns_json,
                timestamp_column: profile.timestamp_column(),
                source: file.source,
                actor,
            })
            .await?;
        Ok(Imported {
            item: dataset_summary(row)?,
            created,
        })
    }
}

fn byte_count(bytes: &[u8]) -> i64 {
    i64::try_from(bytes.len()).unwrap_or(i64::MAX)
}
