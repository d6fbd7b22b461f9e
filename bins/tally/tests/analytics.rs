//! The analytics endpoints over HTTP, on both backends, against seeded sample data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Utc;
use common::{Seeded, app, get_json, on_each_backend, weekday_name};
use serde_json::Value;
use tally_analyzer::{AnalysisPeriod, Dataset, overview, parse_timezone};
use tally_domain::DateRange;

const BASE: &str = "/api/v1/analytics";

#[actix_web::test]
async fn every_endpoint_answers_with_well_formed_json() {
    on_each_backend(1, |seeded: Seeded| async move {
        let app = app(&seeded.db).await;
        let platform = seeded.sample.accounts[0].account.platform;
        let post = &seeded.sample.accounts[0]
            .batch
            .posts
            .last()
            .unwrap()
            .external_id;

        let (status, body) = get_json(&app, &format!("{BASE}/overview/1")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["period"]["days"], 30);
        assert!(body["totals"]["posts"]["current"].as_u64().unwrap() > 30);
        assert!(body["top_posts"].as_array().unwrap().len() > 1);

        let (status, body) = get_json(&app, &format!("{BASE}/platform/1/{platform}")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["platform"], platform.as_str());
        assert_eq!(body["best_times"]["grid"].as_array().unwrap().len(), 168);

        let (status, body) = get_json(&app, &format!("{BASE}/content/1/{platform}/{post}")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["post"]["platform"], platform.as_str());
        assert!(!body["timeline"].as_array().unwrap().is_empty());

        let (status, body) = get_json(&app, &format!("{BASE}/recommendations/1?days=90")).await;
        assert_eq!(status, 200, "{body}");
        let recommendations = body["recommendations"].as_array().unwrap();
        assert!(!recommendations.is_empty(), "{body}");
        for recommendation in recommendations {
            assert!(
                !recommendation["evidence"].as_array().unwrap().is_empty(),
                "{recommendation}"
            );
        }

        let (status, body) = get_json(&app, &format!("{BASE}/comparative/1")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["platforms"].as_array().unwrap().len(), 4);

        for metric in ["followers", "likes", "engagement_rate", "posts"] {
            let uri = format!("{BASE}/chart/1/{metric}?granularity=week&days=28");
            let (status, body) = get_json(&app, &uri).await;
            assert_eq!(status, 200, "{uri}: {body}");
            assert_eq!(body["metric"], metric);
            assert!(body["points"].as_array().unwrap().len() >= 4, "{body}");
            assert_eq!(body["platforms"].as_array().unwrap().len(), 4, "{body}");
        }
    })
    .await;
}

#[actix_web::test]
async fn the_overview_over_http_matches_the_analyzer_on_the_same_data() {
    on_each_backend(2, |seeded: Seeded| async move {
        let app = app(&seeded.db).await;
        let timezone = &seeded.sample.truths.timezone;
        let uri = format!("{BASE}/overview/2?days=60&tz={timezone}");
        let (status, body) = get_json(&app, &uri).await;
        assert_eq!(status, 200, "{body}");

        let (posts, daily) = seeded.sample.facts();
        let today = Utc::now()
            .with_timezone(&parse_timezone(timezone).unwrap())
            .date_naive();
        let period = AnalysisPeriod::new(
            DateRange::ending(today, 60).unwrap(),
            parse_timezone(timezone).unwrap(),
        );
        let data = Dataset::new(posts, daily);
        let expected = serde_json::to_value(overview(&data, &data, &period)).unwrap();
        assert_eq!(body["totals"], expected["totals"]);
        assert_eq!(body["engagement_rate"], expected["engagement_rate"]);
        assert_eq!(body["follower_growth"], expected["follower_growth"]);
    })
    .await;
}

#[actix_web::test]
async fn answers_over_http_recover_the_planted_truths() {
    on_each_backend(3, |seeded: Seeded| async move {
        let app = app(&seeded.db).await;
        let truths = &seeded.sample.truths;
        for (platform, truth) in &truths.platforms {
            let uri = format!(
                "{BASE}/platform/3/{platform}?days=120&tz={}",
                truths.timezone
            );
            let (status, body) = get_json(&app, &uri).await;
            assert_eq!(status, 200, "{body}");
            let best = &body["best_times"]["top_slots"][0];
            assert_eq!(
                best["weekday"],
                weekday_name(truth.best_weekday),
                "{platform}: {best}"
            );
            assert_eq!(best["hour"], truth.best_hour, "{platform}: {best}");
            assert_eq!(
                body["content_types"]["best_content_type"],
                truth.best_content_type.as_str(),
                "{platform}"
            );
        }
    })
    .await;
}

