//! Google API errors as the YouTube Data API sends them, and its daily quota reset.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::America::Los_Angeles;

use crate::http::{Exchange, Failure, classify_by_status, reference_time};

/// Google errors carry a reason per problem; quota exhaustion is a 403 that lasts until
/// midnight Pacific time, and YouTube sends no rate-limit headers.
pub(crate) fn classify(exchange: &Exchange) -> Option<Failure> {
    if exchange.status.is_success() {
        return None;
    }
    let body = exchange.json_value().unwrap_or_default();
    let reasons: Vec<String> = body
        .pointer("/error/errors")
        .and_then(|errors| errors.as_array())
        .map(|errors| {
            errors
                .iter()
                .filter_map(|error| error.get("reason")?.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let message = exchange.message();
    let has = |names: &[&str]| {
        reasons
            .iter()
            .any(|reason| names.contains(&reason.as_str()))
    };

    if has(&["quotaExceeded", "dailyLimitExceeded"]) {
        return Some(Failure::RateLimited(until_pacific_midnight(
            reference_time(&exchange.headers),
        )));
    }
    if has(&["rateLimitExceeded", "userRateLimitExceeded"]) {
        return Some(Failure::RateLimited(None));
    }
    if has(&[
        "authError",
        "keyInvalid",
        "keyExpired",
        "insufficientPermissions",
    ]) || message.contains("API key not valid")
        || message.contains("API key expired")
    {
        return Some(Failure::Unauthorized(message));
    }
    if has(&[
        "channelNotFound",
        "playlistNotFound",
        "videoNotFound",
        "channelClosed",
        "channelSuspended",
    ]) {
        return Some(Failure::NotFound(message));
    }
    classify_by_status(exchange)
}

/// The time until the daily quota resets, at midnight in America/Los_Angeles.
fn until_pacific_midnight(now: DateTime<Utc>) -> Option<Duration> {
    let tomorrow = now.with_timezone(&Los_Angeles).date_naive().succ_opt()?;
    let midnight = Los_Angeles
        .from_local_datetime(&tomorrow.and_hms_opt(0, 0, 0)?)
        .earliest()?;
    (midnight.with_timezone(&Utc) - now).to_std().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_resets_at_pacific_midnight() {
        // 2024-03-02T18:00:00Z is 10:00 in Los Angeles (standard time): 14 hours to go.
        let now: DateTime<Utc> = "2024-03-02T18:00:00Z".parse().unwrap();
        assert_eq!(
            until_pacific_midnight(now),
            Some(Duration::from_secs(14 * 3600))
        );
    }
}
