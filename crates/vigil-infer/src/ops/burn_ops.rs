//! The arithmetic-heavy operators, executed on burn: MatMul, Gemm, Conv and MaxPool. Inputs move
//! to the run's device, the op runs there, and the result comes back as a host tensor.

use burn_tensor::module::{conv1d, conv2d, max_pool1d, max_pool2d};
use burn_tensor::ops::{ConvOptions, MaxPoolOptions};
use burn_tensor::{Tensor, TensorData};

use super::elementwise::broadcast_map;
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
        return Err(OpError::new(format!(
            "MatMul of {a_shape:?} by {b_shape:?} needs batch broadcasting, which is not supported"
        )));
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
#[derive(Debug, Clone)]
struct Window {
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

fn window(context: &BuildContext<'_>) -> Result<Window, String> {
    let attributes = context.attributes();
    let auto_pad = attributes.string_or("auto_pad", "NOTSET")?;
    if auto_pad != "NOTSET" && auto_pad != "VALID" {
        return Err(format!(
            "auto_pad {auto_pad} is not supported (use explicit pads)"
        ));
    }
    Ok(Window {
        kernel: usizes(attributes.ints("kernel_shape")?, "kernel_shape")?,
        strides: usizes(attributes.ints("strides")?, "strides")?,
        pads: usizes(attributes.ints("pads")?, "pads")?,
        dilations: usizes(attributes.ints("dilations")?, "dilations")?,
    })
}

impl Window {
    /// Per-dimension settings for `n` spatial dimensions, ONNX defaults filled in.
    fn resolve<const N: usize>(
        &self,
        kernel_from_weight: Option<[usize; N]>,
    ) -> OpResult<Resolved<N>> {
        let array = |v: &Option<Vec<usize>>, default: usize, name: &str| -> OpResult<[usize; N]> {
            match v {
                None => Ok([default; N]),
                Some(v) => v
                    .clone()
                    .try_into()
                    .map_err(|_| OpError::new(format!("`{name}` needs {N} values"))),
            }
        };
        let kernel = match (&self.kernel, kernel_from_weight) {
            (Some(_), _) => array(&self.kernel, 1, "kernel_shape")?,
            (None, Some(k)) => k,
            (None, None) => return Err(OpError::new("`kernel_shape` is required")),
        };
        let pads = match &self.pads {
            None => [(0, 0); N],
            Some(p) if p.len() == 2 * N => std::array::from_fn(|i| (p[i], p[i + N])),
            Some(_) => return Err(OpError::new(format!("`pads` needs {} values", 2 * N))),
        };
        Ok((
            kernel,
            array(&self.strides, 1, "strides")?,
            pads,
            array(&self.dilations, 1, "dilations")?,
        ))
    }
}

/// Kernel, strides, (begin, end) pads and dilations per spatial dimension.
type Resolved<const N: usize> = ([usize; N], [usize; N], [(usize, usize); N], [usize; N]);

#[derive(Debug)]
struct Conv {
    window: Window,
    groups: usize,
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
    }))
}

impl Operator for Conv {
    fn run(&self, inputs: &[Option<&Value>], device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let w = tensor_input(inputs, 1)?;
        let b = optional_tensor_input(inputs, 2)?;
        let bias = |out_channels: usize| -> OpResult<Option<Tensor<1>>> {
            b.map(|b| to_burn(b, [out_channels], device)).transpose()
        };
        match (x.shape(), w.shape()) {
            (&[n, c, h, wd], &[m, cg, kh, kw]) => {
                let (_, strides, pads, dilations) = self.window.resolve::<2>(Some([kh, kw]))?;
                let options = ConvOptions::new_with_padding(strides, pads, dilations, self.groups);
                let y = conv2d(
                    to_burn(x, [n, c, h, wd], device)?,
                    to_burn(w, [m, cg, kh, kw], device)?,
                    bias(m)?,
                    options,
                );
                one(from_burn(y)?)
            }
            (&[n, c, l], &[m, cg, k]) => {
                let (_, strides, pads, dilations) = self.window.resolve::<1>(Some([k]))?;
                let options = ConvOptions::new_with_padding(strides, pads, dilations, self.groups);
                let y = conv1d(
                    to_burn(x, [n, c, l], device)?,
                    to_burn(w, [m, cg, k], device)?,
                    bias(m)?,
                    options,
                );
                one(from_burn(y)?)
            }
            (xs, ws) => Err(OpError::new(format!(
                "Conv of input {xs:?} with weights {ws:?} is not supported (1-D and 2-D only)"
            ))),
        }
    }
}

#[derive(Debug)]
struct MaxPool {
    window: Window,
    ceil_mode: bool,
}

pub(crate) fn max_pool(context: &BuildContext<'_>) -> Built {
    let attributes = context.attributes();
    attributes.only(&[
        "auto_pad",
        "ceil_mode",
        "dilations",
        "kernel_shape",
        "pads",
        "storage_order",
        "strides",
    ])?;
    if context.node.output.iter().filter(|o| !o.is_empty()).count() > 1 {
        return Err("MaxPool's optional Indices output is not supported"
            .to_owned()
            .into());
    }
    let window = window(context)?;
    if window.kernel.is_none() {
        return Err("`kernel_shape` is required".to_owned().into());
    }
    Ok(Box::new(MaxPool {
        window,
        ceil_mode: attributes.int_or("ceil_mode", 0)? == 1,
    }))
}

impl Operator for MaxPool {
    fn run(&self, inputs: &[Option<&Value>], device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        match *x.shape() {
            [n, c, h, w] => {
                let (kernel, strides, pads, dilations) = self.window.resolve::<2>(None)?;
                let options = MaxPoolOptions::new(kernel)
                    .with_stride(strides)
                    .with_padding_pairs(pads)
                    .with_dilation(dilations)
                    .with_ceil_mode(self.ceil_mode);
                one(from_burn(max_pool2d(
                    to_burn(x, [n, c, h, w], device)?,
                    options,
                ))?)
            }
            [n, c, l] => {
                let (kernel, strides, pads, dilations) = self.window.resolve::<1>(None)?;
                let options = MaxPoolOptions::new(kernel)
                    .with_stride(strides)
                    .with_padding_pairs(pads)
                    .with_dilation(dilations)
                    .with_ceil_mode(self.ceil_mode);
                one(from_burn(max_pool1d(
                    to_burn(x, [n, c, l], device)?,
                    options,
                ))?)
            }
            ref other => Err(OpError::new(format!(
                "MaxPool of shape {other:?} is not supported (1-D and 2-D only)"
            ))),
        }
    }
}
