//! Each kind of chart draws one mark per value, with its titles, axes and legend.

use roxmltree::Document;
use tally_analyzer::{
    SeriesMetric, best_times, compare_platforms, content_type_performance, overview,
};
use tally_domain::Platform;

use super::{count, every_chart, rendered, rendered_with, texts, titles};
use crate::model::{ChartConfig, DataPoint};
use crate::svg::{NO_DATA_MESSAGE, SvgOptions, Theme};
use crate::testing::{hand_made, sample};
use crate::{ALL_PLATFORMS_LABEL, ComparisonMeasure};

/// Non-null values of every dataset.
fn values(chart: &ChartConfig) -> usize {
    chart
        .data
        .datasets
        .iter()
        .flat_map(|dataset| &dataset.data)
        .filter(|point| matches!(point, DataPoint::Value(Some(_)) | DataPoint::Bubble(_)))
        .count()
}

/// The lines of the subtitle.
fn subtitle_lines(svg: &str) -> Vec<String> {
    let document = Document::parse(svg).unwrap();
    document
        .descendants()
        .filter(|node| node.attribute("class") == Some("subtitle"))
        .map(|node| node.text().unwrap_or_default().to_owned())
        .collect()
}

/// The texts of the chart's title, subtitle and axis titles.
fn headings(chart: &ChartConfig) -> Vec<String> {
    let plugins = &chart.options.plugins;
    let mut expected = vec![plugins.title.text.clone()];
    expected.extend(plugins.subtitle.iter().map(|title| title.text.clone()));
    expected.extend(
        chart
            .options
            .scales
            .values()
            .filter_map(|scale| scale.title.as_ref().map(|t| t.text.clone())),
    );
    expected
}

#[test]
fn every_chart_draws_one_mark_per_value_with_its_titles_and_legend() {
    for (name, chart) in every_chart(4) {
        for theme in [Theme::Light, Theme::Dark] {
            let options = SvgOptions {
                theme,
                ..SvgOptions::default()
            };
            let svg = rendered_with(&chart, &options);
            let class = match name.as_str() {
                "time_series" | "growth" => "point",
                "engagement_breakdown" => "slice",
                "best_times" => "bubble",
                _ => "bar",
            };
            assert_eq!(count(&svg, class), values(&chart), "{name}");
            assert!(count(&svg, class) > 0, "{name}");

            let subtitle = subtitle_lines(&svg).join(" ");
            let shown = [texts(&svg), titles(&svg), vec![subtitle]].concat();
            for heading in headings(&chart) {
                assert!(shown.contains(&heading), "{name}: {heading} missing");
            }

            let legend = if !chart.options.plugins.legend.display {
                0
            } else if name == "engagement_breakdown" {
                chart.data.labels.len()
            } else {
                chart.data.datasets.len()
            };
            assert_eq!(count(&svg, "legend-item"), legend, "{name}");
            assert!(!svg.contains(NO_DATA_MESSAGE), "{name}");
        }
    }
}

#[test]
fn lines_have_a_path_per_dataset_broken_at_gaps() {
    let likes = hand_made(
        SeriesMetric::Likes,
        "2026-05-01",
        &[Some(4.0), None, Some(2.5), Some(3.0)],
    );
    let followers = hand_made(
        SeriesMetric::Followers,
        "2026-05-01",
        &[Some(100.0), None, Some(110.0)],
    );
    let gaps = crate::time_series(&[(Platform::X, likes.clone())], Some(&likes));
    let svg = rendered(&gaps);
    let document = Document::parse(&svg).unwrap();
    let paths: Vec<&str> = document
        .descendants()
        .filter(|node| node.attribute("class") == Some("line"))
        .map(|node| node.attribute("d").unwrap())
        .collect();
    assert_eq!(paths.len(), 2);
    assert!(
        paths.iter().all(|d| d.matches('M').count() == 2),
        "{paths:?}"
    );
    assert_eq!(count(&svg, "point"), 6);
    let dashed = document
        .descendants()
        .filter(|node| node.attribute("stroke-dasharray") == Some("6 4"));
    assert_eq!(dashed.count(), 2, "the total's line and its legend swatch");
    assert!(titles(&svg).contains(&format!("{ALL_PLATFORMS_LABEL} · 2026-05-03: 2.5")));

    let joined = rendered(&crate::time_series(&[(Platform::Bluesky, followers)], None));
    let document = Document::parse(&joined).unwrap();
    let line = document
        .descendants()
        .find(|node| node.attribute("class") == Some("line"))
        .unwrap();
    assert_eq!(line.attribute("d").unwrap().matches('M').count(), 1);
    assert!(
        texts(&joined).iter().all(|text| !text.starts_with("0")),
        "followers need not start at 0"
    );
}

