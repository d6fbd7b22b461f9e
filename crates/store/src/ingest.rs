//! The batched, idempotent write path.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use diesel::upsert::excluded;
use tally_domain::{
    AccountId, AccountStatus, IngestBatch, Platform, PostMetric, PostRecord, handle_key,
};

use crate::bulk::{BulkWrite, POST_CHUNK};
use crate::columns::{StoredCounters, counters_text};
use crate::connection::WriteTransaction;
use crate::models::{
    AccountInsert, DailyInsert, ObservationInsert, PostInsert, from_db_count, to_db_count,
    to_db_time,
};
use crate::schema::{account_daily_metrics, accounts, posts, users};
use crate::versions::bump_data_version;
use crate::{
    BatchWriter, DieselStore, ImportStore, ImportTarget, IngestStore, IngestSummary, StoreError,
    StoreResult, with_connection,
};

/// The handle of the account that imported data goes to when the file names none and the
/// user has no single account on the platform.
pub const IMPORTED_HANDLE: &str = "imported";

/// Platform ids or post ids per lookup, kept well under SQLite's limit of 32,766 bound
/// values.
const LOOKUP_CHUNK: usize = 1_000;

/// Stores one account's batch on `$c`, which is inside a write transaction; evaluates to
/// `StoreResult<IngestSummary>`. Written as a macro so that it expands once per backend.
macro_rules! write_batch {
    ($c:ident, $account:expr, $batch:expr) => {{
        let (c, account, batch): (_, AccountId, &IngestBatch) = (&mut *$c, $account, $batch);
        let posts = latest_post_records(&batch.posts);
        (|| -> StoreResult<IngestSummary> {
            let mut summary = IngestSummary::default();

            let (user_id, platform_name) = accounts::table
                .find(account.get())
                .select((accounts::user_id, accounts::platform))
                .first::<(i64, String)>(c)
                .optional()?
                .ok_or(StoreError::UnknownAccount(account))?;
            let platform = platform_name.parse::<Platform>()?.as_str();
            bump_data_version!(&mut *c, user_id)?;
            let counters = batch_counters(batch, &posts)?;

            // Posts first, so that observations in the same batch can refer to them. New
            // posts are inserted first, then the rest update the stored ones, so that the
            // posts this transaction created are known exactly.
            let rows: Vec<PostInsert<'_>> = posts
                .iter()
                .map(|post| PostInsert {
                    account_id: account.get(),
                    user_id,
                    platform,
                    external_id: &post.external_id,
                    content_type: post.content_type.as_str(),
                    published_at: to_db_time(post.published_at),
                    url: post.url.as_deref(),
                    title: post.title.as_deref(),
                    counters: counters.get(post.external_id.as_str()).map(String::as_str),
                })
                .collect();
            let created = BulkWrite::insert_new_posts(&mut *c, &rows)?;
            let created_here: HashSet<&str> = created
                .iter()
                .map(|(_, external_id)| external_id.as_str())
                .collect();
            let stored: Vec<&PostInsert<'_>> = rows
                .iter()
                .filter(|row| !created_here.contains(row.external_id))
                .collect();
            for chunk in stored.chunks(POST_CHUNK) {
                diesel::insert_into(posts::table)
                    .values(chunk.iter().copied().collect::<Vec<_>>())
                    .on_conflict((posts::account_id, posts::external_id))
                    .do_update()
                    .set((
                        posts::content_type.eq(excluded(posts::content_type)),
                        posts::published_at.eq(excluded(posts::published_at)),
                        posts::url.eq(sql::<Nullable<Text>>("COALESCE(excluded.url, posts.url)")),
                        posts::title.eq(sql::<Nullable<Text>>(
                            "COALESCE(excluded.title, posts.title)",
                        )),
                    ))
                    .execute(c)?;
            }
            summary.posts_created += created.len() as u64;
            summary.posts_updated += stored.len() as u64;
            let created_ids: HashSet<i64> = created.iter().map(|(id, _)| *id).collect();

            // Resolve the platform ids that observations refer to.
            let mut wanted: Vec<&str> = batch
                .engagement
                .iter()
                .map(|record| record.post_external_id.as_str())
                .chain(
                    batch
                        .performance
                        .iter()
                        .map(|record| record.post_external_id.as_str()),
                )
                .collect();
            // Posts created above are known; the others are looked up. Records of one post
            // usually come together, so runs collapse first and each run resolves once.
            wanted.dedup();
            let mut post_ids: HashMap<&str, i64> = created
                .iter()
                .map(|(id, external_id)| (external_id.as_str(), *id))
                .collect();
            wanted.retain(|external_id| !post_ids.contains_key(external_id));
            wanted.sort_unstable();
            wanted.dedup();
            let mut found: Vec<(String, i64)> = Vec::with_capacity(wanted.len());
            for chunk in wanted.chunks(LOOKUP_CHUNK) {
                found.extend(
                    posts::table
                        .filter(posts::account_id.eq(account.get()))
                        .filter(posts::external_id.eq_any(chunk))
                        .select((posts::external_id, posts::id))
                        .load::<(String, i64)>(c)?,
                );
            }
            post_ids.extend(
                found
                    .iter()
                    .map(|(external_id, id)| (external_id.as_str(), *id)),
            );
            let mut last_post: Option<(&str, i64)> = None;
            let mut post_id_of = |external_id: &str| -> StoreResult<i64> {
                match last_post {
                    Some((last, id)) if last == external_id => Ok(id),
                    _ => {
                        let (&known, &id) =
                            post_ids.get_key_value(external_id).ok_or_else(|| {
                                StoreError::UnknownPost {
                                    account,
                                    external_id: external_id.to_owned(),
                                }
                            })?;
                        last_post = Some((known, id));
                        Ok(id)
                    }
                }
            };

            // Observations in the order of their natural key (post, metric, time), each key
            // once. Of records with the same key the first one stays, as the sort is stable:
            // the rule the stored history follows across batches, where a record at a stored
            // instant is skipped, and the one `batch_counters` follows.
            let mut observations: Vec<ObservationInsert> =
                Vec::with_capacity(batch.engagement.len() + batch.performance.len());
            for record in &batch.engagement {
                observations.push(ObservationInsert {
                    post_id: post_id_of(&record.post_external_id)?,
                    metric: PostMetric::Engagement(record.kind).as_str(),
                    observed_at: to_db_time(record.observed_at),
                    value: to_db_count(record.count, record.kind.as_str())?,
                });
            }
            for record in &batch.performance {
                observations.push(ObservationInsert {
                    post_id: post_id_of(&record.post_external_id)?,
                    metric: PostMetric::Performance(record.metric).as_str(),
                    observed_at: to_db_time(record.observed_at),
                    value: to_db_count(record.value, record.metric.as_str())?,
                });
            }
            let key = |row: &ObservationInsert| (row.post_id, row.metric, row.observed_at);
            observations.sort_by(|a, b| key(a).cmp(&key(b)));
            let records = observations.len();
            observations.dedup_by(|row, first| key(row) == key(first));
            summary.observations_skipped += (records - observations.len()) as u64;
            // Posts this transaction created have no stored observations: no other writer
            // can add any before it commits. Their rows are inserted as they are, and their
            // counters went in with the posts; the others' are merged with what is stored.
            let is_new = |post_id: &i64| created_ids.contains(post_id);
            let (new_rows, other_rows): (Vec<_>, Vec<_>) = observations
                .into_iter()
                .partition(|row| is_new(&row.post_id));
            let created = BulkWrite::insert_observations(&mut *c, &other_rows)?;
            BulkWrite::insert_new_observations(&mut *c, &new_rows)?;
            summary.observations_created += created + new_rows.len() as u64;
            summary.observations_skipped += other_rows.len() as u64 - created;

            // The counters of stored posts follow the history, which now holds the batch:
            // each counter the batch observed takes the value of its latest observation.
            // Counters stored in the form tally writes are merged with those values; a post
            // with none stored, or with text tally cannot read, has them all rebuilt from
            // its history. This holds only if no other writer adds observations of these
            // posts meanwhile; writers of one user queue behind each other on the
            // data-version row locked above.
            let mut touched: Vec<(i64, &'static str)> = other_rows
                .iter()
                .map(|row| (row.post_id, row.metric))
                .collect();
            touched.dedup();
            if !touched.is_empty() {
                let mut stored_posts: Vec<i64> =
                    touched.iter().map(|(post_id, _)| *post_id).collect();
                stored_posts.dedup();
                let mut stored: Vec<(i64, Option<String>)> = Vec::with_capacity(stored_posts.len());
                for chunk in stored_posts.chunks(LOOKUP_CHUNK) {
                    stored.extend(
                        posts::table
                            .filter(posts::id.eq_any(chunk))
                            .select((posts::id, posts::counters))
                            .load::<(i64, Option<String>)>(c)?,
                    );
                }
                let (readable, unreadable) = readable_counters(stored);
                let latest = BulkWrite::latest_values(&mut *c, &touched)?;
                let mut changed = changed_counters(readable, &touched, &latest);
                changed.extend(rebuilt_counters(BulkWrite::latest_of_posts(
                    &mut *c,
                    &unreadable,
                )?)?);
                BulkWrite::set_counters(&mut *c, &changed)?;
            }

            // Daily account figures: the latest observation of a day wins, and of observations
            // at the same instant the later record (it replaces a stored figure too).
            let mut daily: BTreeMap<(&'static str, NaiveDate), (NaiveDateTime, i64)> =
                BTreeMap::new();
            for record in &batch.account_metrics {
                let observed_at = to_db_time(record.observed_at);
                let value = to_db_count(record.value, record.metric.as_str())?;
                let slot = daily
                    .entry((record.metric.as_str(), record.day))
                    .or_insert((observed_at, value));
                if observed_at >= slot.0 {
                    *slot = (observed_at, value);
                }
            }
            summary.daily_metrics_skipped += (batch.account_metrics.len() - daily.len()) as u64;
            if let (Some(first), Some(last)) = (
                daily.keys().map(|(_, day)| *day).min(),
                daily.keys().map(|(_, day)| *day).max(),
            ) {
                let stored: HashMap<(String, NaiveDate), (NaiveDateTime, i64)> =
                    account_daily_metrics::table
                        .filter(account_daily_metrics::account_id.eq(account.get()))
                        .filter(account_daily_metrics::day.between(first, last))
                        .select((
                            account_daily_metrics::metric,
                            account_daily_metrics::day,
                            account_daily_metrics::observed_at,
                            account_daily_metrics::value,
                        ))
                        .load::<(String, NaiveDate, NaiveDateTime, i64)>(c)?
                        .into_iter()
                        .map(|(metric, day, observed_at, value)| {
                            ((metric, day), (observed_at, value))
                        })
                        .collect();
                // Days with no stored figure are inserted as they are: writers of one user
                // queue behind each other on the data-version row, so none can have stored
                // one since the read above. The others are merged with what is stored.
                let mut new_days: Vec<DailyInsert> = Vec::new();
                let mut newer: Vec<DailyInsert> = Vec::new();
                for ((metric, day), (observed_at, value)) in daily {
                    let row = DailyInsert {
                        account_id: account.get(),
                        metric,
                        day,
                        value,
                        observed_at,
                        user_id,
                        platform,
                    };
                    // Write what is new or newer; an identical or older observation leaves
                    // the stored figure alone.
                    match stored.get(&(metric.to_owned(), day)) {
                        None => new_days.push(row),
                        Some((stored_at, stored_value))
                            if observed_at > *stored_at
                                || (observed_at == *stored_at && value != *stored_value) =>
                        {
                            newer.push(row)
                        }
                        Some(_) => summary.daily_metrics_skipped += 1,
                    }
                }
                BulkWrite::insert_new_daily(&mut *c, &new_days)?;
                summary.daily_metrics_written +=
                    new_days.len() as u64 + BulkWrite::upsert_daily(&mut *c, &newer)?;
            }

            Ok(summary)
        })()
    }};
}

/// The account that imported records belong to, created when needed; evaluates to its id.
/// A target without a handle goes to the user's only account on the platform, or to an
/// account named `imported` when the user has none or several.
macro_rules! resolve_account {
    ($c:ident, $target:expr) => {{
        let (c, target): (_, &ImportTarget) = (&mut *$c, $target);
        (|| -> StoreResult<AccountId> {
            let platform = target.platform.as_str();
            let owner = users::table
                .find(target.user.get())
                .select(users::id)
                .first::<i64>(c)
                .optional()?;
            if owner.is_none() {
                return Err(StoreError::UnknownUser(target.user));
            }
            let existing: Vec<(i64, String)> = accounts::table
                .filter(accounts::user_id.eq(target.user.get()))
                .filter(accounts::platform.eq(platform))
                .select((accounts::id, accounts::handle))
                .load(c)?;
            // A file's handle matches a connected account however it spells it: with or
            // without a leading `@`, in any case.
            let same_handle = |stored: &str, given: &str| handle_key(stored) == handle_key(given);
            let handle = match (&target.handle, existing.as_slice()) {
                (Some(handle), _) => {
                    if let Some((id, _)) = existing
                        .iter()
                        .find(|(_, stored)| same_handle(stored, handle))
                    {
                        return Ok(AccountId(*id));
                    }
                    // An earlier file that named no account went to the placeholder; now
                    // that a file names it, the placeholder becomes that account, so the
                    // same posts from both files are stored once.
                    if let Some((id, _)) = existing
                        .iter()
                        .find(|(_, stored)| stored == IMPORTED_HANDLE)
                    {
                        diesel::update(accounts::table.find(*id))
                            .set(accounts::handle.eq(handle))
                            .execute(c)?;
                        return Ok(AccountId(*id));
                    }
                    handle.clone()
                }
                (None, [(only, _)]) => return Ok(AccountId(*only)),
                (None, _) => IMPORTED_HANDLE.to_owned(),
            };
            // Only a new account takes the file's server, and only a web address: an import
            // never moves a connected account (its credential would follow).
            let base_url = target
                .base_url
                .as_deref()
                .filter(|url| url.starts_with("https://") || url.starts_with("http://"));
            diesel::insert_into(accounts::table)
                .values(AccountInsert {
                    user_id: target.user.get(),
                    platform,
                    handle: &handle,
                    base_url,
                    created_at: to_db_time(chrono::Utc::now()),
                    credential: None,
                    status: AccountStatus::Active.as_str(),
                })
                .on_conflict_do_nothing()
                .execute(c)?;
            let id = accounts::table
                .filter(accounts::user_id.eq(target.user.get()))
                .filter(accounts::platform.eq(platform))
                .filter(accounts::handle.eq(&handle))
                .select(accounts::id)
                .first::<i64>(c)?;
            Ok(AccountId(id))
        })()?
    }};
}

impl IngestStore for DieselStore {
    fn ingest(&self, account: AccountId, batch: &IngestBatch) -> StoreResult<IngestSummary> {
        let mut conn = self.connection()?;
        let summary = with_connection!(&mut *conn, |c| {
            c.write_transaction::<_, StoreError, _>(|c| write_batch!(c, account, batch))
        })?;
        tracing::debug!(account = account.get(), ?summary, "ingested batch");
        Ok(summary)
    }
}

impl ImportStore for DieselStore {
    fn ingest_atomically(
        &self,
        work: &mut dyn FnMut(&mut dyn BatchWriter) -> StoreResult<()>,
    ) -> StoreResult<IngestSummary> {
        let mut conn = self.connection()?;
        with_connection!(&mut *conn, |c| {
            c.write_transaction::<_, StoreError, _>(|c| {
                let mut writer = Writer {
                    conn: c,
                    total: IngestSummary::default(),
                };
                work(&mut writer)?;
                Ok(writer.total)
            })
        })
    }
}

/// Writes batches on a connection that is inside a transaction.
struct Writer<'a, C> {
    conn: &'a mut C,
    total: IngestSummary,
}

macro_rules! impl_batch_writer {
    ($connection:ty) => {
        impl BatchWriter for Writer<'_, $connection> {
            fn write(
                &mut self,
                target: &ImportTarget,
                batch: &IngestBatch,
            ) -> StoreResult<(AccountId, IngestSummary)> {
                let c = &mut *self.conn;
                let account = resolve_account!(c, target);
                let summary = write_batch!(c, account, batch)?;
                self.total.add(&summary);
                Ok((account, summary))
            }
        }
    };
}

