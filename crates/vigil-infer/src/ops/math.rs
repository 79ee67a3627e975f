//! Numeric operators computed on the host: Pow, LeakyRelu, Clip, LogSoftmax, the Reduce family,
//! TopK, BatchNormalization (inference), AveragePool and GlobalAveragePool.

use super::burn_ops::{Window, window};
use super::elementwise::broadcast_map;
use super::{
    BuildContext, BuildError, Built, Operator, normalize_axis, one, optional_tensor_input,
    tensor_input,
};
use crate::Device;
use crate::error::{OpError, OpResult};
use crate::tensor::{Element, HostTensor, Number, TensorData};
use crate::value::Value;

/// A float tensor's values as f64 with a way back to its own type.
fn floats(t: &HostTensor, what: &str) -> OpResult<Vec<f64>> {
    match t.data() {
        TensorData::F32(_) | TensorData::F64(_) => Ok(t.to_f64_vec().unwrap_or_default()),
        other => Err(OpError::new(format!(
            "{what} must be float or double, not {}",
            other.element_type()
        ))),
    }
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "results return to the input's float32 type"
)]
fn same_float_type(like: &HostTensor, shape: Vec<usize>, values: Vec<f64>) -> OpResult<HostTensor> {
    Ok(match like.data() {
        TensorData::F64(_) => HostTensor::new(shape, TensorData::F64(values))?,
        _ => HostTensor::f32(shape, values.into_iter().map(|v| v as f32).collect())?,
    })
}

#[derive(Debug)]
struct Pow;

pub(crate) fn pow(context: &BuildContext<'_>) -> Built {
    context.attributes().only(&[])?;
    Ok(Box::new(Pow))
}

impl Operator for Pow {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let y = tensor_input(inputs, 1)?;
        let base = x
            .to_f64_vec()
            .ok_or_else(|| OpError::new("the base must be numeric"))?;
        let exponent = y
            .to_f64_vec()
            .ok_or_else(|| OpError::new("the exponent must be numeric"))?;
        let (shape, values) = broadcast_map(&base, x.shape(), &exponent, y.shape(), f64::powf)?;
        let data = crate::with_numeric_type!(x.element_type(), T => T::wrap(values.into_iter().map(T::from_f64).collect()),
            other => return Err(OpError::new(format!("Pow is not defined for {other}"))));
        one(HostTensor::new(shape, data)?)
    }
}

#[derive(Debug)]
struct LeakyRelu(f64);

pub(crate) fn leaky_relu(context: &BuildContext<'_>) -> Built {
    let a = context.attributes();
    a.only(&["alpha"])?;
    Ok(Box::new(LeakyRelu(f64::from(a.float_or("alpha", 0.01)?))))
}

impl Operator for LeakyRelu {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let values = floats(x, "the input")?
            .into_iter()
            .map(|v| if v < 0.0 { v * self.0 } else { v })
            .collect();
        one(same_float_type(x, x.shape().to_vec(), values)?)
    }
}

#[derive(Debug)]
struct Clip {
    /// Before opset 11 the bounds are attributes.
    bounds: Option<(f32, f32)>,
}

pub(crate) fn clip(context: &BuildContext<'_>) -> Built {
    let a = context.attributes();
    a.only(&["min", "max"])?;
    let bounds = if context.opset < 11 {
        Some((
            a.float_or("min", f32::NEG_INFINITY)?,
            a.float_or("max", f32::INFINITY)?,
        ))
    } else {
        None
    };
    Ok(Box::new(Clip { bounds }))
}

impl Operator for Clip {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let bound = |i: usize| -> OpResult<Option<f64>> {
            Ok(optional_tensor_input(inputs, i)?
                .and_then(HostTensor::to_f64_vec)
                .and_then(|v| v.first().copied()))
        };
        let (low, high) = match self.bounds {
            Some((l, h)) => (Some(f64::from(l)), Some(f64::from(h))),
            None => (bound(1)?, bound(2)?),
        };
        let data = crate::with_numeric_type!(x.element_type(), T => {
            let (low, high) = (low.map(T::from_f64), high.map(T::from_f64));
            T::wrap(x.values::<T>().unwrap_or_default().iter().map(|&v| {
                let v = match low { Some(l) if v < l => l, _ => v };
                match high { Some(h) if v > h => h, _ => v }
            }).collect())
        }, other => return Err(OpError::new(format!("Clip is not defined for {other}"))));
        one(HostTensor::new(x.shape().to_vec(), data)?)
    }
}

#[derive(Debug)]
struct LogSoftmax {
    axis: i64,
    coerce_2d: bool,
}

