//! User text is escaped, broken numbers are skipped, and the output stays stable.

use roxmltree::Document;
use tally_analyzer::{SeriesMetric, overview};
use tally_domain::Platform;

use super::{count, rendered, rendered_with, texts, titles};
use crate::model::{BubblePoint, ChartConfig, ChartData, ChartDataset, ChartKind, ChartOptions};
use crate::model::{DataPoint, Paint, Position, Scale};
use crate::svg::{SvgOptions, Theme, render};
use crate::testing::{hand_made, sample};

const NASTY: &str = r#"<script>alert("hi")</script> & 'quotes' ]]> <!-- x"#;

#[test]
fn user_text_is_escaped_everywhere() {
    let (data, period) = sample(2);
    let mut top = overview(&data, &data, &period).top_posts;
    top[0].title = Some(NASTY.to_owned());
    let mut chart = crate::content_performance(&top);
    chart.options.plugins.title.text = NASTY.to_owned();
    chart.data.datasets[0].label = NASTY.to_owned();

    let svg = rendered(&chart);
    assert!(!svg.contains("<script") && !svg.contains("<!--"), "{svg}");
    assert!(
        svg.contains("&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; &apos;quotes&apos;")
    );
    let document = Document::parse(&svg).unwrap();
    let title = document
        .descendants()
        .find(|node| node.has_tag_name("title"))
        .unwrap();
    assert_eq!(title.text(), Some(NASTY));
    assert!(
        titles(&svg)
            .iter()
            .any(|title| title.starts_with(&format!("{NASTY} · 1. ")))
    );
    assert!(
        texts(&svg)
            .iter()
            .any(|text| text.starts_with("1. <script>"))
    );
}

#[test]
fn control_characters_are_dropped() {
    let likes = hand_made(SeriesMetric::Likes, "2026-05-01", &[Some(1.0), Some(2.0)]);
    let mut chart = crate::time_series(&[(Platform::X, likes)], None);
    chart.data.labels[0] = "bell\u{7}\u{0}day".to_owned();
    let svg = rendered(&chart);
    assert!(texts(&svg).contains(&"bellday".to_owned()));
}

fn hand_built(kind: ChartKind, labels: &[&str], datasets: Vec<ChartDataset>) -> ChartConfig {
    let mut options = ChartOptions::titled("Hand built", Position::Top);
    if kind != ChartKind::Doughnut {
        options.scales.insert("x".into(), Scale::titled("Day"));
        options
            .scales
            .insert("y".into(), Scale::values_from_zero("Count", true));
    }
    ChartConfig {
        kind,
        data: ChartData {
            labels: labels.iter().map(|label| (*label).to_owned()).collect(),
            datasets,
        },
        options,
    }
}

#[test]
fn non_finite_values_are_skipped_like_nulls() {
    let broken = vec![
        DataPoint::Value(Some(f64::NAN)),
        DataPoint::Value(Some(3.0)),
        DataPoint::Value(Some(f64::INFINITY)),
        DataPoint::Value(Some(f64::NEG_INFINITY)),
        DataPoint::Value(Some(5.0)),
    ];
    let labels = ["a", "b", "c", "d", "e"];
    let mut dataset = ChartDataset::new("Broken", broken);
    dataset.border_width = Some(f64::NAN);
    dataset.point_radius = Some(f64::INFINITY);
    dataset.background_color = Some(Paint::One("rgba(1, 2, 3, NaN)".into()));
    dataset.border_color = Some(Paint::Each(Vec::new()));

    for kind in [ChartKind::Line, ChartKind::Bar, ChartKind::Doughnut] {
        let svg = rendered(&hand_built(kind, &labels, vec![dataset.clone()]));
        let class = match kind {
            ChartKind::Line => "point",
            ChartKind::Bar => "bar",
            _ => "slice",
        };
        assert_eq!(count(&svg, class), 2, "{kind:?}");
    }

    let bubbles = ChartDataset::new(
        "Bubbles",
        [f64::NAN, -1.0, 0.0, f64::INFINITY, 4.0]
            .into_iter()
            .map(|r| {
                DataPoint::Bubble(BubblePoint {
                    x: "9".into(),
                    y: "Mon".into(),
                    r,
                    value: None,
                })
            })
            .collect(),
    );
    let svg = rendered(&hand_built(ChartKind::Bubble, &[], vec![bubbles]));
    assert_eq!(count(&svg, "bubble"), 1);
}

#[test]
fn all_null_and_label_free_charts_have_no_data() {
    let nulls = ChartDataset::new("Nothing", vec![DataPoint::Value(None); 3]);
    let svg = rendered(&hand_built(ChartKind::Bar, &["a", "b", "c"], vec![nulls]));
    assert!(texts(&svg).contains(&crate::svg::NO_DATA_MESSAGE.to_owned()));
    let values = ChartDataset::new("Values", vec![DataPoint::Value(Some(1.0))]);
    let svg = rendered(&hand_built(ChartKind::Line, &[], vec![values]));
    assert!(texts(&svg).contains(&crate::svg::NO_DATA_MESSAGE.to_owned()));
}

#[test]
fn ids_are_made_safe_and_themes_parse() {
    let likes = hand_made(SeriesMetric::Likes, "2026-05-01", &[Some(1.0)]);
    let chart = crate::time_series(&[(Platform::X, likes)], None);
    for (wanted, id) in [
        ("likes", "likes"),
        ("\" onload=\"x", "onloadx"),
        ("9a", "chart-9a"),
        ("", "chart"),
    ] {
        let options = SvgOptions {
            id: wanted.to_owned(),
            ..SvgOptions::default()
        };
        let svg = rendered_with(&chart, &options);
        assert!(
            svg.contains(&format!("aria-labelledby=\"{id}-title {id}-desc\"")),
            "{wanted}"
        );
    }
    assert_eq!("Dark".parse::<Theme>().ok(), Some(Theme::Dark));
    assert!("sepia".parse::<Theme>().is_err());
    assert_eq!(Theme::default().to_string(), "light");
}

#[test]
fn a_small_chart_renders_exactly_like_this() {
    let rate = hand_made(
        SeriesMetric::EngagementRate,
        "2026-05-01",
        &[Some(2.345_67), None, Some(4.0)],
    );
    let total = hand_made(
        SeriesMetric::EngagementRate,
        "2026-05-01",
        &[Some(2.0), Some(1.0), Some(3.5)],
    );
    let chart = crate::time_series(&[(Platform::Mastodon, rate)], Some(&total));
    let options = SvgOptions {
        width: 400,
        height: 240,
        ..SvgOptions::default()
    };
    let svg = render(&chart, &options);
    rendered_with(&chart, &options);
    insta::assert_snapshot!(svg.replace('>', ">\n"));
}
