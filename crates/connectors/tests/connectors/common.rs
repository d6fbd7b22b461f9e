//! Helpers every connector test uses: a fast client, a fixed clock, fixtures and tallies.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tally_connectors::{HttpClient, HttpConfig};
use tally_domain::{EngagementKind, IngestBatch, PerformanceMetric};
use wiremock::{MockServer, ResponseTemplate};

/// An invented token; tests assert that it never shows up in errors or logs.
pub const TOKEN: &str = "invented-token-5f2c9a71d3";

/// A `Date` header value used with rate-limit reset headers, so waits are exact.
pub const SERVER_DATE: &str = "Tue, 10 Mar 2026 12:00:00 GMT";

/// `SERVER_DATE` as epoch seconds.
pub const SERVER_EPOCH: i64 = 1_773_144_000;

/// A client whose pauses last milliseconds, so retries cost no real time.
pub fn http() -> HttpClient {
    HttpClient::new(HttpConfig {
        request_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        max_retries: 3,
        backoff_base: Duration::from_millis(1),
        backoff_max: Duration::from_millis(5),
        max_total_wait: Duration::from_secs(5),
        max_pages: 10,
        ..HttpConfig::default()
    })
    .unwrap()
}

/// The collection time every test passes in.
pub fn now() -> DateTime<Utc> {
    at("2026-03-10T12:00:00Z")
}

/// The start of the collection window every test passes in.
pub fn since() -> DateTime<Utc> {
    at("2026-03-01T00:00:00Z")
}

/// An instant from RFC 3339 text.
pub fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// A fixture body from `tests/fixtures`.
pub fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The engagement counts recorded for one post.
pub fn engagement(batch: &IngestBatch, post: &str) -> BTreeMap<EngagementKind, u64> {
    batch
        .engagement
        .iter()
        .filter(|record| record.post_external_id == post)
        .map(|record| (record.kind, record.count))
        .collect()
}

/// The performance figures recorded for one post.
pub fn performance(batch: &IngestBatch, post: &str) -> BTreeMap<PerformanceMetric, u64> {
    batch
        .performance
        .iter()
        .filter(|record| record.post_external_id == post)
        .map(|record| (record.metric, record.value))
        .collect()
}

/// The ids of the posts in a batch, in order.
pub fn post_ids(batch: &IngestBatch) -> Vec<&str> {
    batch
        .posts
        .iter()
        .map(|post| post.external_id.as_str())
        .collect()
}

/// Checks that every observation in the batch is stamped with the collection time.
pub fn assert_observed_now(batch: &IngestBatch) {
    assert!(batch.engagement.iter().all(|r| r.observed_at == now()));
    assert!(batch.performance.iter().all(|r| r.observed_at == now()));
    assert!(batch.account_metrics.is_empty());
}

/// How many requests the server received for `path`.
pub async fn hits(server: &MockServer, path: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|request| request.url.path() == path)
        .count()
}

/// A map of engagement counts, for comparing with [`engagement`].
pub fn kinds<const N: usize>(pairs: [(EngagementKind, u64); N]) -> BTreeMap<EngagementKind, u64> {
    pairs.into_iter().collect()
}

/// A Graph API error envelope, as Meta sends it with status 400.
pub fn graph_error(code: i64, subcode: Option<i64>, message: &str) -> ResponseTemplate {
    graph_error_with_status(400, code, subcode, message)
}

/// A Graph API error envelope with another status.
pub fn graph_error_with_status(
    status: u16,
    code: i64,
    subcode: Option<i64>,
    message: &str,
) -> ResponseTemplate {
    let mut error = serde_json::json!({
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AInventedTraceId"
    });
    if let Some(subcode) = subcode {
        error["error_subcode"] = subcode.into();
    }
    ResponseTemplate::new(status).set_body_json(serde_json::json!({ "error": error }))
}
