use tally_connectors::AccountAccess;
use tally_connectors::{BlueskyConnector, ConnectorError, Credential, PlatformConnector};
use tally_domain::{AccountMetric, ContentType, EngagementKind::*, Platform};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const PROFILE: &str = "/xrpc/app.bsky.actor.getProfile";
const FEED: &str = "/xrpc/app.bsky.feed.getAuthorFeed";
const HANDLE: &str = "test-creator.example.social";
const POST_1: &str = "at://did:plc:testcreator0000000000000/app.bsky.feed.post/3lbtestpost001";
const POST_2: &str = "at://did:plc:testcreator0000000000000/app.bsky.feed.post/3lbtestpost002";
const POST_3: &str = "at://did:plc:testcreator0000000000000/app.bsky.feed.post/3lbtestpost003";

fn account(server: &MockServer) -> AccountAccess {
    AccountAccess::new(Platform::Bluesky, HANDLE).with_base_url(server.uri())
}

async fn mount_profile(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(PROFILE))
        .and(query_param("actor", HANDLE))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("bluesky_profile.json")))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_missing_follows_count_produces_no_following_record() {
    let server = MockServer::start().await;
    mount_profile(&server).await;

    let records = BlueskyConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap();

    let values: Vec<_> = records.iter().map(|r| (r.metric, r.value)).collect();
    assert_eq!(values, [(AccountMetric::Followers, 2048)]);
}

#[tokio::test]
async fn the_author_feed_is_paged_by_cursor_without_reposts() {
    let server = MockServer::start().await;
    Mock::given(path(FEED))
        .and(query_param("actor", HANDLE))
        .and(query_param("filter", "posts_and_author_threads"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("bluesky_feed_page1.json")))
        .mount(&server)
        .await;
    Mock::given(path(FEED))
        .and(query_param(
            "cursor",
            "2026-03-06T08:30:02.000Z::3lbtestpost002",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("bluesky_feed_page2.json")))
        .mount(&server)
        .await;

    let batch = BlueskyConnector::new(http())
        .fetch_posts(&account(&server), since(), now())
        .await
        .unwrap();

    assert_eq!(post_ids(&batch), [POST_1, POST_2, POST_3]);
    let [first, second, third] = &batch.posts[..] else {
        panic!("three posts expected");
    };
    assert_eq!(first.content_type, ContentType::Carousel);
    assert_eq!(
        first.url.as_deref(),
        Some("https://bsky.app/profile/test-creator.example.social/post/3lbtestpost001")
    );
    // The client's +01:00 creation time, normalised to UTC.
    assert_eq!(second.published_at, at("2026-03-06T08:30:00Z"));
    assert_eq!(second.content_type, ContentType::Text);
    assert_eq!(third.content_type, ContentType::Link);
    assert_eq!(third.title.as_deref(), Some("A link worth reading"));

    assert_eq!(
        engagement(&batch, POST_1),
        kinds([(Like, 42), (Comment, 4), (Share, 6), (Quote, 1), (Save, 3)])
    );
    // An older AppView answer without quoteCount and bookmarkCount: no records for them.
    assert_eq!(
        engagement(&batch, POST_2),
        kinds([(Like, 9), (Comment, 0), (Share, 1)])
    );
    // Counts sent as strings are read all the same.
    assert_eq!(
        engagement(&batch, POST_3),
        kinds([(Like, 15), (Comment, 2), (Share, 0), (Quote, 0), (Save, 1)])
    );
    assert_eq!(batch.engagement.len(), 13);
    assert_observed_now(&batch);
    assert_eq!(hits(&server, FEED).await, 2);
}

#[tokio::test]
async fn an_empty_feed_ends_paging() {
    let server = MockServer::start().await;
    Mock::given(path(FEED))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"feed": []})))
        .mount(&server)
        .await;

    let batch = BlueskyConnector::new(http())
        .fetch_posts(&account(&server), since(), now())
        .await
        .unwrap();

    assert!(batch.is_empty());
    assert_eq!(hits(&server, FEED).await, 1);
}

#[tokio::test]
async fn an_expired_token_reported_as_400_needs_reauthorization() {
    let server = MockServer::start().await;
    Mock::given(path(PROFILE))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            serde_json::json!({"error": "ExpiredToken", "message": "Token has expired"}),
        ))
        .mount(&server)
        .await;
    let account = account(&server).with_credential(Credential::bearer(TOKEN));

    let error = BlueskyConnector::new(http())
        .fetch_account_metrics(&account, now())
        .await
        .unwrap_err();

    assert!(error.needs_reauthorization(), "{error}");
    assert!(error.to_string().contains("ExpiredToken"), "{error}");
    assert_eq!(hits(&server, PROFILE).await, 1);
}

#[tokio::test]
async fn a_server_error_is_retried_and_a_rate_limit_waits_for_its_epoch_reset() {
    let server = MockServer::start().await;
    Mock::given(path(PROFILE))
        .respond_with(ResponseTemplate::new(500).set_body_json(
            serde_json::json!({"error": "InternalServerError", "message": "Internal Server Error"}),
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(PROFILE))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("date", SERVER_DATE)
                .insert_header("ratelimit-limit", "3000")
                .insert_header("ratelimit-remaining", "0")
                .insert_header("ratelimit-reset", SERVER_EPOCH.to_string().as_str())
                .insert_header("ratelimit-policy", "3000;w=300")
                .set_body_json(serde_json::json!({
                    "error": "RateLimitExceeded", "message": "Rate Limit Exceeded"
                })),
        )
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    mount_profile(&server).await;

    let records = BlueskyConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap();

    assert_eq!(records.len(), 1);
    assert_eq!(hits(&server, PROFILE).await, 3);
}

#[tokio::test]
async fn an_unknown_profile_is_not_found() {
    let server = MockServer::start().await;
    Mock::given(path(PROFILE))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            serde_json::json!({"error": "InvalidRequest", "message": "Profile not found"}),
        ))
        .mount(&server)
        .await;

    let error = BlueskyConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap_err();

    assert!(matches!(error, ConnectorError::NotFound { .. }), "{error}");
    assert_eq!(
        error.to_string(),
        "bluesky: account 'test-creator.example.social' (Profile not found; \
         GET app.bsky.actor.getProfile) was not found, or was deleted or suspended"
    );
    assert_eq!(hits(&server, PROFILE).await, 1);
}
