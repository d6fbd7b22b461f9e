//! Text measured without fonts: widths estimated from character classes, then shortened or
//! wrapped to fit.
//!
//! The server has no font to measure with, so widths are estimated for a proportional
//! sans-serif system font, on the wide side: an estimate that is too wide leaves a little
//! room, one that is too narrow makes labels overlap.

/// The character that ends a shortened text.
const ELLIPSIS: char = '…';

/// The estimated width of `text` at `size` pixels.
pub(super) fn width(text: &str, size: f64) -> f64 {
    text.chars().map(advance).sum::<f64>() * size
}

/// `text` with runs of whitespace made single spaces, shortened with an ellipsis to fit
/// `max_width`; the second value says whether it was shortened.
pub(super) fn fit(text: &str, max_width: f64, size: f64) -> (String, bool) {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if width(&text, size) <= max_width {
        return (text, false);
    }
    let budget = max_width - advance(ELLIPSIS) * size;
    let mut used = 0.0;
    let mut kept = String::new();
    for character in text.chars() {
        used += advance(character) * size;
        if used > budget {
            break;
        }
        kept.push(character);
    }
    (format!("{}{ELLIPSIS}", kept.trim_end()), true)
}

/// `text` broken into lines of at most `max_width` at spaces, at most `max_lines` of them;
/// the last line ends with an ellipsis when the text did not fit.
pub(super) fn wrap(text: &str, max_width: f64, size: f64, max_lines: usize) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for (index, word) in words.iter().enumerate() {
        let candidate = if current.is_empty() {
            (*word).to_owned()
        } else {
            format!("{current} {word}")
        };
        if width(&candidate, size) <= max_width || current.is_empty() {
            current = candidate;
            continue;
        }
        if lines.len() + 1 == max_lines {
            let rest = words[index..].join(" ");
            lines.push(fit(&format!("{current} {rest}"), max_width, size).0);
            return lines;
        }
        lines.push(fit(&current, max_width, size).0);
        current = (*word).to_owned();
    }
    if !current.is_empty() {
        lines.push(fit(&current, max_width, size).0);
    }
    lines
}

/// The estimated advance of one character, in ems.
fn advance(character: char) -> f64 {
    match character {
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 0.3,
        ' ' => 0.33,
        'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '-' | '/' | '"' => 0.42,
        'm' | 'w' | 'M' | 'W' | '@' | '%' | ELLIPSIS => 0.95,
        'A'..='Z' => 0.74,
        '0'..='9' => 0.64,
        character if character.is_ascii() => 0.62,
        character if is_wide(character) => 1.05,
        _ => 0.68,
    }
}

/// Whether the character is drawn a full em wide: East Asian scripts and emoji.
fn is_wide(character: char) -> bool {
    matches!(
        u32::from(character),
        0x1100..=0x115f
            | 0x2e80..=0xa4cf
            | 0xac00..=0xd7a3
            | 0xf900..=0xfaff
            | 0xfe30..=0xfe4f
            | 0xff00..=0xff60
            | 0xffe0..=0xffe6
            | 0x1f300..=0x1faff
            | 0x20000..=0x3fffd
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_and_long_text_is_cut() {
        assert_eq!(fit("Likes", 100.0, 12.0), ("Likes".to_owned(), false));
        let (shown, cut) = fit(&"word ".repeat(40), 100.0, 12.0);
        assert!(cut && shown.ends_with(ELLIPSIS), "{shown}");
        assert!(width(&shown, 12.0) <= 100.0);
        assert_eq!(fit("abc", 1.0, 12.0).0, "…");
    }

    #[test]
    fn wide_characters_are_wider() {
        assert!(width("表表", 10.0) > width("ab", 10.0) * 1.5);
    }

    #[test]
    fn wrapping_keeps_to_the_line_count() {
        let text = "best: Monday 09:00, Tuesday 18:00 · bubble size: median engagement";
        let lines = wrap(text, 150.0, 12.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|line| width(line, 12.0) <= 150.0));
        assert!(lines[1].ends_with(ELLIPSIS));
        assert_eq!(wrap("one line", 500.0, 12.0, 2), ["one line"]);
        assert!(wrap("", 500.0, 12.0, 2).is_empty());
    }
}
