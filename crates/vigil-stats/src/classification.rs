//! Classification metrics from class indices and class probabilities.

use serde::Serialize;

use crate::StatsError;
use crate::roc::roc_auc_binary;

/// One metric under every averaging, `per_class` in class order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Averages {
    /// The positive class's value; only for two classes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binary: Option<f64>,
    pub micro: f64,
    pub macro_: f64,
    pub weighted: f64,
    pub per_class: Vec<f64>,
    /// Classes whose value hit a zero denominator and was set to 0 (`zero_division = 0`).
    pub zero_division: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassificationMetrics {
    pub n_samples: usize,
    pub accuracy: f64,
    pub balanced_accuracy: f64,
    pub precision: Averages,
    pub recall: Averages,
    pub f1: Averages,
    /// Binary: the positive column's AUC; multiclass: the one-vs-rest and one-vs-one variants.
    pub roc_auc_binary: Option<f64>,
    pub roc_auc_ovr_macro: Option<f64>,
    pub roc_auc_ovr_weighted: Option<f64>,
    pub roc_auc_ovo_macro: Option<f64>,
    pub roc_auc_ovo_weighted: Option<f64>,
    pub roc_auc_ovr_micro: Option<f64>,
    pub log_loss: Option<f64>,
    /// Rows are true classes, columns predicted classes, in class order.
    pub confusion_matrix: Vec<Vec<u64>>,
}

fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    if denominator == 0.0 {
        None
    } else {
        Some(numerator / denominator)
    }
}

#[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
fn averages(
    per_class: &[Option<f64>],
    support: &[u64],
    micro: Option<f64>,
    positive: Option<usize>,
) -> Averages {
    let values: Vec<f64> = per_class.iter().map(|v| v.unwrap_or(0.0)).collect();
    let zero_division = per_class
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_none())
        .map(|(i, _)| i)
        .collect();
    let total: u64 = support.iter().sum();
    let weighted = if total == 0 {
        0.0
    } else {
        values
            .iter()
            .zip(support)
            .map(|(v, &s)| v * s as f64)
            .sum::<f64>()
            / total as f64
    };
    Averages {
        binary: positive.map(|p| values[p]),
        micro: micro.unwrap_or(0.0),
        macro_: values.iter().sum::<f64>() / values.len().max(1) as f64,
        weighted,
        per_class: values,
        zero_division,
    }
}

