//! LinearClassifier and LinearRegressor: `scores = X · Wᵀ + b` in float32, then onnxruntime's
//! label and post-transform rules.

use super::super::{BuildContext, Built, Operator, tensor_input};
use super::{PostTransform, class_labels, feature_rows, labels_tensor, logistic};
use crate::Device;
use crate::error::{OpError, OpResult};
use crate::tensor::HostTensor;
use crate::value::{ClassLabels, Value};

/// Row-major `[rows, targets]` scores of a linear model.
fn linear_scores(
    x: &HostTensor,
    coefficients: &[f32],
    intercepts: &[f32],
    targets: usize,
) -> OpResult<(usize, Vec<f32>)> {
    let (rows, features, values) = feature_rows(x)?;
    if features * targets != coefficients.len() {
        return Err(OpError::new(format!(
            "the input has {features} features but the model's coefficients expect {}",
            coefficients.len() / targets.max(1)
        )));
    }
    let mut scores = vec![0.0_f32; rows * targets];
    pulp::Arch::new().dispatch(LinearScores {
        values: &values,
        features,
        coefficients,
        intercepts,
        targets,
        scores: &mut scores,
    });
    Ok((rows, scores))
}

/// Rows this many at a time: their sums are independent chains of multiply-adds, which the
/// processor overlaps (one row's chain alone waits on each multiply-add in turn).
const ROWS_AT_ONCE: usize = 8;

struct LinearScores<'a> {
    values: &'a [f32],
    features: usize,
    coefficients: &'a [f32],
    intercepts: &'a [f32],
    targets: usize,
    scores: &'a mut [f32],
}

impl pulp::WithSimd for LinearScores<'_> {
    type Output = ();

    // Compiled once per processor feature set `dispatch` knows: where the processor has FMA,
    // `mul_add` is one instruction instead of a call into the maths library. The result is the
    // same either way (a fused multiply-add rounds once, however it is computed).
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        let Self {
            values,
            features,
            coefficients,
            intercepts,
            targets,
            scores,
        } = self;
        if targets == 0 {
            return;
        }
        if features == 0 {
            for row_scores in scores.chunks_exact_mut(targets) {
                for (t, score) in row_scores.iter_mut().enumerate() {
                    *score = intercepts.get(t).copied().unwrap_or(0.0);
                }
            }
            return;
        }
        let block_values = ROWS_AT_ONCE * features;
        let mut value_blocks = values.chunks_exact(block_values);
        let mut score_blocks = scores.chunks_exact_mut(ROWS_AT_ONCE * targets);
        for (block, block_scores) in (&mut value_blocks).zip(&mut score_blocks) {
            for t in 0..targets {
                let weights = &coefficients[t * features..(t + 1) * features];
                // onnxruntime's GEMM accumulates each output with fused multiply-adds in
                // feature order, then adds the intercept; the same order gives the same
                // float32 result.
                let mut sums = [0.0_f32; ROWS_AT_ONCE];
                for (f, &weight) in weights.iter().enumerate() {
                    for (j, sum) in sums.iter_mut().enumerate() {
                        *sum = block[j * features + f].mul_add(weight, *sum);
                    }
                }
                let intercept = intercepts.get(t).copied().unwrap_or(0.0);
                for (j, sum) in sums.iter().enumerate() {
                    block_scores[j * targets + t] = sum + intercept;
                }
            }
        }
        let rest = value_blocks.remainder();
        let rest_scores = score_blocks.into_remainder();
        for (row, row_scores) in rest
            .chunks_exact(features)
            .zip(rest_scores.chunks_exact_mut(targets))
        {
            for (t, score) in row_scores.iter_mut().enumerate() {
                let weights = &coefficients[t * features..(t + 1) * features];
                let dot = row
                    .iter()
                    .zip(weights)
                    .fold(0.0_f32, |acc, (a, b)| a.mul_add(*b, acc));
                *score = dot + intercepts.get(t).copied().unwrap_or(0.0);
            }
        }
    }
}

#[derive(Debug)]
struct LinearClassifier {
    coefficients: Vec<f32>,
    intercepts: Vec<f32>,
    labels: ClassLabels,
    post: PostTransform,
    classes: usize,
}

