//! A value of the current period next to the previous period's, with the change.

use serde::Serialize;

use crate::stats::percent_change;

/// A count in the current and the previous period.
///
/// `change_percent` is `null` when the previous count is zero or unknown, and every field
/// is `null` when its inputs are unknown; an unknown count is never reported as 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountComparison {
    /// The count in the current period.
    pub current: Option<i64>,
    /// The count in the previous period of the same length.
    pub previous: Option<i64>,
    /// `current − previous`.
    pub change: Option<i64>,
    /// The change in percent of the previous count (12.5 means +12.5 %).
    pub change_percent: Option<f64>,
}

/// A rate or an average in the current and the previous period.
///
/// For values that are themselves percentages, `change` is in percentage points and
/// `change_percent` is the relative change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValueComparison {
    /// The value in the current period.
    pub current: Option<f64>,
    /// The value in the previous period of the same length.
    pub previous: Option<f64>,
    /// `current − previous`, in the unit of the value.
    pub change: Option<f64>,
    /// The change in percent of the previous value; `null` when that is zero or unknown.
    pub change_percent: Option<f64>,
}

impl CountComparison {
    /// Compares two counts.
    ///
    /// ```
    /// use tally_analyzer::CountComparison;
    ///
    /// let grew = CountComparison::new(Some(150), Some(100));
    /// assert_eq!(grew.change, Some(50));
    /// assert_eq!(grew.change_percent, Some(50.0));
    /// assert_eq!(CountComparison::new(Some(7), Some(0)).change_percent, None);
    /// ```
    pub fn new(current: Option<i64>, previous: Option<i64>) -> Self {
        let both = current.zip(previous);
        Self {
            current,
            previous,
            change: both.map(|(now, before)| now.saturating_sub(before)),
            change_percent: both
                .and_then(|(now, before)| percent_change(now as f64, before as f64)),
        }
    }
}

impl ValueComparison {
    /// Compares two values.
    pub fn new(current: Option<f64>, previous: Option<f64>) -> Self {
        let both = current.zip(previous);
        Self {
            current,
            previous,
            change: both.map(|(now, before)| now - before),
            change_percent: both.and_then(|(now, before)| percent_change(now, before)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_or_unknown_previous_gives_no_percent_change() {
        let from_zero = CountComparison::new(Some(12), Some(0));
        assert_eq!(from_zero.change, Some(12));
        assert_eq!(from_zero.change_percent, None);

        let unknown = CountComparison::new(Some(12), None);
        assert_eq!(unknown.change, None);
        assert_eq!(unknown.change_percent, None);

        let rate = ValueComparison::new(Some(4.5), Some(3.0));
        assert_eq!(rate.change, Some(1.5));
        assert_eq!(rate.change_percent, Some(50.0));
        assert_eq!(
            ValueComparison::new(Some(2.0), Some(0.0)).change_percent,
            None
        );
    }
}
