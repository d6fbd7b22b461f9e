//! Imports of platform exports and tally CSV files, all or nothing, and tally CSV exports.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;

use chrono::Utc;
use serde::Serialize;
use tally_domain::{
    AccountId, Platform, PostId, PostMetric, PostObservation, PostRecord, PostSummary, UserId,
};
use tally_importers::{
    CsvKind, Format, ImportError, ImportOptions, ImportSummary, SinkError, SourceAccount,
    TallyCsvWriteError, TallyCsvWriter, import_seekable,
};
use tally_store::{
    AccountStore, AnalyticsStore, ImportStore, ImportTarget, IngestSummary, PostQuery, StoreError,
};
use utoipa::ToSchema;

/// What an import did.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ImportReport {
    /// The format the file was read as.
    pub format: Format,
    /// The accounts the records went to.
    pub accounts: Vec<ImportedAccount>,
    /// Records read from the file, by kind.
    pub read: RecordCounts,
    /// What storing them changed: created, updated and skipped (already stored or repeated) rows.
    pub stored: IngestSummary,
    /// Records the file held that tally leaves out on purpose (re-shares, replies...).
    pub left_out: u64,
}

/// An account that imported records went to.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ImportedAccount {
    /// tally's id of the account.
    pub account_id: AccountId,
    /// Its platform.
    pub platform: Platform,
    /// The handle the file named, if it named one.
    pub handle: Option<String>,
}

/// Records read from a file.
#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
pub struct RecordCounts {
    /// Posts.
    pub posts: u64,
    /// Engagement observations.
    pub engagement: u64,
    /// Performance observations.
    pub performance: u64,
    /// Daily account figures.
    pub daily_metrics: u64,
}

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// The file is not one tally can read, or is malformed or cut short; the message says
    /// where.
    #[error(transparent)]
    File(ImportError),
    /// Storing failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Imports `path` for `user` in one transaction: every record of the file is stored, or
/// none is. `file_name` names the input in messages and helps tell its format.
/// `on_batch` is called with the number of records stored so far, for progress.
pub fn import_file(
    store: &dyn ImportStore,
    user: UserId,
    path: &Path,
    file_name: &str,
    format: Option<Format>,
    on_batch: &dyn Fn(u64),
) -> Result<ImportReport, ImportFailure> {
    let options = ImportOptions::new(Utc::now());
    let mut outcome: Option<Result<ImportSummary, ImportError>> = None;
    let mut accounts: Vec<ImportedAccount> = Vec::new();
    let mut records = 0u64;

    let stored = store.ingest_atomically(&mut |writer| {
        let file = File::open(path).map_err(|error| StoreError::Invalid(error.to_string()))?;
        let result = import_seekable(file_name, file, format, &options, |chunk| {
            let target = ImportTarget {
                user,
                platform: chunk.account.platform,
                handle: chunk.account.handle.clone(),
                base_url: chunk.account.base_url.clone(),
            };
            let (account, _) = writer
                .write(&target, &chunk.batch)
                .map_err(|error| Box::new(error) as SinkError)?;
            if !accounts.iter().any(|known| known.account_id == account) {
                accounts.push(ImportedAccount {
                    account_id: account,
                    platform: target.platform,
                    handle: target.handle,
                });
            }
            records += chunk.batch.len() as u64;
            on_batch(records);
            Ok(())
        });
        let failed = result.is_err();
        outcome = Some(result);
        if failed {
            // Roll the whole import back; the cause is reported from `outcome`.
            return Err(StoreError::Invalid("the import was abandoned".into()));
        }
        Ok(())
    });

    match (stored, outcome) {
        (Ok(stored), Some(Ok(summary))) => Ok(ImportReport {
            format: summary.format,
            accounts,
            read: RecordCounts {
                posts: summary.posts,
                engagement: summary.engagement,
                performance: summary.performance,
                daily_metrics: summary.account_metrics,
            },
            stored,
            left_out: {
                let skipped = summary.skipped;
                skipped.reshares
                    + skipped.replies
                    + skipped.direct_messages
                    + skipped.summary_rows
                    + skipped.other
            },
        }),
        (_, Some(Err(ImportError::Sink(cause)))) => match cause.downcast::<StoreError>() {
            Ok(store_error) => Err(ImportFailure::Store(*store_error)),
            Err(other) => Err(ImportFailure::Store(StoreError::Invalid(other.to_string()))),
        },
        (_, Some(Err(file_error))) => Err(ImportFailure::File(file_error)),
        (Err(store_error), _) => Err(ImportFailure::Store(store_error)),
        (Ok(_), None) => Err(ImportFailure::Store(StoreError::Invalid(
            "the import did not run".into(),
        ))),
    }
}

