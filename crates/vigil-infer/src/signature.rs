//! A model's declared inputs and outputs, read from the graph, in ONNX's own notation.

use serde::Serialize;

use crate::proto::{TypeProto, ValueInfoProto, tensor_shape_proto::dimension, type_proto};
use crate::tensor::ElementType;

/// One dimension of a declared shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Dim {
    Fixed(usize),
    /// A named or unnamed free dimension (`N`, `batch`, `?`).
    Free(String),
}

/// The declared type of an input or output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ValueType {
    Tensor {
        /// ONNX's element type name (`float`, `int64`, `string` …).
        element: String,
        /// `None` when the model declares no shape.
        shape: Option<Vec<Dim>>,
    },
    /// Anything else (sequences, maps, optionals), described in ONNX notation.
    Other { description: String },
}

impl ValueType {
    pub fn element_type(&self) -> Option<ElementType> {
        match self {
            Self::Tensor { element, .. } => match element.as_str() {
                "float" => Some(ElementType::Float32),
                "double" => Some(ElementType::Float64),
                "int8" => Some(ElementType::Int8),
                "int16" => Some(ElementType::Int16),
                "int32" => Some(ElementType::Int32),
                "int64" => Some(ElementType::Int64),
                "uint8" => Some(ElementType::UInt8),
                "uint16" => Some(ElementType::UInt16),
                "uint32" => Some(ElementType::UInt32),
                "uint64" => Some(ElementType::UInt64),
                "bool" => Some(ElementType::Bool),
                "string" => Some(ElementType::String),
                _ => None,
            },
            Self::Other { .. } => None,
        }
    }

    pub fn shape(&self) -> Option<&[Dim]> {
        match self {
            Self::Tensor { shape, .. } => shape.as_deref(),
            Self::Other { .. } => None,
        }
    }

    /// ONNX notation, e.g. `tensor(float)[?,30]` or `seq(map(int64,tensor(float)))`.
    pub fn notation(&self) -> String {
        match self {
            Self::Tensor { element, shape } => {
                let dims = shape.as_ref().map_or_else(String::new, |dims| {
                    let inner: Vec<String> = dims
                        .iter()
                        .map(|d| match d {
                            Dim::Fixed(n) => n.to_string(),
                            Dim::Free(name) => name.clone(),
                        })
                        .collect();
                    format!("[{}]", inner.join(","))
                });
                format!("tensor({element}){dims}")
            }
            Self::Other { description } => description.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueInfo {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ValueType,
}

fn describe(ty: &TypeProto) -> String {
    match &ty.value {
        Some(type_proto::Value::TensorType(t)) => {
            format!("tensor({})", ElementType::onnx_name(t.elem_type))
        }
        Some(type_proto::Value::SequenceType(s)) => format!(
            "seq({})",
            s.elem_type
                .as_deref()
                .map_or_else(|| "?".to_owned(), describe)
        ),
        Some(type_proto::Value::MapType(m)) => format!(
            "map({},{})",
            ElementType::onnx_name(m.key_type),
            m.value_type
                .as_deref()
                .map_or_else(|| "?".to_owned(), describe)
        ),
        Some(type_proto::Value::OptionalType(o)) => format!(
            "optional({})",
            o.elem_type
                .as_deref()
                .map_or_else(|| "?".to_owned(), describe)
        ),
        Some(type_proto::Value::SparseTensorType(t)) => {
            format!("sparse_tensor({})", ElementType::onnx_name(t.elem_type))
        }
        None => "unknown".to_owned(),
    }
}

pub(crate) fn value_info(info: &ValueInfoProto) -> ValueInfo {
    let ty = match info.r#type.as_ref().and_then(|t| t.value.as_ref()) {
        Some(type_proto::Value::TensorType(t)) => ValueType::Tensor {
            element: ElementType::onnx_name(t.elem_type).to_owned(),
            shape: t.shape.as_ref().map(|s| {
                s.dim
                    .iter()
                    .map(|d| match &d.value {
                        Some(dimension::Value::DimValue(n)) if *n >= 0 => {
                            Dim::Fixed(usize::try_from(*n).unwrap_or(usize::MAX))
                        }
                        Some(dimension::Value::DimParam(p)) if !p.is_empty() => {
                            Dim::Free(p.clone())
                        }
                        _ => Dim::Free("?".to_owned()),
                    })
                    .collect()
            }),
        },
        _ => ValueType::Other {
            description: info
                .r#type
                .as_ref()
                .map_or_else(|| "unknown".to_owned(), describe),
        },
    };
    ValueInfo {
        name: info.name.clone(),
        ty,
    }
}