pub(crate) fn linear_classifier(context: &BuildContext<'_>) -> Built {
    let attributes = context.attributes();
    attributes.only(&[
        "classlabels_ints",
        "classlabels_strings",
        "coefficients",
        "intercepts",
        "multi_class",
        "post_transform",
    ])?;
    let coefficients = attributes
        .floats("coefficients")?
        .ok_or("`coefficients` is required")?;
    let intercepts = attributes.floats("intercepts")?.unwrap_or_default();
    let labels = class_labels(&attributes, "classlabels_ints")?;
    let classes = if intercepts.is_empty() {
        labels.len()
    } else {
        intercepts.len()
    };
    if classes == 0 || coefficients.len() % classes != 0 {
        return Err(format!(
            "{} coefficients do not split into {classes} classes",
            coefficients.len()
        )
        .into());
    }
    if classes > 1 && classes != labels.len() {
        return Err(format!("{classes} score rows but {} class labels", labels.len()).into());
    }
    if classes == 1 && labels.len() > 2 {
        return Err("one score row can only serve two classes".to_owned().into());
    }
    Ok(Box::new(LinearClassifier {
        coefficients,
        intercepts,
        labels,
        post: PostTransform::parse(&attributes)?,
        classes,
    }))
}

impl Operator for LinearClassifier {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let (rows, mut scores) =
            linear_scores(x, &self.coefficients, &self.intercepts, self.classes)?;
        let mut picks = Vec::with_capacity(rows);
        if self.classes == 1 {
            // One score row: the positive class wins above zero; the scores get a second column.
            let mut both = Vec::with_capacity(rows * 2);
            for &s in &scores {
                picks.push(usize::from(s > 0.0) * usize::from(self.labels.len() == 2));
                match self.post {
                    PostTransform::Logistic => both.extend([logistic(-s), logistic(s)]),
                    _ => both.extend([-s, s]),
                }
            }
            if self.labels.len() < 2 {
                return Err(OpError::new(
                    "a single-score classifier needs two class labels",
                ));
            }
            return Ok(vec![
                Value::Tensor(labels_tensor(&self.labels, &picks)?),
                Value::Tensor(HostTensor::f32(vec![rows, 2], both)?),
            ]);
        }
        for r in 0..rows {
            let row = &mut scores[r * self.classes..(r + 1) * self.classes];
            // The label is the first highest raw score, before the post-transform.
            let mut best = 0;
            for (i, &s) in row.iter().enumerate() {
                if s > row[best] {
                    best = i;
                }
            }
            picks.push(best);
            self.post.apply(row);
        }
        Ok(vec![
            Value::Tensor(labels_tensor(&self.labels, &picks)?),
            Value::Tensor(HostTensor::f32(vec![rows, self.classes], scores)?),
        ])
    }
}

#[derive(Debug)]
struct LinearRegressor {
    coefficients: Vec<f32>,
    intercepts: Vec<f32>,
    targets: usize,
}

pub(crate) fn linear_regressor(context: &BuildContext<'_>) -> Built {
    let attributes = context.attributes();
    attributes.only(&["coefficients", "intercepts", "targets", "post_transform"])?;
    if PostTransform::parse(&attributes)? != PostTransform::None {
        return Err("only post_transform NONE is supported for a regressor"
            .to_owned()
            .into());
    }
    let coefficients = attributes
        .floats("coefficients")?
        .ok_or("`coefficients` is required")?;
    let targets = usize::try_from(attributes.int_or("targets", 1)?)
        .map_err(|_| "`targets` must be positive".to_owned())?;
    if targets == 0 || coefficients.len() % targets != 0 {
        return Err(format!(
            "{} coefficients do not split into {targets} targets",
            coefficients.len()
        )
        .into());
    }
    Ok(Box::new(LinearRegressor {
        coefficients,
        intercepts: attributes.floats("intercepts")?.unwrap_or_default(),
        targets,
    }))
}

impl Operator for LinearRegressor {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let (rows, scores) = linear_scores(x, &self.coefficients, &self.intercepts, self.targets)?;
        Ok(vec![Value::Tensor(HostTensor::f32(
            vec![rows, self.targets],
            scores,
        )?)])
    }
}
