use chrono::NaiveDate;
use tally_connectors::{AccountAccess, Credential, FacebookConnector, PlatformConnector};
use tally_domain::{AccountMetric, ContentType, EngagementKind::*, Platform};
use wiremock::matchers::{path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const PAGE: &str = "/v23.0/100000000000001";
const POSTS: &str = "/v23.0/100000000000001/posts";
const POST_1: &str = "100000000000001_900000000000011";
const POST_2: &str = "100000000000001_900000000000010";

fn account(server: &MockServer) -> AccountAccess {
    AccountAccess::new(Platform::Facebook, "100000000000001")
        .with_base_url(format!("{}/v23.0", server.uri()))
        .with_credential(Credential::bearer(TOKEN))
}

#[tokio::test]
async fn followers_and_daily_views_including_breakdown_objects() {
    let server = MockServer::start().await;
    Mock::given(path(PAGE))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("facebook_page.json")))
        .mount(&server)
        .await;
    Mock::given(path(format!("{PAGE}/insights")))
        .and(query_param("period", "day"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("facebook_page_insights.json")),
        )
        .mount(&server)
        .await;

    let records = FacebookConnector::new(http())
        .fetch_account_metrics(&account(&server), now())
        .await
        .unwrap();

    let day = |text: &str| text.parse::<NaiveDate>().unwrap();
    let values: Vec<_> = records.iter().map(|r| (r.day, r.metric, r.value)).collect();
    assert_eq!(
        values,
        [
            (day("2026-03-10"), AccountMetric::Followers, 8800),
            (day("2026-03-09"), AccountMetric::Impressions, 1500),
            (day("2026-03-09"), AccountMetric::Reach, 640),
        ]
    );
}

#[tokio::test]
async fn posts_are_paged_after_a_retried_server_error() {
    let server = MockServer::start().await;
    Mock::given(path(POSTS))
        .respond_with(graph_error_with_status(
            500,
            2,
            None,
            "An unexpected error has occurred.",
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let next = format!("{}{POSTS}?limit=50&after=QVFIUmludmVudGVkMg", server.uri());
    let page1 = fixture("facebook_posts_page1.json")
        .to_string()
        .replace("NEXT_PAGE_URL", &next);
    Mock::given(path(POSTS))
        .and(query_param_is_missing("after"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(page1, "application/json"))
        .mount(&server)
        .await;
    Mock::given(path(POSTS))
        .and(query_param("after", "QVFIUmludmVudGVkMg"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("facebook_posts_page2.json")),
        )
        .mount(&server)
        .await;

    let batch = FacebookConnector::new(http())
        .fetch_posts(&account(&server), since(), now())
        .await
        .unwrap();

    assert_eq!(post_ids(&batch), [POST_1, POST_2]);
    assert_eq!(batch.posts[0].content_type, ContentType::Image);
    assert_eq!(batch.posts[0].published_at, at("2026-03-09T07:30:00Z"));
    assert_eq!(batch.posts[1].content_type, ContentType::Video);
    assert_eq!(batch.posts[1].title, None);
    assert_eq!(
        engagement(&batch, POST_1),
        kinds([(Like, 120), (Comment, 18), (Share, 5)])
    );
    // The Graph API omits `shares` when nobody shared: that is a known zero.
    assert_eq!(
        engagement(&batch, POST_2),
        kinds([(Like, 33), (Comment, 0), (Share, 0)])
    );
    assert_eq!(batch.engagement.len(), 6);
    assert_observed_now(&batch);
    // One failed attempt, its retry, and the second page.
    assert_eq!(hits(&server, POSTS).await, 3);
}

#[tokio::test]
async fn a_revoked_page_token_needs_reauthorization() {
    let server = MockServer::start().await;
    Mock::given(path(POSTS))
        .respond_with(graph_error(
            190,
            Some(458),
            "Error validating access token: The user has not authorized application 1234.",
        ))
        .mount(&server)
        .await;

    let error = FacebookConnector::new(http())
        .fetch_posts(&account(&server), since(), now())
        .await
        .unwrap_err();

    assert!(error.needs_reauthorization(), "{error}");
    assert!(error.to_string().contains("app removed"), "{error}");
    assert_eq!(hits(&server, POSTS).await, 1);
}