#[test]
fn many_dates_skip_labels_so_that_they_do_not_overlap() {
    let values: Vec<Option<f64>> = (0..90).map(|day| Some(f64::from(day % 7))).collect();
    let series = hand_made(SeriesMetric::Posts, "2026-03-01", &values);
    let svg = rendered(&crate::time_series(&[(Platform::Threads, series)], None));
    let document = Document::parse(&svg).unwrap();
    let mut dates: Vec<f64> = document
        .descendants()
        .filter(|node| {
            node.has_tag_name("text")
                && node
                    .text()
                    .is_some_and(|t| t.starts_with("2026-") && t.len() == 10)
        })
        .map(|node| node.attribute("x").unwrap().parse().unwrap())
        .collect();
    assert!(dates.len() > 3 && dates.len() < 20, "{}", dates.len());
    dates.sort_by(f64::total_cmp);
    let width = crate::svg::text::width("2026-05-01", crate::svg::TICK_SIZE);
    assert!(
        dates.windows(2).all(|pair| pair[1] - pair[0] >= width),
        "{dates:?}"
    );
    assert_eq!(count(&svg, "point"), 90);
}

#[test]
fn negative_bars_hang_below_zero() {
    let (data, period) = sample(3);
    let mut comparison = compare_platforms(&data, &data, &period);
    comparison.platforms[0].follower_growth_percent.current = Some(-12.5);
    comparison.platforms[1].follower_growth_percent.current = Some(30.0);
    comparison.platforms[2].follower_growth_percent.current = None;
    let chart = crate::platform_comparison(&comparison, ComparisonMeasure::FollowerGrowthPercent);
    let svg = rendered(&chart);
    assert_eq!(count(&svg, "bar"), values(&chart));

    let document = Document::parse(&svg).unwrap();
    let number = |node: roxmltree::Node, name: &str| -> f64 {
        node.attribute(name).unwrap().parse().unwrap()
    };
    let bar = |value: &str| {
        document
            .descendants()
            .find(|node| {
                node.attribute("class") == Some("bar")
                    && node
                        .first_element_child()
                        .and_then(|title| title.text())
                        .is_some_and(|t| {
                            t.starts_with(crate::THIS_PERIOD_LABEL) && t.ends_with(value)
                        })
            })
            .unwrap()
    };
    let (falling, rising) = (bar(": -12.5%"), bar(": 30%"));
    let zero = number(falling, "y");
    assert!(
        (zero - (number(rising, "y") + number(rising, "height"))).abs() < 0.2,
        "bars meet at zero"
    );
    assert!(number(falling, "height") > 0.0);
    assert!(
        texts(&svg)
            .iter()
            .any(|text| text.starts_with('-') && text.ends_with('%')),
        "{:?}",
        texts(&svg)
    );
    assert!(titles(&svg).iter().any(|title| title.ends_with(": -12.5%")));
}

#[test]
fn two_value_axes_sit_left_and_right() {
    let (data, period) = sample(4);
    let chart = crate::content_type(&content_type_performance(&data, &period));
    let svg = rendered(&chart);
    let document = Document::parse(&svg).unwrap();
    let anchors: Vec<&str> = document
        .descendants()
        .filter(|node| node.has_tag_name("text") && node.text().is_some_and(|t| t.ends_with('%')))
        .map(|node| node.attribute("text-anchor").unwrap())
        .collect();
    assert!(
        !anchors.is_empty() && anchors.iter().all(|anchor| *anchor == "start"),
        "{anchors:?}"
    );
    let turned = document
        .descendants()
        .filter(|node| node.attribute("class") == Some("axis-title"))
        .filter_map(|node| node.attribute("transform"))
        .collect::<Vec<_>>();
    assert!(
        turned.iter().any(|t| t.starts_with("rotate(-90"))
            && turned.iter().any(|t| t.starts_with("rotate(90"))
    );
}

