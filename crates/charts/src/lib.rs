//! Chart.js v4 configurations built from tally's analyzer results.
//!
//! Each function takes an analyzer result and returns a [`ChartConfig`], a typed model of
//! `{"type", "data": {"labels", "datasets"}, "options"}` that serializes with Chart.js's own
//! keys. The JSON can be handed to `new Chart(canvas, config)` unchanged in a page that
//! loads nothing but Chart.js: only built-in chart types and plugins are used, and the
//! configuration holds no JavaScript functions.
//!
//! The charts follow a few conventions:
//! - every platform has one color in every chart ([`platform_color`]);
//! - dates are ISO `YYYY-MM-DD` labels, and times are read in the period's time zone;
//! - every chart has a title, most a subtitle with the period, and every axis a title with
//!   its unit;
//! - an unknown value stays `null` (never NaN or 0), which Chart.js draws as a gap or a
//!   missing bar; whether a line joins across it is set per chart;
//! - empty input gives a well-formed chart with empty labels and datasets.
//!
//! The [`svg`] module draws the same configurations as self-contained SVG on the server, for
//! pages, emails and reports that run no script.
//!
//! With the `openapi` feature, the model and [`ComparisonMeasure`] implement utoipa's
//! `ToSchema`, so that an HTTP layer can describe configurations in an OpenAPI document.
//!
//! ```
//! use tally_analyzer::{AnalysisPeriod, Dataset, SeriesMetric, parse_timezone, time_series};
//! use tally_domain::{DateRange, UserId};
//! use tally_sample::{SampleOptions, generate};
//!
//! let end = "2026-05-31".parse().unwrap();
//! let sample = generate(&SampleOptions::new(UserId(1), 31, end));
//! let (posts, daily) = sample.facts();
//! let data = Dataset::new(posts, daily);
//! let range = DateRange::ending(end, 31).unwrap();
//! let period = AnalysisPeriod::new(range, parse_timezone(&sample.user.timezone).unwrap());
//!
//! let per_platform: Vec<_> = data
//!     .platforms()
//!     .into_iter()
//!     .map(|platform| {
//!         let series = time_series(&data.for_platform(platform), &period, SeriesMetric::Likes);
//!         (platform, series)
//!     })
//!     .collect();
//! let total = time_series(&data, &period, SeriesMetric::Likes);
//! let chart = tally_charts::time_series(&per_platform, Some(&total));
//!
//! let json = serde_json::to_value(&chart).unwrap();
//! assert_eq!(json["type"], "line");
//! assert_eq!(json["data"]["labels"][0], "2026-05-01");
//! assert_eq!(json["data"]["datasets"].as_array().unwrap().len(), per_platform.len() + 1);
//! assert_eq!(json["options"]["scales"]["y"]["title"]["text"], "Likes");
//! ```

mod best_times;
mod breakdown;
mod comparison;
mod content_type;
mod format;
mod growth;
mod model;
mod palette;
mod posts;
mod series;
pub mod svg;

#[cfg(test)]
mod testing;

pub use best_times::{
    CONFIDENT_LABEL, FEW_POSTS_LABEL, MAX_BUBBLE_RADIUS, MIN_BUBBLE_RADIUS, TOP_SLOTS_LABEL,
    best_times,
};
pub use breakdown::engagement_breakdown;
pub use comparison::{
    ComparisonMeasure, PREVIOUS_PERIOD_LABEL, THIS_PERIOD_LABEL, platform_comparison,
};
pub use content_type::{ENGAGEMENT_RATE_LABEL, MEDIAN_ENGAGEMENT_LABEL, content_type};
pub use growth::growth;
pub use model::{
    Axis, BubblePoint, ChartConfig, ChartData, ChartDataset, ChartKind, ChartOptions, DataPoint,
    Grid, Interaction, Legend, Paint, Plugins, Position, Scale, ScaleKind, Ticks, Title,
};
pub use palette::{
    ALL_PLATFORMS, BACKGROUND_ALPHA, Color, HIGHLIGHT, NEUTRAL, NEUTRAL_LIGHT, platform_color,
};
pub use posts::{MAX_TITLE_CHARS, content_performance};
pub use series::{ALL_PLATFORMS_LABEL, time_series};
