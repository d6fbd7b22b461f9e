//! The axes of line, bar and bubble charts, read from `options.scales`, and the plot area
//! left once their labels and titles have room.

use std::collections::BTreeSet;
use std::f64::consts::FRAC_1_SQRT_2;

use super::data::{self, is_percent};
use super::numbers::{self, nice_ticks};
use super::scale::{Category, Linear, Rect};
use super::text;
use super::{AXIS_TITLE_SIZE, GAP, TICK_SIZE};
use crate::model::{self, ChartConfig, ChartDataset, ChartKind, Position, Scale};

/// Which side of the plot an axis is drawn on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Side {
    /// Left of the plot, labels right-aligned.
    Left,
    /// Right of the plot, labels left-aligned.
    Right,
    /// Under the plot.
    Bottom,
}

/// What an axis measures.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Measure {
    /// Named categories.
    Category(Category),
    /// Numbers; `percent` adds `%` to the labels.
    Linear {
        /// The scale.
        scale: Linear,
        /// Whether values are percentages.
        percent: bool,
    },
}

/// How the tick labels of an axis are laid out.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct LabelPlan {
    /// Every `step`-th label is drawn, so that labels do not overlap.
    pub step: usize,
    /// Whether labels under the plot are turned 45° to make room.
    pub rotated: bool,
    /// The widest a label may be before it is shortened.
    pub max_width: f64,
    /// The room the labels take away from the plot, across the axis.
    pub extent: f64,
}

/// One axis of the chart.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Axis {
    /// Its id in `options.scales`.
    pub id: String,
    /// Where it is drawn.
    pub side: Side,
    /// Its title, with the unit.
    pub title: Option<String>,
    /// Its scale.
    pub measure: Measure,
    /// Whether its grid lines cross the plot.
    pub grid: bool,
    /// How its labels are laid out.
    pub labels: LabelPlan,
}

impl Axis {
    /// The tick labels, in order: categories as they are, numbers shortened.
    pub(super) fn tick_labels(&self) -> Vec<String> {
        match &self.measure {
            Measure::Category(category) => category.labels.clone(),
            Measure::Linear { scale, percent } => scale
                .ticks
                .values
                .iter()
                .map(|value| numbers::tick(*value, scale.ticks.step, *percent))
                .collect(),
        }
    }
}

/// The plot area and the placed axes around it.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Layout {
    /// Where the data is drawn.
    pub plot: Rect,
    /// Every axis, with scales in pixels.
    pub axes: Vec<Axis>,
}

impl Layout {
    /// The category scale of axis `id`.
    pub(super) fn category(&self, id: &str) -> Option<&Category> {
        self.axes.iter().find_map(|axis| match &axis.measure {
            Measure::Category(category) if axis.id == id => Some(category),
            _ => None,
        })
    }

    /// The numeric scale of axis `id`, and whether it shows percentages.
    pub(super) fn linear(&self, id: &str) -> Option<(&Linear, bool)> {
        self.axes.iter().find_map(|axis| match &axis.measure {
            Measure::Linear { scale, percent } if axis.id == id => Some((scale, *percent)),
            _ => None,
        })
    }
}

/// Whether the chart's bars run across, with categories down the left side.
pub(super) fn is_horizontal(config: &ChartConfig) -> bool {
    config.options.index_axis == Some(model::Axis::Y)
}

/// The id of the axis the categories of a line or bar chart are on.
pub(super) fn index_axis_id(config: &ChartConfig) -> &'static str {
    if is_horizontal(config) { "y" } else { "x" }
}

/// The id of the axis that a line or bar dataset's values are measured on.
pub(super) fn value_axis_id<'a>(config: &ChartConfig, dataset: &'a ChartDataset) -> &'a str {
    if is_horizontal(config) {
        "x"
    } else {
        dataset.y_axis_id.as_deref().unwrap_or("y")
    }
}

/// The axes of a line, bar or bubble chart placed in `area`, and the plot area they leave.
pub(super) fn layout(config: &ChartConfig, area: Rect) -> Layout {
    let axes = match config.kind {
        ChartKind::Bubble => bubble_axes(config),
        _ => index_and_value_axes(config, area),
    };
    place(axes, area)
}

