//! Numbers for people: "nice" tick steps, short tick labels (`12.3k`, `1.2M`, `4.5%`) and
//! exact values for tooltips (`42,311`, `2.346%`).

use crate::format;

/// The ticks of a value axis: evenly spaced, on multiples of a nice step, covering the data.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Ticks {
    /// The first tick, at or below the smallest value.
    pub min: f64,
    /// The last tick, at or above the largest value.
    pub max: f64,
    /// The distance between ticks: 1, 2, 2.5 or 5 times a power of ten.
    pub step: f64,
    /// Every tick value from `min` to `max`.
    pub values: Vec<f64>,
}

/// The most ticks an axis gets, whatever its data.
const MAX_TICKS: usize = 20;

/// Ticks covering `low..=high` in about `intervals` steps; `whole` keeps them on integers.
pub(super) fn nice_ticks(low: f64, high: f64, intervals: usize, whole: bool) -> Ticks {
    let (mut low, mut high) = match (low.is_finite(), high.is_finite()) {
        (true, true) if low <= high => (low, high),
        (true, true) => (high, low),
        _ => (0.0, 1.0),
    };
    if high - low < f64::EPSILON * high.abs().max(1.0) {
        let pad = if low == 0.0 { 1.0 } else { low.abs() * 0.1 };
        let pad = if whole { pad.max(1.0) } else { pad };
        (low, high) = if low >= 0.0 && low - pad < 0.0 {
            (0.0, high + pad)
        } else {
            (low - pad, high + pad)
        };
    }

    let mut step = nice_step((high - low) / intervals.max(1) as f64);
    if whole {
        step = step.max(1.0).ceil();
    }
    while (high - low) / step > MAX_TICKS as f64 {
        step = nice_step(step * 2.0);
    }

    let first = (low / step).floor();
    let last = (high / step).ceil();
    let decimals = decimals_of(step);
    let values: Vec<f64> = (0..=(last - first) as usize)
        .map(|index| round_to((first + index as f64) * step, decimals))
        .collect();
    Ticks {
        min: round_to(first * step, decimals),
        max: round_to(last * step, decimals),
        step,
        values,
    }
}

/// The smallest of 1, 2, 2.5, 5 and 10 times a power of ten that is at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .find(|nice| fraction <= *nice + 1e-9)
        .unwrap_or(10.0);
    nice * magnitude
}

/// The decimals needed to write multiples of `step` exactly (at most 6).
fn decimals_of(step: f64) -> i32 {
    (0..6)
        .find(|decimals| {
            let scaled = step * 10f64.powi(*decimals);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(6)
}

fn round_to(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    let rounded = (value * factor).round() / factor;
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// A tick label: thousands as `k`, millions as `M`, billions as `B`, with as many decimals
/// as the step needs to tell ticks apart, and `%` on percentage axes.
pub(super) fn tick(value: f64, step: f64, percent: bool) -> String {
    let magnitude = value.abs();
    let (divisor, suffix) = if magnitude >= 1e9 {
        (1e9, "B")
    } else if magnitude >= 1e6 {
        (1e6, "M")
    } else if magnitude >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let decimals = decimals_of(step / divisor).min(3) as usize;
    let number = format!("{:.decimals$}", value / divisor);
    let number = trim_zeros(&number);
    let number = if number == "-0" { "0" } else { number };
    format!("{number}{suffix}{}", if percent { "%" } else { "" })
}

/// An exact value for a tooltip: thousands separators and up to three decimals.
pub(super) fn exact(value: f64, percent: bool) -> String {
    let rounded = format::round(value);
    let whole = rounded.trunc();
    let fraction = format!("{:.3}", (rounded - whole).abs());
    let fraction = trim_zeros(fraction.trim_start_matches('0'));
    let sign = if rounded < 0.0 && whole == 0.0 {
        "-"
    } else {
        ""
    };
    format!(
        "{sign}{}{fraction}{}",
        format::thousands(whole as i64),
        if percent { "%" } else { "" }
    )
}

/// A share of a whole as a percentage with one decimal: `45.2%`.
pub(super) fn share(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        format!("{:.1}%", part / whole * 100.0)
    } else {
        "0%".to_owned()
    }
}

fn trim_zeros(number: &str) -> &str {
    if number.contains('.') {
        number.trim_end_matches('0').trim_end_matches('.')
    } else {
        number
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice_and_cover_the_data() {
        let ticks = nice_ticks(0.0, 87.0, 5, true);
        assert_eq!(ticks.values, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        let ticks = nice_ticks(-3.2, 4.1, 5, false);
        assert_eq!(ticks.step, 2.0);
        assert_eq!((ticks.min, ticks.max), (-4.0, 6.0));
        let ticks = nice_ticks(0.0, 0.9, 4, false);
        assert_eq!(ticks.values, [0.0, 0.25, 0.5, 0.75, 1.0]);
        let ticks = nice_ticks(1_000.0, 1_090.0, 5, true);
        assert_eq!((ticks.min, ticks.max, ticks.step), (1_000.0, 1_100.0, 20.0));
    }

    #[test]
    fn degenerate_ranges_still_get_ticks() {
        assert_eq!(nice_ticks(0.0, 0.0, 5, true).values.last(), Some(&1.0));
        let flat = nice_ticks(200.0, 200.0, 5, true);
        assert!(flat.min < 200.0 && flat.max > 200.0);
        assert_eq!(
            nice_ticks(f64::NAN, 3.0, 4, false).values,
            [0.0, 0.25, 0.5, 0.75, 1.0]
        );
        let small = nice_ticks(0.0, 2.0, 8, true);
        assert_eq!(small.step, 1.0);
        assert!(nice_ticks(0.0, 1e300, 1000, false).values.len() <= MAX_TICKS + 1);
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick(12_300.0, 100.0, false), "12.3k");
        assert_eq!(tick(12_000.0, 1_000.0, false), "12k");
        assert_eq!(tick(1_250_000.0, 250_000.0, false), "1.25M");
        assert_eq!(tick(1_200_000.0, 200_000.0, false), "1.2M");
        assert_eq!(tick(4.5, 0.5, true), "4.5%");
        assert_eq!(tick(-1_500.0, 500.0, false), "-1.5k");
        assert_eq!(tick(0.0, 0.25, false), "0");
        assert_eq!(tick(500.0, 250.0, false), "500");
        assert_eq!(tick(3e9, 1e9, false), "3B");
    }

    #[test]
    fn exact_values_keep_their_digits() {
        assert_eq!(exact(42_311.0, false), "42,311");
        assert_eq!(exact(2.345_67, true), "2.346%");
        assert_eq!(exact(-0.5, false), "-0.5");
        assert_eq!(exact(-1_234.25, false), "-1,234.25");
        assert_eq!(share(1.0, 3.0), "33.3%");
    }
}
