//! Line charts: one path per dataset over the category axis, broken at `null` values unless
//! the dataset spans gaps, and one point per value carrying its tooltip.

use super::cartesian::{Layout, index_axis_id, value_axis_id};
use super::color::Palette;
use super::data::{drawing_order, fill_at, stroke_at, value_at};
use super::document::{Svg, at, attr, px};
use super::legend::dash_array;
use super::numbers;
use crate::model::ChartConfig;

/// Chart.js's default line width.
const DEFAULT_WIDTH: f64 = 3.0;

/// Chart.js's default point radius.
const DEFAULT_POINT_RADIUS: f64 = 3.0;

/// Draws every line dataset of `config` on `layout`.
///
/// TODO: a `tension` above 0 is drawn with straight segments: no builder asks for curves,
/// and straight segments never suggest values that were not measured.
pub(super) fn draw(svg: &mut Svg, config: &ChartConfig, layout: &Layout, palette: &Palette) {
    let Some(index) = layout.category(index_axis_id(config)) else {
        return;
    };
    let labels = &config.data.labels;

    svg.open("g", &[attr("class", "marks")]);
    for (_, dataset) in drawing_order(&config.data.datasets) {
        let Some((values, percent)) = layout.linear(value_axis_id(config, dataset)) else {
            continue;
        };

        let mut segments: Vec<Vec<(usize, f64, f64)>> = vec![Vec::new()];
        for position in 0..labels.len() {
            match value_at(dataset, position) {
                Some(value) => {
                    if let Some(segment) = segments.last_mut() {
                        segment.push((position, index.at(position), values.at(value)));
                    }
                }
                None if dataset.span_gaps == Some(true) => {}
                None => segments.push(Vec::new()),
            }
        }
        segments.retain(|segment| !segment.is_empty());
        if segments.is_empty() {
            continue;
        }

        let stroke = stroke_at(dataset, 0, palette);
        svg.open("g", &[attr("class", "dataset")]);
        if dataset.fill == Some(true) {
            let base = values.base();
            let area: String = segments
                .iter()
                .map(|segment| {
                    let mut d = path(segment);
                    if let (Some(first), Some(last)) = (segment.first(), segment.last()) {
                        d.push_str(&format!(
                            " L{} {} L{} {} Z",
                            px(last.1),
                            px(base),
                            px(first.1),
                            px(base)
                        ));
                    }
                    d
                })
                .collect::<Vec<_>>()
                .join(" ");
            let mut attrs = vec![
                attr("class", "area"),
                attr("d", area),
                attr("stroke", "none"),
            ];
            attrs.extend(fill_at(dataset, 0, palette).fill());
            svg.empty("path", &attrs);
        }

        let d = segments
            .iter()
            .map(|segment| path(segment))
            .collect::<Vec<_>>()
            .join(" ");
        let mut attrs = vec![
            attr("class", "line"),
            attr("d", d),
            attr("fill", "none"),
            at(
                "stroke-width",
                dataset
                    .border_width
                    .filter(|w| w.is_finite() && *w >= 0.0)
                    .unwrap_or(DEFAULT_WIDTH),
            ),
            attr("stroke-linejoin", "round"),
            attr("stroke-linecap", "round"),
        ];
        attrs.extend(stroke.stroke());
        if let Some(dash) = &dataset.border_dash {
            attrs.push(attr("stroke-dasharray", dash_array(dash)));
        }
        svg.with_tooltip("path", &attrs, &dataset.label);

        let radius = dataset
            .point_radius
            .filter(|radius| radius.is_finite() && *radius >= 0.0)
            .unwrap_or(DEFAULT_POINT_RADIUS);
        let mut point_paint = stroke.fill();
        point_paint.push(attr("class", "point"));
        for (position, x, y) in segments.iter().flatten() {
            let mut attrs = vec![at("cx", *x), at("cy", *y), at("r", radius)];
            attrs.extend(point_paint.iter().cloned());
            let value = value_at(dataset, *position).unwrap_or_default();
            let label = labels
                .get(*position)
                .map(String::as_str)
                .unwrap_or_default();
            let tooltip = format!(
                "{} · {label}: {}",
                dataset.label,
                numbers::exact(value, percent)
            );
            svg.with_tooltip("circle", &attrs, &tooltip);
        }
        svg.close("g");
    }
    svg.close("g");
}

/// A path through the points of one segment.
fn path(segment: &[(usize, f64, f64)]) -> String {
    segment
        .iter()
        .enumerate()
        .map(|(number, (_, x, y))| {
            let command = if number == 0 { 'M' } else { 'L' };
            format!("{command}{} {}", px(*x), px(*y))
        })
        .collect::<Vec<_>>()
        .join(" ")
}
