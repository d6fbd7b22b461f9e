//! Fixtures and shape checks shared by the unit tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use serde_json::Value;
use tally_analyzer::{AnalysisPeriod, Dataset, parse_timezone};
use tally_domain::{DateRange, UserId};
use tally_sample::{SampleOptions, generate};

use crate::ChartConfig;

/// The last day of every sample period.
pub const END: &str = "2026-05-31";

/// The days of the analyzed period; the sample holds twice as many, so that the previous
/// period has data too.
pub const DAYS: i64 = 28;

/// Sample data of one user on `platforms` platforms, and the last [`DAYS`] days as period.
pub fn sample(platforms: usize) -> (Dataset, AnalysisPeriod) {
    let end = END.parse().unwrap();
    let mut options = SampleOptions::new(UserId(7), (DAYS * 2) as u32, end);
    options.platforms = platforms;
    let user = generate(&options);
    let (posts, daily) = user.facts();
    let range = DateRange::ending(end, DAYS).unwrap();
    let timezone = parse_timezone(&user.user.timezone).unwrap();
    (
        Dataset::new(posts, daily),
        AnalysisPeriod::new(range, timezone),
    )
}

/// No data over the same period, in UTC.
pub fn empty() -> (Dataset, AnalysisPeriod) {
    let range = DateRange::ending(END.parse().unwrap(), DAYS).unwrap();
    let utc = parse_timezone("UTC").unwrap();
    (Dataset::default(), AnalysisPeriod::new(range, utc))
}

/// Serializes `chart` and checks what every chart must satisfy; returns the JSON.
///
/// - `type` is `kind`, the title is shown and not empty;
/// - every dataset has a label, and (except for bubbles) one value per label;
/// - every axis has a title;
/// - no key is unknown to Chart.js v4, and no number is NaN or infinite.
#[track_caller]
pub fn checked(chart: &ChartConfig, kind: &str) -> Value {
    let json = serde_json::to_value(chart).unwrap();
    let text = serde_json::to_string(chart).unwrap();
    assert!(
        !text.contains("NaN") && !text.contains("Infinity"),
        "{text}"
    );

    assert_eq!(json["type"], kind);
    assert_eq!(json["options"]["plugins"]["title"]["display"], true);
    assert!(
        !json["options"]["plugins"]["title"]["text"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    assert_eq!(json["options"]["responsive"], true);

    let labels = json["data"]["labels"].as_array().unwrap().len();
    for dataset in datasets(&json) {
        assert!(!dataset["label"].as_str().unwrap().is_empty(), "{dataset}");
        let data = dataset["data"].as_array().unwrap();
        if kind != "bubble" {
            assert_eq!(data.len(), labels, "{}", dataset["label"]);
        }
        for point in data {
            assert!(point.is_null() || point.is_number() || point.is_object());
        }
    }
    if let Some(scales) = json["options"]["scales"].as_object() {
        for (id, scale) in scales {
            let title = scale["title"]["text"].as_str().unwrap_or_default();
            assert!(!title.is_empty(), "axis {id} has no title");
            assert_eq!(scale["title"]["display"], true);
        }
    }
    known_keys_only(&json, "");
    json
}

/// The datasets of a serialized chart.
pub fn datasets(json: &Value) -> &Vec<Value> {
    json["data"]["datasets"].as_array().unwrap()
}

/// The labels of a serialized chart.
pub fn labels(json: &Value) -> Vec<&str> {
    let labels = json["data"]["labels"].as_array().unwrap();
    labels.iter().map(|label| label.as_str().unwrap()).collect()
}

/// Each dataset's label with its `borderColor` (a string, or the first of an array).
pub fn border_colors(json: &Value) -> BTreeMap<String, String> {
    datasets(json)
        .iter()
        .map(|dataset| {
            let color = &dataset["borderColor"];
            let color = color.as_str().or_else(|| color[0].as_str()).unwrap();
            (
                dataset["label"].as_str().unwrap().to_owned(),
                color.to_owned(),
            )
        })
        .collect()
}

/// Every object key that tally's configurations may use; all exist in Chart.js v4.
const CHART_JS_KEYS: &[&str] = &[
    // The configuration and its data.
    "type",
    "data",
    "options",
    "labels",
    "datasets",
    // Datasets.
    "label",
    "borderColor",
    "backgroundColor",
    "borderWidth",
    "borderDash",
    "spanGaps",
    "tension",
    "pointRadius",
    "fill",
    "grouped",
    "skipNull",
    "order",
    "yAxisID",
    // Options.
    "responsive",
    "maintainAspectRatio",
    "indexAxis",
    "interaction",
    "mode",
    "intersect",
    "plugins",
    "title",
    "subtitle",
    "legend",
    "display",
    "text",
    "position",
    "scales",
    // Axes.
    "beginAtZero",
    "offset",
    "ticks",
    "precision",
    "grid",
    "drawOnChartArea",
];

#[track_caller]
fn known_keys_only(value: &Value, path: &str) {
    match value {
        Value::Object(map) => {
            // Data points may carry properties of their own, which Chart.js keeps and ignores.
            let bubble = path.ends_with(".data[]");
            for (key, child) in map {
                let known = CHART_JS_KEYS.contains(&key.as_str())
                    || (bubble && ["x", "y", "r", "value"].contains(&key.as_str()))
                    || path == ".options.scales";
                assert!(known, "unknown Chart.js key {path}.{key}");
                known_keys_only(child, &format!("{path}.{key}"));
            }
        }
        Value::Array(items) => {
            for item in items {
                known_keys_only(item, &format!("{path}[]"));
            }
        }
        _ => {}
    }
}

/// A daily series of `metric` in UTC from `start`, one point per value.
pub fn hand_made(
    metric: tally_analyzer::SeriesMetric,
    start: &str,
    values: &[Option<f64>],
) -> tally_analyzer::TimeSeries {
    let first: chrono::NaiveDate = start.parse().unwrap();
    let points: Vec<tally_analyzer::SeriesPoint> = values
        .iter()
        .zip(first.iter_days())
        .map(|(value, day)| tally_analyzer::SeriesPoint {
            start: day,
            end: day,
            value: *value,
        })
        .collect();
    tally_analyzer::TimeSeries {
        metric,
        granularity: tally_analyzer::Granularity::Day,
        period: tally_analyzer::PeriodSummary {
            start: first,
            end: points.last().map_or(first, |point| point.end),
            days: points.len() as i64,
            timezone: "UTC".to_owned(),
        },
        points,
        rate_basis: Vec::new(),
    }
}
