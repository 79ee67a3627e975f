//! Reads a dataset file (CSV or Parquet) into typed columns and a checked profile: its SHA-256
//! fingerprint, row count, and the kind and missing count of every column.
//!
//! Architecture invariant: a value is never dropped, zero-filled or coerced silently. A file that
//! cannot be read exactly as written (ragged row, invalid UTF-8, missing or duplicate header) is an
//! error that says where; nothing partial is returned.

mod kind;
mod parquet_reader;

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
    #[error("`{extension}` files are not supported: use a .csv or .parquet file")]
    UnsupportedFormat { extension: String },
    #[error("the file is not a readable Parquet file: {0}")]
    InvalidParquet(String),
    #[error("column `{column}` cannot be read: {reason}")]
    UnsupportedColumn { column: String, reason: String },
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
    Parquet,
}

impl DatasetFormat {
    /// Picks the reader from the file name's extension.
    pub fn from_file_name(name: &str) -> Result<Self, DataError> {
        let extension = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase());
        match extension.as_deref() {
            Some("csv") => Ok(Self::Csv),
            Some("parquet" | "pq") => Ok(Self::Parquet),
            other => Err(DataError::UnsupportedFormat {
                extension: other.map_or_else(|| "(no extension)".to_owned(), |e| format!(".{e}")),
            }),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Parquet => "parquet",
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

/// The values of one column: numbers as f64 (a missing value is NaN, and counted in the
/// profile), everything else as text (a missing value is `None`).
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValues {
    Number(Vec<f64>),
    Text(Vec<Option<String>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
    pub values: ColumnValues,
}

/// A dataset read into memory: its profile and its columns in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub profile: DatasetProfile,
    pub columns: Vec<Column>,
}

impl Dataset {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn row_count(&self) -> usize {
        usize::try_from(self.profile.row_count).unwrap_or(usize::MAX)
    }
}

/// Reads a dataset file's bytes in the given format.
pub fn read_dataset(bytes: &[u8], format: DatasetFormat) -> Result<Dataset, DataError> {
    match format {
        DatasetFormat::Csv => read_csv(bytes),
        DatasetFormat::Parquet => parquet_reader::read_parquet(bytes),
    }
}

/// Profiles a comma-separated file with one header row.
pub fn profile_csv(bytes: &[u8]) -> Result<DatasetProfile, DataError> {
    read_csv(bytes).map(|dataset| dataset.profile)
}

/// Reads a comma-separated file with one header row into typed columns. Numbers are parsed with
/// correct rounding (Rust's `str::parse::<f64>`).
pub fn read_csv(bytes: &[u8]) -> Result<Dataset, DataError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DataError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut header = csv::ByteRecord::new();
    if !reader
        .read_byte_record(&mut header)
        .map_err(|e| malformed(&e))?
    {
        return Err(DataError::Empty);
    }
    let names = header_names(&header)?;
    let mut columns_in: Vec<ColumnBuffer> =
        (0..names.len()).map(|_| ColumnBuffer::default()).collect();
    let mut row_count = 0u64;
    // One record buffer for the whole file.
    let mut record = csv::ByteRecord::new();
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| malformed(&e))?
    {
        let line = record.position().map_or(0, csv::Position::line);
        if record.len() != names.len() {
            return Err(DataError::RaggedRow {
                line,
                expected: names.len(),
                found: record.len(),
            });
        }
        for (index, field) in record.iter().enumerate() {
            let field = std::str::from_utf8(field).map_err(|_| DataError::InvalidUtf8 {
                line,
                column: index + 1,
            })?;
            columns_in[index].push(field);
        }
        row_count += 1;
    }
    if row_count == 0 {
        return Err(DataError::NoRows);
    }
    let mut profiles = Vec::with_capacity(names.len());
    let mut columns = Vec::with_capacity(names.len());
    for (name, buffer) in names.into_iter().zip(columns_in) {
        let kind = buffer.guess.kind();
        let missing = buffer.missing;
        let values = match kind {
            ColumnKind::Integer | ColumnKind::Number => ColumnValues::Number(buffer.numbers),
            _ => ColumnValues::Text(buffer.texts()),
        };
        profiles.push(ColumnProfile {
            name: name.clone(),
            kind,
            missing,
        });
        columns.push(Column { name, kind, values });
    }
    let profile = DatasetProfile {
        sha256: hex::encode(Sha256::digest(bytes)),
        size_bytes: bytes.len() as u64,
        format: DatasetFormat::Csv,
        row_count,
        columns: profiles,
    };
    Ok(Dataset { profile, columns })
}

/// One column while a CSV is read: every field's text in one buffer (no allocation per cell),
/// and the parsed numbers for as long as every present value is a number.
#[derive(Default)]
struct ColumnBuffer {
    guess: kind::KindGuess,
    /// Set once a present value is not a number.
    not_numeric: bool,
    missing: u64,
    text: String,
    /// End offset in `text` of each field; `None` for a missing value.
    ends: Vec<Option<usize>>,
    numbers: Vec<f64>,
}

impl ColumnBuffer {
    fn push(&mut self, field: &str) {
        if is_missing(field) {
            self.missing += 1;
            self.ends.push(None);
            if !self.not_numeric {
                self.numbers.push(f64::NAN);
            }
            return;
        }
        let number = self.guess.observe(field);
        self.text.push_str(field);
        self.ends.push(Some(self.text.len()));
        match number {
            Some(x) => self.numbers.push(x),
            // No longer a numeric column: the numbers are not needed.
            None => {
                self.not_numeric = true;
                self.numbers = Vec::new();
            }
        }
    }

    fn texts(&self) -> Vec<Option<String>> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|end| {
                end.map(|end| {
                    let value = self.text[start..end].to_owned();
                    start = end;
                    value
                })
            })
            .collect()
    }
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
