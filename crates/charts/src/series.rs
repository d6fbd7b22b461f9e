//! A line chart of one metric over time, per platform.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use tally_analyzer::{Granularity, SeriesMetric, TimeSeries};
use tally_domain::Platform;

use crate::format::{self, line};
use crate::model::{
    ChartConfig, ChartData, ChartDataset, ChartKind, ChartOptions, DataPoint, Interaction,
    Position, Scale,
};
use crate::palette::{ALL_PLATFORMS, platform_color};

/// The label of the total series in [`time_series`].
pub const ALL_PLATFORMS_LABEL: &str = "All platforms";

/// A line chart of one metric over time, one line per platform and optionally a total.
///
/// `series` holds one [`TimeSeries`] per platform (from `tally_analyzer::time_series` over
/// that platform's data) and `total` the same metric over all platforms, drawn as a dashed
/// gray "All platforms" line. All series should show one metric over one period; the first
/// one names the chart. The x labels are the ISO start dates of the buckets, merged over
/// all series, so a series that lacks a bucket gets `null` there.
///
/// A `null` value leaves a gap in the line (a day without posts has no likes, rather than
/// zero likes), except for followers, whose line joins across days without a figure.
///
/// JSON: `{"type": "line", "data": {"labels": ["2026-05-01", …], "datasets": [{"label":
/// "Mastodon", "data": [12, null, …], "borderColor": …, "spanGaps": false, …}, …]},
/// "options": {…, "scales": {"x": …, "y": …}}}`.
pub fn time_series(series: &[(Platform, TimeSeries)], total: Option<&TimeSeries>) -> ChartConfig {
    let inputs: Vec<&TimeSeries> = series
        .iter()
        .map(|(_, series)| series)
        .chain(total)
        .collect();
    let first = inputs.first().copied();
    let days: BTreeSet<NaiveDate> = inputs
        .iter()
        .flat_map(|series| series.points.iter().map(|point| point.start))
        .collect();
    let days: Vec<NaiveDate> = days.into_iter().collect();

    let metric = first.map(|series| series.metric);
    let joins_gaps = metric == Some(SeriesMetric::Followers);
    let aligned = |series: &TimeSeries| {
        let by_day: BTreeMap<NaiveDate, Option<f64>> = series
            .points
            .iter()
            .map(|point| (point.start, point.value))
            .collect();
        days.iter()
            .map(|day| format::value(by_day.get(day).copied().flatten()))
            .collect::<Vec<DataPoint>>()
    };

    let mut datasets: Vec<ChartDataset> = series
        .iter()
        .map(|(platform, series)| {
            line(
                platform.display_name(),
                platform_color(*platform),
                aligned(series),
                joins_gaps,
            )
        })
        .collect();
    if let Some(total) = total {
        datasets.push(ChartDataset {
            border_dash: Some(vec![6, 4]),
            ..line(
                ALL_PLATFORMS_LABEL,
                ALL_PLATFORMS,
                aligned(total),
                joins_gaps,
            )
        });
    }

    let (name, axis, whole) = metric.map_or(("Values", "Value", false), describe);
    let granularity = first.map(|series| series.granularity);
    let title = match granularity {
        Some(granularity) => format!("{name} by {}", granularity.as_str()),
        None => name.to_owned(),
    };
    let mut options = ChartOptions::titled(title, Position::Top);
    options.plugins.subtitle = format::subtitle(first.map(|series| format::period(&series.period)));
    options.interaction = Some(Interaction::by_index());
    options
        .scales
        .insert("x".into(), Scale::titled(date_axis(granularity)));
    let mut y = Scale::values_from_zero(axis, whole);
    if joins_gaps {
        // A follower count is a level: starting at zero would flatten its changes.
        y.begin_at_zero = Some(false);
    }
    options.scales.insert("y".into(), y);

    ChartConfig {
        kind: ChartKind::Line,
        data: ChartData {
            labels: days.into_iter().map(format::day).collect(),
            datasets,
        },
        options,
    }
}

