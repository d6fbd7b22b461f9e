//! Posting frequency against engagement, week by week.
//!
//! Weeks run Monday to Sunday in the user's time zone. Weeks cut by the period's ends are
//! listed but flagged, and only full weeks enter the summary: a three-day stub would look
//! like a week of rare posting.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::buckets::{Granularity, bucket_of, buckets};
use crate::dataset::{Dataset, PeriodFacts};
use crate::period::{AnalysisPeriod, PeriodSummary};
use crate::stats::{correlation, median, ratio};

/// Full weeks with posts needed before a correlation is reported.
pub const MIN_WEEKS_FOR_CORRELATION: usize = 4;

/// Posting and engagement in one week.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekActivity {
    /// The first day of the week inside the period (a Monday unless the period starts later).
    pub start: NaiveDate,
    /// The last day of the week inside the period.
    pub end: NaiveDate,
    /// Whether all seven days lie inside the period.
    pub full_week: bool,
    /// Posts published.
    pub posts: usize,
    /// Their total engagement; `null` when no post reports engagement.
    pub engagement: Option<u64>,
    /// Engagement per post that reports engagement.
    pub engagement_per_post: Option<f64>,
}

/// Full weeks that had the same number of posts.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FrequencyBand {
    /// Posts in each of these weeks.
    pub posts_per_week: usize,
    /// How many full weeks had that many posts.
    pub weeks: usize,
    /// Median of the weeks' engagement per post.
    pub median_engagement_per_post: Option<f64>,
    /// Median of the weeks' total engagement (a week without posts counts as 0).
    pub median_weekly_engagement: Option<f64>,
}

/// How often the user posted and how engagement followed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostingFrequency {
    /// The period analyzed.
    pub period: PeriodSummary,
    /// Every week touching the period, oldest first.
    pub weeks: Vec<WeekActivity>,
    /// Full weeks in the period.
    pub full_weeks: usize,
    /// Median posts per full week.
    pub median_posts_per_week: Option<f64>,
    /// Pearson correlation between posts per week and engagement per post over full weeks
    /// with posts; `null` with fewer than [`MIN_WEEKS_FOR_CORRELATION`] such weeks.
    /// Negative means busier weeks got less engagement per post.
    pub correlation: Option<f64>,
    /// Full weeks grouped by their number of posts, fewest posts first.
    pub by_posts_per_week: Vec<FrequencyBand>,
}

/// Posts per week against engagement per post over the period.
///
/// ```
/// use tally_analyzer::{posting_frequency, AnalysisPeriod, Dataset};
/// use tally_domain::DateRange;
///
/// let range = DateRange::new("2026-05-04".parse().unwrap(), "2026-05-31".parse().unwrap()).unwrap();
/// let result = posting_frequency(&Dataset::default(), &AnalysisPeriod::new(range, chrono_tz::Tz::UTC));
/// assert_eq!(result.full_weeks, 4);
/// assert_eq!(result.median_posts_per_week, Some(0.0));
/// assert_eq!(result.correlation, None);
/// ```
pub fn posting_frequency(current: &Dataset, period: &AnalysisPeriod) -> PostingFrequency {
    let facts = PeriodFacts::new(current, *period, None);
    posting_frequency_of(&facts)
}

