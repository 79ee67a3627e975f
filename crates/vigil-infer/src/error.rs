//! Errors of loading a model (found before any row is run) and of running it.

use crate::tensor::ShapeMismatch;

/// Why a model file cannot be used. Every check that does not need data happens at load.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoadError {
    #[error("the model file is empty")]
    EmptyFile,
    #[error("the file is not a valid ONNX model: {0}")]
    InvalidProtobuf(String),
    #[error("the ONNX file has no graph")]
    NoGraph,
    #[error(
        "operator `{op_type}` of domain `{domain}` (node `{node}`) is not supported by Vigil's ONNX runtime"
    )]
    UnsupportedOperator {
        op_type: String,
        domain: String,
        node: String,
    },
    #[error("the model needs opset {version} of domain `{domain}`, which Vigil does not support")]
    UnsupportedOpset { domain: String, version: i64 },
    #[error("node `{node}` ({op_type}): {reason}")]
    InvalidNode {
        node: String,
        op_type: String,
        reason: String,
    },
    #[error("node `{node}` reads `{value}`, which no node, initializer or graph input produces")]
    UndefinedValue { node: String, value: String },
    #[error("`{value}` is produced twice (by `{first}` and `{second}`)")]
    DuplicateValue {
        value: String,
        first: String,
        second: String,
    },
    #[error("the graph has a cycle through node `{node}`")]
    Cycle { node: String },
    #[error("graph output `{output}` is never produced")]
    UndefinedOutput { output: String },
    #[error("initializer `{name}`: {reason}")]
    InvalidInitializer { name: String, reason: String },
    #[error("graph input `{name}` has type {ty}, which Vigil cannot feed")]
    UnsupportedInputType { name: String, ty: String },
}

/// Why a run failed. Input problems name the input and what the model expects.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    #[error("model input `{name}` was not given")]
    MissingInput { name: String },
    #[error("`{name}` is not an input of this model (its inputs: {expected})")]
    UnknownInput { name: String, expected: String },
    #[error("model input `{name}` expects {expected}, got {found}")]
    InputType {
        name: String,
        expected: String,
        found: String,
    },
    #[error("model input `{name}` expects shape {expected}, got {found:?}")]
    InputShape {
        name: String,
        expected: String,
        found: Vec<usize>,
    },
    #[error("node `{node}` ({op_type}) failed: {reason}")]
    Node {
        node: String,
        op_type: String,
        reason: String,
    },
}

/// An operator's failure, before the runner adds which node it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OpError(pub String);

impl OpError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl From<ShapeMismatch> for OpError {
    fn from(error: ShapeMismatch) -> Self {
        Self(error.to_string())
    }
}

pub type OpResult<T> = Result<T, OpError>;
