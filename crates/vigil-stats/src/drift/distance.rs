//! Distances and divergences between two samples or two binned distributions: Wasserstein,
//! PSI (the kit's ε-floored form and Evidently's), Jensen–Shannon, and the chi-square and
//! two-proportion Z tests.

use serde::Serialize;

use crate::special::{chi2_sf, normal_cdf};

/// ∫ |F_a − F_b| dx for two sorted samples (scipy's `wasserstein_distance`).
pub fn wasserstein(a: &[f64], b: &[f64]) -> f64 {
    merge_statistics(a, b).wasserstein
}

/// What one merge of two sorted samples yields: the KS statistic, the Wasserstein distance and
/// the number of distinct values in their union, in one pass over both.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MergeStatistics {
    pub ks_statistic: f64,
    pub wasserstein: f64,
    pub distinct: usize,
}

pub fn merge_statistics(a: &[f64], b: &[f64]) -> MergeStatistics {
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let (mut ks, mut total, mut distinct) = (0.0f64, 0.0f64, 0usize);
    let mut previous: Option<f64> = None;
    let mut gap = 0.0f64;
    loop {
        let value = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        if let Some(start) = previous {
            total += gap * (value - start);
        }
        while a.get(i).is_some_and(|&x| x <= value) {
            i += 1;
        }
        while b.get(j).is_some_and(|&y| y <= value) {
            j += 1;
        }
        gap = (i as f64 / na - j as f64 / nb).abs();
        ks = ks.max(gap);
        distinct += 1;
        previous = Some(value);
    }
    MergeStatistics {
        ks_statistic: ks,
        wasserstein: total,
        distinct,
    }
}

/// Population standard deviation (ddof = 0), two-pass.
pub fn std_population(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt()
}

/// Shares of each bin: count / total.
pub fn shares(counts: &[u64]) -> Vec<f64> {
    let total = counts.iter().sum::<u64>() as f64;
    counts.iter().map(|&c| c as f64 / total).collect()
}

/// The kit's PSI: Σ (c − r) ln(c / r) with both shares floored at 1e-4.
pub fn psi_floored(reference: &[f64], current: &[f64]) -> f64 {
    const FLOOR: f64 = 1e-4;
    reference
        .iter()
        .zip(current)
        .map(|(&r, &c)| {
            let (r, c) = (r.max(FLOOR), c.max(FLOOR));
            (c - r) * (c / r).ln()
        })
        .sum()
}

/// Evidently's PSI: zero shares of each sample are filled on their own — with 1e-4, or with
/// a millionth of the smallest non-zero share when that share is itself at most 1e-4 — and
/// PSI = Σ (r − c) ln(r / c).
pub fn psi_evidently(reference: &[f64], current: &[f64]) -> f64 {
    let fill = |shares: &[f64]| -> Vec<f64> {
        let smallest = shares
            .iter()
            .copied()
            .filter(|&s| s > 0.0)
            .fold(f64::INFINITY, f64::min);
        let filler = if smallest <= 1e-4 {
            smallest / 1e6
        } else {
            1e-4
        };
        shares
            .iter()
            .map(|&s| if s == 0.0 { filler } else { s })
            .collect()
    };
    let (r, c) = (fill(reference), fill(current));
    r.iter()
        .zip(&c)
        .map(|(&r, &c)| (r - c) * (r / c).ln())
        .sum()
}

/// Jensen–Shannon distance (scipy's `jensenshannon`): both vectors normalised to sum 1,
/// m = (p + q)/2, √((KL(p‖m) + KL(q‖m)) / 2), natural log unless `base` is given.
pub fn jensen_shannon(p: &[f64], q: &[f64], base: Option<f64>) -> f64 {
    let (sp, sq) = (p.iter().sum::<f64>(), q.iter().sum::<f64>());
    let mut divergence = 0.0;
    for (&a, &b) in p.iter().zip(q) {
        let (a, b) = (a / sp, b / sq);
        let m = (a + b) / 2.0;
        if a > 0.0 {
            divergence += a * (a / m).ln();
        }
        if b > 0.0 {
            divergence += b * (b / m).ln();
        }
    }
    if let Some(base) = base {
        divergence /= base.ln();
    }
    (divergence / 2.0).max(0.0).sqrt()
}

/// A chi-square test result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChiSquare {
    /// +∞ when the reference lacks a category the current sample has.
    #[serde(serialize_with = "crate::serialize_float")]
    pub statistic: f64,
    pub pvalue: f64,
    pub dof: usize,
}

