use tally_connectors::{AccountAccess, Credential, PlatformConnector, ThreadsConnector};
use tally_domain::{AccountMetric, ContentType, EngagementKind::*, Platform};
use wiremock::matchers::{path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const USER: &str = "/v1.0/25000000000000001";
const TEXT_POST: &str = "18100000000000003";
const IMAGE_POST: &str = "18100000000000001";

fn account(server: &MockServer) -> AccountAccess {
    AccountAccess::new(Platform::Threads, "25000000000000001")
        .with_base_url(format!("{}/v1.0", server.uri()))
        .with_credential(Credential::bearer(TOKEN))
}

#[tokio::test]
async fn followers_come_from_a_total_value_insight() {
    let server = MockServer::start().await;
    Mock::given(path(format!("{USER}/threads_insights")))
        .and(query_param("metric", "followers_count"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("threads_user_insights.json")),
        )
        .mount(&server)
        .await;

    let records = ThreadsConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap();

    let values: Vec<_> = records.iter().map(|r| (r.metric, r.value)).collect();
    assert_eq!(values, [(AccountMetric::Followers, 730)]);
}

#[tokio::test]
async fn reposts_are_skipped_and_missing_insights_produce_no_records() {
    let server = MockServer::start().await;
    Mock::given(path(format!("{USER}/threads")))
        .and(query_param(
            "since",
            since().timestamp().to_string().as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("threads_list.json")))
        .mount(&server)
        .await;
    Mock::given(path(format!("/v1.0/{TEXT_POST}/insights")))
        .and(query_param("metric", "views,likes,replies,reposts,quotes"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("threads_media_insights.json")),
        )
        .mount(&server)
        .await;
    let mut partial = fixture("threads_media_insights.json");
    partial["data"].as_array_mut().unwrap().truncate(2);
    Mock::given(path(format!("/v1.0/{IMAGE_POST}/insights")))
        .respond_with(ResponseTemplate::new(200).set_body_json(partial))
        .mount(&server)
        .await;

    let batch = ThreadsConnector::new(http())
        .fetch_posts(&account(&server), since(), now())
        .await
        .unwrap();

    assert_eq!(post_ids(&batch), [TEXT_POST, IMAGE_POST]);
    assert_eq!(batch.posts[0].content_type, ContentType::Text);
    assert_eq!(batch.posts[1].content_type, ContentType::Image);
    assert_eq!(batch.posts[1].published_at, at("2026-03-03T06:45:00Z"));
    assert_eq!(
        engagement(&batch, TEXT_POST),
        kinds([
            (View, 1450),
            (Like, 88),
            (Comment, 9),
            (Share, 4),
            (Quote, 1)
        ])
    );
    assert_eq!(
        engagement(&batch, IMAGE_POST),
        kinds([(View, 1450), (Like, 88)])
    );
    assert_observed_now(&batch);
    // No request for the repost's insights.
    assert_eq!(hits(&server, "/v1.0/18100000000000002/insights").await, 0);
}

#[tokio::test]
async fn an_invalid_token_needs_reauthorization() {
    let server = MockServer::start().await;
    Mock::given(path(format!("{USER}/threads_insights")))
        .respond_with(graph_error(190, Some(467), "Invalid OAuth access token."))
        .mount(&server)
        .await;

    let error = ThreadsConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap_err();

    assert!(error.needs_reauthorization(), "{error}");
    assert_eq!(hits(&server, &format!("{USER}/threads_insights")).await, 1);
}
