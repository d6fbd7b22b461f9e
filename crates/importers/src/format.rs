//! The export formats tally reads, and telling them apart from a file's name and first bytes.

use tally_domain::Platform;

tally_domain::name_enum!(
    /// A kind of export file that tally imports.
    Format, "import format" {
        /// An X (Twitter) archive: `data/tweets.js`, one of its `tweets-partN.js`, or the
        /// whole archive `.zip`.
        XArchive => "x_archive" | "x-archive" | "x" | "twitter" | "twitter_archive",
        /// A Mastodon account archive: `outbox.json`, or the archive `.zip` / `.tar.gz`.
        Mastodon => "mastodon" | "mastodon_archive" | "outbox",
        /// A YouTube Studio content export: `Table data.csv`, or the export `.zip`.
        YouTubeStudio => "youtube_studio" | "youtube-studio" | "youtube",
        /// A Bluesky repository export (`.car`).
        BlueskyCar => "bluesky_car" | "bluesky-car" | "bluesky" | "car",
        /// tally's own CSV format, as its export endpoints write it.
        TallyCsv => "tally_csv" | "tally-csv" | "csv",
    }
);

impl Format {
    /// The platform the format's data belongs to, or `None` for tally CSV, whose rows name
    /// their platform.
    pub fn platform(self) -> Option<Platform> {
        match self {
            Format::XArchive => Some(Platform::X),
            Format::Mastodon => Some(Platform::Mastodon),
            Format::YouTubeStudio => Some(Platform::YouTube),
            Format::BlueskyCar => Some(Platform::Bluesky),
            Format::TallyCsv => None,
        }
    }

