//! Mastodon account archives: `outbox.json`, alone or inside the archive `.zip` or `.tar.gz`.
//!
//! The outbox is an ActivityPub `OrderedCollection`; its `orderedItems` are streamed one
//! activity at a time, and its declared `totalItems` is ignored (it is the account's post
//! counter, not the number of items). `Create` activities of a `Note` or `Question` are the
//! account's posts; `Announce` activities are boosts of other people's posts.

mod archive;

use std::cell::Cell;
use std::fmt;
use std::io::{BufReader, Read};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use tally_domain::{ContentType, EngagementKind, Platform, PostRecord};

use crate::chunker::{Chunker, PostItem};
use crate::json::{EachElement, count, json_error};
use crate::position::Counting;
use crate::text::{html_to_text, title};
use crate::time::instant;
use crate::{ImportError, Location, SourceAccount};

pub(crate) use archive::{import_tar_gz, import_zip};

const PUBLIC: [&str; 3] = [
    "https://www.w3.org/ns/activitystreams#Public",
    "as:Public",
    "Public",
];

/// Imports an `outbox.json`, stamping counts with `observed_at`.
pub(crate) fn import_outbox(
    location: &Location,
    reader: impl Read,
    observed_at: DateTime<Utc>,
    chunker: &mut Chunker<'_, '_>,
) -> Result<(), ImportError> {
    let (input, position) = Counting::new(BufReader::new(reader));
    let here = || location.clone().at(position.line(), position.byte_offset());

    let mut record = 0u64;
    let mut actor = Actor::default();
    let mut stopped = None;
    let mut on_item = |activity: Activity| {
        record += 1;
        let at = || here().at_record(record);
        add_activity(activity, &mut actor, observed_at, chunker, &at)
    };
    let in_items = Cell::new(false);
    let mut de = serde_json::Deserializer::from_reader(input);
    let outbox = Outbox {
        on_item: &mut on_item,
        stopped: &mut stopped,
        in_items: &in_items,
    };
    let shape = match de
        .deserialize_map(outbox)
        .and_then(|shape| de.end().map(|()| shape))
    {
        Ok(shape) => shape,
        Err(error) => {
            let at = if in_items.get() {
                here().at_record(record + 1)
            } else {
                here()
            };
            return Err(json_error(error, stopped, at));
        }
    };

    if let Some(kind) = shape.kind.filter(|kind| kind != "OrderedCollection") {
        return Err(ImportError::malformed(
            here(),
            format!("not an outbox: its type is '{kind}', not 'OrderedCollection'"),
        ));
    }
    if !shape.has_items {
        return Err(ImportError::malformed(
            here(),
            "not an outbox: it has no 'orderedItems'",
        ));
    }
    Ok(())
}

/// The account an outbox belongs to, from its activities' `actor`.
#[derive(Default)]
struct Actor {
    id: Option<String>,
    account: Option<SourceAccount>,
}

impl Actor {
    /// The account of the actor `id` (`https://host/users/name`), remembered between items.
    fn account(&mut self, id: Option<&str>) -> SourceAccount {
        if self.id.as_deref() != id || self.account.is_none() {
            self.id = id.map(str::to_owned);
            self.account = Some(account_of(id));
        }
        self.account
            .clone()
            .unwrap_or_else(|| SourceAccount::unnamed(Platform::Mastodon))
    }
}

