//! The query parameters that analytics endpoints share, parsed and validated up front.
//!
//! Parameters: `start` and `end` (ISO dates) or `days`; `platform` (repeated or
//! comma-separated); `tz` (IANA name, default UTC); `granularity` (day, week, month);
//! `rate_by` (reach, impressions, followers). An unknown parameter name, a malformed value
//! or an unknown name gets a 400 whose message lists what is valid.

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use tally_analyzer::{AnalysisPeriod, Granularity, RateBy, parse_timezone};
use tally_domain::{DateRange, Platform, excerpt};

use super::ApiError;

/// Days analyzed when neither `days` nor `start` is given.
pub const DEFAULT_DAYS: i64 = 30;

/// Every parameter name the analytics endpoints accept.
pub const PARAMETERS: &[&str] = &[
    "start",
    "end",
    "days",
    "platform",
    "tz",
    "granularity",
    "rate_by",
];

/// Validated common parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct AnalyticsParams {
    /// The local days analyzed, their time zone, rate denominator and bucket size.
    pub period: AnalysisPeriod,
    /// Only these platforms; empty means every platform.
    pub platforms: Vec<Platform>,
}

impl AnalyticsParams {
    /// Parses a raw query string; `now` gives the end of the period when the query gives
    /// none (today in the requested time zone).
    pub fn parse(query: &str, now: chrono::DateTime<Utc>) -> Result<Self, ApiError> {
        Self::parse_with(query, now, &[]).map(|(params, _)| params)
    }

    /// Like [`AnalyticsParams::parse`], also accepting the endpoint's own parameters
    /// `extras`, whose raw values are returned in the order given (`None` when absent).
    pub fn parse_with(
        query: &str,
        now: chrono::DateTime<Utc>,
        extras: &[&'static str],
    ) -> Result<(Self, Vec<Option<String>>), ApiError> {
        let mut extra_values: Vec<Option<String>> = vec![None; extras.len()];
        let mut start = None;
        let mut end = None;
        let mut days = None;
        let mut platforms: Vec<Platform> = Vec::new();
        let mut timezone = Tz::UTC;
        let mut granularity = Granularity::default();
        let mut rate_by = RateBy::default();

        let mut seen: Vec<String> = Vec::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let value = value.trim();
            if name != "platform" {
                if seen.iter().any(|earlier| *earlier == name) {
                    return Err(ApiError::bad_request(
                        "invalid_parameter",
                        format!("'{}' is given more than once", excerpt(&name)),
                    ));
                }
                seen.push(name.to_string());
            }
            match name.as_ref() {
                "start" => start = Some(parse_date("start", value)?),
                "end" => end = Some(parse_date("end", value)?),
                "days" => days = Some(parse_days(value)?),
                "platform" => {
                    for item in value
                        .split(',')
                        .map(str::trim)
                        .filter(|item| !item.is_empty())
                    {
                        let platform = item.parse::<Platform>().map_err(invalid("platform"))?;
                        if !platforms.contains(&platform) {
                            platforms.push(platform);
                        }
                    }
                }
                "tz" => {
                    timezone = parse_timezone(value).map_err(|error| {
                        ApiError::bad_request("invalid_parameter", error.to_string())
                    })?
                }
                "granularity" => granularity = value.parse().map_err(invalid("granularity"))?,
                "rate_by" => rate_by = value.parse().map_err(invalid("rate_by"))?,
                other => match extras.iter().position(|extra| *extra == other) {
                    Some(index) => extra_values[index] = Some(value.to_owned()),
                    None => {
                        let valid: Vec<&str> = PARAMETERS.iter().chain(extras).copied().collect();
                        return Err(ApiError::bad_request(
                            "unknown_parameter",
                            format!(
                                "unknown query parameter '{}'; valid parameters: {}",
                                excerpt(other),
                                valid.join(", ")
                            ),
                        ));
                    }
                },
            }
        }

        let today = now.with_timezone(&timezone).date_naive();
        let range = match (start, end, days) {
            (Some(_), Some(_), Some(_)) => {
                return Err(ApiError::bad_request(
                    "invalid_parameter",
                    "give either start and end, or days, not all three",
                ));
            }
            (Some(start), end, None) => DateRange::new(start, end.unwrap_or(today)),
            (None, end, days) => {
                DateRange::ending(end.unwrap_or(today), days.unwrap_or(DEFAULT_DAYS))
            }
            (Some(start), None, Some(days)) => {
                let end = start
                    .checked_add_days(chrono::Days::new(u64::try_from(days - 1).unwrap_or(0)))
                    .unwrap_or(start);
                DateRange::new(start, end)
            }
        }
        .map_err(|error| ApiError::bad_request("invalid_period", error.to_string()))?;

        let period = AnalysisPeriod::new(range, timezone)
            .with_granularity(granularity)
            .with_rate_by(rate_by);
        Ok((Self { period, platforms }, extra_values))
    }

    /// Whether `platform` passes the platform filter.
    pub fn includes(&self, platform: Platform) -> bool {
        self.platforms.is_empty() || self.platforms.contains(&platform)
    }
}

