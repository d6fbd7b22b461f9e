use std::time::Duration;

use tally_connectors::{
    AccountAccess, ConnectorError, Credential, MastodonConnector, PlatformConnector,
};
use tally_domain::{AccountMetric, ContentType, EngagementKind::*, Platform};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const ACCOUNT_ID: &str = "109000000000000001";
const STATUSES: &str = "/api/v1/accounts/109000000000000001/statuses";

fn account(server: &MockServer) -> AccountAccess {
    AccountAccess::new(Platform::Mastodon, "@test_creator")
        .with_base_url(server.uri())
        .with_credential(Credential::bearer(TOKEN))
}

async fn mount_lookup(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/v1/accounts/lookup"))
        .and(query_param("acct", "test_creator"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("mastodon_account.json")))
        .mount(server)
        .await;
}

#[tokio::test]
async fn account_metrics_come_from_the_looked_up_account() {
    let server = MockServer::start().await;
    mount_lookup(&server).await;

    let records = MastodonConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap();

    let values: Vec<_> = records.iter().map(|r| (r.metric, r.value)).collect();
    assert_eq!(
        values,
        [
            (AccountMetric::Followers, 1234),
            (AccountMetric::Following, 56)
        ]
    );
    assert!(records.iter().all(|r| r.observed_at == now()));
    assert!(records.iter().all(|r| r.day == now().date_naive()));
}

