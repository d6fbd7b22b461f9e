//! A doughnut of the kinds of engagement that make up the total.

use tally_analyzer::{CountComparison, Totals};

use crate::format;
use crate::model::{ChartConfig, ChartData, ChartDataset, ChartKind, ChartOptions, Paint};
use crate::model::{DataPoint, Position};
use crate::palette::ENGAGEMENT_KINDS;

/// A doughnut of likes, comments, shares, saves, link clicks and quotes in the period.
///
/// Takes the `totals` of an overview (all platforms, or one platform's insights). Views are
/// left out because they are exposure, not engagement. A kind that no post reports (`null`)
/// or that totals 0 gets no slice and no label, so the labels always match the slices;
/// with nothing to show, labels and datasets are empty. Each kind keeps its color whether
/// or not the others are shown.
///
/// JSON: `{"type": "doughnut", "data": {"labels": ["Likes", "Comments", …], "datasets":
/// [{"label": "Engagement", "data": [61, 14, …], "backgroundColor": ["#e11d48", …]}]},
/// "options": {"plugins": {"title": …, "subtitle": …, "legend": {"position": "right"}}}}`.
pub fn engagement_breakdown(totals: &Totals) -> ChartConfig {
    let kinds: [(&str, &CountComparison); 6] = [
        ("Likes", &totals.likes),
        ("Comments", &totals.comments),
        ("Shares", &totals.shares),
        ("Saves", &totals.saves),
        ("Link clicks", &totals.clicks),
        ("Quotes", &totals.quotes),
    ];
    let shown: Vec<(&str, i64, String)> = kinds
        .iter()
        .zip(ENGAGEMENT_KINDS)
        .filter_map(|((label, count), color)| {
            let count = count.current.filter(|count| *count > 0)?;
            Some((*label, count, color.border()))
        })
        .collect();

    let labels = shown
        .iter()
        .map(|(label, _, _)| (*label).to_owned())
        .collect();
    let data: Vec<DataPoint> = shown
        .iter()
        .map(|(_, count, _)| format::count(Some(*count)))
        .collect();
    let colors: Vec<String> = shown.iter().map(|(_, _, color)| color.clone()).collect();
    let datasets = if shown.is_empty() {
        Vec::new()
    } else {
        vec![ChartDataset {
            background_color: Some(Paint::Each(colors)),
            border_color: Some(Paint::One("#ffffff".to_owned())),
            border_width: Some(2.0),
            ..ChartDataset::new("Engagement", data)
        }]
    };

    let total: i64 = shown
        .iter()
        .fold(0i64, |total, (_, count, _)| total.saturating_add(*count));
    let mut options = ChartOptions::titled("Engagement by kind", Position::Right);
    options.plugins.subtitle = format::subtitle(
        (total > 0).then(|| format!("{} interactions in total", format::thousands(total))),
    );

    ChartConfig {
        kind: ChartKind::Doughnut,
        data: ChartData { labels, datasets },
        options,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tally_analyzer::overview;

    use super::*;
    use crate::testing::{checked, datasets, empty, labels, sample};

    #[test]
    fn slices_are_the_reported_kinds_in_fixed_colors() {
        let (data, period) = sample(4);
        let totals = overview(&data, &data, &period).totals;
        let json = checked(&engagement_breakdown(&totals), "doughnut");

        let kinds = labels(&json);
        assert!(kinds.contains(&"Likes") && kinds.len() <= 6, "{kinds:?}");
        let slices = &datasets(&json)[0];
        assert_eq!(
            slices["data"][0].as_f64(),
            totals.likes.current.map(|n| n as f64)
        );
        assert_eq!(slices["backgroundColor"][0], ENGAGEMENT_KINDS[0].border());
        assert_eq!(
            slices["backgroundColor"].as_array().unwrap().len(),
            kinds.len()
        );
        let sum: f64 = slices["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_f64())
            .sum();
        assert_eq!(Some(sum), totals.engagement.current.map(|n| n as f64));
        assert_eq!(json["options"]["plugins"]["legend"]["position"], "right");
        assert!(json["options"].get("scales").is_none());
    }

    #[test]
    fn unknown_and_zero_kinds_get_no_slice() {
        let totals = Totals {
            likes: CountComparison::new(Some(10), None),
            comments: CountComparison::new(Some(0), Some(3)),
            saves: CountComparison::new(Some(4), None),
            ..Totals::default()
        };
        let json = checked(&engagement_breakdown(&totals), "doughnut");
        assert_eq!(labels(&json), ["Likes", "Saves"]);
        assert_eq!(datasets(&json)[0]["data"], json!([10.0, 4.0]));
        let colors = json!([ENGAGEMENT_KINDS[0].border(), ENGAGEMENT_KINDS[3].border()]);
        assert_eq!(datasets(&json)[0]["backgroundColor"], colors);
        assert_eq!(
            json["options"]["plugins"]["subtitle"]["text"],
            "14 interactions in total"
        );
    }

    #[test]
    fn no_engagement_gives_an_empty_doughnut() {
        let (data, period) = empty();
        let json = checked(
            &engagement_breakdown(&overview(&data, &data, &period).totals),
            "doughnut",
        );
        assert!(labels(&json).is_empty() && datasets(&json).is_empty());
        assert!(json["options"]["plugins"].get("subtitle").is_none());
    }

    #[test]
    fn one_platform_has_a_breakdown_too() {
        let (data, period) = sample(1);
        let json = checked(
            &engagement_breakdown(&overview(&data, &data, &period).totals),
            "doughnut",
        );
        assert!(!labels(&json).is_empty());
    }
}