pub(crate) fn log_softmax(context: &BuildContext<'_>) -> Built {
    let a = context.attributes();
    a.only(&["axis"])?;
    let coerce_2d = context.opset < 13;
    Ok(Box::new(LogSoftmax {
        axis: a.int_or("axis", if coerce_2d { 1 } else { -1 })?,
        coerce_2d,
    }))
}

impl Operator for LogSoftmax {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let axis = normalize_axis(self.axis, x.rank())?;
        let (outer, n, inner): (usize, usize, usize) = if self.coerce_2d {
            (
                x.shape()[..axis].iter().product(),
                x.shape()[axis..].iter().product(),
                1,
            )
        } else {
            (
                x.shape()[..axis].iter().product(),
                x.shape()[axis],
                x.shape()[axis + 1..].iter().product(),
            )
        };
        let mut v = floats(x, "the input")?;
        for o in 0..outer {
            for i in 0..inner {
                let idx = |k: usize| (o * n + k) * inner + i;
                let max = (0..n).map(|k| v[idx(k)]).fold(f64::NEG_INFINITY, f64::max);
                let log_sum = (0..n).map(|k| (v[idx(k)] - max).exp()).sum::<f64>().ln();
                for k in 0..n {
                    v[idx(k)] = v[idx(k)] - max - log_sum;
                }
            }
        }
        one(same_float_type(x, x.shape().to_vec(), v)?)
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Reduction {
    Sum,
    Mean,
    Max,
    Min,
    Prod,
    LogSumExp,
    SumSquare,
    L1,
    L2,
    LogSum,
}

#[derive(Debug)]
struct Reduce {
    kind: Reduction,
    keep_dims: bool,
    noop_with_empty_axes: bool,
    /// Axes as an attribute (older opsets); `None` means from the second input.
    attribute_axes: Option<Option<Vec<i64>>>,
}

pub(crate) fn reduce(context: &BuildContext<'_>, kind: Reduction) -> Built {
    let a = context.attributes();
    a.only(&["axes", "keepdims", "noop_with_empty_axes"])?;
    // ReduceSum took axes as an input from opset 13, the others from opset 18.
    let input_from = if matches!(kind, Reduction::Sum) {
        13
    } else {
        18
    };
    let attribute_axes = if context.opset < input_from {
        Some(a.ints("axes")?)
    } else {
        None
    };
    Ok(Box::new(Reduce {
        kind,
        keep_dims: a.int_or("keepdims", 1)? == 1,
        noop_with_empty_axes: a.int_or("noop_with_empty_axes", 0)? == 1,
        attribute_axes,
    }))
}

impl Reduce {
    fn fold(&self, values: &[f64]) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "counts are small")]
        let n = values.len() as f64;
        match self.kind {
            Reduction::Sum => values.iter().sum(),
            Reduction::Mean => values.iter().sum::<f64>() / n,
            Reduction::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            Reduction::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
            Reduction::Prod => values.iter().product(),
            Reduction::LogSumExp => {
                let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                if max.is_infinite() {
                    max
                } else {
                    max + values.iter().map(|v| (v - max).exp()).sum::<f64>().ln()
                }
            }
            Reduction::SumSquare => values.iter().map(|v| v * v).sum(),
            Reduction::L1 => values.iter().map(|v| v.abs()).sum(),
            Reduction::L2 => values.iter().map(|v| v * v).sum::<f64>().sqrt(),
            Reduction::LogSum => values.iter().sum::<f64>().ln(),
        }
    }
}

impl Operator for Reduce {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let rank = x.rank();
        let axes = match &self.attribute_axes {
            Some(a) => a.clone(),
            None => optional_tensor_input(inputs, 1)?.map(|t| t.to_i64_vec().unwrap_or_default()),
        };
        let axes: Vec<usize> = match axes {
            Some(a) if !a.is_empty() => a
                .iter()
                .map(|&a| normalize_axis(a, rank))
                .collect::<OpResult<_>>()?,
            _ if self.noop_with_empty_axes => return Ok(vec![Value::Tensor(x.clone())]),
            _ => (0..rank).collect(),
        };
        if x.element_type() == crate::tensor::ElementType::Bool
            && !matches!(self.kind, Reduction::Max | Reduction::Min)
        {
            return Err(OpError::new(
                "only ReduceMax and ReduceMin are defined for bool",
            ));
        }
        let values = x
            .to_f64_vec()
            .ok_or_else(|| OpError::new("Reduce needs numeric input"))?;
        let out_dims: Vec<usize> = x
            .shape()
            .iter()
            .enumerate()
            .map(|(i, &d)| if axes.contains(&i) { 1 } else { d })
            .collect();
        let count: usize = out_dims.iter().product();
        let mut groups: Vec<Vec<f64>> = vec![Vec::new(); count];
        let mut index = vec![0; rank];
        for v in &values {
            let mut target = 0;
            for d in 0..rank {
                target = target * out_dims[d] + if axes.contains(&d) { 0 } else { index[d] };
            }
            groups[target].push(*v);
            for d in (0..rank).rev() {
                index[d] += 1;
                if index[d] < x.shape()[d] {
                    break;
                }
                index[d] = 0;
            }
        }
        let reduced: Vec<f64> = groups.iter().map(|g| self.fold(g)).collect();
        let shape: Vec<usize> = if self.keep_dims {
            out_dims
        } else {
            x.shape()
                .iter()
                .enumerate()
                .filter(|(i, _)| !axes.contains(i))
                .map(|(_, &d)| d)
                .collect()
        };
        let data = crate::with_numeric_type!(x.element_type(), T => T::wrap(reduced.into_iter().map(T::from_f64).collect()),
            // An empty max is -inf (false, as `any`), an empty min +inf (true, as `all`).
            _ => TensorData::Bool(reduced.into_iter().map(|v| v > 0.0).collect()));
        one(HostTensor::new(shape, data)?)
    }
}

