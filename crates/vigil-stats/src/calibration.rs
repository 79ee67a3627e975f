//! Isotonic regression (pool adjacent violators), used to calibrate a classifier's confidence
//! into the probability that its prediction is right — the core of confidence-based
//! performance estimation (NannyML's CBPE) on data without labels.

/// A fitted non-decreasing step function: `values[i]` for x in [thresholds[i], thresholds[i+1]).
#[derive(Debug, Clone, PartialEq)]
pub struct Isotonic {
    thresholds: Vec<f64>,
    values: Vec<f64>,
}

impl Isotonic {
    /// Fits y ≈ f(x), f non-decreasing, least squares. Pairs with a NaN are ignored; `None`
    /// when no pair is left.
    pub fn fit(x: &[f64], y: &[f64]) -> Option<Self> {
        let mut pairs: Vec<(f64, f64)> = x
            .iter()
            .zip(y)
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .map(|(&a, &b)| (a, b))
            .collect();
        if pairs.is_empty() {
            return None;
        }
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Blocks of (first x, sum of y, count); merged while a block's mean exceeds the next's.
        let mut blocks: Vec<(f64, f64, f64)> = Vec::new();
        for (xv, yv) in pairs {
            match blocks.last_mut() {
                // Equal x values share one fitted value.
                Some(last) if last.0 == xv => {
                    last.1 += yv;
                    last.2 += 1.0;
                }
                _ => blocks.push((xv, yv, 1.0)),
            }
            while blocks.len() >= 2 {
                let n = blocks.len();
                let (a, b) = (blocks[n - 2], blocks[n - 1]);
                if a.1 / a.2 <= b.1 / b.2 {
                    break;
                }
                blocks[n - 2] = (a.0, a.1 + b.1, a.2 + b.2);
                blocks.pop();
            }
        }
        Some(Self {
            thresholds: blocks.iter().map(|b| b.0).collect(),
            values: blocks.iter().map(|b| b.1 / b.2).collect(),
        })
    }

    /// f(x): the value of the last block starting at or below x (the first block below its start).
    pub fn predict(&self, x: f64) -> f64 {
        let i = self.thresholds.partition_point(|&t| t <= x);
        self.values[i.saturating_sub(1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_violators_into_their_mean() {
        let model = Isotonic::fit(&[0.1, 0.2, 0.3, 0.4], &[0.0, 1.0, 0.0, 1.0]).expect("fit");
        assert_eq!(model.predict(0.1), 0.0);
        // 0.2 and 0.3 violate the order and pool to 0.5.
        assert_eq!(model.predict(0.25), 0.5);
        assert_eq!(model.predict(0.3), 0.5);
        assert_eq!(model.predict(0.9), 1.0);
        assert_eq!(model.predict(0.0), 0.0);
    }
}
