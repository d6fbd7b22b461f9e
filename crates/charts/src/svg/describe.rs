//! The `<desc>` of a chart: what it shows, in words, for readers who cannot see it.

use super::cartesian::{index_axis_id, value_axis_id};
use super::data::{bubbles, has_data, is_percent, values};
use super::frame::NO_DATA_MESSAGE;
use super::numbers;
use crate::model::{ChartConfig, ChartDataset, ChartKind};

/// Datasets described one by one; the rest are counted.
const MAX_DATASETS: usize = 10;

/// Categories listed value by value; with more, only the highest and lowest are named.
const MAX_LISTED: usize = 12;

/// A summary of the chart's data in sentences, after its subtitle.
pub(super) fn describe(config: &ChartConfig) -> String {
    let mut sentences: Vec<String> = Vec::new();
    if let Some(subtitle) = config
        .options
        .plugins
        .subtitle
        .as_ref()
        .filter(|s| s.display)
    {
        sentences.push(format!("{}.", subtitle.text));
    }
    if !has_data(config) {
        sentences.push(format!("{NO_DATA_MESSAGE}."));
        return sentences.join(" ");
    }

    match config.kind {
        ChartKind::Line | ChartKind::Bar => series(config, &mut sentences),
        ChartKind::Doughnut => slices(config, &mut sentences),
        ChartKind::Bubble => cells(config, &mut sentences),
    }
    let more = config.data.datasets.len().saturating_sub(MAX_DATASETS);
    if more > 0 {
        sentences.push(format!("{more} more series are not described."));
    }
    sentences.join(" ")
}

fn axis_title<'a>(config: &'a ChartConfig, id: &str) -> Option<&'a str> {
    let scale = config.options.scales.get(id)?;
    scale.title.as_ref().map(|title| title.text.as_str())
}

fn series(config: &ChartConfig, sentences: &mut Vec<String>) {
    let labels = &config.data.labels;
    let kind = if config.kind == ChartKind::Line {
        "Line"
    } else {
        "Bar"
    };
    let index = axis_title(config, index_axis_id(config)).unwrap_or("category");
    let (first, last) = (labels.first(), labels.last());
    let span = match (first, last) {
        (Some(first), Some(last)) if labels.len() > 1 => format!(" from {first} to {last}"),
        _ => String::new(),
    };
    sentences.push(format!(
        "{kind} chart by {}, {} {}{span}.",
        index.to_lowercase(),
        labels.len(),
        if labels.len() == 1 {
            "category"
        } else {
            "categories"
        },
    ));

    for dataset in config.data.datasets.iter().take(MAX_DATASETS) {
        let id = value_axis_id(config, dataset);
        let unit = axis_title(config, id).unwrap_or("value");
        let percent = is_percent(Some(unit));
        let known: Vec<(usize, f64)> = values(dataset).filter(|(i, _)| *i < labels.len()).collect();
        let at = |(index, value): (usize, f64)| {
            format!("{} {}", labels[index], numbers::exact(value, percent))
        };
        let summary = if known.is_empty() {
            "no values".to_owned()
        } else if labels.len() <= MAX_LISTED {
            known.iter().copied().map(at).collect::<Vec<_>>().join(", ")
        } else {
            let highest = known
                .iter()
                .copied()
                .fold(known[0], |a, b| if b.1 > a.1 { b } else { a });
            let lowest = known
                .iter()
                .copied()
                .fold(known[0], |a, b| if b.1 < a.1 { b } else { a });
            let latest = known[known.len() - 1];
            format!(
                "{} values, highest {}, lowest {}, last {}",
                known.len(),
                at(highest),
                at(lowest),
                at(latest)
            )
        };
        sentences.push(format!(
            "{}, {}: {summary}.",
            dataset.label,
            lowercase_first(unit)
        ));
    }
}

fn slices(config: &ChartConfig, sentences: &mut Vec<String>) {
    for dataset in config.data.datasets.iter().take(MAX_DATASETS) {
        let parts: Vec<(usize, f64)> = values(dataset).filter(|(_, value)| *value > 0.0).collect();
        let total: f64 = parts.iter().map(|(_, value)| value).sum();
        let listed: Vec<String> = parts
            .iter()
            .map(|(index, value)| {
                let label = config.data.labels.get(*index).map_or("?", String::as_str);
                format!(
                    "{label} {} ({})",
                    numbers::exact(*value, false),
                    numbers::share(*value, total)
                )
            })
            .collect();
        sentences.push(format!(
            "Doughnut chart of {}, {} in total: {}.",
            dataset.label,
            numbers::exact(total, false),
            listed.join(", ")
        ));
    }
}

fn cells(config: &ChartConfig, sentences: &mut Vec<String>) {
    let x = axis_title(config, "x").unwrap_or("x");
    let y = axis_title(config, "y").unwrap_or("y");
    sentences.push(format!(
        "Bubble chart by {} and {}.",
        y.to_lowercase(),
        x.to_lowercase()
    ));
    for dataset in config.data.datasets.iter().take(MAX_DATASETS) {
        sentences.push(largest_cells(dataset));
    }
}

fn largest_cells(dataset: &ChartDataset) -> String {
    let mut points: Vec<_> = bubbles(dataset).collect();
    points.sort_by(|a, b| b.r.total_cmp(&a.r));
    let named: Vec<String> = points
        .iter()
        .take(5)
        .map(|point| format!("{} {}", point.y, point.x))
        .collect();
    let rest = points.len().saturating_sub(named.len());
    let more = if rest > 0 {
        format!(" and {rest} more")
    } else {
        String::new()
    };
    format!(
        "{}: {} {}, largest first: {}{more}.",
        dataset.label,
        points.len(),
        if points.len() == 1 {
            "bubble"
        } else {
            "bubbles"
        },
        named.join(", ")
    )
}

/// `Engagement rate (%)` as `engagement rate (%)`, to continue a sentence.
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
