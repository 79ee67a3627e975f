//! Reads a dataset file (CSV or Parquet) into typed columns and a checked profile: its SHA-256
//! fingerprint, row count, and the kind and missing count of every column. A file too large to
//! hold is read from disk in two passes instead ([`scan_file`], then [`Chunks`]), with the same
//! profile, values and errors.
//!
//! Architecture invariant: a value is never dropped, zero-filled or coerced silently. A file that
//! cannot be read exactly as written (ragged row, invalid UTF-8, missing or duplicate header) is an
//! error that says where; nothing partial is returned.

mod kind;
mod parquet_reader;
mod stream;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use kind::ColumnKind;
pub use stream::{Chunks, ReadProgress, hash_file, scan_file};

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
    #[error("line {line} has {} where the header has {expected}", fields(*found))]
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
    #[error("{path} cannot be read: {reason}")]
    Read { path: String, reason: String },
    #[error("the dataset has no column `{name}`")]
    UnknownColumn { name: String },
    #[error("{path} changed while it was being read; run again once it is written")]
    ChangedWhileRead { path: String },
    #[error("reading was cancelled")]
    Cancelled,
}

/// "1 field", "3 fields".
fn fields(count: usize) -> String {
    if count == 1 {
        "1 field".to_owned()
    } else {
        format!("{count} fields")
    }
}

