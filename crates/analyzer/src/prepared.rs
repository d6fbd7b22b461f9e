//! A period prepared once, for running several analyses on the same data.
//!
//! Every analysis starts by preparing its data: keeping the posts published in the period
//! and sorting them, reading each publish instant on the user's wall clock, indexing the
//! follower figures, choosing each platform's rate denominator and computing every post's
//! engagement and denominator. A dashboard that runs six analyses would do that six times,
//! and more per platform. [`PreparedPeriod`] does it once for the period and once for the
//! previous period, and each of its methods returns exactly what the free function of the
//! same name returns for the same data.

use std::collections::BTreeSet;

use tally_domain::Platform;

use crate::best_times::{BestTimes, best_times_of};
use crate::compare::{PlatformComparison, compare_platforms_of};
use crate::content_types::{ContentTypePerformance, content_type_performance_of};
use crate::dataset::{Dataset, PeriodFacts};
use crate::frequency::{PostingFrequency, posting_frequency_of};
use crate::growth::{Growth, growth_of};
use crate::overview::{Overview, overview_of};
use crate::period::AnalysisPeriod;
use crate::platform::PlatformInsights;
use crate::recommend::{Recommendations, recommend_of};
use crate::series::{SeriesMetric, TimeSeries, time_series_of};

/// The data of nothing, for periods prepared without a previous period's data.
static NO_DATA: Dataset = Dataset {
    posts: Vec::new(),
    daily: Vec::new(),
};

/// A period and its data, prepared once for several analyses.
///
/// Build it from the same arguments the free functions take; each method then gives the
/// same result as the free function of its name ([`overview`](crate::overview),
/// [`compare_platforms`](crate::compare_platforms), [`best_times`](crate::best_times) and
/// so on). The previous period is rated with the current period's denominators, as in
/// those functions. [`PreparedPeriod::for_platform`] narrows the prepared data to one
/// platform without copying it.
///
/// ```
/// use tally_analyzer::{overview, AnalysisPeriod, Dataset, PreparedPeriod, SeriesMetric};
/// use tally_domain::DateRange;
///
/// let range = DateRange::new("2026-05-01".parse().unwrap(), "2026-05-31".parse().unwrap()).unwrap();
/// let period = AnalysisPeriod::new(range, chrono_tz::Tz::Europe__Berlin);
/// let (current, previous) = (Dataset::default(), Dataset::default());
///
/// let prepared = PreparedPeriod::new(&current, &previous, &period);
/// let summary = prepared.overview();
/// let engagement = prepared.time_series(SeriesMetric::Engagement);
/// let advice = prepared.recommend();
///
/// assert_eq!(summary, overview(&current, &previous, &period));
/// assert_eq!(engagement.points.len(), 31);
/// assert!(advice.recommendations.is_empty());
/// ```
#[derive(Clone, Debug)]
pub struct PreparedPeriod<'a> {
    current: &'a Dataset,
    previous: &'a Dataset,
    /// The platforms analyzed.
    scope: Scope,
    now: PeriodFacts<'a>,
    /// `None` when the calendar has no previous period.
    before: Option<PeriodFacts<'a>>,
}

/// Which platforms of the datasets a preparation covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// Every platform.
    All,
    /// One platform, after narrowing.
    Only(Platform),
    /// None, after narrowing to one platform and then to another.
    Nothing,
}

impl<'a> PreparedPeriod<'a> {
    /// Prepares `current` for `period` and `previous` for [`AnalysisPeriod::previous`].
    ///
    /// `previous` may be empty when there is nothing to compare with.
    pub fn new(current: &'a Dataset, previous: &'a Dataset, period: &AnalysisPeriod) -> Self {
        let now = PeriodFacts::new(current, *period, None);
        let before = PeriodFacts::previous_of(&now, previous);
        Self {
            current,
            previous,
            scope: Scope::All,
            now,
            before,
        }
    }

    /// Prepares `current` for `period` with an empty previous period, for analyses that
    /// do not compare: the same as [`PreparedPeriod::new`] with an empty `previous`.
    pub fn without_previous(current: &'a Dataset, period: &AnalysisPeriod) -> Self {
        Self::new(current, &NO_DATA, period)
    }

