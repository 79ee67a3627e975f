//! The arithmetic-heavy operators, executed on burn: MatMul, Gemm, Conv and MaxPool. Inputs move
//! to the run's device, the op runs there, and the result comes back as a host tensor.

use burn_tensor::module::{conv1d, conv2d};
use burn_tensor::ops::ConvOptions;
use burn_tensor::{Tensor, TensorData};

use super::elementwise::{broadcast_map, relu};
use super::{BuildContext, Built, Operator, one, optional_tensor_input, tensor_input};
use crate::Device;
use crate::error::{OpError, OpResult};
use crate::tensor::HostTensor;
use crate::value::Value;

fn f32_of<'a>(t: &'a HostTensor, what: &str) -> OpResult<&'a [f32]> {
    t.as_f32()
        .ok_or_else(|| OpError::new(format!("{what} must be float, not {}", t.element_type())))
}

fn to_burn<const D: usize>(
    t: &HostTensor,
    shape: [usize; D],
    device: &Device,
) -> OpResult<Tensor<D>> {
    let values = f32_of(t, "the input")?.to_vec();
    Ok(Tensor::<D>::from_data(
        TensorData::new(values, shape),
        device.burn(),
    ))
}

fn from_burn<const D: usize>(t: Tensor<D>) -> OpResult<HostTensor> {
    let shape = t.dims().to_vec();
    let data = t
        .try_into_data()
        .map_err(|e| OpError::new(format!("reading the result failed: {e:?}")))?;
    let values = data
        .try_into_vec::<f32>()
        .map_err(|e| OpError::new(format!("unexpected result type: {e:?}")))?;
    Ok(HostTensor::f32(shape, values)?)
}

/// `[batch, m, k] × [batch or 1, k, n]` on burn; 1-D operands are promoted as NumPy does.
fn matmul_tensors(a: &HostTensor, b: &HostTensor, device: &Device) -> OpResult<HostTensor> {
    let (a_shape, b_shape) = (a.shape(), b.shape());
    if a_shape.is_empty() || b_shape.is_empty() {
        return Err(OpError::new("MatMul needs operands of rank 1 or more"));
    }
    let a2: Vec<usize> = if a_shape.len() == 1 {
        vec![1, a_shape[0]]
    } else {
        a_shape.to_vec()
    };
    let b2: Vec<usize> = if b_shape.len() == 1 {
        vec![b_shape[0], 1]
    } else {
        b_shape.to_vec()
    };
    let (m, k) = (a2[a2.len() - 2], a2[a2.len() - 1]);
    let (k2, n) = (b2[b2.len() - 2], b2[b2.len() - 1]);
    if k != k2 {
        return Err(OpError::new(format!(
            "cannot multiply {a_shape:?} by {b_shape:?}"
        )));
    }
    let a_batch: Vec<usize> = a2[..a2.len() - 2].to_vec();
    let b_batch: Vec<usize> = b2[..b2.len() - 2].to_vec();
    let a_count: usize = a_batch.iter().product();
    let b_count: usize = b_batch.iter().product();
    let (result_batch, product) = if b_count == 1 {
        // The common case (a batch of rows times one weight matrix): one 2-D product.
        let lhs = to_burn(a, [a_count * m, k], device)?;
        let rhs = to_burn(b, [k, n], device)?;
        (a_batch.clone(), from_burn(lhs.matmul(rhs))?)
    } else if a_batch == b_batch {
        let lhs = to_burn(a, [a_count, m, k], device)?;
        let rhs = to_burn(b, [b_count, k, n], device)?;
        (a_batch.clone(), from_burn(lhs.matmul(rhs))?)
    } else {
        // Broadcast the batch dimensions on the host, then one batched product.
        let batch = super::elementwise::broadcast_shape(&a_batch, &b_batch)?;
        let count: usize = batch.iter().product();
        let lhs = expand_batch(f32_of(a, "A")?, &a_batch, &batch, m * k)?;
        let rhs = expand_batch(f32_of(b, "B")?, &b_batch, &batch, k * n)?;
        let lhs = Tensor::<3>::from_data(TensorData::new(lhs, [count, m, k]), device.burn());
        let rhs = Tensor::<3>::from_data(TensorData::new(rhs, [count, k, n]), device.burn());
        (batch, from_burn(lhs.matmul(rhs))?)
    };
    let mut shape = result_batch;
    if a_shape.len() > 1 {
        shape.push(m);
    }
    if b_shape.len() > 1 {
        shape.push(n);
    }
    Ok(product.reshaped(shape)?)
}

