//! Best times to post: a weekday × hour grid in the user's time zone.
//!
//! Each post's UTC publish instant is converted to the period's IANA time zone with the
//! time-zone database, so a post keeps its wall-clock hour across daylight-saving changes
//! (a post at 09:00 local is in the 9 o'clock cell in winter and in summer). Every cell
//! holds the posts published in that local hour, scored by relative engagement (engagement
//! ÷ the median engagement of the post's platform in the period), which lets large and
//! small accounts share one grid. Cells report the median, because a single viral post
//! should not make an hour look best, and are ranked by a conservative lower bound of that
//! median, so that two lucky posts cannot either. Cells with fewer than
//! [`MIN_POSTS_FOR_CONFIDENCE`](crate::MIN_POSTS_FOR_CONFIDENCE) posts are marked
//! low-confidence and never chosen as a top slot.

use chrono::{Datelike, Timelike};
use serde::Serialize;

use crate::dataset::{Dataset, PeriodFacts};
use crate::period::{AnalysisPeriod, PeriodSummary};
use crate::relative::{GroupStats, MIN_POSTS_FOR_CONFIDENCE, ScoredPost, rank_groups, score_posts};
use crate::weekday::DayOfWeek;

/// How many top slots a result lists at most.
pub const TOP_SLOTS_LIMIT: usize = 3;

/// One hour of one weekday.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeSlot {
    /// The local weekday.
    pub weekday: DayOfWeek,
    /// The local hour, 0 to 23 (13 covers 13:00 to 13:59).
    pub hour: u32,
    /// How posts published then performed.
    #[serde(flatten)]
    pub stats: GroupStats,
}

/// All posts published on one weekday.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekdayStats {
    /// The local weekday.
    pub weekday: DayOfWeek,
    /// How posts published then performed.
    #[serde(flatten)]
    pub stats: GroupStats,
}

/// All posts published in one hour of the day, any weekday.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HourStats {
    /// The local hour, 0 to 23.
    pub hour: u32,
    /// How posts published then performed.
    #[serde(flatten)]
    pub stats: GroupStats,
}

/// When posts performed best.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BestTimes {
    /// The period analyzed; its time zone is the one weekdays and hours are read in.
    pub period: PeriodSummary,
    /// Posts with a score (known engagement on a platform with a non-zero median).
    pub posts_analyzed: usize,
    /// Cells with fewer posts than this are low-confidence.
    pub min_posts_for_confidence: usize,
    /// All 168 cells, Monday 0:00 first, then by hour and weekday.
    pub grid: Vec<TimeSlot>,
    /// The best confident cells, best first: by the lower bound of their median relative
    /// engagement, then by the median, then by posts. Empty when no cell is confident.
    pub top_slots: Vec<TimeSlot>,
    /// Monday to Sunday.
    pub by_weekday: Vec<WeekdayStats>,
    /// 0 to 23 o'clock.
    pub by_hour: Vec<HourStats>,
}

/// The weekday × hour grid of the period's posts in the period's time zone.
///
/// ```
/// use tally_analyzer::{best_times, AnalysisPeriod, Dataset, DayOfWeek};
/// use tally_domain::DateRange;
///
/// let range = DateRange::new("2026-05-01".parse().unwrap(), "2026-05-31".parse().unwrap()).unwrap();
/// let result = best_times(&Dataset::default(), &AnalysisPeriod::new(range, chrono_tz::Tz::UTC));
/// assert_eq!(result.grid.len(), 7 * 24);
/// assert_eq!(result.grid[25].weekday, DayOfWeek::Tuesday);
/// assert_eq!(result.grid[25].hour, 1);
/// assert!(result.top_slots.is_empty());
/// ```
pub fn best_times(current: &Dataset, period: &AnalysisPeriod) -> BestTimes {
    let facts = PeriodFacts::new(current, *period, None);
    best_times_of(&facts)
}

