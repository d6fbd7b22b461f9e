//! Collection: reading each connected account through its platform connector and storing
//! what comes back through the ingest path, one job at a time per user.
//!
//! A job collects every account of one user. Each account is stored in its own
//! transaction as soon as it is read, so a platform that fails never discards what the
//! others returned, and what was stored before a failure (or a crash) stays stored. An
//! account whose credential the platform refuses is marked as needing re-authorization and
//! skipped by later jobs until a new credential is given.

mod workers;

use std::sync::Arc;

use chrono::{Duration, Utc};
use tally_connectors::{
    AccountAccess, ConnectorError, Credential, HttpClient, HttpConfig, PlatformConnector,
    connector_for,
};
use tally_domain::{
    Account, AccountOutcome, AccountStatus, IngestBatch, Job, JobId, JobResult, OutcomeState,
    Platform,
};
use tally_store::{AccountStore, IngestStore, JobStore, StoreError};
use tokio::task::spawn_blocking;

pub use workers::{WorkerPool, spawn_periodic_collection};

/// The longest period collection reads back, in days.
pub const MAX_DAYS_BACK: u32 = 365;

/// Gives the connector for a platform; tests substitute mocks.
pub trait ConnectorSource: Send + Sync {
    /// The connector that reads `platform`.
    fn connector(&self, platform: Platform) -> Arc<dyn PlatformConnector>;
}

/// The real connectors, sharing one HTTP client.
pub struct PlatformConnectors {
    http: HttpClient,
}

impl PlatformConnectors {
    /// Connectors with the default timeouts, retries and rate-limit handling.
    pub fn new() -> anyhow::Result<Self> {
        Ok(Self {
            http: HttpClient::new(HttpConfig::default())?,
        })
    }
}

impl ConnectorSource for PlatformConnectors {
    fn connector(&self, platform: Platform) -> Arc<dyn PlatformConnector> {
        connector_for(platform, self.http.clone())
    }
}

/// A collection failure that is not about one account.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A blocking store call could not be run.
    #[error("a storage task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Runs collection jobs.
#[derive(Clone)]
pub struct Collector {
    accounts: Arc<dyn AccountStore>,
    ingest: Arc<dyn IngestStore>,
    jobs: Arc<dyn JobStore>,
    connectors: Arc<dyn ConnectorSource>,
}

/// Reports progress while a job runs: called after each account with (done, total).
pub type Progress<'a> = &'a (dyn Fn(usize, usize, &AccountOutcome) + Send + Sync);

impl Collector {
    /// A collector over the stores and connectors.
    pub fn new(
        accounts: Arc<dyn AccountStore>,
        ingest: Arc<dyn IngestStore>,
        jobs: Arc<dyn JobStore>,
        connectors: Arc<dyn ConnectorSource>,
    ) -> Self {
        Self {
            accounts,
            ingest,
            jobs,
            connectors,
        }
    }

    /// The job store, for callers that queue or look up jobs.
    pub fn jobs(&self) -> &Arc<dyn JobStore> {
        &self.jobs
    }

    /// Claims a queued job and runs it to the end; `None` when another worker claimed it.
    pub async fn run_job(
        &self,
        id: JobId,
        progress: Progress<'_>,
    ) -> Result<Option<Job>, CollectError> {
        let jobs = self.jobs.clone();
        let Some(job) = spawn_blocking(move || jobs.claim_job(id, Utc::now())).await?? else {
            return Ok(None);
        };
        tracing::info!(
            job = id.get(),
            user = job.user_id.get(),
            days_back = job.days_back,
            "collecting"
        );

        let accounts = self.accounts.clone();
        let user = job.user_id;
        let result = match spawn_blocking(move || accounts.accounts(user)).await? {
            Ok(accounts) => {
                let mut outcomes = Vec::with_capacity(accounts.len());
                for (index, account) in accounts.iter().enumerate() {
                    let outcome = self.collect_account(account, job.days_back).await;
                    progress(index + 1, accounts.len(), &outcome);
                    outcomes.push(outcome);
                }
                JobResult::from_outcomes(outcomes)
            }
            Err(error) => {
                tracing::error!(%error, job = id.get(), "could not list the accounts");
                JobResult {
                    state: tally_domain::JobState::Failed,
                    outcomes: Vec::new(),
                    error: Some("the user's accounts could not be read".into()),
                }
            }
        };

        let jobs = self.jobs.clone();
        let finished = spawn_blocking(move || jobs.finish_job(id, &result, Utc::now())).await??;
        tracing::info!(job = id.get(), state = %finished.state, posts = finished.posts_written, "collection finished");
        Ok(Some(finished))
    }

