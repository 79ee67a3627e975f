//! Profiling CSV files: what is read, and the clear errors for what cannot be.
#![allow(
    clippy::expect_used,
    reason = "a test fails loudly on the first unexpected error"
)]

mod streaming;

use vigil_data::{ColumnKind, DataError, profile_csv};

/// The file is refused with `expected`, read whole and streamed alike.
fn check_error(csv: &[u8], expected: &DataError) {
    assert_eq!(&profile_csv(csv).expect_err("must be refused"), expected);
    assert_eq!(
        &streaming::scan_bytes(csv, vigil_data::DatasetFormat::Csv).expect_err("must be refused"),
        expected,
        "streamed"
    );
}

#[test]
fn profiles_rows_kinds_and_missing_values() {
    let csv = b"id,timestamp,income,region,approved,default\n\
                1,2026-01-05T08:00:00,52000.5,North,true,0\n\
                2,2026-01-06T09:30:00,,South,false,1\n\
                3,2026-01-07T10:00:00,NaN,\"East, coast\",true,0\n";
    let profile = profile_csv(csv).expect("profile");
    assert_eq!(profile.row_count, 3);
    assert_eq!(profile.size_bytes, csv.len() as u64);
    assert_eq!(profile.sha256.len(), 64);
    let kinds: Vec<(&str, ColumnKind, u64)> = profile
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.kind, c.missing))
        .collect();
    assert_eq!(
        kinds,
        [
            ("id", ColumnKind::Integer, 0),
            ("timestamp", ColumnKind::Timestamp, 0),
            ("income", ColumnKind::Number, 2),
            ("region", ColumnKind::Text, 0),
            ("approved", ColumnKind::Boolean, 0),
            ("default", ColumnKind::Integer, 0),
        ]
    );
    assert_eq!(profile.timestamp_column(), Some("timestamp"));
}

#[test]
fn the_fingerprint_is_the_sha256_of_the_bytes() {
    // `printf 'a\n1\n' | sha256sum`
    let profile = profile_csv(b"a\n1\n").expect("profile");
    assert_eq!(
        profile.sha256,
        "309b0e45a73d3fc5325e2b6ed0a01ef8b9cde6b05a5633c1f893f970d52bfddc"
    );
}

#[test]
fn quoted_fields_may_hold_commas_quotes_and_line_breaks() {
    let csv = b"note,y\n\"a, b\",1\n\"say \"\"hi\"\"\",0\n\"two\nlines\",1\n";
    let profile = profile_csv(csv).expect("profile");
    assert_eq!(profile.row_count, 3);
    assert_eq!(profile.columns[0].kind, ColumnKind::Text);
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_name() {
    let profile = profile_csv("\u{feff}age,y\n30,1\n".as_bytes()).expect("profile");
    assert_eq!(profile.columns[0].name, "age");
}

#[test]
fn empty_files_are_refused() {
    check_error(b"", &DataError::Empty);
    check_error(b"  \n", &DataError::Empty);
    check_error(b"a,b\n", &DataError::NoRows);
}

#[test]
fn a_ragged_row_names_its_line_and_field_counts() {
    check_error(
        b"a,b,c\n1,2,3\n4,5\n",
        &DataError::RaggedRow {
            line: 3,
            expected: 3,
            found: 2,
        },
    );
    check_error(
        b"a,b\n1,2\n3,4\n5,6,7\n",
        &DataError::RaggedRow {
            line: 4,
            expected: 2,
            found: 3,
        },
    );
}

#[test]
fn error_lines_count_windows_line_ends_blank_lines_and_quoted_line_breaks() {
    let ragged = |line| DataError::RaggedRow {
        line,
        expected: 2,
        found: 1,
    };
    check_error(b"a,b\r\n1,2\r\n3\r\n", &ragged(3));
    check_error(b"a,b\n1,2\n\n3\n", &ragged(4));
    check_error(b"a,b\r\n1,2\r\n\r\n\r\n3\r\n", &ragged(5));
    check_error(b"\n\na,b\n1,2\n3\n", &ragged(5));
    check_error(b"a,b\r\n\"x\r\ny\",1\r\n2\r\n", &ragged(4));
    check_error(
        b"a,b\r\n1,2\r\n3,\xff\r\n",
        &DataError::InvalidUtf8 { line: 3, column: 2 },
    );
    assert_eq!(
        ragged(3).to_string(),
        "line 3 has 1 field where the header has 2"
    );
}

#[test]
fn headers_must_be_present_and_unique() {
    check_error(b"a,,c\n1,2,3\n", &DataError::MissingHeader { position: 2 });
    check_error(
        b"a,b,a\n1,2,3\n",
        &DataError::DuplicateHeader {
            name: "a".to_owned(),
            first: 1,
            second: 3,
        },
    );
}

#[test]
fn invalid_utf8_names_line_and_column() {
    check_error(
        b"a,b\n1,2\n3,\xff\xfe\n",
        &DataError::InvalidUtf8 { line: 3, column: 2 },
    );
}

#[test]
fn error_messages_are_sentences_with_the_place() {
    let error = profile_csv(b"a,b,c\n1,2,3\n4,5\n").expect_err("ragged");
    assert_eq!(
        error.to_string(),
        "line 3 has 2 fields where the header has 3"
    );
}

fn kit(path: &str) -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/kit");
    std::fs::read(root.join(path)).expect("fixture")
}

