//! A small typed model of a Chart.js v4 configuration, serialized with Chart.js's own keys.
//!
//! Only what tally's charts use is modelled. Every optional field is left out of the JSON when
//! it is `None`, so Chart.js applies its defaults there; nothing in the model can hold a
//! JavaScript function, so every configuration is plain JSON. With the crate's `openapi`
//! feature, every type also derives utoipa's `ToSchema`.

use std::collections::BTreeMap;

use serde::Serialize;

/// A complete chart: `new Chart(canvas, config)` renders it as serialized.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChartConfig {
    /// The chart type.
    #[serde(rename = "type")]
    pub kind: ChartKind,
    /// Labels and datasets.
    pub data: ChartData,
    /// Titles, legend, axes and interaction.
    pub options: ChartOptions,
}

/// The built-in Chart.js chart types that tally draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ChartKind {
    /// Lines over a category axis.
    Line,
    /// Vertical or horizontal bars.
    Bar,
    /// A ring of slices.
    Doughnut,
    /// Circles placed by `x` and `y` and sized by `r`.
    Bubble,
}

/// The labels of the index axis and the datasets drawn against them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChartData {
    /// One label per data point (empty for bubble charts, whose points carry `x` and `y`).
    pub labels: Vec<String>,
    /// The series of the chart.
    pub datasets: Vec<ChartDataset>,
}

/// One series of values with its styling.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChartDataset {
    /// The name shown in the legend and tooltips.
    pub label: String,
    /// One value per label, or bubble points.
    pub data: Vec<DataPoint>,
    /// Line, bar outline or bubble outline color.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub border_color: Option<Paint>,
    /// Fill color.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_color: Option<Paint>,
    /// Outline width in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub border_width: Option<f64>,
    /// Dash pattern of a line, in pixels (drawn, skipped, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub border_dash: Option<Vec<u32>>,
    /// Whether a line continues across `null` values (`false` leaves a gap).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span_gaps: Option<bool>,
    /// Bezier tension of a line; 0 draws straight segments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tension: Option<f64>,
    /// Radius of the points of a line, in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub point_radius: Option<f64>,
    /// Whether the area under a line is filled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fill: Option<bool>,
    /// Whether bars of several datasets share an index side by side (`false` overlays them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grouped: Option<bool>,
    /// Whether `null` values leave no empty slot among grouped bars.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_null: Option<bool>,
    /// Drawing weight: datasets with a higher order are drawn first, under the others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<i32>,
    /// The id of the value axis in `options.scales` this dataset is drawn against.
    #[serde(rename = "yAxisID", skip_serializing_if = "Option::is_none")]
    pub y_axis_id: Option<String>,
}

impl ChartDataset {
    /// A dataset with these values and Chart.js's default styling.
    pub fn new(label: impl Into<String>, data: Vec<DataPoint>) -> Self {
        Self {
            label: label.into(),
            data,
            ..Self::default()
        }
    }
}

/// One entry of a dataset's `data`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum DataPoint {
    /// A value on the value axis; `None` is `null`, which Chart.js draws as a gap.
    Value(Option<f64>),
    /// A bubble at category `x` and `y` with radius `r` in pixels.
    Bubble(BubblePoint),
}

/// A bubble placed on two category axes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BubblePoint {
    /// The label of the x axis category, such as `"09:00"`.
    pub x: String,
    /// The label of the y axis category, such as `"Monday"`.
    pub y: String,
    /// The radius in pixels.
    pub r: f64,
    /// The figure the bubble stands for, for tables and exports; Chart.js ignores it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
}

/// A color for a whole dataset, or one color per data point.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Paint {
    /// One CSS color for every point.
    One(String),
    /// One CSS color per point, in the order of `data`.
    Each(Vec<String>),
}

