//! Feature preprocessing: Scaler, Imputer, Normalizer, OneHotEncoder, ArrayFeatureExtractor, and
//! ZipMap (probabilities to per-row class maps).

use super::super::{BuildContext, Built, Operator, one, tensor_input};
use super::{class_labels, feature_rows};
use crate::Device;
use crate::error::{OpError, OpResult};
use crate::tensor::{Element, ElementType, HostTensor, Number, TensorData};
use crate::value::{ClassLabels, Value};

/// Per-column parameters given as one value for all columns or one per column.
fn per_column(values: &[f32], columns: usize, name: &str) -> OpResult<Vec<f32>> {
    match values.len() {
        1 => Ok(vec![values[0]; columns]),
        n if n == columns => Ok(values.to_vec()),
        n => Err(OpError::new(format!(
            "`{name}` has {n} values for {columns} columns"
        ))),
    }
}

#[derive(Debug)]
struct Scaler {
    offset: Vec<f32>,
    scale: Vec<f32>,
}

pub(crate) fn scaler(context: &BuildContext<'_>) -> Built {
    let attributes = context.attributes();
    attributes.only(&["offset", "scale"])?;
    let offset = attributes.floats("offset")?.unwrap_or_default();
    let scale = attributes.floats("scale")?.unwrap_or_default();
    if offset.is_empty() || scale.is_empty() {
        return Err("`offset` and `scale` are required".to_owned().into());
    }
    Ok(Box::new(Scaler { offset, scale }))
}

impl Operator for Scaler {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let columns = *x
            .shape()
            .last()
            .ok_or_else(|| OpError::new("expects at least a 1-D input"))?;
        let offset = per_column(&self.offset, columns, "offset")?;
        let scale = per_column(&self.scale, columns, "scale")?;
        // (x - offset) * scale, in the input's precision (double stays double until the end).
        #[expect(clippy::cast_possible_truncation, reason = "the output is float32")]
        let values: Vec<f32> = match x.data() {
            TensorData::F64(v) => v
                .iter()
                .enumerate()
                .map(|(i, &e)| {
                    ((e - f64::from(offset[i % columns])) * f64::from(scale[i % columns])) as f32
                })
                .collect(),
            _ => {
                let rows = x
                    .clone()
                    .reshaped(vec![x.len() / columns.max(1), columns])?;
                let (_, _, v) = feature_rows(&rows)?;
                v.iter()
                    .enumerate()
                    .map(|(i, &e)| (e - offset[i % columns]) * scale[i % columns])
                    .collect()
            }
        };
        one(HostTensor::f32(x.shape().to_vec(), values)?)
    }
}

#[derive(Debug)]
enum Imputation {
    Float { values: Vec<f32>, replaced: f32 },
    Int { values: Vec<i64>, replaced: i64 },
}

#[derive(Debug)]
struct Imputer(Imputation);

pub(crate) fn imputer(context: &BuildContext<'_>) -> Built {
    let attributes = context.attributes();
    attributes.only(&[
        "imputed_value_floats",
        "imputed_value_int64s",
        "replaced_value_float",
        "replaced_value_int64",
    ])?;
    let imputation = match (
        attributes.floats("imputed_value_floats")?,
        attributes.ints("imputed_value_int64s")?,
    ) {
        (Some(values), None) if !values.is_empty() => Imputation::Float {
            values,
            replaced: attributes.float_or("replaced_value_float", 0.0)?,
        },
        (None, Some(values)) if !values.is_empty() => Imputation::Int {
            values,
            replaced: attributes.int_or("replaced_value_int64", 0)?,
        },
        _ => {
            return Err(
                "exactly one of `imputed_value_floats` or `imputed_value_int64s` is required"
                    .to_owned()
                    .into(),
            );
        }
    };
    Ok(Box::new(Imputer(imputation)))
}

