//! Tolerant readers for the values platforms send in many shapes.
//!
//! Counts arrive as numbers or as strings (YouTube sends every count as a string), may be
//! missing or null when hidden, and a few servers send `-1` for "hidden". All of those that
//! do not name a real count become `None`, never zero. Timestamps arrive as RFC 3339, as
//! Meta's `+0000` offsets without a colon, or as epoch seconds or milliseconds.

use std::fmt;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserializer;
use serde::de::{self, Visitor};

/// Reads an optional count from a number, a numeric string, `null` or nothing.
///
/// Use with `#[serde(default, deserialize_with = "crate::parse::count")]`.
pub(crate) fn count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    deserializer.deserialize_any(CountVisitor)
}

struct CountVisitor;

impl<'de> Visitor<'de> for CountVisitor {
    type Value = Option<u64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a count as a number or a string of digits")
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        // A negative count is how some servers say "hidden".
        Ok(u64::try_from(value).ok())
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value < u64::MAX as f64 {
            Ok(Some(value as u64))
        } else if value < 0.0 {
            Ok(None)
        } else {
            Err(E::custom(format!("{value} is not a whole count")))
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if let Ok(count) = trimmed.parse::<u64>() {
            return Ok(Some(count));
        }
        match trimmed.parse::<i64>() {
            Ok(negative) if negative < 0 => Ok(None),
            _ => Err(E::custom(format!("'{trimmed}' is not a count"))),
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(CountVisitor)
    }
}

/// Parses RFC 3339 and the Meta form without a colon in the offset, normalised to UTC.
pub(crate) fn timestamp(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(parsed) = DateTime::parse_from_rfc3339(text) {
        return Some(parsed.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z"] {
        if let Ok(parsed) = DateTime::parse_from_str(text, format) {
            return Some(parsed.with_timezone(&Utc));
        }
    }
    // A few servers drop the offset altogether; such instants are UTC by convention.
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|naive| naive.and_utc())
}

/// The instant `seconds` after the Unix epoch.
pub(crate) fn epoch_seconds(seconds: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, 0)
}

/// The instant `millis` milliseconds after the Unix epoch.
pub(crate) fn epoch_millis(millis: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(millis)
}

/// The longest title kept, in characters.
const TITLE_CHARS: usize = 100;

/// A short title from the text of a post: blanks collapsed, cut at a word when long.
pub(crate) fn title(text: &str) -> Option<String> {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        return None;
    }
    if collapsed.chars().count() <= TITLE_CHARS {
        return Some(collapsed);
    }
    let cut: String = collapsed.chars().take(TITLE_CHARS).collect();
    let at_word = match cut.rfind(' ') {
        Some(space) if space > TITLE_CHARS / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    Some(format!("{}…", at_word.trim_end()))
}

/// The text of a small piece of HTML such as a Mastodon status: tags dropped, line and
/// paragraph breaks turned into spaces, and the common entities decoded.
pub(crate) fn html_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[start + 1..start + end].to_ascii_lowercase();
        if tag.starts_with("br") || tag.starts_with("/p") || tag.starts_with("p ") || tag == "p" {
            text.push(' ');
        }
        rest = &rest[start + end + 1..];
    }
    text.push_str(rest);
    decode_entities(&text)
}

fn decode_entities(text: &str) -> String {
    const ENTITIES: [(&str, &str); 7] = [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&apos;", "'"),
        ("&nbsp;", " "),
        ("&amp;", "&"),
    ];
    ENTITIES
        .iter()
        .fold(text.to_owned(), |acc, (entity, plain)| {
            acc.replace(entity, plain)
        })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    struct Counts {
        #[serde(default, deserialize_with = "count")]
        likes: Option<u64>,
    }

    fn likes(json: &str) -> Result<Option<u64>, serde_json::Error> {
        serde_json::from_str::<Counts>(json).map(|counts| counts.likes)
    }

    #[test]
    fn counts_accept_numbers_strings_and_absence() {
        assert_eq!(likes(r#"{"likes": 12}"#).unwrap(), Some(12));
        assert_eq!(
            likes(r#"{"likes": "12345678901"}"#).unwrap(),
            Some(12_345_678_901)
        );
        assert_eq!(likes(r#"{"likes": 7.0}"#).unwrap(), Some(7));
        assert_eq!(likes(r#"{"likes": null}"#).unwrap(), None);
        assert_eq!(likes(r#"{}"#).unwrap(), None);
        assert_eq!(likes(r#"{"likes": -1}"#).unwrap(), None);
        assert_eq!(likes(r#"{"likes": ""}"#).unwrap(), None);
        assert!(likes(r#"{"likes": "many"}"#).is_err());
        assert!(likes(r#"{"likes": 1.5}"#).is_err());
    }

    #[test]
    fn timestamps_in_every_platform_form_become_utc() {
        let expected: DateTime<Utc> = "2024-03-02T17:30:00Z".parse().unwrap();
        for text in [
            "2024-03-02T17:30:00Z",
            "2024-03-02T17:30:00.000Z",
            "2024-03-02T18:30:00+01:00",
            "2024-03-02T17:30:00+0000",
            "2024-03-02T12:30:00-0500",
            "2024-03-02T17:30:00",
        ] {
            assert_eq!(timestamp(text), Some(expected), "{text}");
        }
        assert_eq!(timestamp("yesterday"), None);
        assert_eq!(epoch_seconds(1_709_400_600), Some(expected));
        assert_eq!(epoch_millis(1_709_400_600_000), Some(expected));
    }

    #[test]
    fn titles_are_collapsed_and_cut_at_a_word() {
        assert_eq!(title("  hello \n world "), Some("hello world".into()));
        assert_eq!(title(" \n "), None);
        let long = "word ".repeat(40);
        let cut = title(&long).unwrap();
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= TITLE_CHARS + 1);
    }

    #[test]
    fn html_becomes_plain_text() {
        let html = "<p>Hello <a href=\"https://example.social/tags/rust\">#rust</a> &amp; \
                    friends</p><p>second&nbsp;line<br>third</p>";
        assert_eq!(
            title(&html_text(html)).unwrap(),
            "Hello #rust & friends second line third"
        );
    }
}
