//! Reading how long a platform wants us to wait from its response headers.
//!
//! Platforms disagree on the format: `Retry-After` is seconds or an HTTP date; X and
//! Bluesky send the reset as epoch seconds, Mastodon as an ISO-8601 instant, and the IETF
//! draft `RateLimit-Reset` as seconds from now. Resets are measured against the server's
//! own `Date` header when it sends one, so a skewed local clock does not distort the wait.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{DATE, HeaderMap, RETRY_AFTER};

/// Reset headers, in the order they are consulted.
const RESET_HEADERS: [&str; 3] = ["x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset"];

/// Epoch seconds are at least this large; smaller integers are seconds from now.
const EPOCH_THRESHOLD: i64 = 1_000_000_000;

/// The server's idea of the current time: its `Date` header, or the local clock without one.
pub(crate) fn reference_time(headers: &HeaderMap) -> DateTime<Utc> {
    headers
        .get(DATE)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| DateTime::parse_from_rfc2822(text.trim()).ok())
        .map(|date| date.with_timezone(&Utc))
        .unwrap_or_else(Utc::now)
}

/// The pause the headers of a rate-limited response ask for, if they say.
pub(crate) fn wait_from_headers(headers: &HeaderMap) -> Option<Duration> {
    let reference = reference_time(headers);
    if let Some(text) = header_text(headers, RETRY_AFTER.as_str())
        && let Some(wait) = parse_retry_after(text, reference)
    {
        return Some(wait);
    }
    RESET_HEADERS
        .iter()
        .filter_map(|name| header_text(headers, name))
        .find_map(|text| parse_reset(text, reference))
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
}

/// `Retry-After`: a number of seconds or an HTTP date.
fn parse_retry_after(text: &str, reference: DateTime<Utc>) -> Option<Duration> {
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(text).ok()?.with_timezone(&Utc);
    Some(until(at, reference))
}

/// A reset header: epoch seconds, seconds from now, or an RFC 3339 instant.
fn parse_reset(text: &str, reference: DateTime<Utc>) -> Option<Duration> {
    if let Ok(number) = text.parse::<i64>() {
        if number >= EPOCH_THRESHOLD {
            let at = DateTime::from_timestamp(number, 0)?;
            return Some(until(at, reference));
        }
        return u64::try_from(number).ok().map(Duration::from_secs);
    }
    let at = DateTime::parse_from_rfc3339(text).ok()?.with_timezone(&Utc);
    Some(until(at, reference))
}

/// The time from `reference` to `at`, or zero when `at` has passed.
fn until(at: DateTime<Utc>, reference: DateTime<Utc>) -> Duration {
    (at - reference).to_std().unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    const DATE_TEXT: &str = "Sat, 02 Mar 2024 18:39:00 GMT";

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let seconds = headers(&[("retry-after", "7")]);
        assert_eq!(wait_from_headers(&seconds), Some(Duration::from_secs(7)));
        let date = headers(&[
            ("date", DATE_TEXT),
            ("retry-after", "Sat, 02 Mar 2024 18:39:45 GMT"),
        ]);
        assert_eq!(wait_from_headers(&date), Some(Duration::from_secs(45)));
    }

    #[test]
    fn mastodon_resets_are_iso_instants_with_microseconds() {
        let map = headers(&[
            ("date", DATE_TEXT),
            ("x-ratelimit-reset", "2024-03-02T18:40:00.000000Z"),
        ]);
        assert_eq!(wait_from_headers(&map), Some(Duration::from_secs(60)));
    }

    #[test]
    fn x_and_bluesky_resets_are_epoch_seconds() {
        // 1709404800 is 2024-03-02T18:40:00Z.
        let x = headers(&[("date", DATE_TEXT), ("x-rate-limit-reset", "1709404800")]);
        assert_eq!(wait_from_headers(&x), Some(Duration::from_secs(60)));
        let bluesky = headers(&[("date", DATE_TEXT), ("ratelimit-reset", "1709404830")]);
        assert_eq!(wait_from_headers(&bluesky), Some(Duration::from_secs(90)));
    }

    #[test]
    fn small_resets_are_seconds_from_now_and_past_resets_mean_no_wait() {
        let delta = headers(&[("ratelimit-reset", "12")]);
        assert_eq!(wait_from_headers(&delta), Some(Duration::from_secs(12)));
        let past = headers(&[("date", DATE_TEXT), ("x-rate-limit-reset", "1709404000")]);
        assert_eq!(wait_from_headers(&past), Some(Duration::ZERO));
    }

    #[test]
    fn retry_after_wins_and_garbage_is_ignored() {
        let both = headers(&[("retry-after", "3"), ("x-rate-limit-reset", "1709404800")]);
        assert_eq!(wait_from_headers(&both), Some(Duration::from_secs(3)));
        let garbage = headers(&[("retry-after", "soon"), ("x-ratelimit-reset", "later")]);
        assert_eq!(wait_from_headers(&garbage), None);
        assert_eq!(wait_from_headers(&HeaderMap::new()), None);
    }
}
