//! Cuts the records an importer produces into bounded batches, one account per batch, and
//! hands them to the consumer as room is needed.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use chrono::{DateTime, Utc};
use tally_domain::{
    AccountMetricRecord, EngagementKind, EngagementRecord, IngestBatch, PerformanceMetric,
    PerformanceRecord, Platform, PostRecord, handle_key,
};

use crate::{
    Format, ImportChunk, ImportError, ImportSummary, Location, SinkError, Skipped, SourceAccount,
};

/// The consumer of batches, as the import functions receive it.
pub(crate) type Sink<'a> = dyn FnMut(ImportChunk) -> Result<(), SinkError> + 'a;

/// A post with the counters observed on it at one moment.
pub(crate) struct PostItem {
    pub post: PostRecord,
    pub observed_at: DateTime<Utc>,
    pub engagement: Vec<(EngagementKind, u64)>,
    pub performance: Vec<(PerformanceMetric, u64)>,
}

impl PostItem {
    /// A post with no counters yet.
    pub fn new(post: PostRecord, observed_at: DateTime<Utc>) -> Self {
        Self {
            post,
            observed_at,
            engagement: Vec::new(),
            performance: Vec::new(),
        }
    }

    /// Adds an engagement counter when the export gave it.
    pub fn engagement(&mut self, kind: EngagementKind, count: Option<u64>) {
        if let Some(count) = count {
            self.engagement.push((kind, count));
        }
    }

    /// Adds a performance figure when the export gave it.
    pub fn performance(&mut self, metric: PerformanceMetric, value: Option<u64>) {
        if let Some(value) = value {
            self.performance.push((metric, value));
        }
    }
}

/// Why a record could not be added.
pub(crate) enum ChunkError {
    /// The same post came twice in one batch with different details.
    Conflict(String),
    /// The consumer failed.
    Sink(SinkError),
}

impl ChunkError {
    /// The error, placed at `location` when it is about the input.
    pub fn at(self, location: Location) -> ImportError {
        match self {
            ChunkError::Conflict(message) => ImportError::malformed(location, message),
            ChunkError::Sink(error) => ImportError::Sink(error),
        }
    }
}

/// The batch being filled for one account.
struct OpenBatch {
    /// The account as the file first spelled it.
    account: SourceAccount,
    batch: IngestBatch,
    /// Index in `batch.posts` of each post it holds, by platform id.
    posts: HashMap<String, usize>,
}

/// An account as the store tells accounts apart: by platform and handle, however the handle
/// is spelled (`@Creator` and `creator` are one account).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct AccountKey {
    platform: Platform,
    handle: Option<String>,
}

impl AccountKey {
    fn of(account: &SourceAccount) -> Self {
        Self {
            platform: account.platform,
            handle: account.handle.as_deref().map(handle_key),
        }
    }
}

/// Collects records into batches of one account each, holding at most `max_records` records
/// across all the batches it fills at once.
///
/// Exports often interleave accounts (a tally CSV file is in time order across platforms),
/// so each account keeps its batch open while records of others come in. When room is
/// needed, the fullest batches are handed over until at most half the bound is held (so a
/// busy account is never left only the room a crowd of small batches leaves it), and the
/// rest at the end, each time in the order their first records came. Records of one account
/// keep their order.
// TODO: a file that names an account on some rows and leaves it blank on others (which the
// store sends to the user's only account on the platform) fills two batches for it, which
// can be stored out of file order; of two of its records at one instant the one stored
// first then stays. Telling them apart needs the user's accounts, which only the store has.
pub(crate) struct Chunker<'s, 'a> {
    sink: &'s mut Sink<'a>,
    max_records: usize,
    /// The open batches, in the order their first records came.
    open: IndexMap<AccountKey, OpenBatch>,
    /// Index in `open` of the account the last record went to.
    current: Option<usize>,
    /// Records held in `open`.
    held: usize,
    /// Every account the file named, as spelled, to list each once in the summary.
    seen: HashSet<SourceAccount>,
    summary: ImportSummary,
}

impl<'s, 'a> Chunker<'s, 'a> {
    /// An empty chunker for an import of `format`.
    pub fn new(format: Format, max_records: usize, sink: &'s mut Sink<'a>) -> Self {
        Self {
            sink,
            max_records,
            open: IndexMap::new(),
            current: None,
            held: 0,
            seen: HashSet::new(),
            summary: ImportSummary {
                format,
                accounts: Vec::new(),
                batches: 0,
                posts: 0,
                engagement: 0,
                performance: 0,
                account_metrics: 0,
                skipped: Skipped::default(),
                observed_at: None,
            },
        }
    }

    /// The counts of records left out, for the importer to add to.
    pub fn skipped(&mut self) -> &mut Skipped {
        &mut self.summary.skipped
    }

    /// Notes the time the export's counts are stamped with.
    pub fn set_observed_at(&mut self, observed_at: DateTime<Utc>) {
        self.summary.observed_at = Some(observed_at);
    }

