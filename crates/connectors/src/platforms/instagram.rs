//! Instagram professional accounts through the Instagram Graph API.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use reqwest::Url;
use serde::Deserialize;
use tally_domain::{
    AccountMetric, AccountMetricRecord, ContentType, EngagementKind, IngestBatch,
    PerformanceMetric, Platform, PostRecord,
};

use super::meta::{Insights, Published, collect_since, graph_get, optional};
use crate::http::{HttpClient, endpoint_url};
use crate::parse::{count, title};
use crate::records::{BatchBuilder, MetricsBuilder};
use crate::{AccountAccess, ConnectorError, PlatformConnector};

const PLATFORM: Platform = Platform::Instagram;
const DEFAULT_BASE: &str = "https://graph.facebook.com/v23.0";
const PROFILE: &str = "GET /{ig-user-id}";
const USER_INSIGHTS: &str = "GET /{ig-user-id}/insights";
const MEDIA: &str = "GET /{ig-user-id}/media";
const MEDIA_INSIGHTS: &str = "GET /{ig-media-id}/insights";
const MEDIA_FIELDS: &str =
    "id,caption,media_type,media_product_type,timestamp,like_count,comments_count,permalink";
const MEDIA_METRICS: &str = "reach,saved,shares,views";

/// Reads Instagram professional (business or creator) accounts.
///
/// The handle is the Instagram user id; the credential is a Facebook or Instagram user
/// token with the insights permission. Point the base URL at `https://graph.instagram.com`
/// (with its version) for tokens from Instagram Login.
#[derive(Clone, Debug)]
pub struct InstagramConnector {
    http: HttpClient,
}

impl InstagramConnector {
    /// A connector that sends its requests through `http`.
    pub fn new(http: HttpClient) -> Self {
        Self { http }
    }

    async fn insights(
        &self,
        account: &AccountAccess,
        endpoint: &str,
        url: Url,
    ) -> Result<Option<Insights>, ConnectorError> {
        let result = match graph_get(&self.http, account, PLATFORM, endpoint, url).await {
            Ok(exchange) => exchange.json::<Insights>(),
            Err(error) => Err(error),
        };
        optional(result, endpoint)
    }
}

#[async_trait]
impl PlatformConnector for InstagramConnector {
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
        let user_id = account.bare_handle();

        let mut url = endpoint_url(&base, &[user_id]);
        url.query_pairs_mut().append_pair(
            "fields",
            "id,username,followers_count,follows_count,media_count",
        );
        let profile: Profile = graph_get(&self.http, account, PLATFORM, PROFILE, url)
            .await?
            .json()?;
        let mut metrics = MetricsBuilder::new(now);
        metrics.today(AccountMetric::Followers, profile.followers_count);
        metrics.today(AccountMetric::Following, profile.follows_count);

        let mut url = endpoint_url(&base, &[user_id, "insights"]);
        url.query_pairs_mut()
            .append_pair("metric", "reach")
            .append_pair("period", "day")
            .append_pair("since", &(now - Duration::days(2)).timestamp().to_string())
            .append_pair("until", &now.timestamp().to_string());
        if let Some(insights) = self.insights(account, USER_INSIGHTS, url).await? {
            for (day, reach) in insights.daily("reach") {
                metrics.on_day(day, AccountMetric::Reach, Some(reach));
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
        let mut url = endpoint_url(&base, &[account.bare_handle(), "media"]);
        url.query_pairs_mut()
            .append_pair("fields", MEDIA_FIELDS)
            .append_pair("limit", "50");
        let media: Vec<(Media, DateTime<Utc>)> =
            collect_since(&self.http, account, PLATFORM, MEDIA, url, since).await?;

        let mut batch = BatchBuilder::new(now);
        for (item, published_at) in media {
            let post = PostRecord {
                external_id: item.id.clone(),
                content_type: item.content_type(),
                published_at,
                url: item.permalink.clone(),
                title: item.caption.as_deref().and_then(title),
            };
            if !batch.post(post) {
                continue;
            }
            // like_count is left out when the owner hides likes: no record then.
            batch.engagement(&item.id, EngagementKind::Like, item.like_count);
            batch.engagement(&item.id, EngagementKind::Comment, item.comments_count);

            let mut url = endpoint_url(&base, &[&item.id, "insights"]);
            url.query_pairs_mut().append_pair("metric", MEDIA_METRICS);
            if let Some(insights) = self.insights(account, MEDIA_INSIGHTS, url).await? {
                batch.performance(&item.id, PerformanceMetric::Reach, insights.total("reach"));
                batch.engagement(&item.id, EngagementKind::Save, insights.total("saved"));
                batch.engagement(&item.id, EngagementKind::Share, insights.total("shares"));
                batch.engagement(&item.id, EngagementKind::View, insights.total("views"));
            }
        }
        Ok(batch.finish())
    }
}

#[derive(Deserialize)]
struct Profile {
    #[serde(default, deserialize_with = "count")]
    followers_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    follows_count: Option<u64>,
}

#[derive(Deserialize)]
struct Media {
    id: String,
    timestamp: String,
    #[serde(default)]
    caption: Option<String>,
    #[serde(default)]
    media_type: MediaType,
    #[serde(default)]
    media_product_type: ProductType,
    #[serde(default)]
    permalink: Option<String>,
    #[serde(default, deserialize_with = "count")]
    like_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    comments_count: Option<u64>,
}

impl Published for Media {
    fn published(&self) -> &str {
        &self.timestamp
    }
}

impl Media {
    /// Reels are `VIDEO` media with the `REELS` product type.
    fn content_type(&self) -> ContentType {
        match (&self.media_product_type, &self.media_type) {
            (ProductType::Reels, _) => ContentType::Reel,
            (ProductType::Story, _) => ContentType::Story,
            (_, MediaType::CarouselAlbum) => ContentType::Carousel,
            (_, MediaType::Video) => ContentType::Video,
            (_, MediaType::Image | MediaType::Other) => ContentType::Image,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum MediaType {
    Image,
    Video,
    CarouselAlbum,
    #[default]
    #[serde(other)]
    Other,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum ProductType {
    Feed,
    Reels,
    Story,
    #[default]
    #[serde(other)]
    Other,
}
