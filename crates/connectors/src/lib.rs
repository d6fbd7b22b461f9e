//! Connectors that read social platforms' APIs and return tally's domain records.
//!
//! Each supported platform has a [`PlatformConnector`]: it reads an account's current
//! figures ([`PlatformConnector::fetch_account_metrics`]) and its recent posts with their
//! engagement ([`PlatformConnector::fetch_posts`]). The caller describes the account with an
//! [`AccountAccess`] (handle, base URL and [`Credential`]) and gets [`tally_domain`] records
//! back; this crate knows nothing of storage.
//!
//! All connectors share one [`HttpClient`], which applies timeouts, retries timeouts and
//! server errors with exponential backoff, and waits out rate limits as the platform's
//! headers direct, up to a cap. Failures are [`ConnectorError`]s that say whether the user
//! must authorize the account again.
//!
//! ```no_run
//! use chrono::{Duration, Utc};
//! use tally_connectors::{AccountAccess, Credential, HttpClient, HttpConfig, connector_for};
//! use tally_domain::Platform;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let http = HttpClient::new(HttpConfig::default())?;
//! let connector = connector_for(Platform::Mastodon, http);
//! let account = AccountAccess::new(Platform::Mastodon, "test_creator")
//!     .with_base_url("https://example.social")
//!     .with_credential(Credential::bearer("token from the OAuth flow"));
//! let now = Utc::now();
//! let followers = connector.fetch_account_metrics(&account, now).await?;
//! let posts = connector.fetch_posts(&account, now - Duration::days(7), now).await?;
//! # let _ = (followers, posts);
//! # Ok(())
//! # }
//! ```

mod account;
mod connector;
mod credential;
mod error;
mod http;
mod parse;
mod platforms;
mod records;

use std::sync::Arc;

use tally_domain::Platform;

pub use account::AccountAccess;
#[cfg(feature = "mocks")]
pub use connector::MockPlatformConnector;
pub use connector::PlatformConnector;
pub use credential::{Credential, CredentialKind};
pub use error::{ClientBuildError, ConnectorError};
pub use http::{HttpClient, HttpConfig};
pub use platforms::{
    BlueskyConnector, FacebookConnector, InstagramConnector, LinkedInConnector, MastodonConnector,
    ThreadsConnector, TikTokConnector, XConnector, YouTubeConnector,
};

/// The connector for `platform`, sharing `http` with every other connector made from it.
pub fn connector_for(platform: Platform, http: HttpClient) -> Arc<dyn PlatformConnector> {
    match platform {
        Platform::Mastodon => Arc::new(MastodonConnector::new(http)),
        Platform::Bluesky => Arc::new(BlueskyConnector::new(http)),
        Platform::X => Arc::new(XConnector::new(http)),
        Platform::YouTube => Arc::new(YouTubeConnector::new(http)),
        Platform::Instagram => Arc::new(InstagramConnector::new(http)),
        Platform::Facebook => Arc::new(FacebookConnector::new(http)),
        Platform::LinkedIn => Arc::new(LinkedInConnector::new(http)),
        Platform::TikTok => Arc::new(TikTokConnector::new(http)),
        Platform::Threads => Arc::new(ThreadsConnector::new(http)),
    }
}