impl DataError {
    /// The same error with its line number `by` lines further on (for a stretch of the file read
    /// on its own, which counts lines from its own start).
    pub(crate) fn lines_later(self, by: u64) -> Self {
        match self {
            Self::RaggedRow {
                line,
                expected,
                found,
            } => Self::RaggedRow {
                line: line + by,
                expected,
                found,
            },
            Self::InvalidUtf8 { line, column } => Self::InvalidUtf8 {
                line: line + by,
                column,
            },
            Self::Malformed { line, reason } => Self::Malformed {
                line: line + by,
                reason,
            },
            other => other,
        }
    }
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

impl ColumnValues {
    pub fn len(&self) -> usize {
        match self {
            Self::Number(v) => v.len(),
            Self::Text(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
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
    read_csv_in_parts(bytes, rayon::current_num_threads(), PARALLEL_MIN_BYTES)
}

/// Files smaller than this are read on one thread.
const PARALLEL_MIN_BYTES: usize = 8 << 20;

/// [`read_csv`] with the body split into up to `parts` stretches of whole lines, read on every
/// core, when the file is at least `min_bytes` long and its body has no quote character (so
/// every line break ends a record). The result is the same as reading it in one pass: numbers
/// parsed the same way, kinds decided over all values, and the first error in file order.
fn read_csv_in_parts(bytes: &[u8], parts: usize, min_bytes: usize) -> Result<Dataset, DataError> {
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
        .map_err(|e| malformed(&e, |b| record_line(bytes, b)))?
    {
        return Err(DataError::Empty);
    }
    let header_line = header
        .position()
        .map_or(1, |p| record_line(bytes, p.byte()));
    let names = header_names(&header, header_line)?;
    let body_start = usize::try_from(reader.position().byte()).unwrap_or(bytes.len());
    let body = &bytes[body_start.min(bytes.len())..];
    let stretches = if parts > 1 && bytes.len() >= min_bytes && !body.contains(&b'"') {
        split_at_lines(body, parts)
    } else {
        vec![(0, body.len())]
    };
    // The fingerprint is computed beside the parsing.
    let (sha256, read) = rayon::join(
        || hex::encode(Sha256::digest(bytes)),
        || {
            use rayon::prelude::*;
            stretches
                .par_iter()
                .map(|&(from, to)| read_stretch(&body[from..to], names.len()))
                .collect::<Vec<_>>()
        },
    );
    let mut pieces = Vec::with_capacity(read.len());
    for (result, &(from, _)) in read.into_iter().zip(&stretches) {
        match result {
            Ok(piece) => pieces.push(piece),
            Err(error) => {
                // The stretch counted lines from its own start.
                return Err(error.lines_later(count_lines(&bytes[..body_start + from])));
            }
        }
    }
    let columns_in = merge_pieces(pieces, names.len());
    let row_count = columns_in.first().map_or(0, |c| c.rows as u64);
    if row_count == 0 {
        return Err(DataError::NoRows);
    }
    let reread: Vec<(usize, usize)> = columns_in
        .iter()
        .enumerate()
        .filter(|(_, b)| b.needs_earlier_text())
        .map(|(i, b)| (i, b.text_from.unwrap_or(0)))
        .collect();
    let mut earlier = earlier_texts(bytes, &reread)?.into_iter();
    let mut profiles = Vec::with_capacity(names.len());
    let mut columns = Vec::with_capacity(names.len());
    for (name, buffer) in names.into_iter().zip(columns_in) {
        let kind = buffer.guess.kind();
        let missing = buffer.missing;
        let values = match kind {
            ColumnKind::Integer | ColumnKind::Number => ColumnValues::Number(buffer.numbers),
            _ => {
                let before = if buffer.needs_earlier_text() {
                    earlier.next().unwrap_or_default()
                } else {
                    Vec::new()
                };
                ColumnValues::Text(buffer.texts(before))
            }
        };
        profiles.push(ColumnProfile {
            name: name.clone(),
            kind,
            missing,
        });
        columns.push(Column { name, kind, values });
    }
    let profile = DatasetProfile {
        sha256,
        size_bytes: bytes.len() as u64,
        format: DatasetFormat::Csv,
        row_count,
        columns: profiles,
    };
    Ok(Dataset { profile, columns })
}

/// Splits `body` into up to `parts` stretches `(from, to)` that each end after a line break
/// (the last one at the end).
pub(crate) fn split_at_lines(body: &[u8], parts: usize) -> Vec<(usize, usize)> {
    let target = body.len() / parts.max(1);
    let mut stretches = Vec::with_capacity(parts);
    let mut from = 0;
    for k in 1..parts {
        let wanted = (k * target).max(from);
        let Some(offset) = body[wanted..].iter().position(|&b| b == b'\n') else {
            break;
        };
        let to = wanted + offset + 1;
        if to >= body.len() {
            break;
        }
        stretches.push((from, to));
        from = to;
    }
    stretches.push((from, body.len()));
    stretches
}

/// Reads a stretch of whole records (no header) into column buffers; line numbers in errors
/// count from the stretch's first line.
fn read_stretch(stretch: &[u8], width: usize) -> Result<Vec<ColumnBuffer>, DataError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(stretch);
    let mut columns: Vec<ColumnBuffer> = (0..width).map(|_| ColumnBuffer::default()).collect();
    // One record buffer for the whole stretch.
    let mut record = csv::ByteRecord::new();
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| malformed(&e, |b| record_line(stretch, b)))?
    {
        for_each_field(
            &record,
            width,
            &|b| record_line(stretch, b),
            |index, field| {
                columns[index].push(field);
                Ok(())
            },
        )?;
    }
    Ok(columns)
}

/// Checks a record's field count and text (every reader does), and hands each field to `each`
/// with its column index. `line_of` turns the byte csv places the record at into its line, for
/// errors; it is called only for an error (it may read the data up to the record).
pub(crate) fn for_each_field<'r>(
    record: &'r csv::ByteRecord,
    width: usize,
    line_of: &dyn Fn(u64) -> u64,
    mut each: impl FnMut(usize, &'r str) -> Result<(), DataError>,
) -> Result<(), DataError> {
    let line = || record.position().map_or(0, |p| line_of(p.byte()));
    if record.len() != width {
        return Err(DataError::RaggedRow {
            line: line(),
            expected: width,
            found: record.len(),
        });
    }
    for (index, field) in record.iter().enumerate() {
        let field = std::str::from_utf8(field).map_err(|_| DataError::InvalidUtf8 {
            line: line(),
            column: index + 1,
        })?;
        each(index, field)?;
    }
    Ok(())
}

/// Joins the columns of stretches read apart, in file order. A column numeric in every stretch
/// keeps its numbers; one that is text from the first row of every stretch keeps its text; any
/// other mix (a column that turns to text within a stretch) is read again whole as text, as the
/// one-pass reader does for the rows before its first text value.
fn merge_pieces(pieces: Vec<Vec<ColumnBuffer>>, width: usize) -> Vec<ColumnBuffer> {
    let mut pieces = pieces;
    if pieces.len() == 1 {
        return pieces.pop().unwrap_or_default();
    }
    (0..width)
        .map(|column| {
            let parts: Vec<ColumnBuffer> = pieces
                .iter_mut()
                .map(|p| std::mem::take(&mut p[column]))
                .collect();
            let mut out = ColumnBuffer::default();
            for part in &parts {
                out.guess = out.guess.merge(part.guess);
                out.rows += part.rows;
                out.missing += part.missing;
            }
            if parts.iter().all(|p| p.text_from.is_none()) {
                out.numbers = parts.into_iter().flat_map(|p| p.numbers).collect();
            } else if parts.iter().all(|p| p.text_from == Some(0)) {
                out.text_from = Some(0);
                for part in parts {
                    let offset = out.text.len();
                    out.text.push_str(&part.text);
                    out.ends
                        .extend(part.ends.into_iter().map(|e| e.map(|e| e + offset)));
                }
            } else {
                out.text_from = Some(out.rows);
            }
            out
        })
        .collect()
}

/// One column while a CSV is read. While every present value is a number, only the parsed
/// numbers are kept; from the first value that is not, the fields' text goes into one buffer
/// (no allocation per cell). The text of the rows before that point is read again at the end
/// (rare: a column that starts numeric and turns out not to be).
#[derive(Default)]
struct ColumnBuffer {
    guess: kind::KindGuess,
    /// Rows before the first non-numeric value; `None` while the column is numeric.
    text_from: Option<usize>,
    rows: usize,
    missing: u64,
    text: String,
    /// End offset in `text` of each field from `text_from` on; `None` for a missing value.
    ends: Vec<Option<usize>>,
    numbers: Vec<f64>,
}

impl ColumnBuffer {
    fn push(&mut self, field: &str) {
        self.rows += 1;
        if is_missing(field) {
            self.missing += 1;
            if self.text_from.is_some() {
                self.ends.push(None);
            } else {
                self.numbers.push(f64::NAN);
            }
            return;
        }
        let number = self.guess.observe(field);
        match (number, self.text_from) {
            (Some(x), None) => self.numbers.push(x),
            (_, Some(_)) => {
                self.text.push_str(field);
                self.ends.push(Some(self.text.len()));
            }
            (None, None) => {
                // No longer a numeric column: keep text from here on.
                self.text_from = Some(self.rows - 1);
                self.numbers = Vec::new();
                self.text.push_str(field);
                self.ends.push(Some(self.text.len()));
            }
        }
    }