/// Repeats `matrices` (each `size` values, laid out by `shape`) to fill the batch `target`.
fn expand_batch(
    values: &[f32],
    shape: &[usize],
    target: &[usize],
    size: usize,
) -> OpResult<Vec<f32>> {
    let indices: Vec<usize> = (0..shape.iter().product::<usize>()).collect();
    let (_, picks) = super::elementwise::broadcast_map(
        &indices,
        shape,
        &vec![0_usize; target.iter().product()],
        target,
        |i, _| i,
    )?;
    Ok(picks
        .iter()
        .flat_map(|&i| values[i * size..(i + 1) * size].iter().copied())
        .collect())
}

#[derive(Debug)]
struct MatMul;

pub(crate) fn matmul(context: &BuildContext<'_>) -> Built {
    context.attributes().only(&[])?;
    Ok(Box::new(MatMul))
}

impl Operator for MatMul {
    fn run(&self, inputs: &[Option<&Value>], device: &Device) -> OpResult<Vec<Value>> {
        one(matmul_tensors(
            tensor_input(inputs, 0)?,
            tensor_input(inputs, 1)?,
            device,
        )?)
    }
}

#[derive(Debug)]
struct Gemm {
    alpha: f32,
    beta: f32,
    trans_a: bool,
    trans_b: bool,
}

pub(crate) fn gemm(context: &BuildContext<'_>) -> Built {
    let attributes = context.attributes();
    attributes.only(&["alpha", "beta", "transA", "transB", "broadcast"])?;
    Ok(Box::new(Gemm {
        alpha: attributes.float_or("alpha", 1.0)?,
        beta: attributes.float_or("beta", 1.0)?,
        trans_a: attributes.int_or("transA", 0)? == 1,
        trans_b: attributes.int_or("transB", 0)? == 1,
    }))
}

impl Operator for Gemm {
    fn run(&self, inputs: &[Option<&Value>], device: &Device) -> OpResult<Vec<Value>> {
        let a = tensor_input(inputs, 0)?;
        let b = tensor_input(inputs, 1)?;
        let c = optional_tensor_input(inputs, 2)?;
        let dims2 = |t: &HostTensor, name: &str| -> OpResult<[usize; 2]> {
            match t.shape() {
                [r, c] => Ok([*r, *c]),
                other => Err(OpError::new(format!("{name} must be 2-D, got {other:?}"))),
            }
        };
        let mut lhs = to_burn(a, dims2(a, "A")?, device)?;
        let mut rhs = to_burn(b, dims2(b, "B")?, device)?;
        if self.trans_a {
            lhs = lhs.transpose();
        }
        if self.trans_b {
            rhs = rhs.transpose();
        }
        let [m, k] = lhs.dims();
        let [k2, n] = rhs.dims();
        if k != k2 {
            return Err(OpError::new(format!(
                "cannot multiply [{m}, {k}] by [{k2}, {n}]"
            )));
        }
        let product = from_burn(lhs.matmul(rhs))?;
        let (alpha, beta) = (self.alpha, self.beta);
        let scaled: Vec<f32> = f32_of(&product, "A·B")?
            .iter()
            .map(|&p| alpha * p)
            .collect();
        let values = match c {
            Some(c) if beta != 0.0 => {
                let (shape, values) =
                    broadcast_map(&scaled, &[m, n], f32_of(c, "C")?, c.shape(), |p, q| {
                        p + beta * q
                    })?;
                if shape != [m, n] {
                    return Err(OpError::new(format!(
                        "C of shape {:?} does not broadcast to [{m}, {n}]",
                        c.shape()
                    )));
                }
                values
            }
            _ => scaled,
        };
        one(HostTensor::f32(vec![m, n], values)?)
    }
}

/// Spatial settings shared by Conv and MaxPool, read at load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AutoPad {
    NotSet,
    Valid,
    SameUpper,
    SameLower,
}

