//! The one trait every platform connector implements.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tally_domain::{AccountMetricRecord, IngestBatch, Platform};

use crate::{AccountAccess, ConnectorError};

/// Reads one platform's accounts: their current figures and their recent posts.
///
/// Implementations hold no per-account state, so one connector per platform serves every
/// account, shared as `Arc<dyn PlatformConnector>`. The caller passes the current time; a
/// connector stamps every record it returns with it and never reads a clock for that.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PlatformConnector: Send + Sync {
    /// The platform this connector reads.
    fn platform(&self) -> Platform;

    /// The account's current figures (followers and whatever else the platform gives),
    /// each for the UTC day of `now` and observed at `now`. Platforms that report daily
    /// figures for past days (Meta's insights) return those under their own days.
    async fn fetch_account_metrics(
        &self,
        account: &AccountAccess,
        now: DateTime<Utc>,
    ) -> Result<Vec<AccountMetricRecord>, ConnectorError>;

    /// The account's own posts published at or after `since`, with their engagement and
    /// performance counters observed at `now`, following the platform's pagination.
    ///
    /// Re-shares of other people's posts and deleted posts are left out. The batch carries
    /// posts, engagement and performance; its account metrics are empty.
    async fn fetch_posts(
        &self,
        account: &AccountAccess,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<IngestBatch, ConnectorError>;
}
