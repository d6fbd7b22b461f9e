use tally_connectors::{AccountAccess, Credential, PlatformConnector, TikTokConnector};
use tally_domain::{AccountMetric, ContentType, EngagementKind::*, Platform};
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const USER_INFO: &str = "/v2/user/info/";
const VIDEO_LIST: &str = "/v2/video/list/";

fn account(server: &MockServer) -> AccountAccess {
    AccountAccess::new(Platform::TikTok, "test_creator")
        .with_base_url(server.uri())
        .with_credential(Credential::bearer(TOKEN))
}

fn tiktok_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(serde_json::json!({
        "error": {"code": code, "message": message, "log_id": "20260310120000INVENTEDLOGID0009"}
    }))
}

#[tokio::test]
async fn followers_and_following_after_a_rate_limit() {
    let server = MockServer::start().await;
    Mock::given(path(USER_INFO))
        .respond_with(tiktok_error(
            429,
            "rate_limit_exceeded",
            "API rate limit was exceeded",
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(USER_INFO))
        .and(query_param(
            "fields",
            "open_id,follower_count,following_count,likes_count,video_count",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("tiktok_user.json")))
        .mount(&server)
        .await;

    let records = TikTokConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap();

    let values: Vec<_> = records.iter().map(|r| (r.metric, r.value)).collect();
    assert_eq!(
        values,
        [
            (AccountMetric::Followers, 15_200),
            (AccountMetric::Following, 87)
        ]
    );
    assert_eq!(hits(&server, USER_INFO).await, 2);
}

#[tokio::test]
async fn videos_are_paged_by_cursor_until_the_window_ends() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(VIDEO_LIST))
        .and(body_partial_json(
            serde_json::json!({"cursor": 1_772_700_000_000_i64}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("tiktok_videos_page2.json")))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(VIDEO_LIST))
        .and(body_partial_json(serde_json::json!({"max_count": 20})))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("tiktok_videos_page1.json")))
        .mount(&server)
        .await;

    let batch = TikTokConnector::new(http())
        .fetch_posts(&account(&server), since(), now())
        .await
        .unwrap();

    assert_eq!(
        post_ids(&batch),
        [
            "7400000000000000003",
            "7400000000000000002",
            "7400000000000000001"
        ]
    );
    assert!(
        batch
            .posts
            .iter()
            .all(|p| p.content_type == ContentType::Video)
    );
    assert_eq!(batch.posts[0].published_at, at("2026-03-08T20:00:00Z"));
    assert_eq!(batch.posts[2].published_at, at("2026-03-03T01:06:40Z"));
    // An empty title falls back to the description.
    assert_eq!(
        batch.posts[1].title.as_deref(),
        Some("Behind the invented scenes")
    );
    assert_eq!(
        engagement(&batch, "7400000000000000003"),
        kinds([(View, 98_000), (Like, 5300), (Comment, 140), (Share, 77)])
    );
    assert_eq!(
        engagement(&batch, "7400000000000000001"),
        kinds([(View, 2100), (Like, 90), (Comment, 4)])
    );
    assert_eq!(batch.engagement.len(), 11);
    assert_observed_now(&batch);
    assert_eq!(hits(&server, VIDEO_LIST).await, 2);
}

#[tokio::test]
async fn an_invalid_token_needs_reauthorization_and_is_asked_once() {
    let server = MockServer::start().await;
    Mock::given(path(VIDEO_LIST))
        .respond_with(tiktok_error(
            401,
            "access_token_invalid",
            "The access token is invalid or not found in the request.",
        ))
        .mount(&server)
        .await;

    let error = TikTokConnector::new(http())
        .fetch_posts(&account(&server), since(), now())
        .await
        .unwrap_err();

    assert!(error.needs_reauthorization(), "{error}");
    assert_eq!(hits(&server, VIDEO_LIST).await, 1);
}

#[tokio::test]
async fn an_error_code_inside_a_200_is_not_taken_for_data() {
    let server = MockServer::start().await;
    Mock::given(path(USER_INFO))
        .respond_with(tiktok_error(
            200,
            "scope_not_authorized",
            "The user did not authorize the scope required for completing this request.",
        ))
        .mount(&server)
        .await;

    let error = TikTokConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap_err();

    assert!(error.needs_reauthorization(), "{error}");
}
