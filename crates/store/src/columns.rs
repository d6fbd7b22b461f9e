//! Column types for the large reads, decoded without per-row allocation or format parsing.
//!
//! An analysis reads tens of thousands of rows, and decoding them costs more than finding
//! them. Two costs dominate with diesel's stock types: SQLite keeps timestamps as text, and
//! diesel's reader tries a list of formats, parsing each format string anew for every value;
//! and every stored name (platform, metric, content type) arrives as an owned `String` only
//! to be parsed into its enum and dropped. The types here read the same columns but decode
//! timestamps in the one form tally writes by reading digits at fixed positions, instead
//! of chrono's general parser, and parse names straight from the database's buffer.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::{Pg, PgValue};
use diesel::sql_types::{Date, Text, Timestamp};
use diesel::sqlite::{Sqlite, SqliteValue};
use tally_domain::{EngagementKind, ParseNameError, PerformanceMetric, PostMetric};

use crate::models::from_db_count;

/// A `Timestamp` column read as a naive UTC instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromSqlRow)]
pub(crate) struct StoredTime(pub NaiveDateTime);

/// A `Date` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromSqlRow)]
pub(crate) struct StoredDate(pub NaiveDate);

/// A `Text` column holding one of tally's names, parsed into `T`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromSqlRow)]
pub(crate) struct Named<T>(pub T);

/// The `posts.counters` column: a post's latest counters as `metric=value` pairs joined by
/// commas (`comment=3,like=12`), filed by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, FromSqlRow)]
pub(crate) struct StoredCounters {
    pub engagement: BTreeMap<EngagementKind, u64>,
    pub performance: BTreeMap<PerformanceMetric, u64>,
}

/// A stored value that is not in the form tally writes; the database was changed from
/// outside.
#[derive(Debug)]
pub(crate) struct MalformedValue(pub String);

impl fmt::Display for MalformedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MalformedValue {}

impl StoredCounters {
    /// Reads `comment=3,like=12`, strictly in the form tally writes: canonical names, each
    /// once, and unsigned decimal values that fit the column. Anything else was written
    /// from outside and is refused rather than guessed at.
    pub(crate) fn parse(text: &str) -> deserialize::Result<Self> {
        let malformed = || MalformedValue(format!("post counters {text:?}"));
        let mut counters = Self::default();
        for pair in text.split(',') {
            let (name, value) = pair.split_once('=').ok_or_else(malformed)?;
            if value.is_empty() || !value.bytes().all(|byte| byte.is_ascii_digit()) {
                return Err(malformed().into());
            }
            let value = from_db_count(value.parse::<i64>().map_err(|_| malformed())?);
            let metric = match (
                EngagementKind::from_canonical(name),
                PerformanceMetric::from_canonical(name),
            ) {
                (Some(kind), _) => PostMetric::Engagement(kind),
                (None, Some(metric)) => PostMetric::Performance(metric),
                // A name tally knows in another spelling is malformed; an unknown one is
                // reported as such.
                (None, None) => {
                    name.parse::<PostMetric>()?;
                    return Err(malformed().into());
                }
            };
            let repeated = match metric {
                PostMetric::Engagement(kind) => counters.engagement.insert(kind, value),
                PostMetric::Performance(metric) => counters.performance.insert(metric, value),
            };
            if repeated.is_some() {
                return Err(malformed().into());
            }
        }
        Ok(counters)
    }
}

impl StoredCounters {
    /// The counters by their stored names, in name order.
    pub(crate) fn by_name(&self) -> BTreeMap<&'static str, u64> {
        let engagement = self
            .engagement
            .iter()
            .map(|(kind, value)| (PostMetric::Engagement(*kind).as_str(), *value));
        let performance = self
            .performance
            .iter()
            .map(|(metric, value)| (PostMetric::Performance(*metric).as_str(), *value));
        engagement.chain(performance).collect()
    }
}

/// The text of `posts.counters` for `counters`, which come in name order.
pub(crate) fn counters_text<'a, V: fmt::Display>(
    counters: impl IntoIterator<Item = (&'a str, V)>,
) -> String {
    let mut text = String::new();
    for (name, value) in counters {
        if !text.is_empty() {
            text.push(',');
        }
        text.push_str(name);
        text.push('=');
        text.push_str(&value.to_string());
    }
    text
}

/// The number written in `count` ASCII digits from `at`, if they are all digits.
fn digits(bytes: &[u8], at: usize, count: usize) -> Option<u32> {
    bytes
        .get(at..at + count)?
        .iter()
        .try_fold(0_u32, |number, &byte| {
            byte.is_ascii_digit()
                .then(|| number * 10 + u32::from(byte - b'0'))
        })
}

/// `YYYY-MM-DD`, the form of dates tally writes to SQLite.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(bytes, 0, 4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(bytes, 5, 2)?, digits(bytes, 8, 2)?)
}