    /// The valid names, comma-separated, for messages.
    pub(crate) fn valid_names() -> String {
        Format::ALL
            .iter()
            .map(|format| format.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// How many leading bytes [`detect_format`] looks at; more are ignored.
pub const DETECT_BYTES: usize = 4096;

/// Guesses the format of a file from its name and its first bytes (up to [`DETECT_BYTES`]).
///
/// The content decides where it can (a `tweets.js` prefix, an ActivityPub collection, a CAR
/// header, a tally CSV marker, a YouTube Studio header row); the name decides otherwise. A
/// zip's first bytes say little, so a zip is only recognised by a telling name; the import
/// functions look inside a zip when no format is given. Returns `None` when unsure.
///
/// ```
/// use tally_importers::{Format, detect_format};
///
/// let head = b"window.YTD.tweets.part0 = [ {\"tweet\": {}} ]";
/// assert_eq!(detect_format("anything.js", head), Some(Format::XArchive));
/// assert_eq!(detect_format("repo.car", b""), Some(Format::BlueskyCar));
/// assert_eq!(detect_format("notes.txt", b"hello"), None);
/// ```
pub fn detect_format(file_name: &str, head: &[u8]) -> Option<Format> {
    let head = &head[..head.len().min(DETECT_BYTES)];
    let name = base_name(file_name).to_ascii_lowercase();

    if is_zip(head) {
        return format_from_archive_name(&name);
    }
    if is_gzip(head) {
        return Some(Format::Mastodon);
    }
    if looks_like_car(head) {
        return Some(Format::BlueskyCar);
    }
    format_from_text(&head_text(head)).or_else(|| format_from_name(&name))
}

/// Whether the bytes start a zip archive (an entry, or the end record of an empty one).
pub(crate) fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// Whether the bytes start a gzip stream.
pub(crate) fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
}

/// The last component of a path, whichever separator it uses.
pub(crate) fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The format of a zip whose entries have these names, from the files that define each
/// export.
pub(crate) fn format_from_entry_names<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> Option<Format> {
    let mut found = None;
    for name in names {
        let base = base_name(name);
        let format = if crate::x::tweets_part(name).is_some() {
            Some(Format::XArchive)
        } else if base == "outbox.json" {
            Some(Format::Mastodon)
        } else if base.eq_ignore_ascii_case("Table data.csv") {
            Some(Format::YouTubeStudio)
        } else {
            None
        };
        if format.is_some() {
            found = format;
            if format == Some(Format::XArchive) {
                break;
            }
        }
    }
    found
}

fn format_from_archive_name(name: &str) -> Option<Format> {
    if name.starts_with("twitter-") || name.contains("x-archive") {
        Some(Format::XArchive)
    } else if name.starts_with("archive-") {
        Some(Format::Mastodon)
    } else {
        None
    }
}

fn format_from_name(name: &str) -> Option<Format> {
    if name.ends_with(".car") {
        Some(Format::BlueskyCar)
    } else if crate::x::tweets_part(name).is_some() {
        Some(Format::XArchive)
    } else if name == "outbox.json" {
        Some(Format::Mastodon)
    } else if name == "table data.csv" {
        Some(Format::YouTubeStudio)
    } else if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
        Some(Format::Mastodon)
    } else {
        None
    }
}

fn format_from_text(text: &str) -> Option<Format> {
    let text = text.trim_start();
    if text.starts_with("window.YTD.") {
        return Some(Format::XArchive);
    }
    if text.starts_with("# tally-csv") || text.starts_with("\"# tally-csv") {
        return Some(Format::TallyCsv);
    }
    if text.starts_with('{')
        && (text.contains("\"orderedItems\"") || text.contains("\"OrderedCollection\""))
    {
        return Some(Format::Mastodon);
    }
    let first_line = text.lines().next().unwrap_or_default();
    if first_line.starts_with("Content,") && first_line.contains("Video title") {
        return Some(Format::YouTubeStudio);
    }
    None
}

/// The head as text: UTF-8 without its BOM, or UTF-16 after a BOM.
fn head_text(head: &[u8]) -> String {
    let utf16 = |bytes: &[u8], from: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|pair| from([pair[0], pair[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    };
    if let Some(rest) = head.strip_prefix(&[0xff, 0xfe]) {
        utf16(rest, u16::from_le_bytes)
    } else if let Some(rest) = head.strip_prefix(&[0xfe, 0xff]) {
        utf16(rest, u16::from_be_bytes)
    } else {
        let rest = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        String::from_utf8_lossy(rest).into_owned()
    }
}

/// A CARv1 starts with a varint length and a DAG-CBOR map holding `roots` and `version`.
fn looks_like_car(head: &[u8]) -> bool {
    let varint_len = head.iter().take(4).position(|byte| byte & 0x80 == 0);
    let Some(varint_len) = varint_len else {
        return false;
    };
    let Some(&map) = head.get(varint_len + 1) else {
        return false;
    };
    let window = &head[..head.len().min(96)];
    let has = |needle: &[u8]| window.windows(needle.len()).any(|part| part == needle);
    (0xa1..=0xb7).contains(&map) && has(b"roots") && has(b"version")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_from_their_names_and_aliases() {
        assert_eq!("twitter".parse::<Format>().unwrap(), Format::XArchive);
        assert_eq!("YouTube".parse::<Format>().unwrap(), Format::YouTubeStudio);
        let error = "myspace".parse::<Format>().unwrap_err().to_string();
        assert_eq!(
            error,
            "unknown import format 'myspace'; valid values: x_archive, mastodon, \
             youtube_studio, bluesky_car, tally_csv"
        );
    }

    #[test]
    fn content_decides_before_the_name() {
        let outbox = br#"{"@context":"https://www.w3.org/ns/activitystreams","id":"outbox.json","type":"OrderedCollection","orderedItems":[]}"#;
        assert_eq!(detect_format("x.json", outbox), Some(Format::Mastodon));
        assert_eq!(
            detect_format("export.csv", b"# tally-csv v1 posts\nplatform"),
            Some(Format::TallyCsv)
        );
        let youtube = "Content,Video title,Video publish time,Views\n";
        assert_eq!(
            detect_format("a.csv", youtube.as_bytes()),
            Some(Format::YouTubeStudio)
        );
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(youtube.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(detect_format("a.csv", &utf16), Some(Format::YouTubeStudio));
        assert_eq!(
            detect_format("x.tar.gz", &[0x1f, 0x8b, 8]),
            Some(Format::Mastodon)
        );
    }

    #[test]
    fn names_decide_when_the_content_does_not() {
        assert_eq!(
            detect_format("data/tweets-part1.js", b""),
            Some(Format::XArchive)
        );
        assert_eq!(
            detect_format("C:\\exports\\outbox.json", b""),
            Some(Format::Mastodon)
        );
        assert_eq!(
            detect_format("Table data.csv", b""),
            Some(Format::YouTubeStudio)
        );
        assert_eq!(
            detect_format("twitter-2026.zip", b"PK\x03\x04"),
            Some(Format::XArchive)
        );
        assert_eq!(detect_format("stuff.zip", b"PK\x03\x04"), None);
    }
}