#[derive(Debug, Clone)]
pub(crate) struct Window {
    auto_pad: AutoPad,
    kernel: Option<Vec<usize>>,
    strides: Option<Vec<usize>>,
    pads: Option<Vec<usize>>,
    dilations: Option<Vec<usize>>,
}

fn usizes(values: Option<Vec<i64>>, name: &str) -> Result<Option<Vec<usize>>, String> {
    values
        .map(|v| {
            v.into_iter()
                .map(|x| {
                    usize::try_from(x)
                        .map_err(|_| format!("attribute `{name}` has a negative value {x}"))
                })
                .collect()
        })
        .transpose()
}

/// Reads the spatial attributes shared by Conv and MaxPool.
pub(crate) fn window(context: &BuildContext<'_>) -> Result<Window, String> {
    let attributes = context.attributes();
    let auto_pad = match attributes.string_or("auto_pad", "NOTSET")?.as_str() {
        "NOTSET" => AutoPad::NotSet,
        "VALID" => AutoPad::Valid,
        "SAME_UPPER" => AutoPad::SameUpper,
        "SAME_LOWER" => AutoPad::SameLower,
        other => return Err(format!("auto_pad {other} is unknown")),
    };
    Ok(Window {
        auto_pad,
        kernel: usizes(attributes.ints("kernel_shape")?, "kernel_shape")?,
        strides: usizes(attributes.ints("strides")?, "strides")?,
        pads: usizes(attributes.ints("pads")?, "pads")?,
        dilations: usizes(attributes.ints("dilations")?, "dilations")?,
    })
}

/// Kernel, strides, (begin, end) pads and dilations, one entry per spatial dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub kernel: Vec<usize>,
    pub strides: Vec<usize>,
    pub pads: Vec<(usize, usize)>,
    pub dilations: Vec<usize>,
}

impl Resolved {
    /// Output size of a pooling window over `spatial`: floor (or ceil) of the padded span over
    /// the stride, plus one; in ceil mode a last window starting in the end padding is dropped.
    pub(crate) fn pooled_dims(&self, spatial: &[usize], ceil_mode: bool) -> Vec<usize> {
        (0..spatial.len())
            .map(|i| {
                let span = (self.kernel[i] - 1) * self.dilations[i] + 1;
                let room = (spatial[i] + self.pads[i].0 + self.pads[i].1).saturating_sub(span);
                let steps = if ceil_mode {
                    room.div_ceil(self.strides[i])
                } else {
                    room / self.strides[i]
                };
                let mut n = steps + 1;
                if ceil_mode && (n - 1) * self.strides[i] >= spatial[i] + self.pads[i].0 {
                    n -= 1;
                }
                n
            })
            .collect()
    }
}

impl Window {
    /// Settings for the spatial dimensions `input`, ONNX defaults filled in and SAME padding
    /// computed: output = ceil(input / stride), the odd extra pad at the end for SAME_UPPER and
    /// at the start for SAME_LOWER.
    pub(crate) fn resolve(
        &self,
        kernel_from_weight: Option<&[usize]>,
        input: &[usize],
    ) -> OpResult<Resolved> {
        let n = input.len();
        let list = |v: &Option<Vec<usize>>, default: usize, name: &str| -> OpResult<Vec<usize>> {
            match v {
                None => Ok(vec![default; n]),
                Some(v) if v.len() == n => Ok(v.clone()),
                Some(_) => Err(OpError::new(format!("`{name}` needs {n} values"))),
            }
        };
        let kernel = match (&self.kernel, kernel_from_weight) {
            (Some(_), _) => list(&self.kernel, 1, "kernel_shape")?,
            (None, Some(k)) => k.to_vec(),
            (None, None) => return Err(OpError::new("`kernel_shape` is required")),
        };
        let strides = list(&self.strides, 1, "strides")?;
        let dilations = list(&self.dilations, 1, "dilations")?;
        if strides.contains(&0) || dilations.contains(&0) || kernel.contains(&0) {
            return Err(OpError::new(
                "kernel, strides and dilations must be positive",
            ));
        }
        let pads = match self.auto_pad {
            AutoPad::NotSet => match &self.pads {
                None => vec![(0, 0); n],
                Some(p) if p.len() == 2 * n => (0..n).map(|i| (p[i], p[i + n])).collect(),
                Some(_) => return Err(OpError::new(format!("`pads` needs {} values", 2 * n))),
            },
            AutoPad::Valid => vec![(0, 0); n],
            AutoPad::SameUpper | AutoPad::SameLower => (0..n)
                .map(|i| {
                    let out = input[i].div_ceil(strides[i]);
                    let span = (kernel[i] - 1) * dilations[i] + 1;
                    let total = ((out.max(1) - 1) * strides[i] + span).saturating_sub(input[i]);
                    let small = total / 2;
                    if self.auto_pad == AutoPad::SameUpper {
                        (small, total - small)
                    } else {
                        (total - small, small)
                    }
                })
                .collect(),
        };
        Ok(Resolved {
            kernel,
            strides,
            pads,
            dilations,
        })
    }
}

