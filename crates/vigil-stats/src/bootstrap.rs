//! Bootstrap confidence intervals: rows resampled with replacement from a seeded generator, the
//! metric recomputed on each resample from per-row weights (how often the row was drawn), and the
//! percentile interval taken. The same seed and count give the same interval, on any number of
//! threads: each resample has its own generator, seeded in order from the bootstrap's seed.

use serde::Serialize;

/// How intervals are computed; recorded with every result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bootstrap {
    pub resamples: usize,
    pub seed: u64,
    /// Central coverage, 0.95 for a 95 % interval.
    pub level: f64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Self {
            resamples: 1000,
            seed: 20_240_101,
            level: 0.95,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// SplitMix64: small, fast, and fully determined by its seed.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-40 for any row count).
    fn below(&mut self, n: usize) -> usize {
        let wide = u128::from(self.next()) * n as u128;
        usize::try_from(wide >> 64).unwrap_or(0)
    }
}

/// Linear-interpolated quantile of sorted values, as numpy's default.
#[expect(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "indices of a small sorted sample"
)]
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
}

/// Percentile interval of `statistic` over `bootstrap.resamples` weighted resamples of `n` rows.
/// Resamples where the statistic is undefined are left out; `None` when none is defined.
pub fn interval(
    n: usize,
    bootstrap: &Bootstrap,
    mut statistic: impl FnMut(&[f64]) -> Option<f64>,
) -> Option<Interval> {
    if n == 0 || bootstrap.resamples == 0 {
        return None;
    }
    let thresholds = poisson_thresholds();
    let mut counts = vec![0_u32; n];
    let mut weights = vec![0.0_f64; n];
    let mut values = Vec::with_capacity(bootstrap.resamples);
    for seed in resample_seeds(bootstrap) {
        draw_counts(seed, &thresholds, &mut counts);
        for (w, &c) in weights.iter_mut().zip(&counts) {
            *w = f64::from(c);
        }
        if let Some(v) = statistic(&weights).filter(|v| v.is_finite()) {
            values.push(v);
        }
    }
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - bootstrap.level) / 2.0;
    Some(Interval {
        low: quantile(&values, tail),
        high: quantile(&values, 1.0 - tail),
    })
}

/// Intervals of the headline classification metrics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClassificationIntervals {
    pub accuracy: Option<Interval>,
    pub balanced_accuracy: Option<Interval>,
    pub f1_macro: Option<Interval>,
    pub roc_auc: Option<Interval>,
    pub log_loss: Option<Interval>,
}

/// The generator seeds of each resample, drawn in order from the bootstrap's seed: resample
/// `b` is the same whichever thread draws it, so intervals do not depend on the thread count.
fn resample_seeds(bootstrap: &Bootstrap) -> Vec<u64> {
    let mut master = SplitMix64(bootstrap.seed);
    (0..bootstrap.resamples).map(|_| master.next()).collect()
}

/// The largest Poisson(1) value drawn: P(X > 24) is below 2^-80, far under the resolution of a
/// 64-bit uniform.
const POISSON_MAX: usize = 24;

/// `2^64 · P(X ≤ k)` for X ~ Poisson(1), k = 0..POISSON_MAX (saturated at the top).
fn poisson_thresholds() -> [u64; POISSON_MAX] {
    let mut thresholds = [u64::MAX; POISSON_MAX];
    let (mut probability, mut cdf) = ((-1.0_f64).exp(), 0.0_f64);
    for (k, threshold) in thresholds.iter_mut().enumerate() {
        cdf += probability;
        probability /= (k + 1) as f64;
        // 2^64 as f64 is exact; the product is below it while cdf < 1.
        let scaled = cdf * 18_446_744_073_709_551_616.0;
        if scaled < 18_446_744_073_709_551_616.0 {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a non-negative value below 2^64"
            )]
            let value = scaled as u64;
            *threshold = value;
        }
    }
    thresholds
}

