//! MaxPool over any number of spatial dimensions, on the host: pooling is comparisons, not
//! arithmetic, and the host version also gives the optional Indices output.

use super::burn_ops::{Window, window};
use super::{BuildContext, Built, Operator, tensor_input};
use crate::Device;
use crate::error::{OpError, OpResult};
use crate::tensor::{HostTensor, Number};
use crate::value::Value;

#[derive(Debug)]
struct MaxPool {
    window: Window,
    ceil_mode: bool,
    /// 1: column-major indices (ONNX `storage_order`).
    column_major: bool,
    /// Whether the node asks for the optional Indices output (most models do not).
    indices: bool,
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
    let window = window(context)?;
    Ok(Box::new(MaxPool {
        window,
        ceil_mode: attributes.int_or("ceil_mode", 0)? == 1,
        column_major: attributes.int_or("storage_order", 0)? == 1,
        indices: context.node.output.get(1).is_some_and(|o| !o.is_empty()),
    }))
}

impl MaxPool {
    fn pool<T: Number>(
        &self,
        x: &[T],
        shape: &[usize],
    ) -> OpResult<(Vec<usize>, Vec<T>, Vec<i64>)> {
        if shape.len() < 3 {
            return Err(OpError::new(format!(
                "expects [N, C, spatial…], got {shape:?}"
            )));
        }
        let spatial = &shape[2..];
        let r = self.window.resolve(None, spatial)?;
        let out = r.pooled_dims(spatial, self.ceil_mode);
        let (batch, channels) = (shape[0], shape[1]);
        let in_size: usize = spatial.iter().product();
        let out_size: usize = out.iter().product();
        let mut values = Vec::with_capacity(batch * channels * out_size);
        let mut indices = Vec::with_capacity(batch * channels * out_size);
        let dims = spatial.len();
        if dims == 2 && !self.indices {
            let values = pool_2d_inside(x, batch * channels, spatial, &out, &r).map_or_else(
                || pool_2d_values(x, batch * channels, spatial, &out, &r),
                Ok,
            )?;
            let mut out_shape = vec![batch, channels];
            out_shape.extend(out);
            return Ok((out_shape, values, Vec::new()));
        }
        if dims == 2 {
            let (values, indices) = self.pool_2d(x, batch * channels, spatial, &out, &r)?;
            let mut out_shape = vec![batch, channels];
            out_shape.extend(out);
            return Ok((out_shape, values, indices));
        }
        let kernel_size: usize = r.kernel.iter().product();
        // Coordinate buffers reused for every window (allocating them per window and kernel
        // element made allocation most of a small CNN's run time).
        let mut coord = vec![0_usize; dims];
        let mut position = vec![0_usize; dims];
        for plane in 0..batch * channels {
            let base = plane * in_size;
            for o in 0..out_size {
                // Output coordinates, row-major.
                let mut rem = o;
                for d in (0..dims).rev() {
                    coord[d] = rem % out[d];
                    rem /= out[d];
                }
                let mut best: Option<(T, usize)> = None;
                for k in 0..kernel_size {
                    let mut krem = k;
                    let mut offset = 0_usize;
                    let mut inside = true;
                    for d in (0..dims).rev() {
                        let kd = krem % r.kernel[d];
                        krem /= r.kernel[d];
                        let p = (coord[d] * r.strides[d] + kd * r.dilations[d])
                            .checked_sub(r.pads[d].0);
                        match p {
                            Some(p) if p < spatial[d] => position[d] = p,
                            _ => inside = false,
                        }
                    }
                    if !inside {
                        continue;
                    }
                    let mut stride = 1;
                    for d in (0..dims).rev() {
                        offset += position[d] * stride;
                        stride *= spatial[d];
                    }
                    let v = x[base + offset];
                    if best.is_none_or(|(b, _)| v > b) {
                        let index = if self.column_major {
                            let mut stride = 1;
                            let mut idx = 0;
                            for d in 0..dims {
                                idx += position[d] * stride;
                                stride *= spatial[d];
                            }
                            idx
                        } else {
                            offset
                        };
                        best = Some((v, index));
                    }
                }
                let (v, index) = best
                    .ok_or_else(|| OpError::new("a pooling window lies entirely in the padding"))?;
                values.push(v);
                indices.push(i64::try_from(base + index).unwrap_or(i64::MAX));
            }
        }
        let mut out_shape = vec![batch, channels];
        out_shape.extend(out);
        Ok((out_shape, values, indices))
    }

