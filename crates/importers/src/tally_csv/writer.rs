//! Writes tally CSV files, for the export endpoints.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;

use chrono::{DateTime, SecondsFormat, Utc};
use tally_domain::{AccountMetricRecord, IngestBatch, PostMetric, PostRecord};

use super::{CsvKind, counters};
use crate::SourceAccount;

/// A failure to write a tally CSV file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TallyCsvWriteError {
    /// The underlying writer failed.
    #[error("writing tally CSV failed: {0}")]
    Csv(#[from] csv::Error),
    /// The record does not belong in a file of this kind.
    #[error("a tally CSV {kind} file cannot hold {record}")]
    WrongKind {
        /// The file's kind.
        kind: CsvKind,
        /// What was offered, such as "daily account figures".
        record: &'static str,
    },
    /// Counters were given without the time they were observed.
    #[error("post '{post}': counters need the time they were observed")]
    CountersWithoutTime {
        /// The post's id.
        post: String,
    },
    /// The same counter was given twice for one row.
    #[error("post '{post}': the counter {metric} is given twice for one time")]
    DuplicateCounter {
        /// The post's id.
        post: String,
        /// The counter.
        metric: PostMetric,
    },
    /// A batch holds an observation of a post it does not hold.
    #[error("post '{post}' has observations in the batch but is not in it")]
    UnknownPost {
        /// The post's id.
        post: String,
    },
}

/// Writes one tally CSV file of one kind: the marker and header when created, rows as
/// they are given, and the `# end` line on [`TallyCsvWriter::finish`]. A file that is
/// not finished is incomplete, and imports refuse it.
///
/// ```
/// use tally_domain::{ContentType, Platform, PostMetric, EngagementKind, PostRecord};
/// use tally_importers::{CsvKind, SourceAccount, TallyCsvWriter};
///
/// let account = SourceAccount::unnamed(Platform::Mastodon);
/// let post = PostRecord {
///     external_id: "110".into(),
///     content_type: ContentType::Text,
///     published_at: "2026-03-02T10:00:00Z".parse().unwrap(),
///     url: None,
///     title: Some("Hello, world".into()),
/// };
/// let mut writer = TallyCsvWriter::new(Vec::new(), CsvKind::Posts).unwrap();
/// let likes = [(PostMetric::Engagement(EngagementKind::Like), 4)];
/// let observed_at = "2026-03-03T00:00:00Z".parse().ok();
/// writer.write_post(&account, &post, observed_at, &likes).unwrap();
/// let text = String::from_utf8(writer.finish().unwrap()).unwrap();
/// assert!(text.starts_with("# tally-csv v1 posts\nplatform,account,base_url,external_id,"));
/// assert!(text.contains("mastodon,,,110,text,2026-03-02T10:00:00Z,,\"Hello, world\",2026-03-03T00:00:00Z,4,"));
/// assert!(text.ends_with("# end 1 rows\n"));
/// ```
pub struct TallyCsvWriter<W: Write> {
    csv: csv::Writer<W>,
    kind: CsvKind,
    rows: u64,
}

impl<W: Write> TallyCsvWriter<W> {
    /// Starts a file of `kind` on `writer`, writing its marker and header lines.
    pub fn new(writer: W, kind: CsvKind) -> Result<Self, TallyCsvWriteError> {
        let mut csv = csv::WriterBuilder::new().flexible(true).from_writer(writer);
        csv.write_record([kind.marker()])?;
        csv.write_record(kind.columns())?;
        Ok(Self { csv, kind, rows: 0 })
    }

    /// The kind of rows the file holds.
    pub fn kind(&self) -> CsvKind {
        self.kind
    }

    /// The data rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Writes a post of a `posts` file, with the counters observed on it at `observed_at`
    /// (required when there are counters).
    pub fn write_post(
        &mut self,
        account: &SourceAccount,
        post: &PostRecord,
        observed_at: Option<DateTime<Utc>>,
        values: &[(PostMetric, u64)],
    ) -> Result<(), TallyCsvWriteError> {
        self.expect(CsvKind::Posts, "posts")?;
        if !values.is_empty() && observed_at.is_none() {
            let post = post.external_id.clone();
            return Err(TallyCsvWriteError::CountersWithoutTime { post });
        }
        let mut by_metric: HashMap<PostMetric, u64> = HashMap::new();
        for (metric, value) in values {
            if by_metric.insert(*metric, *value).is_some() {
                let post = post.external_id.clone();
                let metric = *metric;
                return Err(TallyCsvWriteError::DuplicateCounter { post, metric });
            }
        }

        let mut row = vec![
            account.platform.to_string(),
            account.handle.clone().unwrap_or_default(),
            account.base_url.clone().unwrap_or_default(),
            post.external_id.clone(),
            post.content_type.to_string(),
            time(post.published_at),
            post.url.clone().unwrap_or_default(),
            post.title.clone().unwrap_or_default(),
            observed_at.map(time).unwrap_or_default(),
        ];
        row.extend(counters().iter().map(|metric| {
            by_metric
                .get(metric)
                .map(u64::to_string)
                .unwrap_or_default()
        }));
        self.write_row(row)
    }