/// The most values (`channels × kernel`) one output of `conv2d_direct` adds up. A convolution
/// that sees this few, as the first layer of a small CNN does, runs faster as direct loops than
/// as an unfolded input times the weights; deeper ones run as the matrix product.
const DIRECT_MAX_DEPTH: usize = 32;

/// A 2-D convolution with stride 1 as long multiply-adds. The input is copied once into
/// zero-padded planes laid end to end (every image, every channel); an output channel is then
/// computed over that whole padded layout at once: it starts at its bias and adds, for every
/// input channel and kernel position, the weight times the padded input shifted by that
/// position — one contiguous multiply-add over the batch, which the compiler vectorises. The
/// positions that fall outside an image's output (the padded rim) are computed and dropped.
/// For the small kernels of small CNNs this beats unfolding the input for a matrix product.
/// `None` when the shapes do not fit, a stride is not 1, or a depth above
/// [`DIRECT_MAX_DEPTH`] makes the matrix product faster.
fn conv2d_direct(
    x: &HostTensor,
    w: &HostTensor,
    b: Option<&HostTensor>,
    r: &Resolved,
    groups: usize,
    relu_folded: bool,
) -> OpResult<Option<HostTensor>> {
    let (&[n, c, h, width], &[m, cg, kh, kw]) = (x.shape(), w.shape()) else {
        return Ok(None);
    };
    if groups == 0
        || c != cg * groups
        || m % groups != 0
        || cg * kh * kw > DIRECT_MAX_DEPTH
        || r.strides != [1, 1]
    {
        return Ok(None);
    }
    let (top, left) = (r.pads[0].0, r.pads[1].0);
    let (hp, wp) = (h + top + r.pads[0].1, width + left + r.pads[1].1);
    let (span_y, span_x) = ((kh - 1) * r.dilations[0] + 1, (kw - 1) * r.dilations[1] + 1);
    let (Some(oh), Some(ow)) = (
        (hp + 1).checked_sub(span_y).filter(|&d| d > 0),
        (wp + 1).checked_sub(span_x).filter(|&d| d > 0),
    ) else {
        return Ok(None);
    };
    let xs = f32_of(x, "the input")?;
    let ws = f32_of(w, "the weights")?;
    let bias = b.map(|b| f32_of(b, "the bias")).transpose()?;
    if bias.is_some_and(|b| b.len() != m) {
        return Err(OpError::new(format!("Conv bias must have {m} values")));
    }
    let plane = hp * wp;
    if (n * c).saturating_mul(plane) > MAX_UNFOLDED {
        return Ok(None);
    }
    // The padded input and the sums live in buffers kept per thread: fresh ones each run cost
    // more in page faults than the arithmetic.
    thread_local! {
        static SCRATCH: std::cell::RefCell<(Vec<f32>, Vec<f32>)> =
            std::cell::RefCell::default();
    }
    let y = SCRATCH.with_borrow_mut(|(padded, sums)| {
        // Channel by channel, every image's plane zero-padded, end to end: `[c][n][hp][wp]`.
        padded.clear();
        padded.resize(c * n * plane, 0.0);
        for (index, source) in xs.chunks_exact(h * width).enumerate() {
            let (image, channel) = (index / c, index % c);
            let target = &mut padded[(channel * n + image) * plane..][..plane];
            for (row, values) in source.chunks_exact(width).enumerate() {
                let start = (row + top) * wp + left;
                target[start..start + width].copy_from_slice(values);
            }
        }
        // The furthest a kernel position reaches past the output position it feeds; the last
        // `reach` positions of the layout never feed an output, so the sums stop short of them.
        let reach = (span_y - 1) * wp + span_x - 1;
        let length = n * plane - reach;
        // Every sum the outputs read is written before it is read: no need to clear them.
        if sums.len() < n * plane {
            sums.resize(n * plane, 0.0);
        }
        let mg = m / groups;
        let mut y = vec![0.0_f32; n * m * oh * ow];
        // Per output channel, its taps: where in `padded` each (channel, ky, kx) starts, and
        // its weight, in the order the sums add them.
        let taps: Vec<Vec<(usize, f32)>> = (0..m)
            .map(|oc| {
                let g = oc / mg;
                let mut taps = Vec::with_capacity(cg * kh * kw);
                for ch in 0..cg {
                    for ky in 0..kh {
                        for kx in 0..kw {
                            let start = (g * cg + ch) * n * plane
                                + ky * r.dilations[0] * wp
                                + kx * r.dilations[1];
                            taps.push((start, ws[((oc * cg + ch) * kh + ky) * kw + kx]));
                        }
                    }
                }
                taps
            })
            .collect();
        // A block of images at a time, every output channel over it, so that the block's
        // padded input stays in cache across the channels.
        let block_images = (TAP_CACHE_VALUES / plane).max(1);
        for first_image in (0..n).step_by(block_images) {
            let images = first_image..(first_image + block_images).min(n);
            let positions = images.start * plane..(images.end * plane).min(length);
            for (oc, taps) in taps.iter().enumerate() {
                add_taps(
                    &mut sums[positions.clone()],
                    padded,
                    taps,
                    positions.start,
                    bias.map_or(0.0, |b| b[oc]),
                );
                for image in images.clone() {
                    let target = &mut y[(image * m + oc) * oh * ow..][..oh * ow];
                    let source = &sums[image * plane..];
                    for (oy, row) in target.chunks_exact_mut(ow).enumerate() {
                        let sums_row = &source[oy * wp..oy * wp + ow];
                        if relu_folded {
                            for (y, &v) in row.iter_mut().zip(sums_row) {
                                *y = relu(v);
                            }
                        } else {
                            row.copy_from_slice(sums_row);
                        }
                    }
                }
            }
        }
        y
    });
    Ok(Some(HostTensor::f32(vec![n, m, oh, ow], y)?))
}

