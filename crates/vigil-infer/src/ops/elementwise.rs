//! Element-wise arithmetic with NumPy broadcasting, and element-wise functions.

use super::{BuildContext, Built, Operator, one, tensor_input};
use crate::Device;
use crate::error::{OpError, OpResult};
use crate::tensor::{Element, HostTensor, Number, TensorData};
use crate::value::Value;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Binary {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug)]
struct BinaryOp(Binary);

pub(crate) fn binary(context: &BuildContext<'_>, kind: Binary) -> Built {
    // Opsets before 7 had an explicit `broadcast` attribute with other rules.
    if context.opset < 7 {
        return Err(format!(
            "opset {} is older than the oldest supported (7)",
            context.opset
        )
        .into());
    }
    context.attributes().only(&[])?;
    Ok(Box::new(BinaryOp(kind)))
}

/// The shape both operands broadcast to.
pub(crate) fn broadcast_shape(a: &[usize], b: &[usize]) -> OpResult<Vec<usize>> {
    let rank = a.len().max(b.len());
    let dim = |s: &[usize], i: usize| {
        if i + s.len() < rank {
            1
        } else {
            s[i + s.len() - rank]
        }
    };
    (0..rank)
        .map(|i| match (dim(a, i), dim(b, i)) {
            (x, y) if x == y => Ok(x),
            (1, y) => Ok(y),
            (x, 1) => Ok(x),
            (x, y) => Err(OpError::new(format!(
                "shapes {a:?} and {b:?} do not broadcast ({x} vs {y})"
            ))),
        })
        .collect()
}

/// Strides of `shape` seen from an output of rank `rank`, zero along broadcast dimensions.
fn broadcast_strides(shape: &[usize], out: &[usize]) -> Vec<usize> {
    let mut strides = vec![0; out.len()];
    let mut stride = 1;
    for (i, &d) in shape.iter().enumerate().rev() {
        let o = i + out.len() - shape.len();
        strides[o] = if d == 1 { 0 } else { stride };
        stride *= d;
    }
    strides
}

/// Applies `f` to every broadcast pair of elements.
pub(crate) fn broadcast_map<T: Copy, U>(
    a: &[T],
    a_shape: &[usize],
    b: &[T],
    b_shape: &[usize],
    f: impl Fn(T, T) -> U,
) -> OpResult<(Vec<usize>, Vec<U>)> {
    let out = broadcast_shape(a_shape, b_shape)?;
    crate::tensor::element_count(&out).map_err(OpError::new)?;
    if a_shape == b_shape {
        return Ok((out, a.iter().zip(b).map(|(&x, &y)| f(x, y)).collect()));
    }
    let count: usize = out.iter().product();
    if b.len() == 1 && a.len() == count {
        return Ok((out, a.iter().map(|&x| f(x, b[0])).collect()));
    }
    if a.len() == 1 && b.len() == count {
        return Ok((out, b.iter().map(|&y| f(a[0], y)).collect()));
    }
    let sa = broadcast_strides(a_shape, &out);
    let sb = broadcast_strides(b_shape, &out);
    let mut index = vec![0_usize; out.len()];
    let (mut ia, mut ib) = (0_usize, 0_usize);
    let mut values = Vec::with_capacity(count);
    for _ in 0..count {
        values.push(f(a[ia], b[ib]));
        // Odometer increment of the output index, moving both input offsets along.
        for d in (0..out.len()).rev() {
            index[d] += 1;
            ia += sa[d];
            ib += sb[d];
            if index[d] < out[d] {
                break;
            }
            ia -= sa[d] * out[d];
            ib -= sb[d] * out[d];
            index[d] = 0;
        }
    }
    Ok((out, values))
}

