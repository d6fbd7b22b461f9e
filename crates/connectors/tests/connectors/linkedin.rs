use tally_connectors::{
    AccountAccess, ConnectorError, Credential, LinkedInConnector, PlatformConnector,
};
use tally_domain::{AccountMetric, ContentType, EngagementKind::*, PerformanceMetric, Platform};
use wiremock::matchers::{header, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const ORGANIZATION: &str = "urn:li:organization:5550001";
const POSTS: &str = "/rest/posts";
const STATISTICS: &str = "/rest/organizationalEntityShareStatistics";
const SHARE: &str = "urn:li:share:7300000000000000003";
const VIDEO: &str = "urn:li:ugcPost:7300000000000000002";

fn account(server: &MockServer, handle: &str) -> AccountAccess {
    AccountAccess::new(Platform::LinkedIn, handle)
        .with_base_url(format!("{}/rest", server.uri()))
        .with_credential(Credential::bearer(TOKEN))
}

fn post(number: u64, published_ms: i64) -> serde_json::Value {
    serde_json::json!({
        "id": format!("urn:li:share:{number}"),
        "author": ORGANIZATION,
        "commentary": format!("Invented post {number}"),
        "lifecycleState": "PUBLISHED",
        "createdAt": published_ms,
        "publishedAt": published_ms
    })
}

#[tokio::test]
async fn followers_come_from_the_network_size() {
    let server = MockServer::start().await;
    Mock::given(path(format!("/rest/networkSizes/{ORGANIZATION}")))
        .and(query_param("edgeType", "COMPANY_FOLLOWED_BY_MEMBER"))
        .and(header("linkedin-version", "202601"))
        .and(header("x-restli-protocol-version", "2.0.0"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"firstDegreeSize": 4321})),
        )
        .mount(&server)
        .await;

    let records = LinkedInConnector::new(http())
        .fetch_account_metrics(&account(&server, "5550001"), now())
        .await
        .unwrap();

    let values: Vec<_> = records.iter().map(|r| (r.metric, r.value)).collect();
    assert_eq!(values, [(AccountMetric::Followers, 4321)]);
}

#[tokio::test]
async fn posts_get_their_statistics_and_reshares_are_skipped() {
    let server = MockServer::start().await;
    Mock::given(path(POSTS))
        .and(query_param("q", "author"))
        .and(query_param("author", ORGANIZATION))
        .and(query_param("start", "0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("linkedin_posts.json")))
        .mount(&server)
        .await;
    Mock::given(path(STATISTICS))
        .and(query_param("q", "organizationalEntity"))
        .and(query_param("organizationalEntity", ORGANIZATION))
        .and(query_param("shares", format!("List({SHARE})").as_str()))
        .and(query_param("ugcPosts", format!("List({VIDEO})").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("linkedin_statistics.json")))
        .mount(&server)
        .await;

    let batch = LinkedInConnector::new(http())
        .fetch_posts(&account(&server, ORGANIZATION), since(), now())
        .await
        .unwrap();

    assert_eq!(post_ids(&batch), [SHARE, VIDEO]);
    assert_eq!(batch.posts[0].content_type, ContentType::Image);
    assert_eq!(batch.posts[0].published_at, at("2026-03-09T10:00:00Z"));
    assert_eq!(batch.posts[1].content_type, ContentType::Video);
    assert_eq!(
        engagement(&batch, SHARE),
        kinds([(Like, 41), (Comment, 6), (Share, 7), (Click, 88)])
    );
    assert_eq!(
        performance(&batch, SHARE),
        [
            (PerformanceMetric::Impressions, 2700),
            (PerformanceMetric::Reach, 1900)
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(batch.engagement.len(), 8);
    assert_eq!(batch.performance.len(), 4);
    assert_observed_now(&batch);
    // A short page is the last one.
    assert_eq!(hits(&server, POSTS).await, 1);
}

#[tokio::test]
async fn full_pages_lead_to_the_next_offset() {
    let server = MockServer::start().await;
    let first: Vec<_> = (0..50)
        .map(|n| post(8_000 + n, 1_773_000_000_000))
        .collect();
    Mock::given(path(POSTS))
        .and(query_param("start", "0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "paging": {"start": 0, "count": 50}, "elements": first
        })))
        .mount(&server)
        .await;
    Mock::given(path(POSTS))
        .and(query_param("start", "50"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "paging": {"start": 50, "count": 50}, "elements": [post(7_999, 1_772_900_000_000)]
        })))
        .mount(&server)
        .await;
    Mock::given(path(STATISTICS))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"elements": []})))
        .mount(&server)
        .await;

    let batch = LinkedInConnector::new(http())
        .fetch_posts(&account(&server, "5550001"), since(), now())
        .await
        .unwrap();

    assert_eq!(batch.posts.len(), 51);
    // Posts without statistics have no counters, not zeros.
    assert!(batch.engagement.is_empty());
    assert_eq!(hits(&server, POSTS).await, 2);
    assert_eq!(hits(&server, STATISTICS).await, 2);
}

#[tokio::test]
async fn member_profiles_are_unsupported_and_invalid_tokens_need_reauthorization() {
    let server = MockServer::start().await;
    let error = LinkedInConnector::new(http())
        .fetch_posts(
            &account(&server, "urn:li:person:InventedMember"),
            since(),
            now(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, ConnectorError::Unsupported { .. }),
        "{error}"
    );

    Mock::given(path(POSTS))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "serviceErrorCode": 65600, "message": "Invalid access token", "status": 401
        })))
        .mount(&server)
        .await;
    let error = LinkedInConnector::new(http())
        .fetch_posts(&account(&server, "5550001"), since(), now())
        .await
        .unwrap_err();
    assert!(error.needs_reauthorization(), "{error}");
    assert!(
        error.to_string().contains("Invalid access token"),
        "{error}"
    );
    assert_eq!(hits(&server, POSTS).await, 1);
}
