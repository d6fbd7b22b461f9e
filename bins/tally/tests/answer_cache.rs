//! The cache of analytics answers: it answers what the database holds, and a write of the
//! user's data through any path, in this process or another one, is seen by the next read.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::test;
use chrono::{Duration, Utc};
use common::{Seeded, app, get_json, on_each_backend};
use tally::http::AppState;
use tally::http::cache::AnswerCache;
use tally_domain::{ContentType, EngagementKind, EngagementRecord, IngestBatch, PostRecord};
use tally_store::{AccountStore, IngestStore};

const BASE: &str = "/api/v1/analytics";

/// The endpoints whose answers are cached, each with a query.
const CACHED: &[&str] = &[
    "/overview/1?days=30",
    "/overview/1?days=7&tz=Asia/Tokyo",
    "/comparative/1?days=90",
    "/recommendations/1?days=90",
    "/chart/1/likes?granularity=week&days=28",
    "/visualization/1/dashboard?days=60",
    "/visualization/1/best_times?days=60",
];

async fn app_without_cache(
    seeded: &Seeded,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    let mut state = AppState::from_store(Arc::new(seeded.db.store())).unwrap();
    state.answers = AnswerCache::disabled();
    common::init_as_admin(state).await
}

/// A post published an hour ago with 1,000 likes, on the user's first account.
fn one_more_post() -> IngestBatch {
    let now = Utc::now();
    IngestBatch {
        posts: vec![PostRecord {
            external_id: "cache-test-post".into(),
            content_type: ContentType::Text,
            published_at: now - Duration::hours(1),
            url: None,
            title: Some("An invented post".into()),
        }],
        engagement: vec![EngagementRecord {
            post_external_id: "cache-test-post".into(),
            kind: EngagementKind::Like,
            count: 1_000,
            observed_at: now,
        }],
        ..IngestBatch::default()
    }
}

#[actix_web::test]
async fn cached_answers_equal_fresh_ones_for_every_parameter() {
    on_each_backend(1, |seeded: Seeded| async move {
        let cached = app(&seeded.db).await;
        let fresh = app_without_cache(&seeded).await;
        for uri in CACHED {
            let uri = format!("{BASE}{uri}");
            let (status, expected) = get_json(&fresh, &uri).await;
            assert_eq!(status, 200, "{uri}: {expected}");
            for _ in 0..2 {
                assert_eq!(
                    get_json(&cached, &uri).await,
                    (200, expected.clone()),
                    "{uri}"
                );
            }
        }
    })
    .await;
}

#[actix_web::test]
async fn a_write_by_another_process_is_seen_by_the_next_read() {
    on_each_backend(1, |seeded: Seeded| async move {
        let app = app(&seeded.db).await;
        let uri = format!("{BASE}/overview/1?days=7");
        let (_, before) = get_json(&app, &uri).await;
        assert_eq!(
            get_json(&app, &uri).await.1,
            before,
            "answered from the cache"
        );

        // Another store on the same database stands for another process, such as a CLI
        // import while the server runs.
        let other = seeded.db.store();
        let account = other.accounts(tally_domain::UserId(1)).unwrap()[0].id;
        other.ingest(account, &one_more_post()).unwrap();

        let (status, after) = get_json(&app, &uri).await;
        assert_eq!(status, 200, "{after}");
        let posts = |body: &serde_json::Value| body["totals"]["posts"]["current"].as_u64().unwrap();
        assert_eq!(posts(&after), posts(&before) + 1, "{after}");
    })
    .await;
}

#[actix_web::test]
async fn deleting_an_account_through_the_api_is_seen_by_the_next_read() {
    on_each_backend(1, |seeded: Seeded| async move {
        let app = app(&seeded.db).await;
        let uri = format!("{BASE}/comparative/1?days=30");
        let (_, before) = get_json(&app, &uri).await;
        let platforms = |body: &serde_json::Value| body["platforms"].as_array().unwrap().len();
        assert_eq!(platforms(&before), 4);

        let account = seeded.db.store().accounts(tally_domain::UserId(1)).unwrap()[0].id;
        let request = test::TestRequest::delete()
            .uri(&format!("{BASE}/accounts/1/{account}"))
            .to_request();
        let response = test::call_service(&app, request).await;
        assert!(response.status().is_success(), "{}", response.status());

        let (_, after) = get_json(&app, &uri).await;
        assert_eq!(platforms(&after), 3, "{after}");
    })
    .await;
}

#[actix_web::test]
async fn an_unknown_user_is_never_answered_from_the_cache() {
    on_each_backend(1, |seeded: Seeded| async move {
        let app = app(&seeded.db).await;
        for _ in 0..2 {
            let (status, body) = get_json(&app, &format!("{BASE}/overview/2")).await;
            assert_eq!(status, 404, "{body}");
        }
    })
    .await;
}
