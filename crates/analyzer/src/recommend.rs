//! Recommendations: concrete actions backed by the period's numbers.
//!
//! Each rule needs enough data and a clear difference before it speaks; otherwise it says
//! nothing. A platform needs [`MIN_POSTS_FOR_RECOMMENDATIONS`] posts with engagement, and
//! the recommended option must beat its baseline by [`MIN_LIFT`] (20 %):
//!
//! - **when to post**: the platform's best confident weekday × hour cell, if its median
//!   relative engagement is at least `MIN_LIFT` times the typical post's (1.0);
//! - **content type**: post more of the best confident type and less of the worst, if they
//!   are at least `MIN_LIFT` above or below the typical post;
//! - **platform focus**: the platform with the highest engagement rate *by followers* (the
//!   one denominator every platform has, so platforms compare fairly), if it is at least
//!   `MIN_LIFT` times the runner-up's;
//! - **posting frequency**: among full weeks, grouped by their number of posts (groups of
//!   two weeks or more), the number of posts whose weeks had the highest median weekly
//!   engagement, if that is at least `MIN_LIFT` times the median of the weeks at the
//!   user's usual frequency.
//!
//! Confidence comes from the smallest sample behind the evidence: posts for per-post
//! comparisons ([`Confidence::from_sample`]), weeks for weekly ones ([`Confidence::from_weeks`]).

use std::cmp::Reverse;
use std::collections::BTreeSet;

use serde::Serialize;
use tally_domain::{ContentType, Platform};

use crate::dataset::{Dataset, PeriodFacts};
use crate::names::named_enum;
use crate::period::{AnalysisPeriod, PeriodSummary};
use crate::prepared::PreparedPeriod;
use crate::rate::RateBy;
use crate::recommend_rules::{content_type_advice, focus_advice, frequency_advice, timing_advice};
use crate::weekday::DayOfWeek;

/// Posts with known engagement a platform needs before it gets recommendations.
pub const MIN_POSTS_FOR_RECOMMENDATIONS: usize = 10;

/// How much better than its baseline an option must be to be recommended (1.2 = +20 %).
pub const MIN_LIFT: f64 = 1.2;

named_enum!(
    /// How much a recommendation can be trusted, from the size of its samples.
    Confidence, "confidence" {
        /// Little evidence: fewer than 8 posts, or fewer than 4 weeks.
        Low => "low",
        /// Some evidence: 8 to 19 posts, or 4 to 7 weeks.
        Medium => "medium",
        /// Ample evidence: 20 posts or more, or 8 weeks or more.
        High => "high",
    }
);

impl Confidence {
    /// The confidence that comparing `samples` posts gives.
    pub fn from_sample(samples: usize) -> Self {
        match samples {
            0..8 => Confidence::Low,
            8..20 => Confidence::Medium,
            _ => Confidence::High,
        }
    }

    /// The confidence that comparing weekly figures over this many weeks supports:
    /// under 4 weeks is low, 4 to 7 medium, 8 or more high.
    pub fn from_weeks(weeks: usize) -> Self {
        match weeks {
            0..4 => Confidence::Low,
            4..8 => Confidence::Medium,
            _ => Confidence::High,
        }
    }
}

/// What to do.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Publish on this platform at this local weekday and hour.
    PostAt {
        /// The platform.
        platform: Platform,
        /// The local weekday.
        weekday: DayOfWeek,
        /// The local hour, 0 to 23.
        hour: u32,
    },
    /// Publish more of this content type on this platform.
    PostMoreOf {
        /// The platform.
        platform: Platform,
        /// The content type.
        content_type: ContentType,
    },
    /// Publish less of this content type on this platform.
    PostLessOf {
        /// The platform.
        platform: Platform,
        /// The content type.
        content_type: ContentType,
    },
    /// Put more effort into this platform.
    FocusOn {
        /// The platform.
        platform: Platform,
    },
    /// Publish this many posts per week on this platform.
    PostPerWeek {
        /// The platform.
        platform: Platform,
        /// Posts per week to aim for.
        posts_per_week: usize,
        /// The user's median posts per full week in the period.
        current_posts_per_week: f64,
    },
}

/// One number behind a recommendation, next to what it was compared with.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    /// What was measured, such as `median_relative_engagement`.
    pub measure: &'static str,
    /// The value for the recommended option.
    pub value: f64,
    /// The value it was compared with.
    pub baseline: f64,
    /// How many posts the value rests on.
    pub sample_size: usize,
}

