//! Cuts the records an importer produces into bounded batches, one account per batch, and
//! hands each full batch to the consumer.

use std::collections::HashMap;

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

/// Collects records into batches of at most `max_records`, one account per batch.
pub(crate) struct Chunker<'s, 'a> {
    sink: &'s mut Sink<'a>,
    max_records: usize,
    account: Option<SourceAccount>,
    batch: IngestBatch,
    posts_in_batch: HashMap<String, usize>,
    summary: ImportSummary,
}

impl<'s, 'a> Chunker<'s, 'a> {
    /// An empty chunker for an import of `format`.
    pub fn new(format: Format, max_records: usize, sink: &'s mut Sink<'a>) -> Self {
        Self {
            sink,
            max_records,
            account: None,
            batch: IngestBatch::default(),
            posts_in_batch: HashMap::new(),
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
        self.make_room(account, 1 + counters)?;

        match self.posts_in_batch.get(&id) {
            Some(&index) if self.batch.posts[index] != item.post => {
                return Err(ChunkError::Conflict(format!(
                    "post '{id}' appears again with different details"
                )));
            }
            Some(_) => {}
            None => {
                self.posts_in_batch
                    .insert(id.clone(), self.batch.posts.len());
                self.batch.posts.push(item.post);
            }
        }
        for (kind, count) in item.engagement {
            self.batch.engagement.push(EngagementRecord {
                post_external_id: id.clone(),
                kind,
                count,
                observed_at: item.observed_at,
            });
        }
        for (metric, value) in item.performance {
            self.batch.performance.push(PerformanceRecord {
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
        self.make_room(account, 1)?;
        self.batch.engagement.push(record);
        Ok(())
    }

    /// Adds a performance observation of a post that is stored already.
    pub fn performance(
        &mut self,
        account: &SourceAccount,
        record: PerformanceRecord,
    ) -> Result<(), ChunkError> {
        self.make_room(account, 1)?;
        self.batch.performance.push(record);
        Ok(())
    }

    /// Adds a daily account figure.
    pub fn account_metric(
        &mut self,
        account: &SourceAccount,
        record: AccountMetricRecord,
    ) -> Result<(), ChunkError> {
        self.make_room(account, 1)?;
        self.batch.account_metrics.push(record);
        Ok(())
    }

    /// Hands over the last batch and returns the summary.
    pub fn finish(mut self) -> Result<ImportSummary, ImportError> {
        self.flush().map_err(ImportError::Sink)?;
        Ok(self.summary)
    }

    /// Starts a new batch when the account changes or `records` more would not fit.
    fn make_room(&mut self, account: &SourceAccount, records: usize) -> Result<(), ChunkError> {
        let same_account = self.account.as_ref() == Some(account);
        if !same_account || self.batch.len() + records > self.max_records {
            self.flush().map_err(ChunkError::Sink)?;
        }
        if !same_account {
            self.account = Some(account.clone());
            if !self.summary.accounts.contains(account) {
                self.summary.accounts.push(account.clone());
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let Some(account) = self.account.clone() else {
            return Ok(());
        };
        let batch = std::mem::take(&mut self.batch);
        self.posts_in_batch.clear();

        self.summary.batches += 1;
        self.summary.posts += batch.posts.len() as u64;
        self.summary.engagement += batch.engagement.len() as u64;
        self.summary.performance += batch.performance.len() as u64;
        self.summary.account_metrics += batch.account_metrics.len() as u64;
        (self.sink)(ImportChunk { account, batch })
    }
}