/// About how many padded positions `conv2d_direct` runs every output channel over before it
/// moves on (64 KiB of floats per input channel).
const TAP_CACHE_VALUES: usize = 16 * 1024;

/// `sums[i] = bias + Σ weight · padded[start + first + i]` over `taps`, added in the taps'
/// order (the same order, so the same rounding, as one pass per tap), a block of positions at
/// a time. Compiled for the widest vectors the processor offers (AVX2 where it has it, found at
/// run time); multiplies and adds stay separate, so every processor gives the same sums.
fn add_taps(sums: &mut [f32], padded: &[f32], taps: &[(usize, f32)], first: usize, bias: f32) {
    pulp::Arch::new().dispatch(AddTaps {
        sums,
        padded,
        taps,
        first,
        bias,
    });
}

struct AddTaps<'a> {
    sums: &'a mut [f32],
    padded: &'a [f32],
    taps: &'a [(usize, f32)],
    first: usize,
    bias: f32,
}

impl pulp::WithSimd for AddTaps<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) {
        let Self {
            sums,
            padded,
            taps,
            first,
            bias,
        } = self;
        // Four vectors of sums at a time, held in registers while every tap is added.
        let block = 4 * S::F32_LANES;
        let full = sums.len() / block * block;
        let bias_lanes = simd.splat_f32s(bias);
        for at in (0..full).step_by(block) {
            let mut acc = [bias_lanes; 4];
            for &(start, weight) in taps {
                let weight = simd.splat_f32s(weight);
                let (values, _) = S::as_simd_f32s(&padded[start + first + at..][..block]);
                for (a, &v) in acc.iter_mut().zip(values) {
                    *a = simd.add_f32s(*a, simd.mul_f32s(weight, v));
                }
            }
            let (out, _) = S::as_mut_simd_f32s(&mut sums[at..at + block]);
            out.copy_from_slice(&acc);
        }
        let tail = &mut sums[full..];
        tail.fill(bias);
        for &(start, weight) in taps {
            for (a, &v) in tail.iter_mut().zip(&padded[start + first + full..]) {
                *a += weight * v;
            }
        }
    }
}

