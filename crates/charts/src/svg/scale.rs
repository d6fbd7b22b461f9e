//! Scales: where a value or a category falls on the image, in pixels.

use super::numbers::Ticks;

/// A rectangle of the image.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width, never negative.
    pub width: f64,
    /// Height, never negative.
    pub height: f64,
}

impl Rect {
    /// The right edge.
    pub(super) fn right(&self) -> f64 {
        self.x + self.width
    }

    /// The bottom edge.
    pub(super) fn bottom(&self) -> f64 {
        self.y + self.height
    }

    /// This rectangle less `top`, `right`, `bottom` and `left` pixels, never smaller than
    /// zero.
    pub(super) fn inset(&self, top: f64, right: f64, bottom: f64, left: f64) -> Rect {
        Rect {
            x: self.x + left,
            y: self.y + top,
            width: (self.width - left - right).max(0.0),
            height: (self.height - top - bottom).max(0.0),
        }
    }
}

/// A numeric scale from the ticks' range onto a span of pixels.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Linear {
    /// The ticks, whose first and last value bound the scale.
    pub ticks: Ticks,
    /// The pixel of `ticks.min`.
    pub start: f64,
    /// The pixel of `ticks.max`.
    pub end: f64,
}

impl Linear {
    /// The pixel of `value`.
    pub(super) fn at(&self, value: f64) -> f64 {
        let range = self.ticks.max - self.ticks.min;
        if range <= 0.0 {
            return self.start;
        }
        self.start + (value - self.ticks.min) / range * (self.end - self.start)
    }

    /// The pixel of zero, or of the bound nearest to it, where bars start.
    pub(super) fn base(&self) -> f64 {
        self.at(0.0_f64.clamp(self.ticks.min, self.ticks.max))
    }
}

/// Categories spread evenly over a span of pixels, the first at `start`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Category {
    /// The categories, in order.
    pub labels: Vec<String>,
    /// Whether half a category of room is left at both ends (bars and bubbles), or the
    /// first and last categories sit on the ends (lines).
    pub offset: bool,
    /// Where the span starts.
    pub start: f64,
    /// Where the span ends.
    pub end: f64,
}

impl Category {
    /// The distance between neighbouring categories, in pixels (never negative).
    pub(super) fn band(&self) -> f64 {
        let count = self.labels.len() as f64;
        let length = (self.end - self.start).abs();
        if self.offset || self.labels.len() < 2 {
            length / count.max(1.0)
        } else {
            length / (count - 1.0)
        }
    }

    /// The pixel of the centre of category `index`.
    pub(super) fn at(&self, index: usize) -> f64 {
        let direction = if self.end >= self.start { 1.0 } else { -1.0 };
        let index = index as f64;
        let steps = if self.offset || self.labels.len() < 2 {
            index + 0.5
        } else {
            index
        };
        self.start + direction * steps * self.band()
    }

    /// The pixels between categories, ends included, where offset grid lines go.
    pub(super) fn boundaries(&self) -> Vec<f64> {
        let direction = if self.end >= self.start { 1.0 } else { -1.0 };
        (0..=self.labels.len())
            .map(|index| self.start + direction * index as f64 * self.band())
            .collect()
    }

    /// The index of the category named `label`.
    pub(super) fn index_of(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|known| known == label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svg::numbers::nice_ticks;

    #[test]
    fn values_map_linearly_and_bars_start_at_zero() {
        let scale = Linear {
            ticks: nice_ticks(-10.0, 30.0, 4, true),
            start: 200.0,
            end: 0.0,
        };
        assert_eq!(scale.at(-10.0), 200.0);
        assert_eq!(scale.at(30.0), 0.0);
        assert_eq!(scale.base(), 150.0);
        let positive = Linear {
            ticks: nice_ticks(100.0, 200.0, 4, true),
            start: 200.0,
            end: 0.0,
        };
        assert_eq!(positive.base(), 200.0);
    }

    #[test]
    fn categories_sit_on_the_ends_or_in_the_middle_of_bands() {
        let labels: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let lines = Category {
            labels: labels.clone(),
            offset: false,
            start: 0.0,
            end: 100.0,
        };
        assert_eq!((lines.at(0), lines.at(2), lines.band()), (0.0, 100.0, 50.0));
        let bars = Category {
            labels,
            offset: true,
            start: 90.0,
            end: 0.0,
        };
        assert_eq!((bars.at(0), bars.at(2)), (75.0, 15.0));
        assert_eq!(bars.boundaries(), [90.0, 60.0, 30.0, 0.0]);
        assert_eq!(bars.index_of("b"), Some(1));
    }
}
