//! Charts drawn as self-contained, accessible SVG on the server, from the same
//! [`ChartConfig`] that the API serves as Chart.js JSON, so that the dashboard, emails and
//! reports show one rendering without running any script.
//!
//! [`render`] draws what Chart.js would draw for the configurations of this crate: title
//! and subtitle, legend, axes with tick labels, axis titles and grid lines, and the data in
//! the datasets' colors: lines broken at `null` values (or joined where a dataset spans
//! gaps), bars grouped or overlaid, vertical or horizontal, on one or two value axes,
//! doughnut slices and bubbles on two category axes.
//!
//! The output is one `<svg>` element, without an XML declaration, so it can be served as
//! `image/svg+xml` or written into an HTML page as it is:
//! - `role="img"` and `aria-labelledby` point at a `<title>` (the chart title) and a
//!   `<desc>` that summarizes the data in words;
//! - every data mark has a `<title>` child with its label and exact value, which browsers
//!   show as a tooltip;
//! - text is real `<text>` in the system font stack; labels too long for their room are
//!   shortened with an ellipsis and keep their full text in a `<title>`;
//! - there is no script, style sheet, image, font or link: nothing refers outside the
//!   image, and every text from user data is escaped;
//! - marks carry classes for pages that want to style them: `marks`, `line`, `point`,
//!   `bar`, `slice`, `bubble`, and `legend`, `grid`, `axes`, `title`, `subtitle`,
//!   `no-data`.
//!
//! A chart without data is drawn as its title and subtitle with [`NO_DATA_MESSAGE`].
//!
//! The drawing is written by hand rather than with a plotting crate: plotting crates lay
//! out SVG text with real font metrics, which needs system fonts (through font-kit) or an
//! embedded font file, and a fresh server may have no fonts while the repository may not
//! carry a font file. Without fonts, text widths here are estimated from character
//! classes, generously, and the viewer's browser draws the text in its own fonts.
//!
//! ```
//! use tally_analyzer::{CountComparison, Totals};
//! use tally_charts::svg::{SvgOptions, Theme, render};
//!
//! let totals = Totals {
//!     likes: CountComparison::new(Some(61), None),
//!     comments: CountComparison::new(Some(14), None),
//!     ..Totals::default()
//! };
//! let chart = tally_charts::engagement_breakdown(&totals);
//!
//! // The title and description are referenced by id: give each chart of a page its own.
//! let options = SvgOptions {
//!     id: "engagement".into(),
//!     theme: Theme::Dark,
//!     ..SvgOptions::default()
//! };
//! let svg = render(&chart, &options);
//!
//! assert!(svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg""#));
//! assert!(svg.contains(r#"aria-labelledby="engagement-title engagement-desc""#));
//! assert!(svg.contains(r#"<title id="engagement-title">Engagement by kind</title>"#));
//! assert!(svg.contains("Likes 61 (81.3%)"));
//! assert_eq!(svg.matches(r#"class="slice""#).count(), 2);
//! ```

use std::fmt;
use std::str::FromStr;

use tally_domain::ParseNameError;

use crate::model::{ChartConfig, ChartKind};

mod axes;
mod bar;
mod bubble;
mod cartesian;
mod color;
mod data;
mod describe;
mod document;
mod doughnut;
mod frame;
mod legend;
mod line;
mod numbers;
mod scale;
mod text;

#[cfg(test)]
mod tests;

pub use frame::NO_DATA_MESSAGE;

use color::Palette;
use document::{Svg, at, attr};
use scale::Rect;

/// The size and look of a rendered chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SvgOptions {
    /// Width in pixels, from 200 to 4,096 (values outside are brought into that range).
    pub width: u32,
    /// Height in pixels, from 150 to 4,096.
    pub height: u32,
    /// Light or dark colors for everything that is not data.
    pub theme: Theme,
    /// The prefix of the ids of the `<title>` and `<desc>` elements, which must be unique
    /// in a page that shows several charts. Characters other than ASCII letters, digits,
    /// `-` and `_` are dropped.
    pub id: String,
}

impl Default for SvgOptions {
    /// 640 × 360 pixels, light, with the id `chart`.
    fn default() -> Self {
        Self {
            width: 640,
            height: 360,
            theme: Theme::Light,
            id: "chart".to_owned(),
        }
    }
}