/// The grid of prepared facts, shared with platform insights and recommendations.
pub(crate) fn best_times_of(facts: &PeriodFacts<'_>) -> BestTimes {
    let scored = score_posts(facts);

    // Each post goes to its cell once; a group's statistics do not depend on the order of
    // its posts, so rows and columns can be gathered from the cells.
    let mut cells: Vec<Vec<&ScoredPost<'_, '_>>> = vec![Vec::new(); 7 * 24];
    for post in &scored {
        let weekday = DayOfWeek::from(post.facts.local.weekday());
        let cell = weekday.index() * 24 + post.facts.local.hour() as usize;
        if let Some(cell) = cells.get_mut(cell) {
            cell.push(post);
        }
    }
    let cells_of_weekday =
        |weekday: DayOfWeek| cells.iter().skip(weekday.index() * 24).take(24).flatten();
    let cells_of_hour = |hour: u32| cells.iter().skip(hour as usize).step_by(24).flatten();

    let mut grid = Vec::with_capacity(7 * 24);
    for weekday in DayOfWeek::ALL {
        for hour in 0..24 {
            let cell = cells.get(weekday.index() * 24 + hour as usize);
            grid.push(TimeSlot {
                weekday: *weekday,
                hour,
                stats: GroupStats::of(cell.into_iter().flatten().copied()),
            });
        }
    }

    let mut top_slots: Vec<TimeSlot> = grid
        .iter()
        .filter(|slot| !slot.stats.low_confidence)
        .filter(|slot| slot.stats.median_relative_engagement.is_some())
        .copied()
        .collect();
    top_slots.sort_by(|a, b| rank_groups(&a.stats, &b.stats));
    top_slots.truncate(TOP_SLOTS_LIMIT);

    BestTimes {
        period: facts.period.summary(),
        posts_analyzed: scored.len(),
        min_posts_for_confidence: MIN_POSTS_FOR_CONFIDENCE,
        grid,
        top_slots,
        by_weekday: DayOfWeek::ALL
            .iter()
            .map(|weekday| WeekdayStats {
                weekday: *weekday,
                stats: GroupStats::of(cells_of_weekday(*weekday).copied()),
            })
            .collect(),
        by_hour: (0..24)
            .map(|hour| HourStats {
                hour,
                stats: GroupStats::of(cells_of_hour(hour).copied()),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use chrono_tz::Tz;
    use tally_domain::Platform;

    use super::*;
    use crate::testing::{period, post};

    fn cell(result: &BestTimes, weekday: DayOfWeek, hour: u32) -> GroupStats {
        result.grid[weekday.index() * 24 + hour as usize].stats
    }

    #[test]
    fn the_new_york_spring_forward_skips_two_oclock() {
        let data = Dataset::new(
            vec![
                post(1, Platform::X, "2026-03-08T06:30:00Z")
                    .likes(10)
                    .build(), // 01:30 EST
                post(2, Platform::X, "2026-03-08T07:30:00Z")
                    .likes(10)
                    .build(), // 03:30 EDT
            ],
            vec![],
        );
        let result = best_times(
            &data,
            &period("2026-03-01", "2026-03-31", Tz::America__New_York),
        );
        assert_eq!(cell(&result, DayOfWeek::Sunday, 1).posts, 1);
        assert_eq!(cell(&result, DayOfWeek::Sunday, 2).posts, 0);
        assert_eq!(cell(&result, DayOfWeek::Sunday, 3).posts, 1);
    }

    #[test]
    fn the_berlin_fall_back_puts_both_half_past_twos_in_one_cell() {
        let data = Dataset::new(
            vec![
                post(1, Platform::X, "2026-10-25T00:30:00Z")
                    .likes(10)
                    .build(), // 02:30 CEST
                post(2, Platform::X, "2026-10-25T01:30:00Z")
                    .likes(10)
                    .build(), // 02:30 CET
                post(3, Platform::X, "2026-10-25T02:30:00Z")
                    .likes(10)
                    .build(), // 03:30 CET
            ],
            vec![],
        );
        let result = best_times(
            &data,
            &period("2026-10-01", "2026-10-31", Tz::Europe__Berlin),
        );
        assert_eq!(cell(&result, DayOfWeek::Sunday, 2).posts, 2);
        assert_eq!(cell(&result, DayOfWeek::Sunday, 3).posts, 1);
        assert_eq!(result.by_weekday[DayOfWeek::Sunday.index()].stats.posts, 3);
        assert_eq!(result.by_hour[2].stats.posts, 2);
    }

    #[test]
    fn platforms_are_normalized_and_thin_cells_never_win() {
        // Mastodon's median engagement is 10 and Instagram's 1000.
        let plan = [
            (Platform::Mastodon, "2026-06-01T09", 20), // Monday 9:00, twice the median
            (Platform::Mastodon, "2026-06-08T09", 20),
            (Platform::Mastodon, "2026-06-02T09", 10), // Tuesday 9:00, typical
            (Platform::Mastodon, "2026-06-03T09", 100), // Wednesday 9:00, ten times
            (Platform::Mastodon, "2026-06-05T15", 10), // Friday 15:00, typical
            (Platform::Mastodon, "2026-06-12T15", 10),
            (Platform::Mastodon, "2026-06-19T15", 10),
            (Platform::Instagram, "2026-06-15T09", 2000),
            (Platform::Instagram, "2026-06-09T09", 1000),
            (Platform::Instagram, "2026-06-16T09", 1000),
            (Platform::Instagram, "2026-06-10T09", 10000),
            (Platform::Instagram, "2026-06-26T15", 1000),
        ];
        let posts = plan
            .iter()
            .enumerate()
            .map(|(id, (platform, hour, likes))| {
                post(id as i64, *platform, &format!("{hour}:00:00Z"))
                    .likes(*likes)
                    .build()
            })
            .collect();

        let result = best_times(
            &Dataset::new(posts, vec![]),
            &period("2026-06-01", "2026-06-30", Tz::UTC),
        );
        assert_eq!(result.posts_analyzed, 12);
        let monday = cell(&result, DayOfWeek::Monday, 9);
        assert_eq!(monday.posts, 3);
        assert_eq!(monday.median_relative_engagement, Some(2.0));
        assert_eq!(monday.median_engagement, Some(20.0));
        assert!(!monday.low_confidence);
        let wednesday = cell(&result, DayOfWeek::Wednesday, 9);
        assert!(wednesday.low_confidence);
        assert_eq!(wednesday.median_relative_engagement, Some(10.0));

        // Equal scores go to the cell with more posts.
        let top: Vec<(DayOfWeek, u32)> = result
            .top_slots
            .iter()
            .map(|s| (s.weekday, s.hour))
            .collect();
        assert_eq!(
            top,
            [
                (DayOfWeek::Monday, 9),
                (DayOfWeek::Friday, 15),
                (DayOfWeek::Tuesday, 9)
            ]
        );
    }

    #[test]
    fn no_posts_give_an_empty_grid() {
        let result = best_times(
            &Dataset::default(),
            &period("2026-06-01", "2026-06-30", Tz::UTC),
        );
        assert_eq!(result.posts_analyzed, 0);
        assert!(
            result
                .grid
                .iter()
                .all(|slot| slot.stats.posts == 0 && slot.stats.low_confidence)
        );
        assert_eq!(result.by_hour.len(), 24);
        assert!(result.top_slots.is_empty());
    }
}