    /// Reads one account and stores what it returned.
    async fn collect_account(&self, account: &Account, days_back: u32) -> AccountOutcome {
        let mut outcome = AccountOutcome {
            account_id: account.id,
            platform: account.platform,
            handle: account.handle.clone(),
            state: OutcomeState::Succeeded,
            posts: 0,
            observations: 0,
            daily_metrics: 0,
            error: None,
        };
        if account.status == AccountStatus::NeedsReauthorization {
            outcome.state = OutcomeState::Skipped;
            outcome.error =
                Some("the account needs a new credential before it can be collected".into());
            return outcome;
        }

        let store = self.accounts.clone();
        let id = account.id;
        let credential = match spawn_blocking(move || store.account_credential(id)).await {
            Ok(Ok(secret)) => {
                secret.map(|secret| credential_for(account.platform, secret.expose()))
            }
            Ok(Err(error)) => return credential_unreadable(outcome, &error),
            Err(error) => return failed(outcome, &error),
        };
        let access = AccountAccess::from_account(account, credential);
        let connector = self.connectors.connector(account.platform);
        let now = Utc::now();
        let since = now - Duration::days(i64::from(days_back));

        let metrics = connector.fetch_account_metrics(&access, now).await;
        let posts = connector.fetch_posts(&access, since, now).await;
        let (mut batch, mut errors) = (IngestBatch::default(), Vec::<ConnectorError>::new());
        match posts {
            Ok(posts) => batch = posts,
            Err(error) => errors.push(error),
        }
        match metrics {
            Ok(metrics) => batch.account_metrics = metrics,
            Err(error) => errors.push(error),
        }

        if !batch.is_empty() {
            let ingest = self.ingest.clone();
            match spawn_blocking(move || ingest.ingest(id, &batch)).await {
                Ok(Ok(summary)) => {
                    outcome.posts = summary.posts_created + summary.posts_updated;
                    outcome.observations = summary.observations_created;
                    outcome.daily_metrics = summary.daily_metrics_written;
                    let store = self.accounts.clone();
                    let marked = spawn_blocking(move || store.mark_collected(id, now)).await;
                    if let Ok(Err(error)) = marked {
                        tracing::warn!(%error, account = id.get(), "could not record the collection time");
                    }
                }
                Ok(Err(error)) => return failed(outcome, &error),
                Err(error) => return failed(outcome, &error),
            }
        }

        if let Some(error) = errors.first() {
            if errors.iter().any(ConnectorError::needs_reauthorization) {
                let store = self.accounts.clone();
                let marked = spawn_blocking(move || {
                    store.set_account_status(id, AccountStatus::NeedsReauthorization)
                })
                .await;
                if let Ok(Err(error)) = marked {
                    tracing::warn!(%error, account = id.get(), "could not mark the account");
                }
            }
            tracing::warn!(%error, account = id.get(), platform = %account.platform, "collection failed");
            outcome.state = OutcomeState::Failed;
            outcome.error = Some(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
        outcome
    }
}

/// The credential as the platform expects it: YouTube's public data takes an API key,
/// every other platform an OAuth bearer token.
fn credential_for(platform: Platform, secret: &str) -> Credential {
    match platform {
        Platform::YouTube => Credential::api_key(secret),
        _ => Credential::bearer(secret),
    }
}

/// The account's outcome when its stored credential cannot be read, such as when it was
/// encrypted under another key.
fn credential_unreadable(mut outcome: AccountOutcome, error: &StoreError) -> AccountOutcome {
    let account = outcome.account_id.get();
    tracing::error!(%error, account, "reading the stored credential failed");
    outcome.state = OutcomeState::Failed;
    outcome.error = Some(match error {
        StoreError::WrongSecretKey | StoreError::NoSecretKey => format!(
            "{error}; connect the account again with a new credential, or start tally with \
             the key it was stored under"
        ),
        _ => "the stored credential could not be read; see the server log".into(),
    });
    outcome
}

fn failed(mut outcome: AccountOutcome, error: &dyn std::fmt::Display) -> AccountOutcome {
    tracing::error!(%error, account = outcome.account_id.get(), "storing collected data failed");
    outcome.state = OutcomeState::Failed;
    outcome.error = Some("the collected data could not be stored; see the server log".into());
    outcome
}
