//! Large dataset files read from disk in two passes, so memory stays bounded by a chunk of rows
//! rather than by the file.
//!
//! A column's kind depends on every value in it (one text value late in a file makes the whole
//! column text), so a single streaming pass cannot hand out typed rows that equal what reading
//! the whole file gives. Pass one, [`scan_file`], checks every record and settles the profile —
//! fingerprint, row count, each column's kind and missing count — holding one block of the file
//! (8 MiB per core) at a time. Pass two, [`Chunks`], hands out typed rows a chunk at a time with
//! those kinds: the values are exactly those [`crate::read_dataset`] gives, and only the columns
//! asked for are built. Pass two hashes the bytes again and fails if they changed between the
//! passes. Both passes read a CSV's quote-free blocks on every core (every line break there ends
//! a record) and go record by record from the first quote character on.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::ops::ControlFlow;
use std::path::Path;

use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use sha2::{Digest, Sha256};

use crate::{
    Column, ColumnKind, ColumnProfile, ColumnValues, DataError, DatasetFormat, DatasetProfile,
    count_lines, for_each_field, header_names, is_missing, kind, malformed, parquet_reader,
    record_line,
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
        DatasetFormat::Csv => {
            let block = BLOCK_BYTES_PER_CORE * rayon::current_num_threads().max(1);
            scan_csv(path, file, size, progress, block)
        }
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

/// What a scan has learned of the columns so far.
#[derive(Clone)]
struct ColumnScan {
    guesses: Vec<kind::KindGuess>,
    missing: Vec<u64>,
    rows: u64,
}

impl ColumnScan {
    fn new(width: usize) -> Self {
        Self {
            guesses: vec![kind::KindGuess::default(); width],
            missing: vec![0; width],
            rows: 0,
        }
    }

    /// Checks one record and narrows the kinds by its values (`line_of` as in
    /// [`for_each_field`]).
    fn observe(
        &mut self,
        record: &csv::ByteRecord,
        line_of: &dyn Fn(u64) -> u64,
    ) -> Result<(), DataError> {
        let (guesses, missing) = (&mut self.guesses, &mut self.missing);
        for_each_field(record, guesses.len(), line_of, |index, field| {
            if is_missing(field) {
                missing[index] += 1;
            } else {
                guesses[index].observe(field);
            }
            Ok(())
        })?;
        self.rows += 1;
        Ok(())
    }

    /// Adds what a scan of the following part of the file learned.
    fn merge(&mut self, later: &Self) {
        for (guess, other) in self.guesses.iter_mut().zip(&later.guesses) {
            *guess = guess.merge(*other);
        }
        for (count, other) in self.missing.iter_mut().zip(&later.missing) {
            *count += other;
        }
        self.rows += later.rows;
    }
}

/// Scans a stretch of whole records (no header); error lines count from its first line.
fn scan_stretch(stretch: &[u8], width: usize) -> Result<ColumnScan, DataError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(stretch);
    let mut scan = ColumnScan::new(width);
    let mut record = csv::ByteRecord::new();
    let line_of = |byte| record_line(stretch, byte);
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| malformed(&e, line_of))?
    {
        scan.observe(&record, &line_of)?;
    }
    Ok(scan)
}

/// Bytes read per core and round of a scan.
const BLOCK_BYTES_PER_CORE: usize = 8 << 20;

/// Reads up to `wanted` more bytes onto `buffer`, hashing them; true at the end of the file.
fn read_block(
    file: &mut File,
    path: &Path,
    buffer: &mut Vec<u8>,
    wanted: usize,
    hasher: &mut Sha256,
) -> Result<bool, DataError> {
    let from = buffer.len();
    buffer.resize(from + wanted, 0);
    let mut filled = from;
    let at_end = loop {
        let n = file.read(&mut buffer[filled..]).map_err(io_error(path))?;
        if n == 0 {
            break true;
        }
        filled += n;
        if filled == buffer.len() {
            break false;
        }
    };
    buffer.truncate(filled);
    hasher.update(&buffer[from..]);
    Ok(at_end)
}

