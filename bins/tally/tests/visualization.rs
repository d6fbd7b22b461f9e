//! `GET /visualization/...` over HTTP: every chart has the Chart.js shape, on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Seeded, app, get_json, on_each_backend};
use serde_json::Value;

const BASE: &str = "/api/v1/analytics/visualization";

const CHART_TYPES: &[(&str, &str)] = &[
    ("time_series", "line"),
    ("platform_comparison", "bar"),
    ("engagement_breakdown", "doughnut"),
    ("content_performance", "bar"),
    ("best_times", "bubble"),
    ("content_type", "bar"),
];

/// Checks the shape that `new Chart(canvas, body)` needs, and returns the chart's type.
fn assert_chart_js_shape(chart: &Value, context: &str) -> String {
    let kind = chart["type"]
        .as_str()
        .unwrap_or_else(|| panic!("{context}: no type in {chart}"));
    let labels = chart["data"]["labels"]
        .as_array()
        .unwrap_or_else(|| panic!("{context}: labels"));
    let datasets = chart["data"]["datasets"]
        .as_array()
        .unwrap_or_else(|| panic!("{context}: datasets"));
    assert!(chart["options"].is_object(), "{context}: options");
    assert!(
        !datasets.is_empty(),
        "{context}: the seeded user has data to draw"
    );
    for dataset in datasets {
        assert!(dataset["label"].is_string(), "{context}: {dataset}");
        let data = dataset["data"]
            .as_array()
            .unwrap_or_else(|| panic!("{context}: data"));
        if kind != "bubble" {
            assert_eq!(data.len(), labels.len(), "{context}: one value per label");
        }
    }
    let text = chart.to_string();
    assert!(
        !text.contains("NaN") && !text.contains("Infinity"),
        "{context}"
    );
    kind.to_owned()
}

#[actix_web::test]
async fn every_chart_type_has_the_chart_js_shape() {
    on_each_backend(11, |seeded: Seeded| async move {
        let app = app(&seeded.db).await;
        for (chart_type, kind) in CHART_TYPES {
            let uri = format!("{BASE}/11/{chart_type}?days=60");
            let (status, body) = get_json(&app, &uri).await;
            assert_eq!(status, 200, "{uri}: {body}");
            assert_eq!(assert_chart_js_shape(&body, &uri), *kind, "{uri}");
        }

        let (status, body) = get_json(&app, &format!("{BASE}/11/dashboard?days=60")).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["summary"]["posts"]["current"].as_u64().unwrap() > 0);
        assert!(body["summary"]["engagement_rate"]["current"].is_number());
        for (chart_type, kind) in CHART_TYPES {
            let chart = &body["charts"][chart_type];
            assert_eq!(
                assert_chart_js_shape(chart, chart_type),
                *kind,
                "dashboard {chart_type}"
            );
        }
        assert!(!body["top_posts"].as_array().unwrap().is_empty());
        assert!(body["recommendations"]["recommendations"].is_array());
    })
    .await;
}

/// The dashboard runs its analyses on data prepared once; every part of it must equal what
/// the endpoint of that part answers on its own.
#[actix_web::test]
async fn the_dashboard_agrees_with_each_chart_and_analysis() {
    on_each_backend(18, |seeded: Seeded| async move {
        let app = app(&seeded.db).await;
        let query = "days=90&metric=likes&measure=engagement_per_post";
        let (status, dashboard) = get_json(&app, &format!("{BASE}/18/dashboard?{query}")).await;
        assert_eq!(status, 200, "{dashboard}");

        for (chart_type, _) in CHART_TYPES {
            let uri = format!("{BASE}/18/{chart_type}?{query}");
            let (status, chart) = get_json(&app, &uri).await;
            assert_eq!(status, 200, "{uri}: {chart}");
            assert_eq!(dashboard["charts"][chart_type], chart, "{chart_type}");
        }

        let analytics = "/api/v1/analytics";
        let (_, overview) = get_json(&app, &format!("{analytics}/overview/18?days=90")).await;
        assert_eq!(
            dashboard["summary"]["engagement_rate"],
            overview["engagement_rate"]
        );
        assert_eq!(dashboard["summary"]["rate_basis"], overview["rate_basis"]);
        assert_eq!(dashboard["summary"]["posts"], overview["totals"]["posts"]);
        assert_eq!(dashboard["top_posts"], overview["top_posts"]);
        let uri = format!("{analytics}/recommendations/18?days=90");
        let (_, recommendations) = get_json(&app, &uri).await;
        assert_eq!(dashboard["recommendations"], recommendations);
        assert!(
            !recommendations["recommendations"]
                .as_array()
                .unwrap()
                .is_empty(),
            "ninety days of sample data give advice to compare: {recommendations}"
        );
    })
    .await;
}

