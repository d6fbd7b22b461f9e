//! The legend: one entry per dataset (per slice for doughnuts) with its color, placed on
//! the side the chart asks for.

use super::color::{Palette, Rgba};
use super::data::{fill_at, stroke_at};
use super::document::{Svg, at, attr};
use super::scale::Rect;
use super::text;
use super::{GAP, LEGEND_SIZE};
use crate::model::{ChartConfig, ChartKind, Position};

/// The sample of a dataset's look drawn before its name.
#[derive(Clone, Debug, PartialEq)]
enum Swatch {
    /// A filled square, for bars and slices.
    Square { fill: Rgba, stroke: Rgba },
    /// A short stroke, dashed like the line.
    Line { stroke: Rgba, dash: Option<String> },
    /// A filled circle, for bubbles.
    Dot { fill: Rgba, stroke: Rgba },
}

/// One legend entry.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    label: String,
    swatch: Swatch,
}

/// The width of a swatch.
const SWATCH: f64 = 14.0;

/// The height of a legend row.
const ROW: f64 = LEGEND_SIZE + 7.0;

/// The space between entries on one row.
const SPACING: f64 = 16.0;

/// Draws the legend of `config` in `area` where the chart asks for it, and returns the area
/// left for the data; a hidden or empty legend takes no room.
pub(super) fn draw(svg: &mut Svg, config: &ChartConfig, area: Rect, palette: &Palette) -> Rect {
    let legend = &config.options.plugins.legend;
    let entries = entries(config, palette);
    if !legend.display || entries.is_empty() {
        return area;
    }

    let mut attrs = vec![attr("class", "legend"), at("font-size", LEGEND_SIZE)];
    attrs.extend(palette.text.fill());
    svg.open("g", &attrs);
    let left = match legend.position {
        Position::Top | Position::Bottom => draw_rows(svg, &entries, area, legend.position),
        Position::Left | Position::Right => {
            draw_column(svg, &entries, area, legend.position, palette)
        }
    };
    svg.close("g");
    left
}

fn entries(config: &ChartConfig, palette: &Palette) -> Vec<Entry> {
    let datasets = &config.data.datasets;
    match config.kind {
        ChartKind::Doughnut => {
            let Some(first) = datasets.first() else {
                return Vec::new();
            };
            config
                .data
                .labels
                .iter()
                .enumerate()
                .map(|(index, label)| Entry {
                    label: label.clone(),
                    swatch: Swatch::Square {
                        fill: fill_at(first, index, palette),
                        stroke: fill_at(first, index, palette),
                    },
                })
                .collect()
        }
        kind => datasets
            .iter()
            .map(|dataset| {
                let (fill, stroke) = (fill_at(dataset, 0, palette), stroke_at(dataset, 0, palette));
                let swatch = match kind {
                    ChartKind::Line => Swatch::Line {
                        stroke,
                        dash: dataset.border_dash.as_ref().map(|dash| dash_array(dash)),
                    },
                    ChartKind::Bubble => Swatch::Dot { fill, stroke },
                    _ => Swatch::Square { fill, stroke },
                };
                Entry {
                    label: dataset.label.clone(),
                    swatch,
                }
            })
            .collect(),
    }
}