impl Operator for Imputer {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let columns = *x
            .shape()
            .last()
            .ok_or_else(|| OpError::new("expects at least a 1-D input"))?;
        let data = match (&self.0, x.data()) {
            (Imputation::Float { values, replaced }, TensorData::F32(v)) => {
                let fill = per_column(values, columns, "imputed_value_floats")?;
                let hit = |e: f32| {
                    if replaced.is_nan() {
                        e.is_nan()
                    } else {
                        e == *replaced
                    }
                };
                TensorData::F32(
                    v.iter()
                        .enumerate()
                        .map(|(i, &e)| if hit(e) { fill[i % columns] } else { e })
                        .collect(),
                )
            }
            (Imputation::Int { values, replaced }, TensorData::I64(v)) => {
                let fill: Vec<i64> = match values.len() {
                    1 => vec![values[0]; columns],
                    n if n == columns => values.clone(),
                    n => {
                        return Err(OpError::new(format!(
                            "`imputed_value_int64s` has {n} values for {columns} columns"
                        )));
                    }
                };
                TensorData::I64(
                    v.iter()
                        .enumerate()
                        .map(|(i, &e)| if e == *replaced { fill[i % columns] } else { e })
                        .collect(),
                )
            }
            (_, other) => {
                return Err(OpError::new(format!(
                    "the imputer's values do not match input type {}",
                    other.element_type()
                )));
            }
        };
        one(HostTensor::new(x.shape().to_vec(), data)?)
    }
}

#[derive(Debug, Clone, Copy)]
enum Norm {
    Max,
    L1,
    L2,
}

#[derive(Debug)]
struct Normalizer(Norm);

pub(crate) fn normalizer(context: &BuildContext<'_>) -> Built {
    let attributes = context.attributes();
    attributes.only(&["norm"])?;
    let norm = match attributes.string_or("norm", "MAX")?.as_str() {
        "MAX" => Norm::Max,
        "L1" => Norm::L1,
        "L2" => Norm::L2,
        other => return Err(format!("norm {other} is not one of MAX, L1, L2").into()),
    };
    Ok(Box::new(Normalizer(norm)))
}

impl Operator for Normalizer {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let (rows, cols, values) = feature_rows(x)?;
        let mut values = values.into_owned();
        for r in 0..rows {
            let row = &mut values[r * cols..(r + 1) * cols];
            let divisor = match self.0 {
                Norm::Max => row.iter().copied().fold(f32::NEG_INFINITY, f32::max),
                Norm::L1 => row.iter().map(|v| v.abs()).sum(),
                Norm::L2 => row.iter().map(|v| v * v).sum::<f32>().sqrt(),
            };
            row.iter_mut().for_each(|v| *v /= divisor);
        }
        one(HostTensor::f32(x.shape().to_vec(), values)?)
    }
}

#[derive(Debug)]
struct OneHotEncoder {
    categories: ClassLabels,
    zeros: bool,
}

pub(crate) fn one_hot_encoder(context: &BuildContext<'_>) -> Built {
    let attributes = context.attributes();
    attributes.only(&["cats_int64s", "cats_strings", "zeros"])?;
    let categories = match (
        attributes.ints("cats_int64s")?,
        attributes.strings("cats_strings")?,
    ) {
        (Some(ints), None) => ClassLabels::Int(ints),
        (None, Some(strings)) => ClassLabels::Str(strings),
        _ => {
            return Err("exactly one of `cats_int64s` or `cats_strings` is required"
                .to_owned()
                .into());
        }
    };
    if categories.is_empty() {
        return Err("the category list is empty".to_owned().into());
    }
    Ok(Box::new(OneHotEncoder {
        categories,
        zeros: attributes.int_or("zeros", 1)? == 1,
    }))
}