    /// Adds a post and its counters, in the same batch.
    pub fn post(&mut self, account: &SourceAccount, item: PostItem) -> Result<(), ChunkError> {
        let id = item.post.external_id.clone();
        let counters = item.engagement.len() + item.performance.len();
        let index = self.make_room(account, 1 + counters)?;
        let open = &mut self.open[index];
        match open.posts.get(&id) {
            Some(&index) if open.batch.posts[index] != item.post => {
                return Err(ChunkError::Conflict(format!(
                    "post '{id}' appears again with different details"
                )));
            }
            Some(_) => {}
            None => {
                open.posts.insert(id.clone(), open.batch.posts.len());
                open.batch.posts.push(item.post);
                self.held += 1;
            }
        }
        self.held += counters;
        for (kind, count) in item.engagement {
            open.batch.engagement.push(EngagementRecord {
                post_external_id: id.clone(),
                kind,
                count,
                observed_at: item.observed_at,
            });
        }
        for (metric, value) in item.performance {
            open.batch.performance.push(PerformanceRecord {
                post_external_id: id.clone(),
                metric,
                value,
                observed_at: item.observed_at,
            });
        }
        Ok(())
    }

    /// Adds an engagement observation of a post that is stored already.
    pub fn engagement(
        &mut self,
        account: &SourceAccount,
        record: EngagementRecord,
    ) -> Result<(), ChunkError> {
        let index = self.make_room(account, 1)?;
        self.open[index].batch.engagement.push(record);
        self.held += 1;
        Ok(())
    }

    /// Adds a performance observation of a post that is stored already.
    pub fn performance(
        &mut self,
        account: &SourceAccount,
        record: PerformanceRecord,
    ) -> Result<(), ChunkError> {
        let index = self.make_room(account, 1)?;
        self.open[index].batch.performance.push(record);
        self.held += 1;
        Ok(())
    }

    /// Adds a daily account figure.
    pub fn account_metric(
        &mut self,
        account: &SourceAccount,
        record: AccountMetricRecord,
    ) -> Result<(), ChunkError> {
        let index = self.make_room(account, 1)?;
        self.open[index].batch.account_metrics.push(record);
        self.held += 1;
        Ok(())
    }

    /// Hands over the batches still open and returns the summary.
    pub fn finish(mut self) -> Result<ImportSummary, ImportError> {
        self.hand_over_fullest(0).map_err(ImportError::Sink)?;
        Ok(self.summary)
    }

    /// The index in `open` of the batch of `account`, after making room for `records` more.
    /// A single item larger than the bound still goes into one batch, so that a post is
    /// never split from its counters. The caller adds what it stores to `held`.
    fn make_room(&mut self, account: &SourceAccount, records: usize) -> Result<usize, ChunkError> {
        if self.held + records > self.max_records {
            let keep = (self.max_records / 2).min(self.max_records.saturating_sub(records));
            self.hand_over_fullest(keep).map_err(ChunkError::Sink)?;
        }
        if let Some(index) = self.current
            && self.open[index].account == *account
        {
            return Ok(index);
        }
        if !self.seen.contains(account) {
            self.seen.insert(account.clone());
            self.summary.accounts.push(account.clone());
        }
        let entry = self.open.entry(AccountKey::of(account));
        let index = entry.index();
        entry.or_insert_with(|| OpenBatch {
            account: account.clone(),
            batch: IngestBatch::default(),
            posts: HashMap::new(),
        });
        self.current = Some(index);
        Ok(index)
    }

    /// Hands over the fullest open batches until at most `keep` records are held, in the
    /// order their first records came. Each time room is made about half the bound is freed,
    /// so the scan of the open batches is paid about once per half a bound of records.
    fn hand_over_fullest(&mut self, keep: usize) -> Result<(), SinkError> {
        let mut by_size: Vec<usize> = (0..self.open.len()).collect();
        by_size.sort_by_key(|&index| std::cmp::Reverse(self.open[index].batch.len()));
        let mut chosen = vec![false; self.open.len()];
        let mut left = self.held;
        for index in by_size {
            if left <= keep {
                break;
            }
            left -= self.open[index].batch.len();
            chosen[index] = true;
        }
        self.current = None;
        let open = std::mem::take(&mut self.open);
        for (index, (key, open)) in open.into_iter().enumerate() {
            if chosen[index] {
                self.hand_over(open)?;
            } else {
                self.open.insert(key, open);
            }
        }
        Ok(())
    }

    /// Hands `open` to the consumer.
    fn hand_over(&mut self, open: OpenBatch) -> Result<(), SinkError> {
        let OpenBatch { account, batch, .. } = open;
        self.held -= batch.len();

        self.summary.batches += 1;
        self.summary.posts += batch.posts.len() as u64;
        self.summary.engagement += batch.engagement.len() as u64;
        self.summary.performance += batch.performance.len() as u64;
        self.summary.account_metrics += batch.account_metrics.len() as u64;
        (self.sink)(ImportChunk { account, batch })
    }
}