fn index_and_value_axes(config: &ChartConfig, area: Rect) -> Vec<Axis> {
    let scales = &config.options.scales;
    let horizontal = is_horizontal(config);
    let index_id = index_axis_id(config);
    let index_scale = scales.get(index_id);
    let bars = config.kind == ChartKind::Bar;
    let category = Category {
        labels: config.data.labels.clone(),
        offset: index_scale.and_then(|scale| scale.offset).unwrap_or(bars),
        start: 0.0,
        end: 0.0,
    };
    let mut axes = vec![axis(
        index_id,
        if horizontal { Side::Left } else { Side::Bottom },
        index_scale,
        Measure::Category(category),
    )];

    let mut value_ids: BTreeSet<&str> = scales
        .keys()
        .map(String::as_str)
        .filter(|id| *id != index_id)
        .collect();
    value_ids.extend(
        config
            .data
            .datasets
            .iter()
            .map(|d| value_axis_id(config, d)),
    );
    let labels = config.data.labels.len();
    for (position, id) in value_ids.into_iter().enumerate() {
        let scale = scales.get(id);
        let values: Vec<f64> = config
            .data
            .datasets
            .iter()
            .filter(|dataset| value_axis_id(config, dataset) == id)
            .flat_map(|dataset| data::values(dataset).filter(|(index, _)| *index < labels))
            .map(|(_, value)| value)
            .collect();
        let mut low = values.iter().copied().fold(f64::INFINITY, f64::min);
        let mut high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if values.is_empty() {
            (low, high) = (0.0, 1.0);
        }
        if bars || scale.and_then(|scale| scale.begin_at_zero).unwrap_or(false) {
            (low, high) = (low.min(0.0), high.max(0.0));
        }
        let whole = scale
            .and_then(|scale| scale.ticks.as_ref())
            .is_some_and(|ticks| ticks.precision == Some(0));
        let room = if horizontal {
            area.width / 100.0
        } else {
            area.height / 50.0
        };
        let intervals = (room as usize).clamp(2, 8);
        let side = match (horizontal, scale.and_then(|scale| scale.position)) {
            (true, _) => Side::Bottom,
            (false, Some(Position::Right)) => Side::Right,
            (false, Some(Position::Left)) => Side::Left,
            (false, _) if position == 0 => Side::Left,
            (false, _) => Side::Right,
        };
        let measure = Measure::Linear {
            scale: Linear {
                ticks: nice_ticks(low, high, intervals, whole),
                start: 0.0,
                end: 0.0,
            },
            percent: is_percent(
                scale
                    .and_then(|scale| scale.title.as_ref())
                    .map(|t| t.text.as_str()),
            ),
        };
        axes.push(axis(id, side, scale, measure));
    }
    axes
}

fn bubble_axes(config: &ChartConfig) -> Vec<Axis> {
    let points: Vec<_> = config
        .data
        .datasets
        .iter()
        .flat_map(data::bubbles)
        .collect();
    let categories = |id: &str, pick: &dyn Fn(&model::BubblePoint) -> String| {
        let scale = config.options.scales.get(id);
        let labels = scale
            .and_then(|scale| scale.labels.clone())
            .unwrap_or_else(|| {
                let mut seen: Vec<String> = Vec::new();
                for label in points.iter().map(|point| pick(point)) {
                    if !seen.contains(&label) {
                        seen.push(label);
                    }
                }
                seen
            });
        let category = Category {
            labels,
            offset: scale.and_then(|scale| scale.offset).unwrap_or(true),
            start: 0.0,
            end: 0.0,
        };
        (scale, Measure::Category(category))
    };
    let (x_scale, x) = categories("x", &|point| point.x.clone());
    let (y_scale, y) = categories("y", &|point| point.y.clone());
    vec![
        axis("x", Side::Bottom, x_scale, x),
        axis("y", Side::Left, y_scale, y),
    ]
}

fn axis(id: &str, side: Side, scale: Option<&Scale>, measure: Measure) -> Axis {
    Axis {
        id: id.to_owned(),
        side,
        title: scale
            .and_then(|scale| scale.title.as_ref())
            .filter(|title| title.display && !title.text.trim().is_empty())
            .map(|title| title.text.clone()),
        measure,
        grid: scale
            .and_then(|scale| scale.grid.as_ref())
            .is_none_or(|grid| grid.draw_on_chart_area),
        labels: LabelPlan::default(),
    }
}

/// Labels under the plot at most this wide stay level, with labels skipped; wider ones
/// are turned.
const LEVEL_LABEL_MAX: f64 = 80.0;

/// The longest a turned label may be.
const ROTATED_LABEL_MAX: f64 = 110.0;

/// The smallest plot, whatever the labels need.
const MIN_PLOT: f64 = 40.0;

