//! Operators that build, select or rearrange values: Constant, ConstantOfShape, Shape, Gather,
//! Slice, Squeeze, Unsqueeze, Transpose, Dropout (inference), Where, Not and the comparisons.

use super::elementwise::{broadcast_map, broadcast_shape};
use super::{
    BuildContext, BuildError, Built, Operator, normalize_axis, one, optional_tensor_input,
    tensor_input,
};
use crate::Device;
use crate::error::{OpError, OpResult};
use crate::tensor::{Element, ElementType, HostTensor, TensorData};
use crate::value::Value;

fn ints_of(t: &HostTensor, what: &str) -> OpResult<Vec<i64>> {
    match t.element_type() {
        ElementType::Int64 | ElementType::Int32 => Ok(t.to_i64_vec().unwrap_or_default()),
        other => Err(OpError::new(format!("{what} must be int64, not {other}"))),
    }
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[derive(Debug)]
struct Constant(HostTensor);

pub(crate) fn constant(context: &BuildContext<'_>) -> Built {
    let a = context.attributes();
    a.only(&[
        "value",
        "value_float",
        "value_floats",
        "value_int",
        "value_ints",
        "value_string",
        "value_strings",
        "sparse_value",
    ])?;
    let value = if let Some(t) = a.tensor("value")? {
        t
    } else if let Some(f) = a.float("value_float")? {
        HostTensor::f32(vec![], vec![f]).map_err(|e| e.to_string())?
    } else if let Some(v) = a.floats("value_floats")? {
        HostTensor::f32(vec![v.len()], v).map_err(|e| e.to_string())?
    } else if let Some(i) = a.int("value_int")? {
        HostTensor::i64(vec![], vec![i]).map_err(|e| e.to_string())?
    } else if let Some(v) = a.ints("value_ints")? {
        HostTensor::i64(vec![v.len()], v).map_err(|e| e.to_string())?
    } else if let Some(s) = a.string("value_string")? {
        HostTensor::strings(vec![], vec![s]).map_err(|e| e.to_string())?
    } else if let Some(v) = a.strings("value_strings")? {
        HostTensor::strings(vec![v.len()], v).map_err(|e| e.to_string())?
    } else {
        return Err(BuildError::Invalid(
            "a Constant needs one value attribute (sparse values are not supported)".to_owned(),
        ));
    };
    Ok(Box::new(Constant(value)))
}

impl Operator for Constant {
    fn run(&self, _inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        one(self.0.clone())
    }
}

#[derive(Debug)]
struct ConstantOfShape(HostTensor);

pub(crate) fn constant_of_shape(context: &BuildContext<'_>) -> Built {
    let a = context.attributes();
    a.only(&["value"])?;
    let value = a
        .tensor("value")?
        .unwrap_or(HostTensor::f32(vec![1], vec![0.0]).map_err(|e| e.to_string())?);
    if value.len() != 1 {
        return Err("`value` must hold exactly one element".into());
    }
    Ok(Box::new(ConstantOfShape(value)))
}

impl Operator for ConstantOfShape {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let dims = ints_of(tensor_input(inputs, 0)?, "the shape")?;
        let shape: Vec<usize> = dims
            .iter()
            .map(|&d| {
                usize::try_from(d).map_err(|_| OpError::new(format!("negative dimension {d}")))
            })
            .collect::<OpResult<_>>()?;
        let count = crate::tensor::element_count(&shape).map_err(OpError::new)?;
        let data = crate::with_element_type!(self.0.element_type(), T => {
            let v = self.0.values::<T>().unwrap_or_default()[0].clone();
            T::wrap(vec![v; count])
        });
        one(HostTensor::new(shape, data)?)
    }
}

#[derive(Debug)]
struct Shape {
    start: i64,
    end: Option<i64>,
}

pub(crate) fn shape(context: &BuildContext<'_>) -> Built {
    let a = context.attributes();
    a.only(&["start", "end"])?;
    Ok(Box::new(Shape {
        start: a.int_or("start", 0)?,
        end: a.int("end")?,
    }))
}

