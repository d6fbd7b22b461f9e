//! Realistic, deterministic sample analytics with known truths planted in them.
//!
//! [`generate`] builds one user with accounts on several platforms, a posting history with
//! engagement that follows weekly and daily rhythms, differs by platform and content type and
//! has a few viral outliers, and daily account figures with noisy follower growth. Two truths
//! are planted per platform and returned in [`PlantedTruths`], so that analyses can be tested
//! against them: the best weekday and hour to post (in the user's time zone) and the best
//! content type.
//!
//! The output depends only on the options: every day of every account draws from its own
//! random stream, keyed by the seed, user, platform and date, so generating an overlapping
//! period later yields the same posts with the same ids for the days both cover.
//!
//! ```
//! use chrono::NaiveDate;
//! use tally_domain::UserId;
//! use tally_sample::{SampleOptions, generate};
//!
//! let options = SampleOptions::new(UserId(1), 30, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
//! let sample = generate(&options);
//! assert_eq!(sample.accounts.len(), 4);
//! assert_eq!(generate(&options), sample);
//! ```

mod facts;
mod generator;
mod profile;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use serde::Serialize;
use tally_domain::{ContentType, IngestBatch, NewAccount, NewUser, Platform, UserId};

pub use generator::generate;

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleOptions {
    /// The user to generate.
    pub user: UserId,
    /// How many days of history, ending with `end`.
    pub days: u32,
    /// The last day of history (in UTC); observations stop at the end of it.
    pub end: NaiveDate,
    /// The random seed; the same seed gives the same data.
    pub seed: u64,
    /// How many platforms the user publishes on (1 to 9).
    pub platforms: usize,
    /// Nothing is published or observed after this instant; the end of `end` when `None`.
    /// Set it to the current time when `end` is today, so no observation lies in the future.
    pub observed_until: Option<DateTime<Utc>>,
}

impl SampleOptions {
    /// The default seed.
    pub const DEFAULT_SEED: u64 = 42;

    /// Options for `days` days up to `end`, with the default seed and four platforms.
    pub fn new(user: UserId, days: u32, end: NaiveDate) -> Self {
        Self {
            user,
            days,
            end,
            seed: Self::DEFAULT_SEED,
            platforms: 4,
            observed_until: None,
        }
    }
}

/// One generated user: who they are, their accounts with their data, and the planted truths.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleUser {
    /// The user to store.
    pub user: NewUser,
    /// Each account with everything observed on it.
    pub accounts: Vec<SampleAccount>,
    /// The truths that analyses should find in the data.
    pub truths: PlantedTruths,
}

/// One generated account and its data.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleAccount {
    /// The account to connect.
    pub account: NewAccount,
    /// Its posts, their observed counters and its daily figures.
    pub batch: IngestBatch,
}

/// What the generator planted, for tests to recover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlantedTruths {
    /// The time zone that weekdays and hours below are expressed in: the user's.
    pub timezone: String,
    /// The planted truths of each platform the user publishes on.
    pub platforms: BTreeMap<Platform, PlatformTruth>,
}

/// The planted truths of one platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PlatformTruth {
    /// The weekday whose posts at `best_hour` engage far more than any other slot.
    pub best_weekday: Weekday,
    /// The local hour (0 to 23) of the best slot.
    pub best_hour: u32,
    /// The content type that engages most.
    pub best_content_type: ContentType,
}