/// One resample: how often each of `n` rows is drawn in `n` uniform draws with replacement —
/// a multinomial count vector, drawn without scattered writes. Each row first gets an
/// independent Poisson(1) count (one pass in row order); given their total S, such counts are
/// S uniform draws. Then the total is made exactly `n`: when S < n, n − S more uniform draws
/// are added; when S > n, S − n of the draws are removed, each chosen uniformly among those
/// left (a row picked uniformly and kept with probability count / max count). A uniformly
/// chosen subset of iid uniform draws, or iid draws plus more iid draws, are again iid uniform
/// draws, so the result is exactly a multinomial resample; the correction touches about √n
/// rows.
fn draw_counts(seed: u64, thresholds: &[u64; POISSON_MAX], counts: &mut [u32]) {
    let n = counts.len();
    let mut rng = SplitMix64(seed);
    let (mut total, mut max) = (0_usize, 0_u32);
    for count in counts.iter_mut() {
        let u = rng.next();
        // Most counts are 0 to 3: compare without branching, continue only past 3 (2 %).
        let mut c = u32::from(u >= thresholds[0])
            + u32::from(u >= thresholds[1])
            + u32::from(u >= thresholds[2])
            + u32::from(u >= thresholds[3]);
        if c == 4 {
            while (c as usize) < POISSON_MAX && u >= thresholds[c as usize] {
                c += 1;
            }
        }
        *count = c;
        total += c as usize;
        max = max.max(c);
    }
    while total < n {
        let row = rng.below(n);
        counts[row] += 1;
        max = max.max(counts[row]);
        total += 1;
    }
    let max = max as usize;
    while total > n {
        let row = rng.below(n);
        if rng.below(max) < counts[row] as usize {
            counts[row] -= 1;
            total -= 1;
        }
    }
}

/// Percentile intervals of several statistics computed on the same resamples (one draw per
/// resample serves every statistic, as a bootstrap of a whole report should). `statistics` gets
/// each row's draw count and a scratch value from `scratch` (one per worker thread); resamples
/// run on every core.
fn intervals<const K: usize, S>(
    n: usize,
    bootstrap: &Bootstrap,
    scratch: impl Fn() -> S + Sync + Send,
    statistics: impl Fn(&[u32], &mut S) -> [Option<f64>; K] + Sync + Send,
) -> [Option<Interval>; K] {
    use rayon::prelude::*;
    if n == 0 || bootstrap.resamples == 0 {
        return [None; K];
    }
    let thresholds = poisson_thresholds();
    let per_resample: Vec<[Option<f64>; K]> = resample_seeds(bootstrap)
        .par_iter()
        .map_init(
            || (vec![0_u32; n], scratch()),
            |(counts, state), &seed| {
                draw_counts(seed, &thresholds, counts);
                statistics(counts, state)
            },
        )
        .collect();
    let tail = (1.0 - bootstrap.level) / 2.0;
    std::array::from_fn(|k| {
        let mut values: Vec<f64> = per_resample
            .iter()
            .filter_map(|v| v[k].filter(|v| v.is_finite()))
            .collect();
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        Some(Interval {
            low: quantile(&values, tail),
            high: quantile(&values, 1.0 - tail),
        })
    })
}

/// Accuracy, balanced accuracy and macro F1 of a (resampled) confusion matrix, `m[t·k + p]`.
#[expect(clippy::cast_precision_loss, reason = "class counts are small")]
fn confusion_headline(m: &[f64], n_classes: usize, total: f64) -> [Option<f64>; 3] {
    let cell = |t: usize, p: usize| m[t * n_classes + p];
    let correct: f64 = (0..n_classes).map(|k| cell(k, k)).sum();
    let recalls: Vec<f64> = (0..n_classes)
        .filter_map(|k| {
            let support: f64 = (0..n_classes).map(|p| cell(k, p)).sum();
            (support > 0.0).then(|| cell(k, k) / support)
        })
        .collect();
    let f1: f64 = (0..n_classes)
        .map(|k| {
            let denominator = (0..n_classes).map(|t| cell(t, k)).sum::<f64>()
                + (0..n_classes).map(|p| cell(k, p)).sum::<f64>();
            if denominator == 0.0 {
                0.0
            } else {
                2.0 * cell(k, k) / denominator
            }
        })
        .sum();
    [
        Some(correct / total),
        (!recalls.is_empty()).then(|| recalls.iter().sum::<f64>() / recalls.len() as f64),
        Some(f1 / n_classes as f64),
    ]
}

