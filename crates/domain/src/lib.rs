//! The vocabulary that every other tally crate speaks.
//!
//! This crate performs no I/O. It names the social platforms tally knows, the metrics it
//! stores, the kinds of content people publish, the records that collection and imports
//! produce, the facts that analyses read back, and the periods that analyses cover. Every
//! name that crosses an API boundary parses from its lowercase string form, and a failed
//! parse lists the valid values.
//!
//! The `openapi` feature gives the closed name sets, the identifiers, users, accounts and
//! jobs utoipa schemas, for HTTP layers that publish an OpenAPI document.
//!
//! ```
//! use tally_domain::Platform;
//!
//! let platform: Platform = "twitter".parse().unwrap();
//! assert_eq!(platform, Platform::X);
//! assert_eq!(platform.as_str(), "x");
//! assert!("myspace".parse::<Platform>().unwrap_err().to_string().contains("mastodon"));
//! ```

mod accounts;
mod facts;
mod ids;
mod jobs;
mod names;
mod period;
mod records;
mod secret;
mod tokens;

pub use accounts::{Account, AccountStatus, AccountUpdate, NewAccount, NewUser, User, handle_key};
pub use facts::{DailyMetric, PostMetric, PostObservation, PostSummary};
pub use ids::{AccountId, JobId, PostId, UserId};
pub use jobs::{AccountOutcome, Job, JobResult, JobState, OutcomeState};
pub use names::{
    AccountMetric, ContentType, EngagementKind, ParseNameError, PerformanceMetric, Platform,
    excerpt,
};
pub use period::{DateRange, DateRangeError};
pub use records::{
    AccountMetricRecord, EngagementRecord, IngestBatch, PerformanceRecord, PostRecord,
    truncate_to_micros,
};
pub use secret::Secret;
pub use tokens::{ApiToken, NewApiToken, TokenScope};

/// utoipa, for the schemas that `name_enum!` implements in other crates.
#[cfg(feature = "openapi")]
#[doc(hidden)]
pub use utoipa as __utoipa;