/// Scans a CSV a block at a time. A block's whole lines are split into stretches read on every
/// core, as long as no quote character appears (so every line break ends a record); from the
/// first block with a quote on, the rest of the file is read record by record. Either way the
/// result, and the first error in file order with its line, are those of one sequential pass.
fn scan_csv(
    path: &Path,
    mut file: File,
    size: u64,
    progress: ReadProgress<'_>,
    block: usize,
) -> Result<DatasetProfile, DataError> {
    if only_whitespace(&mut file, path)? {
        return Err(DataError::Empty);
    }
    let threads = rayon::current_num_threads().max(1);
    let block = block.max(1);
    let mut hasher = Sha256::new();
    let mut buffer: Vec<u8> = Vec::new();
    let (names, header_end, mut at_end) =
        read_header(&mut file, path, &mut buffer, block, &mut hasher)?;
    let width = names.len();
    let mut scan = ColumnScan::new(width);
    let mut start = header_end;
    let mut lines_before = count_lines(&buffer[..header_end]);
    // Bytes of the file before `buffer[0]`.
    let mut consumed = 0_u64;
    loop {
        let region = &buffer[start..];
        let cut = whole_lines(region, at_end);
        let part = &region[..cut];
        if part.contains(&b'"') {
            let (scan, hasher, bytes) = scan_rest_in_sequence(
                path,
                file,
                (buffer, start),
                (scan, lines_before, consumed, size, hasher),
                progress,
            )?;
            let profile = finish_scan(names, scan, hasher, bytes)?;
            if progress(bytes, bytes).is_break() {
                return Err(DataError::Cancelled);
            }
            return Ok(profile);
        }
        if !part.is_empty() {
            let stretches = crate::split_at_lines(part, threads);
            let parts: Vec<Result<ColumnScan, DataError>> = {
                use rayon::prelude::*;
                stretches
                    .par_iter()
                    .map(|&(from, to)| scan_stretch(&part[from..to], width))
                    .collect()
            };
            for (result, &(from, _)) in parts.into_iter().zip(&stretches) {
                match result {
                    Ok(later) => scan.merge(&later),
                    Err(error) => {
                        return Err(error.lines_later(lines_before + count_lines(&part[..from])));
                    }
                }
            }
            lines_before += count_lines(part);
        }
        start += cut;
        if at_end {
            break;
        }
        if progress(consumed + start as u64, size).is_break() {
            return Err(DataError::Cancelled);
        }
        // Keep the unfinished line; read the next block after it.
        buffer.drain(..start);
        consumed += start as u64;
        start = 0;
        at_end = read_block(&mut file, path, &mut buffer, block, &mut hasher)?;
    }
    let bytes = consumed + buffer.len() as u64;
    let profile = finish_scan(names, scan, hasher, bytes)?;
    if progress(bytes, bytes).is_break() {
        return Err(DataError::Cancelled);
    }
    Ok(profile)
}

/// How many bytes of `region` are whole lines: all of it at the end of the file, else up to
/// and including its last line break (0 when it holds none yet).
fn whole_lines(region: &[u8], at_end: bool) -> usize {
    if at_end {
        region.len()
    } else {
        region
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
    }
}

/// A record-by-record reader of the rest of a file: `buffer[start..]` (read already), then
/// what is left of `file`, whose bytes go on into `hasher`.
fn sequential_reader(
    buffer: Vec<u8>,
    start: usize,
    file: File,
    hasher: Sha256,
) -> SequentialReader {
    let mut cursor = std::io::Cursor::new(buffer);
    cursor.set_position(start as u64);
    let rest = Hashing {
        inner: BufReader::with_capacity(BUFFER_BYTES, file),
        hasher,
        bytes: 0,
    };
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(BUFFER_BYTES)
        .from_reader(cursor.chain(rest))
}

