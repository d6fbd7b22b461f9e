//! Engagement analytics over tally's domain types.
//!
//! Pure computation: no database, no HTTP, no clock. The caller loads a [`Dataset`] for
//! the period (and, for comparisons, one for the previous period of the same length),
//! describes the period with an [`AnalysisPeriod`] and calls an analysis. [`utc_window`]
//! gives the UTC instants `[from, until)` a store query for the period's local days needs.
//! To run several analyses on the same data, prepare it once with [`PreparedPeriod`]: its
//! methods give the same results as the functions below without preparing the data again.
//!
//! ```
//! use tally_analyzer::*;
//! use tally_domain::DateRange;
//!
//! let range = DateRange::new("2026-05-01".parse().unwrap(), "2026-05-31".parse().unwrap()).unwrap();
//! let period = AnalysisPeriod::new(range, parse_timezone("Europe/Berlin").unwrap());
//! let window = period.utc_window(); // query the store for posts in [from, until)
//! assert_eq!(window.from.to_rfc3339(), "2026-04-30T22:00:00+00:00");
//!
//! let result = overview(&Dataset::default(), &Dataset::default(), &period);
//! assert_eq!(result.totals.posts.current, Some(0));
//! assert_eq!(result.engagement_rate.current, None); // unknown, not zero
//! ```
//!
//! | analysis | function |
//! |---|---|
//! | totals, changes, rate, growth, top posts | [`overview`] |
//! | one platform: overview, content types, best times | [`platform_insights`] |
//! | one post: numbers, engagement over time, rank | [`analyze_post`] |
//! | platforms side by side | [`compare_platforms`] |
//! | weekday × hour grid in the user's time zone | [`best_times`] |
//! | content types | [`content_type_performance`] |
//! | posts per week against engagement per post | [`posting_frequency`] |
//! | follower growth | [`growth`] |
//! | one metric over time | [`time_series`] |
//! | concrete actions with evidence | [`recommend`] |
//! | several of the above on one period, prepared once | [`PreparedPeriod`] |
//!
//! # Definitions
//!
//! The same definitions hold in every analysis; `docs/metrics.md` explains the choices.
//!
//! - **Period.** Local calendar days in the user's IANA time zone. A post belongs to the
//!   period when its publish instant falls in [`AnalysisPeriod::utc_window`]; daily account
//!   figures belong to it when their stored day lies in the range.
//! - **Engagement** of a post is the sum of its interaction counters: likes, comments,
//!   shares, saves, clicks and quotes. Views are exposure, not interaction, and are left
//!   out ([`tally_domain::PostSummary::interactions`]). A post that reports no interaction
//!   counter has unknown engagement and is left out of engagement sums and averages.
//! - **Engagement rate** is pooled: Σ engagement ÷ Σ denominator × 100 over the posts whose
//!   engagement and a positive denominator are known. The denominator is chosen per
//!   platform with [`RateBy`] (default reach): reach, else impressions, else followers for
//!   `reach`; impressions, else reach, else followers for `impressions`; followers for
//!   `followers`. A platform falls back when none of its posts in the period reports the
//!   figure; [`RateBasis`] says what each platform used. With followers, a post's
//!   denominator is its account's followers on the UTC day of publishing (the latest daily
//!   figure at or before that day). The previous period reuses the current period's choices.
//! - **Relative engagement** is a post's engagement ÷ the median engagement of its
//!   platform's posts in the period; it lets accounts of any size share one best-times grid
//!   or content-type ranking. Groups are ranked by a one-sided 90 % lower bound of their
//!   median relative engagement ([`GroupStats`]); groups with fewer than
//!   [`MIN_POSTS_FOR_CONFIDENCE`] posts are low-confidence and never chosen as best.
//! - **Follower growth** runs from each account's first to its last follower figure inside
//!   the period: net = end − start, percent = net ÷ start × 100.
//! - **Change** against the previous period is `current − previous`, and in percent of
//!   the previous value; `null` when the previous value is 0 or unknown.
//! - **Time series** attribute posts to the local day they were published (by publish
//!   date): a post's lifetime counters land in that day's bucket.
//!
//! Results derive `Serialize`. An unavailable value is `None` (JSON `null`), never NaN,
//! infinity or a 0 that stands for "unknown". With the `openapi` feature they also derive
//! utoipa's `ToSchema`, so that an HTTP layer can describe them in an OpenAPI document.

mod best_times;
mod buckets;
mod compare;
mod comparison;
mod content_types;
mod dataset;
mod error;
mod followers;
mod frequency;
mod growth;
mod names;
mod overview;
mod period;
mod platform;
mod post_analysis;
mod posts;
mod prepared;
mod rate;
mod recommend;
mod recommend_rules;
mod relative;
mod series;
mod stats;
mod totals;
mod weekday;

#[cfg(test)]
mod testing;

pub use best_times::{BestTimes, HourStats, TOP_SLOTS_LIMIT, TimeSlot, WeekdayStats, best_times};
pub use buckets::Granularity;
pub use compare::{PlatformComparison, PlatformMeasures, compare_platforms};
pub use comparison::{CountComparison, ValueComparison};
pub use content_types::{ContentTypePerformance, ContentTypeStats, content_type_performance};
pub use dataset::Dataset;
pub use error::AnalyzerError;
pub use frequency::{
    FrequencyBand, MIN_WEEKS_FOR_CORRELATION, PostingFrequency, WeekActivity, posting_frequency,
};
pub use growth::{FollowerPoint, Growth, GrowthSummary, PlatformGrowth, growth};
pub use overview::{FollowerGrowth, Overview, Totals, overview};
pub use period::{AnalysisPeriod, PeriodSummary, UtcWindow, parse_timezone, utc_window};
pub use platform::{PlatformInsights, platform_insights};
pub use post_analysis::{PeerRanking, PostAnalysis, TimelinePoint, analyze_post};
pub use posts::{PostMetrics, TOP_POSTS_LIMIT};
pub use prepared::PreparedPeriod;
pub use rate::{RateBasis, RateBy};
pub use recommend::{
    Action, Confidence, Evidence, MIN_LIFT, MIN_POSTS_FOR_RECOMMENDATIONS, Recommendation,
    Recommendations, recommend,
};
pub use relative::{GroupStats, MIN_POSTS_FOR_CONFIDENCE};
pub use series::{SeriesMetric, SeriesPoint, TimeSeries, time_series};
pub use weekday::DayOfWeek;
