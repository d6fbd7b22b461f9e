//! `tally seed`: realistic sample analytics, written through the batched ingest path.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use tally_domain::UserId;
use tally_sample::{SampleOptions, SampleUser, generate};
use tally_store::{AccountStore, AnalyticsStore, IngestStore, IngestSummary};

use crate::cli::SeedArgs;

/// Stores a generated user, their accounts and all their data through the ingest path.
pub fn store_sample<S: AccountStore + IngestStore + ?Sized>(
    store: &S,
    sample: &SampleUser,
) -> anyhow::Result<IngestSummary> {
    let user = sample.user.id;
    store
        .upsert_user(&sample.user)
        .with_context(|| format!("storing user {user}"))?;
    let mut total = IngestSummary::default();
    for account in &sample.accounts {
        let stored = store.upsert_account(&account.account).with_context(|| {
            format!(
                "storing the {} account of user {user}",
                account.account.platform
            )
        })?;
        let summary = store
            .ingest(stored.id, &account.batch)
            .with_context(|| format!("storing {} data of user {user}", stored.platform))?;
        total.add(&summary);
    }
    Ok(total)
}

/// Writers at most: each holds a pooled connection while it stores a user, and the pool
/// has at least this many.
const MAX_JOBS: usize = 16;

/// The user that `tally demo` shows.
pub const DEMO_USER: UserId = UserId(1);

/// Seeds the demo user with `days` of history up to today. Seeding is idempotent, so a
/// database seeded before (even by a run that was stopped half-way) is completed and
/// extended to today, never duplicated.
pub fn seed_demo<S: AccountStore + IngestStore + AnalyticsStore + Sync>(
    store: &S,
    days: u32,
) -> anyhow::Result<()> {
    let args = SeedArgs {
        user_id: Some(DEMO_USER.get()),
        days_back: Some(days),
        users: None,
        first_user: None,
        days: None,
        seed: SampleOptions::DEFAULT_SEED,
        end: None,
        platforms: 4,
        jobs: None,
    };
    run(store, &args)
}

/// Seeds one user or many, then prints what was written.
pub fn run<S: AccountStore + IngestStore + AnalyticsStore + Sync>(
    store: &S,
    args: &SeedArgs,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let end = args.end.unwrap_or_else(|| now.date_naive());
    let days = args.days();
    let users: Vec<i64> = match (args.user_id, args.users) {
        (Some(user), _) => vec![user],
        (None, Some(count)) => {
            let first = args.first_user.unwrap_or(1);
            let last = first.checked_add(i64::from(count) - 1).ok_or_else(|| {
                anyhow::anyhow!(
                    "--first-user {first} with --users {count} runs past the largest user id"
                )
            })?;
            (first..=last).collect()
        }
        (None, None) => anyhow::bail!("give a user id, or --users N"),
    };

    let progress = ProgressBar::new(users.len() as u64);
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} users, {per_sec}, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    if users.len() == 1 {
        progress.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }

    let jobs = args
        .jobs
        .map(usize::from)
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1)
        .min(MAX_JOBS)
        .clamp(1, users.len().max(1));
    let sample_of = |user: i64| {
        generate(&SampleOptions {
            user: UserId(user),
            days,
            end,
            seed: args.seed,
            platforms: usize::from(args.platforms),
            observed_until: Some(now),
        })
    };
    // One thread generates users ahead of the writers, which each store one user at a time
    // through their own connection. After the first error nothing more is generated or
    // stored; the writers only empty the queue so that the generator can finish.
    let failed = AtomicBool::new(false);
    let (queue, samples) = std::sync::mpsc::sync_channel::<SampleUser>(jobs);
    let samples = Mutex::new(samples);
    let next_sample = || samples.lock().ok().and_then(|samples| samples.recv().ok());
    let writer = || -> anyhow::Result<IngestSummary> {
        let mut total = IngestSummary::default();
        let mut first_error = None;
        while let Some(sample) = next_sample() {
            if failed.load(Ordering::Relaxed) {
                continue;
            }
            match store_sample(store, &sample) {
                Ok(summary) => {
                    total.add(&summary);
                    progress.inc(1);
                }
                Err(error) => {
                    failed.store(true, Ordering::Relaxed);
                    first_error = Some(error);
                }
            }
        }
        first_error.map_or(Ok(total), Err)
    };
    let results: Vec<anyhow::Result<IngestSummary>> = std::thread::scope(|scope| {
        let mut handles = Vec::with_capacity(jobs);
        for _ in 0..jobs {
            match std::thread::Builder::new().spawn_scoped(scope, writer) {
                Ok(handle) => handles.push(handle),
                // Fewer writers than asked for still store everything.
                Err(error) if !handles.is_empty() => {
                    tracing::warn!(%error, writers = handles.len(), "could not start another writer");
                    break;
                }
                Err(error) => {
                    drop(queue);
                    return vec![Err(anyhow::Error::new(error).context("starting a writer"))];
                }
            }
        }
        for &user in &users {
            if failed.load(Ordering::Relaxed) || queue.send(sample_of(user)).is_err() {
                break;
            }
        }
        drop(queue);
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a seeding thread panicked")))
            })
            .collect()
    });
    let mut total = IngestSummary::default();
    for result in results {
        total.add(&result?);
    }
    progress.finish_and_clear();

    println!(
        "seeded {} user(s) with {days} day(s) up to {end}: posts {} new, {} refreshed; \
         observations {} new, {} skipped; daily figures {} written",
        users.len(),
        total.posts_created,
        total.posts_updated,
        total.observations_created,
        total.observations_skipped,
        total.daily_metrics_written,
    );
    if let [user] = users.as_slice() {
        let counts = store.row_counts(UserId(*user))?;
        println!(
            "user {user} now has {} accounts, {} posts, {} observations, {} daily figures",
            counts.accounts, counts.posts, counts.observations, counts.daily_metrics
        );
    }
    Ok(())
}
