//! TikTok through the Display API v2 (`/v2/user/info/`, `/v2/video/list/`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use reqwest::{Method, RequestBuilder};
use serde::Deserialize;
use serde_json::json;
use tally_domain::{
    AccountMetric, AccountMetricRecord, ContentType, EngagementKind, IngestBatch, Platform,
    PostRecord,
};

use super::PageBudget;
use crate::http::{Call, Exchange, Failure, HttpClient, classify_by_status, endpoint_url};
use crate::parse::{count, epoch_seconds, title};
use crate::records::{BatchBuilder, MetricsBuilder};
use crate::{AccountAccess, ConnectorError, PlatformConnector};

const PLATFORM: Platform = Platform::TikTok;
const DEFAULT_BASE: &str = "https://open.tiktokapis.com";
const USER_INFO: &str = "GET /v2/user/info/";
const VIDEO_LIST: &str = "POST /v2/video/list/";
const USER_FIELDS: &str = "open_id,follower_count,following_count,likes_count,video_count";
const VIDEO_FIELDS: &str = "id,title,video_description,create_time,share_url,like_count,\
    comment_count,share_count,view_count";
/// The most videos one page may hold.
const PAGE_SIZE: u32 = 20;

/// Reads the TikTok account of a user token (`user.info.stats` and `video.list` scopes).
///
/// The token decides the account; the handle only names it in messages.
#[derive(Clone, Debug)]
pub struct TikTokConnector {
    http: HttpClient,
}

impl TikTokConnector {
    /// A connector that sends its requests through `http`.
    pub fn new(http: HttpClient) -> Self {
        Self { http }
    }

    async fn send(
        &self,
        account: &AccountAccess,
        endpoint: &str,
        request: RequestBuilder,
    ) -> Result<Exchange, ConnectorError> {
        let call = Call::authenticated(PLATFORM, endpoint, account, classify)?;
        self.http.send(&call, request).await
    }
}

#[async_trait]
impl PlatformConnector for TikTokConnector {
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
        let mut url = endpoint_url(&base, &["v2", "user", "info", ""]);
        url.query_pairs_mut().append_pair("fields", USER_FIELDS);
        let request = self.http.request(Method::GET, url);
        let info: Envelope<UserData> = self.send(account, USER_INFO, request).await?.json()?;

        let user = info.data.and_then(|data| data.user).unwrap_or_default();
        let mut metrics = MetricsBuilder::new(now);
        metrics.today(AccountMetric::Followers, user.follower_count);
        metrics.today(AccountMetric::Following, user.following_count);
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
        let mut url = endpoint_url(&base, &["v2", "video", "list", ""]);
        url.query_pairs_mut().append_pair("fields", VIDEO_FIELDS);

        let mut batch = BatchBuilder::new(now);
        let mut pages = PageBudget::new(PLATFORM, self.http.config().max_pages);
        let mut cursor: Option<i64> = None;
        while pages.take() {
            let body = match cursor {
                Some(cursor) => json!({"max_count": PAGE_SIZE, "cursor": cursor}),
                None => json!({"max_count": PAGE_SIZE}),
            };
            let request = self.http.request(Method::POST, url.clone()).json(&body);
            let exchange = self.send(account, VIDEO_LIST, request).await?;
            let page: Envelope<VideoPage> = exchange.json()?;
            let page = page.data.unwrap_or_default();

            let mut reached_since = page.videos.is_empty();
            for video in &page.videos {
                let published_at = epoch_seconds(video.create_time).ok_or_else(|| {
                    exchange.malformed(format!("video {} has an impossible create_time", video.id))
                })?;
                if published_at < since {
                    reached_since = true;
                    continue;
                }
                add_video(&mut batch, video, published_at);
            }

            match page.cursor {
                Some(next) if page.has_more && !reached_since && cursor != Some(next) => {
                    cursor = Some(next);
                }
                _ => break,
            }
        }
        Ok(batch.finish())
    }
}

fn add_video(batch: &mut BatchBuilder, video: &Video, published_at: DateTime<Utc>) {
    let text = video
        .title
        .as_deref()
        .filter(|text| !text.trim().is_empty())
        .or(video.video_description.as_deref())
        .unwrap_or_default();
    let post = PostRecord {
        external_id: video.id.clone(),
        content_type: ContentType::Video,
        published_at,
        url: video.share_url.clone(),
        title: title(text),
    };
    if !batch.post(post) {
        return;
    }
    batch.engagement(&video.id, EngagementKind::View, video.view_count);
    batch.engagement(&video.id, EngagementKind::Like, video.like_count);
    batch.engagement(&video.id, EngagementKind::Comment, video.comment_count);
    batch.engagement(&video.id, EngagementKind::Share, video.share_count);
}

/// Every TikTok response carries `error: {code, message, log_id}`, `"ok"` on success; the
/// code decides.
fn classify(exchange: &Exchange) -> Option<Failure> {
    let code = exchange
        .json_value()
        .and_then(|body| body.pointer("/error/code")?.as_str().map(str::to_owned));
    let message = exchange.message();
    match code.as_deref() {
        Some("ok") | None if exchange.status.is_success() => None,
        Some("access_token_invalid" | "scope_not_authorized" | "scope_permission_missed") => {
            Some(Failure::Unauthorized(message))
        }
        Some("rate_limit_exceeded") => Some(Failure::RateLimited(None)),
        Some("internal_error") => Some(Failure::Transient(message)),
        _ if exchange.status.is_success() => Some(Failure::Rejected(message)),
        _ => classify_by_status(exchange),
    }
}

#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(default = "Option::default")]
    data: Option<T>,
}

#[derive(Deserialize)]
struct UserData {
    #[serde(default)]
    user: Option<User>,
}

#[derive(Deserialize, Default)]
struct User {
    #[serde(default, deserialize_with = "count")]
    follower_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    following_count: Option<u64>,
}

#[derive(Deserialize, Default)]
struct VideoPage {
    #[serde(default)]
    videos: Vec<Video>,
    #[serde(default)]
    cursor: Option<i64>,
    #[serde(default)]
    has_more: bool,
}

#[derive(Deserialize)]
struct Video {
    id: String,
    create_time: i64,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    video_description: Option<String>,
    #[serde(default)]
    share_url: Option<String>,
    #[serde(default, deserialize_with = "count")]
    like_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    comment_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    share_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    view_count: Option<u64>,
}
