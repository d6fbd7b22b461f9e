use std::time::Duration;

use tally_connectors::{AccountAccess, ConnectorError, Credential, PlatformConnector, XConnector};
use tally_domain::{AccountMetric, ContentType, EngagementKind::*, PerformanceMetric, Platform};
use wiremock::matchers::{header, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const USER_BY_NAME: &str = "/2/users/by/username/test_creator";
const TWEETS: &str = "/2/users/1500000000000000001/tweets";

fn account(server: &MockServer) -> AccountAccess {
    AccountAccess::new(Platform::X, "test_creator")
        .with_base_url(server.uri())
        .with_credential(Credential::bearer(TOKEN))
}

async fn mount_user(server: &MockServer) {
    Mock::given(path(USER_BY_NAME))
        .and(query_param("user.fields", "public_metrics"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("x_user.json")))
        .mount(server)
        .await;
}

fn problem(status: u16, title: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/problem+json")
        .set_body_json(serde_json::json!({
            "title": title, "detail": title, "type": "about:blank", "status": status
        }))
}

#[tokio::test]
async fn followers_and_following_come_from_public_metrics() {
    let server = MockServer::start().await;
    mount_user(&server).await;

    let records = XConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap();

    let values: Vec<_> = records.iter().map(|r| (r.metric, r.value)).collect();
    assert_eq!(
        values,
        [
            (AccountMetric::Followers, 5000),
            (AccountMetric::Following, 120)
        ]
    );
}

#[tokio::test]
async fn posts_are_paged_by_token_without_retweets_or_deleted_posts() {
    let server = MockServer::start().await;
    mount_user(&server).await;
    Mock::given(path(TWEETS))
        .and(query_param("exclude", "retweets,replies"))
        .and(query_param("start_time", "2026-03-01T00:00:00Z"))
        .and(query_param_is_missing("pagination_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("x_tweets_page1.json")))
        .mount(&server)
        .await;
    Mock::given(path(TWEETS))
        .and(query_param(
            "pagination_token",
            "7140dibdnow9c7btw4b0zkpmgh0tx0e3n8qu2kbkmhmcd",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("x_tweets_page2.json")))
        .mount(&server)
        .await;

    let batch = XConnector::new(http())
        .fetch_posts(&account(&server), since(), now())
        .await
        .unwrap();

    assert_eq!(
        post_ids(&batch),
        [
            "1900000000000000105",
            "1900000000000000103",
            "1900000000000000101"
        ]
    );
    let types: Vec<_> = batch.posts.iter().map(|p| p.content_type).collect();
    assert_eq!(
        types,
        [ContentType::Image, ContentType::Poll, ContentType::Video]
    );
    assert_eq!(batch.posts[1].published_at, at("2026-03-07T18:45:10Z"));
    assert_eq!(
        batch.posts[0].url.as_deref(),
        Some("https://x.com/i/status/1900000000000000105")
    );

    assert_eq!(
        engagement(&batch, "1900000000000000105"),
        kinds([(Like, 64), (Comment, 3), (Share, 8), (Quote, 2), (Save, 5)])
    );
    // Renamed field names and string counts; no bookmark_count means no Save record.
    assert_eq!(
        engagement(&batch, "1900000000000000101"),
        kinds([(Like, 19), (Comment, 1), (Share, 4), (Quote, 0)])
    );
    assert_eq!(
        performance(&batch, "1900000000000000105"),
        [(PerformanceMetric::Impressions, 4096)]
            .into_iter()
            .collect()
    );
    assert_eq!(batch.performance.len(), 3);
    assert_eq!(batch.engagement.len(), 14);
    assert_observed_now(&batch);
    assert_eq!(hits(&server, TWEETS).await, 2);
}

#[tokio::test]
async fn an_empty_timeline_has_no_data_key() {
    let server = MockServer::start().await;
    Mock::given(path("/2/users/1500000000000000001/tweets"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"meta": {"result_count": 0}})),
        )
        .mount(&server)
        .await;
    let account = AccountAccess::new(Platform::X, "1500000000000000001")
        .with_base_url(server.uri())
        .with_credential(Credential::bearer(TOKEN));

    let batch = XConnector::new(http())
        .fetch_posts(&account, since(), now())
        .await
        .unwrap();

    assert!(batch.is_empty());
    assert_eq!(hits(&server, USER_BY_NAME).await, 0);
}

#[tokio::test]
async fn a_429_with_an_epoch_reset_is_waited_out_and_a_far_reset_is_reported() {
    let server = MockServer::start().await;
    Mock::given(path(USER_BY_NAME))
        .respond_with(
            problem(429, "Too Many Requests")
                .insert_header("date", SERVER_DATE)
                .insert_header("x-rate-limit-limit", "75")
                .insert_header("x-rate-limit-remaining", "0")
                .insert_header("x-rate-limit-reset", SERVER_EPOCH.to_string().as_str()),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_user(&server).await;

    let records = XConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(hits(&server, USER_BY_NAME).await, 2);

    let limited = MockServer::start().await;
    Mock::given(path(USER_BY_NAME))
        .respond_with(
            problem(429, "Too Many Requests")
                .insert_header("date", SERVER_DATE)
                .insert_header(
                    "x-rate-limit-reset",
                    (SERVER_EPOCH + 900).to_string().as_str(),
                ),
        )
        .mount(&limited)
        .await;
    let error = XConnector::new(http())
        .fetch_account_metrics(&account(&limited), now())
        .await
        .unwrap_err();
    assert_eq!(
        error.retry_after(),
        Some(Duration::from_secs(900)),
        "{error}"
    );
    assert_eq!(hits(&limited, USER_BY_NAME).await, 1);
}

#[tokio::test]
async fn an_expired_token_needs_reauthorization_and_is_asked_once() {
    let server = MockServer::start().await;
    Mock::given(path(USER_BY_NAME))
        .respond_with(problem(401, "Unauthorized"))
        .mount(&server)
        .await;

    let error = XConnector::new(http())
        .fetch_posts(&account(&server), since(), now())
        .await
        .unwrap_err();

    assert!(error.needs_reauthorization(), "{error}");
    assert!(!format!("{error:?}").contains(TOKEN));
    assert_eq!(hits(&server, USER_BY_NAME).await, 1);
}

#[tokio::test]
async fn a_missing_user_is_not_found_and_no_token_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(path(USER_BY_NAME))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "errors": [{
                "value": "test_creator",
                "detail": "Could not find user with username: [test_creator].",
                "title": "Not Found Error",
                "resource_type": "user",
                "parameter": "username",
                "type": "https://api.twitter.com/2/problems/resource-not-found"
            }]
        })))
        .mount(&server)
        .await;

    let error = XConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap_err();
    assert!(matches!(error, ConnectorError::NotFound { .. }), "{error}");
    assert!(error.to_string().contains("Could not find user"), "{error}");

    let without_token = AccountAccess::new(Platform::X, "test_creator").with_base_url(server.uri());
    let error = XConnector::new(http())
        .fetch_account_metrics(&without_token, now())
        .await
        .unwrap_err();
    assert!(error.needs_reauthorization(), "{error}");
    assert_eq!(hits(&server, USER_BY_NAME).await, 1);
}