/// The rows an export holds.
pub fn export_csv<W: Write>(
    accounts_store: &dyn AccountStore,
    analytics: &dyn AnalyticsStore,
    query: &PostQuery,
    kind: CsvKind,
    range: tally_domain::DateRange,
    out: W,
) -> Result<W, ExportFailure> {
    let accounts = accounts_store.accounts(query.user)?;
    let source = |account: AccountId| {
        accounts
            .iter()
            .find(|known| known.id == account)
            .map(|known| SourceAccount {
                platform: known.platform,
                handle: Some(known.handle.clone()),
                base_url: known.base_url.clone(),
            })
    };
    let mut writer = TallyCsvWriter::new(out, kind)?;
    match kind {
        CsvKind::Posts | CsvKind::PostMetrics => {
            let posts = analytics.posts(query)?;
            let mut history: HashMap<PostId, Vec<PostObservation>> = HashMap::new();
            for (post, observation) in analytics.observations(query)? {
                history.entry(post).or_default().push(observation);
            }
            for post in &posts {
                let Some(account) = source(post.account_id) else {
                    continue;
                };
                let observed = history.get(&post.id).map(Vec::as_slice).unwrap_or_default();
                write_post(&mut writer, kind, &account, post, observed)?;
            }
        }
        CsvKind::AccountMetrics => {
            for metric in analytics.daily_metrics(query.user, range, &query.platforms)? {
                let Some(account) = source(metric.account_id) else {
                    continue;
                };
                let record = tally_domain::AccountMetricRecord {
                    day: metric.day,
                    metric: metric.metric,
                    value: metric.value,
                    observed_at: metric.observed_at,
                };
                writer.write_account_metric(&account, &record)?;
            }
        }
    }
    Ok(writer.finish()?)
}

fn write_post<W: Write>(
    writer: &mut TallyCsvWriter<W>,
    kind: CsvKind,
    account: &SourceAccount,
    post: &PostSummary,
    observed: &[PostObservation],
) -> Result<(), TallyCsvWriteError> {
    let record = PostRecord {
        external_id: post.external_id.clone(),
        content_type: post.content_type,
        published_at: post.published_at,
        url: post.url.clone(),
        title: post.title.clone(),
    };
    if kind == CsvKind::PostMetrics {
        for observation in observed {
            writer.write_post_metric(
                account,
                &post.external_id,
                observation.metric,
                observation.value,
                observation.observed_at,
            )?;
        }
        return Ok(());
    }
    if observed.is_empty() {
        return writer.write_post(account, &record, None, &[]);
    }
    // One row per observation time, with every counter observed then.
    let mut index = 0;
    while index < observed.len() {
        let at = observed[index].observed_at;
        let values: Vec<(PostMetric, u64)> = observed[index..]
            .iter()
            .take_while(|observation| observation.observed_at == at)
            .map(|observation| (observation.metric, observation.value))
            .collect();
        index += values.len();
        writer.write_post(account, &record, Some(at), &values)?;
    }
    Ok(())
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportFailure {
    /// Reading failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the CSV failed.
    #[error(transparent)]
    Write(#[from] TallyCsvWriteError),
}