/// The scan from `buffer[start..]` on, record by record (a quoted field may hold line breaks):
/// the bytes left in the buffer, then the rest of the file. Returns the scan, the hash of the
/// whole file and its length.
fn scan_rest_in_sequence(
    path: &Path,
    file: File,
    (buffer, start): (Vec<u8>, usize),
    (mut scan, lines_before, consumed, size, hasher): (ColumnScan, u64, u64, u64, Sha256),
    progress: ReadProgress<'_>,
) -> Result<(ColumnScan, Sha256, u64), DataError> {
    let buffered = buffer.len() as u64;
    let mut reader = sequential_reader(buffer, start, file, hasher);
    let mut record = csv::ByteRecord::new();
    // The bytes before a failing record are read again to count its line (errors are rare).
    let from = consumed + start as u64;
    let line_of = |byte: u64| lines_before + line_in_file(path, from, byte);
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| malformed(&e, line_of))?
    {
        scan.observe(&record, &line_of)?;
        if scan.rows.is_multiple_of(REPORT_EVERY_ROWS) {
            // Bytes scanned so far: the reader counts from `buffer[start]`.
            let done = consumed + start as u64 + reader.position().byte();
            if progress(done.min(size), size).is_break() {
                return Err(DataError::Cancelled);
            }
        }
    }
    let (_, mut rest) = reader.into_inner().into_inner();
    std::io::copy(&mut rest, &mut std::io::sink()).map_err(io_error(path))?;
    Ok((scan, rest.hasher, consumed + buffered + rest.bytes))
}

/// The line, counting from 1 at byte `from` of the file, on which the record that csv places
/// `position` bytes further begins (as [`record_line`] counts it in memory); 0 when the file
/// cannot be read again.
fn line_in_file(path: &Path, from: u64, position: u64) -> u64 {
    let Ok(mut file) = File::open(path) else {
        return 0;
    };
    if file.seek(std::io::SeekFrom::Start(from)).is_err() {
        return 0;
    }
    let mut reader = BufReader::new(file).take(position);
    let mut before = Vec::new();
    if reader.read_to_end(&mut before).is_err() {
        return 0;
    }
    // Line breaks right at the position come before the record too.
    let mut file = reader.into_inner();
    let mut lines = count_lines(&before);
    let mut byte = [0_u8; 1];
    while file.read_exact(&mut byte).is_ok() && matches!(byte[0], b'\r' | b'\n') {
        lines += u64::from(byte[0] == b'\n');
    }
    1 + lines
}

