//! Doughnut charts: one ring per dataset, one slice per positive value, clockwise from the
//! top as Chart.js draws them, with the share of the whole in each tooltip.

use std::f64::consts::{FRAC_PI_2, PI, TAU};

use super::color::Palette;
use super::data::{fill_at, values};
use super::document::{Svg, at, attr, px};
use super::numbers;
use super::scale::Rect;
use crate::model::ChartConfig;

/// The share of the radius cut out of the middle, as Chart.js's default `cutout: "50%"`.
const CUTOUT: f64 = 0.5;

/// Draws every slice of `config` in the middle of `area`.
pub(super) fn draw(svg: &mut Svg, config: &ChartConfig, area: Rect, palette: &Palette) {
    let center = (area.x + area.width / 2.0, area.y + area.height / 2.0);
    let outer = (area.width.min(area.height) / 2.0 - 2.0).max(4.0);
    let inner = outer * CUTOUT;
    let datasets = &config.data.datasets;
    let ring = (outer - inner) / datasets.len().max(1) as f64;

    svg.open("g", &[attr("class", "marks")]);
    for (number, dataset) in datasets.iter().enumerate() {
        let slices: Vec<(usize, f64)> = values(dataset).filter(|(_, value)| *value > 0.0).collect();
        let total: f64 = slices.iter().map(|(_, value)| value).sum();
        if !(total.is_finite() && total > 0.0) {
            continue;
        }
        let radii = (
            outer - number as f64 * ring,
            outer - (number + 1) as f64 * ring,
        );
        let separator = dataset
            .border_width
            .filter(|width| width.is_finite() && *width > 0.0)
            .unwrap_or(0.0);

        let mut start = -FRAC_PI_2;
        for (position, value) in slices {
            let sweep = value / total * TAU;
            let label = config
                .data
                .labels
                .get(position)
                .map_or(dataset.label.as_str(), String::as_str);
            let mut attrs = vec![
                attr("class", "slice"),
                attr("d", slice(center, radii, start, start + sweep)),
                at("stroke-width", separator),
            ];
            attrs.extend(fill_at(dataset, position, palette).fill());
            // The separators between slices are the background, in either theme.
            attrs.extend(palette.background.stroke());
            let tooltip = format!(
                "{label}: {} ({})",
                numbers::exact(value, false),
                numbers::share(value, total)
            );
            svg.with_tooltip("path", &attrs, &tooltip);
            start += sweep;
        }
    }
    svg.close("g");
}

/// The outline of a ring slice from angle `from` to `to` (radians, clockwise from the
/// x axis); a whole ring is drawn as two halves, since an arc cannot end where it starts.
fn slice(center: (f64, f64), (outer, inner): (f64, f64), from: f64, to: f64) -> String {
    if to - from >= TAU - 1e-6 {
        let half = from + PI;
        return format!(
            "{} {}",
            slice(center, (outer, inner), from, half),
            slice(center, (outer, inner), half, from + TAU)
        );
    }
    let point = |radius: f64, angle: f64| {
        format!(
            "{} {}",
            px(center.0 + radius * angle.cos()),
            px(center.1 + radius * angle.sin())
        )
    };
    let large = if to - from > PI { 1 } else { 0 };
    format!(
        "M{} A{} {} 0 {large} 1 {} L{} A{} {} 0 {large} 0 {} Z",
        point(outer, from),
        px(outer),
        px(outer),
        point(outer, to),
        point(inner, to),
        px(inner),
        px(inner),
        point(inner, from),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_slice_starts_at_the_top() {
        let d = slice((100.0, 100.0), (50.0, 25.0), -FRAC_PI_2, 0.0);
        assert_eq!(
            d,
            "M100 50 A50 50 0 0 1 150 100 L125 100 A25 25 0 0 0 100 75 Z"
        );
    }

    #[test]
    fn a_whole_ring_is_two_halves() {
        let d = slice((0.0, 0.0), (2.0, 1.0), -FRAC_PI_2, -FRAC_PI_2 + TAU);
        assert_eq!(d.matches('Z').count(), 2);
    }
}
