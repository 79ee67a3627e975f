//! The two-sample Kolmogorov–Smirnov test with scipy 1.17's p-values.
//!
//! `scipy.stats.ks_2samp(method="auto")` is exact when both samples have at most 10,000
//! values and asymptotic (the finite-n Kolmogorov distribution at the effective sample size)
//! above; Vigil makes the same choice so its p-values equal scipy's. The exact p-value counts
//! lattice paths (Hodges; Viehmann's recursion for 1 − p, which stays accurate in the tail).
//! The asymptotic one follows Simard & L'Ecuyer's choice of method by region: the
//! Birnbaum–Tingey sum in the tail, the Pelz–Good expansion in the body.

use serde::Serialize;

use crate::special::ln_gamma;

/// Above this many values in either sample, scipy's `auto` switches to the asymptotic p-value.
pub const KS_EXACT_MAX_N: usize = 10_000;

/// How the reported p-value was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KsPvalueMethod {
    Exact,
    Asymp,
}

/// The two-sided two-sample KS test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KsTest {
    /// D = sup |F_ref − F_cur|.
    pub statistic: f64,
    /// scipy's `method="auto"` p-value (exact or asymptotic, see `pvalue_method_auto`).
    pub pvalue: f64,
    /// The exact p-value; computed only where scipy's auto would compute it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pvalue_exact: Option<f64>,
    /// scipy's asymptotic p-value: `kstwo.sf(D, round(n_eff))`.
    pub pvalue_asymp: f64,
    pub pvalue_method_auto: KsPvalueMethod,
    /// The limiting Kolmogorov distribution, Q_KS(√n_eff · D).
    pub pvalue_kolmogorov_limit: f64,
    /// Stephens' small-sample correction, Q_KS((√n_eff + 0.12 + 0.11/√n_eff) · D).
    pub pvalue_stephens: f64,
    /// n_ref · n_cur / (n_ref + n_cur).
    pub n_eff: f64,
}

/// KS test of two samples, each sorted ascending and free of NaN. Both must be non-empty.
pub fn ks_two_sample(reference: &[f64], current: &[f64]) -> KsTest {
    ks_test_from_statistic(
        reference.len(),
        current.len(),
        ks_statistic(reference, current),
    )
}

/// The KS test from its statistic D and the two sample sizes.
pub fn ks_test_from_statistic(n1: usize, n2: usize, statistic: f64) -> KsTest {
    let (m, n) = (n1.max(n2) as f64, n1.min(n2) as f64);
    let n_eff = m * n / (m + n);
    let pvalue_asymp = kstwo_sf(round_half_even(n_eff) as u64, statistic);
    let mut pvalue_exact = None;
    let mut method = KsPvalueMethod::Asymp;
    let mut reported_statistic = statistic;
    if n1.max(n2) <= KS_EXACT_MAX_N
        && let Some((d, p)) = exact_pvalue(n1, n2, statistic)
    {
        pvalue_exact = Some(p);
        method = KsPvalueMethod::Exact;
        reported_statistic = d;
    }
    let pvalue = match method {
        KsPvalueMethod::Exact => pvalue_exact.unwrap_or(pvalue_asymp),
        KsPvalueMethod::Asymp => pvalue_asymp,
    };
    let root = n_eff.sqrt();
    KsTest {
        statistic: reported_statistic,
        pvalue: pvalue.clamp(0.0, 1.0),
        pvalue_exact,
        pvalue_asymp: pvalue_asymp.clamp(0.0, 1.0),
        pvalue_method_auto: method,
        pvalue_kolmogorov_limit: kolmogorov_limit_sf(root * statistic),
        pvalue_stephens: kolmogorov_limit_sf((root + 0.12 + 0.11 / root) * statistic),
        n_eff,
    }
}

/// sup |F_a − F_b| over the pooled values, with the right-continuous empirical CDFs (ties in
/// one sample or across both move together, as `searchsorted(side="right")` does).
pub fn ks_statistic(a: &[f64], b: &[f64]) -> f64 {
    crate::drift::merge_statistics(a, b).ks_statistic
}

fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        r - x.signum()
    } else {
        r
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The exact p-value and the statistic snapped to the lattice 1/lcm(n1, n2); `None` where
/// the computation leaves [0, 1] (scipy then falls back to the asymptotic value).
fn exact_pvalue(n1: usize, n2: usize, statistic: f64) -> Option<(f64, f64)> {
    let (n1, n2) = (n1 as u64, n2 as u64);
    let g = gcd(n1, n2);
    let lcm = (n1 / g) * n2;
    let h = round_half_even(statistic * lcm as f64) as u64;
    let d = h as f64 / lcm as f64;
    if h == 0 {
        return Some((d, 1.0));
    }
    let p = if n1 == n2 {
        prob_outside_square(n1, h)
    } else {
        prob_outside_band(n1, n2, g, h)
    };
    (p.is_finite() && (0.0..=1.0).contains(&p)).then_some((d, p))
}

/// P(D_{n,n} ≥ h/n) = 2 Σ_k (−1)^{k−1} C(2n, n−kh) / C(2n, n), evaluated Horner-fashion from
/// the innermost term so no alternating sum cancels.
fn prob_outside_square(n: u64, h: u64) -> f64 {
    let (nf, hf) = (n as f64, h as f64);
    let mut p = 0.0;
    let mut k = n / h;
    loop {
        let kf = k as f64;
        let mut ratio = 1.0;
        for j in 0..h {
            let jf = j as f64;
            ratio = (nf - kf * hf - jf) * ratio / (nf + kf * hf + jf + 1.0);
        }
        p = ratio * (1.0 - p);
        if k == 0 {
            break;
        }
        k -= 1;
    }
    2.0 * p
}

/// The share of monotone lattice paths from (0, 0) to (m, n) that leave the band
/// |x/m − y/n| < h / lcm(m, n), for m ≠ n. Each column keeps only the window of y inside the
/// band; the recursion carries 1 − (share of paths still inside), normalised per column, so
/// the numbers stay in [0, 1] instead of growing like binomial coefficients.
fn prob_outside_band(m: u64, n: u64, g: u64, h: u64) -> f64 {
    let (m, n) = if m < n { (n, m) } else { (m, n) };
    let (mg, ng) = ((m / g) as i64, (n / g) as i64);
    let (h, n_i) = (h as i64, n as i64);
    let mut low: i64 = 0;
    let mut high: i64 = (h + mg - 1).div_euclid(mg).min(n_i + 1);
    let mut window = high - low;
    // Index y - low of the current column; entries at and beyond `window` hold 1.
    let mut column = vec![1.0f64; n as usize + 2];
    for value in column.iter_mut().take(window as usize) {
        *value = 0.0;
    }
    for i in 1..=m as i64 {
        let (previous_low, previous_window) = (low, window);
        low = ((ng * i - h).div_euclid(mg) + 1).clamp(0, n_i);
        high = (ng * i + h + mg - 1).div_euclid(mg).min(n_i + 1);
        if high <= low {
            return 1.0;
        }
        let mut below = if low == 0 { 0.0 } else { 1.0 };
        let fi = i as f64;
        for offset in 0..(high - low) {
            let y = (offset + low) as f64;
            let left = column[(offset + low - previous_low) as usize];
            below = (left * fi + below * y) / (fi + y);
            column[offset as usize] = below;
        }
        window = high - low;
        if previous_window > window {
            for value in &mut column[window as usize..previous_window as usize] {
                *value = 1.0;
            }
        }
    }
    column[(high - low - 1) as usize]
}

/// Survival function of the two-sided one-sample KS statistic D_n (scipy's `kstwo.sf`).
pub fn kstwo_sf(n: u64, x: f64) -> f64 {
    if n == 0 || x.is_nan() {
        return f64::NAN;
    }
    if x >= 1.0 {
        return 0.0;
    }
    if x <= 0.0 {
        return 1.0;
    }
    let nf = n as f64;
    let t = nf * x;
    if t <= 1.0 {
        // Ruben–Gambino: P(D_n ≤ x) = n!/nⁿ (2t − 1)ⁿ for 1/2n ≤ x ≤ 1/n.
        if t <= 0.5 {
            return 1.0;
        }
        let cdf = (ln_gamma(nf + 1.0) - nf * nf.ln() + nf * (2.0 * t - 1.0).ln()).exp();
        return (1.0 - cdf).clamp(0.0, 1.0);
    }
    if t >= nf - 1.0 {
        return (2.0 * (1.0 - x).powf(nf)).clamp(0.0, 1.0);
    }
    if x >= 0.5 {
        return (2.0 * smirnov_sf(n, x)).clamp(0.0, 1.0);
    }
    let n_x_squared = t * x;
    if n_x_squared >= 370.0 {
        return 0.0;
    }
    if n_x_squared >= 2.2 {
        return (2.0 * smirnov_sf(n, x)).clamp(0.0, 1.0);
    }
    (1.0 - pelz_good_cdf(nf, x)).clamp(0.0, 1.0)
}

/// The exact one-sided Smirnov survival function P(D_n⁺ ≥ x) by the Birnbaum–Tingey sum
/// x Σ_j C(n, j) (1 − x − j/n)^(n−j) (x + j/n)^(j−1). Every term is positive and the terms rise
/// to one peak and fall, so the peak is found by ternary search and the sum taken outward from
/// it in log space until the terms are 1e-26 below it: for large n a few thousand terms instead
/// of n.
pub fn smirnov_sf(n: u64, x: f64) -> f64 {
    if x >= 1.0 {
        return 0.0;
    }
    if x <= 0.0 {
        return 1.0;
    }
    let nf = n as f64;
    let ln_n_factorial = ln_gamma(nf + 1.0);
    let ln_term = |j: u64| -> f64 {
        let jf = j as f64;
        let below = (nf - jf) / nf - x;
        if j < n && below <= 0.0 {
            return f64::NEG_INFINITY;
        }
        ln_n_factorial - ln_gamma(jf + 1.0) - ln_gamma(nf - jf + 1.0)
            + if j < n { (nf - jf) * below.ln() } else { 0.0 }
            + (jf - 1.0) * (x + jf / nf).ln()
    };
    // The last j with a positive term: 1 − x − j/n > 0.
    let mut last = ((nf * (1.0 - x)).floor() as u64).min(n);
    while last > 0 && ln_term(last) == f64::NEG_INFINITY {
        last -= 1;
    }
    let (mut low, mut high) = (0u64, last);
    while high - low > 2 {
        let third = (high - low) / 3;
        let (a, b) = (low + third, high - third);
        if ln_term(a) < ln_term(b) {
            low = a + 1;
        } else {
            high = b;
        }
    }
    let (peak, largest) =
        (low..=high)
            .map(|j| (j, ln_term(j)))
            .fold((low, f64::NEG_INFINITY), |best, (j, l)| {
                if l > best.1 { (j, l) } else { best }
            });
    const NEGLIGIBLE: f64 = 60.0;
    let mut sum = 1.0;
    for j in (peak + 1)..=last {
        let l = ln_term(j) - largest;
        if l < -NEGLIGIBLE {
            break;
        }
        sum += l.exp();
    }
    for j in (0..peak).rev() {
        let l = ln_term(j) - largest;
        if l < -NEGLIGIBLE {
            break;
        }
        sum += l.exp();
    }
    (x * sum * largest.exp()).clamp(0.0, 1.0)
}

/// Pelz & Good's (1976) expansion of P(D_n ≤ x) in powers of n^(−1/2):
/// K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^(3/2), z = x√n, each term in its theta-function form
/// that converges quickly for small z.
fn pelz_good_cdf(n: f64, x: f64) -> f64 {
    use std::f64::consts::PI;
    let z = n.sqrt() * x;
    let z2 = z * z;
    let odd_exponent = -PI * PI / (8.0 * z2);
    if odd_exponent < -708.0 {
        return 0.0;
    }
    let (z4, z6) = (z2 * z2, z2 * z2 * z2);
    let (pi2, pi4, pi6) = (PI * PI, PI.powi(4), PI.powi(6));
    let terms = (16.0 * z / PI).ceil() as u64;
    // Sums over odd m = 2k − 1 of polynomial(m²) · exp(−m²π²/(8z²)).
    let mut odd = [0.0f64; 4];
    // Sums over k ≥ 1 of k² e^(−k²π²/(2z²)) and (3z² − π²k²) k² e^(−k²π²/(2z²)).
    let (mut even_k2, mut even_k3) = (0.0f64, 0.0f64);
    for k in (1..=terms).rev() {
        let m = (2 * k - 1) as f64;
        let (m2, m4, m6) = (m * m, m.powi(4), m.powi(6));
        let weight = (odd_exponent * m2).exp();
        odd[0] += weight;
        odd[1] += (-z2 + pi2 * m2 / 4.0) * weight;
        odd[2] += (6.0 * z6
            + 2.0 * z4
            + (2.0 * z4 - 5.0 * z2) * pi2 * m2 / 4.0
            + pi4 * (1.0 - 2.0 * z2) * m4 / 16.0)
            * weight;
        odd[3] += (-30.0 * z6 - 90.0 * z6 * z2
            + pi2 * (135.0 * z4 - 96.0 * z6) * m2 / 4.0
            + pi4 * (-60.0 * z2 + 212.0 * z4) * m4 / 16.0
            + pi6 * (5.0 - 30.0 * z2) * m6 / 64.0)
            * weight;
        let kf = k as f64;
        let even_weight = kf * kf * (-kf * kf * pi2 / (2.0 * z2)).exp();
        even_k2 += even_weight;
        even_k3 += (3.0 * z2 - pi2 * kf * kf) * even_weight;
    }
    let root_two_pi = (2.0 * PI).sqrt();
    let k0 = root_two_pi * odd[0] / z;
    let k1 = root_two_pi * odd[1] / (6.0 * z4);
    let k2 = root_two_pi * odd[2] / (72.0 * z6 * z) - pi2 * root_two_pi * even_k2 / (36.0 * z2 * z);
    let k3 = root_two_pi * odd[3] / (6480.0 * z6 * z4) + pi2 * root_two_pi * even_k3 / (216.0 * z6);
    k0 + k1 / n.sqrt() + k2 / n + k3 / (n * n.sqrt())
}

/// Q_KS(λ) = 2 Σ_{k≥1} (−1)^(k−1) e^(−2k²λ²), the limiting Kolmogorov survival function; for
/// small λ the equivalent theta-function form, which converges there.
pub fn kolmogorov_limit_sf(lambda: f64) -> f64 {
    use std::f64::consts::PI;
    if lambda <= 0.0 {
        return 1.0;
    }
    if lambda < 1.18 {
        let exponent = -PI * PI / (8.0 * lambda * lambda);
        let sum: f64 = (1..=20)
            .map(|k| {
                let m = (2 * k - 1) as f64;
                (exponent * m * m).exp()
            })
            .sum();
        (1.0 - (2.0 * PI).sqrt() / lambda * sum).clamp(0.0, 1.0)
    } else {
        let mut sum = 0.0;
        for k in 1..=100 {
            let kf = k as f64;
            let term = (-2.0 * kf * kf * lambda * lambda).exp();
            sum += if k % 2 == 1 { term } else { -term };
            if term < 1e-300 {
                break;
            }
        }
        (2.0 * sum).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistic_handles_ties_across_samples() {
        // At 2, F_a = 1 while F_b = 1/2 (scipy's D for these samples is 0.5).
        let d = ks_statistic(&[1.0, 1.0, 2.0], &[1.0, 3.0]);
        assert!((d - 0.5).abs() < 1e-15);
        assert_eq!(ks_statistic(&[1.0, 2.0], &[1.0, 2.0]), 0.0);
    }

    #[test]
    fn exact_pvalues_match_scipy() {
        // scipy.stats.ks_2samp (scipy 1.17.1), method "auto" = exact at these sizes.
        let a: Vec<f64> = (0..5).map(f64::from).collect();
        let b: Vec<f64> = (2..9).map(f64::from).collect();
        let t = ks_two_sample(&a, &b);
        assert!((t.statistic - 0.571_428_571_428_571_4).abs() < 1e-15);
        assert!(
            (t.pvalue - 0.237_373_737_373_737_38).abs() < 1e-12,
            "{}",
            t.pvalue
        );
        assert_eq!(t.pvalue_method_auto, KsPvalueMethod::Exact);
        // Equal sizes use the closed form.
        let t = ks_two_sample(&[0.0, 1.0, 2.0, 3.0], &[2.0, 3.0, 4.0, 5.0]);
        assert!(
            (t.pvalue - 0.771_428_571_428_571_6).abs() < 1e-12,
            "{}",
            t.pvalue
        );
        let t = ks_two_sample(&[1.0, 1.0, 2.0], &[1.0, 3.0]);
        assert!((t.pvalue - 0.9).abs() < 1e-12, "{}", t.pvalue);
    }
}
