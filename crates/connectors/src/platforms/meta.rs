//! What Meta's Graph APIs (Instagram, Facebook Pages, Threads) share: the error envelope,
//! cursor paging through `paging.next`, and the insights shapes.

use std::time::Duration;

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::America::Los_Angeles;
use reqwest::Url;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tally_domain::Platform;
use tracing::warn;

use super::PageBudget;
use crate::http::{Call, Exchange, Failure, HttpClient, classify_by_status, same_origin};
use crate::parse::timestamp;
use crate::{AccountAccess, ConnectorError};

/// Sends a GET to a Graph API with the account's token in the `Authorization` header (never
/// in the URL, where it could end up in logs).
pub(crate) async fn graph_get(
    http: &HttpClient,
    account: &AccountAccess,
    platform: Platform,
    endpoint: &str,
    url: Url,
) -> Result<Exchange, ConnectorError> {
    let call = Call::authenticated(platform, endpoint, account, classify)?;
    http.get(&call, url).await
}

/// Follows `paging.next` from `first`, newest first, and returns the items published at or
/// after `since`; stops at the first older item, an empty page, the last page or the cap.
pub(crate) async fn collect_since<T: DeserializeOwned + Published>(
    http: &HttpClient,
    account: &AccountAccess,
    platform: Platform,
    endpoint: &str,
    first: Url,
    since: DateTime<Utc>,
) -> Result<Vec<(T, DateTime<Utc>)>, ConnectorError> {
    let mut kept = Vec::new();
    let mut pages = PageBudget::new(platform, http.config().max_pages);
    let mut url = first.clone();
    while pages.take() {
        let exchange = graph_get(http, account, platform, endpoint, url.clone()).await?;
        let page: Page<T> = exchange.json()?;
        let mut reached_since = page.data.is_empty();
        for item in page.data {
            let text = item.published();
            let published = timestamp(text).ok_or_else(|| {
                exchange.malformed(format!("an item has an unreadable timestamp '{text}'"))
            })?;
            if published < since {
                reached_since = true;
            } else {
                kept.push((item, published));
            }
        }
        let next = page.paging.and_then(|paging| paging.next);
        let Some(next) = next.filter(|_| !reached_since) else {
            break;
        };
        let next = same_origin(&first, &next).map_err(|reason| exchange.malformed(reason))?;
        if next == url {
            break;
        }
        url = next;
    }
    Ok(kept)
}

/// An item of a paged edge that knows its publication time.
pub(crate) trait Published {
    /// The raw timestamp, such as `2024-03-02T15:00:00+0000`.
    fn published(&self) -> &str;
}

/// Turns an optional extra (insights) that the platform refused into `None`, keeping every
/// error that says something about the account as a whole.
pub(crate) fn optional<T>(
    result: Result<T, ConnectorError>,
    what: &str,
) -> Result<Option<T>, ConnectorError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(error @ (ConnectorError::Rejected { .. } | ConnectorError::NotFound { .. })) => {
            warn!(platform = %error.platform(), what, %error, "skipping insights the platform refused");
            Ok(None)
        }
        Err(error) => Err(error),
    }
}

/// A page of an edge: `{data: [...], paging: {cursors, next?}}`.
#[derive(Deserialize)]
pub(crate) struct Page<T> {
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    #[serde(default)]
    pub paging: Option<Paging>,
}

/// The paging part of a page.
#[derive(Deserialize)]
pub(crate) struct Paging {
    #[serde(default)]
    pub next: Option<String>,
}

/// An insights response: `{data: [{name, period, values: [{value, end_time?}] |
/// total_value: {value}}]}`. Unavailable metrics come back as an empty `data`.
#[derive(Deserialize, Default)]
pub(crate) struct Insights {
    #[serde(default)]
    data: Vec<Insight>,
}

#[derive(Deserialize)]
struct Insight {
    name: String,
    #[serde(default)]
    values: Vec<InsightValue>,
    #[serde(default)]
    total_value: Option<TotalValue>,
}

#[derive(Deserialize)]
struct InsightValue {
    #[serde(default)]
    value: serde_json::Value,
    #[serde(default)]
    end_time: Option<String>,
}

#[derive(Deserialize)]
struct TotalValue {
    #[serde(default)]
    value: serde_json::Value,
}

impl Insights {
    /// A lifetime or total figure: the `total_value`, or the last of the `values`.
    pub fn total(&self, name: &str) -> Option<u64> {
        let insight = self.data.iter().find(|insight| insight.name == name)?;
        if let Some(total) = &insight.total_value {
            return value_total(&total.value);
        }
        insight
            .values
            .iter()
            .rev()
            .find_map(|value| value_total(&value.value))
    }

