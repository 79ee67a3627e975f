//! Large dataset files read from disk in two passes, so memory stays bounded by a chunk of rows
//! rather than by the file.
//!
//! A column's kind depends on every value in it (one text value late in a file makes the whole
//! column text), so a single streaming pass cannot hand out typed rows that equal what reading
//! the whole file gives. Pass one, [`scan_file`], checks every record and settles the profile —
//! fingerprint, row count, each column's kind and missing count — holding only one record at a
//! time. Pass two, [`Chunks`], hands out typed rows a chunk at a time with those kinds: the
//! values are exactly those [`crate::read_dataset`] gives, and only the columns asked for are
//! built. Pass two hashes the bytes again and fails if they changed between the passes.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::ops::ControlFlow;
use std::path::Path;

use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use sha2::{Digest, Sha256};

use crate::{
    Column, ColumnKind, ColumnProfile, ColumnValues, DataError, DatasetFormat, DatasetProfile,
    header_names, is_missing, kind, malformed, parquet_reader,
};

/// Hears how far a read has come (bytes read, bytes in the file) and may stop it.
pub type ReadProgress<'a> = &'a mut dyn FnMut(u64, u64) -> ControlFlow<()>;

/// Rows between two progress reports of a scan.
const REPORT_EVERY_ROWS: u64 = 16_384;

/// Bytes asked of the disk at a time.
const BUFFER_BYTES: usize = 1 << 20;

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> DataError + '_ {
    move |e| DataError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// A reader that hashes and counts the bytes that pass through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Hashing<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// Reads what is left (so the hash covers the whole file) and returns the hex digest.
    fn finish(mut self) -> std::io::Result<(String, u64)> {
        std::io::copy(&mut self, &mut std::io::sink())?;
        Ok((hex::encode(self.hasher.finalize()), self.bytes))
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Settles a dataset file's profile in one pass over the file, checking every record as
/// [`crate::read_dataset`] does (the same errors, with the same line numbers).
pub fn scan_file(
    path: &Path,
    format: DatasetFormat,
    progress: ReadProgress<'_>,
) -> Result<DatasetProfile, DataError> {
    let file = File::open(path).map_err(io_error(path))?;
    let size = file.metadata().map_err(io_error(path))?.len();
    match format {
        DatasetFormat::Csv => scan_csv(path, file, size, progress),
        DatasetFormat::Parquet => scan_parquet(path, file, size, progress),
    }
}

/// Whether the file holds nothing but white space (read up to its first other byte).
fn only_whitespace(file: &mut File, path: &Path) -> Result<bool, DataError> {
    let mut buffer = vec![0; 64 * 1024];
    let blank = loop {
        let n = file.read(&mut buffer).map_err(io_error(path))?;
        if n == 0 {
            break true;
        }
        if !buffer[..n].iter().all(u8::is_ascii_whitespace) {
            break false;
        }
    };
    file.rewind().map_err(io_error(path))?;
    Ok(blank)
}

fn csv_reader(file: File) -> csv::Reader<Hashing<BufReader<File>>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(BUFFER_BYTES)
        .from_reader(Hashing::new(BufReader::with_capacity(BUFFER_BYTES, file)))
}