#[test]
fn parquet_reads_the_same_table_as_csv() {
    let csv = vigil_data::read_dataset(
        &kit("data/credit_current_strong.csv"),
        vigil_data::DatasetFormat::Csv,
    )
    .expect("csv");
    let parquet = vigil_data::read_dataset(
        &kit("data/credit_current_strong.parquet"),
        vigil_data::DatasetFormat::Parquet,
    )
    .expect("parquet");
    assert_eq!(parquet.profile.row_count, csv.profile.row_count);
    assert_eq!(parquet.profile.format, vigil_data::DatasetFormat::Parquet);
    let names =
        |d: &vigil_data::Dataset| d.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&parquet), names(&csv));
    for (p, c) in parquet.profile.columns.iter().zip(&csv.profile.columns) {
        assert_eq!(
            (p.kind, p.missing),
            (c.kind, c.missing),
            "column {}",
            p.name
        );
    }
    // Same values, including missing ones and the timestamps' text.
    for (p, c) in parquet.columns.iter().zip(&csv.columns) {
        match (&p.values, &c.values) {
            (vigil_data::ColumnValues::Number(a), vigil_data::ColumnValues::Number(b)) => {
                assert!(
                    a.iter()
                        .zip(b)
                        .all(|(x, y)| x == y || (x.is_nan() && y.is_nan())),
                    "column {}",
                    p.name
                );
            }
            (a, b) => assert_eq!(a, b, "column {}", p.name),
        }
    }
    assert_eq!(parquet.profile.timestamp_column(), Some("timestamp"));
}

#[test]
fn a_file_that_is_not_parquet_is_refused() {
    let error = vigil_data::read_dataset(b"a,b\n1,2\n", vigil_data::DatasetFormat::Parquet)
        .expect_err("not parquet");
    assert!(matches!(error, DataError::InvalidParquet(_)), "{error:?}");
    assert_eq!(
        vigil_data::read_dataset(b"", vigil_data::DatasetFormat::Parquet).expect_err("empty"),
        DataError::Empty
    );
}

#[test]
fn a_column_that_turns_out_not_to_be_numeric_keeps_every_value_as_written() {
    let csv = b"code,amount\n1.50,1\n007,2\n,3\nA12,4\n2,5\n";
    let dataset = vigil_data::read_csv(csv).expect("reads");
    let code = dataset.column("code").expect("code");
    assert_eq!(code.kind, vigil_data::ColumnKind::Text);
    assert_eq!(
        code.values,
        vigil_data::ColumnValues::Text(vec![
            Some("1.50".to_owned()),
            Some("007".to_owned()),
            None,
            Some("A12".to_owned()),
            Some("2".to_owned()),
        ])
    );
    assert_eq!(
        dataset.column("amount").expect("amount").values,
        vigil_data::ColumnValues::Number(vec![1.0, 2.0, 3.0, 4.0, 5.0])
    );
}
