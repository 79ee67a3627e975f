//! ROC AUC by ranks: the area under the ROC curve equals the probability that a random positive
//! scores above a random negative, ties counting one half — the trapezoidal rule scikit-learn uses.

/// Row indices in ascending score order (`f64::total_cmp`'s order; equal scores keep row
/// order). Sorted as (order-preserving integer key, row) pairs: a million scores sort several
/// times faster than indices compared through the scores.
pub(crate) fn ascending_order(scores: &[f64]) -> Vec<usize> {
    let mut keyed: Vec<(u64, usize)> = scores
        .iter()
        .enumerate()
        .map(|(row, v)| {
            let bits = v.to_bits();
            let key = if bits >> 63 == 1 {
                !bits
            } else {
                bits | (1 << 63)
            };
            (key, row)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, row)| row).collect()
}

/// Binary ROC AUC of `scores` against `positive` flags; `None` when one class is absent (the
/// area is undefined; scikit-learn raises).
pub fn roc_auc_binary(positive: &[bool], scores: &[f64]) -> Option<f64> {
    let n_pos = positive.iter().filter(|&&p| p).count();
    let n_neg = positive.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return None;
    }
    let order = ascending_order(scores);
    // Sum of the positives' ranks, with tied scores sharing their average rank.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        #[expect(clippy::cast_precision_loss, reason = "row counts are far below 2^52")]
        let average_rank = (i + j) as f64 / 2.0 + 1.0;
        let positives = order[i..=j].iter().filter(|&&k| positive[k]).count();
        #[expect(clippy::cast_precision_loss, reason = "row counts are far below 2^52")]
        {
            rank_sum += average_rank * positives as f64;
        }
        i = j + 1;
    }
    #[expect(clippy::cast_precision_loss, reason = "row counts are far below 2^52")]
    let (p, n) = (n_pos as f64, n_neg as f64);
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

/// Binary ROC AUC with per-row weights, given the rows in ascending score order: the weighted
/// share of (positive, negative) pairs ranked correctly, ties counting one half.
pub(crate) fn roc_auc_weighted_sorted(
    order: &[usize],
    positive: &[bool],
    scores: &[f64],
    weights: &[f64],
) -> Option<f64> {
    let (mut negatives_below, mut area) = (0.0_f64, 0.0_f64);
    let (mut total_pos, mut total_neg) = (0.0_f64, 0.0_f64);
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        let (mut pos, mut neg) = (0.0, 0.0);
        while j < order.len() && scores[order[j]] == scores[order[i]] {
            let row = order[j];
            if positive[row] {
                pos += weights[row];
            } else {
                neg += weights[row];
            }
            j += 1;
        }
        area += pos * (negatives_below + neg / 2.0);
        negatives_below += neg;
        total_pos += pos;
        total_neg += neg;
        i = j;
    }
    (total_pos > 0.0 && total_neg > 0.0).then(|| area / (total_pos * total_neg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_inverted_and_tied_rankings() {
        assert_eq!(
            roc_auc_binary(&[false, false, true, true], &[0.1, 0.2, 0.8, 0.9]),
            Some(1.0)
        );
        assert_eq!(
            roc_auc_binary(&[true, true, false, false], &[0.1, 0.2, 0.8, 0.9]),
            Some(0.0)
        );
        assert_eq!(roc_auc_binary(&[true, false], &[0.5, 0.5]), Some(0.5));
        // sklearn: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
        assert_eq!(
            roc_auc_binary(&[false, false, true, true], &[0.1, 0.4, 0.35, 0.8]),
            Some(0.75)
        );
        assert_eq!(roc_auc_binary(&[true, true], &[0.1, 0.2]), None);
    }
}
