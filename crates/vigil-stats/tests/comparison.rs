//! McNemar's exact test against statsmodels and DeLong's test against the published formula
//! (placement values over every pair), on samples the reference script generates identically
//! (`reference/make_comparison_reference.py`).
#![allow(
    clippy::expect_used,
    reason = "a test fails loudly on the first unexpected error"
)]

use vigil_stats::{delong_test, mcnemar_exact};

/// Labels and two score columns, rounded to 2 decimals so that ties occur (as the script).
fn sample(n: u32, share: f64, sharp_a: f64, sharp_b: f64) -> (Vec<bool>, Vec<f64>, Vec<f64>) {
    let mut y = Vec::new();
    let mut a = Vec::new();
    let mut b = Vec::new();
    for i in 1..=n {
        let i = f64::from(i);
        let positive = (i * 0.618_033_988_749_894_9) % 1.0 < share;
        let flag = f64::from(u8::from(positive));
        let noise_a = (i * 0.754_877_666_246_692_7) % 1.0;
        let noise_b = (i * 0.569_840_290_998_053_2) % 1.0;
        y.push(positive);
        a.push(((noise_a * (1.0 - sharp_a) + sharp_a * flag) * 100.0 + 0.5).floor() / 100.0);
        b.push(((noise_b * (1.0 - sharp_b) + sharp_b * flag) * 100.0 + 0.5).floor() / 100.0);
    }
    (y, a, b)
}

#[test]
fn mcnemar_and_delong_match_the_references() {
    let reference: serde_json::Value =
        serde_json::from_str(include_str!("reference/comparison_reference.json")).expect("JSON");
    for case in reference["cases"].as_array().expect("cases") {
        let number = |key: &str| case[key].as_f64().expect(key);
        let n = u32::try_from(case["n"].as_u64().expect("n")).expect("small");
        let (y, a, b) = sample(
            n,
            number("label_share"),
            number("sharpness_a"),
            number("sharpness_b"),
        );
        let correct = |scores: &[f64]| -> Vec<bool> {
            scores
                .iter()
                .zip(&y)
                .map(|(&s, &t)| (s >= 0.5) == t)
                .collect()
        };
        let mc = mcnemar_exact(&correct(&a), &correct(&b));
        let want = &case["mcnemar"];
        assert_eq!(
            mc.statistic,
            want["statistic"].as_f64().expect("s"),
            "{case}"
        );
        let p = want["pvalue"].as_f64().expect("p");
        assert!(
            (mc.pvalue - p).abs() <= 1e-10 * p.max(1e-300) + 1e-15,
            "{case}: {}",
            mc.pvalue
        );

        let d = delong_test(&y, &a, &b).expect("both classes");
        let want = &case["delong"];
        for (got, key) in [
            (d.auc_first, "auc_first"),
            (d.auc_second, "auc_second"),
            (d.z, "z"),
            (d.pvalue, "pvalue"),
        ] {
            let w = want[key].as_f64().expect(key);
            assert!(
                (got - w).abs() <= 1e-9 * w.abs() + 1e-12,
                "{key}: {got} vs {w} in {case}"
            );
        }
    }
}

#[test]
fn identical_models_do_not_differ() {
    let (y, a, _) = sample(100, 0.4, 0.3, 0.3);
    let flags: Vec<bool> = a.iter().zip(&y).map(|(&s, &t)| (s >= 0.5) == t).collect();
    let mc = mcnemar_exact(&flags, &flags);
    assert_eq!(
        (mc.only_first_correct, mc.only_second_correct, mc.pvalue),
        (0, 0, 1.0)
    );
    let d = delong_test(&y, &a, &a).expect("delong");
    assert_eq!((d.difference, d.z, d.pvalue), (0.0, 0.0, 1.0));
    assert!(
        delong_test(&[true, false], &[0.1, 0.2], &[0.3, 0.4]).is_none(),
        "one row per class"
    );
}
