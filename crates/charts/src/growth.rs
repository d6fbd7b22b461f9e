//! A line chart of followers per platform over the period.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use tally_analyzer::Growth;

use crate::format::{self, line};
use crate::model::{ChartConfig, ChartData, ChartKind, ChartOptions, Interaction, Position, Scale};
use crate::palette::platform_color;

/// A line chart of followers per day, one line per platform.
///
/// The analyzer carries each day's count forward over days without a figure, so the only
/// `null` values are the days before a platform's first figure; lines join across any
/// others. The subtitle gives the period and the net change over all platforms.
///
/// JSON: `{"type": "line", "data": {"labels": ["2026-05-01", …], "datasets": [{"label":
/// "Bluesky", "data": [null, 200, 204, …], "spanGaps": true, …}]}, "options": {…}}`.
pub fn growth(growth: &Growth) -> ChartConfig {
    let days: BTreeSet<NaiveDate> = growth
        .platforms
        .iter()
        .flat_map(|platform| platform.series.iter().map(|point| point.day))
        .collect();
    let days: Vec<NaiveDate> = days.into_iter().collect();

    let datasets = growth
        .platforms
        .iter()
        .map(|platform| {
            let by_day: BTreeMap<NaiveDate, Option<u64>> = platform
                .series
                .iter()
                .map(|point| (point.day, point.followers))
                .collect();
            let data = days
                .iter()
                .map(|day| format::count(by_day.get(day).copied().flatten()))
                .collect();
            line(
                platform.platform.display_name(),
                platform_color(platform.platform),
                data,
                true,
            )
        })
        .collect();

    let net = growth.total.net_change.map(|net| {
        let percent = growth
            .total
            .percent_change
            .map(|percent| {
                format!(
                    " ({}{:.1} %)",
                    if percent > 0.0 { "+" } else { "" },
                    percent
                )
            })
            .unwrap_or_default();
        format!("net change {}{percent}", format::signed(net))
    });
    let mut options = ChartOptions::titled("Followers by day", Position::Top);
    options.plugins.subtitle = format::subtitle(
        [Some(format::period(&growth.period)), net]
            .into_iter()
            .flatten(),
    );
    options.interaction = Some(Interaction::by_index());
    options.scales.insert("x".into(), Scale::titled("Date"));
    let mut y = Scale::values_from_zero("Followers", true);
    y.begin_at_zero = Some(false);
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

#[cfg(test)]
mod tests {
    use tally_analyzer::growth as analyze_growth;

    use super::*;
    use crate::testing::{DAYS, checked, datasets, empty, labels, sample};

    #[test]
    fn growth_has_a_line_of_followers_per_platform() {
        let (data, period) = sample(4);
        let result = analyze_growth(&data, &period);
        let json = checked(&growth(&result), "line");
        assert_eq!(labels(&json).len(), DAYS as usize);
        assert_eq!(datasets(&json).len(), result.platforms.len());
        for (platform, line) in result.platforms.iter().zip(datasets(&json)) {
            assert_eq!(line["label"], platform.platform.display_name());
            assert_eq!(
                line["borderColor"],
                platform_color(platform.platform).border()
            );
            assert_eq!(line["spanGaps"], true);
            let last = platform.series.last().and_then(|point| point.followers);
            assert_eq!(
                line["data"][DAYS as usize - 1].as_f64(),
                last.map(|v| v as f64)
            );
        }
        let subtitle = json["options"]["plugins"]["subtitle"]["text"]
            .as_str()
            .unwrap();
        assert!(subtitle.contains("net change "), "{subtitle}");
        assert_eq!(json["options"]["scales"]["y"]["title"]["text"], "Followers");

        let (data, period) = empty();
        let json = checked(&growth(&analyze_growth(&data, &period)), "line");
        assert!(labels(&json).is_empty() && datasets(&json).is_empty());
    }
}
