//! A bounded in-memory cache of analytics answers, kept correct by per-user data versions.
//!
//! An answer is stored as its serialized JSON under a key made of the user, the user's data
//! version, the endpoint with its path arguments, and every resolved parameter (absolute
//! dates, time zone, platforms, rate denominator, granularity and the endpoint's own
//! parameters). Each request reads the user's data version first (one indexed point read),
//! then either answers from the cache or loads the data and computes the answer. Every
//! write of a user's data raises the version in its own transaction, from this process or
//! another one (a CLI import while the server runs), so entries made from older data are
//! never matched again; they age out of the cache, which is bounded by the bytes it holds.
//!
//! Only successful answers are cached; errors (an unknown user, a bad parameter) never are.

use std::fmt::Debug;
use std::sync::Arc;

use actix_web::HttpResponse;
use actix_web::http::header::ContentType;
use actix_web::web::Bytes;
use serde::Serialize;
use tally_domain::UserId;
use tally_store::{AccountStore, AnalyticsStore};
use tokio::sync::Semaphore;

use super::load::blocking;
use super::{ApiError, AppState};

/// Bytes per mebibyte, for sizes given in MiB.
pub const MIB: u64 = 1024 * 1024;

/// The cache's size when the server is not told otherwise.
pub const DEFAULT_CAPACITY_MIB: u64 = 32;

/// Answers read or computed at once, per core: enough to keep the cores busy while some
/// requests wait on the database.
pub const COMPUTATIONS_PER_CORE: usize = 2;

/// Database connections one answer holds at most at once: the posts (with their counters)
/// and the daily figures are read side by side.
pub const CONNECTIONS_PER_COMPUTATION: usize = 2;

/// What an answer was computed for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct AnswerKey {
    user: i64,
    version: i64,
    request: String,
}

/// Serialized answers of the analytics endpoints, bounded by the bytes they hold (or
/// nothing, when caching is off), and the bound on answers computed at once.
#[derive(Clone)]
pub struct AnswerCache {
    entries: Option<moka::sync::Cache<AnswerKey, Bytes>>,
    /// One permit per answer computed at a time. Each computation holds a user's period
    /// in memory; without a bound, a burst of requests that miss the cache would run on
    /// as many blocking threads at once and multiply the server's memory.
    computing: Arc<Semaphore>,
}

impl Debug for AnswerCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnswerCache")
            .field("enabled", &self.entries.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for AnswerCache {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY_MIB * MIB)
    }
}

impl AnswerCache {
    /// A cache holding at most about `bytes` of answers; `0` turns caching off.
    pub fn with_capacity(bytes: u64) -> Self {
        let entries = (bytes > 0).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(bytes)
                .weigher(|key: &AnswerKey, body: &Bytes| {
                    let weight = key.request.len() + body.len() + size_of::<AnswerKey>();
                    u32::try_from(weight).unwrap_or(u32::MAX)
                })
                .build()
        });
        let parallel = std::thread::available_parallelism().map_or(2, usize::from);
        Self {
            entries,
            computing: Arc::new(Semaphore::new(parallel * COMPUTATIONS_PER_CORE)),
        }
    }

    /// A cache that stores nothing.
    pub fn disabled() -> Self {
        Self::with_capacity(0)
    }

    /// Whether answers are cached.
    pub fn is_enabled(&self) -> bool {
        self.entries.is_some()
    }
}

/// Answers a read of one user's analytics as JSON, from the cache when the user's data has
/// not changed since the same request was answered.
///
/// `request` must name the endpoint and carry everything the answer depends on besides the
/// user and the data: its path arguments and resolved parameters (a `Debug` rendering of
/// them is enough, since keys never leave the process). `compute` runs on a blocking thread
/// when there is no cached answer, and returns the answer serialized (see [`to_json`]).
pub async fn cached_json<F>(
    state: &AppState,
    user: UserId,
    request: String,
    compute: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&dyn AccountStore, &dyn AnalyticsStore) -> Result<Vec<u8>, ApiError> + Send + 'static,
{
    let cache = state.answers.clone();
    let _permit = cache
        .computing
        .acquire()
        .await
        .map_err(|error| ApiError::internal(&error))?;
    let body = blocking(state, move |accounts, analytics| {
        // The version is read before the data, so an answer is never newer than the data
        // it is filed under: a write between the two reads only files it under an older
        // version, which no later request asks for.
        let key = match &cache.entries {
            Some(_) => analytics.data_version(user)?.map(|version| AnswerKey {
                user: user.get(),
                version,
                request,
            }),
            None => None,
        };
        if let (Some(entries), Some(key)) = (&cache.entries, &key)
            && let Some(hit) = entries.get(key)
        {
            return Ok(hit);
        }

        let body = Bytes::from(compute(accounts, analytics)?);
        if let (Some(entries), Some(key)) = (&cache.entries, key) {
            entries.insert(key, body.clone());
        }
        Ok(body)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(body))
}

/// An answer serialized as JSON, for [`cached_json`].
pub fn to_json<T: Serialize>(answer: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(answer).map_err(|error| ApiError::internal(&error))
}
