//! Streaming a file in two passes gives what reading it whole gives: the same profile, the same
//! values chunk after chunk, the same errors; and a file that changes between the passes is
//! refused.

use std::ops::ControlFlow;
use std::path::Path;

use vigil_data::{Chunks, ColumnValues, DataError, Dataset, DatasetFormat, scan_file};

fn file_with(bytes: &[u8], extension: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(format!("data.{extension}"));
    std::fs::write(&path, bytes).expect("write");
    (dir, path)
}

fn extension(format: DatasetFormat) -> &'static str {
    format.as_str()
}

/// Scans `bytes` written to a file.
pub fn scan_bytes(
    bytes: &[u8],
    format: DatasetFormat,
) -> Result<vigil_data::DatasetProfile, DataError> {
    let (_dir, path) = file_with(bytes, extension(format));
    scan_file(&path, format, &mut |_, _| ControlFlow::Continue(()))
}

/// Every chunk of `columns` (all when empty), joined.
fn streamed(path: &Path, format: DatasetFormat, columns: &[String], chunk_rows: usize) -> Dataset {
    let mut reports = Vec::new();
    let profile = scan_file(path, format, &mut |done, total| {
        reports.push((done, total));
        ControlFlow::Continue(())
    })
    .expect("scan");
    let (done, total) = *reports.last().expect("a report");
    assert_eq!(done, total, "the last report covers the whole file");
    assert!(
        reports.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress only grows"
    );
    let mut chunks = Chunks::open(path, &profile, columns, chunk_rows).expect("open");
    let mut joined: Vec<vigil_data::Column> = Vec::new();
    while let Some(chunk) = chunks.next_chunk().expect("chunk") {
        let rows = chunk[0].values.len();
        assert!(
            rows >= 1 && rows <= chunk_rows,
            "{rows} rows in a chunk of {chunk_rows}"
        );
        if joined.is_empty() {
            joined = chunk;
            continue;
        }
        for (into, part) in joined.iter_mut().zip(chunk) {
            assert_eq!((&into.name, into.kind), (&part.name, part.kind));
            match (&mut into.values, part.values) {
                (ColumnValues::Number(a), ColumnValues::Number(b)) => a.extend(b),
                (ColumnValues::Text(a), ColumnValues::Text(b)) => a.extend(b),
                _ => panic!("column {} changed type between chunks", into.name),
            }
        }
    }
    assert!(chunks.next_chunk().expect("after the end").is_none());
    Dataset {
        profile,
        columns: joined,
    }
}

fn same_values(a: &ColumnValues, b: &ColumnValues) -> bool {
    match (a, b) {
        (ColumnValues::Number(x), ColumnValues::Number(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits())
        }
        (x, y) => x == y,
    }
}

fn check_streams_like_whole(bytes: &[u8], format: DatasetFormat) {
    let whole = vigil_data::read_dataset(bytes, format).expect("whole");
    let (_dir, path) = file_with(bytes, extension(format));
    let rows = whole.row_count();
    for chunk_rows in [1, 7, 1_000, rows, rows + 5] {
        if chunk_rows == 1 && rows > 5_000 {
            continue;
        }
        let streamed = streamed(&path, format, &[], chunk_rows);
        assert_eq!(streamed.profile, whole.profile, "{chunk_rows} rows a chunk");
        assert_eq!(streamed.columns.len(), whole.columns.len());
        for (a, b) in streamed.columns.iter().zip(&whole.columns) {
            assert_eq!((&a.name, a.kind), (&b.name, b.kind));
            assert!(
                same_values(&a.values, &b.values),
                "column {} with {chunk_rows} rows a chunk",
                a.name
            );
        }
    }
    // A selection of columns, named in any order, comes in file order.
    let last = whole.columns.last().expect("columns").name.clone();
    let first = whole.columns[0].name.clone();
    let picked = streamed(&path, format, &[last.clone(), first.clone(), last], 333);
    let names: Vec<&str> = picked.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            first.as_str(),
            whole.columns.last().expect("last").name.as_str()
        ]
    );
    for column in &picked.columns {
        let original = whole.column(&column.name).expect("column");
        assert!(
            same_values(&column.values, &original.values),
            "{}",
            column.name
        );
    }
}

