//! Bubble charts on two category axes: one circle per point, in its cell, sized by `r`.

use super::cartesian::Layout;
use super::color::Palette;
use super::data::{bubbles, drawing_order, fill_at, stroke_at};
use super::document::{Svg, at, attr};
use super::numbers;
use crate::model::ChartConfig;

/// The smallest radius drawn, so that every bubble stays visible and hoverable.
const MIN_RADIUS: f64 = 1.5;

/// Draws every bubble of `config` on `layout`, each with its tooltip.
///
/// Radii are pixels as in Chart.js, but scaled down together when the cells are smaller
/// than the largest bubble, so that neighbouring bubbles do not cover each other.
pub(super) fn draw(svg: &mut Svg, config: &ChartConfig, layout: &Layout, palette: &Palette) {
    let (Some(x), Some(y)) = (layout.category("x"), layout.category("y")) else {
        return;
    };
    let largest = config
        .data
        .datasets
        .iter()
        .flat_map(bubbles)
        .map(|point| point.r)
        .fold(0.0, f64::max);
    let cell = x.band().min(y.band());
    let shrink = if largest > 0.0 {
        (cell / 2.0 / largest).min(1.0)
    } else {
        1.0
    };

    svg.open("g", &[attr("class", "marks")]);
    for (_, dataset) in drawing_order(&config.data.datasets) {
        let mut paint = fill_at(dataset, 0, palette).fill();
        paint.extend(stroke_at(dataset, 0, palette).stroke());
        let border = dataset
            .border_width
            .filter(|width| width.is_finite() && *width >= 0.0)
            .unwrap_or(1.0);
        paint.push(at("stroke-width", border));
        paint.push(attr("class", "bubble"));

        for point in bubbles(dataset) {
            let (Some(column), Some(row)) = (x.index_of(&point.x), y.index_of(&point.y)) else {
                continue;
            };
            let mut attrs = vec![
                at("cx", x.at(column)),
                at("cy", y.at(row)),
                at("r", (point.r * shrink).max(MIN_RADIUS)),
            ];
            attrs.extend(paint.iter().cloned());
            let tooltip = format!(
                "{} · {} {}: size {}",
                dataset.label,
                point.y,
                point.x,
                numbers::exact(point.r, false)
            );
            svg.with_tooltip("circle", &attrs, &tooltip);
        }
    }
    svg.close("g");
}