/// A concrete action with its evidence.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendation {
    /// What to do.
    pub action: Action,
    /// The action and its main evidence in one English sentence.
    pub summary: String,
    /// The numbers behind it.
    pub evidence: Vec<Evidence>,
    /// How far the numbers can be trusted.
    pub confidence: Confidence,
    /// The period the numbers come from.
    pub period: PeriodSummary,
}

/// Recommendations for a period.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendations {
    /// The period analyzed.
    pub period: PeriodSummary,
    /// Most confident first; empty when the data is too thin for any.
    pub recommendations: Vec<Recommendation>,
}

/// Recommendations from the period's data; none when the data is too thin.
///
/// ```
/// use tally_analyzer::{recommend, AnalysisPeriod, Dataset};
/// use tally_domain::DateRange;
///
/// let range = DateRange::new("2026-05-01".parse().unwrap(), "2026-05-31".parse().unwrap()).unwrap();
/// let result = recommend(&Dataset::default(), &AnalysisPeriod::new(range, chrono_tz::Tz::UTC));
/// assert!(result.recommendations.is_empty());
/// ```
pub fn recommend(current: &Dataset, period: &AnalysisPeriod) -> Recommendations {
    PreparedPeriod::without_previous(current, period).recommend()
}

/// Recommendations from prepared facts of every platform, for each of `platforms`.
///
/// `now` must be prepared without earlier rate choices. Each platform is judged on its
/// part of the facts, exactly as if the data had held only that platform.
pub(crate) fn recommend_of(
    now: &PeriodFacts<'_>,
    platforms: BTreeSet<Platform>,
) -> Recommendations {
    let mut found = Vec::new();

    let rated_by_followers;
    let by_followers = if now.period.rate_by == RateBy::Followers {
        now
    } else {
        rated_by_followers = now.rated_by(RateBy::Followers);
        &rated_by_followers
    };
    found.extend(focus_advice(by_followers));

    for platform in platforms {
        let facts = now.for_platform(platform);
        let engaged = facts
            .posts
            .iter()
            .filter(|post| post.engagement.is_some())
            .count();
        if engaged < MIN_POSTS_FOR_RECOMMENDATIONS {
            continue;
        }
        found.extend(timing_advice(platform, &facts));
        found.extend(content_type_advice(platform, &facts));
        found.extend(frequency_advice(platform, &facts));
    }

    found.sort_by_key(|found| Reverse(found.confidence));
    Recommendations {
        period: now.period.summary(),
        recommendations: found,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Days, NaiveDate};
    use chrono_tz::Tz;
    use tally_domain::PostSummary;

    use super::*;
    use crate::testing::{followers, period, post};

    /// Eight weeks from Monday 2026-06-01 to Sunday 2026-07-26.
    fn eight_weeks() -> AnalysisPeriod {
        period("2026-06-01", "2026-07-26", Tz::UTC)
    }

    fn at(week: u64, weekday: u64, hour: u32) -> String {
        let monday: NaiveDate = "2026-06-01".parse().unwrap();
        let day = monday
            .checked_add_days(Days::new(week * 7 + weekday))
            .unwrap();
        format!("{day}T{hour:02}:00:00Z")
    }

    /// Instagram: a strong Tuesday 18:00 reel every week, images on Thursday and Saturday
    /// mornings, and a weak Friday text post every other week. Median engagement: 100.
    fn instagram(posts: &mut Vec<PostSummary>) {
        for week in 0..8 {
            let mut add = |weekday, hour, content, likes| {
                let id = posts.len() as i64;
                let built = post(id, Platform::Instagram, &at(week, weekday, hour));
                posts.push(
                    built
                        .content(content)
                        .likes(likes)
                        .reach(likes * 10)
                        .build(),
                );
            };
            add(1, 18, ContentType::Reel, 300);
            add(3, 10, ContentType::Image, 100);
            add(5, 10, ContentType::Image, 100);
            if week % 2 == 0 {
                add(4, 12, ContentType::Text, 50);
            }
        }
    }

    /// Threads: one post a week for four weeks, then three a week, all equally engaging.
    fn threads(posts: &mut Vec<PostSummary>) {
        for week in 0..8 {
            let weekdays: &[u64] = if week < 4 { &[0] } else { &[0, 2, 4] };
            for weekday in weekdays {
                let id = posts.len() as i64;
                posts.push(
                    post(id, Platform::Threads, &at(week, *weekday, 9))
                        .likes(10)
                        .build(),
                );
            }
        }
    }

    #[test]
    fn clear_signals_become_recommendations_with_evidence() {
        let mut posts = Vec::new();
        instagram(&mut posts);
        threads(&mut posts);
        let daily = vec![
            followers(Platform::Instagram, "2026-05-31", 10_000),
            followers(Platform::Threads, "2026-05-31", 1_000),
        ];
        let result = recommend(&Dataset::new(posts, daily), &eight_weeks());
        let actions: Vec<(Action, Confidence)> = result
            .recommendations
            .iter()
            .map(|r| (r.action, r.confidence))
            .collect();
        assert_eq!(
            actions,
            [
                (
                    Action::FocusOn {
                        platform: Platform::Instagram
                    },
                    Confidence::Medium
                ),
                (
                    Action::PostAt {
                        platform: Platform::Instagram,
                        weekday: DayOfWeek::Tuesday,
                        hour: 18
                    },
                    Confidence::Medium
                ),
                (
                    Action::PostMoreOf {
                        platform: Platform::Instagram,
                        content_type: ContentType::Reel
                    },
                    Confidence::Medium
                ),
                (
                    Action::PostPerWeek {
                        platform: Platform::Threads,
                        posts_per_week: 3,
                        current_posts_per_week: 2.0
                    },
                    // Four weeks at each rate.
                    Confidence::Medium
                ),
                (
                    Action::PostLessOf {
                        platform: Platform::Instagram,
                        content_type: ContentType::Text
                    },
                    Confidence::Low
                ),
            ]
        );

        // Instagram: 4200 engagements on 28 × 10,000 followers; Threads: 160 on 16 × 1,000.
        let focus = &result.recommendations[0];
        assert!((focus.evidence[0].value - 1.5).abs() < 1e-9);
        assert!((focus.evidence[0].baseline - 1.0).abs() < 1e-9);
        assert_eq!(focus.evidence[0].sample_size, 28);

        let timing = &result.recommendations[1];
        assert_eq!(timing.evidence[0].value, 3.0);
        assert_eq!(timing.evidence[1].value, 300.0);
        assert_eq!(timing.evidence[1].baseline, 100.0);
        assert_eq!(timing.evidence[1].sample_size, 8);
        assert!(
            timing
                .summary
                .contains("Tuesdays between 18:00 and 18:59 (UTC)"),
            "{}",
            timing.summary
        );
        assert_eq!(timing.period.start.to_string(), "2026-06-01");

        let frequency = &result.recommendations[3];
        assert_eq!(frequency.evidence[0].value, 30.0);
        assert_eq!(frequency.evidence[0].baseline, 10.0);
        assert_eq!(
            frequency.evidence[0].sample_size, 4,
            "weeks at the recommended rate"
        );
    }

    #[test]
    fn thin_data_gives_no_recommendations() {
        let posts = (0..9)
            .map(|day| {
                let at = format!("2026-06-{:02}T18:00:00Z", day + 1);
                post(day, Platform::Instagram, &at)
                    .likes(10 + day as u64 * 100)
                    .build()
            })
            .collect();
        let result = recommend(&Dataset::new(posts, vec![]), &eight_weeks());
        assert!(result.recommendations.is_empty());
    }

    #[test]
    fn confidence_grows_with_the_sample() {
        assert_eq!(Confidence::from_sample(3), Confidence::Low);
        assert_eq!(Confidence::from_weeks(3), Confidence::Low);
        assert_eq!(Confidence::from_weeks(4), Confidence::Medium);
        assert_eq!(Confidence::from_weeks(12), Confidence::High);
        assert_eq!(Confidence::from_sample(8), Confidence::Medium);
        assert_eq!(Confidence::from_sample(20), Confidence::High);
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn the_action_schema_names_each_kind_as_serde_writes_it() {
        use utoipa::PartialSchema;

        let schema = serde_json::to_value(Action::schema()).unwrap();
        let documented: Vec<&str> = schema["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|branch| branch["properties"]["kind"]["enum"][0].as_str().unwrap())
            .collect();
        let (platform, content_type) = (Platform::X, ContentType::Reel);
        let actions = [
            Action::PostAt {
                platform,
                weekday: DayOfWeek::Monday,
                hour: 9,
            },
            Action::PostMoreOf {
                platform,
                content_type,
            },
            Action::PostLessOf {
                platform,
                content_type,
            },
            Action::FocusOn { platform },
            Action::PostPerWeek {
                platform,
                posts_per_week: 3,
                current_posts_per_week: 1.5,
            },
        ];
        let written: Vec<String> = actions
            .iter()
            .map(|action| serde_json::to_value(action).unwrap()["kind"].to_string())
            .map(|kind| kind.trim_matches('"').to_owned())
            .collect();
        assert_eq!(documented, written);
    }
}
