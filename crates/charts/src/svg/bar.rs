//! Bar charts, vertical or horizontal (`indexAxis: "y"`): grouped side by side, or overlaid
//! on the full category width for datasets with `grouped: false`; a `null` draws no bar.

use super::cartesian::{Layout, index_axis_id, is_horizontal, value_axis_id};
use super::color::Palette;
use super::data::{drawing_order, fill_at, stroke_at, value_at};
use super::document::{Svg, at, attr};
use super::numbers;
use crate::model::{ChartConfig, ChartDataset};

/// The share of a category's room that its bars take, as Chart.js's `categoryPercentage`.
const CATEGORY_SHARE: f64 = 0.8;

/// The share of a slot that its bar takes, as Chart.js's `barPercentage`.
const BAR_SHARE: f64 = 0.9;

/// Draws every bar of `config` on `layout`, each with its tooltip.
pub(super) fn draw(svg: &mut Svg, config: &ChartConfig, layout: &Layout, palette: &Palette) {
    let Some(index) = layout.category(index_axis_id(config)) else {
        return;
    };
    let horizontal = is_horizontal(config);
    let datasets = &config.data.datasets;
    let room = index.band() * CATEGORY_SHARE;

    svg.open("g", &[attr("class", "marks")]);
    for (position, label) in config.data.labels.iter().enumerate() {
        let slots = grouped_slots(datasets, position);
        for (number, dataset) in drawing_order(datasets) {
            let Some(value) = value_at(dataset, position) else {
                continue;
            };
            let Some((scale, percent)) = layout.linear(value_axis_id(config, dataset)) else {
                continue;
            };

            let (offset, width) = match slots.iter().position(|slot| *slot == number) {
                Some(slot) => {
                    let width = room / slots.len() as f64;
                    (-room / 2.0 + (slot as f64 + 0.5) * width, width)
                }
                None => (0.0, room),
            };
            let thickness = width * BAR_SHARE;
            let across = index.at(position) + offset - thickness / 2.0;
            let (base, tip) = (scale.base(), scale.at(value));
            let along = base.min(tip);
            let length = (base - tip).abs();
            let mut attrs = if horizontal {
                vec![
                    at("x", along),
                    at("y", across),
                    at("width", length),
                    at("height", thickness),
                ]
            } else {
                vec![
                    at("x", across),
                    at("y", along),
                    at("width", thickness),
                    at("height", length),
                ]
            };
            attrs.push(attr("class", "bar"));
            attrs.extend(fill_at(dataset, position, palette).fill());
            let border = dataset
                .border_width
                .filter(|width| width.is_finite() && *width > 0.0);
            if let Some(border) = border {
                attrs.extend(stroke_at(dataset, position, palette).stroke());
                attrs.push(at("stroke-width", border));
            }
            let tooltip = format!(
                "{} · {label}: {}",
                dataset.label,
                numbers::exact(value, percent)
            );
            svg.with_tooltip("rect", &attrs, &tooltip);
        }
    }
    svg.close("g");
}

/// The datasets that share the category at `position` side by side: every grouped one,
/// less those that skip their `null` values and have one there.
fn grouped_slots(datasets: &[ChartDataset], position: usize) -> Vec<usize> {
    datasets
        .iter()
        .enumerate()
        .filter(|(_, dataset)| dataset.grouped != Some(false))
        .filter(|(_, dataset)| {
            dataset.skip_null != Some(true) || value_at(dataset, position).is_some()
        })
        .map(|(number, _)| number)
        .collect()
}