    /// The 2-D case with plain loops (images: the common one). Same rules as the general
    /// case: the first maximum wins, positions in the padding are skipped.
    fn pool_2d<T: Number>(
        &self,
        x: &[T],
        planes: usize,
        spatial: &[usize],
        out: &[usize],
        r: &super::burn_ops::Resolved,
    ) -> OpResult<(Vec<T>, Vec<i64>)> {
        let (h, w) = (spatial[0], spatial[1]);
        let (oh, ow) = (out[0], out[1]);
        let mut values = Vec::with_capacity(planes * oh * ow);
        let mut indices = Vec::with_capacity(planes * oh * ow);
        for plane in 0..planes {
            let base = plane * h * w;
            for oy in 0..oh {
                for ox in 0..ow {
                    let mut best: Option<(T, usize)> = None;
                    for ky in 0..r.kernel[0] {
                        let Some(iy) = (oy * r.strides[0] + ky * r.dilations[0])
                            .checked_sub(r.pads[0].0)
                            .filter(|&iy| iy < h)
                        else {
                            continue;
                        };
                        for kx in 0..r.kernel[1] {
                            let Some(ix) = (ox * r.strides[1] + kx * r.dilations[1])
                                .checked_sub(r.pads[1].0)
                                .filter(|&ix| ix < w)
                            else {
                                continue;
                            };
                            let v = x[base + iy * w + ix];
                            if best.is_none_or(|(b, _)| v > b) {
                                let index = if self.column_major {
                                    ix * h + iy
                                } else {
                                    iy * w + ix
                                };
                                best = Some((v, index));
                            }
                        }
                    }
                    let (v, index) = best.ok_or_else(|| {
                        OpError::new("a pooling window lies entirely in the padding")
                    })?;
                    values.push(v);
                    indices.push(i64::try_from(base + index).unwrap_or(i64::MAX));
                }
            }
        }
        Ok((values, indices))
    }
}

/// The 2-D maxima alone when every window lies inside the image (no padding reached): each
/// window starts at its first element and takes, kernel position by kernel position, each
/// larger value. The order of comparisons per window is the
/// general loop's, so ties and NaN come out the same. `None` when a window reaches outside.
fn pool_2d_inside<T: Number>(
    x: &[T],
    planes: usize,
    spatial: &[usize],
    out: &[usize],
    r: &super::burn_ops::Resolved,
) -> Option<Vec<T>> {
    let (h, w) = (spatial[0], spatial[1]);
    let (oh, ow) = (out[0], out[1]);
    let (sy, sx, dy, dx) = (r.strides[0], r.strides[1], r.dilations[0], r.dilations[1]);
    let inside = |o: usize, s: usize, k: usize, d: usize, size: usize| {
        o == 0 || (o - 1) * s + (k - 1) * d < size
    };
    if r.pads.iter().any(|&(a, b)| a != 0 || b != 0)
        || !inside(oh, sy, r.kernel[0], dy, h)
        || !inside(ow, sx, r.kernel[1], dx, w)
    {
        return None;
    }
    let (kh, kw) = (r.kernel[0], r.kernel[1]);
    // A select, not a branch: which value is larger is data, and mispredicted branches were
    // most of this loop's time.
    let larger = |best: T, v: T| if v > best { v } else { best };
    let mut values: Vec<T> = Vec::with_capacity(planes * oh * ow);
    if (kh, kw, sy, sx, dy, dx) == (2, 2, 2, 2, 1, 1) {
        // The common 2×2 window with stride 2, as pairs of rows cut into pairs of values.
        for plane in x.chunks_exact(h * w).take(planes) {
            for rows in plane[..2 * oh * w].chunks_exact(2 * w) {
                let (upper, lower) = rows.split_at(w);
                values.extend(
                    upper[..2 * ow]
                        .chunks_exact(2)
                        .zip(lower[..2 * ow].chunks_exact(2))
                        .map(|(a, b)| larger(larger(larger(a[0], a[1]), b[0]), b[1])),
                );
            }
        }
        return Some(values);
    }
    // Where each kernel position after the first lies from the window's first element.
    let taps: Vec<usize> = (0..kh)
        .flat_map(|ky| (0..kw).map(move |kx| ky * dy * w + kx * dx))
        .skip(1)
        .collect();
    for plane in x.chunks_exact(h * w).take(planes) {
        for oy in 0..oh {
            let top = oy * sy * w;
            values.extend((0..ow).map(|ox| {
                let left = top + ox * sx;
                taps.iter()
                    .fold(plane[left], |best, &tap| larger(best, plane[left + tap]))
            }));
        }
    }
    Some(values)
}