/// Goodness of fit of the current counts to the reference proportions (Evidently's
/// chi-square): expected = reference count · n_cur / n_ref. The reference is treated as exact,
/// so a category it lacks makes the statistic infinite and p = 0.
pub fn chi2_goodness_of_fit(reference: &[u64], current: &[u64]) -> ChiSquare {
    let (n_ref, n_cur) = (
        reference.iter().sum::<u64>() as f64,
        current.iter().sum::<u64>() as f64,
    );
    let scale = n_cur / n_ref;
    let mut statistic = 0.0;
    for (&r, &c) in reference.iter().zip(current) {
        let expected = r as f64 * scale;
        let gap = c as f64 - expected;
        statistic += if expected == 0.0 {
            if c == 0 { 0.0 } else { f64::INFINITY }
        } else {
            gap * gap / expected
        };
    }
    let dof = reference.len().saturating_sub(1);
    ChiSquare {
        statistic,
        pvalue: if dof == 0 {
            1.0
        } else {
            chi2_sf(statistic, dof)
        },
        dof,
    }
}

/// Pearson's test of homogeneity on the 2 × k table [reference; current] without continuity
/// correction (scipy's `chi2_contingency(correction=False)`).
pub fn chi2_homogeneity(reference: &[u64], current: &[u64]) -> ChiSquare {
    let (n_ref, n_cur) = (
        reference.iter().sum::<u64>() as f64,
        current.iter().sum::<u64>() as f64,
    );
    let total = n_ref + n_cur;
    let mut statistic = 0.0;
    for (&r, &c) in reference.iter().zip(current) {
        let column = (r + c) as f64;
        for (observed, row) in [(r as f64, n_ref), (c as f64, n_cur)] {
            let expected = row * column / total;
            if expected > 0.0 {
                statistic += (observed - expected) * (observed - expected) / expected;
            }
        }
    }
    let dof = reference.len().saturating_sub(1);
    if dof == 0 {
        return ChiSquare {
            statistic: 0.0,
            pvalue: 1.0,
            dof,
        };
    }
    ChiSquare {
        statistic,
        pvalue: chi2_sf(statistic, dof),
        dof,
    }
}

/// Evidently's two-proportion Z test on the share of one category: p = 2 (1 − Φ(|z|)).
/// `reference_hits` of `n_ref` and `current_hits` of `n_cur` rows are that category.
pub fn z_test_proportions(reference_hits: u64, n_ref: u64, current_hits: u64, n_cur: u64) -> f64 {
    let (n1, n2) = (n_ref as f64, n_cur as f64);
    let (p1, p2) = (reference_hits as f64 / n1, current_hits as f64 / n2);
    let pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
    if pooled <= 0.0 || pooled >= 1.0 {
        // Both samples are all one value: no difference to test.
        return 1.0;
    }
    let z = (p1 - p2) / (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    2.0 * (1.0 - normal_cdf(z.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wasserstein_of_shifted_samples_is_the_shift() {
        let a = [0.0, 1.0, 2.0, 3.0];
        let b = [0.5, 1.5, 2.5, 3.5];
        assert!((wasserstein(&a, &b) - 0.5).abs() < 1e-15);
        assert_eq!(wasserstein(&a, &a), 0.0);
    }

    #[test]
    fn chi_square_matches_scipy() {
        // scipy.stats.chi2_contingency([[10, 20, 30], [15, 15, 30]], correction=False).
        let t = chi2_homogeneity(&[10, 20, 30], &[15, 15, 30]);
        assert!((t.statistic - 1.714_285_714_285_714_4).abs() < 1e-12);
        assert!(
            (t.pvalue - 0.424_372_845_676_95).abs() < 1e-12,
            "{}",
            t.pvalue
        );
        assert_eq!(t.dof, 2);
        // A category the reference never saw: infinite statistic, p = 0.
        let t = chi2_goodness_of_fit(&[10, 0], &[5, 5]);
        assert_eq!(t.statistic, f64::INFINITY);
        assert_eq!(t.pvalue, 0.0);
    }

    #[test]
    fn jensen_shannon_of_disjoint_distributions_is_one_in_base_two() {
        assert!((jensen_shannon(&[1.0, 0.0], &[0.0, 1.0], Some(2.0)) - 1.0).abs() < 1e-15);
        assert_eq!(jensen_shannon(&[0.3, 0.7], &[0.3, 0.7], None), 0.0);
    }

    #[test]
    fn z_test_matches_the_normal_approximation() {
        // 40 % vs 50 % of 100 rows each: 2 (1 − norm.cdf(|z|)) with scipy gives 0.155218489684684.
        let p = z_test_proportions(40, 100, 50, 100);
        assert!((p - 0.155_218_489_684_684).abs() < 1e-12, "{p}");
        assert_eq!(z_test_proportions(0, 10, 0, 10), 1.0);
    }
}
