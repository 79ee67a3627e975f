//! Parquet files into the same typed columns as CSV: numbers (nulls become NaN and are counted
//! missing), text, booleans and timestamps (as ISO 8601 text). A column type Vigil cannot
//! represent exactly is an error that names the column.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use sha2::Digest;

use crate::{
    Column, ColumnKind, ColumnProfile, ColumnValues, DataError, Dataset, DatasetFormat,
    DatasetProfile,
};

/// One column as it is gathered across record batches.
enum Gathered {
    Number {
        values: Vec<f64>,
        integer: bool,
    },
    Text {
        values: Vec<Option<String>>,
        kind: ColumnKind,
    },
}

fn unsupported(name: &str, ty: &DataType) -> DataError {
    DataError::UnsupportedColumn {
        column: name.to_owned(),
        reason: format!("Parquet type {ty} is not supported"),
    }
}

/// Formats days and seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS[.fff]` (UTC).
fn iso_timestamp(seconds: i64, nanos: u32) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if nanos == 0 {
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}")
    } else {
        format!(
            "{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{:03}",
            nanos / 1_000_000
        )
    }
}

fn push(gathered: &mut Gathered, array: &ArrayRef, name: &str) -> Result<(), DataError> {
    macro_rules! numbers {
        ($t:ty) => {{
            let Gathered::Number { values, .. } = gathered else {
                return Err(unsupported(name, array.data_type()));
            };
            let typed = array.as_primitive::<$t>();
            #[allow(
                clippy::cast_precision_loss,
                reason = "64-bit integers above 2^53 lose precision as in pandas"
            )]
            values.extend((0..typed.len()).map(|i| {
                if typed.is_null(i) {
                    f64::NAN
                } else {
                    typed.value(i) as f64
                }
            }));
        }};
    }
    macro_rules! timestamps {
        ($t:ty, $per_second:expr) => {{
            let Gathered::Text { values, .. } = gathered else {
                return Err(unsupported(name, array.data_type()));
            };
            let typed = array.as_primitive::<$t>();
            values.extend((0..typed.len()).map(|i| {
                (!typed.is_null(i)).then(|| {
                    let v = typed.value(i);
                    let nanos =
                        u32::try_from(v.rem_euclid($per_second) * (1_000_000_000 / $per_second))
                            .unwrap_or(0);
                    iso_timestamp(v.div_euclid($per_second), nanos)
                })
            }));
        }};
    }
    match array.data_type() {
        DataType::Float64 => numbers!(Float64Type),
        DataType::Float32 => {
            let Gathered::Number { values, .. } = gathered else {
                return Err(unsupported(name, array.data_type()));
            };
            let typed = array.as_primitive::<Float32Type>();
            values.extend((0..typed.len()).map(|i| {
                if typed.is_null(i) {
                    f64::NAN
                } else {
                    f64::from(typed.value(i))
                }
            }));
        }
        DataType::Int64 => numbers!(Int64Type),
        DataType::Int32 => numbers!(Int32Type),
        DataType::Int16 => numbers!(Int16Type),
        DataType::Int8 => numbers!(Int8Type),
        DataType::UInt64 => numbers!(UInt64Type),
        DataType::UInt32 => numbers!(UInt32Type),
        DataType::UInt16 => numbers!(UInt16Type),
        DataType::UInt8 => numbers!(UInt8Type),
        DataType::Timestamp(TimeUnit::Second, _) => timestamps!(TimestampSecondType, 1),
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            timestamps!(TimestampMillisecondType, 1_000);
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            timestamps!(TimestampMicrosecondType, 1_000_000);
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            timestamps!(TimestampNanosecondType, 1_000_000_000);
        }
        DataType::Boolean => {
            let Gathered::Text { values, .. } = gathered else {
                return Err(unsupported(name, array.data_type()));
            };
            let typed = array.as_boolean();
            values.extend(
                (0..typed.len()).map(|i| (!typed.is_null(i)).then(|| typed.value(i).to_string())),
            );
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(_, _) => {
            let Gathered::Text { values, .. } = gathered else {
                return Err(unsupported(name, array.data_type()));
            };
            let strings = arrow_cast::cast(array, &DataType::Utf8).map_err(|e| {
                DataError::UnsupportedColumn {
                    column: name.to_owned(),
                    reason: e.to_string(),
                }
            })?;
            let typed = strings.as_string::<i32>();
            values.extend(
                (0..typed.len()).map(|i| (!typed.is_null(i)).then(|| typed.value(i).to_owned())),
            );
        }
        other => return Err(unsupported(name, other)),
    }
    Ok(())
}