/// The 2-D maxima alone (no Indices output): each window's valid rows and columns found
/// once, then plain comparisons. The first maximum wins and padding is skipped, as in
/// [`MaxPool::pool_2d`].
fn pool_2d_values<T: Number>(
    x: &[T],
    planes: usize,
    spatial: &[usize],
    out: &[usize],
    r: &super::burn_ops::Resolved,
) -> OpResult<Vec<T>> {
    let (h, w) = (spatial[0], spatial[1]);
    let (oh, ow) = (out[0], out[1]);
    // Per output row (column): the input rows (columns) its window covers inside the image.
    let covered = |o: usize, d: usize, size: usize| -> Vec<usize> {
        (0..r.kernel[d])
            .filter_map(|k| {
                (o * r.strides[d] + k * r.dilations[d])
                    .checked_sub(r.pads[d].0)
                    .filter(|&i| i < size)
            })
            .collect()
    };
    let rows: Vec<Vec<usize>> = (0..oh).map(|oy| covered(oy, 0, h)).collect();
    let columns: Vec<Vec<usize>> = (0..ow).map(|ox| covered(ox, 1, w)).collect();
    if rows.iter().chain(&columns).any(Vec::is_empty) {
        return Err(OpError::new(
            "a pooling window lies entirely in the padding",
        ));
    }
    let mut values = Vec::with_capacity(planes * oh * ow);
    for plane in x.chunks_exact(h * w).take(planes) {
        for window_rows in &rows {
            for window_columns in &columns {
                let mut best: Option<T> = None;
                for &iy in window_rows {
                    let row = &plane[iy * w..(iy + 1) * w];
                    for &ix in window_columns {
                        let v = row[ix];
                        if best.is_none_or(|b| v > b) {
                            best = Some(v);
                        }
                    }
                }
                values.extend(best);
            }
        }
    }
    Ok(values)
}

impl Operator for MaxPool {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let (shape, data, indices) = crate::with_numeric_type!(x.element_type(), T => {
            let (shape, values, indices) = self.pool(x.values::<T>().unwrap_or_default(), x.shape())?;
            (shape, <T as crate::tensor::Element>::wrap(values), indices)
        }, other => return Err(OpError::new(format!("not defined for {other}"))));
        if !self.indices {
            return Ok(vec![Value::Tensor(HostTensor::new(shape, data)?)]);
        }
        Ok(vec![
            Value::Tensor(HostTensor::new(shape.clone(), data)?),
            Value::Tensor(HostTensor::i64(shape, indices)?),
        ])
    }
}