/// The largest unfolded input `conv2d_as_matmul` builds (values); larger convolutions go to
/// burn's own `conv2d`.
const MAX_UNFOLDED: usize = 1 << 26;

/// A 2-D convolution as one matrix product per group: the input unfolded so that each output
/// position is a row of the `channels × kernel` values it sees (zeros in the padding), times
/// the group's weights transposed. burn's matmul is fast on the CPU backend where its direct
/// convolution is not (a small CNN ran at a tenth of onnxruntime's speed). `None` when the
/// shapes do not fit (the caller uses burn's `conv2d`).
fn conv2d_as_matmul(
    x: &HostTensor,
    w: &HostTensor,
    b: Option<&HostTensor>,
    r: &Resolved,
    groups: usize,
    device: &Device,
) -> OpResult<Option<HostTensor>> {
    let (&[n, c, h, width], &[m, cg, kh, kw]) = (x.shape(), w.shape()) else {
        return Ok(None);
    };
    if groups == 0 || c != cg * groups || m % groups != 0 {
        return Ok(None);
    }
    let span = |i: usize, k: usize| (k - 1) * r.dilations[i] + 1;
    let out_dim = |i: usize, size: usize, k: usize| {
        (size + r.pads[i].0 + r.pads[i].1)
            .checked_sub(span(i, k))
            .map(|room| room / r.strides[i] + 1)
    };
    let (Some(oh), Some(ow)) = (out_dim(0, h, kh), out_dim(1, width, kw)) else {
        return Ok(None);
    };
    let rows = n * oh * ow;
    let depth = cg * kh * kw;
    if rows == 0 || rows.saturating_mul(depth) > MAX_UNFOLDED {
        return Ok(None);
    }
    let xs = f32_of(x, "the input")?;
    let ws = f32_of(w, "the weights")?;
    let bias = b.map(|b| f32_of(b, "the bias")).transpose()?;
    if bias.is_some_and(|b| b.len() != m) {
        return Err(OpError::new(format!("Conv bias must have {m} values")));
    }
    let mg = m / groups;
    let mut y = vec![0.0_f32; n * m * oh * ow];
    for g in 0..groups {
        let mut unfolded = vec![0.0_f32; rows * depth];
        for image in 0..n {
            for oy in 0..oh {
                for ox in 0..ow {
                    let row = (image * oh + oy) * ow + ox;
                    let target = &mut unfolded[row * depth..(row + 1) * depth];
                    for ch in 0..cg {
                        let plane = ((image * c) + g * cg + ch) * h * width;
                        for ky in 0..kh {
                            let iy = (oy * r.strides[0] + ky * r.dilations[0])
                                .checked_sub(r.pads[0].0)
                                .filter(|&iy| iy < h);
                            let Some(iy) = iy else { continue };
                            for kx in 0..kw {
                                let ix = (ox * r.strides[1] + kx * r.dilations[1])
                                    .checked_sub(r.pads[1].0)
                                    .filter(|&ix| ix < width);
                                if let Some(ix) = ix {
                                    target[(ch * kh + ky) * kw + kx] = xs[plane + iy * width + ix];
                                }
                            }
                        }
                    }
                }
            }
        }
        let lhs = Tensor::<2>::from_data(TensorData::new(unfolded, [rows, depth]), device.burn());
        let weights = ws[g * mg * depth..(g + 1) * mg * depth].to_vec();
        let rhs = Tensor::<2>::from_data(TensorData::new(weights, [mg, depth]), device.burn())
            .transpose();
        let product = from_burn(lhs.matmul(rhs))?;
        let values = f32_of(&product, "the product")?;
        // [rows, mg] back to NCHW, with the bias.
        for image in 0..n {
            for j in 0..mg {
                let channel = g * mg + j;
                let add = bias.map_or(0.0, |b| b[channel]);
                let out = &mut y[(image * m + channel) * oh * ow..][..oh * ow];
                for (position, value) in out.iter_mut().enumerate() {
                    *value = values[(image * oh * ow + position) * mg + j] + add;
                }
            }
        }
    }
    Ok(Some(HostTensor::f32(vec![n, m, oh, ow], y)?))
}