/// Bootstrap intervals for accuracy, balanced accuracy, macro F1, binary ROC AUC and log loss.
pub fn classification_intervals(
    y_true: &[usize],
    y_pred: &[usize],
    probabilities: Option<&[Vec<f64>]>,
    n_classes: usize,
    positive: Option<usize>,
    bootstrap: &Bootstrap,
) -> ClassificationIntervals {
    if y_true.is_empty() || bootstrap.resamples == 0 {
        return ClassificationIntervals {
            accuracy: None,
            balanced_accuracy: None,
            f1_macro: None,
            roc_auc: None,
            log_loss: None,
        };
    }
    let [accuracy, balanced_accuracy, f1_macro, roc_auc, log_loss] =
        match (probabilities, positive.filter(|_| n_classes == 2)) {
            (Some(p), Some(pos)) => binary_scored_intervals(y_true, y_pred, p, pos, bootstrap),
            _ => general_intervals(y_true, y_pred, probabilities, n_classes, bootstrap),
        };
    ClassificationIntervals {
        accuracy,
        balanced_accuracy,
        f1_macro,
        roc_auc,
        log_loss,
    }
}

/// Log loss of one row, with scikit-learn's clipping.
fn row_loss(p: &[f64], truth: usize) -> f64 {
    -p[truth].clamp(f64::EPSILON, 1.0 - f64::EPSILON).ln()
}

/// A binary classifier with scores: every resample is scored in one sequential, branch-free
/// pass. The rows are laid out once in ascending score order with their log loss and three
/// flags (truly positive, predicted positive, score differs from the previous row's); draw
/// counts are kept per position in that layout — drawing positions uniformly is drawing rows
/// uniformly. The AUC is the weighted share of (positive, negative) pairs ranked correctly,
/// ties counting one half: each positive scores the negatives below its tie group plus half of
/// those in it.
fn binary_scored_intervals(
    y_true: &[usize],
    y_pred: &[usize],
    probabilities: &[Vec<f64>],
    pos: usize,
    bootstrap: &Bootstrap,
) -> [Option<Interval>; 5] {
    let layout = BinaryLayout::new(y_true, y_pred, probabilities, pos);
    intervals(
        y_true.len(),
        bootstrap,
        || vec![0.0_f64; 4],
        |counts, m| layout.score(counts, m),
    )
}

/// The rows of a binary classifier in ascending score order, with what a resample's pass needs.
struct BinaryLayout {
    pos: usize,
    losses: Vec<f64>,
    /// Per row: 1.0 / 0.0 for truly positive, and for predicted positive (multiplied in, not
    /// branched on: neighbouring rows' classes are unpredictable).
    truly: Vec<f64>,
    predicted: Vec<f64>,
    /// The runs of two or more rows with the same score, as position ranges.
    ties: Vec<std::ops::Range<usize>>,
}

/// What one stretch of positions adds up to in a resample.
#[derive(Clone, Copy, Default)]
struct Stretch {
    /// Positive weight times the negative weight before it within the stretch.
    area: f64,
    positives: f64,
    negatives: f64,
    true_positives: f64,
    predicted_positives: f64,
    loss: f64,
}

impl Stretch {
    fn add(&mut self, w: f64, truly: f64, predicted: f64, loss: f64) {
        let positive = w * truly;
        self.area += positive * self.negatives;
        self.negatives += w - positive;
        self.positives += positive;
        self.true_positives += positive * predicted;
        self.predicted_positives += w * predicted;
        self.loss += w * loss;
    }
}

impl BinaryLayout {
    /// Stretches walked side by side, so that the running sums of one do not wait for another's.
    const LANES: usize = 4;

    fn new(y_true: &[usize], y_pred: &[usize], probabilities: &[Vec<f64>], pos: usize) -> Self {
        let score = |r: usize| probabilities[r][pos];
        let scores: Vec<f64> = probabilities.iter().map(|row| row[pos]).collect();
        let order = crate::roc::ascending_order(&scores);
        let indicator = |yes: bool| if yes { 1.0 } else { 0.0 };
        let mut ties = Vec::new();
        let mut start = 0;
        for i in 1..=order.len() {
            if i == order.len() || score(order[i]) != score(order[start]) {
                if i - start > 1 {
                    ties.push(start..i);
                }
                start = i;
            }
        }
        Self {
            pos,
            losses: order
                .iter()
                .map(|&r| row_loss(&probabilities[r], y_true[r]))
                .collect(),
            truly: order.iter().map(|&r| indicator(y_true[r] == pos)).collect(),
            predicted: order.iter().map(|&r| indicator(y_pred[r] == pos)).collect(),
            ties,
        }
    }

