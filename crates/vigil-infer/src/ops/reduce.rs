//! Operators that work along one axis: ArgMax, ArgMin and Softmax.

use super::{BuildContext, Built, Operator, normalize_axis, one, tensor_input};
use crate::Device;
use crate::error::{OpError, OpResult};
use crate::tensor::{HostTensor, TensorData};
use crate::value::Value;

/// `(outer, axis length, inner)` for walking `shape` along `axis`.
fn split(shape: &[usize], axis: usize) -> (usize, usize, usize) {
    (
        shape[..axis].iter().product(),
        shape[axis],
        shape[axis + 1..].iter().product(),
    )
}

#[derive(Debug)]
struct ArgExtreme {
    max: bool,
    axis: i64,
    keep_dims: bool,
    last_index: bool,
}

pub(crate) fn arg_extreme(context: &BuildContext<'_>, max: bool) -> Built {
    let attributes = context.attributes();
    attributes.only(&["axis", "keepdims", "select_last_index"])?;
    Ok(Box::new(ArgExtreme {
        max,
        axis: attributes.int_or("axis", 0)?,
        keep_dims: attributes.int_or("keepdims", 1)? == 1,
        last_index: attributes.int_or("select_last_index", 0)? == 1,
    }))
}

impl ArgExtreme {
    fn pick<T: PartialOrd + Copy>(&self, v: &[T], shape: &[usize], axis: usize) -> Vec<i64> {
        let (outer, n, inner) = split(shape, axis);
        let mut out = Vec::with_capacity(outer * inner);
        for o in 0..outer {
            for i in 0..inner {
                let at = |k: usize| v[(o * n + k) * inner + i];
                let mut best = 0;
                for k in 1..n {
                    let (candidate, current) = (at(k), at(best));
                    let better = if self.max {
                        candidate > current
                    } else {
                        candidate < current
                    };
                    let tie = candidate == current;
                    if better || (tie && self.last_index) {
                        best = k;
                    }
                }
                out.push(i64::try_from(best).unwrap_or(i64::MAX));
            }
        }
        out
    }
}

impl Operator for ArgExtreme {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let axis = normalize_axis(self.axis, x.rank())?;
        if x.shape()[axis] == 0 {
            return Err(OpError::new("cannot take the arg-extreme of an empty axis"));
        }
        let indices = match x.data() {
            TensorData::F32(v) => self.pick(v, x.shape(), axis),
            TensorData::F64(v) => self.pick(v, x.shape(), axis),
            TensorData::I64(v) => self.pick(v, x.shape(), axis),
            TensorData::I32(v) => self.pick(v, x.shape(), axis),
            other => {
                return Err(OpError::new(format!(
                    "not defined for {}",
                    other.element_type()
                )));
            }
        };
        let mut shape = x.shape().to_vec();
        if self.keep_dims {
            shape[axis] = 1;
        } else {
            shape.remove(axis);
        }
        one(HostTensor::i64(shape, indices)?)
    }
}

#[derive(Debug)]
struct Softmax {
    axis: i64,
    /// Before opset 13 the input is seen as 2-D, split at `axis`.
    coerce_2d: bool,
}

pub(crate) fn softmax(context: &BuildContext<'_>) -> Built {
    let attributes = context.attributes();
    attributes.only(&["axis"])?;
    let coerce_2d = context.opset < 13;
    let axis = attributes.int_or("axis", if coerce_2d { 1 } else { -1 })?;
    Ok(Box::new(Softmax { axis, coerce_2d }))
}

/// Softmax of each `n`-long run, computed as onnxruntime does: `exp(x - max) / sum`.
macro_rules! softmax_rows {
    ($v:expr, $outer:expr, $n:expr, $inner:expr, $t:ty) => {{
        let mut out: Vec<$t> = $v.to_vec();
        for o in 0..$outer {
            for i in 0..$inner {
                let idx = |k: usize| (o * $n + k) * $inner + i;
                let max = (0..$n)
                    .map(|k| out[idx(k)])
                    .fold(<$t>::NEG_INFINITY, <$t>::max);
                let mut sum: $t = 0.0;
                for k in 0..$n {
                    let e = (out[idx(k)] - max).exp();
                    out[idx(k)] = e;
                    sum += e;
                }
                for k in 0..$n {
                    out[idx(k)] /= sum;
                }
            }
        }
        out
    }};
}

impl Operator for Softmax {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let axis = normalize_axis(self.axis, x.rank())?;
        let (outer, n, inner) = if self.coerce_2d {
            (
                x.shape()[..axis].iter().product(),
                x.shape()[axis..].iter().product(),
                1,
            )
        } else {
            split(x.shape(), axis)
        };
        let data = match x.data() {
            TensorData::F32(v) => TensorData::F32(softmax_rows!(v, outer, n, inner, f32)),
            TensorData::F64(v) => TensorData::F64(softmax_rows!(v, outer, n, inner, f64)),
            other => {
                return Err(OpError::new(format!(
                    "not defined for {}",
                    other.element_type()
                )));
            }
        };
        one(HostTensor::new(x.shape().to_vec(), data)?)
    }
}
