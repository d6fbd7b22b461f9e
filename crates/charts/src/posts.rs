//! A bar chart of the most engaging posts.

use std::collections::BTreeSet;

use tally_analyzer::PostMetrics;
use tally_domain::Platform;

use crate::format;
use crate::model::{Axis, ChartConfig, ChartData, ChartDataset, ChartKind, ChartOptions, Paint};
use crate::model::{Position, Scale};
use crate::palette::platform_color;

/// The longest post title shown in a label, in characters.
pub const MAX_TITLE_CHARS: usize = 40;

/// A horizontal bar chart of `posts`' engagement, in the given order, colored by platform.
///
/// Pass the analyzer's top posts (`Overview::top_posts`, most engaging first). Each label
/// is the rank and the post's title, shortened to [`MAX_TITLE_CHARS`], or the platform and
/// local publish date when the post has no title: `"1. Launch day recap"`,
/// `"2. Instagram · 2026-05-03"`. There is one dataset per platform, so the legend names
/// the platform colors; a dataset holds its platform's values and `null` at the other
/// posts, and `grouped: false` lets every bar use the full row.
///
/// JSON: `{"type": "bar", "data": {"labels": ["1. …", "2. …"], "datasets": [{"label":
/// "Instagram", "data": [50, null], "backgroundColor": "#db2777", "grouped": false, …}, …]},
/// "options": {"indexAxis": "y", …}}`.
pub fn content_performance(posts: &[PostMetrics]) -> ChartConfig {
    let labels: Vec<String> = posts
        .iter()
        .enumerate()
        .map(|(index, post)| format!("{}. {}", index + 1, name(post)))
        .collect();

    let platforms: BTreeSet<Platform> = posts.iter().map(|post| post.platform).collect();
    let datasets = platforms
        .into_iter()
        .map(|platform| {
            let data = posts
                .iter()
                .map(|post| format::count(post.engagement.filter(|_| post.platform == platform)))
                .collect();
            let color = platform_color(platform);
            ChartDataset {
                background_color: Some(Paint::One(color.border())),
                border_color: Some(Paint::One(color.border())),
                border_width: Some(1.0),
                grouped: Some(false),
                ..ChartDataset::new(platform.display_name(), data)
            }
        })
        .collect();

    let mut options = ChartOptions::titled("Top posts by engagement", Position::Top);
    options.index_axis = Some(Axis::Y);
    options.scales.insert(
        "x".into(),
        Scale::values_from_zero("Engagement (interactions)", true),
    );
    options
        .scales
        .insert("y".into(), Scale::titled("Post, most engaging first"));

    ChartConfig {
        kind: ChartKind::Bar,
        data: ChartData { labels, datasets },
        options,
    }
}

/// The post's shortened title, or its platform and local publish date.
fn name(post: &PostMetrics) -> String {
    match post.title.as_deref().map(str::trim) {
        Some(title) if !title.is_empty() => format::shortened(title, MAX_TITLE_CHARS),
        _ => format!(
            "{} · {}",
            post.platform.display_name(),
            format::day(post.published_local.date())
        ),
    }
}

#[cfg(test)]
mod tests {
    use tally_analyzer::overview;

    use super::*;
    use crate::testing::{checked, datasets, empty, labels, sample};

    #[test]
    fn top_posts_are_ranked_bars_colored_by_platform() {
        let (data, period) = sample(4);
        let top = overview(&data, &data, &period).top_posts;
        assert_eq!(top.len(), tally_analyzer::TOP_POSTS_LIMIT);
        let json = checked(&content_performance(&top), "bar");

        let names = labels(&json);
        assert!(
            names[0].starts_with("1. ") && names[4].starts_with("5. "),
            "{names:?}"
        );
        let platforms: BTreeSet<Platform> = top.iter().map(|post| post.platform).collect();
        assert_eq!(datasets(&json).len(), platforms.len());
        for (index, post) in top.iter().enumerate() {
            let values: Vec<&serde_json::Value> = datasets(&json)
                .iter()
                .map(|dataset| &dataset["data"][index])
                .filter(|value| !value.is_null())
                .collect();
            assert_eq!(values.len(), 1, "one bar per post");
            assert_eq!(values[0].as_f64(), post.engagement.map(|n| n as f64));
        }
        for (platform, dataset) in platforms.iter().zip(datasets(&json)) {
            assert_eq!(dataset["label"], platform.display_name());
            assert_eq!(
                dataset["backgroundColor"],
                platform_color(*platform).border()
            );
            assert_eq!(dataset["grouped"], false);
        }
        assert_eq!(json["options"]["indexAxis"], "y");
        let x = &json["options"]["scales"]["x"];
        assert_eq!(x["title"]["text"], "Engagement (interactions)");
        assert_eq!(x["beginAtZero"], true);
    }

    #[test]
    fn posts_without_a_title_are_named_by_platform_and_date() {
        let (data, period) = sample(1);
        let mut top = overview(&data, &data, &period).top_posts;
        top.truncate(2);
        top[0].title = None;
        top[1].title = Some("x".repeat(100));
        let json = checked(&content_performance(&top), "bar");
        let day = top[0].published_local.date().format("%Y-%m-%d");
        let names = labels(&json);
        assert_eq!(
            names[0],
            format!("1. {} · {day}", top[0].platform.display_name())
        );
        assert_eq!(names[1].chars().count(), "2. ".len() + MAX_TITLE_CHARS);
        assert!(names[1].ends_with('…'));
        assert_eq!(datasets(&json).len(), 1);
    }

    #[test]
    fn no_posts_give_an_empty_chart() {
        let (data, period) = empty();
        let json = checked(
            &content_performance(&overview(&data, &data, &period).top_posts),
            "bar",
        );
        assert!(labels(&json).is_empty() && datasets(&json).is_empty());
    }
}
