//! Operators that move or relabel values without arithmetic: Identity, Cast, Reshape, Flatten,
//! Concat.

use super::{BuildContext, Built, Operator, normalize_axis, one, tensor_input};
use crate::Device;
use crate::error::{OpError, OpResult};
use crate::tensor::{Element, ElementType, HostTensor, Number, TensorData};
use crate::value::Value;

#[derive(Debug)]
struct Identity;

pub(crate) fn identity(context: &BuildContext<'_>) -> Built {
    context.attributes().only(&[])?;
    Ok(Box::new(Identity))
}

impl Operator for Identity {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let value = inputs
            .first()
            .copied()
            .flatten()
            .ok_or_else(|| OpError::new("input 0 is missing"))?;
        Ok(vec![value.clone()])
    }
}

#[derive(Debug)]
struct Cast(ElementType);

pub(crate) fn cast(context: &BuildContext<'_>) -> Built {
    let attributes = context.attributes();
    attributes.only(&["to", "saturate"])?;
    let code = attributes.int("to")?.ok_or("attribute `to` is required")?;
    let to = i32::try_from(code)
        .ok()
        .and_then(ElementType::from_onnx)
        .ok_or_else(|| {
            format!(
                "casting to {} is not supported",
                ElementType::onnx_name(i32::try_from(code).unwrap_or(0))
            )
        })?;
    Ok(Box::new(Cast(to)))
}

/// ONNX's float-to-string form: shortest round-trip decimal, as onnxruntime writes it.
fn float_text(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_owned()
    } else if x.is_infinite() {
        if x > 0.0 {
            "INF".to_owned()
        } else {
            "-INF".to_owned()
        }
    } else {
        x.to_string()
    }
}

/// Converts every value to `to` as onnxruntime's Cast does: numbers convert like C++
/// `static_cast`, strings parse as numbers, numbers print in shortest round-trip form.
pub(crate) fn cast_tensor(x: &HostTensor, to: ElementType) -> OpResult<HostTensor> {
    let shape = x.shape().to_vec();
    let from = x.element_type();
    if from == to {
        return Ok(x.clone());
    }
    let data = match (x.data(), to) {
        (TensorData::Str(v), ElementType::String) => TensorData::Str(v.clone()),
        (TensorData::Str(v), ElementType::Bool) => TensorData::Bool(
            v.iter()
                .map(|s| {
                    s.trim()
                        .parse::<f64>()
                        .map(|f| f != 0.0)
                        .map_err(|_| OpError::new(format!("cannot cast \"{s}\" to bool")))
                })
                .collect::<OpResult<_>>()?,
        ),
        (TensorData::Str(v), to) => {
            let parsed: Vec<f64> = v
                .iter()
                .map(|s| {
                    s.trim()
                        .parse::<f64>()
                        .map_err(|_| OpError::new(format!("cannot cast \"{s}\" to {to}")))
                })
                .collect::<OpResult<_>>()?;
            crate::with_numeric_type!(to, T => T::wrap(parsed.into_iter().map(T::from_f64).collect()), _ => unreachable_cast())
        }
        (TensorData::F32(v), ElementType::String) => {
            TensorData::Str(v.iter().map(|&e| float_text(f64::from(e))).collect())
        }
        (TensorData::F64(v), ElementType::String) => {
            TensorData::Str(v.iter().map(|&e| float_text(e)).collect())
        }
        (_, ElementType::String) => TensorData::Str(
            x.to_i64_vec()
                .ok_or_else(|| OpError::new("not numeric"))?
                .iter()
                .map(ToString::to_string)
                .collect(),
        ),
        (_, ElementType::Bool) => TensorData::Bool(
            x.to_f64_vec()
                .ok_or_else(|| OpError::new("not numeric"))?
                .into_iter()
                .map(|e| e != 0.0)
                .collect(),
        ),
        (TensorData::F32(_) | TensorData::F64(_), to) => {
            let values = x.to_f64_vec().ok_or_else(|| OpError::new("not numeric"))?;
            crate::with_numeric_type!(to, T => T::wrap(values.into_iter().map(T::from_f64).collect()), _ => unreachable_cast())
        }
        (TensorData::U64(v), to) => {
            // Through f64 for float targets (u64 → i64 would wrap large values first).
            #[expect(
                clippy::cast_precision_loss,
                clippy::cast_possible_wrap,
                reason = "C++ static_cast semantics"
            )]
            let converted = match to {
                ElementType::Float32 | ElementType::Float64 => {
                    crate::with_numeric_type!(to, T => T::wrap(v.iter().map(|&e| T::from_f64(e as f64)).collect()), _ => unreachable_cast())
                }
                _ => {
                    crate::with_numeric_type!(to, T => T::wrap(v.iter().map(|&e| T::from_i64(e as i64)).collect()), _ => unreachable_cast())
                }
            };
            converted
        }
        (_, to) => {
            let values = x.to_i64_vec().ok_or_else(|| OpError::new("not numeric"))?;
            crate::with_numeric_type!(to, T => T::wrap(values.into_iter().map(T::from_i64).collect()), _ => unreachable_cast())
        }
    };
    Ok(HostTensor::new(shape, data)?)
}

/// The bool and string targets are handled before the numeric dispatch.
fn unreachable_cast() -> TensorData {
    TensorData::Bool(Vec::new())
}

impl Operator for Cast {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        one(cast_tensor(tensor_input(inputs, 0)?, self.0)?)
    }
}

#[derive(Debug)]
struct Reshape {
    allow_zero: bool,
}