impl Operator for OneHotEncoder {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let width = self.categories.len();
        let positions: Vec<Option<usize>> = match (&self.categories, x.data()) {
            (ClassLabels::Str(cats), TensorData::Str(v)) => {
                v.iter().map(|s| cats.iter().position(|c| c == s)).collect()
            }
            (ClassLabels::Int(cats), data) if !matches!(data, TensorData::Str(_)) => {
                let ints = x
                    .to_i64_vec()
                    .ok_or_else(|| OpError::new("expects numeric input"))?;
                ints.iter()
                    .map(|i| cats.iter().position(|c| c == i))
                    .collect()
            }
            (ClassLabels::Str(_), other) => {
                return Err(OpError::new(format!(
                    "string categories need string input, got {}",
                    other.element_type()
                )));
            }
            (ClassLabels::Int(_), _) => {
                return Err(OpError::new(
                    "integer categories need numeric input, got strings",
                ));
            }
        };
        let mut values = vec![0.0_f32; positions.len() * width];
        for (i, position) in positions.iter().enumerate() {
            match position {
                Some(p) => values[i * width + p] = 1.0,
                None if self.zeros => {}
                None => {
                    return Err(OpError::new(
                        "a value is not among the encoder's categories and `zeros` is 0",
                    ));
                }
            }
        }
        let mut shape = x.shape().to_vec();
        shape.push(width);
        one(HostTensor::f32(shape, values)?)
    }
}

#[derive(Debug)]
struct ArrayFeatureExtractor;

pub(crate) fn array_feature_extractor(context: &BuildContext<'_>) -> Built {
    context.attributes().only(&[])?;
    Ok(Box::new(ArrayFeatureExtractor))
}

impl Operator for ArrayFeatureExtractor {
    #[allow(
        clippy::clone_on_copy,
        reason = "one body serves every element type, strings included"
    )]
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let indices = tensor_input(inputs, 1)?
            .as_i64()
            .ok_or_else(|| OpError::new("indices must be int64"))?;
        let stride = *x
            .shape()
            .last()
            .ok_or_else(|| OpError::new("expects at least a 1-D input"))?;
        let picks: Vec<usize> = indices
            .iter()
            .map(|&i| {
                usize::try_from(i)
                    .ok()
                    .filter(|&i| i < stride)
                    .ok_or_else(|| {
                        OpError::new(format!("index {i} is out of range for {stride} columns"))
                    })
            })
            .collect::<OpResult<_>>()?;
        let rows = x.len().checked_div(stride).unwrap_or(0);
        let mut shape = if x.rank() == 1 {
            vec![1]
        } else {
            x.shape()[..x.rank() - 1].to_vec()
        };
        shape.push(picks.len());
        let data = crate::with_element_type!(x.element_type(), T => {
            let v = x.values::<T>().unwrap_or_default();
            T::wrap((0..rows).flat_map(|r| picks.iter().map(move |&p| v[r * stride + p].clone())).collect())
        });
        one(HostTensor::new(shape, data)?)
    }
}

#[derive(Debug)]
struct ZipMap(ClassLabels);

pub(crate) fn zipmap(context: &BuildContext<'_>) -> Built {
    let attributes = context.attributes();
    attributes.only(&["classlabels_int64s", "classlabels_strings"])?;
    Ok(Box::new(ZipMap(class_labels(
        &attributes,
        "classlabels_int64s",
    )?)))
}

impl Operator for ZipMap {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let columns = match *x.shape() {
            [_, c] | [c] => c,
            ref other => {
                return Err(OpError::new(format!(
                    "expects [rows, classes], got {other:?}"
                )));
            }
        };
        if columns != self.0.len() || x.as_f32().is_none() {
            return Err(OpError::new(format!(
                "expects float scores for {} classes, got {} columns of {}",
                self.0.len(),
                columns,
                x.element_type()
            )));
        }
        let rows = if x.rank() == 1 { 1 } else { x.shape()[0] };
        Ok(vec![Value::MapSequence {
            labels: self.0.clone(),
            probabilities: x.clone().reshaped(vec![rows, columns])?,
        }])
    }
}

#[derive(Debug)]
struct Binarizer(f32);

pub(crate) fn binarizer(context: &BuildContext<'_>) -> Built {
    let attributes = context.attributes();
    attributes.only(&["threshold"])?;
    Ok(Box::new(Binarizer(attributes.float_or("threshold", 0.0)?)))
}

impl Operator for Binarizer {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let threshold = f64::from(self.0);
        let data = crate::with_numeric_type!(x.element_type(), T => {
            let (one_value, zero) = (T::from_f64(1.0), T::from_f64(0.0));
            let source = x.to_f64_vec().unwrap_or_default();
            T::wrap(source.iter().map(|&v| if v > threshold { one_value } else { zero }).collect())
        }, other => return Err(OpError::new(format!("not defined for {other}"))));
        one(HostTensor::new(x.shape().to_vec(), data)?)
    }
}