/// The `options` object of a chart.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChartOptions {
    /// Resize with the canvas's container.
    pub responsive: bool,
    /// Keep the canvas's aspect ratio when resizing.
    pub maintain_aspect_ratio: bool,
    /// `"y"` for horizontal bars; absent for Chart.js's default `"x"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_axis: Option<Axis>,
    /// Which points hovering selects for tooltips.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interaction: Option<Interaction>,
    /// Title, subtitle and legend.
    pub plugins: Plugins,
    /// Axes by id (`x`, `y`, `y1`); empty for charts without axes.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub scales: BTreeMap<String, Scale>,
}

impl ChartOptions {
    /// Responsive options with a title and a legend at `legend`, and no axes.
    pub fn titled(title: impl Into<String>, legend: Position) -> Self {
        Self {
            responsive: true,
            maintain_aspect_ratio: true,
            index_axis: None,
            interaction: None,
            plugins: Plugins {
                title: Title::shown(title),
                subtitle: None,
                legend: Legend {
                    display: true,
                    position: legend,
                },
            },
            scales: BTreeMap::new(),
        }
    }
}

/// A cartesian axis direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Axis {
    /// Horizontal.
    X,
    /// Vertical.
    Y,
}

/// A side of the chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Position {
    /// Above the chart area.
    Top,
    /// Right of the chart area.
    Right,
    /// Below the chart area.
    Bottom,
    /// Left of the chart area.
    Left,
}

/// Tooltip and hover behaviour.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Interaction {
    /// `"index"` selects every dataset's point at the hovered label.
    pub mode: String,
    /// Whether the pointer must be over a point to select it.
    pub intersect: bool,
}

impl Interaction {
    /// Every dataset's value at the hovered label, without having to hit a point exactly.
    pub fn by_index() -> Self {
        Self {
            mode: "index".to_owned(),
            intersect: false,
        }
    }
}

/// The built-in plugins that tally configures.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plugins {
    /// The chart title.
    pub title: Title,
    /// A second line under the title, such as the period shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<Title>,
    /// The dataset legend.
    pub legend: Legend,
}

/// A title or subtitle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Title {
    /// Whether it is drawn.
    pub display: bool,
    /// Its text.
    pub text: String,
}

impl Title {
    /// A displayed title with this text.
    pub fn shown(text: impl Into<String>) -> Self {
        Self {
            display: true,
            text: text.into(),
        }
    }
}

/// The legend.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Legend {
    /// Whether it is drawn.
    pub display: bool,
    /// Where it is drawn.
    pub position: Position,
}

/// One axis in `options.scales`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Scale {
    /// The scale type; absent lets Chart.js pick the chart type's default.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<ScaleKind>,
    /// Where the axis is drawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// The axis title, with its unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Title>,
    /// Whether a linear axis always includes 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub begin_at_zero: Option<bool>,
    /// The categories of a category axis, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// Whether half a category of space is left at both ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<bool>,
    /// Tick settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticks: Option<Ticks>,
    /// Grid line settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid: Option<Grid>,
}

impl Scale {
    /// A value axis from zero with this title; `whole` keeps its ticks on whole numbers.
    pub fn values_from_zero(title: impl Into<String>, whole: bool) -> Self {
        Self {
            title: Some(Title::shown(title)),
            begin_at_zero: Some(true),
            ticks: whole.then_some(Ticks { precision: Some(0) }),
            ..Self::default()
        }
    }

    /// An axis with a title and otherwise Chart.js's defaults.
    pub fn titled(title: impl Into<String>) -> Self {
        Self {
            title: Some(Title::shown(title)),
            ..Self::default()
        }
    }
}

/// The axis scale types tally uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ScaleKind {
    /// Numbers placed proportionally.
    Linear,
    /// Named categories placed evenly.
    Category,
}

/// Tick settings of an axis.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticks {
    /// Decimal places the tick step is rounded to (0 for counts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<u32>,
}

/// Grid line settings of an axis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Grid {
    /// Whether the axis's grid lines cross the chart area (off for a second value axis).
    pub draw_on_chart_area: bool,
}