/// Posting frequency of prepared facts.
pub(crate) fn posting_frequency_of(facts: &PeriodFacts<'_>) -> PostingFrequency {
    let slots = buckets(&facts.period.range, Granularity::Week);
    let mut posts = vec![0_usize; slots.len()];
    let mut engaged = vec![(None::<u64>, 0_usize); slots.len()];
    for post in &facts.posts {
        let Some(index) = bucket_of(&slots, post.local.date()) else {
            continue;
        };
        posts[index] += 1;
        if let Some(engagement) = post.engagement {
            let (total, count) = &mut engaged[index];
            *total = Some(total.unwrap_or(0).saturating_add(engagement));
            *count += 1;
        }
    }

    let weeks: Vec<WeekActivity> = slots
        .iter()
        .zip(posts.iter().zip(&engaged))
        .map(|(slot, (posts, (engagement, counted)))| WeekActivity {
            start: slot.start,
            end: slot.end,
            full_week: slot.days() == 7,
            posts: *posts,
            engagement: *engagement,
            engagement_per_post: engagement.and_then(|total| ratio(total as f64, *counted as f64)),
        })
        .collect();
    let full: Vec<&WeekActivity> = weeks.iter().filter(|week| week.full_week).collect();

    let mut counts: Vec<f64> = full.iter().map(|week| week.posts as f64).collect();
    let pairs: Vec<(f64, f64)> = full
        .iter()
        .filter_map(|week| Some((week.posts as f64, week.engagement_per_post?)))
        .collect();

    PostingFrequency {
        period: facts.period.summary(),
        full_weeks: full.len(),
        median_posts_per_week: median(&mut counts),
        correlation: if pairs.len() >= MIN_WEEKS_FOR_CORRELATION {
            correlation(&pairs)
        } else {
            None
        },
        by_posts_per_week: bands(&full),
        weeks,
    }
}

fn bands(full: &[&WeekActivity]) -> Vec<FrequencyBand> {
    let mut groups: BTreeMap<usize, Vec<&WeekActivity>> = BTreeMap::new();
    for week in full {
        groups.entry(week.posts).or_default().push(week);
    }
    groups
        .into_iter()
        .map(|(posts_per_week, weeks)| {
            let mut per_post: Vec<f64> = weeks
                .iter()
                .filter_map(|week| week.engagement_per_post)
                .collect();
            let mut weekly: Vec<f64> = weeks
                .iter()
                .map(|week| week.engagement.unwrap_or(0) as f64)
                .collect();
            FrequencyBand {
                posts_per_week,
                weeks: weeks.len(),
                median_engagement_per_post: median(&mut per_post),
                median_weekly_engagement: median(&mut weekly),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono_tz::Tz;
    use tally_domain::Platform;

    use super::*;
    use crate::testing::{assert_close, period, post};

    #[test]
    fn weeks_pair_posting_with_engagement_per_post() {
        // Monday 2026-06-01 to Sunday 06-28 is four full weeks, plus Monday 06-29 and
        // Tuesday 06-30 as a partial fifth.
        let posts_per_week = [1, 2, 3, 4];
        let likes_per_post = [40, 30, 20, 10];
        let mut posts = Vec::new();
        for (week, (count, likes)) in posts_per_week.iter().zip(likes_per_post).enumerate() {
            for day in 0..*count {
                let at = format!("2026-06-{:02}T10:00:00Z", 1 + 7 * week + day);
                posts.push(
                    post(posts.len() as i64, Platform::Threads, &at)
                        .likes(likes)
                        .build(),
                );
            }
        }
        posts.push(
            post(99, Platform::Threads, "2026-06-30T10:00:00Z")
                .likes(1000)
                .build(),
        );

        let result = posting_frequency(
            &Dataset::new(posts, vec![]),
            &period("2026-06-01", "2026-06-30", Tz::UTC),
        );
        assert_eq!(result.weeks.len(), 5);
        assert!(!result.weeks[4].full_week);
        assert_eq!(result.full_weeks, 4);
        assert_eq!(result.weeks[2].posts, 3);
        assert_eq!(result.weeks[2].engagement, Some(60));
        assert_eq!(result.weeks[2].engagement_per_post, Some(20.0));
        assert_eq!(result.median_posts_per_week, Some(2.5));
        assert_close(result.correlation, Some(-1.0));
        let band = result.by_posts_per_week[3];
        assert_eq!((band.posts_per_week, band.weeks), (4, 1));
        assert_eq!(band.median_weekly_engagement, Some(40.0));
    }
}