/// Checks a record's field count and text as the whole-file reader does, and hands each field
/// to `each` with its column index.
fn for_each_field<'r>(
    record: &'r csv::ByteRecord,
    width: usize,
    mut each: impl FnMut(usize, &'r str) -> Result<(), DataError>,
) -> Result<(), DataError> {
    let line = || record.position().map_or(0, csv::Position::line);
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

fn scan_csv(
    path: &Path,
    mut file: File,
    size: u64,
    progress: ReadProgress<'_>,
) -> Result<DatasetProfile, DataError> {
    if only_whitespace(&mut file, path)? {
        return Err(DataError::Empty);
    }
    let mut reader = csv_reader(file);
    let mut header = csv::ByteRecord::new();
    if !reader
        .read_byte_record(&mut header)
        .map_err(|e| malformed(&e))?
    {
        return Err(DataError::Empty);
    }
    let names = header_names(&header)?;
    let mut guesses = vec![kind::KindGuess::default(); names.len()];
    let mut missing = vec![0_u64; names.len()];
    let mut rows = 0_u64;
    let mut record = csv::ByteRecord::new();
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| malformed(&e))?
    {
        for_each_field(&record, names.len(), |index, field| {
            if is_missing(field) {
                missing[index] += 1;
            } else {
                guesses[index].observe(field);
            }
            Ok(())
        })?;
        rows += 1;
        if rows.is_multiple_of(REPORT_EVERY_ROWS)
            && progress(reader.get_ref().bytes, size).is_break()
        {
            return Err(DataError::Cancelled);
        }
    }
    if rows == 0 {
        return Err(DataError::NoRows);
    }
    let (sha256, size_bytes) = reader.into_inner().finish().map_err(io_error(path))?;
    // The last report says the whole file was read.
    let _ = progress(size_bytes, size_bytes);
    let columns = names
        .into_iter()
        .zip(guesses)
        .zip(missing)
        .map(|((name, guess), missing)| ColumnProfile {
            name,
            kind: guess.kind(),
            missing,
        })
        .collect();
    Ok(DatasetProfile {
        sha256,
        size_bytes,
        format: DatasetFormat::Csv,
        row_count: rows,
        columns,
    })
}

/// The SHA-256 of a file, read a megabyte at a time, reporting progress in bytes.
pub fn hash_file(path: &Path, progress: ReadProgress<'_>) -> Result<String, DataError> {
    let mut file = File::open(path).map_err(io_error(path))?;
    let size = file.metadata().map_err(io_error(path))?.len();
    hash_open_file(path, &mut file, size, &mut |done| progress(done, size))
}

/// Hashes a whole open file, reporting progress; `Break` stops it.
fn hash_open_file(
    path: &Path,
    file: &mut File,
    size: u64,
    progress: &mut dyn FnMut(u64) -> ControlFlow<()>,
) -> Result<String, DataError> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; BUFFER_BYTES];
    let mut done = 0_u64;
    loop {
        let n = file.read(&mut buffer).map_err(io_error(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        done += n as u64;
        if progress(done.min(size)).is_break() {
            return Err(DataError::Cancelled);
        }
    }
    file.rewind().map_err(io_error(path))?;
    Ok(hex::encode(hasher.finalize()))
}

fn scan_parquet(
    path: &Path,
    mut file: File,
    size: u64,
    progress: ReadProgress<'_>,
) -> Result<DatasetProfile, DataError> {
    if size == 0 {
        return Err(DataError::Empty);
    }
    // Half the progress is hashing the bytes, half reading the values (counting missing ones).
    let sha256 = hash_open_file(path, &mut file, size, &mut |done| progress(done / 2, size))?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| parquet_reader::invalid(&e))?;
    let names = parquet_reader::column_names(&builder)?;
    let rows_in_file = u64::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
    let reader = builder
        .with_batch_size(CHUNK_BATCH_ROWS)
        .build()
        .map_err(|e| parquet_reader::invalid(&e))?;
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut kinds: Vec<Option<ColumnKind>> = vec![None; names.len()];
    let mut missing = vec![0_u64; names.len()];
    let mut rows = 0_u64;
    for batch in reader {
        let batch = batch.map_err(|e| DataError::InvalidParquet(e.to_string()))?;
        for (index, (column, count)) in parquet_reader::batch_columns(&batch, &name_refs)?
            .into_iter()
            .enumerate()
        {
            kinds[index] = Some(column.kind);
            missing[index] += count;
        }
        rows += batch.num_rows() as u64;
        let done = size / 2 + size / 2 * rows / rows_in_file.max(1);
        if progress(done.min(size), size).is_break() {
            return Err(DataError::Cancelled);
        }
    }
    if rows == 0 {
        return Err(DataError::NoRows);
    }
    let _ = progress(size, size);
    let columns = names
        .into_iter()
        .zip(kinds)
        .zip(missing)
        .map(|((name, kind), missing)| ColumnProfile {
            name,
            kind: kind.unwrap_or(ColumnKind::Text),
            missing,
        })
        .collect();
    Ok(DatasetProfile {
        sha256,
        size_bytes: size,
        format: DatasetFormat::Parquet,
        row_count: rows,
        columns,
    })
}