/// `YYYY-MM-DD HH:MM:SS` with an optional fraction of up to nine digits, the form diesel
/// writes timestamps to SQLite in.
fn parse_time(text: &str) -> Option<NaiveDateTime> {
    let bytes = text.as_bytes();
    if bytes.len() < 19 || bytes[10] != b' ' || bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let day = parse_date(text.get(..10)?)?;
    let nanos = match &bytes[19..] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            let scale = 10_u32.pow(9 - fraction.len() as u32);
            digits(fraction, 0, fraction.len())? * scale
        }
        _ => return None,
    };
    let (hour, minute, second) = (
        digits(bytes, 11, 2)?,
        digits(bytes, 14, 2)?,
        digits(bytes, 17, 2)?,
    );
    // A leap second (60) or an hour past 23 is not what tally writes; the general reader
    // gets those.
    if second > 59 {
        return None;
    }
    day.and_hms_nano_opt(hour, minute, second, nanos)
}

impl FromSql<Timestamp, Sqlite> for StoredTime {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        if let Some(time) = parse_time(value.read_text()) {
            return Ok(Self(time));
        }
        // Written by something else than tally: let diesel try every form it knows.
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Self)
    }
}

impl FromSql<Timestamp, Pg> for StoredTime {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Self)
    }
}

impl FromSql<Date, Sqlite> for StoredDate {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        if let Some(day) = parse_date(value.read_text()) {
            return Ok(Self(day));
        }
        <NaiveDate as FromSql<Date, Sqlite>>::from_sql(value).map(Self)
    }
}

impl FromSql<Date, Pg> for StoredDate {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        <NaiveDate as FromSql<Date, Pg>>::from_sql(value).map(Self)
    }
}

impl<T> FromSql<Text, Sqlite> for Named<T>
where
    T: FromStr<Err = ParseNameError>,
{
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        Ok(Self(value.read_text().parse()?))
    }
}

impl<T> FromSql<Text, Pg> for Named<T>
where
    T: FromStr<Err = ParseNameError>,
{
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        Ok(Self(std::str::from_utf8(value.as_bytes())?.parse()?))
    }
}

impl FromSql<Text, Sqlite> for StoredCounters {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        Self::parse(value.read_text())
    }
}

impl FromSql<Text, Pg> for StoredCounters {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        Self::parse(std::str::from_utf8(value.as_bytes())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_the_form_tally_writes_are_read_to_the_microsecond() {
        let read = parse_time("2026-03-29 01:59:59.123456");
        let expected = NaiveDate::from_ymd_opt(2026, 3, 29)
            .and_then(|day| day.and_hms_micro_opt(1, 59, 59, 123_456));
        assert_eq!(read, expected);
        let tenth = parse_time("2026-03-29 01:59:59.1");
        let expected = NaiveDate::from_ymd_opt(2026, 3, 29)
            .and_then(|day| day.and_hms_milli_opt(1, 59, 59, 100));
        assert_eq!(tenth, expected);
        let nanos = parse_time("2026-03-29 01:59:59.000000007");
        let expected =
            NaiveDate::from_ymd_opt(2026, 3, 29).and_then(|day| day.and_hms_nano_opt(1, 59, 59, 7));
        assert_eq!(nanos, expected);
        let whole = parse_time("2025-12-03 23:59:00");
        let expected =
            NaiveDate::from_ymd_opt(2025, 12, 3).and_then(|day| day.and_hms_opt(23, 59, 0));
        assert_eq!(whole, expected);
    }

    #[test]
    fn counters_are_filed_by_kind() -> deserialize::Result<()> {
        let read = StoredCounters::parse("comment=3,like=12,reach=0")?;
        assert_eq!(
            read.engagement,
            BTreeMap::from([(EngagementKind::Comment, 3), (EngagementKind::Like, 12)])
        );
        assert_eq!(
            read.performance,
            BTreeMap::from([(PerformanceMetric::Reach, 0)])
        );
        let largest = StoredCounters::parse("like=9223372036854775807")?;
        assert_eq!(
            largest.engagement.get(&EngagementKind::Like),
            Some(&(i64::MAX as u64))
        );
        Ok(())
    }

    #[test]
    fn counters_in_another_form_are_refused() {
        for text in [
            "",
            "like",
            "like=",
            "like=ten",
            "like=1;comment=2",
            "like=-5",
            "like=+7",
            "like= 7",
            "like=3,,",
            "like=3,like=4",
            "LIKE=3",
            "likes=3",
            " like=3",
            "like=9223372036854775808",
        ] {
            let error = StoredCounters::parse(text).err();
            assert!(
                error.is_some_and(|error| error.is::<MalformedValue>()),
                "{text:?}"
            );
        }
        let error = StoredCounters::parse("like=1,hug=2").err();
        assert!(
            error.is_some_and(|error| error.is::<ParseNameError>()),
            "an unknown name is reported as one"
        );
    }

    #[test]
    fn other_forms_are_left_to_the_general_reader() {
        for text in [
            "2026-03-29T01:59:59",
            "2026-03-29 01:59",
            "2026-03-29 01:59:59+02:00",
            "2026-02-30 00:00:00",
            "2461128.5",
            "",
            "2026-03-29 01:59:59.",
            "2026-03-29 01:59:59.1234567890",
            "2026-03-29 24:00:00",
            "2026-03-29 23:59:60",
            "2026-0a-29 01:59:59",
            "2026-03-29 01:5a:59",
            "+2026-03-29 01:59:59",
        ] {
            assert_eq!(parse_time(text), None, "{text}");
        }
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("2026-02-28 00:00:00"), None);
        assert_eq!(
            parse_date("2026-02-28"),
            NaiveDate::from_ymd_opt(2026, 2, 28)
        );
    }
}
