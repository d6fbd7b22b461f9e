//! Threads through the Threads API (a Graph API on its own host).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use reqwest::Url;
use serde::Deserialize;
use tally_domain::{
    AccountMetric, AccountMetricRecord, ContentType, EngagementKind, IngestBatch, Platform,
    PostRecord,
};

use super::meta::{Insights, Published, collect_since, graph_get, optional};
use crate::http::{HttpClient, endpoint_url};
use crate::parse::title;
use crate::records::{BatchBuilder, MetricsBuilder};
use crate::{AccountAccess, ConnectorError, PlatformConnector};

const PLATFORM: Platform = Platform::Threads;
const DEFAULT_BASE: &str = "https://graph.threads.net/v1.0";
const USER_INSIGHTS: &str = "GET /{threads-user-id}/threads_insights";
const THREADS: &str = "GET /{threads-user-id}/threads";
const MEDIA_INSIGHTS: &str = "GET /{threads-media-id}/insights";
const THREAD_FIELDS: &str = "id,media_product_type,media_type,permalink,timestamp,text";
/// `shares` is still marked as in development by the platform, so it is not asked for.
const MEDIA_METRICS: &str = "views,likes,replies,reposts,quotes";

/// Reads Threads profiles with a Threads user token (`threads_basic`,
/// `threads_manage_insights`).
///
/// The handle is the Threads user id, or `me` for the token's own profile.
#[derive(Clone, Debug)]
pub struct ThreadsConnector {
    http: HttpClient,
}

impl ThreadsConnector {
    /// A connector that sends its requests through `http`.
    pub fn new(http: HttpClient) -> Self {
        Self { http }
    }

    async fn insights(
        &self,
        account: &AccountAccess,
        endpoint: &str,
        url: Url,
    ) -> Result<Insights, ConnectorError> {
        graph_get(&self.http, account, PLATFORM, endpoint, url)
            .await?
            .json()
    }
}

#[async_trait]
impl PlatformConnector for ThreadsConnector {
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
        let mut url = endpoint_url(&base, &[account.bare_handle(), "threads_insights"]);
        url.query_pairs_mut()
            .append_pair("metric", "followers_count");
        let insights = self.insights(account, USER_INSIGHTS, url).await?;

        let mut metrics = MetricsBuilder::new(now);
        metrics.today(AccountMetric::Followers, insights.total("followers_count"));
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
        let mut url = endpoint_url(&base, &[account.bare_handle(), "threads"]);
        url.query_pairs_mut()
            .append_pair("fields", THREAD_FIELDS)
            .append_pair("since", &since.timestamp().to_string())
            .append_pair("limit", "100");
        let threads: Vec<(Thread, DateTime<Utc>)> =
            collect_since(&self.http, account, PLATFORM, THREADS, url, since).await?;

        let mut batch = BatchBuilder::new(now);
        for (thread, published_at) in threads {
            // A repost facade stands for someone else's post and has no insights of its own.
            let Some(content_type) = thread.media_type.content_type() else {
                continue;
            };
            let post = PostRecord {
                external_id: thread.id.clone(),
                content_type,
                published_at,
                url: thread.permalink.clone(),
                title: thread.text.as_deref().and_then(title),
            };
            if !batch.post(post) {
                continue;
            }
            let mut url = endpoint_url(&base, &[&thread.id, "insights"]);
            url.query_pairs_mut().append_pair("metric", MEDIA_METRICS);
            let insights = self.insights(account, MEDIA_INSIGHTS, url).await;
            if let Some(insights) = optional(insights, MEDIA_INSIGHTS)? {
                let id = thread.id.as_str();
                batch.engagement(id, EngagementKind::View, insights.total("views"));
                batch.engagement(id, EngagementKind::Like, insights.total("likes"));
                batch.engagement(id, EngagementKind::Comment, insights.total("replies"));
                batch.engagement(id, EngagementKind::Share, insights.total("reposts"));
                batch.engagement(id, EngagementKind::Quote, insights.total("quotes"));
            }
        }
        Ok(batch.finish())
    }
}

#[derive(Deserialize)]
struct Thread {
    id: String,
    timestamp: String,
    #[serde(default)]
    media_type: MediaType,
    #[serde(default)]
    permalink: Option<String>,
    #[serde(default)]
    text: Option<String>,
}

impl Published for Thread {
    fn published(&self) -> &str {
        &self.timestamp
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum MediaType {
    TextPost,
    Image,
    Video,
    CarouselAlbum,
    Audio,
    RepostFacade,
    #[default]
    #[serde(other)]
    Other,
}

impl MediaType {
    /// The content type, or `None` for a repost of someone else's post.
    fn content_type(&self) -> Option<ContentType> {
        Some(match self {
            MediaType::RepostFacade => return None,
            MediaType::Image => ContentType::Image,
            MediaType::Video | MediaType::Audio => ContentType::Video,
            MediaType::CarouselAlbum => ContentType::Carousel,
            MediaType::TextPost | MediaType::Other => ContentType::Text,
        })
    }
}
