//! How numbers, dates and periods are written into charts.

use chrono::NaiveDate;
use tally_analyzer::PeriodSummary;

use crate::model::{ChartDataset, DataPoint, Paint, Title};
use crate::palette::Color;

/// A value as Chart.js reads it: finite and rounded to three decimals, or `null`.
///
/// Rounding keeps the JSON small and tooltips short; NaN and infinity become `null`, so a
/// chart never carries a value JSON cannot represent.
pub(crate) fn value(number: Option<f64>) -> DataPoint {
    DataPoint::Value(number.filter(|number| number.is_finite()).map(round))
}

/// A count as a chart value; unknown stays `null`.
pub(crate) fn count<T: Into<i128>>(number: Option<T>) -> DataPoint {
    value(number.map(|number| number.into() as f64))
}

/// Rounds to three decimals.
pub(crate) fn round(number: f64) -> f64 {
    (number * 1000.0).round() / 1000.0
}

/// An ISO `YYYY-MM-DD` label.
pub(crate) fn day(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// The period as a subtitle: `2026-05-01 to 2026-05-31 (Europe/Berlin)`.
pub(crate) fn period(period: &PeriodSummary) -> String {
    format!(
        "{} to {} ({})",
        day(period.start),
        day(period.end),
        period.timezone
    )
}

/// A displayed subtitle of these parts, joined with a middle dot; `None` without parts.
pub(crate) fn subtitle(parts: impl IntoIterator<Item = String>) -> Option<Title> {
    let parts: Vec<String> = parts.into_iter().filter(|part| !part.is_empty()).collect();
    (!parts.is_empty()).then(|| Title::shown(parts.join(" · ")))
}

/// A line in one color over a category axis, with straight segments and small points.
///
/// `span_gaps` decides what a `null` means on the chart: `false` leaves a gap (nothing was
/// published or measured then), `true` joins the neighbours (the value is a level that did
/// not stop existing just because it was not measured that day).
pub(crate) fn line(
    label: &str,
    color: Color,
    data: Vec<DataPoint>,
    span_gaps: bool,
) -> ChartDataset {
    ChartDataset {
        border_color: Some(Paint::One(color.border())),
        background_color: Some(Paint::One(color.background())),
        border_width: Some(2.0),
        span_gaps: Some(span_gaps),
        tension: Some(0.0),
        point_radius: Some(2.0),
        fill: Some(false),
        ..ChartDataset::new(label, data)
    }
}

/// Upper-cases the first letter: `reel` becomes `Reel`.
pub(crate) fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Shortens `text` to at most `max` characters, ending with an ellipsis when cut.
pub(crate) fn shortened(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// A whole number with thousands separators: `42,311`, `-1,200`.
pub(crate) fn thousands(number: i64) -> String {
    let digits = number.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if number < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// A whole number with its sign and thousands separators: `+4,000`, `-3`, `0`.
pub(crate) fn signed(number: i64) -> String {
    if number > 0 {
        format!("+{}", thousands(number))
    } else {
        thousands(number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_rounded_and_never_nan() {
        assert_eq!(value(Some(1.23456)), DataPoint::Value(Some(1.235)));
        assert_eq!(value(Some(f64::NAN)), DataPoint::Value(None));
        assert_eq!(value(Some(f64::INFINITY)), DataPoint::Value(None));
        assert_eq!(value(None), DataPoint::Value(None));
        assert_eq!(count(Some(12_u64)), DataPoint::Value(Some(12.0)));
        assert_eq!(count::<i64>(None), DataPoint::Value(None));
    }

    #[test]
    fn text_helpers() {
        assert_eq!(capitalized("reel"), "Reel");
        assert_eq!(shortened("a  short\ntitle", 20), "a short title");
        assert_eq!(shortened("abcdefghij", 5), "abcd…");
        assert_eq!(signed(40), "+40");
        assert_eq!(signed(-3), "-3");
        assert_eq!(signed(4000), "+4,000");
        assert_eq!(thousands(42_311), "42,311");
        assert_eq!(thousands(-1_234_567), "-1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(day("2026-05-01".parse().unwrap_or_default()), "2026-05-01");
        assert_eq!(subtitle(vec![String::new()]), None);
    }
}
