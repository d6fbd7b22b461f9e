//! Cuts the records an importer produces into bounded batches, one account per batch, and
//! hands them to the consumer as room is needed.

use std::collections::HashMap;

use indexmap::IndexMap;

use chrono::{DateTime, Utc};
use tally_domain::{
    AccountMetricRecord, EngagementKind, EngagementRecord, IngestBatch, PerformanceMetric,
    PerformanceRecord, PostRecord,
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
#[derive(Default)]
struct OpenBatch {
    batch: IngestBatch,
    /// Index in `batch.posts` of each post it holds, by platform id.
    posts: HashMap<String, usize>,
}

/// Collects records into batches of one account each, holding at most `max_records` records
/// across all the batches it fills at once.
///
/// Exports often interleave accounts (a tally CSV file is in time order across platforms),
/// so each account keeps its batch open while records of others come in; a batch is handed
/// over when room is needed, the fullest first, and the rest at the end. Records of one
/// account keep their order; only batches of different accounts, which share no rows,
/// may be handed over in another order than their records came.
pub(crate) struct Chunker<'s, 'a> {
    sink: &'s mut Sink<'a>,
    max_records: usize,
    /// The open batches by account, in the order their first records came.
    open: IndexMap<SourceAccount, OpenBatch>,
    /// Index in `open` of the account the last record went to.
    current: Option<usize>,
    /// Records held in `open`.
    held: usize,
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
        while !self.open.is_empty() {
            self.hand_over(0).map_err(ImportError::Sink)?;
        }
        Ok(self.summary)
    }

    /// The index in `open` of the batch of `account`, after making room for `records` more:
    /// while they would not fit, the fullest open batch is handed over. A single item larger
    /// than the bound still goes into one batch, so that a post is never split from its
    /// counters. The caller adds what it stores to `held`.
    fn make_room(&mut self, account: &SourceAccount, records: usize) -> Result<usize, ChunkError> {
        while self.held > 0 && self.held + records > self.max_records {
            let fullest = (0..self.open.len())
                .max_by_key(|&index| self.open[index].batch.len())
                .unwrap_or(0);
            self.hand_over(fullest).map_err(ChunkError::Sink)?;
        }
        let index = match self.current {
            Some(index) if self.open.get_index(index).map(|(open, _)| open) == Some(account) => {
                index
            }
            _ => match self.open.get_index_of(account) {
                Some(index) => index,
                None => {
                    if !self.summary.accounts.contains(account) {
                        self.summary.accounts.push(account.clone());
                    }
                    self.open
                        .insert_full(account.clone(), OpenBatch::default())
                        .0
                }
            },
        };
        self.current = Some(index);
        Ok(index)
    }

    /// Hands the open batch at `index` to the consumer.
    fn hand_over(&mut self, index: usize) -> Result<(), SinkError> {
        let Some((account, OpenBatch { batch, .. })) = self.open.shift_remove_index(index) else {
            return Ok(());
        };
        self.current = None;
        self.held -= batch.len();

        self.summary.batches += 1;
        self.summary.posts += batch.posts.len() as u64;
        self.summary.engagement += batch.engagement.len() as u64;
        self.summary.performance += batch.performance.len() as u64;
        self.summary.account_metrics += batch.account_metrics.len() as u64;
        (self.sink)(ImportChunk { account, batch })
    }
}
