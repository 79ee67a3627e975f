//! Host tensors: a shape and a flat, row-major buffer of one element type. They carry values
//! between operators; the arithmetic-heavy operators hand them to burn and take the result back.

use std::fmt;

/// ONNX element types Vigil can hold (`TensorProto.DataType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElementType {
    Float32,
    Float64,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Bool,
    String,
}

impl ElementType {
    /// Maps an ONNX data-type code; `None` for types Vigil does not execute (float16, uint8 …).
    pub fn from_onnx(code: i32) -> Option<Self> {
        Some(match code {
            1 => Self::Float32,
            2 => Self::UInt8,
            3 => Self::Int8,
            4 => Self::UInt16,
            5 => Self::Int16,
            6 => Self::Int32,
            7 => Self::Int64,
            8 => Self::String,
            9 => Self::Bool,
            11 => Self::Float64,
            12 => Self::UInt32,
            13 => Self::UInt64,
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
            Self::Int8 => "int8",
            Self::Int16 => "int16",
            Self::Int32 => "int32",
            Self::Int64 => "int64",
            Self::UInt8 => "uint8",
            Self::UInt16 => "uint16",
            Self::UInt32 => "uint32",
            Self::UInt64 => "uint64",
            Self::Bool => "bool",
            Self::String => "string",
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TensorData {
    F32(Vec<f32>),
    F64(Vec<f64>),
    I8(Vec<i8>),
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
    Bool(Vec<bool>),
    Str(Vec<String>),
}

/// A Rust type that a [`TensorData`] variant holds, for code written once for every type.
pub trait Element: Clone + PartialEq + std::fmt::Debug + 'static {
    const TYPE: ElementType;
    fn slice(data: &TensorData) -> Option<&[Self]>;
    fn wrap(values: Vec<Self>) -> TensorData;
}

macro_rules! element {
    ($t:ty, $variant:ident, $ty:ident) => {
        impl Element for $t {
            const TYPE: ElementType = ElementType::$ty;
            fn slice(data: &TensorData) -> Option<&[Self]> {
                match data {
                    TensorData::$variant(v) => Some(v),
                    _ => None,
                }
            }
            fn wrap(values: Vec<Self>) -> TensorData {
                TensorData::$variant(values)
            }
        }
    };
}

element!(f32, F32, Float32);
element!(f64, F64, Float64);
element!(i8, I8, Int8);
element!(i16, I16, Int16);
element!(i32, I32, Int32);
element!(i64, I64, Int64);
element!(u8, U8, UInt8);
element!(u16, U16, UInt16);
element!(u32, U32, UInt32);
element!(u64, U64, UInt64);
element!(bool, Bool, Bool);
element!(String, Str, String);

/// Runs `$body` with `$t` bound to the Rust type of element type `$ty`.
#[macro_export]
macro_rules! with_element_type {
    ($ty:expr, $t:ident => $body:expr) => {
        match $ty {
            $crate::ElementType::Float32 => {
                type $t = f32;
                $body
            }
            $crate::ElementType::Float64 => {
                type $t = f64;
                $body
            }
            $crate::ElementType::Int8 => {
                type $t = i8;
                $body
            }
            $crate::ElementType::Int16 => {
                type $t = i16;
                $body
            }
            $crate::ElementType::Int32 => {
                type $t = i32;
                $body
            }
            $crate::ElementType::Int64 => {
                type $t = i64;
                $body
            }
            $crate::ElementType::UInt8 => {
                type $t = u8;
                $body
            }
            $crate::ElementType::UInt16 => {
                type $t = u16;
                $body
            }
            $crate::ElementType::UInt32 => {
                type $t = u32;
                $body
            }
            $crate::ElementType::UInt64 => {
                type $t = u64;
                $body
            }
            $crate::ElementType::Bool => {
                type $t = bool;
                $body
            }
            $crate::ElementType::String => {
                type $t = String;
                $body
            }
        }
    };
}

/// Like [`with_element_type!`] for the numeric types only; `$other` handles bool and string.
#[macro_export]
macro_rules! with_numeric_type {
    ($ty:expr, $t:ident => $body:expr, $other:pat => $fallback:expr) => {
        match $ty {
            $crate::ElementType::Float32 => {
                type $t = f32;
                $body
            }
            $crate::ElementType::Float64 => {
                type $t = f64;
                $body
            }
            $crate::ElementType::Int8 => {
                type $t = i8;
                $body
            }
            $crate::ElementType::Int16 => {
                type $t = i16;
                $body
            }
            $crate::ElementType::Int32 => {
                type $t = i32;
                $body
            }
            $crate::ElementType::Int64 => {
                type $t = i64;
                $body
            }
            $crate::ElementType::UInt8 => {
                type $t = u8;
                $body
            }
            $crate::ElementType::UInt16 => {
                type $t = u16;
                $body
            }
            $crate::ElementType::UInt32 => {
                type $t = u32;
                $body
            }
            $crate::ElementType::UInt64 => {
                type $t = u64;
                $body
            }
            $other => $fallback,
        }
    };
}

/// Arithmetic shared by every numeric element type: wrapping for integers (as C++ does on
/// onnxruntime's side), IEEE for floats; conversions truncate toward zero like `static_cast`.
pub trait Number: Element + Copy + PartialOrd {
    const ZERO: Self;
    fn add(self, other: Self) -> Self;
    fn sub(self, other: Self) -> Self;
    fn mul(self, other: Self) -> Self;
    /// `None` for an integer division by zero.
    fn div(self, other: Self) -> Option<Self>;
    fn abs(self) -> Self;
    fn neg(self) -> Self;
    fn from_f64(x: f64) -> Self;
    fn from_i64(x: i64) -> Self;
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_possible_wrap, reason = "C++ static_cast semantics")]
        impl Number for $t {
            const ZERO: Self = 0;
            fn add(self, other: Self) -> Self { self.wrapping_add(other) }
            fn sub(self, other: Self) -> Self { self.wrapping_sub(other) }
            fn mul(self, other: Self) -> Self { self.wrapping_mul(other) }
            fn div(self, other: Self) -> Option<Self> { if other == 0 { None } else { Some(self.wrapping_div(other)) } }
            #[allow(unused_comparisons, reason = "one body for signed and unsigned types")]
            fn abs(self) -> Self { if self < 0 { (0 as Self).wrapping_sub(self) } else { self } }
            fn neg(self) -> Self { (0 as Self).wrapping_sub(self) }
            fn from_f64(x: f64) -> Self { x as Self }
            fn from_i64(x: i64) -> Self { x as Self }
        }
    )*};
}

