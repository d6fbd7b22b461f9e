use std::time::Duration;

use chrono::NaiveDate;
use tally_connectors::{
    AccountAccess, ConnectorError, Credential, InstagramConnector, PlatformConnector,
};
use tally_domain::{AccountMetric, ContentType, EngagementKind::*, PerformanceMetric, Platform};
use wiremock::matchers::{header, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const USER: &str = "/v23.0/17841400000000001";
const MEDIA: &str = "/v23.0/17841400000000001/media";

fn account(server: &MockServer) -> AccountAccess {
    AccountAccess::new(Platform::Instagram, "17841400000000001")
        .with_base_url(format!("{}/v23.0", server.uri()))
        .with_credential(Credential::bearer(TOKEN))
}

async fn mount_profile(server: &MockServer) {
    Mock::given(path(USER))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("instagram_profile.json")))
        .mount(server)
        .await;
}

#[tokio::test]
async fn followers_following_and_daily_reach_on_pacific_days() {
    let server = MockServer::start().await;
    mount_profile(&server).await;
    Mock::given(path(format!("{USER}/insights")))
        .and(query_param("metric", "reach"))
        .and(query_param("period", "day"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("instagram_user_insights.json")),
        )
        .mount(&server)
        .await;

    let records = InstagramConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap();

    let day = |text: &str| text.parse::<NaiveDate>().unwrap();
    let values: Vec<_> = records.iter().map(|r| (r.day, r.metric, r.value)).collect();
    assert_eq!(
        values,
        [
            (day("2026-03-10"), AccountMetric::Followers, 3400),
            (day("2026-03-10"), AccountMetric::Following, 150),
            (day("2026-03-08"), AccountMetric::Reach, 410),
            (day("2026-03-09"), AccountMetric::Reach, 385),
        ]
    );
    assert!(records.iter().all(|r| r.observed_at == now()));
}

#[tokio::test]
async fn refused_account_insights_leave_the_profile_figures() {
    let server = MockServer::start().await;
    mount_profile(&server).await;
    Mock::given(path(format!("{USER}/insights")))
        .respond_with(graph_error(
            100,
            None,
            "(#100) The value must be a valid insights metric",
        ))
        .mount(&server)
        .await;

    let records = InstagramConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap();

    assert_eq!(records.len(), 2);
}

#[tokio::test]
async fn media_pages_with_hidden_likes_and_insights_that_are_missing_or_refused() {
    let server = MockServer::start().await;
    let next = format!(
        "{}{MEDIA}?limit=50&after=QVFIUmludmVudGVkYWZ0ZXI",
        server.uri()
    );
    let page1 = fixture("instagram_media_page1.json")
        .to_string()
        .replace("NEXT_PAGE_URL", &next);
    Mock::given(path(MEDIA))
        .and(query_param_is_missing("after"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(page1, "application/json"))
        .mount(&server)
        .await;
    Mock::given(path(MEDIA))
        .and(query_param("after", "QVFIUmludmVudGVkYWZ0ZXI"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("instagram_media_page2.json")),
        )
        .mount(&server)
        .await;
    Mock::given(path("/v23.0/18000000000000101/insights"))
        .and(query_param("metric", "reach,saved,shares,views"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("instagram_media_insights.json")),
        )
        .mount(&server)
        .await;
    Mock::given(path("/v23.0/18000000000000102/insights"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": []})))
        .mount(&server)
        .await;
    Mock::given(path("/v23.0/18000000000000103/insights"))
        .respond_with(graph_error(
            10,
            None,
            "(#10) Not enough viewers for the media to show insights",
        ))
        .mount(&server)
        .await;

    let batch = InstagramConnector::new(http())
        .fetch_posts(&account(&server), since(), now())
        .await
        .unwrap();

    assert_eq!(
        post_ids(&batch),
        [
            "18000000000000101",
            "18000000000000102",
            "18000000000000103"
        ]
    );
    let types: Vec<_> = batch.posts.iter().map(|p| p.content_type).collect();
    assert_eq!(
        types,
        [ContentType::Image, ContentType::Reel, ContentType::Carousel]
    );
    assert_eq!(batch.posts[0].published_at, at("2026-03-09T16:20:00Z"));
    assert_eq!(batch.posts[1].title, None);

    assert_eq!(
        engagement(&batch, "18000000000000101"),
        kinds([
            (Like, 210),
            (Comment, 14),
            (Save, 37),
            (Share, 12),
            (View, 2600)
        ])
    );
    // Likes hidden by the owner and no insights available: comments only.
    assert_eq!(
        engagement(&batch, "18000000000000102"),
        kinds([(Comment, 31)])
    );
    assert_eq!(
        engagement(&batch, "18000000000000103"),
        kinds([(Like, 95), (Comment, 2)])
    );
    assert_eq!(
        performance(&batch, "18000000000000101"),
        [(PerformanceMetric::Reach, 1800)].into_iter().collect()
    );
    assert_eq!(batch.performance.len(), 1);
    assert_eq!(batch.engagement.len(), 8);
    assert_observed_now(&batch);
    assert_eq!(hits(&server, MEDIA).await, 2);
}

#[tokio::test]
async fn an_expired_token_is_code_190_and_is_asked_once() {
    let server = MockServer::start().await;
    Mock::given(path(USER))
        .respond_with(graph_error(
            190,
            Some(463),
            "Error validating access token: Session has expired on Monday, 09-Mar-26.",
        ))
        .mount(&server)
        .await;

    let error = InstagramConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap_err();

    assert!(error.needs_reauthorization(), "{error}");
    assert!(error.to_string().contains("token expired"), "{error}");
    assert_eq!(hits(&server, USER).await, 1);
}

#[tokio::test]
async fn business_use_case_throttling_reports_the_time_to_regain_access() {
    let server = MockServer::start().await;
    Mock::given(path(MEDIA))
        .respond_with(
            graph_error(80002, None, "There have been too many calls to this Instagram account.")
                .insert_header(
                    "x-business-use-case-usage",
                    r#"{"17841400000000001":[{"type":"instagram","call_count":100,"total_cputime":12,"total_time":20,"estimated_time_to_regain_access":30}]}"#,
                ),
        )
        .mount(&server)
        .await;

    let error = InstagramConnector::new(http())
        .fetch_posts(&account(&server), since(), now())
        .await
        .unwrap_err();

    assert!(
        matches!(error, ConnectorError::RateLimited { .. }),
        "{error}"
    );
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30 * 60)));
    assert_eq!(hits(&server, MEDIA).await, 1);
}
