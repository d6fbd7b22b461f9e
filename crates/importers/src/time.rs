//! The timestamp and date forms that exports use, read into UTC.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// An RFC 3339 instant with any offset, or the same without a colon in the offset, or
/// without any offset (then taken as UTC); also with a space for the `T`.
pub(crate) fn instant(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(parsed) = DateTime::parse_from_rfc3339(text) {
        return Some(parsed.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(parsed) = DateTime::parse_from_str(text, format) {
            return Some(parsed.with_timezone(&Utc));
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(parsed) = NaiveDateTime::parse_from_str(text, format) {
            return Some(parsed.and_utc());
        }
    }
    None
}

/// The X archive's `Wed Oct 10 20:19:24 +0000 2018`.
pub(crate) fn x_archive_instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(text.trim(), "%a %b %d %H:%M:%S %z %Y")
        .ok()
        .map(|parsed| parsed.with_timezone(&Utc))
}

/// A day written for people (`Mar 2, 2026`, `March 2, 2026`, `2 Mar 2026`) or as ISO
/// (`2026-03-02`).
pub(crate) fn human_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    ["%Y-%m-%d", "%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(text, format).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn instants_in_every_offset_become_utc() {
        assert_eq!(
            instant("2026-03-02T10:00:00+01:00"),
            Some(utc("2026-03-02T09:00:00Z"))
        );
        assert_eq!(
            instant("2026-03-02T10:00:00+0100"),
            Some(utc("2026-03-02T09:00:00Z"))
        );
        assert_eq!(
            instant("2026-03-02T10:00:00.5"),
            Some(utc("2026-03-02T10:00:00.5Z"))
        );
        assert_eq!(
            instant("2026-03-02 10:00:00"),
            Some(utc("2026-03-02T10:00:00Z"))
        );
        assert_eq!(instant("yesterday"), None);
    }

    #[test]
    fn x_archive_times_parse() {
        assert_eq!(
            x_archive_instant("Wed Oct 10 20:19:24 +0200 2018"),
            Some(utc("2018-10-10T18:19:24Z"))
        );
        assert_eq!(x_archive_instant("2018-10-10"), None);
    }

    #[test]
    fn human_dates_parse() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2);
        assert_eq!(human_date("Mar 2, 2026"), day);
        assert_eq!(human_date("March 02, 2026"), day);
        assert_eq!(human_date("2026-03-02"), day);
        assert_eq!(human_date("2 Mar 2026"), day);
        assert_eq!(human_date("Total"), None);
    }
}