impl Operator for Shape {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let rank = to_i64(x.rank());
        let clamp = |v: i64| (if v < 0 { v + rank } else { v }).clamp(0, rank);
        let (start, end) = (clamp(self.start), clamp(self.end.unwrap_or(rank)));
        let dims: Vec<i64> = x.shape().iter().map(|&d| to_i64(d)).collect();
        let picked: Vec<i64> = if start < end {
            dims[usize::try_from(start).unwrap_or(0)..usize::try_from(end).unwrap_or(0)].to_vec()
        } else {
            Vec::new()
        };
        one(HostTensor::i64(vec![picked.len()], picked)?)
    }
}

#[derive(Debug)]
struct Gather {
    axis: i64,
}

pub(crate) fn gather(context: &BuildContext<'_>) -> Built {
    let a = context.attributes();
    a.only(&["axis"])?;
    Ok(Box::new(Gather {
        axis: a.int_or("axis", 0)?,
    }))
}

impl Operator for Gather {
    #[allow(
        clippy::clone_on_copy,
        reason = "one body serves every element type, strings included"
    )]
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let data = tensor_input(inputs, 0)?;
        let indices = tensor_input(inputs, 1)?;
        let axis = normalize_axis(self.axis, data.rank())?;
        let n = data.shape()[axis];
        let picks: Vec<usize> = ints_of(indices, "the indices")?
            .into_iter()
            .map(|i| {
                let j = if i < 0 { i + to_i64(n) } else { i };
                usize::try_from(j)
                    .ok()
                    .filter(|&j| j < n)
                    .ok_or_else(|| OpError::new(format!("index {i} is out of range for {n}")))
            })
            .collect::<OpResult<_>>()?;
        let outer: usize = data.shape()[..axis].iter().product();
        let inner: usize = data.shape()[axis + 1..].iter().product();
        let mut shape = data.shape()[..axis].to_vec();
        shape.extend_from_slice(indices.shape());
        shape.extend_from_slice(&data.shape()[axis + 1..]);
        let values = crate::with_element_type!(data.element_type(), T => {
            let v = data.values::<T>().unwrap_or_default();
            let mut out = Vec::with_capacity(outer * picks.len() * inner);
            for o in 0..outer {
                for &p in &picks {
                    out.extend_from_slice(&v[(o * n + p) * inner..(o * n + p + 1) * inner]);
                }
            }
            T::wrap(out)
        });
        one(HostTensor::new(shape, values)?)
    }
}

/// Axes given as an attribute (older opsets) or as an optional second input.
#[derive(Debug)]
enum Axes {
    Attribute(Option<Vec<i64>>),
    Input,
}

fn axes(context: &BuildContext<'_>, input_from_opset: i64) -> Result<Axes, BuildError> {
    let a = context.attributes();
    if context.opset >= input_from_opset {
        Ok(Axes::Input)
    } else {
        Ok(Axes::Attribute(a.ints("axes")?))
    }
}

impl Axes {
    fn get(&self, inputs: &[Option<&Value>], index: usize) -> OpResult<Option<Vec<i64>>> {
        match self {
            Self::Attribute(v) => Ok(v.clone()),
            Self::Input => optional_tensor_input(inputs, index)?
                .map(|t| ints_of(t, "the axes"))
                .transpose(),
        }
    }
}

#[derive(Debug)]
struct Squeeze(Axes);

pub(crate) fn squeeze(context: &BuildContext<'_>) -> Built {
    context.attributes().only(&["axes"])?;
    Ok(Box::new(Squeeze(axes(context, 13)?)))
}

impl Operator for Squeeze {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let rank = x.rank();
        let shape: Vec<usize> = match self.0.get(inputs, 1)? {
            None => x.shape().iter().copied().filter(|&d| d != 1).collect(),
            Some(axes) => {
                let axes: Vec<usize> = axes
                    .iter()
                    .map(|&a| normalize_axis(a, rank))
                    .collect::<OpResult<_>>()?;
                if let Some(&bad) = axes.iter().find(|&&a| x.shape()[a] != 1) {
                    return Err(OpError::new(format!(
                        "cannot squeeze axis {bad} of size {}",
                        x.shape()[bad]
                    )));
                }
                x.shape()
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !axes.contains(i))
                    .map(|(_, &d)| d)
                    .collect()
            }
        };
        one(x.clone().reshaped(shape)?)
    }
}

