//! YouTube through the Data API v3: channel statistics, the uploads playlist, and video
//! statistics.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use reqwest::Url;
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::collections::HashMap;
use tally_domain::{
    AccountMetric, AccountMetricRecord, ContentType, EngagementKind, IngestBatch, Platform,
    PostRecord,
};
use tracing::debug;

use super::PageBudget;
use super::google::classify;
use crate::http::{Call, Exchange, HttpClient, endpoint_url};
use crate::parse::{count, timestamp, title};
use crate::records::{BatchBuilder, MetricsBuilder};
use crate::{AccountAccess, ConnectorError, PlatformConnector};

const PLATFORM: Platform = Platform::YouTube;
const DEFAULT_BASE: &str = "https://www.googleapis.com/youtube/v3";
const API_KEY_HEADER: &str = "x-goog-api-key";
const CHANNELS: &str = "GET channels.list";
const PLAYLIST_ITEMS: &str = "GET playlistItems.list";
const VIDEOS: &str = "GET videos.list";
/// The most ids `playlistItems.list` returns and `videos.list` accepts at once.
const PAGE_SIZE: &str = "50";

/// Reads YouTube channels with an API key (public data) or an OAuth token.
///
/// The handle is the channel id (`UC…`), the channel's `@handle`, or `mine` for the channel
/// of the OAuth token. Uploads are listed from the channel's uploads playlist (1 quota unit
/// a page) rather than `search.list` (100 units).
#[derive(Clone, Debug)]
pub struct YouTubeConnector {
    http: HttpClient,
}

impl YouTubeConnector {
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
        let call = Call {
            api_key_header: Some(API_KEY_HEADER),
            ..Call::authenticated(PLATFORM, endpoint, account, classify)?
        };
        self.http.get(&call, url).await
    }

    async fn channel(
        &self,
        account: &AccountAccess,
        base: &Url,
    ) -> Result<Channel, ConnectorError> {
        let handle = account.handle.trim();
        let mut url = endpoint_url(base, &["channels"]);
        url.query_pairs_mut()
            .append_pair("part", "statistics,contentDetails");
        if handle.eq_ignore_ascii_case("mine") {
            url.query_pairs_mut().append_pair("mine", "true");
        } else if handle.starts_with("UC") && !handle.contains('@') {
            url.query_pairs_mut().append_pair("id", handle);
        } else {
            let with_at = format!("@{}", handle.trim_start_matches('@'));
            url.query_pairs_mut().append_pair("forHandle", &with_at);
        }
        let list: ChannelList = self.get(account, CHANNELS, url).await?.json()?;
        list.items
            .into_iter()
            .next()
            .ok_or_else(|| ConnectorError::NotFound {
                platform: PLATFORM,
                what: format!("channel '{handle}'"),
            })
    }

    async fn videos(
        &self,
        account: &AccountAccess,
        base: &Url,
        ids: &[String],
    ) -> Result<HashMap<String, Video>, ConnectorError> {
        let mut url = endpoint_url(base, &["videos"]);
        url.query_pairs_mut()
            .append_pair("part", "snippet,statistics,liveStreamingDetails")
            .append_pair("id", &ids.join(","))
            .append_pair("maxResults", PAGE_SIZE);
        let list: VideoList = self.get(account, VIDEOS, url).await?.json()?;
        Ok(list
            .items
            .into_iter()
            .map(|video| (video.id.clone(), video))
            .collect())
    }
}

#[async_trait]
impl PlatformConnector for YouTubeConnector {
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
        let channel = self.channel(account, &base).await?;

        let mut metrics = MetricsBuilder::new(now);
        if let Some(statistics) = channel.statistics {
            // A hidden subscriber count is unknown, whatever number the field holds.
            if !statistics.hidden_subscriber_count {
                metrics.today(AccountMetric::Followers, statistics.subscriber_count);
            }
        }
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
        let channel = self.channel(account, &base).await?;
        let uploads = channel
            .content_details
            .and_then(|details| details.related_playlists.uploads)
            .ok_or_else(|| ConnectorError::MalformedResponse {
                platform: PLATFORM,
                endpoint: CHANNELS.into(),
                reason: "the channel has no uploads playlist".into(),
            })?;

