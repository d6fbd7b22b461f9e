//! The fixed colors of tally's charts: one per platform, and a few for everything else.
//!
//! A platform has the same color in every chart, so a reader who learned that violet is
//! Mastodon in one chart can rely on it in the next. Every color is dark enough to read as
//! a line or text on a white background; fills use the same color made translucent.

use tally_domain::Platform;

/// An opaque color, as red, green and blue from 0 to 255.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Color {
    /// Red.
    pub red: u8,
    /// Green.
    pub green: u8,
    /// Blue.
    pub blue: u8,
}

impl Color {
    const fn rgb(red: u8, green: u8, blue: u8) -> Self {
        Self { red, green, blue }
    }

    /// The color as CSS hex, such as `#7c3aed`: for lines, outlines and solid bars.
    pub fn border(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.red, self.green, self.blue)
    }

    /// The translucent variant for fills under lines and in the background of bars.
    pub fn background(self) -> String {
        self.with_alpha(BACKGROUND_ALPHA)
    }

    /// The color as CSS `rgba(...)` with the given opacity, from 0 to 1.
    pub fn with_alpha(self, alpha: f64) -> String {
        let alpha = alpha.clamp(0.0, 1.0);
        format!("rgba({}, {}, {}, {alpha})", self.red, self.green, self.blue)
    }
}

/// The opacity of [`Color::background`].
pub const BACKGROUND_ALPHA: f64 = 0.25;

/// The color of `platform` in every chart.
///
/// ```
/// use tally_charts::platform_color;
/// use tally_domain::Platform;
///
/// assert_eq!(platform_color(Platform::Mastodon).border(), "#7c3aed");
/// assert_eq!(platform_color(Platform::Mastodon).background(), "rgba(124, 58, 237, 0.25)");
/// ```
pub fn platform_color(platform: Platform) -> Color {
    match platform {
        Platform::Mastodon => Color::rgb(0x7c, 0x3a, 0xed),
        Platform::Bluesky => Color::rgb(0x02, 0x84, 0xc7),
        Platform::X => Color::rgb(0x1f, 0x29, 0x37),
        Platform::YouTube => Color::rgb(0xdc, 0x26, 0x26),
        Platform::Instagram => Color::rgb(0xdb, 0x27, 0x77),
        Platform::Facebook => Color::rgb(0x1e, 0x40, 0xaf),
        Platform::LinkedIn => Color::rgb(0x0d, 0x94, 0x88),
        Platform::TikTok => Color::rgb(0xea, 0x58, 0x0c),
        Platform::Threads => Color::rgb(0x4d, 0x7c, 0x0f),
    }
}

/// The "All platforms" total in time series: a neutral gray, drawn dashed.
pub const ALL_PLATFORMS: Color = Color::rgb(0x6b, 0x72, 0x80);

/// Values that belong to no platform, such as a content type's median engagement.
pub const NEUTRAL: Color = Color::rgb(0x33, 0x41, 0x55);

/// A second neutral series beside [`NEUTRAL`], such as a content type's engagement rate.
pub const NEUTRAL_LIGHT: Color = Color::rgb(0x94, 0xa3, 0xb8);

/// Highlighted values that belong to no platform, such as the best times to post.
pub const HIGHLIGHT: Color = Color::rgb(0xca, 0x8a, 0x04);

/// One color per engagement kind in the engagement breakdown: likes, comments, shares,
/// saves, clicks and quotes.
pub(crate) const ENGAGEMENT_KINDS: [Color; 6] = [
    Color::rgb(0xe1, 0x1d, 0x48),
    Color::rgb(0x25, 0x63, 0xeb),
    Color::rgb(0x16, 0xa3, 0x4a),
    Color::rgb(0xca, 0x8a, 0x04),
    Color::rgb(0x93, 0x33, 0xea),
    Color::rgb(0x08, 0x91, 0xb2),
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_platform_has_its_own_color() {
        let colors: BTreeSet<String> = Platform::ALL
            .iter()
            .map(|platform| platform_color(*platform).border())
            .collect();
        assert_eq!(colors.len(), Platform::ALL.len());
        assert!(!colors.contains(&ALL_PLATFORMS.border()));
    }

    #[test]
    fn platform_colors_are_dark_enough_for_a_white_background() {
        // WCAG's relative luminance; 3:1 against white is the minimum for graphics.
        let channel = |value: u8| {
            let value = f64::from(value) / 255.0;
            if value <= 0.03928 {
                value / 12.92
            } else {
                ((value + 0.055) / 1.055).powf(2.4)
            }
        };
        for platform in Platform::ALL {
            let color = platform_color(*platform);
            let luminance = 0.2126 * channel(color.red)
                + 0.7152 * channel(color.green)
                + 0.0722 * channel(color.blue);
            let contrast = 1.05 / (luminance + 0.05);
            assert!(contrast >= 3.0, "{platform}: {contrast:.2}");
        }
    }

    #[test]
    fn alpha_is_clamped() {
        assert_eq!(NEUTRAL.with_alpha(2.0), "rgba(51, 65, 85, 1)");
        assert_eq!(NEUTRAL.border(), "#334155");
    }
}