#[test]
fn horizontal_bars_shorten_long_post_titles() {
    let (data, period) = sample(2);
    let mut top = overview(&data, &data, &period).top_posts;
    top[0].title =
        Some("An unusually long post title that goes on and on about the launch".to_owned());
    let chart = crate::content_performance(&top);
    let svg = rendered_with(
        &chart,
        &SvgOptions {
            width: 480,
            ..SvgOptions::default()
        },
    );
    assert_eq!(count(&svg, "bar"), top.len());

    let document = Document::parse(&svg).unwrap();
    let starts: Vec<&str> = document
        .descendants()
        .filter(|node| node.attribute("class") == Some("bar"))
        .map(|node| node.attribute("x").unwrap())
        .collect();
    assert!(
        starts.windows(2).all(|pair| pair[0] == pair[1]),
        "bars start at one axis: {starts:?}"
    );
    let first = &chart.data.labels[0];
    assert!(
        titles(&svg).contains(first),
        "the full label is kept in a title"
    );
    assert!(
        texts(&svg)
            .iter()
            .any(|text| text.starts_with("1. An unusually") && text.ends_with('…'))
    );
}

#[test]
fn bubbles_are_one_circle_per_cell() {
    let (data, period) = sample(4);
    let chart = crate::best_times(&best_times(&data, &period));
    let svg = rendered(&chart);
    assert_eq!(count(&svg, "bubble"), values(&chart));
    let shown = texts(&svg);
    assert!(shown.contains(&"Monday".to_owned()) && shown.contains(&"Sunday".to_owned()));
    assert!(shown.contains(&"00:00".to_owned()));
}

#[test]
fn charts_without_data_say_so_under_their_title() {
    for (name, chart) in every_chart(0) {
        let svg = rendered(&chart);
        assert!(texts(&svg).contains(&NO_DATA_MESSAGE.to_owned()), "{name}");
        assert!(
            texts(&svg).contains(&chart.options.plugins.title.text),
            "{name}"
        );
        for class in ["line", "point", "bar", "slice", "bubble", "legend"] {
            assert_eq!(count(&svg, class), 0, "{name}: {class}");
        }
    }
}

#[test]
fn tiny_and_huge_images_are_still_well_formed() {
    for (name, chart) in every_chart(9) {
        for (width, height) in [(0, 0), (200, 150), (4000, 4000), (u32::MAX, 90)] {
            let svg = rendered_with(
                &chart,
                &SvgOptions {
                    width,
                    height,
                    ..SvgOptions::default()
                },
            );
            assert!(svg.contains("viewBox=\"0 0 "), "{name}");
        }
    }
}

#[test]
fn crowded_long_labels_are_turned_and_shortened() {
    let (data, period) = sample(9);
    let chart = crate::content_type(&content_type_performance(&data, &period));
    let options = SvgOptions {
        width: 700,
        height: 300,
        ..SvgOptions::default()
    };
    let svg = rendered_with(&chart, &options);
    let document = Document::parse(&svg).unwrap();
    let turned: Vec<&str> = document
        .descendants()
        .filter(|node| {
            node.attribute("transform")
                .is_some_and(|t| t.starts_with("rotate(-45"))
        })
        .map(|node| node.text().unwrap_or_default())
        .collect();
    assert!(!turned.is_empty(), "{svg}");
    let full = titles(&svg);
    for shown in turned.iter().filter(|text| text.ends_with('…')) {
        let start = shown.trim_end_matches('…');
        assert!(
            full.iter()
                .any(|title| title.starts_with(start) && title.len() > start.len()),
            "{shown}"
        );
    }
}