#[derive(Debug)]
struct Unsqueeze(Axes);

pub(crate) fn unsqueeze(context: &BuildContext<'_>) -> Built {
    context.attributes().only(&["axes"])?;
    Ok(Box::new(Unsqueeze(axes(context, 13)?)))
}

impl Operator for Unsqueeze {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let axes = self
            .0
            .get(inputs, 1)?
            .ok_or_else(|| OpError::new("Unsqueeze needs axes"))?;
        let rank = x.rank() + axes.len();
        let mut axes: Vec<usize> = axes
            .iter()
            .map(|&a| normalize_axis(a, rank))
            .collect::<OpResult<_>>()?;
        axes.sort_unstable();
        axes.dedup();
        let mut dims = x.shape().iter().copied();
        let shape: Vec<usize> = (0..rank)
            .map(|i| {
                if axes.contains(&i) {
                    1
                } else {
                    dims.next().unwrap_or(1)
                }
            })
            .collect();
        one(x.clone().reshaped(shape)?)
    }
}

#[derive(Debug)]
struct Transpose(Option<Vec<i64>>);

pub(crate) fn transpose(context: &BuildContext<'_>) -> Built {
    let a = context.attributes();
    a.only(&["perm"])?;
    Ok(Box::new(Transpose(a.ints("perm")?)))
}

/// For each output element (row-major), the flat index it reads from `shape` permuted by `perm`.
fn permutation_sources(shape: &[usize], perm: &[usize]) -> Vec<usize> {
    let rank = shape.len();
    let mut strides = vec![1; rank];
    for i in (0..rank.saturating_sub(1)).rev() {
        strides[i] = strides[i + 1] * shape[i + 1];
    }
    let out: Vec<usize> = perm.iter().map(|&p| shape[p]).collect();
    let count: usize = out.iter().product();
    let mut sources = Vec::with_capacity(count);
    let mut index = vec![0; rank];
    for _ in 0..count {
        sources.push(index.iter().zip(perm).map(|(&i, &p)| i * strides[p]).sum());
        for d in (0..rank).rev() {
            index[d] += 1;
            if index[d] < out[d] {
                break;
            }
            index[d] = 0;
        }
    }
    sources
}

impl Operator for Transpose {
    #[allow(
        clippy::clone_on_copy,
        reason = "one body serves every element type, strings included"
    )]
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let rank = x.rank();
        let perm: Vec<usize> = match &self.0 {
            None => (0..rank).rev().collect(),
            Some(p) => p
                .iter()
                .map(|&a| normalize_axis(a, rank))
                .collect::<OpResult<_>>()?,
        };
        let mut sorted = perm.clone();
        sorted.sort_unstable();
        if sorted != (0..rank).collect::<Vec<_>>() {
            return Err(OpError::new(format!(
                "{perm:?} is not a permutation of {rank} axes"
            )));
        }
        let sources = permutation_sources(x.shape(), &perm);
        let shape: Vec<usize> = perm.iter().map(|&p| x.shape()[p]).collect();
        let data = crate::with_element_type!(x.element_type(), T => {
            let v = x.values::<T>().unwrap_or_default();
            T::wrap(sources.iter().map(|&s| v[s].clone()).collect())
        });
        one(HostTensor::new(shape, data)?)
    }
}

/// Starts, ends and optional axes of an opset-1 Slice.
type SliceAttributes = (Vec<i64>, Vec<i64>, Option<Vec<i64>>);

#[derive(Debug)]
struct Slice {
    /// Before opset 10, starts/ends/axes are attributes.
    attributes: Option<SliceAttributes>,
}

pub(crate) fn slice(context: &BuildContext<'_>) -> Built {
    let a = context.attributes();
    a.only(&["starts", "ends", "axes"])?;
    let attributes = if context.opset < 10 {
        Some((
            a.ints("starts")?.ok_or("`starts` is required")?,
            a.ints("ends")?.ok_or("`ends` is required")?,
            a.ints("axes")?,
        ))
    } else {
        None
    };
    Ok(Box::new(Slice { attributes }))
}