impl Operator for BinaryOp {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let a = tensor_input(inputs, 0)?;
        let b = tensor_input(inputs, 1)?;
        let ty = a.element_type();
        if ty != b.element_type() {
            return Err(OpError::new(format!(
                "operands have types {ty} and {}; they must be the same numeric type",
                b.element_type()
            )));
        }
        let result = crate::with_numeric_type!(ty, T => {
            let x = a.values::<T>().unwrap_or_default();
            let y = b.values::<T>().unwrap_or_default();
            let (shape, values) = match self.0 {
                Binary::Add => broadcast_map(x, a.shape(), y, b.shape(), T::add)?,
                Binary::Sub => broadcast_map(x, a.shape(), y, b.shape(), T::sub)?,
                Binary::Mul => broadcast_map(x, a.shape(), y, b.shape(), T::mul)?,
                Binary::Div => {
                    let (shape, values) = broadcast_map(x, a.shape(), y, b.shape(), T::div)?;
                    let values: Option<Vec<T>> = values.into_iter().collect();
                    (shape, values.ok_or_else(|| OpError::new("integer division by zero"))?)
                }
            };
            HostTensor::new(shape, T::wrap(values))?
        }, other => return Err(OpError::new(format!("arithmetic is not defined for {other}"))));
        one(result)
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Unary {
    Abs,
    Neg,
    Exp,
    Log,
    Sqrt,
    Reciprocal,
    Relu,
    Sigmoid,
    Tanh,
}

#[derive(Debug)]
struct UnaryOp(Unary);

pub(crate) fn unary(context: &BuildContext<'_>, kind: Unary) -> Built {
    context.attributes().only(&[])?;
    Ok(Box::new(UnaryOp(kind)))
}

/// ONNX Relu: `x` where it is above zero, else zero (NaN too). Conv uses it for a folded Relu.
pub(crate) fn relu<T: Number>(x: T) -> T {
    if x > T::ZERO { x } else { T::ZERO }
}

/// `values` mapped by the function of `kind`. The match is outside the loop, so each loop has
/// its function inlined (and vectorised where it can be); a function chosen per element was
/// an indirect call per value.
macro_rules! float_map {
    ($kind:expr, $t:ty, $values:expr) => {{
        fn map(values: &[$t], f: impl Fn($t) -> $t) -> Vec<$t> {
            values.iter().map(|&x| f(x)).collect()
        }
        let values = $values;
        match $kind {
            Unary::Abs => map(values, |x: $t| x.abs()),
            Unary::Neg => map(values, |x: $t| -x),
            Unary::Exp => map(values, |x: $t| x.exp()),
            Unary::Log => map(values, |x: $t| x.ln()),
            Unary::Sqrt => map(values, |x: $t| x.sqrt()),
            Unary::Reciprocal => map(values, |x: $t| 1.0 / x),
            Unary::Relu => map(values, relu::<$t>),
            Unary::Sigmoid => map(values, |x: $t| 1.0 / (1.0 + (-x).exp())),
            Unary::Tanh => map(values, |x: $t| x.tanh()),
        }
    }};
}

impl Operator for UnaryOp {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let shape = x.shape().to_vec();
        let data = match (x.data(), self.0) {
            (TensorData::F32(v), kind) => TensorData::F32(float_map!(kind, f32, v)),
            (TensorData::F64(v), kind) => TensorData::F64(float_map!(kind, f64, v)),
            (_, kind @ (Unary::Abs | Unary::Neg | Unary::Relu)) => {
                crate::with_numeric_type!(x.element_type(), T => {
                let v = x.values::<T>().unwrap_or_default();
                T::wrap(v.iter().map(|&e| match kind {
                    Unary::Abs => e.abs(),
                    Unary::Neg => e.neg(),
                    _ => relu(e),
                }).collect())
            }, other => return Err(OpError::new(format!("{kind:?} is not defined for {other}"))))
            }
            (other, kind) => {
                return Err(OpError::new(format!(
                    "{kind:?} is not defined for {}",
                    other.element_type()
                )));
            }
        };
        one(HostTensor::new(shape, data)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcasting_follows_numpy() {
        assert_eq!(broadcast_shape(&[2, 3], &[3]).expect("ok"), vec![2, 3]);
        assert_eq!(
            broadcast_shape(&[4, 1, 3], &[2, 1]).expect("ok"),
            vec![4, 2, 3]
        );
        assert!(broadcast_shape(&[2, 3], &[2]).is_err());
        let (shape, v) = broadcast_map(&[1, 2, 3, 4, 5, 6], &[2, 3], &[10, 20], &[2, 1], |a, b| {
            a + b
        })
        .expect("ok");
        assert_eq!(shape, vec![2, 3]);
        assert_eq!(v, vec![11, 12, 13, 24, 25, 26]);
        let (_, v) =
            broadcast_map(&[1, 2], &[2, 1], &[10, 20, 30], &[3], |a, b| a * b).expect("ok");
        assert_eq!(v, vec![10, 20, 30, 20, 40, 60]);
    }
}
