//! The files a user names by path (a model, a dataset), read for the use cases that store them,
//! and the reader for a dataset the store keeps.

use std::path::Path;

use crate::{EngineError, Result};

/// Reads a whole file without blocking the async threads (a dataset can be large, and the
/// desktop app runs its commands there).
pub(crate) async fn read_file_async(path: &Path) -> Result<Vec<u8>> {
    tokio::fs::read(path)
        .await
        .map_err(|source| EngineError::ReadFile {
            path: path.display().to_string(),
            source,
        })
}

/// A file's size in bytes, without blocking the async threads.
pub(crate) async fn file_size_async(path: &Path) -> Result<u64> {
    tokio::fs::metadata(path)
        .await
        .map(|m| m.len())
        .map_err(|source| EngineError::ReadFile {
            path: path.display().to_string(),
            source,
        })
}

/// The file's name without its folders, kept as where a stored item came from.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The reader for a stored dataset, from the format name the store keeps (`csv`, `parquet`).
pub(crate) fn stored_format(name: &str) -> vigil_data::DatasetFormat {
    if name == vigil_data::DatasetFormat::Parquet.as_str() {
        vigil_data::DatasetFormat::Parquet
    } else {
        vigil_data::DatasetFormat::Csv
    }
}