/// The profile a finished scan settles on.
fn finish_scan(
    names: Vec<String>,
    scan: ColumnScan,
    hasher: Sha256,
    size_bytes: u64,
) -> Result<DatasetProfile, DataError> {
    if scan.rows == 0 {
        return Err(DataError::NoRows);
    }
    let columns = names
        .into_iter()
        .zip(scan.guesses)
        .zip(scan.missing)
        .map(|((name, guess), missing)| ColumnProfile {
            name,
            kind: guess.kind(),
            missing,
        })
        .collect();
    Ok(DatasetProfile {
        sha256: hex::encode(hasher.finalize()),
        size_bytes,
        format: DatasetFormat::Csv,
        row_count: scan.rows,
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
    if progress(size, size).is_break() {
        return Err(DataError::Cancelled);
    }
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

/// How the columns handed out are typed: for each column of the file, its place among the
/// selected ones, and for each selected one whether it holds numbers.
struct Selection {
    path: String,
    width: usize,
    slot_of_column: Vec<Option<usize>>,
    numeric: Vec<bool>,
}

impl Selection {
    fn empty(&self, capacity: usize) -> Vec<ColumnValues> {
        self.numeric
            .iter()
            .map(|&numeric| {
                if numeric {
                    ColumnValues::Number(Vec::with_capacity(capacity))
                } else {
                    ColumnValues::Text(Vec::with_capacity(capacity))
                }
            })
            .collect()
    }

    /// Appends one record's selected values, typed as the scan found them. A value that does
    /// not fit its column's kind means the file changed since the scan: an error.
    fn push_record(
        &self,
        record: &csv::ByteRecord,
        into: &mut [ColumnValues],
    ) -> Result<(), DataError> {
        if record.len() != self.width {
            return Err(changed(&self.path));
        }
        // Only the selected fields are decoded (the scan checked every one).
        for (index, raw) in record.iter().enumerate() {
            let Some(slot) = self.slot_of_column[index] else {
                continue;
            };
            let field = std::str::from_utf8(raw).map_err(|_| changed(&self.path))?;
            match &mut into[slot] {
                ColumnValues::Number(v) => v.push(if is_missing(field) {
                    f64::NAN
                } else {
                    field
                        .parse::<f64>()
                        .ok()
                        .filter(|x| x.is_finite())
                        .ok_or_else(|| changed(&self.path))?
                }),
                ColumnValues::Text(v) => v.push((!is_missing(field)).then(|| field.to_owned())),
            }
        }
        Ok(())
    }

    /// The selected values of a stretch of whole records.
    fn parse_stretch(&self, stretch: &[u8]) -> Result<Vec<ColumnValues>, DataError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(stretch);
        let mut values = self.empty(0);
        let mut record = csv::ByteRecord::new();
        while reader
            .read_byte_record(&mut record)
            .map_err(|e| malformed(&e, |_| 0))?
        {
            self.push_record(&record, &mut values)?;
        }
        Ok(values)
    }
}

/// Appends `later` (the values of the rows that follow) to `values`. Both come from one
/// selection; a column that changed type would be a bug here, reported as an error.
fn append_values(
    values: &mut [ColumnValues],
    later: Vec<ColumnValues>,
    path: &str,
) -> Result<(), DataError> {
    for (into, more) in values.iter_mut().zip(later) {
        match (into, more) {
            (ColumnValues::Number(a), ColumnValues::Number(b)) => a.extend(b),
            (ColumnValues::Text(a), ColumnValues::Text(b)) => a.extend(b),
            _ => return Err(changed(path)),
        }
    }
    Ok(())
}

/// Takes the first `rows` rows off `values`.
fn take_front(values: &mut [ColumnValues], rows: usize) -> Vec<ColumnValues> {
    values
        .iter_mut()
        .map(|v| match v {
            ColumnValues::Number(x) => {
                let rest = x.split_off(rows.min(x.len()));
                ColumnValues::Number(std::mem::replace(x, rest))
            }
            ColumnValues::Text(x) => {
                let rest = x.split_off(rows.min(x.len()));
                ColumnValues::Text(std::mem::replace(x, rest))
            }
        })
        .collect()
}

type SequentialReader =
    csv::Reader<std::io::Chain<std::io::Cursor<Vec<u8>>, Hashing<BufReader<File>>>>;

/// Pass two over a CSV: blocks of whole lines parsed on every core while no quote character
/// appears, record by record from there on (as the scan reads it); the rows are handed out in
/// chunks of exactly the chunk size (the last one shorter), so a chunk holds the same rows as
/// the same batch of a file read whole.
struct CsvRows {
    path: String,
    file: Option<File>,
    hasher: Option<Sha256>,
    buffer: Vec<u8>,
    start: usize,
    at_end: bool,
    block: usize,
    threads: usize,
    sequential: Option<SequentialReader>,
    /// Rows parsed and not yet handed out.
    carry: Vec<ColumnValues>,
    carry_rows: usize,
    /// The file's SHA-256, once every byte was parsed.
    finished: Option<String>,
}

impl CsvRows {
    fn open(path: &Path, selection: &Selection, block: usize) -> Result<Self, DataError> {
        let mut file = File::open(path).map_err(io_error(path))?;
        let mut hasher = Sha256::new();
        let mut buffer = Vec::new();
        let (_, header_end, at_end) =
            read_header(&mut file, path, &mut buffer, block, &mut hasher)?;
        Ok(Self {
            path: path.display().to_string(),
            file: Some(file),
            hasher: Some(hasher),
            buffer,
            start: header_end,
            at_end,
            block,
            threads: rayon::current_num_threads().max(1),
            sequential: None,
            carry: selection.empty(0),
            carry_rows: 0,
            finished: None,
        })
    }

    /// The next `chunk_rows` rows (fewer at the end); `None` after the last, with the file's
    /// SHA-256.
    fn next(
        &mut self,
        selection: &Selection,
        chunk_rows: usize,
    ) -> Result<Result<Vec<ColumnValues>, String>, DataError> {
        loop {
            if self.carry_rows >= chunk_rows {
                self.carry_rows -= chunk_rows;
                return Ok(Ok(take_front(&mut self.carry, chunk_rows)));
            }
            if let Some(sha256) = &self.finished {
                if self.carry_rows > 0 {
                    let rows = std::mem::take(&mut self.carry_rows);
                    return Ok(Ok(take_front(&mut self.carry, rows)));
                }
                return Ok(Err(sha256.clone()));
            }
            self.parse_more(selection, chunk_rows)?;
        }
    }

    fn io(&self) -> impl Fn(std::io::Error) -> DataError + '_ {
        move |e| DataError::Read {
            path: self.path.clone(),
            reason: e.to_string(),
        }
    }

    /// Parses the next block (or, record by record, the next chunk's rows) onto `carry`.
    fn parse_more(&mut self, selection: &Selection, chunk_rows: usize) -> Result<(), DataError> {
        if let Some(reader) = &mut self.sequential {
            let mut record = csv::ByteRecord::new();
            let mut rows = 0;
            while rows < chunk_rows
                && reader
                    .read_byte_record(&mut record)
                    .map_err(|e| malformed(&e, |_| 0))?
            {
                selection.push_record(&record, &mut self.carry)?;
                rows += 1;
            }
            self.carry_rows += rows;
            if rows < chunk_rows
                && let Some(reader) = self.sequential.take()
            {
                let (_, mut rest) = reader.into_inner().into_inner();
                std::io::copy(&mut rest, &mut std::io::sink()).map_err(self.io())?;
                self.finished = Some(hex::encode(rest.hasher.finalize()));
            }
            return Ok(());
        }
        loop {
            let region = &self.buffer[self.start..];
            let cut = whole_lines(region, self.at_end);
            if cut == 0 && !self.at_end {
                self.read_block()?;
                continue;
            }
            let part = &region[..cut];
            if part.contains(&b'"') {
                // A quoted field may hold a line break: record by record from here.
                let (Some(file), Some(hasher)) = (self.file.take(), self.hasher.take()) else {
                    return Err(changed(&self.path));
                };
                self.sequential = Some(sequential_reader(
                    std::mem::take(&mut self.buffer),
                    self.start,
                    file,
                    hasher,
                ));
                return Ok(());
            }
            let stretches = crate::split_at_lines(part, self.threads);
            let parsed: Vec<Result<Vec<ColumnValues>, DataError>> = {
                use rayon::prelude::*;
                stretches
                    .par_iter()
                    .map(|&(from, to)| selection.parse_stretch(&part[from..to]))
                    .collect()
            };
            for values in parsed {
                let values = values?;
                self.carry_rows += values.first().map_or(0, ColumnValues::len);
                append_values(&mut self.carry, values, &self.path)?;
            }
            self.start += cut;
            if self.at_end {
                let hasher = self.hasher.take().unwrap_or_default();
                self.finished = Some(hex::encode(hasher.finalize()));
            } else {
                self.read_block()?;
            }
            return Ok(());
        }
    }

    /// Drops what was parsed and reads the next block after the unfinished line.
    fn read_block(&mut self) -> Result<(), DataError> {
        self.buffer.drain(..self.start);
        self.start = 0;
        let (Some(file), Some(hasher)) = (self.file.as_mut(), self.hasher.as_mut()) else {
            return Err(changed(&self.path));
        };
        self.at_end = read_block(
            file,
            Path::new(&self.path),
            &mut self.buffer,
            self.block,
            hasher,
        )?;
        Ok(())
    }
}

/// Reads blocks onto `buffer` until the header record is whole; returns its names, where it
/// ends in the buffer, and whether the file was read to its end.
fn read_header(
    file: &mut File,
    path: &Path,
    buffer: &mut Vec<u8>,
    block: usize,
    hasher: &mut Sha256,
) -> Result<(Vec<String>, usize, bool), DataError> {
    let mut at_end = false;
    loop {
        at_end = at_end || read_block(file, path, buffer, block, hasher)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&buffer[..]);
        let mut header = csv::ByteRecord::new();
        let line_of = |byte| record_line(buffer, byte);
        if !reader
            .read_byte_record(&mut header)
            .map_err(|e| malformed(&e, line_of))?
        {
            return Err(DataError::Empty);
        }
        let end = usize::try_from(reader.position().byte()).unwrap_or(buffer.len());
        if end < buffer.len() || at_end {
            let line = header.position().map_or(1, |p| line_of(p.byte()));
            return Ok((header_names(&header, line)?, end, at_end));
        }
    }
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
    chunk_rows: usize,
    rows_read: u64,
    path: String,
}

