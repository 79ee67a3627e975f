//! Regression metrics, as scikit-learn defines them (with its `force_finite` conventions).

use serde::Serialize;

use crate::StatsError;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegressionMetrics {
    pub n_samples: usize,
    pub mae: f64,
    pub mse: f64,
    pub rmse: f64,
    pub r2: f64,
    pub explained_variance: f64,
    pub max_error: f64,
    pub median_absolute_error: f64,
    pub mape: f64,
}

fn mean(values: impl Iterator<Item = f64>, n: f64) -> f64 {
    values.sum::<f64>() / n
}

/// 1 − numerator/denominator, or scikit-learn's finite stand-ins when the target is constant:
/// 1 for a perfect fit, else 0.
fn one_minus_ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator == 0.0 {
        if numerator == 0.0 { 1.0 } else { 0.0 }
    } else {
        1.0 - numerator / denominator
    }
}

#[expect(clippy::cast_precision_loss, reason = "row counts are far below 2^52")]
pub fn regression_metrics(y_true: &[f64], y_pred: &[f64]) -> Result<RegressionMetrics, StatsError> {
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
    if let Some(row) = y_true.iter().chain(y_pred).position(|v| !v.is_finite()) {
        return Err(StatsError::NonFinite { row: row % n });
    }
    let nf = n as f64;
    let errors: Vec<f64> = y_true.iter().zip(y_pred).map(|(t, p)| t - p).collect();
    let mae = mean(errors.iter().map(|e| e.abs()), nf);
    let mse = mean(errors.iter().map(|e| e * e), nf);
    let true_mean = mean(y_true.iter().copied(), nf);
    let ss_res: f64 = errors.iter().map(|e| e * e).sum();
    let ss_tot: f64 = y_true.iter().map(|t| (t - true_mean).powi(2)).sum();
    let error_mean = mean(errors.iter().copied(), nf);
    let var_error = mean(errors.iter().map(|e| (e - error_mean).powi(2)), nf);
    let var_true = ss_tot / nf;
    let mut absolute: Vec<f64> = errors.iter().map(|e| e.abs()).collect();
    absolute.sort_by(f64::total_cmp);
    let median_absolute_error = if n % 2 == 1 {
        absolute[n / 2]
    } else {
        f64::midpoint(absolute[n / 2 - 1], absolute[n / 2])
    };
    Ok(RegressionMetrics {
        n_samples: n,
        mae,
        mse,
        rmse: mse.sqrt(),
        r2: one_minus_ratio(ss_res, ss_tot),
        explained_variance: one_minus_ratio(var_error, var_true),
        max_error: absolute.last().copied().unwrap_or(0.0),
        median_absolute_error,
        mape: mean(
            y_true
                .iter()
                .zip(&errors)
                .map(|(t, e)| e.abs() / t.abs().max(f64::EPSILON)),
            nf,
        ),
    })
}
