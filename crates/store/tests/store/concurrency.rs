//! SQLite shared by threads through clones of one store: writers and readers never see
//! "database is locked".

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tally_domain::{
    Account, AccountMetric, DateRange, EngagementKind, IngestBatch, PerformanceMetric, Platform,
    UserId,
};
use tally_store::testing::{Backend, TestDatabase};
use tally_store::{AnalyticsStore, DieselStore, IngestStore, RowCounts, StoreResult};

use crate::fixtures::{account_of, all_posts, daily, day, engagement, performance, post};

const BATCHES: u64 = 40;
const POSTS_PER_BATCH: u64 = 25;

/// Batch `index` of an account: new posts, two observations of each, one daily figure.
fn numbered_batch(index: u64) -> IngestBatch {
    let mut batch = IngestBatch::default();
    let day_text = (day("2026-01-01") + chrono::Days::new(index)).to_string();
    for number in 0..POSTS_PER_BATCH {
        let id = format!("b{index}_p{number}");
        batch
            .posts
            .push(post(&id, &format!("{day_text}T10:00:00Z")));
        let observed_at = format!("{day_text}T12:00:00Z");
        batch
            .engagement
            .push(engagement(&id, EngagementKind::Like, number, &observed_at));
        batch.performance.push(performance(
            &id,
            PerformanceMetric::Reach,
            number * 3,
            &observed_at,
        ));
    }
    let observed_at = format!("{day_text}T23:00:00Z");
    batch.account_metrics.push(daily(
        &day_text,
        AccountMetric::Followers,
        index,
        &observed_at,
    ));
    batch
}

/// Reads through every query until `done` is set, returning how many rounds ran.
fn read_until(store: &DieselStore, user: UserId, done: &AtomicBool) -> StoreResult<u64> {
    let range = DateRange::new(day("2026-01-01"), day("2026-12-31")).unwrap();
    let mut rounds = 0;
    loop {
        let finished = done.load(Ordering::Acquire);
        let posts = store.posts(&all_posts(user))?;
        if let Some(first) = posts.first() {
            store.post_history(first.id)?;
            store.post(user, first.id)?;
        }
        store.daily_metrics(user, range, &[])?;
        store.row_counts(user)?;
        rounds += 1;
        if finished {
            return Ok(rounds);
        }
    }
}

fn write_all(store: &DieselStore, account: &Account) -> StoreResult<()> {
    for index in 0..BATCHES {
        store.ingest(account.id, &numbered_batch(index))?;
    }
    Ok(())
}

fn expected_counts(accounts: u64, writers: u64) -> RowCounts {
    RowCounts {
        accounts,
        posts: writers * BATCHES * POSTS_PER_BATCH,
        observations: writers * BATCHES * POSTS_PER_BATCH * 2,
        latest_counters: writers * BATCHES * POSTS_PER_BATCH * 2,
        daily_metrics: writers * BATCHES,
    }
}

/// Runs one writer per account (all of user 1) beside three readers.
fn write_beside_readers(writers: &[(Platform, &str)]) -> (DieselStore, TestDatabase) {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let store = db.store();
    let accounts: Vec<Account> = writers
        .iter()
        .map(|(platform, handle)| account_of(&store, 1, *platform, handle))
        .collect();
    let user = accounts[0].user_id;
    let running = AtomicU64::new(accounts.len() as u64);
    let done = AtomicBool::new(false);

    std::thread::scope(|scope| {
        let readers: Vec<_> = (0..3)
            .map(|_| {
                let store = store.clone();
                let done = &done;
                scope.spawn(move || read_until(&store, user, done))
            })
            .collect();
        let writing: Vec<_> = accounts
            .iter()
            .map(|account| {
                let store = store.clone();
                let (running, done) = (&running, &done);
                scope.spawn(move || {
                    let written = write_all(&store, account);
                    if running.fetch_sub(1, Ordering::AcqRel) == 1 {
                        done.store(true, Ordering::Release);
                    }
                    written
                })
            })
            .collect();

        for writer in writing {
            writer.join().unwrap().expect("every batch is written");
        }
        for reader in readers {
            let rounds = reader.join().unwrap().expect("every read succeeds");
            assert!(rounds >= 1);
        }
    });
    (store, db)
}

#[test]
fn sqlite_readers_and_one_writer_share_a_store() {
    let (store, _db) = write_beside_readers(&[(Platform::Mastodon, "test_creator")]);
    assert_eq!(store.row_counts(UserId(1)).unwrap(), expected_counts(1, 1));
}

#[test]
fn sqlite_writers_wait_for_each_other() {
    let writers = [
        (Platform::Mastodon, "test_creator"),
        (Platform::Bluesky, "test_creator"),
        (Platform::YouTube, "test_channel"),
    ];
    let (store, _db) = write_beside_readers(&writers);
    assert_eq!(store.row_counts(UserId(1)).unwrap(), expected_counts(3, 3));
}
