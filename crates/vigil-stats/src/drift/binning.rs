//! Binning for PSI and Jensen–Shannon: the kit's reference deciles, Evidently's Sturges
//! histogram over both samples, and one bin per distinct value.

/// numpy's `quantile(sorted, q, method="linear")`, including its rounding: the
/// interpolation runs from the nearer end (`_lerp`), so it is exact at both ends.
pub fn quantile_linear(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let virtual_index = q * (n - 1) as f64;
    let below = (virtual_index.floor() as usize).min(n - 1);
    let above = (below + 1).min(n - 1);
    let gamma = virtual_index - below as f64;
    let (a, b) = (sorted[below], sorted[above]);
    let difference = b - a;
    if gamma >= 0.5 {
        b - difference * (1.0 - gamma)
    } else {
        a + difference * gamma
    }
}

/// The reference's deciles (k/10, k = 1..9), de-duplicated and sorted: the inner edges of the
/// bins (−∞, e1), [e1, e2), …, [e_k, +∞).
pub fn reference_decile_edges(reference_sorted: &[f64]) -> Vec<f64> {
    let mut edges: Vec<f64> = (1..10)
        .map(|k| quantile_linear(reference_sorted, f64::from(k) / 10.0))
        .collect();
    edges.sort_by(f64::total_cmp);
    edges.dedup();
    edges
}

/// Counts of a sorted sample in the bins cut by `inner_edges`: bin i holds the values with
/// exactly i edges ≤ value.
pub fn count_in_open_bins(sorted: &[f64], inner_edges: &[f64]) -> Vec<u64> {
    let mut counts = Vec::with_capacity(inner_edges.len() + 1);
    let mut start = 0usize;
    for &edge in inner_edges {
        let end = sorted.partition_point(|&v| v < edge);
        counts.push((end - start) as u64);
        start = end;
    }
    counts.push((sorted.len() - start) as u64);
    counts
}

/// numpy's `histogram_bin_edges(concat(a, b), bins="sturges")`: ⌈log2(n) + 1⌉ equal-width bins
/// over the combined range (numpy's arithmetic, including its `linspace`). `integer_data`
/// mirrors numpy's rule that an integer array never gets bins narrower than 1.
pub fn sturges_edges(a_sorted: &[f64], b_sorted: &[f64], integer_data: bool) -> Vec<f64> {
    let first = a_sorted[0].min(b_sorted[0]);
    let last = a_sorted[a_sorted.len() - 1].max(b_sorted[b_sorted.len() - 1]);
    let (first, last) = if first == last {
        (first - 0.5, last + 0.5)
    } else {
        (first, last)
    };
    let n = (a_sorted.len() + b_sorted.len()) as f64;
    let range = last - first;
    let mut width = range / (n.log2() + 1.0);
    if integer_data && width < 1.0 {
        width = 1.0;
    }
    let bins = if width > 0.0 {
        ((range / width).ceil() as usize).max(1)
    } else {
        1
    };
    let step = range / bins as f64;
    let mut edges: Vec<f64> = (0..=bins).map(|k| k as f64 * step + first).collect();
    if let Some(end) = edges.last_mut() {
        *end = last;
    }
    edges
}

/// `numpy.histogram(sorted, edges)`: bins [e_i, e_{i+1}), the last one closed.
pub fn histogram(sorted: &[f64], edges: &[f64]) -> Vec<u64> {
    let Some((&last_edge, inner)) = edges.split_last() else {
        return Vec::new();
    };
    let mut cumulative: Vec<usize> = inner
        .iter()
        .map(|&edge| sorted.partition_point(|&v| v < edge))
        .collect();
    cumulative.push(sorted.partition_point(|&v| v <= last_edge));
    cumulative
        .windows(2)
        .map(|w| (w[1] - w[0]) as u64)
        .collect()
}

/// Distinct values of the union of two sorted samples with each sample's count per value.
pub fn distinct_value_counts(a_sorted: &[f64], b_sorted: &[f64]) -> (Vec<f64>, Vec<u64>, Vec<u64>) {
    let (mut values, mut a_counts, mut b_counts) = (Vec::new(), Vec::new(), Vec::new());
    let (mut i, mut j) = (0usize, 0usize);
    loop {
        let value = match (a_sorted.get(i), b_sorted.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        let (start_i, start_j) = (i, j);
        while a_sorted.get(i).is_some_and(|&x| x == value) {
            i += 1;
        }
        while b_sorted.get(j).is_some_and(|&y| y == value) {
            j += 1;
        }
        values.push(value);
        a_counts.push((i - start_i) as u64);
        b_counts.push((j - start_j) as u64);
    }
    (values, a_counts, b_counts)
}

/// Number of distinct values in the union of two sorted samples.
pub fn distinct_union_count(a_sorted: &[f64], b_sorted: &[f64]) -> usize {
    crate::drift::merge_statistics(a_sorted, b_sorted).distinct
}

/// Number of distinct values of a sorted sample.
pub fn distinct_count(sorted: &[f64]) -> usize {
    if sorted.is_empty() {
        return 0;
    }
    1 + sorted.windows(2).filter(|w| w[0] != w[1]).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_follow_numpy_linear() {
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile_linear(&x, 0.5), 3.0);
        // h = 3.6 → 4 + 0.6 · 6 = 7.6 (numpy.quantile gives 7.6).
        assert!((quantile_linear(&x, 0.9) - 7.6).abs() < 1e-12);
        assert_eq!(quantile_linear(&x, 1.0), 10.0);
    }

    #[test]
    fn open_bins_count_values_on_an_edge_in_the_upper_bin() {
        let counts = count_in_open_bins(&[1.0, 2.0, 2.0, 3.0, 5.0], &[2.0, 4.0]);
        assert_eq!(counts, vec![1, 3, 1]);
    }

    #[test]
    fn sturges_matches_numpy() {
        // numpy.histogram_bin_edges([0, 1, 2, 3, 4, 5, 6, 7, 8, 10], bins="sturges"):
        // log2(10) + 1 = 4.32 → 5 bins of width 2.
        let a = [0.0, 1.0, 2.0, 3.0, 4.0];
        let b = [5.0, 6.0, 7.0, 8.0, 10.0];
        let edges = sturges_edges(&a, &b, false);
        assert_eq!(edges, vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(histogram(&b, &edges), vec![0, 0, 1, 2, 2]);
    }

    #[test]
    fn distinct_values_of_two_samples() {
        let (values, a, b) = distinct_value_counts(&[1.0, 1.0, 2.0], &[2.0, 3.0]);
        assert_eq!(values, vec![1.0, 2.0, 3.0]);
        assert_eq!(a, vec![2, 1, 0]);
        assert_eq!(b, vec![0, 1, 1]);
    }
}