/// Rows per record batch when a Parquet file is scanned.
const CHUNK_BATCH_ROWS: usize = 65_536;

/// Typed rows of a scanned file, a chunk at a time (pass two). Only the columns asked for are
/// built, in file order.
pub struct Chunks {
    source: ChunkSource,
    profile: DatasetProfile,
    /// Indices (in the file) of the columns handed out.
    selected: Vec<usize>,
    /// For each column of the file, its place among the selected ones.
    slot_of_column: Vec<Option<usize>>,
    chunk_rows: usize,
    rows_read: u64,
    path: String,
}

enum ChunkSource {
    Csv {
        reader: Option<csv::Reader<Hashing<BufReader<File>>>>,
        record: csv::ByteRecord,
    },
    Parquet {
        batches: ParquetRecordBatchReader,
        names: Vec<String>,
        /// The bytes are hashed before the first chunk (Parquet reads the file out of order).
        sha256: String,
    },
}

impl std::fmt::Debug for Chunks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chunks")
            .field("path", &self.path)
            .field("rows_read", &self.rows_read)
            .finish_non_exhaustive()
    }
}

impl Chunks {
    /// Opens `path`, scanned before as `profile`, to hand out the columns named in `columns`
    /// (every column when empty) `chunk_rows` rows at a time. A name the profile lacks is an
    /// error.
    pub fn open(
        path: &Path,
        profile: &DatasetProfile,
        columns: &[String],
        chunk_rows: usize,
    ) -> Result<Self, DataError> {
        let selected: Vec<usize> = if columns.is_empty() {
            (0..profile.columns.len()).collect()
        } else {
            let mut indices = columns
                .iter()
                .map(|name| {
                    profile
                        .columns
                        .iter()
                        .position(|c| c.name == *name)
                        .ok_or_else(|| DataError::UnknownColumn { name: name.clone() })
                })
                .collect::<Result<Vec<_>, _>>()?;
            indices.sort_unstable();
            indices.dedup();
            indices
        };
        let mut file = File::open(path).map_err(io_error(path))?;
        let source = match profile.format {
            DatasetFormat::Csv => {
                let mut reader = csv_reader(file);
                let mut header = csv::ByteRecord::new();
                reader
                    .read_byte_record(&mut header)
                    .map_err(|e| malformed(&e))?;
                ChunkSource::Csv {
                    reader: Some(reader),
                    record: csv::ByteRecord::new(),
                }
            }
            DatasetFormat::Parquet => {
                let size = file.metadata().map_err(io_error(path))?.len();
                let sha256 =
                    hash_open_file(path, &mut file, size, &mut |_| ControlFlow::Continue(()))?;
                let builder = ParquetRecordBatchReaderBuilder::try_new(file)
                    .map_err(|e| parquet_reader::invalid(&e))?;
                let mask =
                    ProjectionMask::roots(builder.parquet_schema(), selected.iter().copied());
                let names = selected
                    .iter()
                    .map(|&i| profile.columns[i].name.clone())
                    .collect();
                let batches = builder
                    .with_projection(mask)
                    .with_batch_size(chunk_rows.max(1))
                    .build()
                    .map_err(|e| parquet_reader::invalid(&e))?;
                ChunkSource::Parquet {
                    batches,
                    names,
                    sha256,
                }
            }
        };
        let mut slot_of_column = vec![None; profile.columns.len()];
        for (slot, &index) in selected.iter().enumerate() {
            slot_of_column[index] = Some(slot);
        }
        Ok(Self {
            source,
            profile: profile.clone(),
            selected,
            slot_of_column,
            chunk_rows: chunk_rows.max(1),
            rows_read: 0,
            path: path.display().to_string(),
        })
    }