#[actix_web::test]
async fn charts_follow_the_query() {
    on_each_backend(12, |seeded: Seeded| async move {
        let app = app(&seeded.db).await;
        let platform = seeded.sample.accounts[0].account.platform;

        let uri = format!("{BASE}/12/time_series?metric=followers&granularity=week&days=28");
        let (_, body) = get_json(&app, &uri).await;
        assert_eq!(body["options"]["scales"]["y"]["title"]["text"], "Followers");
        assert_eq!(
            body["data"]["labels"].as_array().unwrap().len(),
            5,
            "{body}"
        );

        let uri = format!("{BASE}/12/time_series?platform={platform}&days=14");
        let (_, body) = get_json(&app, &uri).await;
        let labels: Vec<&str> = body["data"]["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|dataset| dataset["label"].as_str().unwrap())
            .collect();
        assert_eq!(labels, [platform.display_name(), "All platforms"]);

        let uri = format!("{BASE}/12/platform_comparison?measure=engagement_per_post");
        let (status, body) = get_json(&app, &uri).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["labels"].as_array().unwrap().len(), 4);
    })
    .await;
}

#[actix_web::test]
async fn bad_chart_requests_get_clear_errors() {
    let seeded = common::seeded(tally_store::testing::Backend::Sqlite, 13).unwrap();
    let app = app(&seeded.db).await;
    let cases: &[(&str, u16, &str)] = &[
        (
            "13/pie",
            400,
            "valid values: time_series, platform_comparison",
        ),
        ("13/time_series?metric=hugs", 400, "valid values: followers"),
        (
            "13/platform_comparison?measure=vibes",
            400,
            "engagement_rate",
        ),
        ("13/dashboard?colour=red", 400, "metric, measure"),
        ("999/dashboard", 404, "user 999 does not exist"),
        ("zero/best_times", 400, "whole number"),
    ];
    for (path, status, message) in cases {
        let (actual, body) = get_json(&app, &format!("{BASE}/{path}")).await;
        assert_eq!(actual, *status, "{path}: {body}");
        let text = body["error"]["message"].as_str().unwrap();
        assert!(text.contains(message), "{path}: {text}");
    }
}

#[actix_web::test]
async fn a_user_without_data_gets_empty_charts() {
    let seeded = common::seeded(tally_store::testing::Backend::Sqlite, 14).unwrap();
    let store = seeded.db.store();
    tally_store::AccountStore::upsert_user(
        &store,
        &tally_domain::NewUser {
            id: tally_domain::UserId(15),
            name: "Quiet Tester".into(),
            timezone: "UTC".into(),
        },
    )
    .unwrap();
    let app = app(&seeded.db).await;
    for (chart_type, kind) in CHART_TYPES {
        let (status, body) = get_json(&app, &format!("{BASE}/15/{chart_type}")).await;
        assert_eq!(status, 200, "{chart_type}: {body}");
        assert_eq!(body["type"], *kind);
        assert!(body["data"]["datasets"].is_array(), "{chart_type}: {body}");
    }
    let (status, body) = get_json(&app, &format!("{BASE}/15/dashboard")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["summary"]["posts"]["current"], 0);
}

