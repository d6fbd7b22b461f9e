//! A bubble chart of the weekday × hour grid of posting times.

use tally_analyzer::{BestTimes, DayOfWeek, TimeSlot};

use crate::format;
use crate::model::{BubblePoint, ChartConfig, ChartData, ChartDataset, ChartKind, ChartOptions};
use crate::model::{DataPoint, Paint, Position, Scale, ScaleKind};
use crate::palette::{Color, HIGHLIGHT, NEUTRAL, NEUTRAL_LIGHT};

/// The radius of the bubble of the best cell, in pixels.
pub const MAX_BUBBLE_RADIUS: f64 = 16.0;

/// The smallest bubble radius, so that a weak cell with posts stays visible.
pub const MIN_BUBBLE_RADIUS: f64 = 3.0;

/// The label of the best cells' dataset in [`best_times`].
pub const TOP_SLOTS_LABEL: &str = "Best times";

/// The label of the confident cells' dataset in [`best_times`].
pub const CONFIDENT_LABEL: &str = "Other times";

/// The label of the low-confidence cells' dataset in [`best_times`].
pub const FEW_POSTS_LABEL: &str = "Few posts";

/// A bubble chart of when posts performed best: hours across, weekdays down.
///
/// Both axes are category axes (`options.scales.x.labels` are `"00:00"` to `"23:00"`,
/// `options.scales.y.labels` Monday to Sunday) and each point names its cell, such as
/// `{"x": "09:00", "y": "Monday", "r": 12.5}`; `data.labels` stays empty because bubble
/// points carry their own position. A cell's area is proportional to its median engagement
/// relative to the platform's typical post; cells without scored posts get no bubble.
///
/// The cells fall into three datasets: the analyzer's top slots ("Best times", drawn on
/// top in a highlight color), the other confident cells ("Other times"), and cells with
/// fewer posts than the analyzer trusts ("Few posts", faint). The subtitle lists the top
/// slots and the time zone the hours are read in.
///
/// JSON: `{"type": "bubble", "data": {"labels": [], "datasets": [{"label": "Best times",
/// "data": [{"x": "09:00", "y": "Monday", "r": 16}], …}, …]}, "options": {"scales": {"x":
/// {"type": "category", "labels": ["00:00", …], …}, "y": {"type": "category", …}}, …}}`.
pub fn best_times(best: &BestTimes) -> ChartConfig {
    let is_top = |slot: &TimeSlot| {
        best.top_slots
            .iter()
            .any(|top| top.weekday == slot.weekday && top.hour == slot.hour)
    };
    let scored: Vec<(&TimeSlot, f64)> = best
        .grid
        .iter()
        .filter(|slot| slot.stats.posts > 0)
        .filter_map(|slot| {
            let score = slot.stats.median_relative_engagement?;
            (score.is_finite() && score >= 0.0).then_some((slot, score))
        })
        .collect();
    let highest = scored.iter().map(|(_, score)| *score).fold(0.0, f64::max);
    let bubbles = |keep: &dyn Fn(&TimeSlot) -> bool| -> Vec<DataPoint> {
        scored
            .iter()
            .filter(|(slot, _)| keep(slot))
            .map(|(slot, score)| bubble(slot, *score, highest))
            .collect()
    };

    let top = bubbles(&|slot| is_top(slot));
    let confident = bubbles(&|slot| !is_top(slot) && !slot.stats.low_confidence);
    let few = bubbles(&|slot| !is_top(slot) && slot.stats.low_confidence);
    let datasets = [
        styled(TOP_SLOTS_LABEL, HIGHLIGHT, 0.7, 0, top),
        styled(CONFIDENT_LABEL, NEUTRAL, 0.45, 1, confident),
        styled(FEW_POSTS_LABEL, NEUTRAL_LIGHT, 0.2, 2, few),
    ]
    .into_iter()
    .filter(|dataset| !dataset.data.is_empty())
    .collect();

    let timezone = &best.period.timezone;
    let named: Vec<String> = best
        .top_slots
        .iter()
        .map(|slot| format!("{} {}", slot.weekday.label(), hour(slot.hour)))
        .collect();
    let summary = if best.posts_analyzed == 0 {
        "no posts with engagement yet".to_owned()
    } else if named.is_empty() {
        let needed = best.min_posts_for_confidence;
        format!("no hour has {needed} posts yet")
    } else {
        format!("best: {}", named.join(", "))
    };
    let mut options = ChartOptions::titled("Best times to post", Position::Top);
    options.plugins.subtitle = format::subtitle([
        summary,
        format!("bubble size: median engagement against a typical post; times in {timezone}"),
    ]);
    options.scales.insert(
        "x".into(),
        category(
            format!("Hour of day ({timezone})"),
            (0..24).map(hour).collect(),
        ),
    );
    options.scales.insert(
        "y".into(),
        category(
            "Weekday".to_owned(),
            DayOfWeek::ALL
                .iter()
                .map(|day| day.label().to_owned())
                .collect(),
        ),
    );

    ChartConfig {
        kind: ChartKind::Bubble,
        data: ChartData {
            labels: Vec::new(),
            datasets,
        },
        options,
    }
}