    /// Prepares only `platform`'s part of the data, as [`PreparedPeriod::for_platform`]
    /// would narrow a preparation of all of it.
    pub(crate) fn of_platform(
        current: &'a Dataset,
        previous: &'a Dataset,
        period: &AnalysisPeriod,
        platform: Platform,
    ) -> Self {
        let now = PeriodFacts::of_platform(current, *period, None, platform);
        let before = period
            .previous()
            .map(|earlier| PeriodFacts::of_platform(previous, earlier, Some(&now.plan), platform));
        Self {
            current,
            previous,
            scope: Scope::Only(platform),
            now,
            before,
        }
    }

    /// The same preparation narrowed to one platform: every method then answers as its
    /// free function answers for [`Dataset::for_platform`] of both datasets.
    ///
    /// Narrowing refers to the prepared posts and figures again instead of copying them.
    /// Narrowing a preparation that is already narrowed to another platform leaves nothing.
    pub fn for_platform(&self, platform: Platform) -> PreparedPeriod<'a> {
        let scope = match self.scope {
            Scope::All => Scope::Only(platform),
            Scope::Only(only) if only == platform => Scope::Only(platform),
            Scope::Only(_) | Scope::Nothing => Scope::Nothing,
        };
        Self {
            current: self.current,
            previous: self.previous,
            scope,
            now: self.now.for_platform(platform),
            before: self
                .before
                .as_ref()
                .map(|facts| facts.for_platform(platform)),
        }
    }

    /// The period the data was prepared for.
    pub fn period(&self) -> &AnalysisPeriod {
        &self.now.period
    }

    /// The platforms of the current data (every post and daily figure, also outside the
    /// period), within the platform this preparation is narrowed to.
    pub fn platforms(&self) -> BTreeSet<Platform> {
        self.visible(self.current.platforms())
    }

    fn visible(&self, mut platforms: BTreeSet<Platform>) -> BTreeSet<Platform> {
        match self.scope {
            Scope::All => {}
            Scope::Only(only) => platforms.retain(|platform| *platform == only),
            Scope::Nothing => platforms.clear(),
        }
        platforms
    }

    /// The overview, as [`overview`](crate::overview) computes it.
    pub fn overview(&self) -> Overview {
        overview_of(&self.now, self.before.as_ref())
    }

    /// Platforms side by side, as [`compare_platforms`](crate::compare_platforms) compares
    /// them: every platform of either dataset, each on its own part of the prepared data.
    pub fn compare_platforms(&self) -> PlatformComparison {
        let mut platforms = self.current.platforms();
        platforms.extend(self.previous.platforms());
        compare_platforms_of(self.visible(platforms), &self.now, self.before.as_ref())
    }

    /// One platform's overview, content types and best times, as
    /// [`platform_insights`](crate::platform_insights) computes them.
    pub fn platform_insights(&self, platform: Platform) -> PlatformInsights {
        let view = self.for_platform(platform);
        PlatformInsights {
            platform,
            overview: view.overview(),
            content_types: view.content_type_performance(),
            best_times: view.best_times(),
        }
    }

    /// The weekday × hour grid, as [`best_times`](crate::best_times) computes it.
    pub fn best_times(&self) -> BestTimes {
        best_times_of(&self.now)
    }

    /// Content-type performance, as
    /// [`content_type_performance`](crate::content_type_performance) computes it.
    pub fn content_type_performance(&self) -> ContentTypePerformance {
        content_type_performance_of(&self.now)
    }

    /// Posts per week against engagement, as
    /// [`posting_frequency`](crate::posting_frequency) computes it.
    pub fn posting_frequency(&self) -> PostingFrequency {
        posting_frequency_of(&self.now)
    }

    /// Follower growth, as [`growth`](crate::growth) computes it.
    pub fn growth(&self) -> Growth {
        growth_of(&self.now.followers, &self.now.period)
    }

    /// One metric over time, as [`time_series`](crate::time_series) computes it.
    pub fn time_series(&self, metric: SeriesMetric) -> TimeSeries {
        time_series_of(&self.now, metric)
    }

    /// Recommendations, as [`recommend`](crate::recommend) makes them from the current data.
    ///
    /// Its analyses per platform run on narrowed views of the prepared data rather than on
    /// copies of each platform's data.
    pub fn recommend(&self) -> Recommendations {
        recommend_of(&self.now, self.platforms())
    }
}
