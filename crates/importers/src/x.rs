//! X (Twitter) archives: `data/tweets.js` and its `tweets-partN.js` continuations, alone or
//! inside the archive zip with its `manifest.js`.
//!
//! A data file is JavaScript, `window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]`; after
//! the assignment it is one JSON array, streamed element by element. Counts are strings.

use std::io::{BufReader, Read, Seek};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeSeed;
use tally_domain::{ContentType, EngagementKind, Platform, PostRecord};

use crate::archive::{Zip, read_error};
use crate::chunker::{Chunker, PostItem};
use crate::json::{EachElement, count, json_error};
use crate::position::{Counting, Position};
use crate::text::{decode_entities, title};
use crate::time::{instant, x_archive_instant};
use crate::{ImportError, ImportOptions, Location, SourceAccount};

/// The part number of an X archive tweets file (`tweets.js` is part 0,
/// `tweets-part2.js` part 2; older archives say `tweet`), or `None` for any other name.
pub(crate) fn tweets_part(path: &str) -> Option<u32> {
    let name = crate::format::base_name(path).to_ascii_lowercase();
    let stem = name.strip_suffix(".js")?;
    let rest = stem
        .strip_prefix("tweets")
        .or_else(|| stem.strip_prefix("tweet"))?;
    if rest.is_empty() {
        return Some(0);
    }
    rest.strip_prefix("-part")?.parse().ok()
}

/// Imports one tweets data file.
pub(crate) fn import_tweets_js(
    location: &Location,
    reader: impl Read,
    account: &SourceAccount,
    observed_at: DateTime<Utc>,
    chunker: &mut Chunker<'_, '_>,
) -> Result<(), ImportError> {
    let (mut input, position) = Counting::new(BufReader::new(reader));
    let here = |record: Option<u64>| {
        let at = location.clone().at(position.line(), position.byte_offset());
        match record {
            Some(record) => at.at_record(record),
            None => at,
        }
    };
    skip_assignment(&mut input, &position, location)?;

    let mut record = 0u64;
    let mut stopped = None;
    let mut on_entry = |entry: Entry| {
        record += 1;
        let at = || here(Some(record));
        add_tweet(entry.tweet, account, observed_at, chunker, &at)
    };
    let mut de = serde_json::Deserializer::from_reader((&b"["[..]).chain(&mut input));
    let result = EachElement::new(&mut on_entry, &mut stopped).deserialize(&mut de);
    drop(de);
    if let Err(error) = result {
        return Err(json_error(error, stopped, here(Some(record + 1))));
    }

    let mut tail = [0u8; 512];
    loop {
        let read = input
            .read(&mut tail)
            .map_err(|error| read_error(here(None), error))?;
        if read == 0 {
            return Ok(());
        }
        if tail[..read]
            .iter()
            .any(|byte| !byte.is_ascii_whitespace() && *byte != b';')
        {
            return Err(ImportError::malformed(
                here(None),
                "unexpected content after the closing ']' of the tweets array",
            ));
        }
    }
}

/// Imports every tweets file of an archive zip, stamped with the archive's generation time.
pub(crate) fn import_zip<R: Read + Seek>(
    file: &str,
    reader: R,
    options: &ImportOptions,
    chunker: &mut Chunker<'_, '_>,
) -> Result<(), ImportError> {
    let mut zip = Zip::open(file, reader, &options.limits)?;
    let mut parts: Vec<(bool, u32, String)> = zip
        .names()
        .iter()
        .filter_map(|name| {
            let part = tweets_part(name)?;
            let newer = crate::format::base_name(name)
                .to_ascii_lowercase()
                .starts_with("tweets");
            Some((newer, part, name.clone()))
        })
        .collect();
    // Archives name their files either `tweets*.js` or, when older, `tweet*.js`; never both.
    let newer_exists = parts.iter().any(|(newer, _, _)| *newer);
    parts.retain(|(newer, _, _)| *newer == newer_exists);
    parts.sort();
    if parts.is_empty() {
        return Err(ImportError::MissingEntry {
            file: file.to_owned(),
            wanted: "data/tweets.js".to_owned(),
        });
    }

    let manifest_name = zip
        .names()
        .iter()
        .find(|name| crate::format::base_name(name).eq_ignore_ascii_case("manifest.js"))
        .cloned();
    let manifest = match manifest_name {
        Some(name) => {
            let limit = options.limits.max_metadata_bytes;
            let location = Location::file(file).in_entry(&name);
            zip.read_entry(&name, limit, |entry| read_manifest(entry, location))?
        }
        None => Manifest::default(),
    };
    let observed_at = manifest.generated_at.unwrap_or(options.observed_at);
    chunker.set_observed_at(observed_at);
    let account = SourceAccount {
        handle: manifest.user_name,
        ..SourceAccount::unnamed(Platform::X)
    };

    for (_, _, name) in parts {
        let location = Location::file(file).in_entry(&name);
        zip.read_entry(&name, options.limits.max_entry_bytes, |entry| {
            import_tweets_js(&location, entry, &account, observed_at, chunker)
        })?;
    }
    Ok(())
}

