//! Colors: the CSS colors of the chart model parsed into SVG paint, and the theme's colors.
//!
//! Dataset colors are parsed rather than copied into the markup, so that only `#rrggbb` and
//! an opacity ever reach an attribute.

use super::Theme;
use super::document::Attr;
use crate::palette::{self, Color};

/// A color with an opacity from 0 to 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Rgba {
    red: u8,
    green: u8,
    blue: u8,
    alpha: f64,
}

/// The smallest contrast a data mark keeps against the background; darker or lighter
/// colors are moved towards the text color until they reach it.
const MARK_CONTRAST: f64 = 2.0;

impl Rgba {
    const fn opaque(red: u8, green: u8, blue: u8) -> Self {
        Self {
            red,
            green,
            blue,
            alpha: 1.0,
        }
    }

    /// Reads `#rgb`, `#rrggbb`, `rgb(r, g, b)` or `rgba(r, g, b, a)`; anything else is `None`.
    pub(super) fn parse(css: &str) -> Option<Self> {
        let css = css.trim();
        if let Some(hex) = css.strip_prefix('#') {
            return parse_hex(hex);
        }
        let inner = css
            .strip_prefix("rgba(")
            .or_else(|| css.strip_prefix("rgb("))?
            .strip_suffix(')')?;
        let parts: Vec<f64> = inner
            .split(',')
            .map(|part| part.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
            .collect::<Option<_>>()?;
        let channel = |value: f64| value.clamp(0.0, 255.0).round() as u8;
        match parts.as_slice() {
            [red, green, blue] => {
                Some(Self::opaque(channel(*red), channel(*green), channel(*blue)))
            }
            [red, green, blue, alpha] => Some(Self {
                alpha: alpha.clamp(0.0, 1.0),
                ..Self::opaque(channel(*red), channel(*green), channel(*blue))
            }),
            _ => None,
        }
    }

    /// The same color, fully opaque.
    pub(super) fn solid(self) -> Self {
        Self { alpha: 1.0, ..self }
    }

    /// `fill` (and `fill-opacity` when translucent) attributes.
    pub(super) fn fill(self) -> Vec<Attr> {
        self.paint("fill", "fill-opacity")
    }

    /// `stroke` (and `stroke-opacity` when translucent) attributes.
    pub(super) fn stroke(self) -> Vec<Attr> {
        self.paint("stroke", "stroke-opacity")
    }

    /// The color as `#rrggbb`.
    pub(super) fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.red, self.green, self.blue)
    }

    /// WCAG's contrast ratio between the two colors, ignoring opacity.
    pub(super) fn contrast(self, other: Self) -> f64 {
        let (lighter, darker) = {
            let (a, b) = (self.luminance(), other.luminance());
            if a > b { (a, b) } else { (b, a) }
        };
        (lighter + 0.05) / (darker + 0.05)
    }

    /// This color, moved towards `towards` just enough to stand out from `background`.
    pub(super) fn visible_on(self, background: Self, towards: Self) -> Self {
        let mut color = self;
        for step in 1..=10 {
            if color.contrast(background) >= MARK_CONTRAST {
                break;
            }
            color = self.mix(towards, f64::from(step) / 10.0);
        }
        color
    }

    fn paint(self, name: &'static str, opacity: &'static str) -> Vec<Attr> {
        let mut attrs = vec![(name, self.hex())];
        if self.alpha < 1.0 {
            attrs.push((opacity, format!("{}", (self.alpha * 100.0).round() / 100.0)));
        }
        attrs
    }

    fn mix(self, other: Self, share: f64) -> Self {
        let blend =
            |a: u8, b: u8| (f64::from(a) * (1.0 - share) + f64::from(b) * share).round() as u8;
        Self {
            red: blend(self.red, other.red),
            green: blend(self.green, other.green),
            blue: blend(self.blue, other.blue),
            alpha: self.alpha,
        }
    }

    fn luminance(self) -> f64 {
        let channel = |value: u8| {
            let value = f64::from(value) / 255.0;
            if value <= 0.03928 {
                value / 12.92
            } else {
                ((value + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.red) + 0.7152 * channel(self.green) + 0.0722 * channel(self.blue)
    }
}

impl From<Color> for Rgba {
    fn from(color: Color) -> Self {
        Self::opaque(color.red, color.green, color.blue)
    }
}

fn parse_hex(hex: &str) -> Option<Rgba> {
    let digit = |index: usize| {
        hex.get(index..=index)
            .and_then(|digit| u8::from_str_radix(digit, 16).ok())
    };
    match hex.len() {
        3 => Some(Rgba::opaque(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
        6 => Some(Rgba::opaque(
            digit(0)? * 16 + digit(1)?,
            digit(2)? * 16 + digit(3)?,
            digit(4)? * 16 + digit(5)?,
        )),
        _ => None,
    }
}

/// The colors of everything that is not data.
#[derive(Clone, Copy, Debug)]
pub(super) struct Palette {
    /// The background of the whole image.
    pub background: Rgba,
    /// Titles, legend and axis titles.
    pub text: Rgba,
    /// Subtitle, tick labels and the "no data" message.
    pub muted: Rgba,
    /// Grid lines.
    pub grid: Rgba,
    /// Axis lines and the zero line.
    pub axis: Rgba,
    /// Marks whose dataset names no color.
    pub fallback: Rgba,
}

impl Palette {
    /// The colors of `theme`; text has at least 7:1 contrast and muted text 4.5:1.
    pub(super) fn of(theme: Theme) -> Self {
        match theme {
            Theme::Light => Self {
                background: Rgba::opaque(0xff, 0xff, 0xff),
                text: Rgba::opaque(0x1f, 0x29, 0x37),
                muted: Rgba::opaque(0x4b, 0x55, 0x63),
                grid: Rgba::opaque(0xe5, 0xe7, 0xeb),
                axis: Rgba::opaque(0x9c, 0xa3, 0xaf),
                fallback: palette::NEUTRAL.into(),
            },
            Theme::Dark => Self {
                background: Rgba::opaque(0x11, 0x18, 0x27),
                text: Rgba::opaque(0xf3, 0xf4, 0xf6),
                muted: Rgba::opaque(0xd1, 0xd5, 0xdb),
                grid: Rgba::opaque(0x37, 0x41, 0x51),
                axis: Rgba::opaque(0x6b, 0x72, 0x80),
                fallback: palette::NEUTRAL_LIGHT.into(),
            },
        }
    }

    /// A dataset color made visible on this background.
    pub(super) fn mark(&self, color: Rgba) -> Rgba {
        color.visible_on(self.background, self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_colors_parse() {
        let violet = Rgba::parse("#7c3aed");
        assert_eq!(violet.map(Rgba::hex).as_deref(), Some("#7c3aed"));
        assert_eq!(
            Rgba::parse("#fff").map(Rgba::hex).as_deref(),
            Some("#ffffff")
        );
        let pale = Rgba::parse("rgba(124, 58, 237, 0.25)");
        assert_eq!(
            pale.map(Rgba::fill),
            Some(vec![
                ("fill", "#7c3aed".into()),
                ("fill-opacity", "0.25".into())
            ])
        );
        for bad in [
            "red",
            "#12",
            "rgba(1, 2)",
            "rgb(NaN, 1, 2)",
            "url(#x)",
            "#ggg",
        ] {
            assert_eq!(Rgba::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn text_colors_are_readable() {
        for theme in [Theme::Light, Theme::Dark] {
            let palette = Palette::of(theme);
            assert!(palette.text.contrast(palette.background) >= 7.0);
            assert!(palette.muted.contrast(palette.background) >= 4.5);
        }
    }

    #[test]
    fn dark_marks_are_lifted_on_a_dark_background() {
        let dark = Palette::of(Theme::Dark);
        let x = Rgba::opaque(0x1f, 0x29, 0x37);
        assert!(dark.mark(x).contrast(dark.background) >= MARK_CONTRAST);
        let light = Palette::of(Theme::Light);
        assert_eq!(light.mark(x), x);
    }
}