enum ChunkSource {
    Csv {
        rows: Box<CsvRows>,
        selection: Selection,
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
        let block = BLOCK_BYTES_PER_CORE * rayon::current_num_threads().max(1);
        Self::open_in_blocks(path, profile, columns, chunk_rows, block)
    }

    /// [`Chunks::open`] reading a CSV `block` bytes at a time.
    fn open_in_blocks(
        path: &Path,
        profile: &DatasetProfile,
        columns: &[String],
        chunk_rows: usize,
        block: usize,
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
        let mut slot_of_column = vec![None; profile.columns.len()];
        for (slot, &index) in selected.iter().enumerate() {
            slot_of_column[index] = Some(slot);
        }
        let source = match profile.format {
            DatasetFormat::Csv => {
                let selection = Selection {
                    path: path.display().to_string(),
                    width: profile.columns.len(),
                    slot_of_column,
                    numeric: selected
                        .iter()
                        .map(|&i| {
                            matches!(
                                profile.columns[i].kind,
                                ColumnKind::Integer | ColumnKind::Number
                            )
                        })
                        .collect(),
                };
                ChunkSource::Csv {
                    rows: Box::new(CsvRows::open(path, &selection, block.max(1))?),
                    selection,
                }
            }
            DatasetFormat::Parquet => {
                let mut file = File::open(path).map_err(io_error(path))?;
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
        Ok(Self {
            source,
            profile: profile.clone(),
            selected,
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
            ChunkSource::Csv { rows, selection } => {
                // The scan checked every record: an error now means the file changed.
                let next = rows.next(selection, self.chunk_rows).map_err(|e| match e {
                    DataError::Read { .. } => e,
                    _ => changed(&self.path),
                })?;
                match next {
                    Ok(values) => Some(
                        self.selected
                            .iter()
                            .zip(values)
                            .map(|(&i, values)| Column {
                                name: self.profile.columns[i].name.clone(),
                                kind: self.profile.columns[i].kind,
                                values,
                            })
                            .collect::<Vec<_>>(),
                    ),
                    Err(sha256) if sha256 == self.profile.sha256 => None,
                    Err(_) => return Err(changed(&self.path)),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A file with missing values, a column that turns to text late, CRLF or LF line ends and,
    /// from row `quotes_from` on, quoted fields holding commas and line breaks.
    fn sample(rows: usize, ending: &str, quotes_from: usize) -> Vec<u8> {
        let mut text = format!("id,score,label,late,note{ending}");
        for i in 0..rows {
            let score = if i % 7 == 0 {
                String::new()
            } else {
                format!("{}", f64::from(u32::try_from(i).unwrap_or(0)) * 0.25 - 3.0)
            };
            let late = if i > rows * 2 / 3 && i % 5 == 0 {
                "n/a".to_owned()
            } else {
                format!("{}", i % 9)
            };
            let note = if i >= quotes_from && i % 3 == 0 {
                format!("\"a, b{ending}c{i}\"")
            } else {
                format!("n{i}")
            };
            text.push_str(&format!(
                "{i},{score},{},{late},{note}{ending}",
                ["x", "y", "NA"][i % 3]
            ));
        }
        text.into_bytes()
    }

    fn scan_in_blocks(bytes: &[u8], block: usize) -> Result<DatasetProfile, DataError> {
        let dir = tempfile::tempdir().map_err(|e| DataError::Read {
            path: "temp".to_owned(),
            reason: e.to_string(),
        })?;
        let path = dir.path().join("data.csv");
        std::fs::write(&path, bytes).map_err(io_error(&path))?;
        let file = File::open(&path).map_err(io_error(&path))?;
        let mut last = (0, 0);
        let profile = scan_csv(
            &path,
            file,
            bytes.len() as u64,
            &mut |done, total| {
                assert!(done >= last.0, "progress only grows");
                last = (done, total);
                ControlFlow::Continue(())
            },
            block,
        );
        if profile.is_ok() {
            assert_eq!(last, (bytes.len() as u64, bytes.len() as u64));
        }
        profile
    }

    #[test]
    fn a_scan_in_blocks_equals_the_whole_read() {
        for ending in ["\n", "\r\n"] {
            for quotes_from in [0, 400, usize::MAX] {
                let bytes = sample(600, ending, quotes_from);
                let whole = crate::read_csv(&bytes).map(|d| d.profile);
                for block in [1, 7, 100, 4_096, 1 << 20] {
                    assert_eq!(
                        scan_in_blocks(&bytes, block),
                        whole,
                        "{ending:?}, quotes from {quotes_from}, blocks of {block}"
                    );
                }
            }
        }
    }

    #[test]
    fn chunks_read_in_blocks_equal_the_whole_read() {
        let same = |a: &ColumnValues, b: &ColumnValues| match (a, b) {
            (ColumnValues::Number(x), ColumnValues::Number(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits())
            }
            (x, y) => x == y,
        };
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else {
            panic!("temp dir: {dir:?}");
        };
        for (ending, quotes_from) in [("\n", usize::MAX), ("\r\n", 300), ("\n", 0)] {
            let bytes = sample(500, ending, quotes_from);
            let path = dir.path().join("data.csv");
            std::fs::write(&path, &bytes).map_err(io_error(&path)).ok();
            let Ok(whole) = crate::read_csv(&bytes) else {
                panic!("the sample reads");
            };
            let all: Vec<String> = Vec::new();
            let some = vec!["note".to_owned(), "score".to_owned()];
            for block in [1, 7, 100, 4_096, 1 << 20] {
                for chunk_rows in [1, 13, 250, 10_000] {
                    for columns in [&all, &some] {
                        let Ok(mut chunks) = Chunks::open_in_blocks(
                            &path,
                            &whole.profile,
                            columns,
                            chunk_rows,
                            block,
                        ) else {
                            panic!("opens");
                        };
                        let mut joined: Vec<ColumnValues> = Vec::new();
                        let mut sizes = Vec::new();
                        while let Ok(Some(chunk)) = chunks.next_chunk() {
                            sizes.push(chunk[0].values.len());
                            let values: Vec<ColumnValues> =
                                chunk.into_iter().map(|c| c.values).collect();
                            if joined.is_empty() {
                                joined = values;
                            } else {
                                assert!(append_values(&mut joined, values, "").is_ok());
                            }
                        }
                        let what = format!(
                            "{ending:?} quotes from {quotes_from}, blocks of {block}, chunks of {chunk_rows}"
                        );
                        assert!(matches!(chunks.next_chunk(), Ok(None)), "{what}");
                        // Every chunk but the last holds exactly the chunk size.
                        assert!(
                            sizes[..sizes.len() - 1].iter().all(|&n| n == chunk_rows),
                            "{what}: {sizes:?}"
                        );
                        assert_eq!(sizes.iter().sum::<usize>(), 500, "{what}");
                        let expected: Vec<&ColumnValues> = whole
                            .columns
                            .iter()
                            .filter(|c| columns.is_empty() || columns.contains(&c.name))
                            .map(|c| &c.values)
                            .collect();
                        assert_eq!(joined.len(), expected.len(), "{what}");
                        for (got, want) in joined.iter().zip(expected) {
                            assert!(same(got, want), "{what}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_scan_in_blocks_finds_the_first_error_on_its_line() {
        for quotes_from in [100, usize::MAX] {
            let mut ragged = sample(300, "\n", quotes_from);
            ragged.extend_from_slice(b"1,2\n");
            let mut utf8 = sample(300, "\n", quotes_from);
            let at = utf8.len() / 2;
            let line_start = at + utf8[at..].iter().position(|&b| b == b'\n').unwrap_or(0) + 1;
            utf8[line_start + 1] = 0xff;
            utf8.extend_from_slice(b"1,2\n");
            for bytes in [ragged, utf8] {
                let whole = crate::read_csv(&bytes).map(|d| d.profile);
                assert!(whole.is_err());
                for block in [1, 50, 1_000, 1 << 20] {
                    assert_eq!(scan_in_blocks(&bytes, block), whole, "blocks of {block}");
                }
            }
        }
    }
}
