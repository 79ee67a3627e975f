//! Small hand-checked cases; the full parity with scikit-learn runs through `vigil eval` on the
//! fixture kit (vigil-cli's tests).
#![allow(
    clippy::expect_used,
    reason = "a test fails loudly on the first unexpected error"
)]

use vigil_stats::{classification_metrics, regression_metrics};

#[test]
fn zero_division_is_zero_and_reported() {
    // Class 2 is never predicted and never true: its precision, recall and F1 divide by zero.
    let m = classification_metrics(&[0, 1, 1, 0], &[0, 1, 0, 0], None, 3, None).expect("metrics");
    assert_eq!(m.precision.per_class, vec![2.0 / 3.0, 1.0, 0.0]);
    assert_eq!(m.precision.zero_division, vec![2]);
    assert_eq!(m.recall.per_class, vec![1.0, 0.5, 0.0]);
    assert!((m.accuracy - 0.75).abs() < 1e-15);
    // Balanced accuracy averages recall over the classes that occur: (1 + 0.5) / 2.
    assert!((m.balanced_accuracy - 0.75).abs() < 1e-15);
    assert_eq!(
        m.confusion_matrix,
        vec![vec![2, 0, 0], vec![1, 1, 0], vec![0, 0, 0]]
    );
}

#[test]
fn log_loss_clips_certain_mistakes() {
    let p = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
    let m = classification_metrics(&[1, 1], &[0, 1], Some(&p), 2, Some(1)).expect("metrics");
    let expected = (-f64::EPSILON.ln() - (1.0 - f64::EPSILON).ln()) / 2.0;
    assert!((m.log_loss.expect("log loss") - expected).abs() < 1e-12);
    assert_eq!(
        m.roc_auc_binary, None,
        "one class only: the AUC is undefined"
    );
}

#[test]
fn metrics_do_not_depend_on_row_order() {
    let y = [0, 1, 2, 1, 0, 2, 1];
    let pred = [0, 2, 2, 1, 0, 1, 1];
    let p: Vec<Vec<f64>> = (0..7)
        .map(|i| {
            let a = 0.1 + 0.1 * f64::from(i);
            vec![a, 0.5 - a / 2.0, 0.5 - a / 2.0]
        })
        .collect();
    let m1 = classification_metrics(&y, &pred, Some(&p), 3, None).expect("metrics");
    let order = [6, 2, 4, 0, 1, 5, 3];
    let y2: Vec<usize> = order.iter().map(|&i| y[i]).collect();
    let pred2: Vec<usize> = order.iter().map(|&i| pred[i]).collect();
    let p2: Vec<Vec<f64>> = order.iter().map(|&i| p[i].clone()).collect();
    let m2 = classification_metrics(&y2, &pred2, Some(&p2), 3, None).expect("metrics");
    assert_eq!(m1.f1, m2.f1);
    assert_eq!(m1.roc_auc_ovo_macro, m2.roc_auc_ovo_macro);
    assert!((m1.log_loss.expect("a") - m2.log_loss.expect("b")).abs() < 1e-12);
}

#[test]
fn a_constant_target_follows_scikit_learns_finite_conventions() {
    let perfect = regression_metrics(&[3.0, 3.0], &[3.0, 3.0]).expect("metrics");
    assert_eq!((perfect.r2, perfect.explained_variance), (1.0, 1.0));
    let off = regression_metrics(&[3.0, 3.0], &[2.0, 4.0]).expect("metrics");
    assert_eq!((off.r2, off.explained_variance), (0.0, 0.0));
    let m = regression_metrics(&[1.0, 2.0, 3.0, 4.0], &[1.5, 2.0, 2.0, 5.0]).expect("metrics");
    assert!((m.mae - 0.625).abs() < 1e-15);
    assert!((m.median_absolute_error - 0.75).abs() < 1e-15);
    assert!((m.max_error - 1.0).abs() < 1e-15);
}

#[test]
fn empty_and_mismatched_inputs_are_errors() {
    assert!(classification_metrics(&[], &[], None, 2, None).is_err());
    assert!(classification_metrics(&[0, 1], &[0], None, 2, None).is_err());
    assert!(classification_metrics(&[0, 5], &[0, 1], None, 2, None).is_err());
    assert!(regression_metrics(&[1.0, f64::NAN], &[1.0, 2.0]).is_err());
}

#[test]
fn weighted_auc_with_unit_weights_equals_the_plain_auc() {
    // Bootstrap resamples score AUC from weights; with every weight 1 it must be the plain AUC.
    let truth = [true, false, true, false, true, true, false];
    let scores = [0.9, 0.1, 0.35, 0.35, 0.8, 0.2, 0.6];
    let plain = vigil_stats::roc_auc_binary(&truth, &scores).expect("auc");
    let y: Vec<usize> = truth.iter().map(|&t| usize::from(t)).collect();
    let p: Vec<Vec<f64>> = scores.iter().map(|&s| vec![1.0 - s, s]).collect();
    let ci = vigil_stats::classification_intervals(
        &y,
        &y,
        Some(&p),
        2,
        Some(1),
        &vigil_stats::Bootstrap {
            resamples: 200,
            ..Default::default()
        },
    );
    let auc = ci.roc_auc.expect("interval");
    assert!(auc.low <= plain && plain <= auc.high, "{auc:?} vs {plain}");
}