pub(crate) fn reshape(context: &BuildContext<'_>) -> Built {
    if context.opset < 5 {
        return Err(
            "Reshape before opset 5 (shape as an attribute) is not supported"
                .to_owned()
                .into(),
        );
    }
    let attributes = context.attributes();
    attributes.only(&["allowzero"])?;
    Ok(Box::new(Reshape {
        allow_zero: attributes.int_or("allowzero", 0)? == 1,
    }))
}

/// Resolves a Reshape target: `0` copies the input's dimension, one `-1` takes the rest.
pub(crate) fn resolve_shape(
    input: &[usize],
    target: &[i64],
    allow_zero: bool,
) -> OpResult<Vec<usize>> {
    let count: usize = input.iter().product();
    let mut shape = Vec::with_capacity(target.len());
    let mut infer_at = None;
    for (i, &d) in target.iter().enumerate() {
        match d {
            -1 if infer_at.is_none() => {
                infer_at = Some(i);
                shape.push(1);
            }
            0 if !allow_zero => shape.push(*input.get(i).ok_or_else(|| {
                OpError::new(format!(
                    "shape {target:?} copies dimension {i}, which the input {input:?} lacks"
                ))
            })?),
            d if d >= 0 => {
                shape.push(usize::try_from(d).map_err(|_| OpError::new("dimension too large"))?);
            }
            _ => return Err(OpError::new(format!("invalid target shape {target:?}"))),
        }
    }
    if let Some(i) = infer_at {
        let known: usize = shape.iter().product();
        if known == 0 || !count.is_multiple_of(known) {
            return Err(OpError::new(format!(
                "cannot reshape {input:?} into {target:?}"
            )));
        }
        shape[i] = count / known;
    }
    if shape.iter().product::<usize>() != count {
        return Err(OpError::new(format!(
            "cannot reshape {input:?} ({count} values) into {target:?}"
        )));
    }
    Ok(shape)
}

impl Operator for Reshape {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let target = tensor_input(inputs, 1)?
            .as_i64()
            .ok_or_else(|| OpError::new("the shape input must be int64"))?;
        let shape = resolve_shape(x.shape(), target, self.allow_zero)?;
        one(x.clone().reshaped(shape)?)
    }
}

#[derive(Debug)]
struct Flatten {
    axis: i64,
}

pub(crate) fn flatten(context: &BuildContext<'_>) -> Built {
    let attributes = context.attributes();
    attributes.only(&["axis"])?;
    Ok(Box::new(Flatten {
        axis: attributes.int_or("axis", 1)?,
    }))
}

impl Operator for Flatten {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let rank = x.rank();
        // Flatten's axis may equal the rank (everything in the first dimension).
        let axis = if self.axis == i64::try_from(rank).unwrap_or(i64::MAX) {
            rank
        } else {
            normalize_axis(self.axis, rank)?
        };
        let outer: usize = x.shape()[..axis].iter().product();
        let inner: usize = x.shape()[axis..].iter().product();
        one(x.clone().reshaped(vec![outer, inner])?)
    }
}

#[derive(Debug)]
struct Concat {
    axis: i64,
}

pub(crate) fn concat(context: &BuildContext<'_>) -> Built {
    let attributes = context.attributes();
    attributes.only(&["axis"])?;
    let axis = attributes
        .int("axis")?
        .ok_or("attribute `axis` is required")?;
    Ok(Box::new(Concat { axis }))
}

impl Operator for Concat {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let parts: Vec<&HostTensor> = (0..inputs.len())
            .map(|i| tensor_input(inputs, i))
            .collect::<OpResult<_>>()?;
        let first = parts
            .first()
            .ok_or_else(|| OpError::new("Concat needs at least one input"))?;
        let rank = first.rank();
        let axis = normalize_axis(self.axis, rank)?;
        for p in &parts {
            let same = p.rank() == rank
                && p.shape()
                    .iter()
                    .zip(first.shape())
                    .enumerate()
                    .all(|(i, (a, b))| i == axis || a == b);
            if !same {
                return Err(OpError::new(format!(
                    "cannot concatenate shapes {:?} and {:?} on axis {axis}",
                    first.shape(),
                    p.shape()
                )));
            }
            if p.element_type() != first.element_type() {
                return Err(OpError::new("inputs have different element types"));
            }
        }
        let outer: usize = first.shape()[..axis].iter().product();
        let inner_of = |t: &HostTensor| t.shape()[axis..].iter().product::<usize>();
        let mut shape = first.shape().to_vec();
        shape[axis] = parts.iter().map(|p| p.shape()[axis]).sum();
        let data = crate::with_element_type!(first.element_type(), T => {
            let mut out: Vec<T> = Vec::with_capacity(shape.iter().product());
            for o in 0..outer {
                for p in &parts {
                    let v = p.values::<T>().unwrap_or_default();
                    let inner = inner_of(p);
                    out.extend_from_slice(&v[o * inner..(o + 1) * inner]);
                }
            }
            T::wrap(out)
        });
        one(HostTensor::new(shape, data)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reshape_targets_copy_and_infer() {
        assert_eq!(
            resolve_shape(&[4, 1, 10], &[-1, 10], false).expect("ok"),
            vec![4, 10]
        );
        assert_eq!(
            resolve_shape(&[2, 3, 4], &[0, -1], false).expect("ok"),
            vec![2, 12]
        );
        assert!(resolve_shape(&[2, 3], &[4, -1], false).is_err());
        assert!(resolve_shape(&[2, 3], &[-1, -1], false).is_err());
    }
}