#[derive(Debug)]
struct TopK {
    axis: i64,
    largest: bool,
}

pub(crate) fn top_k(context: &BuildContext<'_>) -> Built {
    let a = context.attributes();
    a.only(&["axis", "largest", "sorted", "k"])?;
    if context.opset < 10 {
        return Err(BuildError::Invalid(
            "TopK before opset 10 (k as an attribute) is not supported".to_owned(),
        ));
    }
    Ok(Box::new(TopK {
        axis: a.int_or("axis", -1)?,
        largest: a.int_or("largest", 1)? == 1,
    }))
}

impl Operator for TopK {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let k = tensor_input(inputs, 1)?
            .to_i64_vec()
            .and_then(|v| v.first().copied())
            .ok_or_else(|| OpError::new("K must be an int64"))?;
        let axis = normalize_axis(self.axis, x.rank())?;
        let n = x.shape()[axis];
        let k = usize::try_from(k)
            .ok()
            .filter(|&k| k <= n)
            .ok_or_else(|| OpError::new(format!("K = {k} is out of range for {n}")))?;
        let outer: usize = x.shape()[..axis].iter().product();
        let inner: usize = x.shape()[axis + 1..].iter().product();
        let mut shape = x.shape().to_vec();
        shape[axis] = k;
        let mut picks = vec![0_usize; outer * k * inner];
        let values = x
            .to_f64_vec()
            .ok_or_else(|| OpError::new("TopK needs numeric input"))?;
        for o in 0..outer {
            for i in 0..inner {
                let mut order: Vec<usize> = (0..n).collect();
                let at = |j: usize| values[(o * n + j) * inner + i];
                // Ties keep the lower index first, as the ONNX reference does.
                order.sort_by(|&p, &q| {
                    let cmp = at(p)
                        .partial_cmp(&at(q))
                        .unwrap_or(std::cmp::Ordering::Equal);
                    (if self.largest { cmp.reverse() } else { cmp }).then(p.cmp(&q))
                });
                for (j, &p) in order.iter().take(k).enumerate() {
                    picks[(o * k + j) * inner + i] = p;
                }
            }
        }
        let sources: Vec<usize> = (0..picks.len())
            .map(|idx| {
                let (o, rest) = (idx / (k * inner), idx % (k * inner));
                let i = rest % inner;
                (o * n + picks[idx]) * inner + i
            })
            .collect();
        let data = crate::with_numeric_type!(x.element_type(), T => {
            let v = x.values::<T>().unwrap_or_default();
            T::wrap(sources.iter().map(|&s| v[s]).collect())
        }, other => return Err(OpError::new(format!("not defined for {other}"))));
        let indices: Vec<i64> = picks
            .iter()
            .map(|&p| i64::try_from(p).unwrap_or(i64::MAX))
            .collect();
        Ok(vec![
            Value::Tensor(HostTensor::new(shape.clone(), data)?),
            Value::Tensor(HostTensor::i64(shape, indices)?),
        ])
    }
}

#[derive(Debug)]
struct BatchNormalization {
    epsilon: f64,
}

pub(crate) fn batch_normalization(context: &BuildContext<'_>) -> Built {
    let a = context.attributes();
    a.only(&["epsilon", "momentum", "training_mode", "spatial"])?;
    if a.int_or("training_mode", 0)? != 0 {
        return Err(BuildError::Invalid(
            "training-mode BatchNormalization is not supported".to_owned(),
        ));
    }
    if context.node.output.iter().filter(|o| !o.is_empty()).count() > 1 {
        return Err(BuildError::Invalid(
            "the running-statistics outputs are training-only".to_owned(),
        ));
    }
    Ok(Box::new(BatchNormalization {
        epsilon: f64::from(a.float_or("epsilon", 1e-5)?),
    }))
}

