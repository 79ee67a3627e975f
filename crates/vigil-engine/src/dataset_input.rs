//! How a run gets a dataset's rows. A file below the streaming threshold is read whole (one
//! pass, on every core: the fastest way for what fits in memory many times over). A larger one
//! is scanned first (its profile, every record checked, progress in bytes) and then streamed in
//! chunks while the model runs, so memory holds a few chunks of rows and the columns a result
//! keeps (truth, groups, logged predictions), never the file or its feature columns.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use vigil_data::{Column, ColumnValues, Dataset, DatasetFormat, DatasetProfile};

use crate::run::{JobHandle, JobProgress};
use crate::{EngineError, Result};

/// Dataset files at least this large are streamed rather than read whole.
pub const DEFAULT_STREAM_MIN_BYTES: u64 = 256 << 20;

/// Sets the streaming threshold in bytes for the command line and the desktop app.
pub const STREAM_MIN_BYTES_ENV: &str = "VIGIL_STREAM_MIN_BYTES";

/// The streaming threshold: [`STREAM_MIN_BYTES_ENV`] when it holds a number, else the default.
pub fn stream_min_bytes_from_env() -> u64 {
    std::env::var(STREAM_MIN_BYTES_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_STREAM_MIN_BYTES)
}

/// A dataset ready for a run.
#[derive(Debug)]
pub enum DatasetInput {
    /// Read whole into memory.
    Whole(Dataset),
    /// Scanned (profiled and checked); its rows are read `chunk_rows` at a time during the run.
    Scanned {
        path: PathBuf,
        profile: DatasetProfile,
        chunk_rows: usize,
    },
}

impl DatasetInput {
    pub fn profile(&self) -> &DatasetProfile {
        match self {
            Self::Whole(dataset) => &dataset.profile,
            Self::Scanned { profile, .. } => profile,
        }
    }
}

pub(crate) fn dataset_error(path: &Path) -> impl Fn(vigil_data::DataError) -> EngineError + '_ {
    move |source| EngineError::Dataset {
        name: path.display().to_string(),
        source,
    }
}

pub(crate) fn file_size(path: &Path) -> Result<u64> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|source| EngineError::ReadFile {
            path: path.display().to_string(),
            source,
        })
}

/// A reporter of reading progress in bytes that stops when `job` is cancelled.
fn reading_progress(job: &JobHandle) -> impl FnMut(u64, u64) -> ControlFlow<()> + '_ {
    move |done, total| {
        job.report(JobProgress {
            stage: "reading".to_owned(),
            done,
            total,
        });
        if job.is_cancelled() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

/// Scans a file for streaming, reporting `reading` progress in bytes (blocking).
pub(crate) fn scan(path: &Path, format: DatasetFormat, job: &JobHandle) -> Result<DatasetInput> {
    let profile = vigil_data::scan_file(path, format, &mut reading_progress(job))
        .map_err(dataset_error(path))?;
    Ok(DatasetInput::Scanned {
        path: path.to_owned(),
        profile,
        chunk_rows: crate::predict::CHUNK_ROWS,
    })
}

/// Opens a dataset file for a run (blocking): whole below `stream_min_bytes`, else scanned.
pub(crate) fn open(path: &Path, stream_min_bytes: u64, job: &JobHandle) -> Result<DatasetInput> {
    if file_size(path)? >= stream_min_bytes {
        let format = DatasetFormat::from_file_name(&path.display().to_string())
            .map_err(dataset_error(path))?;
        scan(path, format, job)
    } else {
        crate::read_dataset(path).map(DatasetInput::Whole)
    }
}

/// The SHA-256 of a file, read a megabyte at a time, reporting `reading` progress (blocking).
pub(crate) fn hash_file(path: &Path, job: &JobHandle) -> Result<String> {
    vigil_data::hash_file(path, &mut reading_progress(job)).map_err(dataset_error(path))
}

/// Columns gathered chunk by chunk into whole columns.
#[derive(Debug, Default)]
pub(crate) struct GatheredColumns {
    columns: Vec<Column>,
}

impl GatheredColumns {
    /// Appends the chunk's columns named in `names` (the others are dropped).
    pub(crate) fn append(&mut self, chunk: Vec<Column>, names: &[String]) -> Result<()> {
        for column in chunk.into_iter().filter(|c| names.contains(&c.name)) {
            match self.columns.iter_mut().find(|c| c.name == column.name) {
                None => self.columns.push(column),
                Some(into) => match (&mut into.values, column.values) {
                    (ColumnValues::Number(a), ColumnValues::Number(b)) => a.extend(b),
                    (ColumnValues::Text(a), ColumnValues::Text(b)) => a.extend(b),
                    // Chunks take their kinds from one profile; a change would be a bug here.
                    _ => {
                        return Err(EngineError::TaskFailed(format!(
                            "column `{}` changed type between chunks",
                            into.name
                        )));
                    }
                },
            }
        }
        Ok(())
    }

    /// A dataset of the gathered columns under the whole file's profile.
    pub(crate) fn into_dataset(self, profile: DatasetProfile) -> Dataset {
        Dataset {
            profile,
            columns: self.columns,
        }
    }
}
