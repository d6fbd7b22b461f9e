//! The period an analysis covers: local calendar days in the user's time zone.
//!
//! People read "March 8" in their own time zone, while posts carry UTC instants. A period
//! is therefore a [`DateRange`] of local days plus an IANA [`Tz`]; [`utc_window`] turns it
//! into the half-open UTC interval `[from, until)` a store query needs. Local midnight is
//! looked up in the time-zone database for each end separately, so a period that spans a
//! daylight-saving change is 23 or 25 hours longer or shorter than `days × 24`, as it
//! should be.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use tally_domain::DateRange;

use crate::buckets::Granularity;
use crate::error::AnalyzerError;
use crate::rate::RateBy;

/// What every analysis needs besides the data: which days, in which time zone, and how.
///
/// ```
/// use chrono::NaiveDate;
/// use chrono_tz::Tz;
/// use tally_analyzer::{AnalysisPeriod, Granularity, RateBy};
/// use tally_domain::DateRange;
///
/// let march = DateRange::new(
///     NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
///     NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
/// )
/// .unwrap();
/// let period = AnalysisPeriod::new(march, Tz::America__New_York)
///     .with_rate_by(RateBy::Impressions)
///     .with_granularity(Granularity::Week);
///
/// let window = period.utc_window();
/// assert_eq!(window.from.to_rfc3339(), "2026-03-01T05:00:00+00:00"); // EST
/// assert_eq!(window.until.to_rfc3339(), "2026-04-01T04:00:00+00:00"); // EDT
/// assert_eq!(period.previous().unwrap().range.days(), 31);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnalysisPeriod {
    /// The local calendar days covered, both ends included.
    pub range: DateRange,
    /// The user's IANA time zone; local days, weekdays and hours are read in it.
    pub timezone: Tz,
    /// The denominator asked for in engagement rates (default: reach).
    pub rate_by: RateBy,
    /// The bucket size of time series (default: day).
    pub granularity: Granularity,
}

impl AnalysisPeriod {
    /// A period over `range` in `timezone`, rating by reach with daily buckets.
    pub fn new(range: DateRange, timezone: Tz) -> Self {
        Self {
            range,
            timezone,
            rate_by: RateBy::default(),
            granularity: Granularity::default(),
        }
    }

    /// The same period with another engagement-rate denominator.
    pub fn with_rate_by(self, rate_by: RateBy) -> Self {
        Self { rate_by, ..self }
    }

    /// The same period with another time-series granularity.
    pub fn with_granularity(self, granularity: Granularity) -> Self {
        Self {
            granularity,
            ..self
        }
    }

    /// The previous period of the same length, ending the day before this one starts.
    ///
    /// `None` only when that period would start before the calendar does.
    pub fn previous(&self) -> Option<Self> {
        let range = self.range.previous()?;
        Some(Self { range, ..*self })
    }

    /// The UTC instants `[from, until)` that the local days of the period cover.
    pub fn utc_window(&self) -> UtcWindow {
        utc_window(&self.range, self.timezone)
    }

    /// The local calendar day an instant falls on in the period's time zone.
    pub fn local_day(&self, instant: DateTime<Utc>) -> NaiveDate {
        self.local_time(instant).date()
    }

    /// The local wall-clock time of an instant in the period's time zone.
    pub fn local_time(&self, instant: DateTime<Utc>) -> NaiveDateTime {
        instant.with_timezone(&self.timezone).naive_local()
    }

    /// The period as plain data, for results.
    pub fn summary(&self) -> PeriodSummary {
        PeriodSummary {
            start: self.range.start(),
            end: self.range.end(),
            days: self.range.days(),
            timezone: self.timezone.name().to_owned(),
        }
    }
}

/// A half-open interval of UTC instants: `from` included, `until` excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct UtcWindow {
    /// The first instant inside the window.
    pub from: DateTime<Utc>,
    /// The first instant after the window.
    pub until: DateTime<Utc>,
}

impl UtcWindow {
    /// Whether `instant` falls inside the window.
    pub fn contains(&self, instant: DateTime<Utc>) -> bool {
        self.from <= instant && instant < self.until
    }
}

/// The period as it appears in results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodSummary {
    /// The first local day.
    pub start: NaiveDate,
    /// The last local day, included.
    pub end: NaiveDate,
    /// How many days the period covers.
    pub days: i64,
    /// The IANA time zone the days are read in.
    pub timezone: String,
}

