//! Loading what an analysis needs: the user, and the datasets of a period and the one before.

use actix_web::web;
use chrono::Days;
use tally_analyzer::{AnalysisPeriod, Dataset};
use tally_domain::{DailyMetric, DateRange, Platform, User, UserId};
use tally_store::{AccountStore, AnalyticsStore, PostQuery};

use super::params::AnalyticsParams;
use super::{ApiError, AppState};

/// A user's data for one analysis.
pub struct Loaded {
    /// Posts and daily figures of the period.
    pub current: Dataset,
    /// Posts and daily figures of the previous period of the same length.
    pub previous: Dataset,
}

/// Runs `work` on a blocking thread with the stores, so database calls never stall the
/// async workers.
pub async fn blocking<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&dyn AccountStore, &dyn AnalyticsStore) -> Result<T, ApiError> + Send + 'static,
{
    let accounts = state.accounts.clone();
    let analytics = state.analytics.clone();
    web::block(move || work(&*accounts, &*analytics)).await?
}

/// The user, or a 404 that names the id.
pub fn require_user(accounts: &dyn AccountStore, user: UserId) -> Result<User, ApiError> {
    accounts
        .user(user)?
        .ok_or_else(|| ApiError::not_found(format!("user {user} does not exist")))
}

/// Loads the user's posts and daily figures for the period and the previous one.
///
/// Both come from indexed reads bounded by the user and the two periods, so the cost
/// follows the user's own history.
pub fn load_datasets(
    accounts: &dyn AccountStore,
    analytics: &dyn AnalyticsStore,
    user: UserId,
    params: &AnalyticsParams,
) -> Result<Loaded, ApiError> {
    let period = params.period;
    let previous = period.previous();
    let window = period.utc_window();
    let from = previous.map_or(window.from, |previous| previous.utc_window().from);

    let query = PostQuery {
        user,
        from,
        until: window.until,
        platforms: params.platforms.clone(),
    };
    // The posts and the daily figures are read at the same time, each on a connection of
    // its own, so that a request waits for the longer read instead of both in turn. The
    // user is looked up beside the posts: for a user that does not exist the posts read
    // finds nothing, and the answer is the lookup's 404.
    let (daily, posts) = tally_store::both(
        || -> Result<Vec<DailyMetric>, ApiError> {
            require_user(accounts, user)?;
            let mut daily = Vec::new();
            if let Some(previous) = previous {
                daily.extend(daily_figures(
                    analytics,
                    user,
                    &previous,
                    &params.platforms,
                )?);
            }
            daily.extend(daily_figures(analytics, user, &period, &params.platforms)?);
            Ok(daily)
        },
        || analytics.posts(&query),
    );
    let mut daily = daily?;
    let (current_posts, previous_posts) = posts?
        .into_iter()
        .partition(|post| post.published_at >= window.from);
    daily.sort_by_key(|metric| (metric.day, metric.account_id, metric.metric));
    daily.dedup();

    Ok(Loaded {
        current: Dataset::new(current_posts, daily.clone()),
        previous: Dataset::new(previous_posts, daily),
    })
}

/// Daily figures of a period, with a day of margin on each side: figures are stored by UTC
/// day while periods are local days, which may start up to a day apart.
fn daily_figures(
    analytics: &dyn AnalyticsStore,
    user: UserId,
    period: &AnalysisPeriod,
    platforms: &[Platform],
) -> Result<Vec<DailyMetric>, ApiError> {
    let range = period.range;
    let widened = range
        .start()
        .checked_sub_days(Days::new(1))
        .zip(range.end().checked_add_days(Days::new(1)))
        .and_then(|(start, end)| DateRange::new(start, end).ok())
        .unwrap_or(range);
    Ok(analytics.daily_metrics(user, widened, platforms)?)
}
