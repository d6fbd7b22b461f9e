//! LinkedIn organization pages through the Community Management API (versioned `rest/`).

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use reqwest::{Method, Url};
use serde::Deserialize;
use tally_domain::{
    AccountMetric, AccountMetricRecord, ContentType, EngagementKind, IngestBatch,
    PerformanceMetric, Platform, PostRecord,
};

use super::PageBudget;
use crate::http::{Call, Exchange, Failure, HttpClient, classify_by_status, endpoint_url};
use crate::parse::{count, epoch_millis, title};
use crate::records::{BatchBuilder, MetricsBuilder};
use crate::{AccountAccess, ConnectorError, PlatformConnector};

const PLATFORM: Platform = Platform::LinkedIn;
const DEFAULT_BASE: &str = "https://api.linkedin.com/rest";
/// The API version (`YYYYMM`) requests are written against; LinkedIn retires old ones.
const DEFAULT_LINKEDIN_VERSION: &str = "202601";
const NETWORK_SIZES: &str = "GET /rest/networkSizes/{organization}";
const POSTS: &str = "GET /rest/posts?q=author";
const SHARE_STATISTICS: &str = "GET /rest/organizationalEntityShareStatistics";
const ORGANIZATION_PREFIX: &str = "urn:li:organization:";
const PAGE_SIZE: usize = 50;

/// Reads LinkedIn organization (company) pages with an administrator's token
/// (`r_organization_social`, `rw_organization_admin`).
///
/// The handle is the organization id or its `urn:li:organization:` URN. Analytics of
/// members' personal profiles are not offered to ordinary apps, so such handles are refused.
#[derive(Clone, Debug)]
pub struct LinkedInConnector {
    http: HttpClient,
    version: String,
}

impl LinkedInConnector {
    /// A connector that sends its requests through `http` with the default API version.
    pub fn new(http: HttpClient) -> Self {
        Self {
            http,
            version: DEFAULT_LINKEDIN_VERSION.to_owned(),
        }
    }

    /// The same connector speaking another API version, such as `202606`.
    pub fn with_version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    async fn get(
        &self,
        account: &AccountAccess,
        endpoint: &str,
        url: Url,
    ) -> Result<Exchange, ConnectorError> {
        let call = Call::authenticated(PLATFORM, endpoint, account, classify)?;
        let request = self
            .http
            .request(Method::GET, url)
            .header("LinkedIn-Version", &self.version)
            .header("X-Restli-Protocol-Version", "2.0.0");
        self.http.send(&call, request).await
    }

    async fn statistics(
        &self,
        account: &AccountAccess,
        base: &Url,
        organization: &str,
        posts: &[String],
    ) -> Result<HashMap<String, ShareStatistics>, ConnectorError> {
        let list = |prefix: &str| {
            let urns: Vec<String> = posts
                .iter()
                .filter(|urn| urn.starts_with(prefix))
                .map(|urn| encode(urn))
                .collect();
            (!urns.is_empty()).then(|| format!("List({})", urns.join(",")))
        };
        let mut query = format!(
            "q=organizationalEntity&organizationalEntity={}",
            encode(organization)
        );
        if let Some(shares) = list("urn:li:share:") {
            query.push_str(&format!("&shares={shares}"));
        }
        if let Some(ugc_posts) = list("urn:li:ugcPost:") {
            query.push_str(&format!("&ugcPosts={ugc_posts}"));
        }
        let mut url = endpoint_url(base, &["organizationalEntityShareStatistics"]);
        url.set_query(Some(&query));
        let response: Elements<StatisticsElement> =
            self.get(account, SHARE_STATISTICS, url).await?.json()?;
        Ok(response
            .elements
            .into_iter()
            .filter_map(|element| {
                let urn = element.share.or(element.ugc_post)?;
                Some((urn, element.total_share_statistics?))
            })
            .collect())
    }
}

#[async_trait]
impl PlatformConnector for LinkedInConnector {
    fn platform(&self) -> Platform {
        PLATFORM
    }

    async fn fetch_account_metrics(
        &self,
        account: &AccountAccess,
        now: DateTime<Utc>,
    ) -> Result<Vec<AccountMetricRecord>, ConnectorError> {
        account.check(PLATFORM)?;
        let organization = organization_urn(account)?;
        let base = account.resolve_base_url(Some(DEFAULT_BASE))?;
        let mut url = endpoint_url(&base, &["networkSizes", &organization]);
        url.query_pairs_mut()
            .append_pair("edgeType", "COMPANY_FOLLOWED_BY_MEMBER");
        let size: NetworkSize = self.get(account, NETWORK_SIZES, url).await?.json()?;

        let mut metrics = MetricsBuilder::new(now);
        metrics.today(AccountMetric::Followers, size.first_degree_size);
        Ok(metrics.finish())
    }

