//! Curves for charts: ROC and precision–recall (every distinct threshold, as scikit-learn's
//! `roc_curve(drop_intermediate=False)` and `precision_recall_curve`), and the calibration curve
//! (uniform bins, as `calibration_curve(strategy="uniform")`).

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curve {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
}

/// (false-positive rate, true-positive rate) from the highest threshold down, starting at (0, 0).
pub fn roc_curve(positive: &[bool], scores: &[f64]) -> Option<Curve> {
    let (tp, fp) = cumulative_counts(positive, scores);
    let (total_pos, total_neg) = (*tp.last()?, *fp.last()?);
    if total_pos == 0.0 || total_neg == 0.0 {
        return None;
    }
    let mut x = vec![0.0];
    let mut y = vec![0.0];
    x.extend(fp.iter().map(|f| f / total_neg));
    y.extend(tp.iter().map(|t| t / total_pos));
    Some(Curve { x, y })
}

/// (recall, precision) from the highest threshold down, ending at recall 0, precision 1 as
/// scikit-learn reports it (here ordered by increasing recall).
pub fn precision_recall_curve(positive: &[bool], scores: &[f64]) -> Option<Curve> {
    let (tp, fp) = cumulative_counts(positive, scores);
    let total_pos = *tp.last()?;
    if total_pos == 0.0 {
        return None;
    }
    let mut x = vec![0.0];
    let mut y = vec![1.0];
    for (t, f) in tp.iter().zip(&fp) {
        x.push(t / total_pos);
        y.push(if t + f == 0.0 { 1.0 } else { t / (t + f) });
    }
    Some(Curve { x, y })
}

/// True and false positives counted at each distinct score, from the highest score down.
fn cumulative_counts(positive: &[bool], scores: &[f64]) -> (Vec<f64>, Vec<f64>) {
    // Highest first; the order within a tie does not matter, only its totals.
    let mut order = crate::roc::ascending_order(scores);
    order.reverse();
    let (mut tp, mut fp) = (Vec::new(), Vec::new());
    let (mut t, mut f) = (0.0, 0.0);
    for (k, &i) in order.iter().enumerate() {
        if positive[i] {
            t += 1.0;
        } else {
            f += 1.0;
        }
        let last_of_tie = order
            .get(k + 1)
            .is_none_or(|&next| scores[next] != scores[i]);
        if last_of_tie {
            tp.push(t);
            fp.push(f);
        }
    }
    (tp, fp)
}

/// Reliability diagram over `bins` uniform bins of [0, 1]: per non-empty bin the mean predicted
/// probability (x), the observed share of positives (y), and the row count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    pub mean_predicted: Vec<f64>,
    pub fraction_positive: Vec<f64>,
    pub counts: Vec<usize>,
}

#[expect(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "bin arithmetic on [0, 1]"
)]
pub fn calibration_curve(positive: &[bool], probabilities: &[f64], bins: usize) -> Calibration {
    let mut sums = vec![0.0; bins];
    let mut hits = vec![0.0; bins];
    let mut counts = vec![0_usize; bins];
    for (&p, &y) in probabilities.iter().zip(positive) {
        // scikit-learn puts p = 1 in the last bin.
        let bin = ((p * bins as f64) as usize).min(bins - 1);
        sums[bin] += p;
        hits[bin] += f64::from(u8::from(y));
        counts[bin] += 1;
    }
    let keep: Vec<usize> = (0..bins).filter(|&b| counts[b] > 0).collect();
    Calibration {
        mean_predicted: keep.iter().map(|&b| sums[b] / counts[b] as f64).collect(),
        fraction_positive: keep.iter().map(|&b| hits[b] / counts[b] as f64).collect(),
        counts: keep.iter().map(|&b| counts[b]).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roc_and_pr_curves_follow_scikit_learn() {
        // sklearn.metrics.roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], drop_intermediate=False)
        // fpr = [0, 0, 0.5, 0.5, 1], tpr = [0, 0.5, 0.5, 1, 1]
        let truth = [false, false, true, true];
        let scores = [0.1, 0.4, 0.35, 0.8];
        let roc = roc_curve(&truth, &scores).expect("roc");
        assert_eq!(roc.x, vec![0.0, 0.0, 0.5, 0.5, 1.0]);
        assert_eq!(roc.y, vec![0.0, 0.5, 0.5, 1.0, 1.0]);
        // precision_recall_curve: precision [0.5, 0.667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0].
        let pr = precision_recall_curve(&truth, &scores).expect("pr");
        assert_eq!(pr.x, vec![0.0, 0.5, 0.5, 1.0, 1.0]);
        assert_eq!(pr.y[..3], [1.0, 1.0, 0.5]);
        assert!((pr.y[3] - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(pr.y[4], 0.5);
    }

    #[test]
    fn calibration_bins_are_uniform_and_skip_empty_ones() {
        let c = calibration_curve(&[false, true, true, false], &[0.05, 0.95, 1.0, 0.5], 10);
        assert_eq!(c.counts, vec![1, 1, 2]);
        assert_eq!(c.fraction_positive, vec![0.0, 0.0, 1.0]);
        assert!((c.mean_predicted[2] - 0.975).abs() < 1e-12);
    }
}