impl_batch_writer!(diesel::sqlite::SqliteConnection);
impl_batch_writer!(diesel::pg::PgConnection);

/// The batch's latest counters of each of `posts`, by platform id, in the form of
/// `posts.counters`: `metric=value` pairs in name order, joined by commas. For each counter
/// the latest observation wins, and of observations at the same stored instant the first
/// record, as in the history the batch stores.
fn batch_counters<'a>(
    batch: &'a IngestBatch,
    posts: &[&'a PostRecord],
) -> StoreResult<HashMap<&'a str, String>> {
    let mut latest: HashMap<&str, BTreeMap<&'static str, (NaiveDateTime, i64)>> = posts
        .iter()
        .map(|post| (post.external_id.as_str(), BTreeMap::new()))
        .collect();
    fold_latest(
        &mut latest,
        &batch.engagement,
        |record| &record.post_external_id,
        |record| {
            let metric = PostMetric::Engagement(record.kind).as_str();
            let count = to_db_count(record.count, record.kind.as_str())?;
            Ok((metric, to_db_time(record.observed_at), count))
        },
    )?;
    fold_latest(
        &mut latest,
        &batch.performance,
        |record| &record.post_external_id,
        |record| {
            let metric = PostMetric::Performance(record.metric).as_str();
            let value = to_db_count(record.value, record.metric.as_str())?;
            Ok((metric, to_db_time(record.observed_at), value))
        },
    )?;
    Ok(latest
        .into_iter()
        .filter(|(_, counters)| !counters.is_empty())
        .map(|(post, counters)| {
            let text = counters_text(counters.into_iter().map(|(name, (_, value))| (name, value)));
            (post, text)
        })
        .collect())
}