/// The UTC instants `[from, until)` covered by the local days of `range` in `timezone`.
///
/// `from` is the start of the first day and `until` the start of the day after the last,
/// both in local time. Where a daylight-saving change skips midnight, the day starts at the
/// first local time that exists; where midnight happens twice, at the earlier one.
///
/// ```
/// use chrono::NaiveDate;
/// use chrono_tz::Tz;
/// use tally_analyzer::utc_window;
/// use tally_domain::DateRange;
///
/// let day = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
/// let range = DateRange::new(day, day).unwrap();
/// let window = utc_window(&range, Tz::Europe__Berlin);
/// assert_eq!(window.from.to_rfc3339(), "2026-10-24T22:00:00+00:00");
/// assert_eq!(window.until.to_rfc3339(), "2026-10-25T23:00:00+00:00");
/// assert_eq!((window.until - window.from).num_hours(), 25);
/// ```
pub fn utc_window(range: &DateRange, timezone: Tz) -> UtcWindow {
    let until_day = range.end().succ_opt().unwrap_or(range.end());
    UtcWindow {
        from: start_of_local_day(range.start(), timezone),
        until: start_of_local_day(until_day, timezone),
    }
}

/// Parses an IANA time-zone name such as `Europe/Berlin`.
///
/// ```
/// use tally_analyzer::parse_timezone;
///
/// assert_eq!(parse_timezone("America/New_York").unwrap().name(), "America/New_York");
/// assert!(parse_timezone("Mars/Olympus").is_err());
/// ```
pub fn parse_timezone(name: &str) -> Result<Tz, AnalyzerError> {
    name.trim()
        .parse::<Tz>()
        .map_err(|_| AnalyzerError::UnknownTimezone {
            given: name.to_owned(),
        })
}

/// The first instant of a local calendar day.
fn start_of_local_day(day: NaiveDate, timezone: Tz) -> DateTime<Utc> {
    let midnight = day.and_time(NaiveTime::MIN);

    // Transitions happen on whole minutes, so the first existing minute after a skipped
    // midnight is the transition itself.
    (0..=24 * 60)
        .find_map(|minute| {
            let local = midnight + TimeDelta::minutes(minute);
            timezone.from_local_datetime(&local).earliest()
        })
        .map(|local| local.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(start: &str, end: &str) -> DateRange {
        DateRange::new(start.parse().unwrap(), end.parse().unwrap()).unwrap()
    }

    #[test]
    fn a_spring_forward_day_has_23_hours() {
        let window = utc_window(&range("2026-03-08", "2026-03-08"), Tz::America__New_York);
        assert_eq!(window.from.to_rfc3339(), "2026-03-08T05:00:00+00:00");
        assert_eq!(window.until.to_rfc3339(), "2026-03-09T04:00:00+00:00");
        assert_eq!((window.until - window.from).num_hours(), 23);
    }

    #[test]
    fn a_skipped_midnight_starts_the_day_at_the_transition() {
        // Havana springs forward at midnight: 2026-03-08 00:00 does not exist there.
        let window = utc_window(&range("2026-03-08", "2026-03-08"), Tz::America__Havana);
        assert_eq!(window.from.to_rfc3339(), "2026-03-08T05:00:00+00:00");
        assert_eq!(window.until.to_rfc3339(), "2026-03-09T04:00:00+00:00");
    }

    #[test]
    fn windows_include_from_and_exclude_until() {
        let window = utc_window(&range("2026-05-01", "2026-05-01"), Tz::UTC);
        assert!(window.contains("2026-05-01T00:00:00Z".parse().unwrap()));
        assert!(window.contains("2026-05-01T23:59:59Z".parse().unwrap()));
        assert!(!window.contains("2026-05-02T00:00:00Z".parse().unwrap()));
        assert!(!window.contains("2026-04-30T23:59:59Z".parse().unwrap()));
    }

    #[test]
    fn unknown_time_zones_are_named_in_the_error() {
        let error = parse_timezone("Europe/Atlantis").unwrap_err();
        assert!(error.to_string().contains("Europe/Atlantis"), "{error}");
        assert_eq!(parse_timezone(" UTC ").unwrap(), Tz::UTC);
    }

    #[test]
    fn previous_keeps_the_zone_and_options() {
        let period = AnalysisPeriod::new(range("2026-03-01", "2026-03-31"), Tz::Europe__Berlin)
            .with_rate_by(RateBy::Followers);
        let previous = period.previous().unwrap();
        assert_eq!(previous.range, range("2026-01-29", "2026-02-28"));
        assert_eq!(previous.timezone, Tz::Europe__Berlin);
        assert_eq!(previous.rate_by, RateBy::Followers);
    }
}
