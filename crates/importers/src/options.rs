//! What an import is told (options and limits) and what it hands back (batches and a summary).

use chrono::{DateTime, Utc};
use tally_domain::{EngagementKind, IngestBatch, PerformanceMetric, Platform};

use crate::Format;

/// How an import runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOptions {
    /// When the counts in the file were observed, for exports that do not say when they
    /// were made (a bare `tweets.js` or `outbox.json`, YouTube Studio exports). Usually
    /// the time the person downloaded the export, or else the time of the import.
    pub observed_at: DateTime<Utc>,
    /// The most records (posts, engagement, performance and account figures together) one
    /// batch may hold, and the import holds at once across the batches it fills for
    /// different accounts; at least [`MIN_BATCH_RECORDS`]. A post always travels in the
    /// same batch as its counters.
    pub max_batch_records: usize,
    /// Guards against oversized or hostile archives.
    pub limits: ArchiveLimits,
}

/// The smallest batch size an import uses: room for a post and every counter it can have.
pub const MIN_BATCH_RECORDS: usize = 1 + EngagementKind::ALL.len() + PerformanceMetric::ALL.len();

impl ImportOptions {
    /// Batches of at most 5,000 records, default limits, and `observed_at` for counts whose
    /// export does not say when it was made.
    pub fn new(observed_at: DateTime<Utc>) -> Self {
        Self {
            observed_at,
            max_batch_records: 5_000,
            limits: ArchiveLimits::default(),
        }
    }

    /// The same options with batches of at most `records` records.
    pub fn with_max_batch_records(mut self, records: usize) -> Self {
        self.max_batch_records = records;
        self
    }

    /// The same options with other archive limits.
    pub fn with_limits(mut self, limits: ArchiveLimits) -> Self {
        self.limits = limits;
        self
    }

    pub(crate) fn batch_records(&self) -> usize {
        self.max_batch_records.max(MIN_BATCH_RECORDS)
    }
}

/// Limits on archives, so that a decompression bomb or an archive of millions of entries
/// is refused rather than read. Nothing from an archive is ever written to disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// The largest decompressed size of an entry that is read (`tweets.js`, `outbox.json`,
    /// `Table data.csv`, ...); 4 GiB by default. Entries that are not read (media) are not
    /// limited, since they are skipped without being decompressed (zip) or only streamed
    /// past (tar.gz).
    pub max_entry_bytes: u64,
    /// The largest decompressed size of a small metadata entry such as X's `manifest.js`;
    /// 16 MiB by default.
    pub max_metadata_bytes: u64,
    /// The most entries an archive may have; 1,000,000 by default.
    pub max_entries: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        Self {
            max_entry_bytes: 4 << 30,
            max_metadata_bytes: 16 << 20,
            max_entries: 1_000_000,
        }
    }
}

/// The account on its platform that imported records belong to, as far as the file says.
///
/// The caller maps it to one of the user's connected accounts (or connects one).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SourceAccount {
    /// The platform.
    pub platform: Platform,
    /// The handle in the meaning the platform's connector uses, when the file names it:
    /// the X username, the Mastodon username, the Bluesky DID, or a tally CSV `account`.
    pub handle: Option<String>,
    /// The server, for platforms with many (the Mastodon instance's origin).
    pub base_url: Option<String>,
}

impl SourceAccount {
    /// An account of `platform` that the file does not name.
    pub fn unnamed(platform: Platform) -> Self {
        Self {
            platform,
            handle: None,
            base_url: None,
        }
    }
}

/// One batch of an import: records of one account, at most
/// [`ImportOptions::max_batch_records`] of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportChunk {
    /// Whose records they are.
    pub account: SourceAccount,
    /// The records. Engagement and performance refer to posts of the same batch, except in
    /// a tally CSV `post_metrics` file, whose posts must be stored already.
    pub batch: IngestBatch,
}

/// Records the importer left out on purpose, by reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Re-shares of other people's posts: X retweets, Mastodon boosts.
    pub reshares: u64,
    /// Replies to other accounts (all replies on X).
    pub replies: u64,
    /// Mastodon direct messages.
    pub direct_messages: u64,
    /// Summary rows such as YouTube Studio's `Total`.
    pub summary_rows: u64,
    /// Items of kinds tally does not import, such as Mastodon activities other than
    /// `Create` and `Announce`.
    pub other: u64,
}

/// What an import produced, once it finished without error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportSummary {
    /// The format the file was read as.
    pub format: Format,
    /// Every account that records were produced for, in order of first appearance.
    pub accounts: Vec<SourceAccount>,
    /// Batches handed to the consumer.
    pub batches: u64,
    /// Posts (a post repeated across batches counts each time).
    pub posts: u64,
    /// Engagement observations.
    pub engagement: u64,
    /// Performance observations.
    pub performance: u64,
    /// Daily account figures.
    pub account_metrics: u64,
    /// What was left out on purpose.
    pub skipped: Skipped,
    /// The time the export's counts were stamped with, for formats that stamp them; tally
    /// CSV rows carry their own.
    pub observed_at: Option<DateTime<Utc>>,
}
