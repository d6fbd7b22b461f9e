//! The frame around the data: the title and subtitle at the top, and the message of a
//! chart without data.

use super::color::Palette;
use super::document::{Svg, at, attr};
use super::scale::Rect;
use super::text;
use super::{GAP, SUBTITLE_SIZE, TITLE_SIZE};
use crate::model::{ChartConfig, Title};

/// The message drawn instead of the data when there is none.
pub const NO_DATA_MESSAGE: &str = "No data for this period";

/// Bold text is estimated this much wider than regular text.
const BOLD_WIDTH: f64 = 1.08;

/// Draws the title and subtitle (each on at most two lines) centred at the top of `area`,
/// and returns the area left under them.
pub(super) fn draw_heading(
    svg: &mut Svg,
    config: &ChartConfig,
    area: Rect,
    palette: &Palette,
) -> Rect {
    let plugins = &config.options.plugins;
    let mut used = 0.0;
    let lines = [
        (Some(&plugins.title), TITLE_SIZE, true),
        (plugins.subtitle.as_ref(), SUBTITLE_SIZE, false),
    ];
    for (title, size, bold) in lines {
        let Some(Title {
            display: true,
            text,
        }) = title
        else {
            continue;
        };
        let measured = if bold { size * BOLD_WIDTH } else { size };
        let wrapped = text::wrap(text, area.width, measured, 2);
        let full = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let cut = wrapped.join(" ") != full;
        for (index, line) in wrapped.iter().enumerate() {
            used += size * 1.25;
            let mut attrs = vec![
                attr("class", if bold { "title" } else { "subtitle" }),
                at("x", area.x + area.width / 2.0),
                at("y", area.y + used - size * 0.25),
                attr("text-anchor", "middle"),
                at("font-size", size),
            ];
            if bold {
                attrs.push(attr("font-weight", "600"));
            }
            attrs.extend(if bold { palette.text } else { palette.muted }.fill());
            let last = index + 1 == wrapped.len();
            svg.label(&attrs, line, if cut && last { &full } else { line });
        }
        used += 2.0;
    }
    let gap = if used > 0.0 { GAP } else { 0.0 };
    area.inset(used + gap, 0.0, 0.0, 0.0)
}

/// Draws [`NO_DATA_MESSAGE`] in the middle of `area`.
pub(super) fn draw_no_data(svg: &mut Svg, area: Rect, palette: &Palette) {
    let mut attrs = vec![
        attr("class", "no-data"),
        at("x", area.x + area.width / 2.0),
        at("y", area.y + area.height / 2.0),
        attr("text-anchor", "middle"),
        at("font-size", SUBTITLE_SIZE + 2.0),
    ];
    attrs.extend(palette.muted.fill());
    svg.element_with_text("text", &attrs, NO_DATA_MESSAGE);
}