    /// Accuracy, balanced accuracy, macro F1, AUC and log loss of the resample whose draw
    /// counts (per position of the layout) are `counts`; `m` is scratch for the confusion.
    ///
    /// The AUC counts, for each positive, the negatives at earlier positions, then corrects
    /// each run of tied scores so that a positive counts half of the negatives tied with it
    /// (and none of the tied ones after it, whose count the earlier-positions rule left out):
    /// the tie correction is ½·P·N − (what position order credited) per run.
    fn score(&self, counts: &[u32], m: &mut [f64]) -> [Option<f64>; 5] {
        let n = counts.len();
        let lane_len = n / Self::LANES;
        let mut lanes = [Stretch::default(); Self::LANES];
        for k in 0..lane_len {
            for (lane, stretch) in lanes.iter_mut().enumerate() {
                let i = lane * lane_len + k;
                stretch.add(
                    f64::from(counts[i]),
                    self.truly[i],
                    self.predicted[i],
                    self.losses[i],
                );
            }
        }
        let mut tail = Stretch::default();
        let rest = Self::LANES * lane_len;
        for (i, &count) in counts.iter().enumerate().skip(rest) {
            tail.add(
                f64::from(count),
                self.truly[i],
                self.predicted[i],
                self.losses[i],
            );
        }
        // Stretches in position order: each one's positives also beat every earlier negative.
        let mut all = Stretch::default();
        for stretch in lanes.iter().chain(std::iter::once(&tail)) {
            all.area += stretch.area + stretch.positives * all.negatives;
            all.negatives += stretch.negatives;
            all.positives += stretch.positives;
            all.true_positives += stretch.true_positives;
            all.predicted_positives += stretch.predicted_positives;
            all.loss += stretch.loss;
        }
        for run in &self.ties {
            let mut credited = Stretch::default();
            for i in run.clone() {
                credited.add(f64::from(counts[i]), self.truly[i], 0.0, 0.0);
            }
            all.area += 0.5 * credited.positives * credited.negatives - credited.area;
        }
        let total = all.positives + all.negatives;
        let (pos, neg) = (self.pos, 1 - self.pos);
        m[pos * 2 + pos] = all.true_positives;
        m[pos * 2 + neg] = all.positives - all.true_positives;
        m[neg * 2 + pos] = all.predicted_positives - all.true_positives;
        m[neg * 2 + neg] = total - all.positives - all.predicted_positives + all.true_positives;
        let [accuracy, balanced, f1] = confusion_headline(m, 2, total);
        let auc = (all.positives > 0.0 && all.negatives > 0.0)
            .then(|| all.area / (all.positives * all.negatives));
        [accuracy, balanced, f1, auc, Some(all.loss / total)]
    }
}

