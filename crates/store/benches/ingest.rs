//! Benchmarks of the batched write path (`IngestStore::ingest`), the one that collection,
//! imports and the sample generator share, keeping each post's latest counters included.
//!
//! Each iteration stores one sample user's year on four platforms (about 2,900 posts and
//! 58,000 observations) into a fresh database; throughput is counted in observation rows
//! (engagement and performance counters, which share one table). SQLite always runs;
//! PostgreSQL runs when `TEST_DATABASE_URL` names a server, in a schema of its own.
//!
//! Run with `cargo bench -p tally-store --bench ingest`.

#![expect(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tally_domain::UserId;
use tally_sample::{SampleOptions, SampleUser, generate};
use tally_store::testing::{Backend, TestDatabase};
use tally_store::{AccountStore, IngestStore};

/// Days of history stored per iteration.
const DAYS: u32 = 365;

fn sample_year() -> Option<SampleUser> {
    let end = NaiveDate::from_ymd_opt(2026, 11, 30)?;
    Some(generate(&SampleOptions::new(UserId(1), DAYS, end)))
}

/// Stores the sample in a fresh database `iters` times, timing only the ingest calls.
fn time_ingest(backend: Backend, sample: &SampleUser, iters: u64) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let Some(db) = TestDatabase::create(backend) else {
            return total;
        };
        let store = db.store();
        let accounts: Vec<_> = match store.upsert_user(&sample.user).and_then(|_| {
            sample
                .accounts
                .iter()
                .map(|account| store.upsert_account(&account.account))
                .collect::<Result<Vec<_>, _>>()
        }) {
            Ok(accounts) => accounts,
            Err(error) => panic!("preparing the benchmark database: {error}"),
        };

        let started = Instant::now();
        for (stored, generated) in accounts.iter().zip(&sample.accounts) {
            if let Err(error) = store.ingest(stored.id, black_box(&generated.batch)) {
                panic!("ingesting: {error}");
            }
        }
        total += started.elapsed();
    }
    total
}

fn ingest(c: &mut Criterion) {
    let Some(sample) = sample_year() else {
        return;
    };
    let rows: u64 = sample
        .accounts
        .iter()
        .map(|account| (account.batch.engagement.len() + account.batch.performance.len()) as u64)
        .sum();

    let mut group = c.benchmark_group("ingest_one_user_year");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(rows));

    let mut backends = vec![("sqlite", Backend::Sqlite)];
    if std::env::var(tally_store::testing::TEST_DATABASE_URL).is_ok() {
        backends.push(("postgres", Backend::Postgres));
    }
    for (name, backend) in backends {
        group.bench_with_input(BenchmarkId::from_parameter(name), &backend, |b, backend| {
            b.iter_custom(|iters| time_ingest(*backend, &sample, iters));
        });
    }
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
