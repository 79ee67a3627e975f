//! Decoding `TensorProto`s (initializers and tensor attributes) into host tensors.

use crate::proto::TensorProto;
use crate::tensor::{ElementType, HostTensor, TensorData};

/// Decodes one stored tensor. External data and types Vigil cannot execute are errors.
pub fn decode_tensor(t: &TensorProto) -> Result<HostTensor, String> {
    if t.data_location == 1 || !t.external_data.is_empty() {
        return Err("stored in an external file, which is not supported".to_owned());
    }
    let shape = t
        .dims
        .iter()
        .map(|&d| usize::try_from(d).map_err(|_| format!("has a negative dimension {d}")))
        .collect::<Result<Vec<usize>, String>>()?;
    let count = shape
        .iter()
        .try_fold(1_usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| format!("has dimensions {shape:?} whose product overflows"))?;
    let element = ElementType::from_onnx(t.data_type).ok_or_else(|| {
        format!(
            "has element type {}, which is not supported",
            ElementType::onnx_name(t.data_type)
        )
    })?;
    let raw = &t.raw_data;
    if !raw.is_empty() && element != ElementType::String {
        let width = element_width(element);
        if raw.len() != count.saturating_mul(width) {
            return Err(format!(
                "has {} bytes of raw data where shape {shape:?} needs {}",
                raw.len(),
                count.saturating_mul(width)
            ));
        }
    }
    macro_rules! from_raw {
        ($t:ty, $n:expr) => {
            raw.chunks_exact($n)
                .map(|c| <$t>::from_le_bytes(c.try_into().unwrap_or([0; $n])))
                .collect()
        };
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "ONNX stores narrow integers widened in int32_data"
    )]
    let data = if raw.is_empty() || element == ElementType::String {
        match element {
            ElementType::Float32 => TensorData::F32(t.float_data.clone()),
            ElementType::Float64 => TensorData::F64(t.double_data.clone()),
            ElementType::Int8 => TensorData::I8(t.int32_data.iter().map(|&v| v as i8).collect()),
            ElementType::Int16 => TensorData::I16(t.int32_data.iter().map(|&v| v as i16).collect()),
            ElementType::Int32 => TensorData::I32(t.int32_data.clone()),
            ElementType::Int64 => TensorData::I64(t.int64_data.clone()),
            ElementType::UInt8 => TensorData::U8(t.int32_data.iter().map(|&v| v as u8).collect()),
            ElementType::UInt16 => {
                TensorData::U16(t.int32_data.iter().map(|&v| v as u16).collect())
            }
            ElementType::UInt32 => {
                TensorData::U32(t.uint64_data.iter().map(|&v| v as u32).collect())
            }
            ElementType::UInt64 => TensorData::U64(t.uint64_data.clone()),
            ElementType::Bool => TensorData::Bool(t.int32_data.iter().map(|&v| v != 0).collect()),
            ElementType::String => TensorData::Str(
                t.string_data
                    .iter()
                    .map(|s| {
                        String::from_utf8(s.clone())
                            .map_err(|_| "holds a string that is not UTF-8".to_owned())
                    })
                    .collect::<Result<_, _>>()?,
            ),
        }
    } else {
        match element {
            ElementType::Float32 => TensorData::F32(from_raw!(f32, 4)),
            ElementType::Float64 => TensorData::F64(from_raw!(f64, 8)),
            ElementType::Int8 => TensorData::I8(from_raw!(i8, 1)),
            ElementType::Int16 => TensorData::I16(from_raw!(i16, 2)),
            ElementType::Int32 => TensorData::I32(from_raw!(i32, 4)),
            ElementType::Int64 => TensorData::I64(from_raw!(i64, 8)),
            ElementType::UInt8 => TensorData::U8(raw.clone()),
            ElementType::UInt16 => TensorData::U16(from_raw!(u16, 2)),
            ElementType::UInt32 => TensorData::U32(from_raw!(u32, 4)),
            ElementType::UInt64 => TensorData::U64(from_raw!(u64, 8)),
            ElementType::Bool => TensorData::Bool(raw.iter().map(|&b| b != 0).collect()),
            ElementType::String => unreachable_string(),
        }
    };
    HostTensor::new(shape, data).map_err(|e| format!("is inconsistent: {e}"))
}

/// Bytes per element in raw data.
fn element_width(element: ElementType) -> usize {
    match element {
        ElementType::Int8 | ElementType::UInt8 | ElementType::Bool => 1,
        ElementType::Int16 | ElementType::UInt16 => 2,
        ElementType::Float32 | ElementType::Int32 | ElementType::UInt32 => 4,
        ElementType::Float64 | ElementType::Int64 | ElementType::UInt64 => 8,
        ElementType::String => 0,
    }
}

/// Strings are never read from raw data (handled in the branch above).
fn unreachable_string() -> TensorData {
    TensorData::Str(Vec::new())
}