    /// Whether the rows before the first non-numeric value must be read again as text.
    fn needs_earlier_text(&self) -> bool {
        self.text_from.is_some_and(|from| from > 0)
    }

    /// The column's text, given the text of the rows before `text_from` when there were any.
    fn texts(&self, earlier: Vec<Option<String>>) -> Vec<Option<String>> {
        let mut out = earlier;
        if self.text_from.is_none() {
            // Never non-numeric yet read as text (a column with no values at all).
            out.resize(self.rows, None);
            return out;
        }
        let mut start = 0;
        out.extend(self.ends.iter().map(|end| {
            end.map(|end| {
                let value = self.text[start..end].to_owned();
                start = end;
                value
            })
        }));
        out
    }
}

/// The text of the first `rows[i]` rows of each column `columns[i]` (a second pass over the file).
fn earlier_texts(
    bytes: &[u8],
    columns: &[(usize, usize)],
) -> Result<Vec<Vec<Option<String>>>, DataError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let mut out: Vec<Vec<Option<String>>> = columns
        .iter()
        .map(|&(_, n)| Vec::with_capacity(n))
        .collect();
    let longest = columns.iter().map(|&(_, n)| n).max().unwrap_or(0);
    let mut record = csv::ByteRecord::new();
    let mut row = 0;
    while row < longest
        && reader
            .read_byte_record(&mut record)
            .map_err(|e| malformed(&e, |b| record_line(bytes, b)))?
    {
        for (slot, &(column, rows)) in out.iter_mut().zip(columns) {
            if row < rows {
                let field = record.get(column).unwrap_or_default();
                let text = String::from_utf8_lossy(field);
                slot.push((!is_missing(&text)).then(|| text.into_owned()));
            }
        }
        row += 1;
    }
    Ok(out)
}

/// Line breaks in `bytes`: lines are counted by their `\n` (so `\r\n` counts once).
pub(crate) fn count_lines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// The line, counting from 1 at the start of `bytes`, on which the record that csv places at
/// byte `position` begins. csv places a record right after the previous record's last byte,
/// which may leave the `\n` of a `\r\n`, or blank lines, in front of it (its own line count
/// is off there); the record's first byte is the first from there that is neither.
pub(crate) fn record_line(bytes: &[u8], position: u64) -> u64 {
    let from = usize::try_from(position)
        .unwrap_or(bytes.len())
        .min(bytes.len());
    let start = bytes[from..]
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .map_or(bytes.len(), |i| from + i);
    1 + count_lines(&bytes[..start])
}

/// The header's names, checked; `line` is the header's line, for errors.
pub(crate) fn header_names(header: &csv::ByteRecord, line: u64) -> Result<Vec<String>, DataError> {
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

/// A csv error as Vigil's; `line_of` turns the byte csv places the record at into its line.
pub(crate) fn malformed(error: &csv::Error, line_of: impl Fn(u64) -> u64) -> DataError {
    let line = error.position().map_or(0, |p| line_of(p.byte()));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A file with every kind of column, missing values, a column that turns to text late, and
    /// a text column whose values look numeric in places; `ending` is the line break.
    fn sample(rows: usize, ending: &str) -> Vec<u8> {
        let mut text = format!("id,score,label,flag,when,late,code{ending}");
        for i in 0..rows {
            let score = if i % 17 == 0 {
                String::new()
            } else {
                format!("{}", f64::from(u32::try_from(i).unwrap_or(0)) * 0.37 - 5.0)
            };
            let late = if i > rows * 3 / 4 && i % 5 == 0 {
                "n/a".to_owned()
            } else {
                format!("{}", i % 11)
            };
            let code = if i % 3 == 0 {
                format!("{i}")
            } else {
                format!("c{i}")
            };
            text.push_str(&format!(
                "{i},{score},{},{},2026-01-{:02},{late},{code}{ending}",
                ["a", "b", "NA"][i % 3],
                i % 2 == 0,
                i % 28 + 1,
            ));
        }
        text.into_bytes()
    }

    #[test]
    fn reading_in_stretches_gives_the_one_pass_result() {
        for ending in ["\n", "\r\n"] {
            let bytes = sample(2_000, ending);
            let whole = read_csv_in_parts(&bytes, 1, 0).expect("one pass");
            for parts in [2, 3, 7] {
                let split = read_csv_in_parts(&bytes, parts, 0).expect("stretches");
                assert_eq!(split.profile, whole.profile, "{parts} parts, {ending:?}");
                for (a, b) in split.columns.iter().zip(&whole.columns) {
                    let same = match (&a.values, &b.values) {
                        (ColumnValues::Number(x), ColumnValues::Number(y)) => {
                            x.len() == y.len()
                                && x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits())
                        }
                        (x, y) => x == y,
                    };
                    assert!(same, "column {} with {parts} parts, {ending:?}", a.name);
                }
            }
            let kinds: Vec<ColumnKind> = whole.profile.columns.iter().map(|c| c.kind).collect();
            assert_eq!(
                kinds,
                [
                    ColumnKind::Integer,
                    ColumnKind::Number,
                    ColumnKind::Text,
                    ColumnKind::Boolean,
                    ColumnKind::Timestamp,
                    ColumnKind::Text,
                    ColumnKind::Text,
                ]
            );
        }
    }

    #[test]
    fn an_error_in_a_later_stretch_names_the_same_line_as_one_pass() {
        let mut bytes = sample(1_000, "\n");
        bytes.extend_from_slice(b"1,2,3\n");
        let whole = read_csv_in_parts(&bytes, 1, 0).expect_err("ragged");
        assert_eq!(
            whole,
            DataError::RaggedRow {
                line: 1_002,
                expected: 7,
                found: 3
            }
        );
        assert_eq!(read_csv_in_parts(&bytes, 4, 0).expect_err("ragged"), whole);
        // Invalid UTF-8 in the middle of the file, and a ragged row after it: the first wins.
        let mut bytes = sample(1_000, "\n");
        let at = bytes.len() * 2 / 3;
        let line_start = at + bytes[at..].iter().position(|&b| b == b'\n').unwrap_or(0) + 1;
        bytes[line_start + 1] = 0xff;
        bytes.extend_from_slice(b"1,2\n");
        let whole = read_csv_in_parts(&bytes, 1, 0).expect_err("utf-8");
        assert!(matches!(whole, DataError::InvalidUtf8 { .. }), "{whole:?}");
        assert_eq!(read_csv_in_parts(&bytes, 5, 0).expect_err("utf-8"), whole);
    }

    #[test]
    fn quoted_fields_are_read_in_one_pass() {
        // A quoted line break must not be taken for the end of a record.
        let mut text = String::from("a,b\n");
        for i in 0..500 {
            text.push_str(&format!("{i},\"x\ny{i}\"\n"));
        }
        let bytes = text.into_bytes();
        let split = read_csv_in_parts(&bytes, 4, 0).expect("reads");
        assert_eq!(split.profile.row_count, 500);
        assert_eq!(split, read_csv_in_parts(&bytes, 1, 0).expect("reads"));
    }
}