        let mut batch = BatchBuilder::new(now);
        let mut pages = PageBudget::new(PLATFORM, self.http.config().max_pages);
        let mut token: Option<String> = None;
        while pages.take() {
            let mut url = endpoint_url(&base, &["playlistItems"]);
            url.query_pairs_mut()
                .append_pair("part", "contentDetails")
                .append_pair("playlistId", &uploads)
                .append_pair("maxResults", PAGE_SIZE);
            if let Some(token) = &token {
                url.query_pairs_mut().append_pair("pageToken", token);
            }
            let exchange = self.get(account, PLAYLIST_ITEMS, url).await?;
            let page: PlaylistPage = exchange.json()?;

            let mut reached_since = page.items.is_empty();
            let mut wanted = Vec::new();
            for item in page
                .items
                .into_iter()
                .filter_map(|item| item.content_details)
            {
                // Deleted and private videos stay in playlists without a publication time.
                let Some(published) = item.video_published_at.as_deref().and_then(timestamp) else {
                    continue;
                };
                if published < since {
                    reached_since = true;
                } else {
                    wanted.push(item.video_id);
                }
            }
            if !wanted.is_empty() {
                let mut videos = self.videos(account, &base, &wanted).await?;
                for id in &wanted {
                    // videos.list leaves out ids that no longer exist.
                    match videos.remove(id) {
                        Some(video) => add_video(&mut batch, video),
                        None => debug!(platform = %PLATFORM, "skipping a deleted video"),
                    }
                }
            }

            match page.next_page_token {
                Some(next) if !reached_since && token.as_ref() != Some(&next) => token = Some(next),
                _ => break,
            }
        }
        Ok(batch.finish())
    }
}

fn add_video(batch: &mut BatchBuilder, video: Video) {
    let snippet = video.snippet.unwrap_or_default();
    let Some(published_at) = snippet.published_at.as_deref().and_then(timestamp) else {
        return;
    };
    let live = video.live_streaming_details.is_some()
        || matches!(
            snippet.live_broadcast_content.as_deref(),
            Some("live" | "upcoming")
        );
    let post = PostRecord {
        external_id: video.id.clone(),
        content_type: if live {
            ContentType::Live
        } else {
            ContentType::Video
        },
        published_at,
        url: Some(format!("https://www.youtube.com/watch?v={}", video.id)),
        title: title(&snippet.title),
    };
    if !batch.post(post) {
        return;
    }
    let statistics = video.statistics.unwrap_or_default();
    batch.engagement(&video.id, EngagementKind::View, statistics.view_count);
    batch.engagement(&video.id, EngagementKind::Like, statistics.like_count);
    batch.engagement(&video.id, EngagementKind::Comment, statistics.comment_count);
}

#[derive(Deserialize)]
struct ChannelList {
    #[serde(default)]
    items: Vec<Channel>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Channel {
    #[serde(default)]
    statistics: Option<ChannelStatistics>,
    #[serde(default)]
    content_details: Option<ChannelDetails>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChannelStatistics {
    #[serde(default, deserialize_with = "count")]
    subscriber_count: Option<u64>,
    #[serde(default)]
    hidden_subscriber_count: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChannelDetails {
    related_playlists: RelatedPlaylists,
}

#[derive(Deserialize)]
struct RelatedPlaylists {
    #[serde(default)]
    uploads: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlaylistPage {
    #[serde(default)]
    items: Vec<PlaylistItem>,
    #[serde(default)]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlaylistItem {
    #[serde(default)]
    content_details: Option<PlaylistItemDetails>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlaylistItemDetails {
    video_id: String,
    #[serde(default)]
    video_published_at: Option<String>,
}

#[derive(Deserialize)]
struct VideoList {
    #[serde(default)]
    items: Vec<Video>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Video {
    id: String,
    #[serde(default)]
    snippet: Option<Snippet>,
    #[serde(default)]
    statistics: Option<VideoStatistics>,
    #[serde(default)]
    live_streaming_details: Option<IgnoredAny>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Snippet {
    #[serde(default)]
    published_at: Option<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    live_broadcast_content: Option<String>,
}

/// `dislikeCount` is hidden and `favoriteCount` is always zero, so neither is read.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct VideoStatistics {
    #[serde(default, deserialize_with = "count")]
    view_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    like_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    comment_count: Option<u64>,
}
