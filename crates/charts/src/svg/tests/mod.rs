//! Tests of the SVG renderer: every chart builder fed with sample data, rendered and read
//! back with an XML parser.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod kinds;
mod safety;

use roxmltree::{Document, Node};
use tally_analyzer::{
    SeriesMetric, best_times, compare_platforms, content_type_performance, growth, overview,
    time_series,
};

use super::{SvgOptions, render};
use crate::testing::{empty, sample};
use crate::{ChartConfig, ComparisonMeasure};

/// One chart of every builder (and every comparison measure) over `platforms` sample
/// platforms, or over no data with `platforms == 0`.
fn every_chart(platforms: usize) -> Vec<(String, ChartConfig)> {
    let (data, period) = if platforms == 0 {
        empty()
    } else {
        sample(platforms)
    };
    let per_platform: Vec<_> = data
        .platforms()
        .into_iter()
        .map(|platform| {
            let series = time_series(&data.for_platform(platform), &period, SeriesMetric::Likes);
            (platform, series)
        })
        .collect();
    let total = time_series(&data, &period, SeriesMetric::Likes);
    let summary = overview(&data, &data, &period);
    let comparison = compare_platforms(&data, &data, &period);

    let mut charts = vec![
        (
            "time_series".to_owned(),
            crate::time_series(&per_platform, Some(&total)),
        ),
        ("growth".to_owned(), crate::growth(&growth(&data, &period))),
        (
            "content_type".to_owned(),
            crate::content_type(&content_type_performance(&data, &period)),
        ),
        (
            "content_performance".to_owned(),
            crate::content_performance(&summary.top_posts),
        ),
        (
            "engagement_breakdown".to_owned(),
            crate::engagement_breakdown(&summary.totals),
        ),
        (
            "best_times".to_owned(),
            crate::best_times(&best_times(&data, &period)),
        ),
    ];
    for measure in ComparisonMeasure::ALL {
        charts.push((
            format!("platform_comparison_{measure}"),
            crate::platform_comparison(&comparison, *measure),
        ));
    }
    charts
}

/// Renders `chart` with the default options and checks what every rendering must satisfy.
#[track_caller]
fn rendered(chart: &ChartConfig) -> String {
    rendered_with(chart, &SvgOptions::default())
}

/// Renders `chart` and checks that the SVG is well-formed, accessible and self-contained.
#[track_caller]
fn rendered_with(chart: &ChartConfig, options: &SvgOptions) -> String {
    let svg = render(chart, options);
    let document = Document::parse(&svg).unwrap_or_else(|error| panic!("{error}\n{svg}"));
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    assert_eq!(root.attribute("role"), Some("img"));
    assert!(root.attribute("viewBox").is_some());
    assert!(
        root.attribute("font-family")
            .unwrap()
            .ends_with("sans-serif")
    );

    let labelled: Vec<&str> = root
        .attribute("aria-labelledby")
        .unwrap()
        .split(' ')
        .collect();
    assert_eq!(labelled.len(), 2);
    let title = by_id(&document, labelled[0]);
    let desc = by_id(&document, labelled[1]);
    assert_eq!(
        (title.tag_name().name(), desc.tag_name().name()),
        ("title", "desc")
    );
    assert!(!title.text().unwrap_or_default().is_empty());
    assert!(desc.text().unwrap_or_default().len() > 10, "{svg}");

    numbers_are_finite(&document);
    for forbidden in [
        "NaN",
        "href",
        "<image",
        "<script",
        "foreignObject",
        "url(",
        "<style",
        "@import",
    ] {
        assert!(!svg.contains(forbidden), "{forbidden} in {svg}");
    }
    assert_eq!(
        svg.matches("http").count(),
        1,
        "only the namespace names a URL"
    );

    for mark in marks(&document, &["line", "point", "bar", "slice", "bubble"]) {
        let tooltip = mark.first_element_child().unwrap();
        assert_eq!(tooltip.tag_name().name(), "title");
        assert!(!tooltip.text().unwrap_or_default().is_empty());
    }
    svg
}

/// Every number in a coordinate, size or path is finite.
#[track_caller]
fn numbers_are_finite(document: &Document) {
    const NUMERIC: &[&str] = &[
        "x",
        "y",
        "x1",
        "x2",
        "y1",
        "y2",
        "cx",
        "cy",
        "r",
        "width",
        "height",
        "font-size",
        "stroke-width",
        "fill-opacity",
        "stroke-opacity",
    ];
    for node in document.descendants().filter(Node::is_element) {
        for attribute in node.attributes() {
            let name = attribute.name();
            let numbers: Vec<&str> = if NUMERIC.contains(&name) {
                vec![attribute.value()]
            } else if name == "d" || name == "transform" || name == "viewBox" {
                attribute
                    .value()
                    .split(|c: char| {
                        !(c.is_ascii_digit() || c == '.' || c == '-' || c.is_alphabetic())
                    })
                    .flat_map(|token| token.split(|c: char| "MLAZrotate".contains(c)))
                    .filter(|token| !token.is_empty())
                    .collect()
            } else {
                continue;
            };
            for number in numbers {
                let parsed: f64 = number.parse().unwrap_or_else(|_| panic!("{name}={number}"));
                assert!(parsed.is_finite(), "{name}={number}");
            }
        }
    }
}

fn by_id<'a>(document: &'a Document, id: &str) -> Node<'a, 'a> {
    document
        .descendants()
        .find(|node| node.attribute("id") == Some(id))
        .unwrap_or_else(|| panic!("no element with id {id}"))
}

/// Elements with one of these classes.
fn marks<'a>(document: &'a Document, classes: &[&str]) -> Vec<Node<'a, 'a>> {
    document
        .descendants()
        .filter(|node| {
            node.attribute("class")
                .is_some_and(|class| classes.contains(&class))
        })
        .collect()
}

/// How many elements have this class.
fn count(svg: &str, class: &str) -> usize {
    let document = Document::parse(svg).unwrap();
    marks(&document, &[class]).len()
}

/// Every text drawn, unescaped, in document order.
fn texts(svg: &str) -> Vec<String> {
    let document = Document::parse(svg).unwrap();
    document
        .descendants()
        .filter(|node| node.has_tag_name("text"))
        .map(|node| node.text().unwrap_or_default().to_owned())
        .collect()
}

/// Every `<title>` text (tooltips and full texts of shortened labels), unescaped.
fn titles(svg: &str) -> Vec<String> {
    let document = Document::parse(svg).unwrap();
    document
        .descendants()
        .filter(|node| node.has_tag_name("title"))
        .map(|node| node.text().unwrap_or_default().to_owned())
        .collect()
}