/// The chart name, value-axis title with unit, and whether values are whole counts.
fn describe(metric: SeriesMetric) -> (&'static str, &'static str, bool) {
    match metric {
        SeriesMetric::Followers => ("Followers", "Followers", true),
        SeriesMetric::Reach => ("Reach", "Accounts reached", true),
        SeriesMetric::Impressions => ("Impressions", "Impressions", true),
        SeriesMetric::Likes => ("Likes", "Likes", true),
        SeriesMetric::Comments => ("Comments", "Comments", true),
        SeriesMetric::Shares => ("Shares", "Shares", true),
        SeriesMetric::Saves => ("Saves", "Saves", true),
        SeriesMetric::Views => ("Views", "Views", true),
        SeriesMetric::Clicks => ("Link clicks", "Link clicks", true),
        SeriesMetric::Quotes => ("Quotes", "Quotes", true),
        SeriesMetric::Engagement => ("Engagement", "Engagement (interactions)", true),
        SeriesMetric::EngagementRate => ("Engagement rate", "Engagement rate (%)", false),
        SeriesMetric::Posts => ("Posts published", "Posts", true),
    }
}

/// The title of the date axis: what each label's date stands for.
fn date_axis(granularity: Option<Granularity>) -> &'static str {
    match granularity {
        Some(Granularity::Week) => "Week starting",
        Some(Granularity::Month) => "Month starting",
        Some(Granularity::Day) | None => "Date",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tally_analyzer::{Granularity, time_series as analyze};

    use super::*;
    use crate::testing::{
        DAYS, border_colors, checked, datasets, empty, hand_made, labels, sample,
    };

    fn per_platform(
        platforms: usize,
        metric: SeriesMetric,
    ) -> (Vec<(Platform, TimeSeries)>, TimeSeries) {
        let (data, period) = sample(platforms);
        let series = data
            .platforms()
            .into_iter()
            .map(|platform| {
                (
                    platform,
                    analyze(&data.for_platform(platform), &period, metric),
                )
            })
            .collect();
        (series, analyze(&data, &period, metric))
    }

    #[test]
    fn one_line_per_platform_and_a_dashed_total() {
        let (series, total) = per_platform(4, SeriesMetric::EngagementRate);
        let json = checked(&time_series(&series, Some(&total)), "line");

        let days = labels(&json);
        assert_eq!(days.len(), DAYS as usize);
        assert_eq!(
            (days[0], days[days.len() - 1]),
            ("2026-05-04", "2026-05-31")
        );
        assert!(
            days.iter()
                .all(|day| day.parse::<NaiveDate>().is_ok() && day.len() == 10)
        );

        let lines = datasets(&json);
        assert_eq!(lines.len(), series.len() + 1);
        for ((platform, series), line) in series.iter().zip(lines) {
            assert_eq!(line["label"], platform.display_name());
            assert_eq!(line["borderColor"], platform_color(*platform).border());
            assert_eq!(
                line["backgroundColor"],
                platform_color(*platform).background()
            );
            assert_eq!(line["spanGaps"], false);
            let nulls: Vec<bool> = line["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.is_null())
                .collect();
            let expected: Vec<bool> = series
                .points
                .iter()
                .map(|point| point.value.is_none())
                .collect();
            assert_eq!(nulls, expected, "{platform}");
        }
        let all = &lines[series.len()];
        assert_eq!(all["label"], ALL_PLATFORMS_LABEL);
        assert_eq!(all["borderDash"], json!([6, 4]));
        assert_eq!(all["borderColor"], ALL_PLATFORMS.border());

        let options = &json["options"];
        assert_eq!(
            options["plugins"]["title"]["text"],
            "Engagement rate by day"
        );
        assert!(
            options["plugins"]["subtitle"]["text"]
                .as_str()
                .unwrap()
                .starts_with("2026-05-04 to 2026-05-31 (")
        );
        assert_eq!(
            options["scales"]["y"]["title"]["text"],
            "Engagement rate (%)"
        );
        assert_eq!(options["scales"]["y"]["beginAtZero"], true);
        assert_eq!(options["scales"]["x"]["title"]["text"], "Date");
        assert_eq!(
            options["interaction"],
            json!({"mode": "index", "intersect": false})
        );
    }

    #[test]
    fn nulls_stay_null_and_nan_becomes_null() {
        let likes = hand_made(
            SeriesMetric::Likes,
            "2026-05-01",
            &[Some(4.0), None, Some(f64::NAN), Some(2.5)],
        );
        let json = checked(&time_series(&[(Platform::X, likes)], None), "line");
        assert_eq!(datasets(&json)[0]["data"], json!([4.0, null, null, 2.5]));
        assert_eq!(json["options"]["scales"]["y"]["ticks"]["precision"], 0);
    }

    #[test]
    fn followers_join_gaps_and_need_not_start_at_zero() {
        let followers = hand_made(
            SeriesMetric::Followers,
            "2026-05-01",
            &[Some(100.0), None, Some(110.0)],
        );
        let json = checked(
            &time_series(&[(Platform::Bluesky, followers)], None),
            "line",
        );
        assert_eq!(datasets(&json)[0]["spanGaps"], true);
        assert_eq!(datasets(&json)[0]["data"], json!([100.0, null, 110.0]));
        assert_eq!(json["options"]["scales"]["y"]["beginAtZero"], false);
        assert_eq!(json["options"]["scales"]["y"]["title"]["text"], "Followers");
    }

    #[test]
    fn series_with_different_buckets_are_aligned_on_dates() {
        let long = hand_made(
            SeriesMetric::Posts,
            "2026-05-01",
            &[Some(1.0), Some(2.0), Some(3.0)],
        );
        let short = hand_made(SeriesMetric::Posts, "2026-05-02", &[Some(5.0)]);
        let chart = time_series(&[(Platform::X, long), (Platform::Threads, short)], None);
        let json = checked(&chart, "line");
        assert_eq!(labels(&json), ["2026-05-01", "2026-05-02", "2026-05-03"]);
        assert_eq!(datasets(&json)[1]["data"], json!([null, 5.0, null]));
    }

    #[test]
    fn weekly_series_name_their_weeks() {
        let (data, period) = sample(2);
        let weekly = analyze(
            &data,
            &period.with_granularity(Granularity::Week),
            SeriesMetric::Likes,
        );
        let json = checked(&time_series(&[], Some(&weekly)), "line");
        assert_eq!(
            labels(&json),
            ["2026-05-04", "2026-05-11", "2026-05-18", "2026-05-25"]
        );
        assert_eq!(json["options"]["plugins"]["title"]["text"], "Likes by week");
        assert_eq!(
            json["options"]["scales"]["x"]["title"]["text"],
            "Week starting"
        );
    }

    #[test]
    fn no_series_give_an_empty_chart() {
        let json = checked(&time_series(&[], None), "line");
        assert!(labels(&json).is_empty());
        assert!(datasets(&json).is_empty());
        assert_eq!(json["options"]["scales"]["y"]["title"]["text"], "Value");

        let (data, period) = empty();
        let total = analyze(&data, &period, SeriesMetric::Engagement);
        let json = checked(&time_series(&[], Some(&total)), "line");
        assert_eq!(labels(&json).len(), DAYS as usize);
        assert!(
            datasets(&json)[0]["data"]
                .as_array()
                .unwrap()
                .iter()
                .all(|v| v.is_null())
        );
    }

    #[test]
    fn one_platform_gives_one_line() {
        let (series, _) = per_platform(1, SeriesMetric::Posts);
        let json = checked(&time_series(&series, None), "line");
        let colors = border_colors(&json);
        assert_eq!(colors.len(), 1);
        let platform = series[0].0;
        assert_eq!(
            colors[platform.display_name()],
            platform_color(platform).border()
        );
        let posts: f64 = datasets(&json)[0]["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_f64())
            .sum();
        assert!(posts > 0.0);
    }

    #[test]
    fn a_small_chart_serializes_exactly_like_this() {
        let rate = hand_made(
            SeriesMetric::EngagementRate,
            "2026-05-01",
            &[Some(2.345_67), None],
        );
        let total = hand_made(
            SeriesMetric::EngagementRate,
            "2026-05-01",
            &[Some(2.0), Some(1.0)],
        );
        let chart = time_series(&[(Platform::Mastodon, rate)], Some(&total));
        assert_eq!(
            datasets(&checked(&chart, "line"))[0]["data"],
            json!([2.346, null])
        );
        insta::assert_json_snapshot!(chart);
    }
}