fn place(mut axes: Vec<Axis>, area: Rect) -> Layout {
    let title_room = |axis: &Axis| axis.title.as_ref().map_or(0.0, |_| GAP + AXIS_TITLE_SIZE);

    let (mut left, mut right) = (0.0_f64, GAP);
    for axis in axes.iter_mut().filter(|axis| axis.side != Side::Bottom) {
        let widest = widest(&axis.tick_labels());
        let max_width = match axis.measure {
            Measure::Category(_) => widest.min(area.width * 0.3),
            Measure::Linear { .. } => widest,
        };
        axis.labels = LabelPlan {
            step: 1,
            rotated: false,
            max_width,
            extent: max_width,
        };
        let room = GAP + max_width + title_room(axis);
        if axis.side == Side::Left {
            left += room;
        } else {
            right += room;
        }
    }

    // Turned labels take at most a third of the height, however long they are.
    let rotated_max =
        (area.height / 3.0 / FRAC_1_SQRT_2 - TICK_SIZE).clamp(TICK_SIZE, ROTATED_LABEL_MAX);
    let mut bottom = 0.0_f64;
    for axis in axes.iter_mut().filter(|axis| axis.side == Side::Bottom) {
        let width = (area.width - left - right).max(MIN_PLOT);
        let plan = bottom_plan(axis, width, rotated_max);
        let overhang = if plan.rotated {
            ((plan.max_width + TICK_SIZE) * FRAC_1_SQRT_2, 0.0)
        } else {
            let half = plan.max_width.min(LEVEL_LABEL_MAX) / 2.0;
            match &axis.measure {
                Measure::Category(category) if category.offset => (0.0, 0.0),
                _ => (half, half),
            }
        };
        left = left.max(overhang.0);
        right = right.max(overhang.1);
        let width = (area.width - left - right).max(MIN_PLOT);
        axis.labels = bottom_plan(axis, width, rotated_max);
        axis.labels.extent = axis.labels.extent.max(plan.extent);
        bottom += GAP + axis.labels.extent + title_room(axis);
    }

    let top = TICK_SIZE / 2.0 + 2.0;
    let mut plot = area.inset(top, right, bottom, left);
    plot.width = plot.width.max(MIN_PLOT.min(area.width));
    plot.height = plot.height.max(MIN_PLOT.min(area.height));

    for axis in &mut axes {
        let vertical = axis.side != Side::Bottom;
        match &mut axis.measure {
            Measure::Linear { scale, .. } if vertical => {
                (scale.start, scale.end) = (plot.bottom(), plot.y)
            }
            Measure::Category(category) if vertical => {
                (category.start, category.end) = (plot.y, plot.bottom());
                let needed = TICK_SIZE * 1.4;
                axis.labels.step = (needed / category.band().max(1.0)).ceil().max(1.0) as usize;
            }
            Measure::Linear { scale, .. } => (scale.start, scale.end) = (plot.x, plot.right()),
            Measure::Category(category) => (category.start, category.end) = (plot.x, plot.right()),
        }
    }
    Layout { plot, axes }
}

/// How the labels of an axis under a plot `width` wide are laid out.
fn bottom_plan(axis: &Axis, width: f64, rotated_max: f64) -> LabelPlan {
    let labels = axis.tick_labels();
    let widest = widest(&labels);
    let count = labels.len().max(1) as f64;
    let level = |step: f64, max_width: f64| LabelPlan {
        step: step.max(1.0) as usize,
        rotated: false,
        max_width,
        extent: TICK_SIZE,
    };
    match &axis.measure {
        Measure::Linear { .. } => {
            let spacing = width / (count - 1.0).max(1.0);
            level(((widest + 2.0 * GAP) / spacing).ceil(), widest)
        }
        Measure::Category(category) => {
            let band = width
                / if category.offset {
                    count
                } else {
                    (count - 1.0).max(1.0)
                };
            if widest + GAP <= band {
                level(1.0, band - GAP)
            } else if widest <= LEVEL_LABEL_MAX {
                level(((widest + 2.0 * GAP) / band).ceil(), widest)
            } else {
                let max_width = widest.min(rotated_max);
                let step = (TICK_SIZE * 1.5 / (band * FRAC_1_SQRT_2)).ceil();
                LabelPlan {
                    step: step.max(1.0) as usize,
                    rotated: true,
                    max_width,
                    extent: (max_width + TICK_SIZE) * FRAC_1_SQRT_2,
                }
            }
        }
    }
}

fn widest(labels: &[String]) -> f64 {
    labels
        .iter()
        .map(|label| text::width(label, TICK_SIZE))
        .fold(0.0, f64::max)
}