#[tokio::test]
async fn posts_follow_link_pages_skip_boosts_and_stop_at_the_window() {
    let server = MockServer::start().await;
    mount_lookup(&server).await;
    let next = format!(
        "<{}{STATUSES}?limit=40&exclude_reblogs=true&exclude_replies=true&max_id=109000000000000103>; rel=\"next\", <{}{STATUSES}?min_id=109000000000000105>; rel=\"prev\"",
        server.uri(),
        server.uri()
    );
    Mock::given(path(STATUSES))
        .and(query_param_is_missing("max_id"))
        .and(query_param("exclude_reblogs", "true"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", next.as_str())
                .set_body_json(fixture("mastodon_statuses_page1.json")),
        )
        .mount(&server)
        .await;
    let beyond = format!(
        "<{}{STATUSES}?max_id=109000000000000101>; rel=\"next\"",
        server.uri()
    );
    Mock::given(path(STATUSES))
        .and(query_param("max_id", "109000000000000103"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", beyond.as_str())
                .set_body_json(fixture("mastodon_statuses_page2.json")),
        )
        .mount(&server)
        .await;

    let batch = MastodonConnector::new(http())
        .fetch_posts(&account(&server), since(), now())
        .await
        .unwrap();

    assert_eq!(
        post_ids(&batch),
        [
            "109000000000000105",
            "109000000000000103",
            "109000000000000102"
        ]
    );
    let first = &batch.posts[0];
    assert_eq!(first.content_type, ContentType::Image);
    assert_eq!(first.published_at, at("2026-03-09T08:15:30.120Z"));
    assert_eq!(
        first.title.as_deref(),
        Some("Sunrise over the #harbour & the hills")
    );
    assert_eq!(
        first.url.as_deref(),
        Some("https://example.social/@test_creator/109000000000000105")
    );
    assert_eq!(batch.posts[1].content_type, ContentType::Poll);
    assert_eq!(batch.posts[2].content_type, ContentType::Video);

    assert_eq!(
        engagement(&batch, "109000000000000105"),
        kinds([(Like, 10), (Comment, 2), (Share, 3), (Quote, 1)])
    );
    // A server older than 4.5 sends no quotes_count: no Quote record, not a zero.
    assert_eq!(
        engagement(&batch, "109000000000000103"),
        kinds([(Like, 7), (Comment, 5), (Share, 1)])
    );
    assert_eq!(
        engagement(&batch, "109000000000000102"),
        kinds([(Like, 21), (Comment, 0), (Share, 4), (Quote, 0)])
    );
    assert_eq!(batch.engagement.len(), 11);
    assert!(batch.performance.is_empty());
    assert_observed_now(&batch);
    // The page reaching past the window ends the walk: no third page.
    assert_eq!(hits(&server, STATUSES).await, 2);
}

#[tokio::test]
async fn numeric_handles_skip_the_lookup_and_suspended_accounts_are_not_found() {
    let server = MockServer::start().await;
    let mut body = fixture("mastodon_account.json");
    body["suspended"] = true.into();
    Mock::given(path(format!("/api/v1/accounts/{ACCOUNT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let account = AccountAccess::new(Platform::Mastodon, ACCOUNT_ID).with_base_url(server.uri());

    let error = MastodonConnector::new(http())
        .fetch_account_metrics(&account, now())
        .await
        .unwrap_err();

    assert!(matches!(error, ConnectorError::NotFound { .. }), "{error}");
    assert!(error.to_string().contains("suspended"), "{error}");
    assert_eq!(hits(&server, "/api/v1/accounts/lookup").await, 0);
}

#[tokio::test]
async fn a_rate_limit_with_an_iso_reset_is_waited_out() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/accounts/lookup"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("date", SERVER_DATE)
                .insert_header("x-ratelimit-limit", "300")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "2026-03-10T12:00:00.000000Z")
                .set_body_json(serde_json::json!({"error": "Too many requests"})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_lookup(&server).await;

    let records = MastodonConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap();

    assert_eq!(records.len(), 2);
    assert_eq!(hits(&server, "/api/v1/accounts/lookup").await, 2);
}

#[tokio::test]
async fn a_reset_beyond_the_wait_cap_is_reported_with_its_wait() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/accounts/lookup"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("date", SERVER_DATE)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "2026-03-10T12:05:00.000000Z")
                .set_body_json(serde_json::json!({"error": "Too many requests"})),
        )
        .mount(&server)
        .await;

    let error = MastodonConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap_err();

    assert!(
        matches!(error, ConnectorError::RateLimited { .. }),
        "{error}"
    );
    assert_eq!(error.retry_after(), Some(Duration::from_secs(300)));
    assert!(error.is_temporary());
    assert_eq!(hits(&server, "/api/v1/accounts/lookup").await, 1);
}

#[tokio::test]
async fn an_invalid_token_needs_reauthorization_and_is_asked_once() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/accounts/lookup"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(serde_json::json!({"error": "The access token is invalid"})),
        )
        .mount(&server)
        .await;

    let error = MastodonConnector::new(http())
        .fetch_posts(&account(&server), since(), now())
        .await
        .unwrap_err();

    assert!(error.needs_reauthorization(), "{error}");
    assert!(error.to_string().contains("The access token is invalid"));
    assert!(!format!("{error} {error:?}").contains(TOKEN));
    assert_eq!(hits(&server, "/api/v1/accounts/lookup").await, 1);
}

#[tokio::test]
async fn malformed_json_is_a_clear_error() {
    let server = MockServer::start().await;
    mount_lookup(&server).await;
    Mock::given(path(STATUSES))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"[{"id": "1", "created_at": "#))
        .mount(&server)
        .await;

    let error = MastodonConnector::new(http())
        .fetch_posts(&account(&server), since(), now())
        .await
        .unwrap_err();

    assert!(
        matches!(error, ConnectorError::MalformedResponse { .. }),
        "{error}"
    );
    let text = error.to_string();
    assert!(
        text.starts_with(
            "mastodon: malformed response from GET /api/v1/accounts/:id/statuses: EOF"
        ),
        "{text}"
    );
    assert!(!error.needs_reauthorization());
}

#[tokio::test]
async fn a_missing_base_url_is_refused_before_any_request() {
    let account = AccountAccess::new(Platform::Mastodon, "test_creator");
    let error = MastodonConnector::new(http())
        .fetch_account_metrics(&account, now())
        .await
        .unwrap_err();
    assert!(
        matches!(error, ConnectorError::InvalidAccount { .. }),
        "{error}"
    );
}
