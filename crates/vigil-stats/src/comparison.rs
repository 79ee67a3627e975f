//! Paired comparison of two classifiers on the same rows: McNemar's exact test on which rows each
//! gets right, and DeLong's test for the difference of two correlated ROC AUCs.

use serde::Serialize;

use crate::special::{erfc, ln_gamma};

/// McNemar's exact test (statsmodels' `mcnemar(exact=True)`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct McNemar {
    /// Rows only the first model gets right.
    pub only_first_correct: u64,
    /// Rows only the second model gets right.
    pub only_second_correct: u64,
    /// min(b, c), as statsmodels reports it.
    pub statistic: f64,
    /// Two-sided: min(1, 2 · P(Binomial(b + c, ½) ≤ min(b, c))).
    pub pvalue: f64,
}

/// McNemar's exact test on paired correctness flags.
pub fn mcnemar_exact(first_correct: &[bool], second_correct: &[bool]) -> McNemar {
    let (mut b, mut c) = (0u64, 0u64);
    for (&x, &y) in first_correct.iter().zip(second_correct) {
        match (x, y) {
            (true, false) => b += 1,
            (false, true) => c += 1,
            _ => {}
        }
    }
    let n = b + c;
    let k = b.min(c);
    let pvalue = if n == 0 {
        1.0
    } else {
        // P(X ≤ k) for X ~ Binomial(n, ½), summed in log space from the largest term down.
        let nf = n as f64;
        let ln_total = ln_gamma(nf + 1.0) - nf * std::f64::consts::LN_2;
        let terms: Vec<f64> = (0..=k)
            .map(|i| {
                let i = i as f64;
                ln_total - ln_gamma(i + 1.0) - ln_gamma(nf - i + 1.0)
            })
            .collect();
        let largest = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let cdf = largest.exp() * terms.iter().map(|t| (t - largest).exp()).sum::<f64>();
        (2.0 * cdf).min(1.0)
    };
    McNemar {
        only_first_correct: b,
        only_second_correct: c,
        statistic: k as f64,
        pvalue,
    }
}

/// DeLong's test for two correlated ROC AUCs (DeLong, DeLong & Clarke-Pearson 1988), computed
/// with midranks (Sun & Xu 2014).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeLong {
    pub auc_first: f64,
    pub auc_second: f64,
    /// Second minus first.
    pub difference: f64,
    pub standard_error: f64,
    pub z: f64,
    /// Two-sided, from the normal distribution.
    pub pvalue: f64,
}

/// Midranks (1-based, ties averaged) of `values`.
fn midranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// The AUC and the structural components (V10 over positives, V01 over negatives) of one score.
fn components(positives: &[f64], negatives: &[f64]) -> (f64, Vec<f64>, Vec<f64>) {
    let (m, n) = (positives.len() as f64, negatives.len() as f64);
    let all: Vec<f64> = positives.iter().chain(negatives).copied().collect();
    let rank_all = midranks(&all);
    let rank_pos = midranks(positives);
    let rank_neg = midranks(negatives);
    let auc = (rank_all[..positives.len()].iter().sum::<f64>() - m * (m + 1.0) / 2.0) / (m * n);
    let v10 = (0..positives.len())
        .map(|i| (rank_all[i] - rank_pos[i]) / n)
        .collect();
    let v01 = (0..negatives.len())
        .map(|j| 1.0 - (rank_all[positives.len() + j] - rank_neg[j]) / m)
        .collect();
    (auc, v10, v01)
}

fn covariance(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f64>()
        / (n - 1.0)
}

/// DeLong's test of `second` against `first` scores for the same rows; `None` when a class has
/// fewer than two rows (the variances are undefined).
pub fn delong_test(positive: &[bool], first: &[f64], second: &[f64]) -> Option<DeLong> {
    let split = |scores: &[f64]| -> (Vec<f64>, Vec<f64>) {
        let mut pos = Vec::new();
        let mut neg = Vec::new();
        for (&p, &s) in positive.iter().zip(scores) {
            if p {
                pos.push(s);
            } else {
                neg.push(s);
            }
        }
        (pos, neg)
    };
    let (pos_a, neg_a) = split(first);
    let (pos_b, neg_b) = split(second);
    if pos_a.len() < 2 || neg_a.len() < 2 {
        return None;
    }
    let (auc_a, v10_a, v01_a) = components(&pos_a, &neg_a);
    let (auc_b, v10_b, v01_b) = components(&pos_b, &neg_b);
    let (m, n) = (pos_a.len() as f64, neg_a.len() as f64);
    // Var(AUC_b − AUC_a) = (S10_aa + S10_bb − 2 S10_ab)/m + (S01_aa + S01_bb − 2 S01_ab)/n.
    let variance = (covariance(&v10_a, &v10_a) + covariance(&v10_b, &v10_b)
        - 2.0 * covariance(&v10_a, &v10_b))
        / m
        + (covariance(&v01_a, &v01_a) + covariance(&v01_b, &v01_b)
            - 2.0 * covariance(&v01_a, &v01_b))
            / n;
    let difference = auc_b - auc_a;
    let standard_error = variance.max(0.0).sqrt();
    let (z, pvalue) = if standard_error > 0.0 {
        let z = difference / standard_error;
        (z, erfc(z.abs() / std::f64::consts::SQRT_2))
    } else if difference == 0.0 {
        (0.0, 1.0)
    } else {
        (f64::INFINITY.copysign(difference), 0.0)
    };
    Some(DeLong {
        auc_first: auc_a,
        auc_second: auc_b,
        difference,
        standard_error,
        z,
        pvalue,
    })
}

/// Bootstrap intervals of second-minus-first differences, resampling rows (pairs stay together).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairedIntervals {
    pub accuracy_difference: Option<crate::Interval>,
    pub roc_auc_difference: Option<crate::Interval>,
}

/// Paired bootstrap intervals for the accuracy difference and, given scores of the positive
/// class, the ROC AUC difference.
pub fn paired_intervals(
    first_correct: &[bool],
    second_correct: &[bool],
    scores: Option<(&[bool], &[f64], &[f64])>,
    bootstrap: &crate::Bootstrap,
) -> PairedIntervals {
    let n = first_correct.len();
    let gain: Vec<f64> = first_correct
        .iter()
        .zip(second_correct)
        .map(|(&a, &b)| f64::from(u8::from(b)) - f64::from(u8::from(a)))
        .collect();
    let accuracy_difference = crate::interval(n, bootstrap, |weights| {
        let total: f64 = weights.iter().sum();
        (total > 0.0).then(|| weights.iter().zip(&gain).map(|(w, g)| w * g).sum::<f64>() / total)
    });
    let roc_auc_difference = scores.and_then(|(positive, first, second)| {
        let order = |s: &[f64]| {
            let mut o: Vec<usize> = (0..s.len()).collect();
            o.sort_by(|&i, &j| s[i].total_cmp(&s[j]));
            o
        };
        let (order_first, order_second) = (order(first), order(second));
        crate::interval(n, bootstrap, |weights| {
            let a = crate::roc::roc_auc_weighted_sorted(&order_first, positive, first, weights)?;
            let b = crate::roc::roc_auc_weighted_sorted(&order_second, positive, second, weights)?;
            Some(b - a)
        })
    });
    PairedIntervals {
        accuracy_difference,
        roc_auc_difference,
    }
}
