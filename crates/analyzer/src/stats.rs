//! Small statistics with explicit answers for empty input and zero denominators.
//!
//! Every helper returns `None` instead of NaN or infinity, so that "unavailable" reaches
//! the JSON as `null`.

/// The median of `values`, or `None` when there are none. Sorts `values` in place.
pub(crate) fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        values.get(middle).copied()
    } else {
        let low = values.get(middle - 1)?;
        let high = values.get(middle)?;
        Some((low + high) / 2.0)
    }
}

/// A conservative estimate of the median: an approximate one-sided 90 % lower confidence
/// bound for it, or `None` when there are no values. Sorts `values` in place.
///
/// Of `n` sorted values it is the `k`-th smallest, with `k = ⌊(n − 1.2816·√n) ÷ 2⌋` but at
/// least 1 (the normal approximation of the binomial order-statistic bound). Up to seven
/// values give the minimum, so a group cannot rank high on one or two lucky posts.
pub(crate) fn median_lower_bound(values: &mut [f64]) -> Option<f64> {
    const Z_90: f64 = 1.2816;
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len() as f64;
    let k = ((n - Z_90 * n.sqrt()) / 2.0).floor().max(1.0) as usize;
    values.get(k - 1).copied()
}

/// The arithmetic mean, or `None` when there are no values.
pub(crate) fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    finite(values.iter().sum::<f64>() / values.len() as f64)
}

/// `numerator ÷ denominator`, or `None` when the denominator is zero.
pub(crate) fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    if denominator == 0.0 {
        return None;
    }
    finite(numerator / denominator)
}

/// `numerator ÷ denominator × 100`, or `None` when the denominator is zero.
pub(crate) fn percent(numerator: f64, denominator: f64) -> Option<f64> {
    ratio(numerator, denominator).map(|value| value * 100.0)
}

/// The change from `previous` to `current` in percent of the size of `previous`.
///
/// `None` when `previous` is zero. A negative `previous` (a net loss of followers, say)
/// is measured by its size, so going from −10 to −5 is +50 %.
pub(crate) fn percent_change(current: f64, previous: f64) -> Option<f64> {
    percent(current - previous, previous.abs())
}

/// Pearson's correlation of paired values, or `None` with fewer than two pairs or no spread.
pub(crate) fn correlation(pairs: &[(f64, f64)]) -> Option<f64> {
    if pairs.len() < 2 {
        return None;
    }
    let xs: Vec<f64> = pairs.iter().map(|(x, _)| *x).collect();
    let ys: Vec<f64> = pairs.iter().map(|(_, y)| *y).collect();
    let (mean_x, mean_y) = (mean(&xs)?, mean(&ys)?);

    let covariance: f64 = pairs.iter().map(|(x, y)| (x - mean_x) * (y - mean_y)).sum();
    let spread_x: f64 = xs.iter().map(|x| (x - mean_x).powi(2)).sum();
    let spread_y: f64 = ys.iter().map(|y| (y - mean_y).powi(2)).sum();
    ratio(covariance, (spread_x * spread_y).sqrt())
}

/// Converts a count to `i64` for differences, saturating at the (unreachable) maximum.
pub(crate) fn signed(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_even_and_empty_inputs() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn the_median_bound_needs_many_values_to_leave_the_minimum() {
        assert_eq!(median_lower_bound(&mut [9.0, 1.0, 8.0]), Some(1.0));
        let mut thirteen: Vec<f64> = (1..=13).rev().map(f64::from).collect();
        assert_eq!(median_lower_bound(&mut thirteen), Some(4.0));
        let mut seven: Vec<f64> = (1..=7).map(f64::from).collect();
        assert_eq!(median_lower_bound(&mut seven), Some(1.0));
        let mut twenty: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(median_lower_bound(&mut twenty), Some(7.0));
        assert_eq!(median_lower_bound(&mut []), None);
    }

    #[test]
    fn zero_denominators_are_unavailable() {
        assert_eq!(ratio(5.0, 0.0), None);
        assert_eq!(percent(0.0, 0.0), None);
        assert_eq!(percent_change(10.0, 0.0), None);
        assert_eq!(mean(&[]), None);
    }

    #[test]
    fn percent_change_uses_the_size_of_the_previous_value() {
        assert_eq!(percent_change(150.0, 100.0), Some(50.0));
        assert_eq!(percent_change(50.0, 100.0), Some(-50.0));
        assert_eq!(percent_change(-5.0, -10.0), Some(50.0));
    }

    #[test]
    fn correlation_of_a_line_is_one_and_of_a_flat_series_unavailable() {
        let line = [(1.0, 2.0), (2.0, 4.0), (3.0, 6.0)];
        assert!((correlation(&line).unwrap_or_default() - 1.0).abs() < 1e-12);
        assert_eq!(correlation(&[(1.0, 5.0), (2.0, 5.0)]), None);
        assert_eq!(correlation(&[(1.0, 5.0)]), None);
    }
}