    /// Writes one observation of a post counter to a `post_metrics` file.
    pub fn write_post_metric(
        &mut self,
        account: &SourceAccount,
        post_external_id: &str,
        metric: PostMetric,
        value: u64,
        observed_at: DateTime<Utc>,
    ) -> Result<(), TallyCsvWriteError> {
        self.expect(CsvKind::PostMetrics, "post counter observations")?;
        self.write_row(vec![
            account.platform.to_string(),
            account.handle.clone().unwrap_or_default(),
            account.base_url.clone().unwrap_or_default(),
            post_external_id.to_owned(),
            metric.to_string(),
            value.to_string(),
            time(observed_at),
        ])
    }

    /// Writes one daily account figure to an `account_metrics` file.
    pub fn write_account_metric(
        &mut self,
        account: &SourceAccount,
        record: &AccountMetricRecord,
    ) -> Result<(), TallyCsvWriteError> {
        self.expect(CsvKind::AccountMetrics, "daily account figures")?;
        self.write_row(vec![
            account.platform.to_string(),
            account.handle.clone().unwrap_or_default(),
            account.base_url.clone().unwrap_or_default(),
            record.day.format("%Y-%m-%d").to_string(),
            record.metric.to_string(),
            record.value.to_string(),
            time(record.observed_at),
        ])
    }

    /// Writes the part of `batch` that the file's kind holds: posts with their counters
    /// (one row per post and observation time), the counter observations, or the daily
    /// account figures. The rest of the batch needs a file of its own kind.
    pub fn write_batch(
        &mut self,
        account: &SourceAccount,
        batch: &IngestBatch,
    ) -> Result<(), TallyCsvWriteError> {
        match self.kind {
            CsvKind::Posts => self.write_posts(account, batch),
            CsvKind::PostMetrics => {
                for record in &batch.engagement {
                    let metric = PostMetric::Engagement(record.kind);
                    let (id, at) = (&record.post_external_id, record.observed_at);
                    self.write_post_metric(account, id, metric, record.count, at)?;
                }
                for record in &batch.performance {
                    let metric = PostMetric::Performance(record.metric);
                    let (id, at) = (&record.post_external_id, record.observed_at);
                    self.write_post_metric(account, id, metric, record.value, at)?;
                }
                Ok(())
            }
            CsvKind::AccountMetrics => batch
                .account_metrics
                .iter()
                .try_for_each(|record| self.write_account_metric(account, record)),
        }
    }

    /// Writes the `# end` line and returns the writer, flushed.
    pub fn finish(mut self) -> Result<W, TallyCsvWriteError> {
        self.csv
            .write_record([format!("# end {} rows", self.rows)])?;
        self.csv
            .into_inner()
            .map_err(|error| TallyCsvWriteError::Csv(csv::Error::from(error.into_error())))
    }

    fn write_posts(
        &mut self,
        account: &SourceAccount,
        batch: &IngestBatch,
    ) -> Result<(), TallyCsvWriteError> {
        type Rows = BTreeMap<DateTime<Utc>, Vec<Vec<(PostMetric, u64)>>>;
        let mut observed: HashMap<&str, Rows> = HashMap::new();
        let engagement = batch.engagement.iter().map(|record| {
            let metric = PostMetric::Engagement(record.kind);
            (
                &record.post_external_id,
                record.observed_at,
                metric,
                record.count,
            )
        });
        let performance = batch.performance.iter().map(|record| {
            let metric = PostMetric::Performance(record.metric);
            (
                &record.post_external_id,
                record.observed_at,
                metric,
                record.value,
            )
        });
        let known: HashSet<&str> = batch.posts.iter().map(|p| p.external_id.as_str()).collect();
        for (post, at, metric, value) in engagement.chain(performance) {
            if !known.contains(post.as_str()) {
                let post = post.clone();
                return Err(TallyCsvWriteError::UnknownPost { post });
            }
            let rows = observed.entry(post).or_default().entry(at).or_default();
            // A second value of the same counter at the same time goes on a row of its own.
            match rows
                .iter_mut()
                .find(|row| row.iter().all(|(known, _)| *known != metric))
            {
                Some(row) => row.push((metric, value)),
                None => rows.push(vec![(metric, value)]),
            }
        }

        for post in &batch.posts {
            let Some(times) = observed.get(post.external_id.as_str()) else {
                self.write_post(account, post, None, &[])?;
                continue;
            };
            for (at, rows) in times {
                for row in rows {
                    self.write_post(account, post, Some(*at), row)?;
                }
            }
        }
        Ok(())
    }

    fn expect(&self, kind: CsvKind, record: &'static str) -> Result<(), TallyCsvWriteError> {
        if self.kind == kind {
            return Ok(());
        }
        Err(TallyCsvWriteError::WrongKind {
            kind: self.kind,
            record,
        })
    }

    fn write_row(&mut self, row: Vec<String>) -> Result<(), TallyCsvWriteError> {
        self.csv.write_record(row)?;
        self.rows += 1;
        Ok(())
    }
}

fn time(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}