    async fn fetch_posts(
        &self,
        account: &AccountAccess,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<IngestBatch, ConnectorError> {
        account.check(PLATFORM)?;
        let organization = organization_urn(account)?;
        let base = account.resolve_base_url(Some(DEFAULT_BASE))?;
        let mut batch = BatchBuilder::new(now);
        let mut pages = PageBudget::new(PLATFORM, self.http.config().max_pages);
        let mut start = 0usize;

        while pages.take() {
            let mut url = endpoint_url(&base, &["posts"]);
            url.set_query(Some(&format!(
                "q=author&author={}&count={PAGE_SIZE}&start={start}&sortBy=CREATED",
                encode(&organization)
            )));
            let exchange = self.get(account, POSTS, url).await?;
            let page: Elements<Post> = exchange.json()?;

            let mut reached_since = page.elements.len() < PAGE_SIZE;
            let mut kept = Vec::new();
            for post in page.elements {
                let millis = post.published_at.or(post.created_at).ok_or_else(|| {
                    exchange.malformed(format!("post {} has no publication time", post.id))
                })?;
                let published_at = epoch_millis(millis).ok_or_else(|| {
                    exchange.malformed(format!("post {} has an impossible time", post.id))
                })?;
                if published_at < since {
                    reached_since = true;
                    continue;
                }
                // Reshares of other posts and posts that are not (or no longer) live are
                // left out.
                if post.reshare_context.is_some() || !post.is_published() {
                    continue;
                }
                kept.push((post, published_at));
            }

            let ids: Vec<String> = kept.iter().map(|(post, _)| post.id.clone()).collect();
            let mut statistics = if ids.is_empty() {
                HashMap::new()
            } else {
                self.statistics(account, &base, &organization, &ids).await?
            };
            for (post, published_at) in kept {
                add_post(&mut batch, &post, published_at, statistics.remove(&post.id));
            }

            if reached_since {
                break;
            }
            start += PAGE_SIZE;
        }
        Ok(batch.finish())
    }
}

fn add_post(
    batch: &mut BatchBuilder,
    post: &Post,
    published_at: DateTime<Utc>,
    statistics: Option<ShareStatistics>,
) {
    let record = PostRecord {
        external_id: post.id.clone(),
        content_type: post.content_type(),
        published_at,
        url: Some(format!("https://www.linkedin.com/feed/update/{}/", post.id)),
        title: post.commentary.as_deref().and_then(title),
    };
    if !batch.post(record) {
        return;
    }
    let Some(stats) = statistics else {
        return;
    };
    let id = post.id.as_str();
    batch.engagement(id, EngagementKind::Like, stats.like_count);
    batch.engagement(id, EngagementKind::Comment, stats.comment_count);
    batch.engagement(id, EngagementKind::Share, stats.share_count);
    batch.engagement(id, EngagementKind::Click, stats.click_count);
    batch.performance(id, PerformanceMetric::Impressions, stats.impression_count);
    batch.performance(id, PerformanceMetric::Reach, stats.unique_impressions_count);
}

fn organization_urn(account: &AccountAccess) -> Result<String, ConnectorError> {
    let handle = account.bare_handle();
    if let Some(id) = handle.strip_prefix(ORGANIZATION_PREFIX)
        && !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
    {
        return Ok(handle.to_owned());
    }
    if handle.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(format!("{ORGANIZATION_PREFIX}{handle}"));
    }
    if handle.starts_with("urn:li:person:") || handle.starts_with("urn:li:member:") {
        return Err(ConnectorError::Unsupported {
            platform: PLATFORM,
            what: "analytics of a member's personal profile".into(),
        });
    }
    Err(ConnectorError::InvalidAccount {
        platform: PLATFORM,
        reason: format!("'{handle}' is not an organization id or urn:li:organization URN"),
    })
}

/// Percent-encodes a Rest.li value, leaving only unreserved characters as they are.
fn encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len() * 2);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// LinkedIn errors are `{"serviceErrorCode", "message", "status"}`; a 403 means the token's
/// member is not an administrator of the page or the token lacks a permission.
fn classify(exchange: &Exchange) -> Option<Failure> {
    match exchange.status.as_u16() {
        403 => Some(Failure::Unauthorized(exchange.message())),
        _ => classify_by_status(exchange),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NetworkSize {
    #[serde(default, deserialize_with = "count")]
    first_degree_size: Option<u64>,
}

#[derive(Deserialize)]
struct Elements<T> {
    #[serde(default = "Vec::new")]
    elements: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Post {
    id: String,
    #[serde(default)]
    created_at: Option<i64>,
    #[serde(default)]
    published_at: Option<i64>,
    #[serde(default)]
    commentary: Option<String>,
    #[serde(default)]
    lifecycle_state: Option<String>,
    #[serde(default)]
    reshare_context: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    content: Option<serde_json::Value>,
}

impl Post {
    fn is_published(&self) -> bool {
        matches!(
            self.lifecycle_state.as_deref(),
            None | Some("PUBLISHED" | "PUBLISHED_EDITED")
        )
    }

    fn content_type(&self) -> ContentType {
        let Some(content) = &self.content else {
            return ContentType::Text;
        };
        if content.get("multiImage").is_some() {
            return ContentType::Carousel;
        }
        if content.get("poll").is_some() {
            return ContentType::Poll;
        }
        if content.get("article").is_some() {
            return ContentType::Link;
        }
        let media = content.pointer("/media/id").and_then(|id| id.as_str());
        match media {
            Some(id) if id.starts_with("urn:li:video:") => ContentType::Video,
            Some(id) if id.starts_with("urn:li:document:") => ContentType::Article,
            Some(_) => ContentType::Image,
            None => ContentType::Text,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatisticsElement {
    #[serde(default)]
    share: Option<String>,
    #[serde(default)]
    ugc_post: Option<String>,
    #[serde(default)]
    total_share_statistics: Option<ShareStatistics>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ShareStatistics {
    #[serde(default, deserialize_with = "count")]
    impression_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    unique_impressions_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    click_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    like_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    comment_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    share_count: Option<u64>,
}
