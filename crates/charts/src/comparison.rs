//! Bar charts of platforms side by side on one normalized measure.

use std::fmt;
use std::str::FromStr;

use tally_analyzer::{PlatformComparison, PlatformMeasures, ValueComparison};
use tally_domain::ParseNameError;

use crate::format;
use crate::model::{ChartConfig, ChartData, ChartDataset, ChartKind, ChartOptions, Paint};
use crate::model::{Position, Scale};
use crate::palette::platform_color;

/// A measure that compares platforms of any size.
///
/// The measures have different units (a percentage, a count per post, a count per 1,000
/// followers), so each gets its own chart with its own axis rather than sharing one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ComparisonMeasure {
    /// Pooled engagement rate, in percent.
    EngagementRate,
    /// Engagement per post.
    EngagementPerPost,
    /// Engagement of the period per 1,000 followers.
    EngagementPer1000Followers,
    /// Follower change in percent of the followers at the start.
    FollowerGrowthPercent,
}

impl ComparisonMeasure {
    /// Every measure, in the order a dashboard shows them.
    pub const ALL: &'static [ComparisonMeasure] = &[
        ComparisonMeasure::EngagementRate,
        ComparisonMeasure::EngagementPerPost,
        ComparisonMeasure::EngagementPer1000Followers,
        ComparisonMeasure::FollowerGrowthPercent,
    ];

    /// The canonical lowercase name, as used in query parameters.
    pub fn as_str(self) -> &'static str {
        match self {
            ComparisonMeasure::EngagementRate => "engagement_rate",
            ComparisonMeasure::EngagementPerPost => "engagement_per_post",
            ComparisonMeasure::EngagementPer1000Followers => "engagement_per_1000_followers",
            ComparisonMeasure::FollowerGrowthPercent => "follower_growth_percent",
        }
    }

    /// The chart title and the value-axis title with its unit.
    fn titles(self) -> (&'static str, &'static str) {
        match self {
            ComparisonMeasure::EngagementRate => {
                ("Engagement rate by platform", "Engagement rate (%)")
            }
            ComparisonMeasure::EngagementPerPost => (
                "Engagement per post by platform",
                "Engagement per post (interactions)",
            ),
            ComparisonMeasure::EngagementPer1000Followers => (
                "Engagement per 1,000 followers by platform",
                "Interactions per 1,000 followers",
            ),
            ComparisonMeasure::FollowerGrowthPercent => {
                ("Follower growth by platform", "Follower growth (%)")
            }
        }
    }

    fn of(self, measures: &PlatformMeasures) -> ValueComparison {
        match self {
            ComparisonMeasure::EngagementRate => measures.engagement_rate,
            ComparisonMeasure::EngagementPerPost => measures.engagement_per_post,
            ComparisonMeasure::EngagementPer1000Followers => measures.engagement_per_1000_followers,
            ComparisonMeasure::FollowerGrowthPercent => measures.follower_growth_percent,
        }
    }
}

impl fmt::Display for ComparisonMeasure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string schema whose `enum` lists the measures' names, as `name_enum!` gives name sets.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ComparisonMeasure {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(ComparisonMeasure::ALL.iter().map(|m| m.as_str())))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ComparisonMeasure {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("ComparisonMeasure")
    }
}

impl FromStr for ComparisonMeasure {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        ComparisonMeasure::ALL
            .iter()
            .copied()
            .find(|measure| measure.as_str() == wanted)
            .ok_or_else(|| ParseNameError {
                kind: "comparison measure",
                given: s.to_owned(),
                valid: ComparisonMeasure::ALL.iter().map(|m| m.as_str()).collect(),
            })
    }
}

/// The label of the current period's bars in [`platform_comparison`].
pub const THIS_PERIOD_LABEL: &str = "This period";

/// The label of the previous period's bars in [`platform_comparison`].
pub const PREVIOUS_PERIOD_LABEL: &str = "Previous period";

