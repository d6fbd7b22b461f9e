//! Bluesky through the AT Protocol AppView (`app.bsky.actor.getProfile`,
//! `app.bsky.feed.getAuthorFeed`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use reqwest::Url;
use serde::Deserialize;
use tally_domain::{
    AccountMetric, AccountMetricRecord, ContentType, EngagementKind, IngestBatch, Platform,
    PostRecord,
};

use super::PageBudget;
use crate::http::{Call, Exchange, Failure, HttpClient, classify_by_status, endpoint_url};
use crate::parse::{count, timestamp, title};
use crate::records::{BatchBuilder, MetricsBuilder};
use crate::{AccountAccess, ConnectorError, PlatformConnector};

const PLATFORM: Platform = Platform::Bluesky;
/// The public, unauthenticated AppView.
const DEFAULT_BASE: &str = "https://public.api.bsky.app";
const PROFILE: &str = "GET app.bsky.actor.getProfile";
const FEED: &str = "GET app.bsky.feed.getAuthorFeed";
const PAGE_SIZE: &str = "100";

/// Reads Bluesky accounts through an AppView.
///
/// The handle is the account's handle (`test-creator.example.social`) or DID. Without a
/// credential the public AppView is used; with an access token, point the base URL at the
/// account's PDS, which forwards the calls to the AppView.
#[derive(Clone, Debug)]
pub struct BlueskyConnector {
    http: HttpClient,
}

impl BlueskyConnector {
    /// A connector that sends its requests through `http`.
    pub fn new(http: HttpClient) -> Self {
        Self { http }
    }

    async fn get(
        &self,
        account: &AccountAccess,
        endpoint: &str,
        url: Url,
    ) -> Result<Exchange, ConnectorError> {
        let call = Call::new(PLATFORM, endpoint, account, classify);
        self.http.get(&call, url).await
    }
}

#[async_trait]
impl PlatformConnector for BlueskyConnector {
    fn platform(&self) -> Platform {
        PLATFORM
    }

    async fn fetch_account_metrics(
        &self,
        account: &AccountAccess,
        now: DateTime<Utc>,
    ) -> Result<Vec<AccountMetricRecord>, ConnectorError> {
        account.check(PLATFORM)?;
        let base = account.resolve_base_url(Some(DEFAULT_BASE))?;
        let mut url = endpoint_url(&base, &["xrpc", "app.bsky.actor.getProfile"]);
        url.query_pairs_mut()
            .append_pair("actor", account.bare_handle());
        let profile: Profile = self.get(account, PROFILE, url).await?.json()?;

        let mut metrics = MetricsBuilder::new(now);
        metrics.today(AccountMetric::Followers, profile.followers_count);
        metrics.today(AccountMetric::Following, profile.follows_count);
        Ok(metrics.finish())
    }