/// The years a period may touch.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

fn parse_date(name: &str, value: &str) -> Result<NaiveDate, ApiError> {
    let day: NaiveDate = value.parse().map_err(|_| {
        ApiError::bad_request(
            "invalid_parameter",
            format!(
                "'{name}' must be a date written YYYY-MM-DD, not '{}'",
                excerpt(value)
            ),
        )
    })?;
    if !YEARS.contains(&chrono::Datelike::year(&day)) {
        return Err(ApiError::bad_request(
            "invalid_parameter",
            format!(
                "'{name}' must be a date in the years {} to {}, not {day}",
                YEARS.start(),
                YEARS.end()
            ),
        ));
    }
    Ok(day)
}

fn parse_days(value: &str) -> Result<i64, ApiError> {
    match value.parse::<i64>() {
        Ok(days) if (1..=DateRange::MAX_DAYS).contains(&days) => Ok(days),
        _ => Err(ApiError::bad_request(
            "invalid_parameter",
            format!(
                "'days' must be a whole number from 1 to {}, not '{}'",
                DateRange::MAX_DAYS,
                excerpt(value)
            ),
        )),
    }
}

fn invalid(name: &'static str) -> impl Fn(tally_domain::ParseNameError) -> ApiError {
    move |error| ApiError::bad_request("invalid_parameter", format!("{name}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> chrono::DateTime<Utc> {
        "2026-12-04T10:00:00Z".parse().unwrap()
    }

    fn parse(query: &str) -> Result<AnalyticsParams, ApiError> {
        AnalyticsParams::parse(query, now())
    }

    fn message(query: &str) -> String {
        parse(query).unwrap_err().to_string()
    }

    #[test]
    fn defaults_are_thirty_days_to_today_in_utc() {
        let params = parse("").unwrap();
        assert_eq!(params.period.range.end().to_string(), "2026-12-04");
        assert_eq!(params.period.range.days(), 30);
        assert_eq!(params.period.timezone, Tz::UTC);
        assert_eq!(params.period.rate_by, RateBy::Reach);
        assert_eq!(params.period.granularity, Granularity::Day);
        assert!(params.platforms.is_empty());
    }

    #[test]
    fn periods_come_from_start_end_or_days() {
        let params = parse("start=2026-11-01&end=2026-11-30").unwrap();
        assert_eq!(params.period.range.days(), 30);
        let params = parse("days=7").unwrap();
        assert_eq!(params.period.range.start().to_string(), "2026-11-28");
        let params = parse("start=2026-11-01&days=10").unwrap();
        assert_eq!(params.period.range.end().to_string(), "2026-11-10");
        let params = parse("end=2026-06-30&days=30").unwrap();
        assert_eq!(params.period.range.start().to_string(), "2026-06-01");
    }

    #[test]
    fn today_is_read_in_the_requested_time_zone() {
        let late = "2026-12-04T23:30:00Z".parse().unwrap();
        let params = AnalyticsParams::parse("tz=Asia/Tokyo&days=1", late).unwrap();
        assert_eq!(params.period.range.end().to_string(), "2026-12-05");
    }

    #[test]
    fn platforms_may_repeat_or_be_comma_separated() {
        let params = parse("platform=x,mastodon&platform=twitter&platform=YouTube").unwrap();
        assert_eq!(
            params.platforms,
            vec![Platform::X, Platform::Mastodon, Platform::YouTube]
        );
        assert!(params.includes(Platform::X));
        assert!(!params.includes(Platform::TikTok));
    }

    #[test]
    fn bad_values_are_refused_with_what_is_valid() {
        assert!(message("platform=myspace").contains("valid values: mastodon, bluesky"));
        assert!(message("granularity=hourly").contains("day, week, month"));
        assert!(message("rate_by=vibes").contains("reach, impressions, followers"));
        assert!(message("tz=Mars/Olympus").contains("IANA"));
        assert!(message("start=yesterday").contains("YYYY-MM-DD"));
        assert!(message("days=0").contains("from 1 to"));
        assert!(message("days=-4").contains("from 1 to"));
        assert!(message("days=1e9").contains("from 1 to"));
        assert!(message("start=2026-12-01&end=2026-11-01").contains("before it starts"));
        assert!(message("start=2026-01-01&end=2026-01-31&days=3").contains("not all three"));
        assert!(message("colour=blue").contains("valid parameters: start, end, days"));
        assert!(message("days=7&days=8").contains("'days' is given more than once"));
        assert!(message("start=0001-01-01").contains("years 1900 to 9999"));
        assert!(
            message("end=+20000-01-01").contains("YYYY-MM-DD")
                || message("end=+20000-01-01").contains("years")
        );
        let long = "x".repeat(5_000);
        assert!(message(&format!("tz={long}")).len() < 400);
        assert!(message(&format!("days={long}")).len() < 400);
        assert_eq!(
            parse("colour=blue").unwrap_err().code(),
            "unknown_parameter"
        );
    }
}
