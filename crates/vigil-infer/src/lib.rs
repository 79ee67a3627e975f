//! Vigil's ONNX runtime: loads a model file it has never seen, at run time, checks it completely
//! at load, and runs it on burn (the arithmetic-heavy operators) and on the host (the
//! `ai.onnx.ml` operators scikit-learn exports, string tensors, shape bookkeeping).
//!
//! Architecture invariant: this is the only crate that sees burn. Callers get [`Model`],
//! [`HostTensor`] and [`Value`], never a burn tensor, and every unsupported operator or invalid
//! attribute is a [`LoadError`] before any row is run.

// `with_element_type!` bodies serve Copy numbers and owned strings alike, so they clone.
#![allow(
    clippy::clone_on_copy,
    reason = "one generic body serves every element type"
)]

mod attributes;
mod device;
mod error;
mod initializer;
mod model;
mod ops;
mod proto;
mod signature;
mod tensor;
mod value;

pub use device::{ALLOW_SOFTWARE_GPU_VAR, Device, GpuUnavailable};
pub use error::{LoadError, RunError};
pub use model::{ML_DOMAIN, Model, ModelDescription, ONNX_DOMAIN, describe};
pub use ops::{SUPPORTED, is_supported};
pub use signature::{Dim, ValueInfo, ValueType};
pub use tensor::{ElementType, HostTensor, ShapeMismatch, TensorData};
pub use value::{ClassLabels, Value};