/// Any classifier: per confusion cell, the rows in it; a cell's resampled count is the sum of
/// their draw counts. Log loss when there are probabilities; no AUC interval.
fn general_intervals(
    y_true: &[usize],
    y_pred: &[usize],
    probabilities: Option<&[Vec<f64>]>,
    n_classes: usize,
    bootstrap: &Bootstrap,
) -> [Option<Interval>; 5] {
    let n = y_true.len();
    let mut cell_rows: Vec<Vec<usize>> = vec![Vec::new(); n_classes * n_classes];
    for (row, (&t, &p)) in y_true.iter().zip(y_pred).enumerate() {
        cell_rows[t * n_classes + p].push(row);
    }
    let losses: Option<Vec<f64>> = probabilities.map(|p| {
        p.iter()
            .zip(y_true)
            .map(|(row, &t)| row_loss(row, t))
            .collect()
    });
    intervals(
        n,
        bootstrap,
        || vec![0.0_f64; n_classes * n_classes],
        |counts, m| {
            for (cell, rows) in m.iter_mut().zip(&cell_rows) {
                let drawn: u64 = rows.iter().map(|&i| u64::from(counts[i])).sum();
                *cell = drawn as f64;
            }
            let total = n as f64;
            let [accuracy, balanced, f1] = confusion_headline(m, n_classes, total);
            let log_loss = losses.as_ref().map(|losses| {
                losses
                    .iter()
                    .zip(counts)
                    .map(|(l, &c)| l * f64::from(c))
                    .sum::<f64>()
                    / total
            });
            [accuracy, balanced, f1, None, log_loss]
        },
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RegressionIntervals {
    pub mae: Option<Interval>,
    pub rmse: Option<Interval>,
    pub r2: Option<Interval>,
}

/// Bootstrap intervals for MAE, RMSE and R².
pub fn regression_intervals(
    y_true: &[f64],
    y_pred: &[f64],
    bootstrap: &Bootstrap,
) -> RegressionIntervals {
    let n = y_true.len();
    let [mae, rmse, r2] = intervals(
        n,
        bootstrap,
        || (),
        |counts, ()| {
            let w: Vec<f64> = counts.iter().map(|&c| f64::from(c)).collect();
            let total: f64 = w.iter().sum();
            let mean = (0..n).map(|i| w[i] * y_true[i]).sum::<f64>() / total;
            let abs: f64 = (0..n).map(|i| w[i] * (y_true[i] - y_pred[i]).abs()).sum();
            let ss_res: f64 = (0..n).map(|i| w[i] * (y_true[i] - y_pred[i]).powi(2)).sum();
            let ss_tot: f64 = (0..n).map(|i| w[i] * (y_true[i] - mean).powi(2)).sum();
            [
                Some(abs / total),
                Some((ss_res / total).sqrt()),
                (ss_tot > 0.0).then(|| 1.0 - ss_res / ss_tot),
            ]
        },
    );
    RegressionIntervals { mae, rmse, r2 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_interval_and_it_brackets_the_estimate() {
        let y: Vec<usize> = (0..500).map(|i| usize::from(i % 3 == 0)).collect();
        let pred: Vec<usize> = (0..500)
            .map(|i| usize::from(i % 3 == 0 && i % 7 != 0))
            .collect();
        let b = Bootstrap::default();
        let first = classification_intervals(&y, &pred, None, 2, Some(1), &b);
        let second = classification_intervals(&y, &pred, None, 2, Some(1), &b);
        assert_eq!(first, second);
        let accuracy = (0..500).filter(|&i| y[i] == pred[i]).count() as f64 / 500.0;
        let ci = first.accuracy.expect("interval");
        assert!(
            ci.low <= accuracy && accuracy <= ci.high,
            "{ci:?} vs {accuracy}"
        );
        assert!(ci.high - ci.low < 0.1);
        // A continuous statistic shows that another seed draws other resamples.
        let values: Vec<f64> = (0..500).map(|i| f64::from(i) * 0.37 % 11.0).collect();
        let mean = |w: &[f64]| {
            Some(values.iter().zip(w).map(|(v, w)| v * w).sum::<f64>() / w.iter().sum::<f64>())
        };
        assert_ne!(
            interval(500, &b, mean),
            interval(500, &Bootstrap { seed: 7, ..b }, mean)
        );
    }

    #[test]
    fn every_resample_draws_exactly_n_rows() {
        let thresholds = poisson_thresholds();
        for n in [1_usize, 2, 3, 10, 997, 20_000] {
            let mut counts = vec![0_u32; n];
            for seed in 0..50 {
                draw_counts(seed, &thresholds, &mut counts);
                assert_eq!(
                    counts.iter().map(|&c| c as usize).sum::<usize>(),
                    n,
                    "n {n}"
                );
            }
        }
    }

    #[test]
    fn resamples_follow_the_multinomial_distribution_exactly() {
        // Three rows, three draws: each of the 27 equally likely draw sequences gives one count
        // vector, so (3,0,0)-like vectors have probability 1/27, (2,1,0)-like 3/27 and (1,1,1)
        // 6/27. A chi-square test over the 10 vectors (9 degrees of freedom) must not reject.
        let thresholds = poisson_thresholds();
        let mut seen = std::collections::HashMap::<[u32; 3], f64>::new();
        let trials = 270_000_u64;
        let mut counts = [0_u32; 3];
        let mut master = SplitMix64(99);
        for _ in 0..trials {
            draw_counts(master.next(), &thresholds, &mut counts);
            *seen.entry(counts).or_default() += 1.0;
        }
        assert_eq!(seen.len(), 10);
        let chi2: f64 = seen
            .iter()
            .map(|(v, &observed)| {
                let ways = match v.iter().filter(|&&c| c > 0).count() {
                    1 => 1.0,
                    2 => 3.0,
                    _ => 6.0,
                };
                let expected = trials as f64 * ways / 27.0;
                (observed - expected).powi(2) / expected
            })
            .sum();
        // The 99.9th percentile of chi-square with 9 degrees of freedom is 27.88.
        assert!(chi2 < 27.88, "chi-square {chi2}");
        // Per row: mean 1 and variance 1 − 1/n, as for a multinomial (a Poisson count alone
        // would have variance 1).
        let mut big = vec![0_u32; 1000];
        let (mut sum, mut squares, mut draws) = (0.0, 0.0, 0.0);
        for seed in 0..2000 {
            draw_counts(seed, &thresholds, &mut big);
            sum += f64::from(big[17]);
            squares += f64::from(big[17]).powi(2);
            draws += 1.0;
        }
        let mean = sum / draws;
        let variance = squares / draws - mean * mean;
        assert!((mean - 1.0).abs() < 0.05, "mean {mean}");
        assert!((variance - 0.999).abs() < 0.08, "variance {variance}");
    }

    #[test]
    fn intervals_do_not_depend_on_the_number_of_threads() {
        let y: Vec<usize> = (0..3000).map(|i| usize::from(i % 3 == 0)).collect();
        let pred: Vec<usize> = (0..3000).map(|i| usize::from(i % 5 == 0)).collect();
        let p: Vec<Vec<f64>> = (0..3000)
            .map(|i| {
                let s = f64::from(i % 97) / 97.0;
                vec![1.0 - s, s]
            })
            .collect();
        let b = Bootstrap {
            resamples: 200,
            ..Bootstrap::default()
        };
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool")
                .install(|| classification_intervals(&y, &pred, Some(&p), 2, Some(1), &b))
        };
        assert_eq!(run(1), run(3));
    }

    #[test]
    fn a_resample_that_draws_every_row_once_scores_like_the_plain_metrics() {
        // Scores with ties (multiples of 0.1) and labels that disagree with them now and then.
        let n = 400;
        let y: Vec<usize> = (0..n).map(|i| usize::from((i * 7) % 5 < 2)).collect();
        let p: Vec<Vec<f64>> = (0..n)
            .map(|i| {
                let s = f64::from(u32::try_from((i * 13) % 11).unwrap_or(0)) / 10.0;
                vec![1.0 - s, s]
            })
            .collect();
        let pred: Vec<usize> = p.iter().map(|r| usize::from(r[1] >= 0.5)).collect();
        for pos in [1, 0] {
            let layout = BinaryLayout::new(&y, &pred, &p, pos);
            let [accuracy, balanced, f1, auc, loss] = layout.score(&vec![1; n], &mut [0.0; 4]);
            let plain =
                crate::classification_metrics(&y, &pred, Some(&p), 2, Some(pos)).expect("metrics");
            let close = |a: Option<f64>, b: f64| (a.expect("defined") - b).abs() < 1e-12;
            assert!(close(accuracy, plain.accuracy));
            assert!(close(balanced, plain.balanced_accuracy));
            assert!(close(f1, plain.f1.macro_));
            assert!(close(loss, plain.log_loss.expect("log loss")));
            let truth: Vec<bool> = y.iter().map(|&t| t == pos).collect();
            let scores: Vec<f64> = p.iter().map(|r| r[pos]).collect();
            let reference = crate::roc_auc_binary(&truth, &scores).expect("auc");
            assert!(close(auc, reference), "{auc:?} vs {reference}");
        }
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 4.0);
        assert!((quantile(&v, 0.5) - 2.5).abs() < 1e-12);
        assert!((quantile(&v, 0.025) - 1.075).abs() < 1e-12);
    }
}