    /// The profile the file was scanned into.
    pub fn profile(&self) -> &DatasetProfile {
        &self.profile
    }

    /// The next rows (up to the chunk size), or `None` once every row was handed out.
    pub fn next_chunk(&mut self) -> Result<Option<Vec<Column>>, DataError> {
        let chunk = match &mut self.source {
            ChunkSource::Csv { reader, record } => {
                let Some(csv) = reader.as_mut() else {
                    return Ok(None);
                };
                let width = self.profile.columns.len();
                let mut builders: Vec<ColumnValues> = self
                    .selected
                    .iter()
                    .map(|&i| match self.profile.columns[i].kind {
                        ColumnKind::Integer | ColumnKind::Number => {
                            ColumnValues::Number(Vec::with_capacity(self.chunk_rows))
                        }
                        _ => ColumnValues::Text(Vec::with_capacity(self.chunk_rows)),
                    })
                    .collect();
                let mut rows = 0;
                while rows < self.chunk_rows
                    && csv.read_byte_record(record).map_err(|e| malformed(&e))?
                {
                    for_each_field(record, width, |index, field| {
                        let Some(slot) = self.slot_of_column[index] else {
                            return Ok(());
                        };
                        match &mut builders[slot] {
                            ColumnValues::Number(v) => v.push(if is_missing(field) {
                                f64::NAN
                            } else {
                                field
                                    .parse::<f64>()
                                    .ok()
                                    .filter(|x| x.is_finite())
                                    .ok_or_else(|| changed(&self.path))?
                            }),
                            ColumnValues::Text(v) => {
                                v.push((!is_missing(field)).then(|| field.to_owned()));
                            }
                        }
                        Ok(())
                    })?;
                    rows += 1;
                }
                if rows < self.chunk_rows {
                    // The end of the file: it must be the file that was scanned.
                    let finished = reader.take().map(csv::Reader::into_inner);
                    let (sha256, _) = finished
                        .map(Hashing::finish)
                        .transpose()
                        .map_err(|e| DataError::Read {
                            path: self.path.clone(),
                            reason: e.to_string(),
                        })?
                        .unwrap_or_default();
                    if sha256 != self.profile.sha256 {
                        return Err(changed(&self.path));
                    }
                }
                if rows == 0 {
                    None
                } else {
                    Some(
                        self.selected
                            .iter()
                            .zip(builders)
                            .map(|(&i, values)| Column {
                                name: self.profile.columns[i].name.clone(),
                                kind: self.profile.columns[i].kind,
                                values,
                            })
                            .collect::<Vec<_>>(),
                    )
                }
            }
            ChunkSource::Parquet {
                batches,
                names,
                sha256,
            } => {
                if *sha256 != self.profile.sha256 {
                    return Err(changed(&self.path));
                }
                // The reader was built to give batches of at most a chunk's rows.
                match batches.next() {
                    None => None,
                    Some(batch) => {
                        let batch = batch.map_err(|e| DataError::InvalidParquet(e.to_string()))?;
                        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                        Some(
                            parquet_reader::batch_columns(&batch, &refs)?
                                .into_iter()
                                .map(|(column, _)| column)
                                .collect(),
                        )
                    }
                }
            }
        };
        if let Some(columns) = &chunk {
            self.rows_read += columns.first().map_or(0, |c| c.values.len()) as u64;
            if self.rows_read > self.profile.row_count {
                return Err(changed(&self.path));
            }
        } else if self.rows_read != self.profile.row_count {
            return Err(changed(&self.path));
        }
        Ok(chunk)
    }
}

fn changed(path: &str) -> DataError {
    DataError::ChangedWhileRead {
        path: path.to_owned(),
    }
}
