//! Background workers that run queued jobs, and the optional periodic schedule.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::Notify;
use tokio::task::spawn_blocking;

use super::Collector;

/// How often an idle worker looks for jobs queued by another process, such as the CLI.
const IDLE_POLL: Duration = Duration::from_secs(5);

/// Workers that run queued collection jobs on the current async runtime.
#[derive(Clone)]
pub struct WorkerPool {
    wake: Arc<Notify>,
}

impl WorkerPool {
    /// Puts jobs interrupted by the last stop back in the queue, then starts `workers`
    /// tasks that run queued jobs until the runtime stops.
    pub async fn start(collector: Collector, workers: usize) -> anyhow::Result<Self> {
        let jobs = collector.jobs().clone();
        let requeued = spawn_blocking(move || jobs.requeue_interrupted_jobs()).await??;
        if requeued > 0 {
            tracing::info!(
                requeued,
                "resuming collection jobs interrupted by the last stop"
            );
        }

        let wake = Arc::new(Notify::new());
        for worker in 0..workers.max(1) {
            let (collector, wake) = (collector.clone(), wake.clone());
            actix_web::rt::spawn(async move { run_worker(worker, collector, wake).await });
        }
        Ok(Self { wake })
    }

    /// Tells an idle worker that a job was queued.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

async fn run_worker(worker: usize, collector: Collector, wake: Arc<Notify>) {
    loop {
        let jobs = collector.jobs().clone();
        match spawn_blocking(move || jobs.next_queued_job()).await {
            Ok(Ok(Some(id))) => {
                if let Err(error) = collector.run_job(id, &|_, _, _| {}).await {
                    tracing::error!(%error, worker, job = id.get(), "a collection job could not run");
                    tokio::time::sleep(IDLE_POLL).await;
                }
            }
            Ok(Ok(None)) => {
                tokio::select! {
                    () = wake.notified() => {}
                    () = tokio::time::sleep(IDLE_POLL) => {}
                }
            }
            Ok(Err(error)) => {
                tracing::error!(%error, worker, "looking for queued jobs failed");
                tokio::time::sleep(IDLE_POLL).await;
            }
            Err(error) => {
                tracing::error!(%error, worker, "a worker task failed");
                tokio::time::sleep(IDLE_POLL).await;
            }
        }
    }
}

/// Queues a collection for every user with connected accounts every `every`, reading
/// `days_back` days, and wakes the pool.
pub fn spawn_periodic_collection(
    collector: Collector,
    pool: WorkerPool,
    every: Duration,
    days_back: u32,
) {
    actix_web::rt::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let jobs = collector.jobs().clone();
            let accounts = collector.accounts.clone();
            let queued = spawn_blocking(move || -> Result<usize, tally_store::StoreError> {
                let users = accounts.users_with_accounts()?;
                for user in &users {
                    jobs.enqueue_collection(*user, days_back, Utc::now())?;
                }
                Ok(users.len())
            })
            .await;
            match queued {
                Ok(Ok(users)) => {
                    tracing::info!(users, "queued the periodic collection");
                    for _ in 0..users {
                        pool.wake();
                    }
                }
                Ok(Err(error)) => {
                    tracing::error!(%error, "queueing the periodic collection failed")
                }
                Err(error) => tracing::error!(%error, "the periodic collection task failed"),
            }
        }
    });
}