/// Computes every classification metric. `y_true` and `y_pred` are class indices into the
/// model's classes (`n_classes` of them); `probabilities` is `[rows][n_classes]` when the model
/// gives scores; `positive` is the positive class for binary averages (two classes only).
#[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
pub fn classification_metrics(
    y_true: &[usize],
    y_pred: &[usize],
    probabilities: Option<&[Vec<f64>]>,
    n_classes: usize,
    positive: Option<usize>,
) -> Result<ClassificationMetrics, StatsError> {
    let n = y_true.len();
    if n == 0 {
        return Err(StatsError::Empty);
    }
    if y_pred.len() != n {
        return Err(StatsError::LengthMismatch {
            what: "the predictions",
            expected: n,
            found: y_pred.len(),
        });
    }
    for (row, &c) in y_true.iter().chain(y_pred).enumerate() {
        if c >= n_classes {
            return Err(StatsError::ClassOutOfRange {
                row: row % n,
                index: c,
                classes: n_classes,
            });
        }
    }
    let mut confusion = vec![vec![0_u64; n_classes]; n_classes];
    for (&t, &p) in y_true.iter().zip(y_pred) {
        confusion[t][p] += 1;
    }
    let tp: Vec<f64> = (0..n_classes).map(|c| confusion[c][c] as f64).collect();
    let support: Vec<u64> = confusion.iter().map(|row| row.iter().sum()).collect();
    let predicted: Vec<f64> = (0..n_classes)
        .map(|c| confusion.iter().map(|row| row[c]).sum::<u64>() as f64)
        .collect();
    let correct: f64 = tp.iter().sum();
    let accuracy = correct / n as f64;

    let precision: Vec<Option<f64>> = (0..n_classes).map(|c| ratio(tp[c], predicted[c])).collect();
    let recall: Vec<Option<f64>> = (0..n_classes)
        .map(|c| ratio(tp[c], support[c] as f64))
        .collect();
    let f1: Vec<Option<f64>> = (0..n_classes)
        .map(|c| ratio(2.0 * tp[c], predicted[c] + support[c] as f64))
        .collect();
    // Micro averages pool every class: for single-label data each equals the accuracy.
    let micro = Some(accuracy);
    let positive = if n_classes == 2 { positive } else { None };

    // Balanced accuracy: mean recall over the classes that occur in y_true.
    let present: Vec<f64> = recall
        .iter()
        .zip(&support)
        .filter(|(_, s)| **s > 0)
        .map(|(r, _)| r.unwrap_or(0.0))
        .collect();
    let balanced_accuracy = present.iter().sum::<f64>() / present.len().max(1) as f64;

    let mut metrics = ClassificationMetrics {
        n_samples: n,
        accuracy,
        balanced_accuracy,
        precision: averages(&precision, &support, micro, positive),
        recall: averages(&recall, &support, micro, positive),
        f1: averages(&f1, &support, micro, positive),
        roc_auc_binary: None,
        roc_auc_ovr_macro: None,
        roc_auc_ovr_weighted: None,
        roc_auc_ovo_macro: None,
        roc_auc_ovo_weighted: None,
        roc_auc_ovr_micro: None,
        log_loss: None,
        confusion_matrix: confusion,
    };
    if let Some(probabilities) = probabilities {
        if probabilities.len() != n {
            return Err(StatsError::LengthMismatch {
                what: "the probabilities",
                expected: n,
                found: probabilities.len(),
            });
        }
        for (row, p) in probabilities.iter().enumerate() {
            if p.len() != n_classes || p.iter().any(|v| !v.is_finite()) {
                return Err(StatsError::NonFinite { row });
            }
        }
        metrics.log_loss = Some(log_loss(y_true, probabilities));
        let column = |c: usize| -> Vec<f64> { probabilities.iter().map(|p| p[c]).collect() };
        let is = |c: usize| -> Vec<bool> { y_true.iter().map(|&t| t == c).collect() };
        if n_classes == 2 {
            let p = positive.unwrap_or(1);
            metrics.roc_auc_binary = roc_auc_binary(&is(p), &column(p));
        } else {
            let per_class: Vec<Option<f64>> = (0..n_classes)
                .map(|c| roc_auc_binary(&is(c), &column(c)))
                .collect();
            // sklearn refuses OvR when a class has no positives; keep it undefined then.
            if per_class.iter().all(Option::is_some) {
                let aucs: Vec<f64> = per_class.iter().flatten().copied().collect();
                metrics.roc_auc_ovr_macro = Some(aucs.iter().sum::<f64>() / n_classes as f64);
                metrics.roc_auc_ovr_weighted = Some(
                    aucs.iter()
                        .zip(&support)
                        .map(|(a, &s)| a * s as f64)
                        .sum::<f64>()
                        / n as f64,
                );
            }
            let flat_truth: Vec<bool> = y_true
                .iter()
                .flat_map(|&t| (0..n_classes).map(move |c| t == c))
                .collect();
            let flat_scores: Vec<f64> = probabilities
                .iter()
                .flat_map(|p| p.iter().copied())
                .collect();
            metrics.roc_auc_ovr_micro = roc_auc_binary(&flat_truth, &flat_scores);
            let (macro_, weighted) = one_vs_one(y_true, probabilities, n_classes);
            metrics.roc_auc_ovo_macro = macro_;
            metrics.roc_auc_ovo_weighted = weighted;
        }
    }
    Ok(metrics)
}

/// Mean of `-ln p[true class]`, with p clipped to `[eps, 1 - eps]` (eps = f64 machine epsilon).
#[expect(clippy::cast_precision_loss, reason = "row counts are far below 2^52")]
fn log_loss(y_true: &[usize], probabilities: &[Vec<f64>]) -> f64 {
    let eps = f64::EPSILON;
    let total: f64 = y_true
        .iter()
        .zip(probabilities)
        .map(|(&t, p)| -p[t].clamp(eps, 1.0 - eps).ln())
        .sum();
    total / y_true.len() as f64
}

/// One-vs-one AUC (Hand & Till): for each pair of classes, the mean of the two directed AUCs on
/// the rows of those two classes; averaged plainly and weighted by the pair's share of rows.
#[expect(clippy::cast_precision_loss, reason = "row counts are far below 2^52")]
fn one_vs_one(
    y_true: &[usize],
    probabilities: &[Vec<f64>],
    n_classes: usize,
) -> (Option<f64>, Option<f64>) {
    let mut scores = Vec::new();
    let mut weights = Vec::new();
    for a in 0..n_classes {
        for b in a + 1..n_classes {
            let rows: Vec<usize> = (0..y_true.len())
                .filter(|&i| y_true[i] == a || y_true[i] == b)
                .collect();
            let directed = |c: usize| {
                let truth: Vec<bool> = rows.iter().map(|&i| y_true[i] == c).collect();
                let score: Vec<f64> = rows.iter().map(|&i| probabilities[i][c]).collect();
                roc_auc_binary(&truth, &score)
            };
            let (Some(ab), Some(ba)) = (directed(a), directed(b)) else {
                return (None, None);
            };
            scores.push(f64::midpoint(ab, ba));
            weights.push(rows.len() as f64 / y_true.len() as f64);
        }
    }
    if scores.is_empty() {
        return (None, None);
    }
    let macro_ = scores.iter().sum::<f64>() / scores.len() as f64;
    let weight_sum: f64 = weights.iter().sum();
    let weighted = scores.iter().zip(&weights).map(|(s, w)| s * w).sum::<f64>() / weight_sum;
    (Some(macro_), Some(weighted))
}