/// The colors of the background, text, axes and grid; data keeps its own colors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Theme {
    /// Dark text on a white background.
    #[default]
    Light,
    /// Light text on a near-black background; data colors too dark to see are lightened.
    Dark,
}

impl Theme {
    /// Every theme.
    pub const ALL: &'static [Theme] = &[Theme::Light, Theme::Dark];

    /// The lowercase name, as used in query parameters.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Theme {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Theme::ALL
            .iter()
            .copied()
            .find(|theme| theme.as_str() == wanted)
            .ok_or_else(|| ParseNameError {
                kind: "theme",
                given: s.to_owned(),
                valid: Theme::ALL.iter().map(|theme| theme.as_str()).collect(),
            })
    }
}

/// The room kept free along the edges of the image.
const PADDING: f64 = 12.0;
/// The space between a label and what it labels, and between blocks.
const GAP: f64 = 6.0;
/// Font sizes in pixels.
const TITLE_SIZE: f64 = 16.0;
const SUBTITLE_SIZE: f64 = 12.0;
const LEGEND_SIZE: f64 = 12.0;
const TICK_SIZE: f64 = 11.0;
const AXIS_TITLE_SIZE: f64 = 12.0;

/// Operating systems' own interface fonts, then generic sans-serif: nothing to download.
const FONT_FAMILY: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/// Draws `config` as a standalone SVG document of `options.width` × `options.height`.
pub fn render(config: &ChartConfig, options: &SvgOptions) -> String {
    let width = f64::from(options.width.clamp(200, 4096));
    let height = f64::from(options.height.clamp(150, 4096));
    let palette = Palette::of(options.theme);
    let id = element_id(&options.id);
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));

    let mut svg = Svg::new();
    svg.open(
        "svg",
        &[
            attr("xmlns", "http://www.w3.org/2000/svg"),
            attr("viewBox", format!("0 0 {width} {height}")),
            at("width", width),
            at("height", height),
            attr("role", "img"),
            attr("aria-labelledby", format!("{title_id} {desc_id}")),
            attr("font-family", FONT_FAMILY),
            attr("class", "tally-chart"),
        ],
    );
    svg.element_with_text("title", &[attr("id", title_id)], &chart_title(config));
    svg.element_with_text("desc", &[attr("id", desc_id)], &describe::describe(config));
    let mut background = vec![at("width", width), at("height", height)];
    background.extend(palette.background.fill());
    svg.empty("rect", &background);

    let canvas = Rect {
        x: 0.0,
        y: 0.0,
        width,
        height,
    }
    .inset(PADDING, PADDING, PADDING, PADDING);
    let area = frame::draw_heading(&mut svg, config, canvas, &palette);
    if data::has_data(config) {
        let area = legend::draw(&mut svg, config, area, &palette);
        draw_data(&mut svg, config, area, &palette);
    } else {
        frame::draw_no_data(&mut svg, area, &palette);
    }

    svg.close("svg");
    svg.finish()
}

fn draw_data(svg: &mut Svg, config: &ChartConfig, area: Rect, palette: &Palette) {
    if config.kind == ChartKind::Doughnut {
        doughnut::draw(svg, config, area, palette);
        return;
    }
    let layout = cartesian::layout(config, area);
    axes::draw_grid(svg, &layout, palette);
    match config.kind {
        ChartKind::Line => line::draw(svg, config, &layout, palette),
        ChartKind::Bar => bar::draw(svg, config, &layout, palette),
        ChartKind::Bubble => bubble::draw(svg, config, &layout, palette),
        ChartKind::Doughnut => {}
    }
    axes::draw_axes(svg, &layout, palette);
}

/// The chart's title, or a name for its kind when it has none.
fn chart_title(config: &ChartConfig) -> String {
    let title = config.options.plugins.title.text.trim();
    if !title.is_empty() {
        return title.to_owned();
    }
    match config.kind {
        ChartKind::Line => "Line chart",
        ChartKind::Bar => "Bar chart",
        ChartKind::Doughnut => "Doughnut chart",
        ChartKind::Bubble => "Bubble chart",
    }
    .to_owned()
}

/// `wanted` reduced to characters that are safe in an id, starting with a letter.
fn element_id(wanted: &str) -> String {
    let kept: String = wanted
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    match kept.chars().next() {
        None => "chart".to_owned(),
        Some(first) if first.is_ascii_alphabetic() => kept,
        Some(_) => format!("chart-{kept}"),
    }
}