#[actix_web::test]
async fn a_user_without_data_gets_empty_answers_not_errors() {
    on_each_backend(4, |seeded: Seeded| async move {
        let store = seeded.db.store();
        tally_store::AccountStore::upsert_user(
            &store,
            &tally_domain::NewUser {
                id: tally_domain::UserId(77),
                name: "Quiet Tester".into(),
                timezone: "UTC".into(),
            },
        )
        .unwrap();
        let app = app(&seeded.db).await;
        for path in [
            "overview/77",
            "platform/77/bluesky",
            "recommendations/77",
            "comparative/77",
            "chart/77/likes",
        ] {
            let (status, body) = get_json(&app, &format!("{BASE}/{path}")).await;
            assert_eq!(status, 200, "{path}: {body}");
        }
        let (_, body) = get_json(&app, &format!("{BASE}/overview/77")).await;
        assert_eq!(body["totals"]["posts"]["current"], 0);
        assert_eq!(body["engagement_rate"]["current"], Value::Null);
        let (_, body) = get_json(&app, &format!("{BASE}/recommendations/77")).await;
        assert_eq!(body["recommendations"], serde_json::json!([]));
    })
    .await;
}

#[actix_web::test]
async fn bad_input_gets_the_right_status_and_a_json_error() {
    on_each_backend(5, |seeded: Seeded| async move {
        let app = app(&seeded.db).await;
        let cases: &[(&str, u16, &str, &str)] = &[
            ("overview/999", 404, "not_found", "user 999 does not exist"),
            ("overview/abc", 400, "invalid_path", "whole number"),
            ("overview/0", 400, "invalid_path", "whole number"),
            ("overview/5?days=0", 400, "invalid_parameter", "from 1 to"),
            ("overview/5?days=abc", 400, "invalid_parameter", "from 1 to"),
            (
                "overview/5?start=2026-13-01",
                400,
                "invalid_parameter",
                "YYYY-MM-DD",
            ),
            (
                "overview/5?start=2026-05-02&end=2026-05-01",
                400,
                "invalid_period",
                "before it starts",
            ),
            (
                "overview/5?platform=myspace",
                400,
                "invalid_parameter",
                "valid values: mastodon",
            ),
            (
                "overview/5?tz=Nowhere/Town",
                400,
                "invalid_parameter",
                "IANA",
            ),
            (
                "overview/5?granularity=hour",
                400,
                "invalid_parameter",
                "day, week, month",
            ),
            (
                "overview/5?rate_by=likes",
                400,
                "invalid_parameter",
                "reach, impressions, followers",
            ),
            (
                "overview/5?sort=desc",
                400,
                "unknown_parameter",
                "valid parameters",
            ),
            (
                "platform/5/myspace",
                400,
                "invalid_path",
                "valid values: mastodon",
            ),
            ("platform/999/x", 404, "not_found", "user 999"),
            (
                "content/5/x/no-such-post",
                404,
                "not_found",
                "no x post with id 'no-such-post'",
            ),
            ("content/999/x/1", 404, "not_found", "user 999"),
            ("content/5/myspace/1", 400, "invalid_path", "valid values"),
            (
                "chart/5/hugs",
                400,
                "invalid_path",
                "valid values: followers",
            ),
            ("chart/999/likes", 404, "not_found", "user 999"),
            ("recommendations/999", 404, "not_found", "user 999"),
            ("comparative/999", 404, "not_found", "user 999"),
            ("nothing/5", 404, "not_found", "no endpoint"),
        ];
        for (path, status, code, message) in cases {
            let (actual, body) = get_json(&app, &format!("{BASE}/{path}")).await;
            assert_eq!(actual, *status, "{path}: {body}");
            assert_eq!(body["error"]["code"], *code, "{path}: {body}");
            let text = body["error"]["message"].as_str().unwrap();
            assert!(text.contains(message), "{path}: {text}");
        }
    })
    .await;
}

#[actix_web::test]
async fn other_methods_get_405_with_allow() {
    let seeded = common::seeded(tally_store::testing::Backend::Sqlite, 6).unwrap();
    let app = app(&seeded.db).await;
    let request = actix_web::test::TestRequest::post()
        .uri(&format!("{BASE}/overview/6"))
        .to_request();
    let response = actix_web::test::call_service(&app, request).await;
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers().get("allow").unwrap(), "GET, HEAD");
    let body: Value = actix_web::test::read_body_json(response).await;
    assert_eq!(body["error"]["code"], "method_not_allowed");
}
