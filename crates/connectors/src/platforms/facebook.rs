//! Facebook Pages through the Graph API.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use tally_domain::{
    AccountMetric, AccountMetricRecord, ContentType, EngagementKind, IngestBatch, Platform,
    PostRecord,
};

use super::meta::{Insights, Published, collect_since, graph_get, optional};
use crate::http::{HttpClient, endpoint_url};
use crate::parse::{count, title};
use crate::records::{BatchBuilder, MetricsBuilder};
use crate::{AccountAccess, ConnectorError, PlatformConnector};

const PLATFORM: Platform = Platform::Facebook;
const DEFAULT_BASE: &str = "https://graph.facebook.com/v23.0";
const PAGE: &str = "GET /{page-id}";
const PAGE_INSIGHTS: &str = "GET /{page-id}/insights";
const POSTS: &str = "GET /{page-id}/posts";
const POST_FIELDS: &str = "id,message,created_time,permalink_url,shares,\
    reactions.summary(total_count).limit(0),comments.summary(true).limit(0),\
    attachments{media_type}";
/// Daily page metrics that replaced `page_impressions` and `page_impressions_unique`.
const VIEWS: &str = "page_media_view";
const UNIQUE_VIEWS: &str = "page_total_media_view_unique";

/// Reads Facebook Pages with a Page access token.
///
/// The handle is the page id. Only the page's own posts are read (`/posts`, not `/feed`).
#[derive(Clone, Debug)]
pub struct FacebookConnector {
    http: HttpClient,
}

impl FacebookConnector {
    /// A connector that sends its requests through `http`.
    pub fn new(http: HttpClient) -> Self {
        Self { http }
    }
}

#[async_trait]
impl PlatformConnector for FacebookConnector {
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
        let page_id = account.bare_handle();

        let mut url = endpoint_url(&base, &[page_id]);
        url.query_pairs_mut()
            .append_pair("fields", "id,name,followers_count");
        let page: Page = graph_get(&self.http, account, PLATFORM, PAGE, url)
            .await?
            .json()?;
        let mut metrics = MetricsBuilder::new(now);
        metrics.today(AccountMetric::Followers, page.followers_count);

        let mut url = endpoint_url(&base, &[page_id, "insights"]);
        url.query_pairs_mut()
            .append_pair("metric", &format!("{VIEWS},{UNIQUE_VIEWS}"))
            .append_pair("period", "day")
            .append_pair("since", &(now - Duration::days(2)).timestamp().to_string())
            .append_pair("until", &now.timestamp().to_string());
        let insights = match graph_get(&self.http, account, PLATFORM, PAGE_INSIGHTS, url).await {
            Ok(exchange) => exchange.json::<Insights>(),
            Err(error) => Err(error),
        };
        if let Some(insights) = optional(insights, PAGE_INSIGHTS)? {
            for (day, value) in insights.daily(VIEWS) {
                metrics.on_day(day, AccountMetric::Impressions, Some(value));
            }
            for (day, value) in insights.daily(UNIQUE_VIEWS) {
                metrics.on_day(day, AccountMetric::Reach, Some(value));
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
        let mut url = endpoint_url(&base, &[account.bare_handle(), "posts"]);
        url.query_pairs_mut()
            .append_pair("fields", POST_FIELDS)
            .append_pair("since", &since.timestamp().to_string())
            .append_pair("limit", "50");
        let posts: Vec<(PagePost, DateTime<Utc>)> =
            collect_since(&self.http, account, PLATFORM, POSTS, url, since).await?;

        let mut batch = BatchBuilder::new(now);
        for (post, published_at) in posts {
            let record = PostRecord {
                external_id: post.id.clone(),
                content_type: post.content_type(),
                published_at,
                url: post.permalink_url.clone(),
                title: post.message.as_deref().and_then(title),
            };
            if !batch.post(record) {
                continue;
            }
            let reactions = post.reactions.as_ref().and_then(Summary::total);
            let comments = post.comments.as_ref().and_then(Summary::total);
            // The Graph API leaves `shares` out when nobody has shared the post; its absence
            // is the platform's way of saying zero, not a hidden count.
            let shares = match &post.shares {
                Some(shares) => shares.count,
                None => Some(0),
            };
            batch.engagement(&post.id, EngagementKind::Like, reactions);
            batch.engagement(&post.id, EngagementKind::Comment, comments);
            batch.engagement(&post.id, EngagementKind::Share, shares);
        }
        Ok(batch.finish())
    }
}

#[derive(Deserialize)]
struct Page {
    #[serde(default, deserialize_with = "count")]
    followers_count: Option<u64>,
}

#[derive(Deserialize)]
struct PagePost {
    id: String,
    created_time: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    permalink_url: Option<String>,
    #[serde(default)]
    shares: Option<Shares>,
    #[serde(default)]
    reactions: Option<Summary>,
    #[serde(default)]
    comments: Option<Summary>,
    #[serde(default)]
    attachments: Option<Attachments>,
}

impl Published for PagePost {
    fn published(&self) -> &str {
        &self.created_time
    }
}

impl PagePost {
    fn content_type(&self) -> ContentType {
        let first = self
            .attachments
            .as_ref()
            .and_then(|attachments| attachments.data.first());
        match first.map(|attachment| &attachment.media_type) {
            Some(AttachmentType::Photo) => ContentType::Image,
            Some(AttachmentType::Video) => ContentType::Video,
            Some(AttachmentType::Album) => ContentType::Carousel,
            Some(AttachmentType::Link) => ContentType::Link,
            Some(AttachmentType::Other) | None => ContentType::Text,
        }
    }
}

#[derive(Deserialize)]
struct Shares {
    #[serde(default, deserialize_with = "count")]
    count: Option<u64>,
}

#[derive(Deserialize)]
struct Summary {
    #[serde(default)]
    summary: Option<SummaryCount>,
}

impl Summary {
    fn total(&self) -> Option<u64> {
        self.summary.as_ref()?.total_count
    }
}

#[derive(Deserialize)]
struct SummaryCount {
    #[serde(default, deserialize_with = "count")]
    total_count: Option<u64>,
}

#[derive(Deserialize)]
struct Attachments {
    #[serde(default)]
    data: Vec<Attachment>,
}

#[derive(Deserialize)]
struct Attachment {
    #[serde(default)]
    media_type: AttachmentType,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "lowercase")]
enum AttachmentType {
    Photo,
    Video,
    Album,
    Link,
    #[default]
    #[serde(other)]
    Other,
}
