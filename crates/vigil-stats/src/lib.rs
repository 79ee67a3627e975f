//! Vigil's statistics: classification and regression metrics with scikit-learn 1.9's exact
//! definitions (labels = the model's classes, `zero_division = 0`, log-loss clipping at f64
//! machine epsilon, ROC AUC by the trapezoidal rule), and fairness across groups with
//! Fairlearn 0.15's; data drift with scipy 1.17's tests and Evidently 0.7's choice of method,
//! binning and thresholds (module [`drift`]).
//!
//! Architecture invariant: no I/O, no clock; randomness only from a seed the caller passes in.
//! Inputs are class indices and f64 probabilities; the caller maps labels to indices.

mod bootstrap;
mod calibration;
mod classification;
mod comparison;
mod curves;
pub mod drift;
mod fairness;
mod regression;
mod roc;
mod special;

pub use bootstrap::{
    Bootstrap, ClassificationIntervals, Interval, RegressionIntervals, classification_intervals,
    interval, regression_intervals,
};
pub use calibration::Isotonic;
pub use classification::{Averages, ClassificationMetrics, classification_metrics};
pub use comparison::{
    DeLong, McNemar, PairedIntervals, delong_test, mcnemar_exact, paired_intervals,
};
pub use curves::{Calibration, Curve, calibration_curve, precision_recall_curve, roc_curve};
pub use fairness::{Disparity, Fairness, GroupRates, RATES, fairness, group_rates};
pub use regression::{RegressionMetrics, regression_metrics};
pub use roc::roc_auc_binary;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatsError {
    #[error("there are no rows to score")]
    Empty,
    #[error("{what} has {found} rows where the labels have {expected}")]
    LengthMismatch {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    #[error("row {row} has class index {index}, but there are only {classes} classes")]
    ClassOutOfRange {
        row: usize,
        index: usize,
        classes: usize,
    },
    #[error("row {row} has a missing or non-finite value")]
    NonFinite { row: usize },
}

/// Serialises a float that may be non-finite as JSON has no spelling for it: the strings
/// `"Infinity"`, `"-Infinity"` and `"NaN"` (as Python's json module and the fixtures write).
pub fn serialize_float<S: serde::Serializer>(x: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if x.is_finite() {
        serializer.serialize_f64(*x)
    } else if x.is_nan() {
        serializer.serialize_str("NaN")
    } else if *x > 0.0 {
        serializer.serialize_str("Infinity")
    } else {
        serializer.serialize_str("-Infinity")
    }
}