/// A bar chart of every platform of `comparison` on one `measure`.
///
/// The platforms are the labels, in the analyzer's order, and each bar has its platform's
/// color: solid for this period, and translucent in a second "Previous period" dataset
/// beside it when any platform has a previous value. A platform without a value has a
/// `null` there and no bar. For the engagement rate, the subtitle names each platform's
/// denominator, since reach-based and follower-based rates differ in scale.
///
/// JSON: `{"type": "bar", "data": {"labels": ["Bluesky", "X"], "datasets": [{"label":
/// "This period", "data": [4.0, 2.0], "backgroundColor": ["#0284c7", "#1f2937"], …},
/// {"label": "Previous period", …}]}, "options": {…}}`.
pub fn platform_comparison(
    comparison: &PlatformComparison,
    measure: ComparisonMeasure,
) -> ChartConfig {
    let platforms = &comparison.platforms;
    let labels: Vec<String> = platforms
        .iter()
        .map(|measures| measures.platform.display_name().to_owned())
        .collect();
    let borders: Vec<String> = platforms
        .iter()
        .map(|measures| platform_color(measures.platform).border())
        .collect();
    let fills: Vec<String> = platforms
        .iter()
        .map(|measures| platform_color(measures.platform).background())
        .collect();

    let values = platforms.iter().map(|measures| measure.of(measures));
    let current: Vec<_> = values
        .clone()
        .map(|value| format::value(value.current))
        .collect();
    let previous: Vec<_> = values
        .clone()
        .map(|value| format::value(value.previous))
        .collect();

    let mut datasets = Vec::new();
    if !platforms.is_empty() {
        datasets.push(ChartDataset {
            background_color: Some(Paint::Each(borders.clone())),
            border_color: Some(Paint::Each(borders.clone())),
            border_width: Some(1.0),
            ..ChartDataset::new(THIS_PERIOD_LABEL, current)
        });
    }
    if values.clone().any(|value| value.previous.is_some()) {
        datasets.push(ChartDataset {
            background_color: Some(Paint::Each(fills)),
            border_color: Some(Paint::Each(borders)),
            border_width: Some(1.0),
            ..ChartDataset::new(PREVIOUS_PERIOD_LABEL, previous)
        });
    }

    let (title, axis) = measure.titles();
    let denominators = (measure == ComparisonMeasure::EngagementRate && !platforms.is_empty())
        .then(|| {
            let each: Vec<String> = platforms
                .iter()
                .map(|m| format!("{} by {}", m.platform.display_name(), m.rate_denominator))
                .collect();
            format!("rates: {}", each.join(", "))
        });
    let mut options = ChartOptions::titled(title, Position::Top);
    // Bars are told apart by their platform labels; the legend only names the periods.
    options.plugins.legend.display = datasets.len() > 1;
    options.plugins.subtitle = format::subtitle(
        [Some(format::period(&comparison.period)), denominators]
            .into_iter()
            .flatten(),
    );
    options.scales.insert("x".into(), Scale::titled("Platform"));
    options
        .scales
        .insert("y".into(), Scale::values_from_zero(axis, false));

    ChartConfig {
        kind: ChartKind::Bar,
        data: ChartData { labels, datasets },
        options,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tally_analyzer::{SeriesMetric, compare_platforms, growth, overview, time_series};
    use tally_domain::Platform;

    use super::*;
    use crate::testing::{border_colors, checked, datasets, empty, labels, sample};

    #[test]
    fn platforms_are_labels_in_their_own_colors_for_each_measure() {
        let (data, period) = sample(4);
        let result = compare_platforms(&data, &data, &period);
        let names: Vec<&str> = result
            .platforms
            .iter()
            .map(|m| m.platform.display_name())
            .collect();
        let solid: Vec<String> = result
            .platforms
            .iter()
            .map(|m| platform_color(m.platform).border())
            .collect();
        let pale: Vec<String> = result
            .platforms
            .iter()
            .map(|m| platform_color(m.platform).background())
            .collect();

        for measure in ComparisonMeasure::ALL {
            let json = checked(&platform_comparison(&result, *measure), "bar");
            assert_eq!(labels(&json), names, "{measure}");
            let bars = datasets(&json);
            assert_eq!(bars.len(), 2, "{measure}: the sample has a previous period");
            assert_eq!(bars[0]["label"], THIS_PERIOD_LABEL);
            assert_eq!(bars[0]["backgroundColor"], json!(solid));
            assert_eq!(bars[1]["label"], PREVIOUS_PERIOD_LABEL);
            assert_eq!(bars[1]["backgroundColor"], json!(pale));
            assert_eq!(bars[1]["borderColor"], json!(solid));
            for (index, measures) in result.platforms.iter().enumerate() {
                let expected = measure.of(measures).current.map(crate::format::round);
                assert_eq!(bars[0]["data"][index].as_f64(), expected, "{measure}");
            }
            let y = &json["options"]["scales"]["y"];
            assert_eq!(y["title"]["text"], measure.titles().1);
            assert_eq!(json["options"]["scales"]["x"]["title"]["text"], "Platform");
            assert_eq!(json["options"]["plugins"]["legend"]["display"], true);
        }

        let rate = checked(
            &platform_comparison(&result, ComparisonMeasure::EngagementRate),
            "bar",
        );
        let subtitle = rate["options"]["plugins"]["subtitle"]["text"]
            .as_str()
            .unwrap();
        let first = &result.platforms[0];
        assert!(subtitle.contains(&format!(
            "{} by {}",
            first.platform.display_name(),
            first.rate_denominator
        )));
        assert_eq!(
            rate["options"]["scales"]["y"]["title"]["text"],
            "Engagement rate (%)"
        );
    }

    #[test]
    fn nothing_to_compare_gives_an_empty_chart() {
        let (data, period) = empty();
        let result = compare_platforms(&data, &data, &period);
        let json = checked(
            &platform_comparison(&result, ComparisonMeasure::EngagementPerPost),
            "bar",
        );
        assert!(labels(&json).is_empty() && datasets(&json).is_empty());
        assert_eq!(json["options"]["plugins"]["legend"]["display"], false);
    }

    #[test]
    fn one_platform_without_a_previous_period_has_one_bar() {
        let (data, period) = sample(1);
        let result = compare_platforms(&data, &Default::default(), &period);
        let json = checked(
            &platform_comparison(&result, ComparisonMeasure::FollowerGrowthPercent),
            "bar",
        );
        assert_eq!(labels(&json).len(), 1);
        assert_eq!(datasets(&json).len(), 1);
        assert_eq!(json["options"]["plugins"]["legend"]["display"], false);
    }

    #[test]
    fn measures_parse_from_their_names() {
        for measure in ComparisonMeasure::ALL {
            assert_eq!(
                measure.as_str().parse::<ComparisonMeasure>().ok(),
                Some(*measure)
            );
        }
        let error = "likes"
            .parse::<ComparisonMeasure>()
            .err()
            .map(|e| e.to_string());
        assert!(
            error
                .unwrap_or_default()
                .contains("engagement_per_1000_followers")
        );
    }

    #[test]
    fn each_platform_has_the_same_color_in_every_chart() {
        let (data, period) = sample(4);
        let platforms = data.platforms();
        let series: Vec<_> = platforms
            .iter()
            .map(|p| {
                (
                    *p,
                    time_series(&data.for_platform(*p), &period, SeriesMetric::Likes),
                )
            })
            .collect();
        let summary = overview(&data, &data, &period);
        let comparison = compare_platforms(&data, &data, &period);
        let bars = checked(
            &platform_comparison(&comparison, ComparisonMeasure::EngagementRate),
            "bar",
        );
        let charts = [
            checked(&crate::time_series(&series, None), "line"),
            checked(&crate::growth(&growth(&data, &period)), "line"),
            checked(&crate::content_performance(&summary.top_posts), "bar"),
        ];

        let mut seen = 0;
        for platform in Platform::ALL {
            let expected = platform_color(*platform).border();
            for chart in &charts {
                if let Some(color) = border_colors(chart).get(platform.display_name()) {
                    assert_eq!(color, &expected, "{platform}");
                    seen += 1;
                }
            }
            if let Some(index) = labels(&bars)
                .iter()
                .position(|l| *l == platform.display_name())
            {
                assert_eq!(
                    datasets(&bars)[0]["backgroundColor"][index],
                    expected.as_str()
                );
                seen += 1;
            }
        }
        assert!(seen >= platforms.len() * 3, "{seen}");
    }
}
