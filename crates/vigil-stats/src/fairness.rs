//! Fairness across groups, with Fairlearn 0.15's definitions (`MetricFrame` and its
//! demographic-parity, equalized-odds and equal-opportunity aggregates).

use serde::Serialize;

use crate::StatsError;

/// The rates reported per group, in the fixture schema's order.
pub const RATES: [&str; 7] = [
    "selection_rate",
    "accuracy",
    "tpr",
    "fpr",
    "tnr",
    "fnr",
    "precision",
];

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GroupRates {
    pub count: usize,
    pub selection_rate: f64,
    pub accuracy: f64,
    /// 0 for a group with no positives, as Fairlearn reports it.
    pub tpr: f64,
    /// 0 for a group with no negatives.
    pub fpr: f64,
    pub tnr: f64,
    pub fnr: f64,
    /// `zero_division = 0`.
    pub precision: f64,
}

impl GroupRates {
    /// The rate named `name` (one of [`RATES`]).
    pub fn get(&self, name: &str) -> f64 {
        match name {
            "selection_rate" => self.selection_rate,
            "accuracy" => self.accuracy,
            "tpr" => self.tpr,
            "fpr" => self.fpr,
            "tnr" => self.tnr,
            "fnr" => self.fnr,
            _ => self.precision,
        }
    }
}

fn share(numerator: usize, denominator: usize) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

/// Rates of one set of rows; `truth` and `predicted` say whether each row is the positive class.
pub fn group_rates(truth: &[bool], predicted: &[bool]) -> GroupRates {
    let (mut tp, mut fp, mut tn, mut fn_) = (0, 0, 0, 0);
    for (&t, &p) in truth.iter().zip(predicted) {
        match (t, p) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (false, false) => tn += 1,
            (true, false) => fn_ += 1,
        }
    }
    let n = truth.len();
    GroupRates {
        count: n,
        selection_rate: share(tp + fp, n),
        accuracy: share(tp + tn, n),
        tpr: share(tp, tp + fn_),
        fpr: share(fp, fp + tn),
        tnr: share(tn, fp + tn),
        fnr: share(fn_, tp + fn_),
        precision: share(tp, tp + fp),
    }
}

/// Disparity of one rate: between groups and relative to the whole population.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Disparity {
    pub between_groups: Option<f64>,
    pub to_overall: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fairness {
    /// Per group, in the order of the group names given.
    pub by_group: Vec<GroupRates>,
    pub overall: GroupRates,
    /// Per rate of [`RATES`]: minimum and maximum over groups.
    pub group_min: Vec<f64>,
    pub group_max: Vec<f64>,
    /// Per rate: max − min, and the largest |group − overall|.
    pub difference: Vec<Disparity>,
    /// Per rate: min / max, and the smallest of group/overall (or its inverse when above 1).
    pub ratio: Vec<Disparity>,
    pub demographic_parity_difference: Disparity,
    pub demographic_parity_ratio: Disparity,
    pub equalized_odds_difference: Disparity,
    pub equalized_odds_ratio: Disparity,
    pub equalized_odds_difference_mean: Disparity,
    pub equalized_odds_ratio_mean: Disparity,
    pub equal_opportunity_difference: Disparity,
    pub equal_opportunity_ratio: Disparity,
    /// Indices of groups with fewer rows than the small-group threshold.
    pub small_groups: Vec<usize>,
}

fn rate_index(name: &str) -> usize {
    RATES.iter().position(|r| *r == name).unwrap_or(0)
}

fn combine(a: Disparity, b: Disparity, f: fn(f64, f64) -> f64) -> Disparity {
    let pair = |x: Option<f64>, y: Option<f64>| x.zip(y).map(|(x, y)| f(x, y));
    Disparity {
        between_groups: pair(a.between_groups, b.between_groups),
        to_overall: pair(a.to_overall, b.to_overall),
    }
}

/// Fairness of binary decisions across `group_count` groups; `groups[row]` is the row's group.
/// Groups with fewer than `small_group` rows are listed in `small_groups`.
pub fn fairness(
    truth: &[bool],
    predicted: &[bool],
    groups: &[usize],
    group_count: usize,
    small_group: usize,
) -> Result<Fairness, StatsError> {
    let n = truth.len();
    if n == 0 {
        return Err(StatsError::Empty);
    }
    for (what, len) in [
        ("the predictions", predicted.len()),
        ("the groups", groups.len()),
    ] {
        if len != n {
            return Err(StatsError::LengthMismatch {
                what,
                expected: n,
                found: len,
            });
        }
    }
    if let Some(row) = groups.iter().position(|&g| g >= group_count) {
        return Err(StatsError::ClassOutOfRange {
            row,
            index: groups[row],
            classes: group_count,
        });
    }
    let by_group: Vec<GroupRates> = (0..group_count)
        .map(|g| {
            let rows: Vec<usize> = (0..n).filter(|&i| groups[i] == g).collect();
            let t: Vec<bool> = rows.iter().map(|&i| truth[i]).collect();
            let p: Vec<bool> = rows.iter().map(|&i| predicted[i]).collect();
            group_rates(&t, &p)
        })
        .collect();
    let overall = group_rates(truth, predicted);
    let mut group_min = Vec::new();
    let mut group_max = Vec::new();
    let mut difference = Vec::new();
    let mut ratio = Vec::new();
    for rate in RATES {
        let values: Vec<f64> = by_group.iter().map(|g| g.get(rate)).collect();
        let all = overall.get(rate);
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        group_min.push(min);
        group_max.push(max);
        difference.push(Disparity {
            between_groups: Some(max - min),
            to_overall: Some(values.iter().map(|v| (v - all).abs()).fold(0.0, f64::max)),
        });
        // Ratios of 0/0 are undefined and left out, as pandas' min skips NaN.
        let to_overall = values
            .iter()
            .filter_map(|&v| {
                let r = v / all;
                if r.is_nan() {
                    None
                } else if r > 1.0 {
                    Some(all / v)
                } else {
                    Some(r)
                }
            })
            .fold(None, |acc: Option<f64>, r| {
                Some(acc.map_or(r, |a| a.min(r)))
            });
        ratio.push(Disparity {
            between_groups: (max != 0.0).then(|| min / max),
            to_overall,
        });
    }
    let (tpr, fpr, selection) = (
        rate_index("tpr"),
        rate_index("fpr"),
        rate_index("selection_rate"),
    );
    let small_groups = by_group
        .iter()
        .enumerate()
        .filter(|(_, g)| g.count < small_group)
        .map(|(i, _)| i)
        .collect();
    Ok(Fairness {
        demographic_parity_difference: difference[selection],
        demographic_parity_ratio: ratio[selection],
        equalized_odds_difference: combine(difference[tpr], difference[fpr], f64::max),
        equalized_odds_ratio: combine(ratio[tpr], ratio[fpr], f64::min),
        equalized_odds_difference_mean: combine(difference[tpr], difference[fpr], f64::midpoint),
        equalized_odds_ratio_mean: combine(ratio[tpr], ratio[fpr], f64::midpoint),
        equal_opportunity_difference: difference[tpr],
        equal_opportunity_ratio: ratio[tpr],
        by_group,
        overall,
        group_min,
        group_max,
        difference,
        ratio,
        small_groups,
    })
}
