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
    let from_raw = |width: usize| -> Result<Option<std::slice::ChunksExact<'_, u8>>, String> {
        if raw.is_empty() {
            return Ok(None);
        }
        if raw.len() != count.saturating_mul(width) {
            return Err(format!(
                "has {} bytes of raw data where shape {shape:?} needs {}",
                raw.len(),
                count.saturating_mul(width)
            ));
        }
        Ok(Some(raw.chunks_exact(width)))
    };
    let data = match element {
        ElementType::Float32 => TensorData::F32(match from_raw(4)? {
            Some(chunks) => chunks
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            None => t.float_data.clone(),
        }),
        ElementType::Float64 => TensorData::F64(match from_raw(8)? {
            Some(chunks) => chunks
                .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect(),
            None => t.double_data.clone(),
        }),
        ElementType::Int32 => TensorData::I32(match from_raw(4)? {
            Some(chunks) => chunks
                .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            None => t.int32_data.clone(),
        }),
        ElementType::Int64 => TensorData::I64(match from_raw(8)? {
            Some(chunks) => chunks
                .map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect(),
            None => t.int64_data.clone(),
        }),
        ElementType::Bool => TensorData::Bool(match from_raw(1)? {
            Some(chunks) => chunks.map(|c| c[0] != 0).collect(),
            // Booleans without raw data are stored in int32_data.
            None => t.int32_data.iter().map(|&v| v != 0).collect(),
        }),
        ElementType::String => TensorData::Str(
            t.string_data
                .iter()
                .map(|s| {
                    String::from_utf8(s.clone())
                        .map_err(|_| "holds a string that is not UTF-8".to_owned())
                })
                .collect::<Result<_, _>>()?,
        ),
    };
    HostTensor::new(shape, data).map_err(|e| format!("is inconsistent: {e}"))
}
