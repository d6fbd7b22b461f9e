use std::time::Duration;

use tally_connectors::{
    AccountAccess, ConnectorError, Credential, PlatformConnector, YouTubeConnector,
};
use tally_domain::{AccountMetric, ContentType, EngagementKind::*, Platform};
use wiremock::matchers::{header, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const API_KEY: &str = "invented-api-key-4d8e1b";
const CHANNEL_ID: &str = "UCtestcreator0000000000a";

fn account(server: &MockServer) -> AccountAccess {
    AccountAccess::new(Platform::YouTube, CHANNEL_ID)
        .with_base_url(format!("{}/youtube/v3", server.uri()))
        .with_credential(Credential::api_key(API_KEY))
}

async fn mount_channel(server: &MockServer, body: serde_json::Value) {
    Mock::given(path("/youtube/v3/channels"))
        .and(query_param("id", CHANNEL_ID))
        .and(header("x-goog-api-key", API_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

fn google_error(status: u16, reason: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(serde_json::json!({
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": "youtube.quota", "reason": reason}]
        }
    }))
}

#[tokio::test]
async fn subscribers_are_read_from_string_statistics_unless_hidden() {
    let server = MockServer::start().await;
    mount_channel(&server, fixture("youtube_channel.json")).await;

    let records = YouTubeConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap();
    let values: Vec<_> = records.iter().map(|r| (r.metric, r.value)).collect();
    assert_eq!(values, [(AccountMetric::Followers, 12_300)]);

    let hidden = MockServer::start().await;
    let mut body = fixture("youtube_channel.json");
    body["items"][0]["statistics"]["hiddenSubscriberCount"] = true.into();
    mount_channel(&hidden, body).await;
    let records = YouTubeConnector::new(http())
        .fetch_account_metrics(&account(&hidden), now())
        .await
        .unwrap();
    assert!(records.is_empty());
}

#[tokio::test]
async fn uploads_are_paged_and_deleted_or_private_videos_are_skipped() {
    let server = MockServer::start().await;
    mount_channel(&server, fixture("youtube_channel.json")).await;
    Mock::given(path("/youtube/v3/playlistItems"))
        .and(query_param("playlistId", "UUtestcreator0000000000a"))
        .and(query_param_is_missing("pageToken"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("youtube_playlist_page1.json")),
        )
        .mount(&server)
        .await;
    Mock::given(path("/youtube/v3/playlistItems"))
        .and(query_param("pageToken", "EAAaBlBUOkNESQ"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("youtube_playlist_page2.json")),
        )
        .mount(&server)
        .await;
    Mock::given(path("/youtube/v3/videos"))
        .and(query_param("id", "vidTest0001,vidTest0002,vidGone0001"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("youtube_videos_page1.json")),
        )
        .mount(&server)
        .await;
    Mock::given(path("/youtube/v3/videos"))
        .and(query_param("id", "vidTest0003"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("youtube_videos_page2.json")),
        )
        .mount(&server)
        .await;

    let batch = YouTubeConnector::new(http())
        .fetch_posts(&account(&server), since(), now())
        .await
        .unwrap();

    assert_eq!(
        post_ids(&batch),
        ["vidTest0001", "vidTest0002", "vidTest0003"]
    );
    let types: Vec<_> = batch.posts.iter().map(|p| p.content_type).collect();
    assert_eq!(
        types,
        [ContentType::Video, ContentType::Live, ContentType::Video]
    );
    assert_eq!(
        batch.posts[0].url.as_deref(),
        Some("https://www.youtube.com/watch?v=vidTest0001")
    );
    assert_eq!(
        batch.posts[2].published_at,
        at("2026-03-02T08:00:00.123456Z")
    );
    assert_eq!(
        engagement(&batch, "vidTest0001"),
        kinds([(View, 15_000), (Like, 900), (Comment, 75)])
    );
    // Likes hidden by the creator and comments turned off: views only.
    assert_eq!(engagement(&batch, "vidTest0002"), kinds([(View, 3200)]));
    assert_eq!(
        engagement(&batch, "vidTest0003"),
        kinds([(View, 800), (Like, 40), (Comment, 3)])
    );
    assert_eq!(batch.engagement.len(), 7);
    assert_observed_now(&batch);
    assert_eq!(hits(&server, "/youtube/v3/playlistItems").await, 2);
}

#[tokio::test]
async fn an_exhausted_daily_quota_is_reported_with_the_wait_until_pacific_midnight() {
    let server = MockServer::start().await;
    Mock::given(path("/youtube/v3/channels"))
        .respond_with(
            google_error(
                403,
                "quotaExceeded",
                "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
            )
            .insert_header("date", SERVER_DATE),
        )
        .mount(&server)
        .await;

    let error = YouTubeConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap_err();

    assert!(
        matches!(error, ConnectorError::RateLimited { .. }),
        "{error}"
    );
    // 12:00 UTC on 10 March 2026 is 05:00 in Los Angeles (daylight time): 19 hours left.
    assert_eq!(error.retry_after(), Some(Duration::from_secs(19 * 3600)));
    assert_eq!(hits(&server, "/youtube/v3/channels").await, 1);
}

#[tokio::test]
async fn an_expired_oauth_token_needs_reauthorization() {
    let server = MockServer::start().await;
    Mock::given(path("/youtube/v3/channels"))
        .respond_with(google_error(401, "authError", "Invalid Credentials"))
        .mount(&server)
        .await;
    let account = AccountAccess::new(Platform::YouTube, "mine")
        .with_base_url(format!("{}/youtube/v3", server.uri()))
        .with_credential(Credential::bearer(TOKEN));

    let error = YouTubeConnector::new(http())
        .fetch_posts(&account, since(), now())
        .await
        .unwrap_err();

    assert!(error.needs_reauthorization(), "{error}");
    assert_eq!(hits(&server, "/youtube/v3/channels").await, 1);
}

#[tokio::test]
async fn an_unknown_channel_is_not_found() {
    let server = MockServer::start().await;
    mount_channel(
        &server,
        serde_json::json!({"kind": "youtube#channelListResponse", "pageInfo": {"totalResults": 0}}),
    )
    .await;

    let error = YouTubeConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap_err();

    assert!(matches!(error, ConnectorError::NotFound { .. }), "{error}");
}