/// A dash pattern as SVG's `stroke-dasharray`.
pub(super) fn dash_array(dash: &[u32]) -> String {
    dash.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn draw_rows(svg: &mut Svg, entries: &[Entry], area: Rect, position: Position) -> Rect {
    let max_text = area.width * 0.45;
    let sized: Vec<(String, f64)> = entries
        .iter()
        .map(|entry| {
            let (shown, _) = text::fit(&entry.label, max_text, LEGEND_SIZE);
            let width = SWATCH + GAP + text::width(&shown, LEGEND_SIZE);
            (shown, width)
        })
        .collect();

    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut row_width = 0.0;
    for (index, (_, width)) in sized.iter().enumerate() {
        let needed = if row_width > 0.0 {
            SPACING + width
        } else {
            *width
        };
        if row_width > 0.0 && row_width + needed > area.width {
            rows.push(Vec::new());
            row_width = 0.0;
        }
        row_width += if row_width > 0.0 {
            SPACING + width
        } else {
            *width
        };
        if let Some(row) = rows.last_mut() {
            row.push(index);
        }
    }

    let height = rows.len() as f64 * ROW;
    let top = match position {
        Position::Bottom => area.bottom() - height,
        _ => area.y,
    };
    for (number, row) in rows.iter().enumerate() {
        let total: f64 = row.iter().map(|index| sized[*index].1).sum::<f64>()
            + SPACING * row.len().saturating_sub(1) as f64;
        let mut x = area.x + (area.width - total).max(0.0) / 2.0;
        let middle = top + number as f64 * ROW + ROW / 2.0;
        for index in row {
            let (shown, width) = &sized[*index];
            draw_entry(svg, &entries[*index], shown, x, middle);
            x += width + SPACING;
        }
    }
    match position {
        Position::Bottom => area.inset(0.0, 0.0, height + GAP, 0.0),
        _ => area.inset(height + GAP, 0.0, 0.0, 0.0),
    }
}

fn draw_column(
    svg: &mut Svg,
    entries: &[Entry],
    area: Rect,
    position: Position,
    palette: &Palette,
) -> Rect {
    let max_text = area.width * 0.3 - SWATCH - GAP;
    let shown: Vec<String> = entries
        .iter()
        .map(|entry| text::fit(&entry.label, max_text, LEGEND_SIZE).0)
        .collect();
    let width = shown
        .iter()
        .map(|label| SWATCH + GAP + text::width(label, LEGEND_SIZE))
        .fold(0.0, f64::max);

    let fitting = ((area.height / ROW).floor() as usize).max(1);
    let (listed, hidden) = if entries.len() > fitting {
        (fitting - 1, entries.len() + 1 - fitting)
    } else {
        (entries.len(), 0)
    };
    let rows = listed + usize::from(hidden > 0);
    let top = area.y + (area.height - rows as f64 * ROW).max(0.0) / 2.0;
    let x = match position {
        Position::Left => area.x,
        _ => area.right() - width,
    };
    for (index, entry) in entries.iter().take(listed).enumerate() {
        let middle = top + index as f64 * ROW + ROW / 2.0;
        draw_entry(svg, entry, &shown[index], x, middle);
    }
    if hidden > 0 {
        let mut attrs = vec![
            at("x", x + SWATCH + GAP),
            at(
                "y",
                top + listed as f64 * ROW + ROW / 2.0 + LEGEND_SIZE * 0.35,
            ),
        ];
        attrs.extend(palette.muted.fill());
        svg.element_with_text("text", &attrs, &format!("and {hidden} more"));
    }
    match position {
        Position::Left => area.inset(0.0, 0.0, 0.0, width + 2.0 * GAP),
        _ => area.inset(0.0, width + 2.0 * GAP, 0.0, 0.0),
    }
}

fn draw_entry(svg: &mut Svg, entry: &Entry, shown: &str, x: f64, middle: f64) {
    svg.open("g", &[attr("class", "legend-item")]);
    let half = SWATCH / 2.0;
    match &entry.swatch {
        Swatch::Square { fill, stroke } => {
            let mut attrs = vec![
                at("x", x + 1.0),
                at("y", middle - half + 1.0),
                at("width", SWATCH - 2.0),
                at("height", SWATCH - 2.0),
                attr("stroke-width", "1"),
            ];
            attrs.extend(fill.fill());
            attrs.extend(stroke.stroke());
            svg.empty("rect", &attrs);
        }
        Swatch::Line { stroke, dash } => {
            let mut attrs = vec![
                at("x1", x),
                at("x2", x + SWATCH),
                at("y1", middle),
                at("y2", middle),
                attr("stroke-width", "2"),
            ];
            attrs.extend(stroke.stroke());
            if let Some(dash) = dash {
                attrs.push(attr("stroke-dasharray", dash.as_str()));
            }
            svg.empty("line", &attrs);
        }
        Swatch::Dot { fill, stroke } => {
            let mut attrs = vec![at("cx", x + half), at("cy", middle), at("r", half - 1.0)];
            attrs.extend(fill.fill());
            attrs.extend(stroke.stroke());
            svg.empty("circle", &attrs);
        }
    }
    let attrs = [
        at("x", x + SWATCH + GAP),
        at("y", middle + LEGEND_SIZE * 0.35),
    ];
    svg.label(&attrs, shown, &entry.label);
    svg.close("g");
}
