//! X (formerly Twitter) through API v2: users with `public_metrics`, and a user's posts.

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Url;
use serde::Deserialize;
use tally_domain::{
    AccountMetric, AccountMetricRecord, ContentType, EngagementKind, IngestBatch,
    PerformanceMetric, Platform, PostRecord,
};
use tracing::debug;

use super::PageBudget;
use crate::http::{Call, Exchange, Failure, HttpClient, classify_by_status, endpoint_url};
use crate::parse::{count, timestamp, title};
use crate::records::{BatchBuilder, MetricsBuilder};
use crate::{AccountAccess, ConnectorError, PlatformConnector};

const PLATFORM: Platform = Platform::X;
const DEFAULT_BASE: &str = "https://api.x.com";
const USER_BY_ID: &str = "GET /2/users/:id";
const USER_BY_NAME: &str = "GET /2/users/by/username/:username";
const TWEETS: &str = "GET /2/users/:id/tweets";
const PAGE_SIZE: &str = "100";

/// Reads X accounts through API v2 with a bearer token (app-only or user context).
///
/// The handle is the numeric user id or the username. The API returns at most the 3,200
/// most recent posts of a user; retweets and replies are excluded.
#[derive(Clone, Debug)]
pub struct XConnector {
    http: HttpClient,
}

impl XConnector {
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
        let call = Call::authenticated(PLATFORM, endpoint, account, classify)?;
        self.http.get(&call, url).await
    }

    async fn user(&self, account: &AccountAccess, base: &Url) -> Result<User, ConnectorError> {
        let handle = account.bare_handle();
        let (endpoint, mut url) = if handle.bytes().all(|b| b.is_ascii_digit()) {
            (USER_BY_ID, endpoint_url(base, &["2", "users", handle]))
        } else {
            let url = endpoint_url(base, &["2", "users", "by", "username", handle]);
            (USER_BY_NAME, url)
        };
        url.query_pairs_mut()
            .append_pair("user.fields", "public_metrics");
        let response: UserResponse = self.get(account, endpoint, url).await?.json()?;
        match response.data {
            Some(user) => Ok(user),
            None => {
                let detail = response
                    .errors
                    .iter()
                    .find_map(|problem| problem.detail.clone())
                    .unwrap_or_else(|| "no user in the response".into());
                Err(ConnectorError::NotFound {
                    platform: PLATFORM,
                    what: format!("account '{handle}' ({detail})"),
                })
            }
        }
    }
}

#[async_trait]
impl PlatformConnector for XConnector {
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
        let user = self.user(account, &base).await?;

        let metrics_of_user = user.public_metrics.unwrap_or_default();
        let mut metrics = MetricsBuilder::new(now);
        metrics.today(AccountMetric::Followers, metrics_of_user.followers_count);
        metrics.today(AccountMetric::Following, metrics_of_user.following_count);
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
        let handle = account.bare_handle();
        let user_id = if handle.bytes().all(|b| b.is_ascii_digit()) {
            handle.to_owned()
        } else {
            self.user(account, &base).await?.id
        };

        let tweets_url = endpoint_url(&base, &["2", "users", &user_id, "tweets"]);
        let mut batch = BatchBuilder::new(now);
        let mut pages = PageBudget::new(PLATFORM, self.http.config().max_pages);
        let mut token: Option<String> = None;

        while pages.take() {
            let mut url = tweets_url.clone();
            url.query_pairs_mut()
                .append_pair("max_results", PAGE_SIZE)
                .append_pair("exclude", "retweets,replies")
                .append_pair(
                    "start_time",
                    &since.to_rfc3339_opts(SecondsFormat::Secs, true),
                )
                .append_pair(
                    "tweet.fields",
                    "created_at,public_metrics,referenced_tweets,attachments",
                )
                .append_pair("expansions", "attachments.media_keys")
                .append_pair("media.fields", "type");
            if let Some(token) = &token {
                url.query_pairs_mut().append_pair("pagination_token", token);
            }
            let exchange = self.get(account, TWEETS, url).await?;
            let page: TweetsPage = exchange.json()?;
            for problem in &page.errors {
                // Partial errors name posts that were deleted or hidden since they were
                // indexed; the rest of the page is still good.
                debug!(
                    platform = %PLATFORM,
                    title = problem.title.as_deref().unwrap_or_default(),
                    resource_type = problem.resource_type.as_deref().unwrap_or_default(),
                    "skipping a post the API reported as an error"
                );
            }

            let media = page
                .includes
                .map(|includes| includes.media)
                .unwrap_or_default();
            let mut reached_since = page.data.is_empty();
            for tweet in &page.data {
                let published_at =
                    tweet
                        .created_at
                        .as_deref()
                        .and_then(timestamp)
                        .ok_or_else(|| {
                            exchange
                                .malformed(format!("post {} has no readable created_at", tweet.id))
                        })?;
                if published_at < since {
                    reached_since = true;
                    continue;
                }
                add_tweet(&mut batch, tweet, published_at, &media);
            }

            let next = page.meta.and_then(|meta| meta.next_token);
            match next {
                Some(next) if !reached_since && token.as_ref() != Some(&next) => token = Some(next),
                _ => break,
            }
        }
        Ok(batch.finish())
    }
}

