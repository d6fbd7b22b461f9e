//! Collection jobs: one run of collection for one user, and what it achieved.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AccountId, JobId, Platform, UserId};

crate::name_enum!(
    /// Where a job is in its life.
    JobState, "job state" {
        /// Waiting for a worker.
        Queued => "queued",
        /// A worker is collecting.
        Running => "running",
        /// Every account was collected.
        Succeeded => "succeeded",
        /// Some accounts were collected and some failed; what was collected is stored.
        Partial => "partial",
        /// Nothing could be collected.
        Failed => "failed",
    }
);

impl JobState {
    /// Whether the job is still to finish.
    pub fn is_active(self) -> bool {
        matches!(self, JobState::Queued | JobState::Running)
    }
}

crate::name_enum!(
    /// How collecting one account went.
    OutcomeState, "outcome" {
        /// Collected and stored.
        Succeeded => "succeeded",
        /// Nothing stored for this account; `error` says why.
        Failed => "failed",
        /// Not attempted, for example because the account needs re-authorization.
        Skipped => "skipped",
    }
);

/// What collecting one account achieved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountOutcome {
    /// The account.
    pub account_id: AccountId,
    /// Its platform.
    pub platform: Platform,
    /// Its handle.
    pub handle: String,
    /// How it went.
    pub state: OutcomeState,
    /// Posts created or refreshed.
    pub posts: u64,
    /// Engagement and performance observations stored.
    pub observations: u64,
    /// Daily account figures stored.
    pub daily_metrics: u64,
    /// Why it failed or was skipped, in words for people (never a credential).
    pub error: Option<String>,
}

/// One collection run for one user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Job {
    /// The job's id.
    pub id: JobId,
    /// Whose accounts are collected.
    pub user_id: UserId,
    /// Where the job is in its life.
    pub state: JobState,
    /// How many days back posts are collected.
    pub days_back: u32,
    /// When the job was requested.
    pub created_at: DateTime<Utc>,
    /// When a worker last started it.
    pub started_at: Option<DateTime<Utc>>,
    /// When it finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// How many times a worker has started it (more than one after a restart).
    pub attempts: u32,
    /// Posts created or refreshed, over all accounts.
    pub posts_written: u64,
    /// Observations stored, over all accounts.
    pub observations_written: u64,
    /// Daily account figures stored, over all accounts.
    pub daily_metrics_written: u64,
    /// One entry per account, once the job has finished.
    pub outcomes: Vec<AccountOutcome>,
    /// Why the job failed as a whole, if it did.
    pub error: Option<String>,
}

/// How a finished job ended, as recorded by the worker that ran it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobResult {
    /// `Succeeded`, `Partial` or `Failed`.
    pub state: JobState,
    /// One entry per account.
    pub outcomes: Vec<AccountOutcome>,
    /// Why the job failed as a whole, if it did.
    pub error: Option<String>,
}

impl JobResult {
    /// The result that a set of account outcomes adds up to: succeeded when every account
    /// succeeded (or there were none), failed when none did, partial otherwise.
    pub fn from_outcomes(outcomes: Vec<AccountOutcome>) -> Self {
        let succeeded = outcomes
            .iter()
            .filter(|outcome| outcome.state == OutcomeState::Succeeded)
            .count();
        let state = if succeeded == outcomes.len() {
            JobState::Succeeded
        } else if succeeded == 0 {
            JobState::Failed
        } else {
            JobState::Partial
        };
        let error = (state == JobState::Failed && !outcomes.is_empty())
            .then(|| "no account could be collected; see the outcomes".to_owned());
        Self {
            state,
            outcomes,
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(state: OutcomeState) -> AccountOutcome {
        AccountOutcome {
            account_id: AccountId(1),
            platform: Platform::Mastodon,
            handle: "test_creator".into(),
            state,
            posts: 0,
            observations: 0,
            daily_metrics: 0,
            error: None,
        }
    }

    #[test]
    fn outcomes_add_up_to_a_job_state() {
        use OutcomeState::*;
        assert_eq!(JobResult::from_outcomes(vec![]).state, JobState::Succeeded);
        assert_eq!(
            JobResult::from_outcomes(vec![outcome(Succeeded)]).state,
            JobState::Succeeded
        );
        let mixed = JobResult::from_outcomes(vec![outcome(Succeeded), outcome(Failed)]);
        assert_eq!(mixed.state, JobState::Partial);
        assert_eq!(mixed.error, None);
        let failed = JobResult::from_outcomes(vec![outcome(Failed), outcome(Skipped)]);
        assert_eq!(failed.state, JobState::Failed);
        assert!(failed.error.is_some());
        assert!(JobState::Queued.is_active() && JobState::Running.is_active());
        assert!(!JobState::Partial.is_active());
    }
}