fn account_of(actor: Option<&str>) -> SourceAccount {
    let mut account = SourceAccount::unnamed(Platform::Mastodon);
    let Some((scheme, rest)) = actor.and_then(|actor| actor.split_once("://")) else {
        return account;
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    account.base_url = Some(format!("{scheme}://{host}"));
    account.handle = path
        .strip_prefix("users/")
        .map(|name| name.split('/').next().unwrap_or(name).to_owned())
        .filter(|name| !name.is_empty());
    account
}

fn add_activity(
    activity: Activity,
    actor: &mut Actor,
    observed_at: DateTime<Utc>,
    chunker: &mut Chunker<'_, '_>,
    at: &dyn Fn() -> Location,
) -> Result<(), ImportError> {
    match activity.kind.as_deref() {
        Some("Announce") => {
            chunker.skipped().reshares += 1;
            return Ok(());
        }
        Some("Create") => {}
        _ => {
            chunker.skipped().other += 1;
            return Ok(());
        }
    }
    let Some(object @ Value::Object(_)) = activity.object else {
        chunker.skipped().other += 1;
        return Ok(());
    };
    let note: Note = serde_json::from_value(object)
        .map_err(|error| ImportError::malformed(at(), format!("the created object: {error}")))?;
    if !matches!(note.kind.as_str(), "Note" | "Question") {
        chunker.skipped().other += 1;
        return Ok(());
    }

    let actor_id = activity.actor.as_deref().or(note.attributed_to.as_deref());
    let addressed = || note.to.iter().chain(&note.cc);
    let public = addressed().any(|address| PUBLIC.contains(&address.as_str()));
    let followers = addressed().any(|address| address.ends_with("/followers"));
    if !public && !followers {
        chunker.skipped().direct_messages += 1;
        return Ok(());
    }
    // Replies to oneself continue a thread and stay, as the Mastodon connector keeps them.
    if let Some(parent) = &note.in_reply_to {
        let own = actor_id.is_some_and(|actor| parent.starts_with(&format!("{actor}/")));
        if !own {
            chunker.skipped().replies += 1;
            return Ok(());
        }
    }

    let object_id = note
        .id
        .as_deref()
        .ok_or_else(|| ImportError::malformed(at(), "the post has no 'id'"))?;
    let external_id = status_id(object_id);
    let published = note.published.as_deref().or(activity.published.as_deref());
    let published_at = published.and_then(instant).ok_or_else(|| {
        let given = published.unwrap_or("nothing");
        ImportError::malformed(
            at(),
            format!("post {external_id}: 'published' is {given}, not an RFC 3339 time"),
        )
    })?;
    let post = PostRecord {
        external_id: external_id.to_owned(),
        content_type: content_type(&note),
        published_at,
        url: link(note.url.as_ref()).or_else(|| Some(object_id.to_owned())),
        title: title(&html_to_text(note.content.as_deref().unwrap_or_default())),
    };
    let mut item = PostItem::new(post, observed_at);
    item.engagement(EngagementKind::Like, note.likes.and_then(|c| c.total_items));
    item.engagement(
        EngagementKind::Share,
        note.shares.and_then(|c| c.total_items),
    );
    let account = actor.account(actor_id);
    chunker.post(&account, item).map_err(|error| error.at(at()))
}

/// The status id the REST API uses: the last part of `https://host/users/name/statuses/ID`.
fn status_id(object_id: &str) -> &str {
    match object_id.split_once("/statuses/") {
        Some((_, rest)) => rest.split('/').next().unwrap_or(rest),
        None => object_id,
    }
}

fn link(url: Option<&Value>) -> Option<String> {
    match url? {
        Value::String(url) => Some(url.clone()),
        Value::Array(links) => links.iter().find_map(|item| link(Some(item))),
        Value::Object(object) => object.get("href").and_then(|href| link(Some(href))),
        _ => None,
    }
}

fn content_type(note: &Note) -> ContentType {
    if note.kind == "Question" {
        return ContentType::Poll;
    }
    let moving = note.attachment.iter().any(|attachment| {
        let media = attachment.media_type.as_deref().unwrap_or_default();
        media.starts_with("video/") || media.starts_with("audio/")
    });
    match note.attachment.len() {
        0 => ContentType::Text,
        1 if moving => ContentType::Video,
        1 => ContentType::Image,
        _ => ContentType::Carousel,
    }
}

/// Walks the outbox object, streaming `orderedItems` through `on_item`.
struct Outbox<'f, F> {
    on_item: &'f mut F,
    stopped: &'f mut Option<ImportError>,
    /// Whether the items are being read, for errors to name the item.
    in_items: &'f Cell<bool>,
}

#[derive(Default)]
struct Shape {
    kind: Option<String>,
    has_items: bool,
}

impl<'de, F: FnMut(Activity) -> Result<(), ImportError>> Visitor<'de> for Outbox<'_, F> {
    type Value = Shape;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an ActivityPub OrderedCollection object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let Outbox {
            on_item,
            stopped,
            in_items,
        } = self;
        let mut shape = Shape::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "orderedItems" => {
                    in_items.set(true);
                    map.next_value_seed(EachElement::new(&mut *on_item, &mut *stopped))?;
                    in_items.set(false);
                    shape.has_items = true;
                }
                "type" => shape.kind = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(shape)
    }
}

#[derive(Deserialize)]
struct Activity {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    actor: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    object: Option<Value>,
}

#[derive(Deserialize)]
struct Note {
    #[serde(default)]
    id: Option<String>,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    url: Option<Value>,
    #[serde(default)]
    content: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    to: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    cc: Vec<String>,
    #[serde(rename = "inReplyTo", default)]
    in_reply_to: Option<String>,
    #[serde(rename = "attributedTo", default)]
    attributed_to: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    attachment: Vec<Attachment>,
    #[serde(default)]
    likes: Option<Counted>,
    #[serde(default)]
    shares: Option<Counted>,
}

#[derive(Deserialize)]
struct Attachment {
    #[serde(rename = "mediaType", default)]
    media_type: Option<String>,
}

#[derive(Deserialize)]
struct Counted {
    #[serde(rename = "totalItems", default, deserialize_with = "count")]
    total_items: Option<u64>,
}

/// ActivityPub allows one value or an array wherever several are possible.
fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
    }
    Ok(match Option::<OneOrMany<T>>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(OneOrMany::Many(values)) => values,
        Some(OneOrMany::One(value)) => vec![value],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_name_their_account_and_server() {
        let account = account_of(Some("https://example.social/users/test_creator"));
        assert_eq!(account.handle.as_deref(), Some("test_creator"));
        assert_eq!(account.base_url.as_deref(), Some("https://example.social"));
        assert_eq!(account_of(None), SourceAccount::unnamed(Platform::Mastodon));
    }

    #[test]
    fn status_ids_are_the_last_part_of_the_uri() {
        assert_eq!(
            status_id("https://example.social/users/a/statuses/110"),
            "110"
        );
        assert_eq!(
            status_id("https://other.example/notes/x1"),
            "https://other.example/notes/x1"
        );
    }
}