fn add_tweet(
    batch: &mut BatchBuilder,
    tweet: &Tweet,
    published_at: DateTime<Utc>,
    media: &[Media],
) {
    let is_retweet = tweet
        .referenced_tweets
        .iter()
        .any(|reference| reference.kind == ReferenceKind::Retweeted);
    if is_retweet {
        return;
    }
    let post = PostRecord {
        external_id: tweet.id.clone(),
        content_type: content_type(tweet, media),
        published_at,
        url: Some(format!("https://x.com/i/status/{}", tweet.id)),
        title: title(&tweet.text),
    };
    if !batch.post(post) {
        return;
    }
    let metrics = tweet.public_metrics.clone().unwrap_or_default();
    let id = tweet.id.as_str();
    batch.engagement(id, EngagementKind::Like, metrics.like_count);
    batch.engagement(id, EngagementKind::Comment, metrics.reply_count);
    batch.engagement(id, EngagementKind::Share, metrics.retweet_count);
    batch.engagement(id, EngagementKind::Quote, metrics.quote_count);
    batch.engagement(id, EngagementKind::Save, metrics.bookmark_count);
    batch.performance(id, PerformanceMetric::Impressions, metrics.impression_count);
}

fn content_type(tweet: &Tweet, media: &[Media]) -> ContentType {
    let Some(attachments) = &tweet.attachments else {
        return ContentType::Text;
    };
    if !attachments.poll_ids.is_empty() {
        return ContentType::Poll;
    }
    let kinds: Vec<&MediaKind> = attachments
        .media_keys
        .iter()
        .filter_map(|key| media.iter().find(|item| &item.media_key == key))
        .map(|item| &item.kind)
        .collect();
    match kinds.as_slice() {
        [] => ContentType::Text,
        [MediaKind::Video | MediaKind::AnimatedGif] => ContentType::Video,
        [_] => ContentType::Image,
        _ => ContentType::Carousel,
    }
}

/// X errors are problem documents `{title, detail, type, status}`; an app-only token on a
/// user-context endpoint is a credential problem, other 403s are access-level problems.
fn classify(exchange: &Exchange) -> Option<Failure> {
    if exchange.status.as_u16() == 403 {
        let kind = exchange
            .json_value()
            .and_then(|body| body.get("type")?.as_str().map(str::to_owned))
            .unwrap_or_default();
        if kind.ends_with("unsupported-authentication") {
            return Some(Failure::Unauthorized(exchange.message()));
        }
    }
    classify_by_status(exchange)
}

#[derive(Deserialize)]
struct UserResponse {
    #[serde(default)]
    data: Option<User>,
    #[serde(default)]
    errors: Vec<Problem>,
}

#[derive(Deserialize)]
struct User {
    id: String,
    #[serde(default)]
    public_metrics: Option<UserMetrics>,
}

#[derive(Deserialize, Default)]
struct UserMetrics {
    #[serde(default, deserialize_with = "count")]
    followers_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    following_count: Option<u64>,
}

#[derive(Deserialize)]
struct TweetsPage {
    #[serde(default)]
    data: Vec<Tweet>,
    #[serde(default)]
    includes: Option<Includes>,
    #[serde(default)]
    errors: Vec<Problem>,
    #[serde(default)]
    meta: Option<Meta>,
}

#[derive(Deserialize)]
struct Problem {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    detail: Option<String>,
    #[serde(default)]
    resource_type: Option<String>,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Deserialize)]
struct Tweet {
    id: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    public_metrics: Option<TweetMetrics>,
    #[serde(default)]
    referenced_tweets: Vec<Reference>,
    #[serde(default)]
    attachments: Option<Attachments>,
}

/// The published OpenAPI renames some fields (`repost_count`); both names are accepted.
#[derive(Deserialize, Default, Clone)]
struct TweetMetrics {
    #[serde(default, alias = "repost_count", deserialize_with = "count")]
    retweet_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    reply_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    like_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    quote_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    bookmark_count: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    impression_count: Option<u64>,
}

#[derive(Deserialize)]
struct Reference {
    #[serde(rename = "type")]
    kind: ReferenceKind,
}

#[derive(Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum ReferenceKind {
    Retweeted,
    Quoted,
    RepliedTo,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct Attachments {
    #[serde(default)]
    media_keys: Vec<String>,
    #[serde(default)]
    poll_ids: Vec<String>,
}

#[derive(Deserialize)]
struct Includes {
    #[serde(default)]
    media: Vec<Media>,
}

#[derive(Deserialize)]
struct Media {
    media_key: String,
    #[serde(rename = "type")]
    kind: MediaKind,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum MediaKind {
    Photo,
    Video,
    AnimatedGif,
    #[serde(other)]
    Other,
}
