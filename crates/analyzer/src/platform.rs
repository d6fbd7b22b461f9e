//! Insights for one platform: its overview, content types and best times together.

use serde::Serialize;
use tally_domain::Platform;

use crate::best_times::BestTimes;
use crate::content_types::ContentTypePerformance;
use crate::dataset::Dataset;
use crate::overview::Overview;
use crate::period::AnalysisPeriod;
use crate::prepared::PreparedPeriod;

/// Everything about one platform in the period.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlatformInsights {
    /// The platform.
    pub platform: Platform,
    /// Its totals and changes against the previous period.
    pub overview: Overview,
    /// How its content types performed.
    pub content_types: ContentTypePerformance,
    /// When its posts performed best.
    pub best_times: BestTimes,
}

/// The overview, content-type performance and best times of one platform.
///
/// `current` and `previous` may hold other platforms too; only `platform` is analyzed.
///
/// ```
/// use tally_analyzer::{platform_insights, AnalysisPeriod, Dataset};
/// use tally_domain::{DateRange, Platform};
///
/// let range = DateRange::new("2026-05-01".parse().unwrap(), "2026-05-31".parse().unwrap()).unwrap();
/// let period = AnalysisPeriod::new(range, chrono_tz::Tz::UTC);
/// let result = platform_insights(&Dataset::default(), &Dataset::default(), &period, Platform::Threads);
/// assert_eq!(result.overview.totals.posts.current, Some(0));
/// assert!(result.best_times.top_slots.is_empty());
/// ```
pub fn platform_insights(
    current: &Dataset,
    previous: &Dataset,
    period: &AnalysisPeriod,
    platform: Platform,
) -> PlatformInsights {
    PreparedPeriod::of_platform(current, previous, period, platform).platform_insights(platform)
}