/// Reads up to and including the `[` that opens the array, checking that what comes before
/// it is a `window.YTD.<name>.partN =` assignment.
fn skip_assignment(
    input: &mut impl Read,
    position: &Position,
    location: &Location,
) -> Result<(), ImportError> {
    let here = || location.clone().at(position.line(), position.byte_offset());
    let mut prefix = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        let read = input
            .read(&mut byte)
            .map_err(|error| read_error(here(), error))?;
        if read == 0 {
            return Err(ImportError::truncated(
                here(),
                "no tweets array after the 'window.YTD' assignment",
            ));
        }
        if byte[0] == b'[' {
            break;
        }
        prefix.push(byte[0]);
        if prefix.len() > 256 {
            break;
        }
    }
    let prefix = String::from_utf8_lossy(&prefix);
    let prefix = prefix.trim_start_matches('\u{feff}').trim();
    if !(prefix.starts_with("window.YTD.") && prefix.ends_with('=')) {
        return Err(ImportError::malformed(
            location.clone().at(1, 0),
            "not an X archive data file: it should start with 'window.YTD.tweets.part0 = ['",
        ));
    }
    Ok(())
}

fn add_tweet(
    tweet: Tweet,
    account: &SourceAccount,
    observed_at: DateTime<Utc>,
    chunker: &mut Chunker<'_, '_>,
    at: &dyn Fn() -> Location,
) -> Result<(), ImportError> {
    let id = tweet
        .id_str
        .filter(|id| !id.trim().is_empty())
        .or(tweet.id.map(|id| id.to_string()))
        .ok_or_else(|| ImportError::malformed(at(), "the tweet has no 'id_str' or 'id'"))?;
    let text = decode_entities(tweet.full_text.as_deref().unwrap_or_default());

    // A retweet's text is "RT @author: ..." and its counts are zeros, not the original's.
    if text.starts_with("RT @") {
        chunker.skipped().reshares += 1;
        return Ok(());
    }
    // The X connector asks the API to exclude replies; imports agree with it.
    if tweet.in_reply_to_status_id_str.is_some() || tweet.in_reply_to_status_id.is_some() {
        chunker.skipped().replies += 1;
        return Ok(());
    }

    let published_at = x_archive_instant(&tweet.created_at)
        .or_else(|| instant(&tweet.created_at))
        .ok_or_else(|| {
            ImportError::malformed(
                at(),
                format!(
                    "tweet {id}: created_at '{}' is not a time like 'Wed Oct 10 20:19:24 +0000 2018'",
                    tweet.created_at
                ),
            )
        })?;
    let media = tweet.extended_entities.unwrap_or(tweet.entities).media;
    let post = PostRecord {
        url: Some(format!("https://x.com/i/status/{id}")),
        external_id: id,
        content_type: content_type(&media),
        published_at,
        title: title(&text),
    };
    let mut item = PostItem::new(post, observed_at);
    item.engagement(EngagementKind::Like, tweet.favorite_count);
    item.engagement(EngagementKind::Share, tweet.retweet_count);
    chunker.post(account, item).map_err(|error| error.at(at()))
}

fn content_type(media: &[Media]) -> ContentType {
    match media {
        [] => ContentType::Text,
        [one] if matches!(one.kind.as_str(), "video" | "animated_gif") => ContentType::Video,
        [_] => ContentType::Image,
        _ => ContentType::Carousel,
    }
}

#[derive(Deserialize)]
struct Entry {
    tweet: Tweet,
}

#[derive(Deserialize)]
struct Tweet {
    #[serde(default)]
    id_str: Option<String>,
    #[serde(default, deserialize_with = "count")]
    id: Option<u64>,
    created_at: String,
    #[serde(default)]
    full_text: Option<String>,
    #[serde(default, deserialize_with = "count")]
    favorite_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    retweet_count: Option<u64>,
    #[serde(default)]
    in_reply_to_status_id_str: Option<String>,
    #[serde(default, deserialize_with = "count")]
    in_reply_to_status_id: Option<u64>,
    #[serde(default)]
    entities: Entities,
    #[serde(default)]
    extended_entities: Option<Entities>,
}

#[derive(Default, Deserialize)]
struct Entities {
    #[serde(default)]
    media: Vec<Media>,
}

#[derive(Deserialize)]
struct Media {
    #[serde(rename = "type", default)]
    kind: String,
}

/// What tally reads from `manifest.js`.
#[derive(Default)]
struct Manifest {
    generated_at: Option<DateTime<Utc>>,
    user_name: Option<String>,
}

fn read_manifest(entry: &mut dyn Read, location: Location) -> Result<Manifest, ImportError> {
    #[derive(Deserialize)]
    struct Config {
        #[serde(rename = "userInfo", default)]
        user_info: Option<UserInfo>,
        #[serde(rename = "archiveInfo", default)]
        archive_info: Option<ArchiveInfo>,
    }
    #[derive(Deserialize)]
    struct UserInfo {
        #[serde(rename = "userName", default)]
        user_name: Option<String>,
    }
    #[derive(Deserialize)]
    struct ArchiveInfo {
        #[serde(rename = "generationDate", default)]
        generation_date: Option<String>,
    }

    let mut text = String::new();
    entry
        .read_to_string(&mut text)
        .map_err(|error| read_error(location.clone(), error))?;
    let json = text.find('{').map_or("", |start| &text[start..]);
    let json = json.trim_end().trim_end_matches(';');
    let config: Config = serde_json::from_str(json).map_err(|error| {
        let at = location.clone().at(error.line() as u64, 0);
        json_error(error, None, at)
    })?;
    let generated_at = match config.archive_info.and_then(|info| info.generation_date) {
        Some(date) => Some(instant(&date).ok_or_else(|| {
            ImportError::malformed(
                location,
                format!("archiveInfo.generationDate '{date}' is not a time"),
            )
        })?),
        None => None,
    };
    Ok(Manifest {
        generated_at,
        user_name: config.user_info.and_then(|info| info.user_name),
    })
}