impl Operator for Slice {
    #[allow(
        clippy::clone_on_copy,
        reason = "one body serves every element type, strings included"
    )]
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let rank = x.rank();
        let (starts, ends, axes, steps) = match &self.attributes {
            Some((s, e, a)) => (s.clone(), e.clone(), a.clone(), None),
            None => (
                ints_of(tensor_input(inputs, 1)?, "starts")?,
                ints_of(tensor_input(inputs, 2)?, "ends")?,
                optional_tensor_input(inputs, 3)?
                    .map(|t| ints_of(t, "axes"))
                    .transpose()?,
                optional_tensor_input(inputs, 4)?
                    .map(|t| ints_of(t, "steps"))
                    .transpose()?,
            ),
        };
        let axes: Vec<usize> = match axes {
            Some(a) => a
                .iter()
                .map(|&a| normalize_axis(a, rank))
                .collect::<OpResult<_>>()?,
            None => (0..starts.len()).collect(),
        };
        let steps = steps.unwrap_or_else(|| vec![1; starts.len()]);
        if ends.len() != starts.len() || axes.len() != starts.len() || steps.len() != starts.len() {
            return Err(OpError::new(
                "starts, ends, axes and steps differ in length",
            ));
        }
        // Per axis: the list of source positions kept.
        let mut kept: Vec<Vec<usize>> = x.shape().iter().map(|&d| (0..d).collect()).collect();
        for i in 0..starts.len() {
            let dim = to_i64(x.shape()[axes[i]]);
            let step = steps[i];
            if step == 0 {
                return Err(OpError::new("a slice step is 0"));
            }
            let resolve =
                |v: i64, low: i64, high: i64| (if v < 0 { v + dim } else { v }).clamp(low, high);
            let (start, end) = if step > 0 {
                (resolve(starts[i], 0, dim), resolve(ends[i], 0, dim))
            } else {
                (
                    resolve(starts[i], -1, dim - 1),
                    resolve(ends[i], -1, dim - 1),
                )
            };
            let mut positions = Vec::new();
            let mut p = start;
            while (step > 0 && p < end) || (step < 0 && p > end) {
                positions.push(usize::try_from(p).unwrap_or(0));
                p += step;
            }
            kept[axes[i]] = positions;
        }
        let shape: Vec<usize> = kept.iter().map(Vec::len).collect();
        let count: usize = shape.iter().product();
        let mut strides = vec![1; rank];
        for d in (0..rank.saturating_sub(1)).rev() {
            strides[d] = strides[d + 1] * x.shape()[d + 1];
        }
        let mut sources = Vec::with_capacity(count);
        let mut index = vec![0; rank];
        for _ in 0..count {
            sources.push(
                (0..rank)
                    .map(|d| kept[d][index[d]] * strides[d])
                    .sum::<usize>(),
            );
            for d in (0..rank).rev() {
                index[d] += 1;
                if index[d] < shape[d] {
                    break;
                }
                index[d] = 0;
            }
        }
        let data = crate::with_element_type!(x.element_type(), T => {
            let v = x.values::<T>().unwrap_or_default();
            T::wrap(sources.iter().map(|&s| v[s].clone()).collect())
        });
        one(HostTensor::new(shape, data)?)
    }
}

#[derive(Debug)]
struct Dropout;

pub(crate) fn dropout(context: &BuildContext<'_>) -> Built {
    context.attributes().only(&["seed", "ratio", "is_test"])?;
    Ok(Box::new(Dropout))
}

