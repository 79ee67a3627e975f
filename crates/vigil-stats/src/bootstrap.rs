//! Bootstrap confidence intervals: rows resampled with replacement from a seeded generator, the
//! metric recomputed on each resample from per-row weights (how often the row was drawn), and the
//! percentile interval taken. The same seed and count give the same interval.

use serde::Serialize;

use crate::roc::roc_auc_weighted_sorted;

/// How intervals are computed; recorded with every result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bootstrap {
    pub resamples: usize,
    pub seed: u64,
    /// Central coverage, 0.95 for a 95 % interval.
    pub level: f64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Self {
            resamples: 1000,
            seed: 20_240_101,
            level: 0.95,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// SplitMix64: small, fast, and fully determined by its seed.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-40 for any row count).
    fn below(&mut self, n: usize) -> usize {
        let wide = u128::from(self.next()) * n as u128;
        usize::try_from(wide >> 64).unwrap_or(0)
    }
}

/// Linear-interpolated quantile of sorted values, as numpy's default.
#[expect(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "indices of a small sorted sample"
)]
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
}

/// Percentile interval of `statistic` over `bootstrap.resamples` weighted resamples of `n` rows.
/// Resamples where the statistic is undefined are left out; `None` when none is defined.
pub fn interval(
    n: usize,
    bootstrap: &Bootstrap,
    mut statistic: impl FnMut(&[f64]) -> Option<f64>,
) -> Option<Interval> {
    if n == 0 || bootstrap.resamples == 0 {
        return None;
    }
    let mut rng = SplitMix64(bootstrap.seed);
    let mut weights = vec![0.0_f64; n];
    let mut values = Vec::with_capacity(bootstrap.resamples);
    for _ in 0..bootstrap.resamples {
        weights.iter_mut().for_each(|w| *w = 0.0);
        for _ in 0..n {
            weights[rng.below(n)] += 1.0;
        }
        if let Some(v) = statistic(&weights).filter(|v| v.is_finite()) {
            values.push(v);
        }
    }
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - bootstrap.level) / 2.0;
    Some(Interval {
        low: quantile(&values, tail),
        high: quantile(&values, 1.0 - tail),
    })
}

/// Intervals of the headline classification metrics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClassificationIntervals {
    pub accuracy: Option<Interval>,
    pub balanced_accuracy: Option<Interval>,
    pub f1_macro: Option<Interval>,
    pub roc_auc: Option<Interval>,
    pub log_loss: Option<Interval>,
}

/// Percentile intervals of several statistics computed on the same resamples (one draw of
/// weights per resample serves every statistic, as a bootstrap of a whole report should).
fn intervals<const K: usize>(
    n: usize,
    bootstrap: &Bootstrap,
    mut statistics: impl FnMut(&[f64]) -> [Option<f64>; K],
) -> [Option<Interval>; K] {
    if n == 0 || bootstrap.resamples == 0 {
        return [None; K];
    }
    let mut rng = SplitMix64(bootstrap.seed);
    let mut weights = vec![0.0_f64; n];
    let mut values: [Vec<f64>; K] =
        std::array::from_fn(|_| Vec::with_capacity(bootstrap.resamples));
    for _ in 0..bootstrap.resamples {
        weights.iter_mut().for_each(|w| *w = 0.0);
        for _ in 0..n {
            weights[rng.below(n)] += 1.0;
        }
        for (k, v) in statistics(&weights).into_iter().enumerate() {
            if let Some(v) = v.filter(|v| v.is_finite()) {
                values[k].push(v);
            }
        }
    }
    let tail = (1.0 - bootstrap.level) / 2.0;
    values.map(|mut v| {
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        Some(Interval {
            low: quantile(&v, tail),
            high: quantile(&v, 1.0 - tail),
        })
    })
}