#[derive(Debug)]
struct LabelEncoder {
    keys: HostTensor,
    values: HostTensor,
    /// One element, of the values' type.
    default: HostTensor,
}

/// `{prefix}_strings`, `_int64s`, `_floats` (opset 2) or `_tensor` (opset 4), as a 1-D tensor.
fn encoder_tensor(context: &BuildContext<'_>, prefix: &str) -> Result<Option<HostTensor>, String> {
    let a = context.attributes();
    let tensor = if let Some(v) = a.strings(&format!("{prefix}_strings"))? {
        HostTensor::strings(vec![v.len()], v)
    } else if let Some(v) = a.ints(&format!("{prefix}_int64s"))? {
        HostTensor::i64(vec![v.len()], v)
    } else if let Some(v) = a.floats(&format!("{prefix}_floats"))? {
        HostTensor::f32(vec![v.len()], v)
    } else if let Some(t) = a.tensor(&format!("{prefix}_tensor"))? {
        let n = t.len();
        t.reshaped(vec![n])
    } else {
        return Ok(None);
    };
    tensor.map(Some).map_err(|e| e.to_string())
}

pub(crate) fn label_encoder(context: &BuildContext<'_>) -> Built {
    let a = context.attributes();
    a.only(&[
        "keys_strings",
        "keys_int64s",
        "keys_floats",
        "keys_tensor",
        "values_strings",
        "values_int64s",
        "values_floats",
        "values_tensor",
        "default_string",
        "default_int64",
        "default_float",
        "default_tensor",
    ])?;
    if context.opset < 2 {
        return Err("LabelEncoder opset 1 (classes_strings) is not supported".into());
    }
    let keys = encoder_tensor(context, "keys")?.ok_or("keys are required")?;
    let values = encoder_tensor(context, "values")?.ok_or("values are required")?;
    if keys.len() != values.len() {
        return Err(format!("{} keys but {} values", keys.len(), values.len()).into());
    }
    let default = match a.tensor("default_tensor")? {
        Some(t) => t,
        None => match values.element_type() {
            ElementType::String => {
                HostTensor::strings(vec![1], vec![a.string_or("default_string", "_Unused")?])
            }
            ElementType::Int64 => HostTensor::i64(vec![1], vec![a.int_or("default_int64", -1)?]),
            ElementType::Float32 => {
                HostTensor::f32(vec![1], vec![a.float_or("default_float", -0.0)?])
            }
            other => return Err(format!("values of type {other} need a `default_tensor`").into()),
        }
        .map_err(|e| e.to_string())?,
    };
    if default.len() != 1 || default.element_type() != values.element_type() {
        return Err("the default must be one value of the values' type".into());
    }
    Ok(Box::new(LabelEncoder {
        keys,
        values,
        default,
    }))
}

impl Operator for LabelEncoder {
    #[expect(clippy::eq_op, reason = "`c != c` is how a generic NaN check reads")]
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        if x.element_type() != self.keys.element_type() {
            return Err(OpError::new(format!(
                "the input type {} does not match the keys' {}",
                x.element_type(),
                self.keys.element_type()
            )));
        }
        // Keys match by value; a NaN key matches NaN (the only value unequal to itself).
        let positions: Vec<Option<usize>> = crate::with_element_type!(x.element_type(), T => {
            let keys = self.keys.values::<T>().unwrap_or_default();
            x.values::<T>().unwrap_or_default().iter().map(|s| keys.iter().position(|c| c == s || (c != c && s != s))).collect()
        });
        let data = crate::with_element_type!(self.values.element_type(), T => {
            let values = self.values.values::<T>().unwrap_or_default();
            let default = self.default.values::<T>().unwrap_or_default()[0].clone();
            T::wrap(positions.iter().map(|p| p.map_or_else(|| default.clone(), |p| values[p].clone())).collect())
        });
        one(HostTensor::new(x.shape().to_vec(), data)?)
    }
}