impl Operator for BatchNormalization {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let [scale, bias, mean, var] =
            [1, 2, 3, 4].map(|i| tensor_input(inputs, i).and_then(|t| floats(t, "a parameter")));
        let (scale, bias, mean, var) = (scale?, bias?, mean?, var?);
        let channels = *x
            .shape()
            .get(1)
            .ok_or_else(|| OpError::new("expects [N, C, …]"))?;
        if [&scale, &bias, &mean, &var]
            .iter()
            .any(|p| p.len() != channels)
        {
            return Err(OpError::new(format!(
                "parameters must have {channels} values"
            )));
        }
        let inner: usize = x.shape()[2..].iter().product();
        let values: Vec<f64> = floats(x, "the input")?
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let c = (i / inner) % channels;
                (v - mean[c]) / (var[c] + self.epsilon).sqrt() * scale[c] + bias[c]
            })
            .collect();
        one(same_float_type(x, x.shape().to_vec(), values)?)
    }
}

#[derive(Debug)]
struct AveragePool {
    window: Option<Window>,
    ceil_mode: bool,
    count_include_pad: bool,
}

pub(crate) fn average_pool(context: &BuildContext<'_>, global: bool) -> Built {
    let a = context.attributes();
    if global {
        a.only(&[])?;
        return Ok(Box::new(AveragePool {
            window: None,
            ceil_mode: false,
            count_include_pad: false,
        }));
    }
    a.only(&[
        "auto_pad",
        "ceil_mode",
        "count_include_pad",
        "dilations",
        "kernel_shape",
        "pads",
        "strides",
    ])?;
    Ok(Box::new(AveragePool {
        window: Some(window(context)?),
        ceil_mode: a.int_or("ceil_mode", 0)? == 1,
        count_include_pad: a.int_or("count_include_pad", 0)? == 1,
    }))
}

impl Operator for AveragePool {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        if x.rank() < 3 {
            return Err(OpError::new(format!(
                "expects [N, C, spatial…], got {:?}",
                x.shape()
            )));
        }
        let spatial = x.shape()[2..].to_vec();
        let values = floats(x, "the input")?;
        let planes = x.shape()[0] * x.shape()[1];
        let in_size: usize = spatial.iter().product();
        let Some(window) = &self.window else {
            #[expect(clippy::cast_precision_loss, reason = "sizes are small")]
            let means = (0..planes)
                .map(|p| {
                    values[p * in_size..(p + 1) * in_size].iter().sum::<f64>() / in_size as f64
                })
                .collect();
            let mut shape = x.shape()[..2].to_vec();
            shape.extend(std::iter::repeat_n(1, spatial.len()));
            return one(same_float_type(x, shape, means)?);
        };
        let r = window.resolve(None, &spatial)?;
        let dims = spatial.len();
        let out = r.pooled_dims(&spatial, self.ceil_mode);
        let out_size: usize = out.iter().product();
        let kernel_size: usize = r.kernel.iter().product();
        let mut result = Vec::with_capacity(planes * out_size);
        for plane in 0..planes {
            for o in 0..out_size {
                let mut rem = o;
                let mut coord = vec![0; dims];
                for d in (0..dims).rev() {
                    coord[d] = rem % out[d];
                    rem /= out[d];
                }
                let (mut sum, mut count, mut padded_count) = (0.0, 0_usize, 0_usize);
                for k in 0..kernel_size {
                    let mut krem = k;
                    let mut offset = 0;
                    let mut inside = true;
                    let mut within_pads = true;
                    let mut stride = 1;
                    for d in (0..dims).rev() {
                        let kd = krem % r.kernel[d];
                        krem /= r.kernel[d];
                        let p = coord[d] * r.strides[d] + kd * r.dilations[d];
                        // Positions past the end padding (ceil mode) count for nothing.
                        if p >= spatial[d] + r.pads[d].0 + r.pads[d].1 {
                            within_pads = false;
                        }
                        match p.checked_sub(r.pads[d].0) {
                            Some(q) if q < spatial[d] => offset += q * stride,
                            _ => inside = false,
                        }
                        stride *= spatial[d];
                    }
                    if within_pads {
                        padded_count += 1;
                    }
                    if inside {
                        sum += values[plane * in_size + offset];
                        count += 1;
                    }
                }
                let divisor = if self.count_include_pad {
                    padded_count
                } else {
                    count
                };
                #[expect(clippy::cast_precision_loss, reason = "window sizes are small")]
                result.push(if divisor == 0 {
                    0.0
                } else {
                    sum / divisor as f64
                });
            }
        }
        let mut shape = x.shape()[..2].to_vec();
        shape.extend(out);
        one(same_float_type(x, shape, result)?)
    }
}