    /// A daily series as `(day, value)`. `end_time` marks the end of a Pacific-time day,
    /// so the day described is the Pacific date of `end_time` less one.
    pub fn daily(&self, name: &str) -> Vec<(NaiveDate, u64)> {
        let Some(insight) = self.data.iter().find(|insight| insight.name == name) else {
            return Vec::new();
        };
        insight
            .values
            .iter()
            .filter_map(|value| {
                let end = timestamp(value.end_time.as_deref()?)?;
                let day = end
                    .with_timezone(&Los_Angeles)
                    .date_naive()
                    .checked_sub_days(Days::new(1))?;
                Some((day, value_total(&value.value)?))
            })
            .collect()
    }
}

/// A metric value: a number, a numeric string, or a breakdown object whose values add up.
fn value_total(value: &serde_json::Value) -> Option<u64> {
    match value {
        serde_json::Value::Number(number) => number.as_u64().or_else(|| {
            let float = number.as_f64()?;
            (float >= 0.0 && float.fract() == 0.0).then_some(float as u64)
        }),
        serde_json::Value::String(text) => text.trim().parse().ok(),
        serde_json::Value::Object(parts) => {
            let known: Vec<u64> = parts.values().filter_map(value_total).collect();
            (!known.is_empty()).then(|| known.iter().sum())
        }
        _ => None,
    }
}

/// Graph errors are `{"error": {message, type, code, error_subcode?, is_transient?}}`,
/// usually with status 400: the code decides, not the status.
fn classify(exchange: &Exchange) -> Option<Failure> {
    if exchange.status.is_success() {
        return None;
    }
    let body = exchange.json_value().unwrap_or_default();
    let Some(error) = body.get("error").filter(|error| error.is_object()) else {
        return classify_by_status(exchange);
    };
    let code = error.get("code").and_then(serde_json::Value::as_i64);
    let subcode = error
        .get("error_subcode")
        .and_then(serde_json::Value::as_i64);
    let transient = error
        .get("is_transient")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    let message = exchange.message();

    Some(match code {
        Some(190 | 102) | Some(200..=299) => Failure::Unauthorized(match subcode {
            Some(463) => format!("{message} (token expired)"),
            Some(460) => format!("{message} (password changed)"),
            Some(458) => format!("{message} (app removed)"),
            _ => message,
        }),
        Some(4 | 17 | 32 | 613 | 80001..=80009) => Failure::RateLimited(usage_wait(exchange)),
        Some(100) if subcode == Some(33) => Failure::NotFound(message),
        Some(803) => Failure::NotFound(message),
        Some(1 | 2) => Failure::Transient(message),
        _ if transient => Failure::Transient(message),
        _ => return classify_by_status(exchange),
    })
}

/// The longest `estimated_time_to_regain_access` (minutes) in `X-Business-Use-Case-Usage`.
fn usage_wait(exchange: &Exchange) -> Option<Duration> {
    let header = exchange.headers.get("x-business-use-case-usage")?;
    let usage: serde_json::Value = serde_json::from_slice(header.as_bytes()).ok()?;
    let minutes = usage
        .as_object()?
        .values()
        .filter_map(serde_json::Value::as_array)
        .flatten()
        .filter_map(|entry| entry.get("estimated_time_to_regain_access")?.as_u64())
        .max()?;
    Some(Duration::from_secs(minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insights_read_numbers_breakdowns_and_pacific_days() {
        let insights: Insights = serde_json::from_str(
            r#"{"data": [
                {"name": "reach", "period": "day", "values": [
                    {"value": 120, "end_time": "2024-03-01T08:00:00+0000"},
                    {"value": 95, "end_time": "2024-03-02T08:00:00+0000"}]},
                {"name": "views", "period": "lifetime", "values": [{"value": {"a": 3, "b": 4}}]},
                {"name": "likes", "period": "day", "total_value": {"value": "12"}}
            ]}"#,
        )
        .unwrap();
        let day = |text: &str| text.parse::<NaiveDate>().unwrap();
        assert_eq!(
            insights.daily("reach"),
            [(day("2024-02-29"), 120), (day("2024-03-01"), 95)]
        );
        assert_eq!(insights.total("reach"), Some(95));
        assert_eq!(insights.total("views"), Some(7));
        assert_eq!(insights.total("likes"), Some(12));
        assert_eq!(insights.total("shares"), None);
        assert_eq!(Insights::default().total("reach"), None);
    }
}