fn array<const N: usize, T: Copy + Default>(values: &[T]) -> OpResult<[T; N]> {
    values
        .try_into()
        .map_err(|_| OpError::new(format!("expected {N} spatial dimensions")))
}

#[derive(Debug)]
struct Conv {
    window: Window,
    groups: usize,
    /// A following Relu folded in (see `Operator::fuse_relu`).
    relu: bool,
}

/// `y` with a folded Relu applied, in place, when `relu_folded` says so.
fn with_relu(y: HostTensor, relu_folded: bool) -> OpResult<HostTensor> {
    if !relu_folded {
        return Ok(y);
    }
    let shape = y.shape().to_vec();
    let crate::tensor::TensorData::F32(mut values) = y.into_data() else {
        return Err(OpError::new("the convolution's result must be float"));
    };
    values.iter_mut().for_each(|v| *v = relu(*v));
    Ok(HostTensor::f32(shape, values)?)
}

pub(crate) fn conv(context: &BuildContext<'_>) -> Built {
    let attributes = context.attributes();
    attributes.only(&[
        "auto_pad",
        "dilations",
        "group",
        "kernel_shape",
        "pads",
        "strides",
    ])?;
    let groups = usize::try_from(attributes.int_or("group", 1)?)
        .map_err(|_| "`group` must be positive".to_owned())?;
    if groups == 0 {
        return Err("`group` must be positive".to_owned().into());
    }
    Ok(Box::new(Conv {
        window: window(context)?,
        groups,
        relu: false,
    }))
}

impl Operator for Conv {
    fn fuse_relu(&mut self) -> bool {
        self.relu = true;
        true
    }