/// GETs `uri` and returns the status, the content type and the body as text.
async fn get_text<S>(app: &S, uri: &str) -> (u16, String, String)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
        >,
{
    let request = actix_web::test::TestRequest::get().uri(uri).to_request();
    let response = actix_web::test::call_service(app, request).await;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = actix_web::test::read_body(response).await;
    (
        status,
        content_type,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

#[actix_web::test]
async fn every_chart_type_draws_as_a_well_formed_svg() {
    on_each_backend(16, |seeded: Seeded| async move {
        let app = app(&seeded.db).await;
        for (chart_type, _) in CHART_TYPES {
            let uri = format!("{BASE}/16/{chart_type}?days=60&format=svg");
            let (status, content_type, image) = get_text(&app, &uri).await;
            assert_eq!(status, 200, "{uri}: {image}");
            assert_eq!(content_type, "image/svg+xml; charset=utf-8", "{uri}");

            let document = roxmltree::Document::parse(&image)
                .unwrap_or_else(|error| panic!("{uri}: not well-formed XML: {error}\n{image}"));
            let root = document.root_element();
            assert_eq!(root.tag_name().name(), "svg", "{uri}");
            assert_eq!(
                root.tag_name().namespace(),
                Some("http://www.w3.org/2000/svg"),
                "{uri}"
            );
            let title = root
                .children()
                .find(|node| node.has_tag_name("title"))
                .and_then(|title| title.text())
                .unwrap_or_default();
            let (_, config) = get_json(&app, &format!("{BASE}/16/{chart_type}?days=60")).await;
            let expected = config["options"]["plugins"]["title"]["text"]
                .as_str()
                .unwrap();
            assert!(title.contains(expected), "{uri}: title '{title}'");
            let marks = root
                .descendants()
                .filter(|node| {
                    ["path", "rect", "circle", "line", "polyline"]
                        .iter()
                        .any(|mark| node.has_tag_name(*mark))
                })
                .count();
            assert!(marks >= 3, "{uri}: {marks} marks");
            assert!(
                !image.contains("<script") && !image.contains("NaN"),
                "{uri}"
            );
        }
    })
    .await;
}

#[actix_web::test]
async fn the_svg_follows_the_query_and_bad_formats_are_refused() {
    let seeded = common::seeded(tally_store::testing::Backend::Sqlite, 17).unwrap();
    let platform = seeded.sample.accounts[0].account.platform;
    let app = app(&seeded.db).await;

    let all = get_text(&app, &format!("{BASE}/17/platform_comparison?format=svg")).await;
    let one = format!("{BASE}/17/platform_comparison?format=svg&platform={platform}");
    let one = get_text(&app, &one).await;
    assert_eq!((all.0, one.0), (200, 200));
    let others: Vec<_> = seeded
        .sample
        .accounts
        .iter()
        .map(|account| account.account.platform)
        .filter(|other| *other != platform)
        .collect();
    assert!(!others.is_empty());
    for other in others {
        assert!(all.2.contains(other.display_name()), "{other} in all");
        assert!(
            !one.2.contains(other.display_name()),
            "{other} filtered out"
        );
    }

    let (status, body) = get_json(&app, &format!("{BASE}/17/time_series?format=json")).await;
    let (_, default) = get_json(&app, &format!("{BASE}/17/time_series")).await;
    assert_eq!((status, &body), (200, &default));

    let cases: &[(&str, u16, &str)] = &[
        ("17/time_series?format=png", 400, "valid values: json, svg"),
        ("17/dashboard?format=svg", 400, "svg draws one chart"),
        ("17/best_times?format=svg&format=svg", 400, "more than once"),
        ("17/best_times?colour=red", 400, "metric, measure, format"),
        ("999/best_times?format=svg", 404, "user 999 does not exist"),
    ];
    for (path, status, message) in cases {
        let (actual, body) = get_json(&app, &format!("{BASE}/{path}")).await;
        assert_eq!(actual, *status, "{path}: {body}");
        let text = body["error"]["message"].as_str().unwrap();
        assert!(text.contains(message), "{path}: {text}");
    }
}