/// Folds `records` into the latest value of each counter of each post in `latest`; records
/// of other posts are only checked. Records of one post usually come together, so each run
/// of them looks its post up once.
fn fold_latest<'a, R>(
    latest: &mut HashMap<&'a str, BTreeMap<&'static str, (NaiveDateTime, i64)>>,
    records: &'a [R],
    post: impl Fn(&R) -> &String,
    counter: impl Fn(&R) -> StoreResult<(&'static str, NaiveDateTime, i64)>,
) -> StoreResult<()> {
    for run in records.chunk_by(|a, b| post(a) == post(b)) {
        let mut counters = latest.get_mut(post(&run[0]).as_str());
        for record in run {
            let (metric, observed_at, value) = counter(record)?;
            if let Some(counters) = counters.as_mut() {
                let slot = counters.entry(metric).or_insert((observed_at, value));
                if observed_at > slot.0 {
                    *slot = (observed_at, value);
                }
            }
        }
    }
    Ok(())
}

/// Stored counters split into those in the form tally writes, parsed, and the ids of posts
/// whose counters are missing or unreadable (written from outside, or by another version).
fn readable_counters(stored: Vec<(i64, Option<String>)>) -> (Vec<(i64, StoredCounters)>, Vec<i64>) {
    let mut readable = Vec::with_capacity(stored.len());
    let mut unreadable = Vec::new();
    for (post_id, text) in stored {
        match text.as_deref().map(StoredCounters::parse) {
            Some(Ok(counters)) => readable.push((post_id, counters)),
            Some(Err(error)) => {
                tracing::warn!(
                    post_id,
                    %error,
                    "rebuilding a post's unreadable counters from its history"
                );
                unreadable.push(post_id);
            }
            None => unreadable.push(post_id),
        }
    }
    (readable, unreadable)
}

