//! Reading the chart model: finite values, bubble points, colors of points and datasets.
//!
//! Every value that reaches the drawing code passes through here, so that a NaN or an
//! infinity in a hand-made configuration is skipped like a `null`.

use super::color::{Palette, Rgba};
use crate::model::{BubblePoint, ChartConfig, ChartDataset, ChartKind, DataPoint, Paint};

/// The finite value at `index`, or `None` for `null`, a non-finite number or a bubble.
pub(super) fn value_at(dataset: &ChartDataset, index: usize) -> Option<f64> {
    match dataset.data.get(index) {
        Some(DataPoint::Value(Some(value))) if value.is_finite() => Some(*value),
        _ => None,
    }
}

/// The finite values of a dataset with their indexes.
pub(super) fn values(dataset: &ChartDataset) -> impl Iterator<Item = (usize, f64)> + '_ {
    (0..dataset.data.len()).filter_map(|index| value_at(dataset, index).map(|v| (index, v)))
}

/// The bubble points of a dataset with a finite, positive radius.
pub(super) fn bubbles(dataset: &ChartDataset) -> impl Iterator<Item = &BubblePoint> {
    dataset.data.iter().filter_map(|point| match point {
        DataPoint::Bubble(bubble) if bubble.r.is_finite() && bubble.r > 0.0 => Some(bubble),
        _ => None,
    })
}

/// Whether the chart has anything to draw.
pub(super) fn has_data(config: &ChartConfig) -> bool {
    let datasets = &config.data.datasets;
    match config.kind {
        ChartKind::Line | ChartKind::Bar => {
            !config.data.labels.is_empty()
                && datasets.iter().any(|dataset| {
                    values(dataset).any(|(index, _)| index < config.data.labels.len())
                })
        }
        ChartKind::Doughnut => datasets
            .iter()
            .any(|dataset| values(dataset).any(|(_, value)| value > 0.0)),
        ChartKind::Bubble => datasets
            .iter()
            .any(|dataset| bubbles(dataset).next().is_some()),
    }
}

/// The color of point `index` in `paint` (Chart.js repeats a shorter list of colors).
fn paint_at(paint: Option<&Paint>, index: usize) -> Option<Rgba> {
    match paint? {
        Paint::One(css) => Rgba::parse(css),
        Paint::Each(list) if list.is_empty() => None,
        Paint::Each(list) => Rgba::parse(&list[index % list.len()]),
    }
}

/// The fill of point `index`: its background color, else its border color.
pub(super) fn fill_at(dataset: &ChartDataset, index: usize, palette: &Palette) -> Rgba {
    let color = paint_at(dataset.background_color.as_ref(), index)
        .or_else(|| paint_at(dataset.border_color.as_ref(), index))
        .unwrap_or(palette.fallback);
    palette.mark(color)
}

/// The outline or line color of point `index`: its border color, else its background
/// color made opaque.
pub(super) fn stroke_at(dataset: &ChartDataset, index: usize, palette: &Palette) -> Rgba {
    let color = paint_at(dataset.border_color.as_ref(), index)
        .or_else(|| paint_at(dataset.background_color.as_ref(), index).map(Rgba::solid))
        .unwrap_or(palette.fallback);
    palette.mark(color)
}

/// Whether an axis with this title shows percentages (tally writes the unit as `(%)`).
pub(super) fn is_percent(title: Option<&str>) -> bool {
    title.is_some_and(|title| title.contains('%'))
}

/// The datasets in drawing order: a higher `order` is drawn first, under the others.
pub(super) fn drawing_order(datasets: &[ChartDataset]) -> Vec<(usize, &ChartDataset)> {
    let mut ordered: Vec<(usize, &ChartDataset)> = datasets.iter().enumerate().collect();
    ordered.sort_by_key(|(_, dataset)| std::cmp::Reverse(dataset.order.unwrap_or(0)));
    ordered
}