    fn run(&self, inputs: &[Option<&Value>], device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let w = tensor_input(inputs, 1)?;
        let b = optional_tensor_input(inputs, 2)?;
        let bias = |out_channels: usize| -> OpResult<Option<Tensor<1>>> {
            b.map(|b| to_burn(b, [out_channels], device)).transpose()
        };
        match (x.shape(), w.shape()) {
            (&[n, c, h, wd], &[m, cg, kh, kw]) => {
                let r = self.window.resolve(Some(&[kh, kw]), &[h, wd])?;
                // The host paths beat burn's CPU convolution; a GPU runs its own kernel.
                if !device.is_gpu() {
                    if let Some(y) = conv2d_direct(x, w, b, &r, self.groups, self.relu)? {
                        return one(y);
                    }
                    if let Some(y) = conv2d_as_matmul(x, w, b, &r, self.groups, device)? {
                        return one(with_relu(y, self.relu)?);
                    }
                }
                let options = ConvOptions::new_with_padding(
                    array(&r.strides)?,
                    array(&r.pads)?,
                    array(&r.dilations)?,
                    self.groups,
                );
                let y = conv2d(
                    to_burn(x, [n, c, h, wd], device)?,
                    to_burn(w, [m, cg, kh, kw], device)?,
                    bias(m)?,
                    options,
                );
                one(with_relu(from_burn(y)?, self.relu)?)
            }
            (&[n, c, l], &[m, cg, k]) => {
                let r = self.window.resolve(Some(&[k]), &[l])?;
                let options = ConvOptions::new_with_padding(
                    array(&r.strides)?,
                    array(&r.pads)?,
                    array(&r.dilations)?,
                    self.groups,
                );
                let y = conv1d(
                    to_burn(x, [n, c, l], device)?,
                    to_burn(w, [m, cg, k], device)?,
                    bias(m)?,
                    options,
                );
                one(with_relu(from_burn(y)?, self.relu)?)
            }
            (xs, ws) => Err(OpError::new(format!(
                "Conv of input {xs:?} with weights {ws:?} is not supported (1-D and 2-D only)"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic values in [-1, 1).
    fn values(n: usize, seed: u32) -> Vec<f32> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                f32::from(u16::try_from(state >> 16).unwrap_or(0)) / 32_768.0 - 1.0
            })
            .collect()
    }

    #[test]
    fn the_direct_and_matrix_product_convolutions_equal_burns() {
        // Groups, strides, dilations and uneven padding together; padding wider than the
        // kernel reaches; a 1×1 kernel; the digits CNN's first layer.
        type Case = (
            (usize, usize, usize, usize),
            (usize, usize, usize, usize),
            Resolved,
        );
        let resolved = |kernel: [usize; 2], strides, pads, dilations| Resolved {
            kernel: kernel.to_vec(),
            strides,
            pads,
            dilations,
        };
        let cases: Vec<Case> = vec![
            (
                (2, 4, 9, 7),
                (6, 2, 3, 2),
                resolved([3, 2], vec![2, 1], vec![(1, 2), (0, 1)], vec![1, 2]),
            ),
            (
                (1, 2, 5, 6),
                (4, 1, 3, 3),
                resolved([3, 3], vec![3, 2], vec![(4, 0), (2, 5)], vec![2, 1]),
            ),
            (
                (3, 3, 4, 4),
                (5, 1, 1, 1),
                resolved([1, 1], vec![1, 1], vec![(0, 0), (0, 0)], vec![1, 1]),
            ),
            (
                (5, 1, 8, 8),
                (8, 1, 3, 3),
                resolved([3, 3], vec![1, 1], vec![(1, 1), (1, 1)], vec![1, 1]),
            ),
            (
                (2, 4, 6, 9),
                (6, 2, 2, 3),
                resolved([2, 3], vec![1, 1], vec![(0, 3), (2, 1)], vec![3, 2]),
            ),
            // Enough images for several of the direct loops' image blocks, the last one short.
            (
                (400, 2, 8, 8),
                (4, 2, 3, 3),
                resolved([3, 3], vec![1, 1], vec![(1, 1), (1, 1)], vec![1, 1]),
            ),
        ];
        for ((n, c, h, w), (m, groups, kh, kw), r) in cases {
            check_convolutions(n, c, h, w, m, groups, kh, kw, &r);
        }
    }

    #[expect(clippy::too_many_arguments, reason = "one convolution's shapes")]
    fn check_convolutions(
        n: usize,
        c: usize,
        h: usize,
        w: usize,
        m: usize,
        groups: usize,
        kh: usize,
        kw: usize,
        r: &Resolved,
    ) {
        let device = Device::cpu();
        let cg = c / groups;
        let x = HostTensor::f32(vec![n, c, h, w], values(n * c * h * w, 1)).expect("x");
        let weights = HostTensor::f32(vec![m, cg, kh, kw], values(m * cg * kh * kw, 2)).expect("w");
        let bias = HostTensor::f32(vec![m], values(m, 3)).expect("b");
        let by_product = conv2d_as_matmul(&x, &weights, Some(&bias), r, groups, &device)
            .expect("runs")
            .expect("fits");
        let direct_loops =
            conv2d_direct(&x, &weights, Some(&bias), r, groups, false).expect("runs");
        // The direct loops take stride 1 only.
        assert_eq!(direct_loops.is_some(), r.strides == [1, 1]);
        // A folded Relu gives exactly Relu of the plain result.
        if let Some(plain) = &direct_loops {
            let folded = conv2d_direct(&x, &weights, Some(&bias), r, groups, true)
                .expect("runs")
                .expect("fits");
            let relu_of_plain: Vec<f32> = plain
                .as_f32()
                .expect("f32")
                .iter()
                .map(|&v| relu(v))
                .collect();
            assert_eq!(folded.as_f32().expect("f32"), relu_of_plain.as_slice());
        }
        let options = ConvOptions::new_with_padding(
            array(&r.strides).expect("strides"),
            array(&r.pads).expect("pads"),
            array(&r.dilations).expect("dilations"),
            groups,
        );
        let burns = from_burn(conv2d(
            to_burn(&x, [n, c, h, w], &device).expect("x"),
            to_burn(&weights, [m, cg, kh, kw], &device).expect("w"),
            Some(to_burn(&bias, [m], &device).expect("b")),
            options,
        ))
        .expect("burn's convolution");
        for ours in std::iter::once(by_product).chain(direct_loops) {
            assert_eq!(ours.shape(), burns.shape());
            let (a, b) = (ours.as_f32().expect("f32"), burns.as_f32().expect("f32"));
            for (i, (p, q)) in a.iter().zip(b).enumerate() {
                assert!((p - q).abs() <= 1e-5 * (1.0 + q.abs()), "{i}: {p} vs {q}");
            }
        }
    }
}