/// Bootstrap intervals for accuracy, balanced accuracy, macro F1, binary ROC AUC and log loss.
#[expect(clippy::cast_precision_loss, reason = "class counts are small")]
pub fn classification_intervals(
    y_true: &[usize],
    y_pred: &[usize],
    probabilities: Option<&[Vec<f64>]>,
    n_classes: usize,
    positive: Option<usize>,
    bootstrap: &Bootstrap,
) -> ClassificationIntervals {
    let n = y_true.len();
    let eps = f64::EPSILON;
    let losses: Option<Vec<f64>> = probabilities.map(|p| {
        (0..n)
            .map(|i| -p[i][y_true[i]].clamp(eps, 1.0 - eps).ln())
            .collect()
    });
    let auc_input = probabilities
        .zip(positive.filter(|_| n_classes == 2))
        .map(|(p, pos)| {
            let scores: Vec<f64> = p.iter().map(|row| row[pos]).collect();
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
            let truth: Vec<bool> = y_true.iter().map(|&t| t == pos).collect();
            (order, truth, scores)
        });
    let mut m = vec![vec![0.0_f64; n_classes]; n_classes];
    let [accuracy, balanced_accuracy, f1_macro, roc_auc, log_loss] = intervals(n, bootstrap, |w| {
        m.iter_mut()
            .for_each(|row| row.iter_mut().for_each(|c| *c = 0.0));
        for i in 0..n {
            m[y_true[i]][y_pred[i]] += w[i];
        }
        let total: f64 = w.iter().sum();
        let correct: f64 = (0..n_classes).map(|k| m[k][k]).sum();
        let recalls: Vec<f64> = (0..n_classes)
            .filter_map(|k| {
                let support: f64 = m[k].iter().sum();
                (support > 0.0).then(|| m[k][k] / support)
            })
            .collect();
        let f1: f64 = (0..n_classes)
            .map(|k| {
                let denominator =
                    (0..n_classes).map(|t| m[t][k]).sum::<f64>() + m[k].iter().sum::<f64>();
                if denominator == 0.0 {
                    0.0
                } else {
                    2.0 * m[k][k] / denominator
                }
            })
            .sum();
        [
            Some(correct / total),
            (!recalls.is_empty()).then(|| recalls.iter().sum::<f64>() / recalls.len() as f64),
            Some(f1 / n_classes as f64),
            auc_input.as_ref().and_then(|(order, truth, scores)| {
                roc_auc_weighted_sorted(order, truth, scores, w)
            }),
            losses
                .as_ref()
                .map(|l| l.iter().zip(w).map(|(l, w)| l * w).sum::<f64>() / total),
        ]
    });
    ClassificationIntervals {
        accuracy,
        balanced_accuracy,
        f1_macro,
        roc_auc,
        log_loss,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RegressionIntervals {
    pub mae: Option<Interval>,
    pub rmse: Option<Interval>,
    pub r2: Option<Interval>,
}

/// Bootstrap intervals for MAE, RMSE and R².
pub fn regression_intervals(
    y_true: &[f64],
    y_pred: &[f64],
    bootstrap: &Bootstrap,
) -> RegressionIntervals {
    let n = y_true.len();
    let [mae, rmse, r2] = intervals(n, bootstrap, |w| {
        let total: f64 = w.iter().sum();
        let mean = (0..n).map(|i| w[i] * y_true[i]).sum::<f64>() / total;
        let abs: f64 = (0..n).map(|i| w[i] * (y_true[i] - y_pred[i]).abs()).sum();
        let ss_res: f64 = (0..n).map(|i| w[i] * (y_true[i] - y_pred[i]).powi(2)).sum();
        let ss_tot: f64 = (0..n).map(|i| w[i] * (y_true[i] - mean).powi(2)).sum();
        [
            Some(abs / total),
            Some((ss_res / total).sqrt()),
            (ss_tot > 0.0).then(|| 1.0 - ss_res / ss_tot),
        ]
    });
    RegressionIntervals { mae, rmse, r2 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_interval_and_it_brackets_the_estimate() {
        let y: Vec<usize> = (0..500).map(|i| usize::from(i % 3 == 0)).collect();
        let pred: Vec<usize> = (0..500)
            .map(|i| usize::from(i % 3 == 0 && i % 7 != 0))
            .collect();
        let b = Bootstrap::default();
        let first = classification_intervals(&y, &pred, None, 2, Some(1), &b);
        let second = classification_intervals(&y, &pred, None, 2, Some(1), &b);
        assert_eq!(first, second);
        let accuracy = (0..500).filter(|&i| y[i] == pred[i]).count() as f64 / 500.0;
        let ci = first.accuracy.expect("interval");
        assert!(
            ci.low <= accuracy && accuracy <= ci.high,
            "{ci:?} vs {accuracy}"
        );
        assert!(ci.high - ci.low < 0.1);
        // A continuous statistic shows that another seed draws other resamples.
        let values: Vec<f64> = (0..500).map(|i| f64::from(i) * 0.37 % 11.0).collect();
        let mean = |w: &[f64]| {
            Some(values.iter().zip(w).map(|(v, w)| v * w).sum::<f64>() / w.iter().sum::<f64>())
        };
        assert_ne!(
            interval(500, &b, mean),
            interval(500, &Bootstrap { seed: 7, ..b }, mean)
        );
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 4.0);
        assert!((quantile(&v, 0.5) - 2.5).abs() < 1e-12);
        assert!((quantile(&v, 0.025) - 1.075).abs() < 1e-12);
    }
}
