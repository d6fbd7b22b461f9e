//! Drawing placed axes: grid lines under the data, then axis lines, tick labels and axis
//! titles around the plot.

use super::cartesian::{Axis, Layout, Measure, Side};
use super::color::Palette;
use super::document::{Svg, at, attr, px};
use super::text;
use super::{AXIS_TITLE_SIZE, GAP, TICK_SIZE};

/// Draws the grid lines of every axis that has them, and a stronger line at zero.
pub(super) fn draw_grid(svg: &mut Svg, layout: &Layout, palette: &Palette) {
    let plot = layout.plot;
    let mut attrs = vec![attr("class", "grid"), attr("stroke-width", "1")];
    attrs.extend(palette.grid.stroke());
    svg.open("g", &attrs);
    for axis in layout.axes.iter().filter(|axis| axis.grid) {
        let vertical = axis.side != Side::Bottom;
        let mut lines: Vec<(f64, bool)> = Vec::new();
        match &axis.measure {
            Measure::Linear { scale, .. } => {
                let crosses_zero = scale.ticks.min < 0.0 && scale.ticks.max > 0.0;
                lines.extend(
                    scale
                        .ticks
                        .values
                        .iter()
                        .map(|value| (scale.at(*value), crosses_zero && *value == 0.0)),
                );
            }
            Measure::Category(category) if category.offset => {
                lines.extend(category.boundaries().into_iter().map(|at| (at, false)));
            }
            Measure::Category(category) => lines.extend(
                (0..category.labels.len())
                    .step_by(axis.labels.step.max(1))
                    .map(|index| (category.at(index), false)),
            ),
        }
        for (position, zero) in lines {
            let mut line = if vertical {
                vec![
                    at("x1", plot.x),
                    at("x2", plot.right()),
                    at("y1", position),
                    at("y2", position),
                ]
            } else {
                vec![
                    at("x1", position),
                    at("x2", position),
                    at("y1", plot.y),
                    at("y2", plot.bottom()),
                ]
            };
            if zero {
                line.extend(palette.axis.stroke());
            }
            svg.empty("line", &line);
        }
    }
    svg.close("g");
}

/// Draws every axis: its line along the plot, its tick labels and its title.
pub(super) fn draw_axes(svg: &mut Svg, layout: &Layout, palette: &Palette) {
    let mut attrs = vec![
        attr("class", "axes"),
        at("font-size", TICK_SIZE),
        attr("stroke-width", "1"),
    ];
    attrs.extend(palette.muted.fill());
    svg.open("g", &attrs);
    let (mut left, mut right, mut bottom) = (0.0, 0.0, 0.0);
    for axis in &layout.axes {
        let offset = match axis.side {
            Side::Left => &mut left,
            Side::Right => &mut right,
            Side::Bottom => &mut bottom,
        };
        draw_axis(svg, layout, axis, *offset, palette);
        *offset +=
            GAP + axis.labels.extent + axis.title.as_ref().map_or(0.0, |_| GAP + AXIS_TITLE_SIZE);
    }
    svg.close("g");
}

fn draw_axis(svg: &mut Svg, layout: &Layout, axis: &Axis, offset: f64, palette: &Palette) {
    let plot = layout.plot;
    let mut line = match axis.side {
        Side::Left => [plot.x, plot.y, plot.x, plot.bottom()],
        Side::Right => [plot.right(), plot.y, plot.right(), plot.bottom()],
        Side::Bottom => [plot.x, plot.bottom(), plot.right(), plot.bottom()],
    }
    .into_iter()
    .zip(["x1", "y1", "x2", "y2"])
    .map(|(value, name)| at(name, value))
    .collect::<Vec<_>>();
    line.extend(palette.axis.stroke());
    svg.empty("line", &line);

    let labels = axis.tick_labels();
    let positions: Vec<f64> = match &axis.measure {
        Measure::Category(category) => (0..labels.len()).map(|i| category.at(i)).collect(),
        Measure::Linear { scale, .. } => scale.ticks.values.iter().map(|v| scale.at(*v)).collect(),
    };
    let plan = axis.labels;
    for (label, position) in labels.iter().zip(positions).step_by(plan.step.max(1)) {
        let (shown, _) = text::fit(label, plan.max_width, TICK_SIZE);
        let baseline_shift = TICK_SIZE * 0.35;
        let attrs = match axis.side {
            Side::Left => vec![
                at("x", plot.x - offset - GAP),
                at("y", position + baseline_shift),
                attr("text-anchor", "end"),
            ],
            Side::Right => vec![
                at("x", plot.right() + offset + GAP),
                at("y", position + baseline_shift),
                attr("text-anchor", "start"),
            ],
            Side::Bottom if plan.rotated => {
                let (x, y) = (position, plot.bottom() + offset + GAP + TICK_SIZE * 0.6);
                vec![
                    at("x", x),
                    at("y", y),
                    attr("text-anchor", "end"),
                    attr("transform", format!("rotate(-45 {} {})", px(x), px(y))),
                ]
            }
            Side::Bottom => vec![
                at("x", position),
                at("y", plot.bottom() + offset + GAP + TICK_SIZE * 0.8),
                attr("text-anchor", "middle"),
            ],
        };
        svg.label(&attrs, &shown, label);
    }

    if let Some(title) = &axis.title {
        draw_title(svg, layout, axis, title, offset, palette);
    }
}

fn draw_title(
    svg: &mut Svg,
    layout: &Layout,
    axis: &Axis,
    title: &str,
    offset: f64,
    palette: &Palette,
) {
    let plot = layout.plot;
    let away = offset + GAP + axis.labels.extent + GAP;
    let (x, y, turn, length) = match axis.side {
        Side::Left => (
            plot.x - away,
            plot.y + plot.height / 2.0,
            Some(-90),
            plot.height,
        ),
        Side::Right => (
            plot.right() + away,
            plot.y + plot.height / 2.0,
            Some(90),
            plot.height,
        ),
        Side::Bottom => (
            plot.x + plot.width / 2.0,
            plot.bottom() + away + AXIS_TITLE_SIZE * 0.85,
            None,
            plot.width,
        ),
    };
    let (shown, _) = text::fit(title, length, AXIS_TITLE_SIZE);
    let mut attrs = vec![
        attr("class", "axis-title"),
        at("x", x),
        at("y", y),
        attr("text-anchor", "middle"),
        at("font-size", AXIS_TITLE_SIZE),
    ];
    attrs.extend(palette.text.fill());
    if let Some(degrees) = turn {
        let (x, y) = (px(x), px(y));
        attrs.push(attr("transform", format!("rotate({degrees} {x} {y})")));
    }
    svg.label(&attrs, &shown, title);
}