/// `9` as `"09:00"`.
fn hour(hour: u32) -> String {
    format!("{hour:02}:00")
}

/// The bubble of one cell; the area grows with the score (the median relative engagement,
/// which the bubble also carries as its value), the best cell at full size.
fn bubble(slot: &TimeSlot, score: f64, highest: f64) -> DataPoint {
    let share = if highest > 0.0 { score / highest } else { 0.0 };
    let radius = (MAX_BUBBLE_RADIUS * share.sqrt()).max(MIN_BUBBLE_RADIUS);
    DataPoint::Bubble(BubblePoint {
        x: hour(slot.hour),
        y: slot.weekday.label().to_owned(),
        r: (radius * 10.0).round() / 10.0,
        value: Some((score * 100.0).round() / 100.0),
    })
}

fn styled(label: &str, color: Color, alpha: f64, order: i32, data: Vec<DataPoint>) -> ChartDataset {
    ChartDataset {
        background_color: Some(Paint::One(color.with_alpha(alpha))),
        border_color: Some(Paint::One(color.border())),
        border_width: Some(1.0),
        order: Some(order),
        ..ChartDataset::new(label, data)
    }
}

/// A category axis with fixed categories and half a category of room at both ends, so
/// that bubbles in the first and last row or column are not cut.
fn category(title: String, labels: Vec<String>) -> Scale {
    Scale {
        kind: Some(ScaleKind::Category),
        labels: Some(labels),
        offset: Some(true),
        ..Scale::titled(title)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;
    use tally_analyzer::best_times as analyze;

    use super::*;
    use crate::testing::{checked, datasets, empty, labels, sample};

    fn dataset<'a>(json: &'a Value, label: &str) -> Option<&'a Value> {
        datasets(json)
            .iter()
            .find(|dataset| dataset["label"] == label)
    }

    fn cells(dataset: Option<&Value>) -> Vec<(String, String, f64)> {
        let points = dataset.map(|dataset| dataset["data"].as_array().unwrap().clone());
        points
            .unwrap_or_default()
            .iter()
            .map(|point| {
                let text = |key: &str| point[key].as_str().unwrap().to_owned();
                (text("x"), text("y"), point["r"].as_f64().unwrap())
            })
            .collect()
    }

    #[test]
    fn bubbles_sit_on_hour_and_weekday_categories() {
        let (data, period) = sample(4);
        let result = analyze(&data, &period);
        assert!(
            !result.top_slots.is_empty(),
            "the sample should have confident cells"
        );
        let json = checked(&best_times(&result), "bubble");
        assert!(labels(&json).is_empty());

        let x = &json["options"]["scales"]["x"];
        let y = &json["options"]["scales"]["y"];
        assert_eq!(
            (&x["type"], &y["type"]),
            (&"category".into(), &"category".into())
        );
        assert_eq!((&x["offset"], &y["offset"]), (&true.into(), &true.into()));
        let hours: Vec<&str> = x["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            (hours.len(), hours[0], hours[9], hours[23]),
            (24, "00:00", "09:00", "23:00")
        );
        assert_eq!(y["labels"][0], "Monday");
        assert_eq!(y["labels"][6], "Sunday");
        let timezone = &result.period.timezone;
        assert_eq!(x["title"]["text"], format!("Hour of day ({timezone})"));

        let top = cells(dataset(&json, TOP_SLOTS_LABEL));
        let expected: Vec<(String, String)> = result
            .top_slots
            .iter()
            .map(|slot| (hour(slot.hour), slot.weekday.label().to_owned()))
            .collect();
        let found: Vec<(String, String)> =
            top.iter().map(|(x, y, _)| (x.clone(), y.clone())).collect();
        assert_eq!(
            found.iter().collect::<BTreeSet<_>>(),
            expected.iter().collect::<BTreeSet<_>>()
        );

        let few = cells(dataset(&json, FEW_POSTS_LABEL));
        let other = cells(dataset(&json, CONFIDENT_LABEL));
        let scored = result
            .grid
            .iter()
            .filter(|slot| slot.stats.posts > 0 && slot.stats.median_relative_engagement.is_some());
        let thin = scored
            .clone()
            .filter(|slot| slot.stats.low_confidence)
            .count();
        assert_eq!(few.len(), thin);
        assert_eq!(top.len() + other.len() + few.len(), scored.count());

        let radii = top.iter().chain(&other).chain(&few).map(|(_, _, r)| *r);
        assert!(
            radii
                .clone()
                .all(|r| (MIN_BUBBLE_RADIUS..=MAX_BUBBLE_RADIUS).contains(&r))
        );
        assert_eq!(radii.fold(0.0, f64::max), MAX_BUBBLE_RADIUS);

        let best = dataset(&json, TOP_SLOTS_LABEL).unwrap();
        assert_eq!(best["order"], 0);
        assert_eq!(best["borderColor"], HIGHLIGHT.border());
        let faint = dataset(&json, FEW_POSTS_LABEL).unwrap();
        assert_eq!(faint["backgroundColor"], NEUTRAL_LIGHT.with_alpha(0.2));
        let subtitle = json["options"]["plugins"]["subtitle"]["text"]
            .as_str()
            .unwrap();
        let first = &result.top_slots[0];
        assert!(
            subtitle.contains(&format!(
                "best: {} {}",
                first.weekday.label(),
                hour(first.hour)
            )),
            "{subtitle}"
        );
    }

    #[test]
    fn no_posts_give_axes_but_no_bubbles() {
        let (data, period) = empty();
        let json = checked(&best_times(&analyze(&data, &period)), "bubble");
        assert!(datasets(&json).is_empty());
        assert_eq!(
            json["options"]["scales"]["y"]["labels"]
                .as_array()
                .unwrap()
                .len(),
            7
        );
        let subtitle = json["options"]["plugins"]["subtitle"]["text"]
            .as_str()
            .unwrap();
        assert!(
            subtitle.starts_with("no posts with engagement yet"),
            "{subtitle}"
        );
    }

    #[test]
    fn one_platform_still_places_every_scored_cell() {
        let (data, period) = sample(1);
        let result = analyze(&data, &period);
        let json = checked(&best_times(&result), "bubble");
        let placed: usize = datasets(&json)
            .iter()
            .map(|d| d["data"].as_array().unwrap().len())
            .sum();
        let scored = result
            .grid
            .iter()
            .filter(|slot| slot.stats.median_relative_engagement.is_some());
        assert_eq!(placed, scored.count());
        assert!(placed > 0);
    }

    #[test]
    fn each_bubble_carries_the_figure_its_size_stands_for() {
        let (data, period) = sample(4);
        let result = analyze(&data, &period);
        let json = checked(&best_times(&result), "bubble");
        let points: Vec<(f64, f64)> = datasets(&json)
            .iter()
            .flat_map(|d| d["data"].as_array().unwrap().clone())
            .map(|p| (p["r"].as_f64().unwrap(), p["value"].as_f64().unwrap()))
            .collect();
        assert!(!points.is_empty());
        let highest = points.iter().map(|(_, v)| *v).fold(0.0, f64::max);
        for (radius, value) in &points {
            assert!(*value >= 0.0);
            if (*value - highest).abs() < 1e-9 {
                assert_eq!(*radius, MAX_BUBBLE_RADIUS);
            }
        }
        let medians: Vec<f64> = result
            .grid
            .iter()
            .filter_map(|slot| slot.stats.median_relative_engagement)
            .map(|m| (m * 100.0).round() / 100.0)
            .collect();
        for (_, value) in &points {
            assert!(medians.contains(value), "{value} is a cell's median");
        }
    }
}
