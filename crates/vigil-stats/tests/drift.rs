//! Drift statistics against scipy's reference values (`reference/make_ks_reference.py`) and
//! their invariants on seeded random samples. The kit's full drift cases run through
//! `vigil drift` in vigil-cli's tests.
#![allow(
    clippy::expect_used,
    reason = "a test fails loudly on the first unexpected error"
)]

use serde_json::Value;
use vigil_stats::drift::{
    CategoryCounts, categorical_drift, ks_statistic, ks_two_sample, kstwo_sf, merge_statistics,
    numeric_drift, psi_floored, shares, sorted_finite, wasserstein,
};

fn reference() -> Value {
    serde_json::from_str(include_str!("reference/ks_reference.json")).expect("reference JSON")
}

fn close(got: f64, want: f64, rtol: f64, atol: f64) -> bool {
    (got - want).abs() <= atol + rtol * want.abs()
}

#[test]
fn kstwo_survival_matches_scipy_in_every_region() {
    let reference = reference();
    let mut failures = Vec::new();
    for case in reference["kstwo"].as_array().expect("grid") {
        let n = case["n"].as_u64().expect("n");
        let d = case["d"].as_f64().expect("d");
        let want = case["sf"].as_f64().expect("sf");
        let got = kstwo_sf(n, d);
        if !close(got, want, 1e-6, 1e-12) {
            failures.push(format!("n={n} d={d}: got {got:e}, scipy {want:e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// x_i = frac(i · step)^power + shift, i = 1..n — the script computes the same floats.
fn weyl_sample(n: u64, step: f64, power: f64, shift: f64) -> Vec<f64> {
    (1..=n)
        .map(|i| (i as f64 * step % 1.0).powf(power) + shift)
        .collect()
}

#[test]
fn two_sample_ks_matches_scipy_exact_and_asymptotic() {
    let reference = reference();
    for case in reference["two_sample"].as_array().expect("pairs") {
        let n1 = case["n1"].as_u64().expect("n1");
        let n2 = case["n2"].as_u64().expect("n2");
        let power = case["power"].as_f64().expect("power");
        let shift = case["shift"].as_f64().expect("shift");
        let (a, _) = sorted_finite(&weyl_sample(n1, 0.618_033_988_749_894_9, 1.0, 0.0));
        let (b, _) = sorted_finite(&weyl_sample(n2, 0.754_877_666_246_692_7, power, shift));
        let test = ks_two_sample(&a, &b);
        let (want_d, want_p) = (
            case["statistic"].as_f64().expect("statistic"),
            case["pvalue"].as_f64().expect("pvalue"),
        );
        assert!(
            close(test.statistic, want_d, 1e-12, 0.0),
            "{case}: D {}",
            test.statistic
        );
        assert!(
            close(test.pvalue, want_p, 1e-6, 1e-12),
            "{case}: p {} ({:?})",
            test.pvalue,
            test.pvalue_method_auto
        );
    }
}

/// SplitMix64, for seeded samples.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A sample of `n` values: rounded to `decimals` so ties occur, some NaN.
    fn sample(&mut self, n: usize, scale: f64, shift: f64) -> Vec<f64> {
        (0..n)
            .map(|_| {
                let u = self.next();
                if u < 0.03 {
                    f64::NAN
                } else {
                    ((self.next() * scale + shift) * 10.0).round() / 10.0
                }
            })
            .collect()
    }

    fn shuffle(&mut self, values: &mut [f64]) {
        for i in (1..values.len()).rev() {
            let j = (self.next() * (i + 1) as f64) as usize;
            values.swap(i, j.min(i));
        }
    }
}

#[test]
fn properties_hold_on_random_samples() {
    let mut rng = Rng(20_240_101);
    for round in 0..200 {
        let n1 = 5 + (rng.next() * 400.0) as usize;
        let n2 = 5 + (rng.next() * 400.0) as usize;
        let reference = rng.sample(n1, 10.0, 0.0);
        let (scale, shift) = (10.0 + rng.next() * 5.0, rng.next() * 3.0);
        let current = rng.sample(n2, scale, shift);
        let Ok(drift) = numeric_drift(&reference, &current) else {
            continue;
        };
        // KS ∈ [0, 1], symmetric in its samples; p ∈ [0, 1].
        assert!((0.0..=1.0).contains(&drift.ks.statistic), "round {round}");
        assert!((0.0..=1.0).contains(&drift.ks.pvalue), "round {round}");
        let (a, _) = sorted_finite(&reference);
        let (b, _) = sorted_finite(&current);
        assert_eq!(ks_statistic(&a, &b), ks_statistic(&b, &a), "round {round}");
        assert_eq!(
            ks_two_sample(&a, &b).pvalue,
            ks_two_sample(&b, &a).pvalue,
            "round {round}"
        );
        // The one-pass merge against the definitions, computed naively: the largest CDF gap
        // over the pooled values, the area between the CDFs, the distinct pooled values.
        let merged = merge_statistics(&a, &b);
        let cdf = |s: &[f64], v: f64| s.iter().filter(|&&x| x <= v).count() as f64 / s.len() as f64;
        let mut pooled: Vec<f64> = a.iter().chain(&b).copied().collect();
        pooled.sort_by(f64::total_cmp);
        pooled.dedup();
        let naive_ks = pooled
            .iter()
            .map(|&v| (cdf(&a, v) - cdf(&b, v)).abs())
            .fold(0.0, f64::max);
        let naive_area: f64 = pooled
            .windows(2)
            .map(|w| (cdf(&a, w[0]) - cdf(&b, w[0])).abs() * (w[1] - w[0]))
            .sum();
        assert!(
            (merged.ks_statistic - naive_ks).abs() < 1e-12,
            "round {round}"
        );
        assert!(
            (merged.wasserstein - naive_area).abs() <= 1e-9 * naive_area.max(1.0),
            "round {round}"
        );
        assert_eq!(merged.distinct, pooled.len(), "round {round}");
        let mut compared: Vec<f64> = reference
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        compared.sort_by(f64::total_cmp);
        assert_eq!(a, compared, "round {round}");
        // Wasserstein ≥ 0 and symmetric; PSI and JS ≥ 0.
        assert!(drift.wasserstein >= 0.0, "round {round}");
        assert!(
            (wasserstein(&a, &b) - wasserstein(&b, &a)).abs() <= 1e-12 * drift.wasserstein.max(1.0)
        );
        assert!(
            drift.psi >= 0.0 && drift.js_distance >= 0.0,
            "round {round}"
        );
        // A sample against itself: no drift by any measure.
        let same = numeric_drift(&reference, &reference).expect("same");
        assert_eq!(same.ks.statistic, 0.0);
        assert_eq!(same.ks.pvalue, 1.0);
        assert_eq!(same.wasserstein, 0.0);
        assert_eq!(same.psi, 0.0);
        assert_eq!(same.js_distance, 0.0);
        for test in [
            &same.evidently.default,
            &same.evidently.ks_chisquare,
            &same.evidently.psi,
            &same.evidently.jensenshannon,
            &same.evidently.wasserstein,
        ] {
            assert!(!test.drifted, "round {round}: {test:?}");
        }
        // Row order does not matter.
        let (mut shuffled_reference, mut shuffled_current) = (reference.clone(), current.clone());
        rng.shuffle(&mut shuffled_reference);
        rng.shuffle(&mut shuffled_current);
        assert_eq!(
            numeric_drift(&shuffled_reference, &shuffled_current).expect("shuffled"),
            drift,
            "round {round}"
        );
    }
}

#[test]
fn psi_of_a_distribution_with_itself_is_zero() {
    let s = shares(&[5, 0, 12, 3]);
    assert_eq!(psi_floored(&s, &s), 0.0);
}

#[test]
fn categorical_drift_counts_missing_and_new_categories() {
    let drift = categorical_drift(CategoryCounts {
        categories: vec!["a".into(), "b".into(), "new".into()],
        reference: vec![50, 50, 0],
        current: vec![40, 40, 20],
        missing_ref: 0,
        missing_cur: 7,
    })
    .expect("drift");
    assert_eq!(drift.chi2_gof.statistic, f64::INFINITY);
    assert_eq!(drift.chi2_gof.pvalue, 0.0);
    assert!(drift.chi2_contingency.statistic.is_finite());
    assert!(drift.drifted);
    assert!((drift.missing_share_cur - 7.0 / 107.0).abs() < 1e-15);
    // Reported as JSON the infinite statistic is spelled out, not null.
    let json = serde_json::to_value(&drift).expect("json");
    assert_eq!(json["chi2_gof"]["statistic"], "Infinity");
}

#[test]
fn large_samples_sort_like_a_comparison_sort() {
    let mut rng = Rng(7);
    let values: Vec<f64> = (0..5000)
        .map(|i| match i % 7 {
            0 => -rng.next() * 1e6,
            1 => 0.0,
            2 => -0.0,
            3 => f64::NAN,
            _ => rng.next() * 100.0 - 50.0,
        })
        .collect();
    let (sorted, dropped) = sorted_finite(&values);
    let mut expected: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    expected.sort_by(f64::total_cmp);
    assert_eq!(dropped, values.len() as u64 - expected.len() as u64);
    assert_eq!(
        sorted.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        expected.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
}
