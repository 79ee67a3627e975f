//! Reads a dataset file into a checked profile: its SHA-256 fingerprint, row count and the kind
//! and missing count of every column.
//!
//! Architecture invariant: a value is never dropped, zero-filled or coerced silently. A file that
//! cannot be read exactly as written (ragged row, invalid UTF-8, missing or duplicate header) is an
//! error that says where; nothing partial is returned.

mod kind;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use kind::ColumnKind;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DataError {
    #[error("the file is empty: a dataset needs a header row and at least one data row")]
    Empty,
    #[error("the file has a header row but no data rows")]
    NoRows,
    #[error("column {position} of the header has no name")]
    MissingHeader { position: usize },
    #[error("the header names column `{name}` twice (columns {first} and {second})")]
    DuplicateHeader {
        name: String,
        first: usize,
        second: usize,
    },
    #[error("line {line} has {found} fields where the header has {expected}")]
    RaggedRow {
        line: u64,
        expected: usize,
        found: usize,
    },
    #[error("line {line}, column {column}: the text is not valid UTF-8")]
    InvalidUtf8 { line: u64, column: usize },
    #[error("line {line}: the CSV cannot be read: {reason}")]
    Malformed { line: u64, reason: String },
    #[error("`{extension}` files are not supported: use a .csv file")]
    UnsupportedFormat { extension: String },
}

/// What one column holds, as found by reading every value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "ColumnSummary")]
pub struct ColumnProfile {
    pub name: String,
    pub kind: ColumnKind,
    /// Empty fields and the spellings `null`, `NA` and `NaN` (any case).
    #[ts(type = "number")]
    pub missing: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetProfile {
    pub sha256: String,
    pub size_bytes: u64,
    pub format: DatasetFormat,
    pub row_count: u64,
    pub columns: Vec<ColumnProfile>,
}

impl DatasetProfile {
    /// The column that orders rows in time: one named `timestamp` when it holds timestamps, else
    /// the first timestamp column.
    pub fn timestamp_column(&self) -> Option<&str> {
        let timestamps = || {
            self.columns
                .iter()
                .filter(|c| c.kind == ColumnKind::Timestamp)
        };
        timestamps()
            .find(|c| c.name.eq_ignore_ascii_case("timestamp"))
            .or_else(|| timestamps().next())
            .map(|c| c.name.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatasetFormat {
    Csv,
}

impl DatasetFormat {
    /// Picks the reader from the file name's extension.
    pub fn from_file_name(name: &str) -> Result<Self, DataError> {
        let extension = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase());
        match extension.as_deref() {
            Some("csv") => Ok(Self::Csv),
            other => Err(DataError::UnsupportedFormat {
                extension: other.map_or_else(|| "(no extension)".to_owned(), |e| format!(".{e}")),
            }),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
        }
    }
}

/// Whether a field counts as a missing value.
pub fn is_missing(field: &str) -> bool {
    field.is_empty()
        || field.eq_ignore_ascii_case("null")
        || field.eq_ignore_ascii_case("nan")
        || field == "NA"
}

/// Profiles a comma-separated file with one header row.
pub fn profile_csv(bytes: &[u8]) -> Result<DatasetProfile, DataError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DataError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        Some(record) => record.map_err(|e| malformed(&e))?,
        None => return Err(DataError::Empty),
    };
    let names = header_names(&header)?;
    let mut kinds: Vec<kind::KindGuess> = vec![kind::KindGuess::default(); names.len()];
    let mut missing = vec![0_u64; names.len()];
    let mut row_count = 0_u64;
    for record in records {
        let record = record.map_err(|e| malformed(&e))?;
        let line = record.position().map_or(0, csv::Position::line);
        if record.len() != names.len() {
            return Err(DataError::RaggedRow {
                line,
                expected: names.len(),
                found: record.len(),
            });
        }
        for (index, raw) in record.iter().enumerate() {
            let field = std::str::from_utf8(raw).map_err(|_| DataError::InvalidUtf8 {
                line,
                column: index + 1,
            })?;
            if is_missing(field) {
                missing[index] += 1;
            } else {
                kinds[index].observe(field);
            }
        }
        row_count += 1;
    }
    if row_count == 0 {
        return Err(DataError::NoRows);
    }
    let columns = names
        .into_iter()
        .zip(kinds)
        .zip(missing)
        .map(|((name, guess), missing)| ColumnProfile {
            name,
            kind: guess.kind(),
            missing,
        })
        .collect();
    Ok(DatasetProfile {
        sha256: hex::encode(Sha256::digest(bytes)),
        size_bytes: bytes.len() as u64,
        format: DatasetFormat::Csv,
        row_count,
        columns,
    })
}

fn header_names(header: &csv::ByteRecord) -> Result<Vec<String>, DataError> {
    let line = header.position().map_or(1, csv::Position::line);
    let mut names: Vec<String> = Vec::with_capacity(header.len());
    for (index, raw) in header.iter().enumerate() {
        let name = std::str::from_utf8(raw)
            .map_err(|_| DataError::InvalidUtf8 {
                line,
                column: index + 1,
            })?
            // A UTF-8 byte-order mark written by spreadsheet programs is not part of the name.
            .trim_start_matches('\u{feff}')
            .trim()
            .to_owned();
        if name.is_empty() {
            return Err(DataError::MissingHeader {
                position: index + 1,
            });
        }
        if let Some(first) = names.iter().position(|n| *n == name) {
            return Err(DataError::DuplicateHeader {
                name,
                first: first + 1,
                second: index + 1,
            });
        }
        names.push(name);
    }
    Ok(names)
}

fn malformed(error: &csv::Error) -> DataError {
    let line = error.position().map_or(0, csv::Position::line);
    match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => DataError::InvalidUtf8 {
            line,
            column: err.field() + 1,
        },
        _ => DataError::Malformed {
            line,
            reason: error.to_string(),
        },
    }
}
