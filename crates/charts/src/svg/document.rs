//! A minimal SVG writer.
//!
//! Every attribute value and every text goes through [`escape`] here, and every coordinate
//! through [`px`], so the drawing code cannot produce malformed markup, markup injected by
//! user text, or a NaN: chart titles, labels and post excerpts all come from user data.

use std::fmt::Write as _;

/// One attribute: its name and its unescaped value.
pub(super) type Attr = (&'static str, String);

/// An SVG document being written, element by element.
pub(super) struct Svg {
    out: String,
}

impl Svg {
    /// An empty document.
    pub(super) fn new() -> Self {
        Self {
            out: String::with_capacity(16 * 1024),
        }
    }

    /// Opens `<tag attrs…>`; close it with [`Svg::close`].
    pub(super) fn open(&mut self, tag: &str, attrs: &[Attr]) {
        self.start_tag(tag, attrs);
        self.out.push('>');
    }

    /// Closes the element opened last with this tag.
    pub(super) fn close(&mut self, tag: &str) {
        let _ = write!(self.out, "</{tag}>");
    }

    /// Writes an element without content, `<tag attrs…/>`.
    pub(super) fn empty(&mut self, tag: &str, attrs: &[Attr]) {
        self.start_tag(tag, attrs);
        self.out.push_str("/>");
    }

    /// Writes an element whose only child is a `<title>`, the tooltip of a data mark.
    pub(super) fn with_tooltip(&mut self, tag: &str, attrs: &[Attr], tooltip: &str) {
        self.open(tag, attrs);
        self.element_with_text("title", &[], tooltip);
        self.close(tag);
    }

    /// Writes an element holding only escaped text, such as `<text>` or `<title>`.
    pub(super) fn element_with_text(&mut self, tag: &str, attrs: &[Attr], text: &str) {
        self.open(tag, attrs);
        self.out.push_str(&escape(text));
        self.close(tag);
    }

    /// Writes a `<text>`; when `full` differs from the shown text (it was shortened to fit),
    /// the text is wrapped in a group whose `<title>` holds the full text.
    pub(super) fn label(&mut self, attrs: &[Attr], shown: &str, full: &str) {
        if shown == full {
            self.element_with_text("text", attrs, shown);
            return;
        }
        self.open("g", &[]);
        self.element_with_text("title", &[], full);
        self.element_with_text("text", attrs, shown);
        self.close("g");
    }

    /// The finished document.
    pub(super) fn finish(self) -> String {
        self.out
    }

    fn start_tag(&mut self, tag: &str, attrs: &[Attr]) {
        let _ = write!(self.out, "<{tag}");
        for (name, value) in attrs {
            let _ = write!(self.out, " {name}=\"{}\"", escape(value));
        }
    }
}

/// `text` with XML's special characters escaped and characters XML cannot hold removed.
pub(super) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(' '),
            character if allowed_in_xml(character) => escaped.push(character),
            _ => {}
        }
    }
    escaped
}

/// Whether the character may stand in the document: XML 1.0 forbids most control characters
/// and the two non-characters at the end of the basic plane, and the rest draw nothing.
fn allowed_in_xml(character: char) -> bool {
    !character.is_control() && !matches!(character, '\u{fffe}' | '\u{ffff}')
}

/// A coordinate or length with at most one decimal; anything non-finite is written as 0.
pub(super) fn px(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_owned();
    }
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == 0.0 {
        "0".to_owned()
    } else if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// An attribute with a value in pixels.
pub(super) fn at(name: &'static str, value: f64) -> Attr {
    (name, px(value))
}

/// An attribute with a text value.
pub(super) fn attr(name: &'static str, value: impl Into<String>) -> Attr {
    (name, value.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_cleaned() {
        assert_eq!(
            escape(r#"<a & 'b' "c">"#),
            "&lt;a &amp; &apos;b&apos; &quot;c&quot;&gt;"
        );
        assert_eq!(escape("tab\there\u{0}\u{7}\u{ffff}"), "tab here");
        assert_eq!(escape("Café · 表 🎉"), "Café · 表 🎉");
    }

    #[test]
    fn numbers_are_short_and_finite() {
        assert_eq!(px(12.0), "12");
        assert_eq!(px(12.345), "12.3");
        assert_eq!(px(-0.01), "0");
        assert_eq!(px(f64::NAN), "0");
        assert_eq!(px(f64::INFINITY), "0");
    }

    #[test]
    fn a_shortened_label_keeps_its_full_text_in_a_title() {
        let mut svg = Svg::new();
        svg.label(&[attr("x", "1")], "ab…", "abc<d");
        assert_eq!(
            svg.finish(),
            "<g><title>abc&lt;d</title><text x=\"1\">ab…</text></g>"
        );
    }
}
