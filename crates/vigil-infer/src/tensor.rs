//! Host tensors: a shape and a flat, row-major buffer of one element type. They carry values
//! between operators; the arithmetic-heavy operators hand them to burn and take the result back.

use std::fmt;

/// ONNX element types Vigil can hold (`TensorProto.DataType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElementType {
    Float32,
    Float64,
    Int32,
    Int64,
    Bool,
    String,
}

impl ElementType {
    /// Maps an ONNX data-type code; `None` for types Vigil does not execute (float16, uint8 …).
    pub fn from_onnx(code: i32) -> Option<Self> {
        Some(match code {
            1 => Self::Float32,
            6 => Self::Int32,
            7 => Self::Int64,
            8 => Self::String,
            9 => Self::Bool,
            11 => Self::Float64,
            _ => return None,
        })
    }

    /// ONNX's own name for a data-type code, for messages.
    pub fn onnx_name(code: i32) -> &'static str {
        match code {
            1 => "float",
            2 => "uint8",
            3 => "int8",
            4 => "uint16",
            5 => "int16",
            6 => "int32",
            7 => "int64",
            8 => "string",
            9 => "bool",
            10 => "float16",
            11 => "double",
            12 => "uint32",
            13 => "uint64",
            14 => "complex64",
            15 => "complex128",
            16 => "bfloat16",
            _ => "unknown",
        }
    }
}

impl fmt::Display for ElementType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Float32 => "float",
            Self::Float64 => "double",
            Self::Int32 => "int32",
            Self::Int64 => "int64",
            Self::Bool => "bool",
            Self::String => "string",
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TensorData {
    F32(Vec<f32>),
    F64(Vec<f64>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    Bool(Vec<bool>),
    Str(Vec<String>),
}

impl TensorData {
    pub fn len(&self) -> usize {
        match self {
            Self::F32(v) => v.len(),
            Self::F64(v) => v.len(),
            Self::I32(v) => v.len(),
            Self::I64(v) => v.len(),
            Self::Bool(v) => v.len(),
            Self::Str(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn element_type(&self) -> ElementType {
        match self {
            Self::F32(_) => ElementType::Float32,
            Self::F64(_) => ElementType::Float64,
            Self::I32(_) => ElementType::Int32,
            Self::I64(_) => ElementType::Int64,
            Self::Bool(_) => ElementType::Bool,
            Self::Str(_) => ElementType::String,
        }
    }
}

/// A tensor on the host. Invariant: the product of `shape` equals the buffer's length.
#[derive(Debug, Clone, PartialEq)]
pub struct HostTensor {
    shape: Vec<usize>,
    data: TensorData,
}

/// The one way a shape and a buffer can disagree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a tensor of shape {shape:?} needs {expected} values, not {found}")]
pub struct ShapeMismatch {
    pub shape: Vec<usize>,
    pub expected: usize,
    pub found: usize,
}

impl HostTensor {
    pub fn new(shape: Vec<usize>, data: TensorData) -> Result<Self, ShapeMismatch> {
        let expected = shape.iter().product::<usize>();
        if expected != data.len() {
            return Err(ShapeMismatch {
                shape,
                expected,
                found: data.len(),
            });
        }
        Ok(Self { shape, data })
    }

    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    pub fn rank(&self) -> usize {
        self.shape.len()
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn data(&self) -> &TensorData {
        &self.data
    }

    pub fn into_data(self) -> TensorData {
        self.data
    }

    pub fn element_type(&self) -> ElementType {
        self.data.element_type()
    }

    /// The same values under another shape with as many elements.
    pub fn reshaped(self, shape: Vec<usize>) -> Result<Self, ShapeMismatch> {
        Self::new(shape, self.data)
    }

    pub fn f32(shape: Vec<usize>, values: Vec<f32>) -> Result<Self, ShapeMismatch> {
        Self::new(shape, TensorData::F32(values))
    }

    pub fn i64(shape: Vec<usize>, values: Vec<i64>) -> Result<Self, ShapeMismatch> {
        Self::new(shape, TensorData::I64(values))
    }

    pub fn strings(shape: Vec<usize>, values: Vec<String>) -> Result<Self, ShapeMismatch> {
        Self::new(shape, TensorData::Str(values))
    }

    pub fn as_f32(&self) -> Option<&[f32]> {
        match &self.data {
            TensorData::F32(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<&[i64]> {
        match &self.data {
            TensorData::I64(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_strings(&self) -> Option<&[String]> {
        match &self.data {
            TensorData::Str(v) => Some(v),
            _ => None,
        }
    }

    /// Every value as f64 (numbers and booleans); `None` for strings.
    pub fn to_f64_vec(&self) -> Option<Vec<f64>> {
        Some(match &self.data {
            TensorData::F32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            TensorData::F64(v) => v.clone(),
            TensorData::I32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            #[expect(
                clippy::cast_precision_loss,
                reason = "ONNX casts int64 to double the same way"
            )]
            TensorData::I64(v) => v.iter().map(|&x| x as f64).collect(),
            TensorData::Bool(v) => v.iter().map(|&x| f64::from(u8::from(x))).collect(),
            TensorData::Str(_) => return None,
        })
    }

    /// Every value as i64 (integers and booleans; floats truncate toward zero as ONNX Cast does).
    pub fn to_i64_vec(&self) -> Option<Vec<i64>> {
        Some(match &self.data {
            #[expect(clippy::cast_possible_truncation, reason = "ONNX Cast truncates")]
            TensorData::F32(v) => v.iter().map(|&x| x as i64).collect(),
            #[expect(clippy::cast_possible_truncation, reason = "ONNX Cast truncates")]
            TensorData::F64(v) => v.iter().map(|&x| x as i64).collect(),
            TensorData::I32(v) => v.iter().map(|&x| i64::from(x)).collect(),
            TensorData::I64(v) => v.clone(),
            TensorData::Bool(v) => v.iter().map(|&x| i64::from(x)).collect(),
            TensorData::Str(_) => return None,
        })
    }
}