fn start(name: &str, ty: &DataType) -> Result<Gathered, DataError> {
    Ok(match ty {
        DataType::Float64 | DataType::Float32 => Gathered::Number {
            values: Vec::new(),
            integer: false,
        },
        DataType::Int64
        | DataType::Int32
        | DataType::Int16
        | DataType::Int8
        | DataType::UInt64
        | DataType::UInt32
        | DataType::UInt16
        | DataType::UInt8 => Gathered::Number {
            values: Vec::new(),
            integer: true,
        },
        DataType::Timestamp(_, _) => Gathered::Text {
            values: Vec::new(),
            kind: ColumnKind::Timestamp,
        },
        DataType::Boolean => Gathered::Text {
            values: Vec::new(),
            kind: ColumnKind::Boolean,
        },
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(_, _) => {
            Gathered::Text {
                values: Vec::new(),
                kind: ColumnKind::Text,
            }
        }
        other => return Err(unsupported(name, other)),
    })
}

/// The file's column names, checked: no name twice, every type one Vigil can read.
pub(crate) fn column_names<T: parquet::file::reader::ChunkReader>(
    builder: &ParquetRecordBatchReaderBuilder<T>,
) -> Result<Vec<String>, DataError> {
    let mut names: Vec<String> = Vec::new();
    for field in builder.schema().fields() {
        if let Some(first) = names.iter().position(|n| n == field.name()) {
            return Err(DataError::DuplicateHeader {
                name: field.name().clone(),
                first: first + 1,
                second: names.len() + 1,
            });
        }
        start(field.name(), field.data_type())?;
        names.push(field.name().clone());
    }
    Ok(names)
}

pub(crate) fn invalid(error: &parquet::errors::ParquetError) -> DataError {
    DataError::InvalidParquet(error.to_string())
}

/// Gathers the arrays of one record batch, named `names` in order, into typed columns, each
/// with its count of missing values.
pub(crate) fn batch_columns(
    batch: &arrow_array::RecordBatch,
    names: &[&str],
) -> Result<Vec<(Column, u64)>, DataError> {
    names
        .iter()
        .zip(batch.columns())
        .map(|(&name, array)| {
            let mut gathered = start(name, array.data_type())?;
            push(&mut gathered, array, name)?;
            Ok(finish(name.to_owned(), gathered))
        })
        .collect()
}

/// The column a gathering ends in, and its count of missing values.
fn finish(name: String, column: Gathered) -> (Column, u64) {
    let (kind, values, missing) = match column {
        Gathered::Number { values, integer } => {
            let missing = values.iter().filter(|v| v.is_nan()).count() as u64;
            let kind = if integer {
                ColumnKind::Integer
            } else {
                ColumnKind::Number
            };
            (kind, ColumnValues::Number(values), missing)
        }
        Gathered::Text { values, kind } => {
            let missing = values.iter().filter(|v| v.is_none()).count() as u64;
            (kind, ColumnValues::Text(values), missing)
        }
    };
    (Column { name, kind, values }, missing)
}

/// Reads a Parquet file (every column, every row group) into a dataset.
pub(crate) fn read_parquet(bytes: &[u8]) -> Result<Dataset, DataError> {
    if bytes.is_empty() {
        return Err(DataError::Empty);
    }
    let builder = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::copy_from_slice(bytes))
        .map_err(|e| invalid(&e))?;
    let names = column_names(&builder)?;
    let mut gathered: Vec<Gathered> = builder
        .schema()
        .fields()
        .iter()
        .map(|f| start(f.name(), f.data_type()))
        .collect::<Result<_, _>>()?;
    let reader = builder.build().map_err(|e| invalid(&e))?;
    for batch in reader {
        let batch = batch.map_err(|e| DataError::InvalidParquet(e.to_string()))?;
        for (i, array) in batch.columns().iter().enumerate() {
            push(&mut gathered[i], array, &names[i])?;
        }
    }
    let mut columns = Vec::with_capacity(names.len());
    let mut profiles = Vec::with_capacity(names.len());
    for (name, column) in names.into_iter().zip(gathered) {
        let (column, missing) = finish(name, column);
        profiles.push(ColumnProfile {
            name: column.name.clone(),
            kind: column.kind,
            missing,
        });
        columns.push(column);
    }
    let row_count = columns.first().map_or(0, |c| match &c.values {
        ColumnValues::Number(v) => v.len(),
        ColumnValues::Text(v) => v.len(),
    }) as u64;
    if row_count == 0 {
        return Err(DataError::NoRows);
    }
    let profile = DatasetProfile {
        sha256: hex::encode(sha2::Sha256::digest(bytes)),
        size_bytes: bytes.len() as u64,
        format: DatasetFormat::Parquet,
        row_count,
        columns: profiles,
    };
    Ok(Dataset { profile, columns })
}

#[cfg(test)]
mod tests {
    use super::iso_timestamp;

    #[test]
    fn epoch_seconds_become_iso_text() {
        assert_eq!(iso_timestamp(0, 0), "1970-01-01T00:00:00");
        assert_eq!(iso_timestamp(1_704_067_200, 0), "2024-01-01T00:00:00");
        assert_eq!(
            iso_timestamp(951_782_400 + 3_661, 500_000_000),
            "2000-02-29T01:01:01.500"
        );
    }
}