/// A file with numbers, missing values, booleans, timestamps, a column that turns to text
/// three quarters in, and quoted text holding commas and line breaks.
fn generated(rows: usize, ending: &str) -> Vec<u8> {
    let mut text = format!("id,score,label,flag,when,late,note{ending}");
    for i in 0..rows {
        let score = if i % 17 == 0 {
            String::new()
        } else {
            format!("{}", i as f64 * 0.37 - 5.0)
        };
        let late = if i > rows * 3 / 4 && i % 5 == 0 {
            "n/a".to_owned()
        } else {
            format!("{}", i % 11)
        };
        let note = match i % 4 {
            0 => format!("\"a, {i}\""),
            1 => format!("\"two{ending}lines\""),
            2 => "NA".to_owned(),
            _ => format!("plain{i}"),
        };
        text.push_str(&format!(
            "{i},{score},{},{},2026-01-{:02},{late},{note}{ending}",
            ["a", "b", "NA"][i % 3],
            i % 2 == 0,
            i % 28 + 1,
        ));
    }
    text.into_bytes()
}

fn kit(path: &str) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/kit");
    std::fs::read(root.join(path)).expect("fixture")
}

#[test]
fn a_streamed_csv_equals_the_whole_read() {
    check_streams_like_whole(&generated(3_000, "\n"), DatasetFormat::Csv);
    check_streams_like_whole(&generated(500, "\r\n"), DatasetFormat::Csv);
    check_streams_like_whole(&kit("data/credit.csv"), DatasetFormat::Csv);
    check_streams_like_whole("\u{feff}age,y\n30,1\n".as_bytes(), DatasetFormat::Csv);
}

#[test]
fn a_streamed_parquet_file_equals_the_whole_read() {
    check_streams_like_whole(&kit("data/credit.parquet"), DatasetFormat::Parquet);
    check_streams_like_whole(&kit("data/breast_cancer.parquet"), DatasetFormat::Parquet);
}

#[test]
fn a_scan_finds_the_first_error_as_the_whole_read_does() {
    let mut bytes = generated(2_000, "\n");
    bytes.extend_from_slice(b"1,2,3\n");
    let whole = vigil_data::read_csv(&bytes).expect_err("ragged");
    assert!(matches!(whole, DataError::RaggedRow { .. }), "{whole:?}");
    assert_eq!(
        scan_bytes(&bytes, DatasetFormat::Csv).expect_err("ragged"),
        whole
    );
    assert_eq!(
        scan_bytes(b"", DatasetFormat::Parquet).expect_err("empty"),
        DataError::Empty
    );
    assert!(matches!(
        scan_bytes(b"a,b\n1,2\n", DatasetFormat::Parquet).expect_err("not parquet"),
        DataError::InvalidParquet(_)
    ));
}

#[test]
fn a_file_changed_between_the_passes_is_refused() {
    let bytes = generated(300, "\n");
    let (_dir, path) = file_with(&bytes, "csv");
    let profile = scan_file(&path, DatasetFormat::Csv, &mut |_, _| {
        ControlFlow::Continue(())
    })
    .expect("scan");
    let read_all = |path: &Path| -> Result<usize, DataError> {
        let mut chunks = Chunks::open(path, &profile, &[], 64)?;
        let mut rows = 0;
        while let Some(chunk) = chunks.next_chunk()? {
            rows += chunk[0].values.len();
        }
        Ok(rows)
    };
    assert_eq!(read_all(&path).expect("unchanged"), 300);
    // One digit changed in place: same size, same rows, other bytes.
    let mut edited = bytes.clone();
    let at = edited.len() - 30;
    let digit = edited[at..]
        .iter()
        .position(u8::is_ascii_digit)
        .expect("digit")
        + at;
    edited[digit] = if edited[digit] == b'1' { b'2' } else { b'1' };
    std::fs::write(&path, &edited).expect("edit");
    assert!(matches!(
        read_all(&path),
        Err(DataError::ChangedWhileRead { .. })
    ));
    // A row added at the end.
    let mut longer = bytes;
    longer.extend_from_slice(b"9,1,a,true,2026-01-01,1,x\n");
    std::fs::write(&path, &longer).expect("append");
    assert!(matches!(
        read_all(&path),
        Err(DataError::ChangedWhileRead { .. })
    ));
    // A column asked for that the file does not have.
    assert_eq!(
        Chunks::open(&path, &profile, &["nope".to_owned()], 10).expect_err("unknown"),
        DataError::UnknownColumn {
            name: "nope".to_owned()
        }
    );
}

#[test]
fn a_scan_stops_when_its_watcher_asks() {
    let bytes = generated(40_000, "\n");
    let (_dir, path) = file_with(&bytes, "csv");
    let mut reports = 0;
    let stopped = scan_file(&path, DatasetFormat::Csv, &mut |done, total| {
        assert!(done < total);
        reports += 1;
        ControlFlow::Break(())
    });
    assert_eq!(stopped.expect_err("stopped"), DataError::Cancelled);
    assert_eq!(reports, 1);
}