macro_rules! float {
    ($($t:ty),*) => {$(
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss, reason = "C++ static_cast semantics")]
        impl Number for $t {
            const ZERO: Self = 0.0;
            fn add(self, other: Self) -> Self { self + other }
            fn sub(self, other: Self) -> Self { self - other }
            fn mul(self, other: Self) -> Self { self * other }
            fn div(self, other: Self) -> Option<Self> { Some(self / other) }
            fn abs(self) -> Self { self.abs() }
            fn neg(self) -> Self { -self }
            fn from_f64(x: f64) -> Self { x as Self }
            fn from_i64(x: i64) -> Self { x as Self }
        }
    )*};
}

integer!(i8, i16, i32, i64, u8, u16, u32, u64);
float!(f32, f64);

impl TensorData {
    pub fn len(&self) -> usize {
        with_element_type!(self.element_type(), T => T::slice(self).map_or(0, <[T]>::len))
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn element_type(&self) -> ElementType {
        match self {
            Self::F32(_) => ElementType::Float32,
            Self::F64(_) => ElementType::Float64,
            Self::I8(_) => ElementType::Int8,
            Self::I16(_) => ElementType::Int16,
            Self::I32(_) => ElementType::Int32,
            Self::I64(_) => ElementType::Int64,
            Self::U8(_) => ElementType::UInt8,
            Self::U16(_) => ElementType::UInt16,
            Self::U32(_) => ElementType::UInt32,
            Self::U64(_) => ElementType::UInt64,
            Self::Bool(_) => ElementType::Bool,
            Self::Str(_) => ElementType::String,
        }
    }
}

/// The most elements one tensor may hold (2^30): a model that would build a larger one — a
/// hostile shape, a runaway broadcast — gets an error instead of exhausting memory.
pub const MAX_ELEMENTS: usize = 1 << 30;

/// The element count of `shape`, or why it is too large.
pub(crate) fn element_count(shape: &[usize]) -> Result<usize, String> {
    shape
        .iter()
        .try_fold(1_usize, |acc, &d| acc.checked_mul(d))
        .filter(|&n| n <= MAX_ELEMENTS)
        .ok_or_else(|| {
            format!("a tensor of shape {shape:?} would hold more than {MAX_ELEMENTS} values")
        })
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

    /// The values as a slice of `T`, when that is the element type.
    pub fn values<T: Element>(&self) -> Option<&[T]> {
        T::slice(&self.data)
    }

    /// Every value as f64 (numbers and booleans); `None` for strings.
    #[expect(
        clippy::cast_precision_loss,
        reason = "ONNX converts 64-bit integers to double the same way"
    )]
    pub fn to_f64_vec(&self) -> Option<Vec<f64>> {
        Some(match &self.data {
            TensorData::F32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            TensorData::F64(v) => v.clone(),
            TensorData::I8(v) => v.iter().map(|&x| f64::from(x)).collect(),
            TensorData::I16(v) => v.iter().map(|&x| f64::from(x)).collect(),
            TensorData::I32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            TensorData::I64(v) => v.iter().map(|&x| x as f64).collect(),
            TensorData::U8(v) => v.iter().map(|&x| f64::from(x)).collect(),
            TensorData::U16(v) => v.iter().map(|&x| f64::from(x)).collect(),
            TensorData::U32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            TensorData::U64(v) => v.iter().map(|&x| x as f64).collect(),
            TensorData::Bool(v) => v.iter().map(|&x| f64::from(u8::from(x))).collect(),
            TensorData::Str(_) => return None,
        })
    }

    /// Every value as i64 (integers and booleans; floats truncate toward zero as ONNX Cast does,
    /// unsigned 64-bit values wrap as in C++).
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        reason = "ONNX Cast converts like C++ static_cast"
    )]
    pub fn to_i64_vec(&self) -> Option<Vec<i64>> {
        Some(match &self.data {
            TensorData::F32(v) => v.iter().map(|&x| x as i64).collect(),
            TensorData::F64(v) => v.iter().map(|&x| x as i64).collect(),
            TensorData::I8(v) => v.iter().map(|&x| i64::from(x)).collect(),
            TensorData::I16(v) => v.iter().map(|&x| i64::from(x)).collect(),
            TensorData::I32(v) => v.iter().map(|&x| i64::from(x)).collect(),
            TensorData::I64(v) => v.clone(),
            TensorData::U8(v) => v.iter().map(|&x| i64::from(x)).collect(),
            TensorData::U16(v) => v.iter().map(|&x| i64::from(x)).collect(),
            TensorData::U32(v) => v.iter().map(|&x| i64::from(x)).collect(),
            TensorData::U64(v) => v.iter().map(|&x| x as i64).collect(),
            TensorData::Bool(v) => v.iter().map(|&x| i64::from(x)).collect(),
            TensorData::Str(_) => return None,
        })
    }
}