    async fn fetch_posts(
        &self,
        account: &AccountAccess,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<IngestBatch, ConnectorError> {
        account.check(PLATFORM)?;
        let base = account.resolve_base_url(Some(DEFAULT_BASE))?;
        let feed_url = endpoint_url(&base, &["xrpc", "app.bsky.feed.getAuthorFeed"]);
        let mut batch = BatchBuilder::new(now);
        let mut pages = PageBudget::new(PLATFORM, self.http.config().max_pages);
        let mut cursor: Option<String> = None;

        while pages.take() {
            let mut url = feed_url.clone();
            url.query_pairs_mut()
                .append_pair("actor", account.bare_handle())
                .append_pair("limit", PAGE_SIZE)
                .append_pair("filter", "posts_and_author_threads");
            if let Some(cursor) = &cursor {
                url.query_pairs_mut().append_pair("cursor", cursor);
            }
            let exchange = self.get(account, FEED, url).await?;
            let page: FeedPage = exchange.json()?;

            let mut reached_since = page.feed.is_empty();
            for item in &page.feed {
                let post = &item.post;
                let indexed_at = timestamp(&post.indexed_at).ok_or_else(|| {
                    exchange.malformed(format!(
                        "post {} has an unreadable indexedAt '{}'",
                        post.uri, post.indexed_at
                    ))
                })?;
                // createdAt is set by the client and may be missing or odd; indexedAt is
                // the server's time and the fallback.
                let created_at = post
                    .record
                    .created_at
                    .as_deref()
                    .and_then(timestamp)
                    .unwrap_or(indexed_at);
                let pinned = matches!(item.reason, Some(Reason::Pin));
                if !pinned && created_at.max(indexed_at) < since {
                    reached_since = true;
                }
                if matches!(item.reason, Some(Reason::Repost)) || created_at < since {
                    continue;
                }
                add_post(&mut batch, post, created_at);
            }

            match page.cursor {
                Some(next)
                    if !reached_since && !next.is_empty() && cursor.as_ref() != Some(&next) =>
                {
                    cursor = Some(next);
                }
                _ => break,
            }
        }
        Ok(batch.finish())
    }
}

fn add_post(batch: &mut BatchBuilder, post: &PostView, published_at: DateTime<Utc>) {
    let rkey = post.uri.rsplit('/').next().unwrap_or_default();
    let record = PostRecord {
        external_id: post.uri.clone(),
        content_type: post
            .embed
            .as_ref()
            .map_or(ContentType::Text, EmbedView::content_type),
        published_at,
        url: Some(format!(
            "https://bsky.app/profile/{}/post/{rkey}",
            post.author.handle
        )),
        title: title(&post.record.text),
    };
    if !batch.post(record) {
        return;
    }
    let id = post.uri.as_str();
    batch.engagement(id, EngagementKind::Like, post.like_count);
    batch.engagement(id, EngagementKind::Comment, post.reply_count);
    batch.engagement(id, EngagementKind::Share, post.repost_count);
    batch.engagement(id, EngagementKind::Quote, post.quote_count);
    batch.engagement(id, EngagementKind::Save, post.bookmark_count);
}

/// XRPC errors are `{"error": "<Name>", "message": "..."}`; the name decides, since an
/// expired token comes back as a 400.
fn classify(exchange: &Exchange) -> Option<Failure> {
    if exchange.status.is_success() {
        return None;
    }
    let name = exchange
        .json_value()
        .and_then(|body| body.get("error")?.as_str().map(str::to_owned))
        .unwrap_or_default();
    let message = exchange.message();
    let lowered = message.to_ascii_lowercase();
    match name.as_str() {
        "ExpiredToken" | "InvalidToken" | "AuthRequired" | "AuthMissing" => {
            Some(Failure::Unauthorized(format!("{name}: {message}")))
        }
        "AccountDeactivated" | "AccountTakedown" | "RepoNotFound" | "ActorNotFound" => {
            Some(Failure::NotFound(format!("{name}: {message}")))
        }
        "InvalidRequest" if lowered.contains("not found") => Some(Failure::NotFound(message)),
        "RateLimitExceeded" => Some(Failure::RateLimited(None)),
        _ => classify_by_status(exchange),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Profile {
    #[serde(default, deserialize_with = "count")]
    followers_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    follows_count: Option<u64>,
}

#[derive(Deserialize)]
struct FeedPage {
    #[serde(default)]
    feed: Vec<FeedItem>,
    #[serde(default)]
    cursor: Option<String>,
}

#[derive(Deserialize)]
struct FeedItem {
    post: PostView,
    #[serde(default)]
    reason: Option<Reason>,
}

#[derive(Deserialize)]
#[serde(tag = "$type")]
enum Reason {
    #[serde(rename = "app.bsky.feed.defs#reasonRepost")]
    Repost,
    #[serde(rename = "app.bsky.feed.defs#reasonPin")]
    Pin,
    #[serde(other)]
    Unknown,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostView {
    uri: String,
    author: Author,
    record: RawPost,
    indexed_at: String,
    #[serde(default)]
    embed: Option<EmbedView>,
    #[serde(default, deserialize_with = "count")]
    reply_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    repost_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    like_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    quote_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    bookmark_count: Option<u64>,
}

#[derive(Deserialize)]
struct Author {
    handle: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPost {
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
#[serde(tag = "$type")]
enum EmbedView {
    #[serde(rename = "app.bsky.embed.images#view")]
    Images {
        #[serde(default)]
        images: Vec<serde::de::IgnoredAny>,
    },
    #[serde(rename = "app.bsky.embed.video#view")]
    Video,
    #[serde(rename = "app.bsky.embed.external#view")]
    External,
    #[serde(rename = "app.bsky.embed.recordWithMedia#view")]
    RecordWithMedia { media: Box<EmbedView> },
    #[serde(other)]
    Other,
}

impl EmbedView {
    fn content_type(&self) -> ContentType {
        match self {
            EmbedView::Images { images } if images.len() > 1 => ContentType::Carousel,
            EmbedView::Images { .. } => ContentType::Image,
            EmbedView::Video => ContentType::Video,
            EmbedView::External => ContentType::Link,
            EmbedView::RecordWithMedia { media } => media.content_type(),
            EmbedView::Other => ContentType::Text,
        }
    }
}
