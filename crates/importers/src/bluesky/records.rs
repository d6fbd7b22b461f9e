//! The shapes of the DAG-CBOR blocks a repository holds (commit, tree nodes, post
//! records), and what is kept of a post until the tree gives its key.

use std::fmt;

use chrono::{DateTime, Utc};
use cid::Cid;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, Visitor};
use tally_domain::ContentType;

use crate::text::title;
use crate::time::instant;

/// The time in a record key that is a timestamp id (13 base-32 characters whose top 53
/// bits are microseconds since 1970).
pub(super) fn tid_time(rkey: &str) -> Option<DateTime<Utc>> {
    const ALPHABET: &[u8] = b"234567abcdefghijklmnopqrstuvwxyz";
    if rkey.len() != 13 {
        return None;
    }
    let mut value: u64 = 0;
    for byte in rkey.bytes() {
        let digit = ALPHABET.iter().position(|&letter| letter == byte)?;
        value = value.checked_mul(32)? | digit as u64;
    }
    DateTime::from_timestamp_micros(i64::try_from(value >> 10).ok()?)
}

/// What is kept of a post record until the tree gives its key.
#[derive(Clone)]
pub(super) struct Post {
    pub(super) created_at: Option<DateTime<Utc>>,
    pub(super) content_type: ContentType,
    pub(super) title: Option<String>,
    pub(super) reply_authors: Vec<String>,
}

impl From<FeedPost> for Post {
    fn from(record: FeedPost) -> Self {
        let author = |uri: &str| {
            let rest = uri.strip_prefix("at://").unwrap_or(uri);
            rest.split('/').next().unwrap_or(rest).to_owned()
        };
        Self {
            created_at: record.created_at.as_deref().and_then(instant),
            content_type: record
                .embed
                .as_ref()
                .map_or(ContentType::Text, Embed::content_type),
            title: title(&record.text),
            reply_authors: record
                .reply
                .map(|reply| vec![author(&reply.parent.uri), author(&reply.root.uri)])
                .unwrap_or_default(),
        }
    }
}

#[derive(Deserialize)]
pub(super) struct Typed {
    #[serde(rename = "$type", default)]
    pub(super) kind: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Commit {
    pub(super) did: String,
    pub(super) data: Cid,
}

#[derive(Deserialize)]
pub(super) struct Node {
    #[serde(rename = "l", default)]
    pub(super) left: Option<Cid>,
    #[serde(rename = "e")]
    pub(super) entries: Vec<Entry>,
}

#[derive(Deserialize)]
pub(super) struct Entry {
    #[serde(rename = "p")]
    pub(super) prefix: u64,
    #[serde(rename = "k")]
    pub(super) key_suffix: Bytes,
    #[serde(rename = "v")]
    pub(super) value: Cid,
    #[serde(rename = "t", default)]
    pub(super) right: Option<Cid>,
}

#[derive(Deserialize)]
pub(super) struct FeedPost {
    #[serde(rename = "createdAt", default)]
    pub(super) created_at: Option<String>,
    #[serde(default)]
    pub(super) text: String,
    #[serde(default)]
    pub(super) embed: Option<Embed>,
    #[serde(default)]
    pub(super) reply: Option<Reply>,
}

#[derive(Deserialize)]
pub(super) struct Embed {
    #[serde(rename = "$type", default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) images: Option<Vec<IgnoredAny>>,
    #[serde(default)]
    pub(super) media: Option<Box<Embed>>,
}

impl Embed {
    pub(super) fn content_type(&self) -> ContentType {
        match self.kind.as_str() {
            "app.bsky.embed.images" if self.images.as_ref().is_some_and(|i| i.len() > 1) => {
                ContentType::Carousel
            }
            "app.bsky.embed.images" => ContentType::Image,
            "app.bsky.embed.video" => ContentType::Video,
            "app.bsky.embed.external" => ContentType::Link,
            "app.bsky.embed.recordWithMedia" => self
                .media
                .as_ref()
                .map_or(ContentType::Text, |media| media.content_type()),
            _ => ContentType::Text,
        }
    }
}

#[derive(Deserialize)]
pub(super) struct Reply {
    pub(super) parent: StrongRef,
    pub(super) root: StrongRef,
}

#[derive(Deserialize)]
pub(super) struct StrongRef {
    pub(super) uri: String,
}

/// A CBOR byte string.
pub(super) struct Bytes(pub(super) Vec<u8>);

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BytesVisitor;

        impl Visitor<'_> for BytesVisitor {
            type Value = Bytes;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a byte string")
            }

            fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(bytes.to_vec()))
            }

            fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(bytes))
            }
        }

        deserializer.deserialize_bytes(BytesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_ids_carry_their_time() {
        let micros: u64 = 1_772_445_600_000_000;
        let value = micros << 10;
        let alphabet = b"234567abcdefghijklmnopqrstuvwxyz";
        let rkey: String = (0..13)
            .rev()
            .map(|digit| alphabet[((value >> (digit * 5)) & 31) as usize] as char)
            .collect();
        assert_eq!(
            tid_time(&rkey),
            DateTime::from_timestamp_micros(micros as i64)
        );
        assert_eq!(tid_time("self"), None);
        assert_eq!(tid_time("0000000000000"), None);
    }
}