/// The counters of stored posts that change, as the text of `posts.counters`: each post's
/// `stored` counters, with the `latest` stored value of each (post, metric) pair of
/// `touched` (the two in the same order). Posts whose counters stay the same are left out.
fn changed_counters(
    stored: Vec<(i64, StoredCounters)>,
    touched: &[(i64, &'static str)],
    latest: &[Option<i64>],
) -> Vec<(i64, String)> {
    let mut latest_of: HashMap<i64, Vec<(&'static str, u64)>> = HashMap::new();
    for (&(post_id, metric), value) in touched.iter().zip(latest) {
        if let Some(value) = value {
            latest_of
                .entry(post_id)
                .or_default()
                .push((metric, from_db_count(*value)));
        }
    }
    stored
        .into_iter()
        .filter_map(|(post_id, counters)| {
            let before = counters.by_name();
            let mut after = before.clone();
            after.extend(latest_of.get(&post_id)?.iter().copied());
            (after != before).then(|| (post_id, counters_text(after)))
        })
        .collect()
}

/// The text of `posts.counters` of each post in `latest`, its counters' latest values as
/// (post, metric, value) rows.
fn rebuilt_counters(latest: Vec<(i64, String, i64)>) -> StoreResult<Vec<(i64, String)>> {
    let mut counters: BTreeMap<i64, BTreeMap<&'static str, u64>> = BTreeMap::new();
    for (post_id, metric, value) in latest {
        let metric = metric.parse::<PostMetric>()?.as_str();
        counters
            .entry(post_id)
            .or_default()
            .insert(metric, from_db_count(value));
    }
    Ok(counters
        .into_iter()
        .map(|(post_id, counters)| (post_id, counters_text(counters)))
        .collect())
}

/// The batch's posts with one record per platform id; a later record of the same id wins,
/// since one statement may not update the same row twice.
fn latest_post_records(records: &[PostRecord]) -> Vec<&PostRecord> {
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(records.len());
    let mut unique: Vec<&PostRecord> = Vec::with_capacity(records.len());
    for record in records {
        match by_id.get(record.external_id.as_str()) {
            Some(&index) => unique[index] = record,
            None => {
                by_id.insert(&record.external_id, unique.len());
                unique.push(record);
            }
        }
    }
    unique
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use tally_domain::{EngagementKind, EngagementRecord, PerformanceMetric, PerformanceRecord};

    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap_or_default()
    }

    fn engagement(post: &str, kind: EngagementKind, count: u64, when: &str) -> EngagementRecord {
        EngagementRecord {
            post_external_id: post.to_owned(),
            kind,
            count,
            observed_at: at(when),
        }
    }

    fn record(id: &str) -> PostRecord {
        PostRecord {
            external_id: id.to_owned(),
            published_at: at("2026-04-30T00:00:00Z"),
            content_type: tally_domain::ContentType::Text,
            url: None,
            title: None,
        }
    }

    #[test]
    fn a_batchs_counters_take_each_counters_latest_value_in_name_order() {
        let batch = IngestBatch {
            engagement: vec![
                engagement("a", EngagementKind::Like, 9, "2026-05-02T00:00:00Z"),
                engagement("a", EngagementKind::Like, 4, "2026-05-01T00:00:00Z"),
                engagement("a", EngagementKind::Comment, 2, "2026-05-01T00:00:00Z"),
                // The same stored instant (microseconds) again: the first record stays.
                engagement(
                    "a",
                    EngagementKind::Comment,
                    3,
                    "2026-05-01T00:00:00.0000001Z",
                ),
                engagement("b", EngagementKind::Share, 1, "2026-05-01T00:00:00Z"),
            ],
            performance: vec![PerformanceRecord {
                post_external_id: "a".to_owned(),
                metric: PerformanceMetric::Reach,
                value: 70,
                observed_at: at("2026-04-30T00:00:00Z"),
            }],
            ..IngestBatch::default()
        };
        // Only the posts asked for get counters; "c" has none in the batch.
        let posts = [record("a"), record("b"), record("c")];
        let asked: Vec<&PostRecord> = posts.iter().collect();
        let counters = batch_counters(&batch, &asked).unwrap_or_default();
        assert_eq!(
            counters.get("a").map(String::as_str),
            Some("comment=2,like=9,reach=70")
        );
        assert_eq!(counters.get("b").map(String::as_str), Some("share=1"));
        assert_eq!(counters.len(), 2);
        let only_b = batch_counters(&batch, &[&posts[1]]).unwrap_or_default();
        assert_eq!(only_b.keys().collect::<Vec<_>>(), [&"b"]);
    }

    #[test]
    fn a_batchs_counters_refuse_what_the_store_refuses() {
        let batch = IngestBatch {
            engagement: vec![engagement(
                "a",
                EngagementKind::Like,
                u64::MAX,
                "2026-05-01T00:00:00Z",
            )],
            ..IngestBatch::default()
        };
        let post = record("a");
        assert!(batch_counters(&batch, &[&post]).is_err());
    }
}
