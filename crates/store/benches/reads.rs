//! Benchmarks of the reads an analysis is built from: one user's posts with their latest
//! counters, and the user's daily account figures, over a year.
//!
//! The database holds one sample user's year on four platforms (about 2,900 posts, 13,000
//! latest counters and 7,000 daily figures) and a second user of the same size, so that the
//! reads have to pick one user's rows out of more. SQLite always runs; PostgreSQL runs when
//! `TEST_DATABASE_URL` names a server, in a schema of its own.
//!
//! Run with `cargo bench -p tally-store --bench reads`.

#![expect(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use std::hint::black_box;
use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use tally_domain::{DateRange, UserId};
use tally_sample::{SampleOptions, generate};
use tally_store::testing::{Backend, TestDatabase};
use tally_store::{AccountStore, AnalyticsStore, IngestStore, PostQuery};

/// Days of history per user.
const DAYS: u32 = 365;

/// A database holding two sample users' year, or `None` when the backend is not available.
fn seeded(backend: Backend, end: NaiveDate) -> Option<TestDatabase> {
    let db = TestDatabase::create(backend)?;
    let store = db.store();
    for user in [1, 2] {
        let sample = generate(&SampleOptions::new(UserId(user), DAYS, end));
        let stored = store
            .upsert_user(&sample.user)
            .and_then(|_| {
                sample.accounts.iter().try_for_each(|account| {
                    let stored = store.upsert_account(&account.account)?;
                    store.ingest(stored.id, &account.batch).map(|_| ())
                })
            })
            .and_then(|()| store.refresh_statistics());
        if let Err(error) = stored {
            panic!("preparing the benchmark database: {error}");
        }
    }
    Some(db)
}

fn reads(c: &mut Criterion) {
    let Some(end) = NaiveDate::from_ymd_opt(2026, 11, 30) else {
        return;
    };
    let Some(first) = end.checked_sub_days(chrono::Days::new(u64::from(DAYS) - 1)) else {
        return;
    };
    let Ok(year) = DateRange::new(first, end) else {
        return;
    };
    let query = PostQuery {
        user: UserId(1),
        from: Utc.from_utc_datetime(&first.and_time(chrono::NaiveTime::MIN)),
        until: Utc.from_utc_datetime(&end.and_time(chrono::NaiveTime::MIN)) + chrono::Days::new(1),
        platforms: Vec::new(),
    };

    let mut backends = vec![("sqlite", Backend::Sqlite)];
    if std::env::var(tally_store::testing::TEST_DATABASE_URL).is_ok() {
        backends.push(("postgres", Backend::Postgres));
    }
    let mut group = c.benchmark_group("read_one_user_year");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (name, backend) in backends {
        let Some(db) = seeded(backend, end) else {
            continue;
        };
        let store = db.store();
        group.bench_function(BenchmarkId::new("posts", name), |b| {
            b.iter(|| match store.posts(black_box(&query)) {
                Ok(posts) => posts,
                Err(error) => panic!("reading posts: {error}"),
            });
        });
        group.bench_function(BenchmarkId::new("daily_metrics", name), |b| {
            b.iter(
                || match store.daily_metrics(UserId(1), black_box(year), &[]) {
                    Ok(daily) => daily,
                    Err(error) => panic!("reading daily figures: {error}"),
                },
            );
        });
    }
    group.finish();
}

criterion_group!(benches, reads);
criterion_main!(benches);
