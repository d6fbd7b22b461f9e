//! The vocabulary that every other tally crate speaks.
//!
//! This crate performs no I/O. It names the social platforms tally knows, the metrics it
//! stores, the kinds of content people publish, the records that collection and imports
//! produce, the facts that analyses read back, and the periods that analyses cover. Every
//! name that crosses an API boundary parses from its lowercase string form, and a failed
//! parse lists the valid values.
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
mod names;
mod period;
mod records;

pub use accounts::{Account, NewAccount, NewUser, User};
pub use facts::{DailyMetric, PostMetric, PostObservation, PostSummary};
pub use ids::{AccountId, PostId, UserId};
pub use names::{
    AccountMetric, ContentType, EngagementKind, ParseNameError, PerformanceMetric, Platform,
};
pub use period::{DateRange, DateRangeError};
pub use records::{
    AccountMetricRecord, EngagementRecord, IngestBatch, PerformanceRecord, PostRecord,
    truncate_to_micros,
};