impl Operator for Dropout {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        // Inference: the input passes through; with training_mode set the op would drop values.
        if let Some(mode) = optional_tensor_input(inputs, 2)?
            && mode
                .to_f64_vec()
                .unwrap_or_default()
                .first()
                .is_some_and(|&m| m != 0.0)
        {
            return Err(OpError::new("training-mode Dropout is not supported"));
        }
        let x = tensor_input(inputs, 0)?;
        let mask = HostTensor::new(x.shape().to_vec(), TensorData::Bool(vec![true; x.len()]))?;
        Ok(vec![Value::Tensor(x.clone()), Value::Tensor(mask)])
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Comparison {
    Equal,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}

#[derive(Debug)]
struct Compare(Comparison);

pub(crate) fn compare(context: &BuildContext<'_>, kind: Comparison) -> Built {
    context.attributes().only(&[])?;
    Ok(Box::new(Compare(kind)))
}

fn compare_values<T: PartialOrd + Clone>(kind: Comparison) -> impl Fn(&T, &T) -> bool {
    move |a, b| match kind {
        Comparison::Equal => a == b,
        Comparison::Greater => a > b,
        Comparison::GreaterOrEqual => a >= b,
        Comparison::Less => a < b,
        Comparison::LessOrEqual => a <= b,
    }
}

impl Operator for Compare {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let a = tensor_input(inputs, 0)?;
        let b = tensor_input(inputs, 1)?;
        if a.element_type() != b.element_type() {
            return Err(OpError::new(format!(
                "operands have types {} and {}",
                a.element_type(),
                b.element_type()
            )));
        }
        let (shape, values) = crate::with_element_type!(a.element_type(), T => {
            let f = compare_values::<T>(self.0);
            let x: Vec<&T> = a.values::<T>().unwrap_or_default().iter().collect();
            let y: Vec<&T> = b.values::<T>().unwrap_or_default().iter().collect();
            broadcast_map(&x, a.shape(), &y, b.shape(), f)?
        });
        one(HostTensor::new(shape, TensorData::Bool(values))?)
    }
}

#[derive(Debug)]
struct Not;

pub(crate) fn not(context: &BuildContext<'_>) -> Built {
    context.attributes().only(&[])?;
    Ok(Box::new(Not))
}

impl Operator for Not {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let v = x
            .values::<bool>()
            .ok_or_else(|| OpError::new("Not needs a bool input"))?;
        one(HostTensor::new(
            x.shape().to_vec(),
            TensorData::Bool(v.iter().map(|b| !b).collect()),
        )?)
    }
}

#[derive(Debug)]
struct Where;

pub(crate) fn where_op(context: &BuildContext<'_>) -> Built {
    context.attributes().only(&[])?;
    Ok(Box::new(Where))
}

impl Operator for Where {
    #[allow(
        clippy::clone_on_copy,
        reason = "one body serves every element type, strings included"
    )]
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let condition = tensor_input(inputs, 0)?;
        let x = tensor_input(inputs, 1)?;
        let y = tensor_input(inputs, 2)?;
        let c = condition
            .values::<bool>()
            .ok_or_else(|| OpError::new("the condition must be bool"))?;
        if x.element_type() != y.element_type() {
            return Err(OpError::new("X and Y have different types"));
        }
        let shape = broadcast_shape(&broadcast_shape(condition.shape(), x.shape())?, y.shape())?;
        let positions = |s: &[usize]| -> OpResult<Vec<usize>> {
            let indices: Vec<usize> = (0..s.iter().product()).collect();
            let zeros = vec![0_usize; shape.iter().product()];
            Ok(broadcast_map(&indices, s, &zeros, &shape, |i, _| i)?.1)
        };
        let (pc, px, py) = (
            positions(condition.shape())?,
            positions(x.shape())?,
            positions(y.shape())?,
        );
        let data = crate::with_element_type!(x.element_type(), T => {
            let (xv, yv) = (x.values::<T>().unwrap_or_default(), y.values::<T>().unwrap_or_default());
            T::wrap((0..pc.len()).map(|i| if c[pc[i]] { xv[px[i]].clone() } else { yv[py[i]].clone() }).collect())
        });
        one(HostTensor::new(shape, data)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpose_sources_follow_the_permutation() {
        // [[0,1,2],[3,4,5]] transposed is [[0,3],[1,4],[2,5]].
        assert_eq!(
            permutation_sources(&[2, 3], &[1, 0]),
            vec![0, 3, 1, 4, 2, 5]
        );
    }
}
