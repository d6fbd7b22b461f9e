//! Mastodon (and compatible servers) through the REST API v1 of the account's instance.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use reqwest::Url;
use serde::Deserialize;
use serde::de::IgnoredAny;
use tally_domain::{
    AccountMetric, AccountMetricRecord, ContentType, EngagementKind, IngestBatch, Platform,
    PostRecord,
};

use super::PageBudget;
use crate::http::{
    Call, Exchange, Failure, HttpClient, classify_by_status, endpoint_url, next_link, same_origin,
};
use crate::parse::{count, html_text, timestamp, title};
use crate::records::{BatchBuilder, MetricsBuilder};
use crate::{AccountAccess, ConnectorError, PlatformConnector};

const PLATFORM: Platform = Platform::Mastodon;
const LOOKUP: &str = "GET /api/v1/accounts/lookup";
const ACCOUNT: &str = "GET /api/v1/accounts/:id";
const STATUSES: &str = "GET /api/v1/accounts/:id/statuses";
/// The largest page the statuses endpoint serves.
const PAGE_SIZE: &str = "40";

/// Reads Mastodon accounts from their own instance (the account's base URL).
///
/// The handle is the account's numeric id or its `username` on that instance. A token is
/// optional for public accounts; instances in limited-federation mode need one.
#[derive(Clone, Debug)]
pub struct MastodonConnector {
    http: HttpClient,
}

impl MastodonConnector {
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

    /// The account, found by id or by username.
    async fn account(
        &self,
        account: &AccountAccess,
        base: &Url,
    ) -> Result<MastodonAccount, ConnectorError> {
        let handle = account.bare_handle();
        let found: MastodonAccount = if handle.bytes().all(|b| b.is_ascii_digit()) {
            let url = endpoint_url(base, &["api", "v1", "accounts", handle]);
            self.get(account, ACCOUNT, url).await?.json()?
        } else {
            let mut url = endpoint_url(base, &["api", "v1", "accounts", "lookup"]);
            url.query_pairs_mut().append_pair("acct", handle);
            self.get(account, LOOKUP, url).await?.json()?
        };
        if found.suspended {
            return Err(ConnectorError::NotFound {
                platform: PLATFORM,
                what: format!("account '{handle}' (suspended)"),
            });
        }
        Ok(found)
    }
}

#[async_trait]
impl PlatformConnector for MastodonConnector {
    fn platform(&self) -> Platform {
        PLATFORM
    }

    async fn fetch_account_metrics(
        &self,
        account: &AccountAccess,
        now: DateTime<Utc>,
    ) -> Result<Vec<AccountMetricRecord>, ConnectorError> {
        account.check(PLATFORM)?;
        let base = account.resolve_base_url(None)?;
        let found = self.account(account, &base).await?;

        let mut metrics = MetricsBuilder::new(now);
        metrics.today(AccountMetric::Followers, found.followers_count);
        metrics.today(AccountMetric::Following, found.following_count);
        Ok(metrics.finish())
    }

    async fn fetch_posts(
        &self,
        account: &AccountAccess,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<IngestBatch, ConnectorError> {
        account.check(PLATFORM)?;
        let base = account.resolve_base_url(None)?;
        let found = self.account(account, &base).await?;

        let mut url = endpoint_url(&base, &["api", "v1", "accounts", &found.id, "statuses"]);
        url.query_pairs_mut()
            .append_pair("limit", PAGE_SIZE)
            .append_pair("exclude_reblogs", "true")
            .append_pair("exclude_replies", "true");
        let mut batch = BatchBuilder::new(now);
        let mut pages = PageBudget::new(PLATFORM, self.http.config().max_pages);

        while pages.take() {
            let exchange = self.get(account, STATUSES, url.clone()).await?;
            let statuses: Vec<Status> = exchange.json()?;
            let mut reached_since = statuses.is_empty();
            for status in &statuses {
                let published_at = timestamp(&status.created_at).ok_or_else(|| {
                    exchange.malformed(format!(
                        "status {} has an unreadable created_at '{}'",
                        status.id, status.created_at
                    ))
                })?;
                if published_at < since {
                    reached_since = true;
                    continue;
                }
                add_status(&mut batch, status, published_at);
            }

            let Some(next) = next_link(&exchange.headers) else {
                break;
            };
            let next = same_origin(&base, &next).map_err(|reason| exchange.malformed(reason))?;
            if reached_since || next == url {
                break;
            }
            url = next;
        }
        Ok(batch.finish())
    }
}

fn add_status(batch: &mut BatchBuilder, status: &Status, published_at: DateTime<Utc>) {
    // A boost wraps someone else's post; direct messages are conversations, not posts.
    if status.reblog.is_some() || status.visibility == Visibility::Direct {
        return;
    }
    let post = PostRecord {
        external_id: status.id.clone(),
        content_type: content_type(status),
        published_at,
        url: status.url.clone().or_else(|| status.uri.clone()),
        title: title(&html_text(&status.content)),
    };
    if !batch.post(post) {
        return;
    }
    batch.engagement(&status.id, EngagementKind::Like, status.favourites_count);
    batch.engagement(&status.id, EngagementKind::Comment, status.replies_count);
    batch.engagement(&status.id, EngagementKind::Share, status.reblogs_count);
    batch.engagement(&status.id, EngagementKind::Quote, status.quotes_count);
}

fn content_type(status: &Status) -> ContentType {
    if status.poll.is_some() {
        return ContentType::Poll;
    }
    let media = &status.media_attachments;
    let moving = media.iter().any(|attachment| {
        matches!(
            attachment.kind,
            MediaKind::Video | MediaKind::Gifv | MediaKind::Audio
        )
    });
    match media.len() {
        0 if status.card.is_some() => ContentType::Link,
        0 => ContentType::Text,
        1 if moving => ContentType::Video,
        1 => ContentType::Image,
        _ => ContentType::Carousel,
    }
}

/// Mastodon errors are `{"error": "..."}`; the status decides. 403 and 422 mean the token's
/// user cannot read (login disabled, unconfirmed, or an app token without a user).
fn classify(exchange: &Exchange) -> Option<Failure> {
    match exchange.status.as_u16() {
        403 | 422 => Some(Failure::Unauthorized(exchange.message())),
        _ => classify_by_status(exchange),
    }
}

#[derive(Deserialize)]
struct MastodonAccount {
    id: String,
    #[serde(default, deserialize_with = "count")]
    followers_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    following_count: Option<u64>,
    #[serde(default)]
    suspended: bool,
}

#[derive(Deserialize)]
struct Status {
    id: String,
    created_at: String,
    #[serde(default)]
    visibility: Visibility,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    content: String,
    #[serde(default)]
    reblog: Option<IgnoredAny>,
    #[serde(default)]
    poll: Option<IgnoredAny>,
    #[serde(default)]
    card: Option<IgnoredAny>,
    #[serde(default)]
    media_attachments: Vec<Attachment>,
    #[serde(default, deserialize_with = "count")]
    replies_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    reblogs_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    favourites_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    quotes_count: Option<u64>,
}

#[derive(Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Visibility {
    #[default]
    Public,
    Unlisted,
    Private,
    Direct,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct Attachment {
    #[serde(rename = "type", default)]
    kind: MediaKind,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "lowercase")]
enum MediaKind {
    Image,
    Gifv,
    Video,
    Audio,
    #[default]
    #[serde(other)]
    Unknown,
}
