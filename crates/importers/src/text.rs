//! Short, readable titles from post text and HTML.

/// The longest title, in characters, before it is cut at a word.
const TITLE_CHARS: usize = 100;

/// A title for people to recognise a post by: whitespace collapsed, cut at a word after
/// about 100 characters with an ellipsis, `None` when nothing is left.
pub(crate) fn title(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let mut title = String::new();
    for word in words {
        let added = usize::from(!title.is_empty()) + word.chars().count();
        if title.chars().count() + added > TITLE_CHARS {
            if title.is_empty() {
                title = word.chars().take(TITLE_CHARS).collect();
            }
            title.push('…');
            return Some(title);
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    Some(title)
}

/// The text of a small piece of HTML such as a Mastodon post: tags dropped, paragraph and
/// line breaks turned into spaces, entities decoded.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[open + 1..open + close].trim_start_matches('/');
        let name: String = tag
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if matches!(
            name.to_ascii_lowercase().as_str(),
            "p" | "br" | "div" | "li"
        ) {
            text.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    decode_entities(&text)
}

/// Decodes the HTML entities that exports use: the named basics and numeric references.
pub(crate) fn decode_entities(text: &str) -> String {
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        decoded.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let entity_end = rest.find(';').filter(|&end| end <= 10);
        let replacement = entity_end.and_then(|end| entity(&rest[1..end]));
        match (entity_end, replacement) {
            (Some(end), Some(character)) => {
                decoded.push(character);
                rest = &rest[end + 1..];
            }
            _ => {
                decoded.push('&');
                rest = &rest[1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_collapse_whitespace_and_stop_at_a_word() {
        assert_eq!(title("  one \n two  "), Some("one two".into()));
        assert_eq!(title(" \n\t "), None);
        let long = "word ".repeat(50);
        let cut = title(&long).unwrap();
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= TITLE_CHARS + 1);
        let one_long_word = "x".repeat(300);
        assert_eq!(
            title(&one_long_word).unwrap().chars().count(),
            TITLE_CHARS + 1
        );
    }

    #[test]
    fn html_becomes_text() {
        let html = "<p>Tea &amp; toast</p><p>next<br/>line &#39;quoted&#x27; &unknown; & done</p>";
        assert_eq!(
            title(&html_to_text(html)).unwrap(),
            "Tea & toast next line 'quoted' &unknown; & done"
        );
    }
}
