//! A bar chart of how each content type performed.

use tally_analyzer::{ContentTypePerformance, ContentTypeStats};

use crate::format;
use crate::model::{ChartConfig, ChartData, ChartDataset, ChartKind, ChartOptions, DataPoint};
use crate::model::{Grid, Interaction, Paint, Position, Scale};
use crate::palette::{Color, NEUTRAL, NEUTRAL_LIGHT};

/// The label of the median-engagement bars in [`content_type`].
pub const MEDIAN_ENGAGEMENT_LABEL: &str = "Median engagement per post";

/// The label of the engagement-rate bars in [`content_type`].
pub const ENGAGEMENT_RATE_LABEL: &str = "Engagement rate (%)";

/// The opacity of the bars of a content type with too few posts to trust.
const FEW_POSTS_ALPHA: f64 = 0.3;

/// A bar chart of the content types posted, best first, with their post counts.
///
/// Each label is the type and its number of posts (`"Reel (12 posts)"`). Two datasets sit
/// side by side: the median engagement per post on the left axis (`y`) and the pooled
/// engagement rate on the right axis (`y1`), since the two have different units. Bars of a
/// type with fewer scored posts than the analyzer trusts are faint, and the subtitle says
/// so. A missing value is `null` and draws no bar.
///
/// JSON: `{"type": "bar", "data": {"labels": ["Reel (12 posts)", …], "datasets": [{"label":
/// "Median engagement per post", "data": [40, …], "yAxisID": "y", …}, {"label":
/// "Engagement rate (%)", "data": [10.0, …], "yAxisID": "y1", …}]}, "options": {…}}`.
pub fn content_type(performance: &ContentTypePerformance) -> ChartConfig {
    let types = &performance.content_types;
    let labels = types.iter().map(label).collect();

    let datasets = if types.is_empty() {
        Vec::new()
    } else {
        vec![
            bars(MEDIAN_ENGAGEMENT_LABEL, "y", NEUTRAL, types, |stats| {
                stats.median_engagement
            }),
            bars(ENGAGEMENT_RATE_LABEL, "y1", NEUTRAL_LIGHT, types, |stats| {
                stats.engagement_rate
            }),
        ]
    };

    let faint = types.iter().any(|stats| stats.low_confidence);
    let note = faint.then(|| {
        let needed = tally_analyzer::MIN_POSTS_FOR_CONFIDENCE;
        format!("faint bars: fewer than {needed} posts with engagement")
    });
    let mut options = ChartOptions::titled("Performance by content type", Position::Top);
    options.plugins.subtitle = format::subtitle(
        [Some(format::period(&performance.period)), note]
            .into_iter()
            .flatten(),
    );
    options.interaction = Some(Interaction::by_index());
    options
        .scales
        .insert("x".into(), Scale::titled("Content type, best first"));
    options.scales.insert(
        "y".into(),
        Scale {
            position: Some(Position::Left),
            ..Scale::values_from_zero("Median engagement per post (interactions)", false)
        },
    );
    options.scales.insert(
        "y1".into(),
        Scale {
            position: Some(Position::Right),
            grid: Some(Grid {
                draw_on_chart_area: false,
            }),
            ..Scale::values_from_zero("Engagement rate (%)", false)
        },
    );

    ChartConfig {
        kind: ChartKind::Bar,
        data: ChartData { labels, datasets },
        options,
    }
}

fn label(stats: &ContentTypeStats) -> String {
    let noun = if stats.posts == 1 { "post" } else { "posts" };
    format!(
        "{} ({} {noun})",
        format::capitalized(stats.content_type.as_str()),
        stats.posts
    )
}

fn bars(
    label: &str,
    axis: &str,
    color: Color,
    types: &[ContentTypeStats],
    pick: impl Fn(&ContentTypeStats) -> Option<f64>,
) -> ChartDataset {
    let data: Vec<DataPoint> = types
        .iter()
        .map(|stats| format::value(pick(stats)))
        .collect();
    let fills = types
        .iter()
        .map(|stats| {
            if stats.low_confidence {
                color.with_alpha(FEW_POSTS_ALPHA)
            } else {
                color.border()
            }
        })
        .collect();
    ChartDataset {
        background_color: Some(Paint::Each(fills)),
        border_color: Some(Paint::One(color.border())),
        border_width: Some(1.0),
        y_axis_id: Some(axis.to_owned()),
        ..ChartDataset::new(label, data)
    }
}

#[cfg(test)]
mod tests {
    use tally_analyzer::content_type_performance;

    use super::*;
    use crate::testing::{checked, datasets, empty, labels, sample};

    #[test]
    fn types_with_post_counts_and_two_axes() {
        let (data, period) = sample(4);
        let result = content_type_performance(&data, &period);
        let json = checked(&content_type(&result), "bar");

        let names = labels(&json);
        assert_eq!(names.len(), result.content_types.len());
        let first = &result.content_types[0];
        let expected = format!(
            "{} ({} posts)",
            format::capitalized(first.content_type.as_str()),
            first.posts
        );
        assert_eq!(names[0], expected);

        let [median, rate] = [&datasets(&json)[0], &datasets(&json)[1]];
        assert_eq!(
            (&median["label"], &median["yAxisID"]),
            (&MEDIAN_ENGAGEMENT_LABEL.into(), &"y".into())
        );
        assert_eq!(
            (&rate["label"], &rate["yAxisID"]),
            (&ENGAGEMENT_RATE_LABEL.into(), &"y1".into())
        );
        assert_eq!(
            median["data"][0].as_f64(),
            first.median_engagement.map(format::round)
        );
        assert_eq!(
            rate["data"][0].as_f64(),
            first.engagement_rate.map(format::round)
        );
        for (index, stats) in result.content_types.iter().enumerate() {
            let fill = if stats.low_confidence {
                NEUTRAL.with_alpha(FEW_POSTS_ALPHA)
            } else {
                NEUTRAL.border()
            };
            assert_eq!(median["backgroundColor"][index], fill.as_str());
        }

        let scales = &json["options"]["scales"];
        assert_eq!(scales["y"]["position"], "left");
        assert_eq!(scales["y1"]["position"], "right");
        assert_eq!(scales["y1"]["grid"]["drawOnChartArea"], false);
        assert_eq!(scales["y1"]["title"]["text"], "Engagement rate (%)");
    }

    #[test]
    fn one_post_is_singular_and_faint() {
        let (data, period) = sample(1);
        let mut result = content_type_performance(&data, &period);
        result.content_types[0].posts = 1;
        result.content_types[0].low_confidence = true;
        result.content_types[0].engagement_rate = None;
        let json = checked(&content_type(&result), "bar");
        assert!(labels(&json)[0].ends_with("(1 post)"));
        assert!(datasets(&json)[1]["data"][0].is_null());
        let subtitle = json["options"]["plugins"]["subtitle"]["text"]
            .as_str()
            .unwrap();
        assert!(
            subtitle.contains("faint bars: fewer than 3 posts"),
            "{subtitle}"
        );
    }

    #[test]
    fn no_posts_give_an_empty_chart() {
        let (data, period) = empty();
        let json = checked(
            &content_type(&content_type_performance(&data, &period)),
            "bar",
        );
        assert!(labels(&json).is_empty() && datasets(&json).is_empty());
        assert_eq!(
            json["options"]["scales"]["y"]["title"]["text"],
            "Median engagement per post (interactions)"
        );
    }
}
