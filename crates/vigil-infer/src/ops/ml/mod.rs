//! The `ai.onnx.ml` operators that scikit-learn exports (via skl2onnx), with onnxruntime's
//! numerics: float32 arithmetic in ONNX's order, its logistic and softmax formulas, and its rules
//! for binary classifiers.

mod linear;
mod preprocess;
mod tree;

pub(crate) use linear::{linear_classifier, linear_regressor};
pub(crate) use preprocess::{
    array_feature_extractor, binarizer, imputer, label_encoder, normalizer, one_hot_encoder,
    scaler, zipmap,
};
pub(crate) use tree::tree_ensemble;

use crate::attributes::Attributes;
use crate::error::{OpError, OpResult};
use crate::tensor::{HostTensor, TensorData};
use crate::value::ClassLabels;

/// How raw scores become the output scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PostTransform {
    None,
    Logistic,
    Softmax,
    SoftmaxZero,
}

impl PostTransform {
    pub(crate) fn parse(attributes: &Attributes<'_>) -> Result<Self, String> {
        match attributes.string_or("post_transform", "NONE")?.as_str() {
            "NONE" => Ok(Self::None),
            "LOGISTIC" => Ok(Self::Logistic),
            "SOFTMAX" => Ok(Self::Softmax),
            "SOFTMAX_ZERO" => Ok(Self::SoftmaxZero),
            other => Err(format!("post_transform {other} is not supported")),
        }
    }

    /// Applies the transform to one row of scores in place.
    pub(crate) fn apply(self, row: &mut [f32]) {
        match self {
            Self::None => {}
            Self::Logistic => row.iter_mut().for_each(|x| *x = logistic(*x)),
            Self::Softmax => softmax(row, false),
            Self::SoftmaxZero => softmax(row, true),
        }
    }
}

/// onnxruntime's logistic: computed on |x| and mirrored, so both tails keep float precision the
/// same way its kernels do.
pub(crate) fn logistic(x: f32) -> f32 {
    let v = 1.0 / (1.0 + (-x.abs()).exp());
    if x < 0.0 { 1.0 - v } else { v }
}

fn softmax(row: &mut [f32], skip_zeros: bool) {
    let max = row
        .iter()
        .copied()
        .filter(|&x| !skip_zeros || x != 0.0)
        .fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0_f32;
    for x in row.iter_mut() {
        if skip_zeros && *x == 0.0 {
            continue;
        }
        *x = (*x - max).exp();
        sum += *x;
    }
    for x in row.iter_mut() {
        if skip_zeros && *x == 0.0 {
            continue;
        }
        *x /= sum;
    }
}

/// `classlabels_ints`/`classlabels_int64s` or `classlabels_strings`, whichever the node has.
pub(crate) fn class_labels(
    attributes: &Attributes<'_>,
    int_name: &str,
) -> Result<ClassLabels, String> {
    match (
        attributes.ints(int_name)?,
        attributes.strings("classlabels_strings")?,
    ) {
        (Some(ints), None) => Ok(ClassLabels::Int(ints)),
        (None, Some(strings)) => Ok(ClassLabels::Str(strings)),
        (Some(_), Some(_)) => Err(format!(
            "both `{int_name}` and `classlabels_strings` are set"
        )),
        (None, None) => Err(format!(
            "one of `{int_name}` or `classlabels_strings` is required"
        )),
    }
}

/// Builds the label output from class indices.
pub(crate) fn labels_tensor(labels: &ClassLabels, picks: &[usize]) -> OpResult<HostTensor> {
    let n = picks.len();
    Ok(match labels {
        ClassLabels::Int(v) => HostTensor::i64(vec![n], picks.iter().map(|&i| v[i]).collect())?,
        ClassLabels::Str(v) => {
            HostTensor::strings(vec![n], picks.iter().map(|&i| v[i].clone()).collect())?
        }
    })
}

/// A numeric input as rows of f32 features (`[N, F]`, or `[F]` as one row), converted as C++
/// converts to float.
/// A float32 input is borrowed, not copied (a million-row table is 40 MB per ten features).
pub(crate) fn feature_rows(
    x: &HostTensor,
) -> OpResult<(usize, usize, std::borrow::Cow<'_, [f32]>)> {
    let (rows, cols) = match *x.shape() {
        [f] => (1, f),
        [n, f] => (n, f),
        ref other => {
            return Err(OpError::new(format!(
                "expects a 1-D or 2-D input, got shape {other:?}"
            )));
        }
    };
    #[expect(
        clippy::cast_possible_truncation,
        reason = "features are float32 in onnxruntime"
    )]
    let values = match x.data() {
        TensorData::F32(v) => return Ok((rows, cols, std::borrow::Cow::Borrowed(v))),
        TensorData::F64(v) => v.iter().map(|&e| e as f32).collect(),
        #[expect(
            clippy::cast_precision_loss,
            reason = "int64 features become float32 as in onnxruntime"
        )]
        TensorData::I64(v) => v.iter().map(|&e| e as f32).collect(),
        #[expect(
            clippy::cast_precision_loss,
            reason = "int32 features become float32 as in onnxruntime"
        )]
        TensorData::I32(v) => v.iter().map(|&e| e as f32).collect(),
        other => {
            return Err(OpError::new(format!(
                "expects numeric input, got {}",
                other.element_type()
            )));
        }
    };
    Ok((rows, cols, std::borrow::Cow::Owned(values)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_is_symmetric_and_bounded() {
        assert!((logistic(0.0) - 0.5).abs() < 1e-7);
        assert!((logistic(3.0) + logistic(-3.0) - 1.0).abs() < 1e-6);
        assert_eq!(logistic(-200.0), 0.0);
        assert_eq!(logistic(200.0), 1.0);
    }

    #[test]
    fn softmax_zero_leaves_zeros() {
        let mut row = [1.0, 0.0, 1.0];
        softmax(&mut row, true);
        assert_eq!(row, [0.5, 0.0, 0.5]);
    }
}
