//! The rules behind [`recommend`](crate::recommend), one function per kind of advice.

use tally_domain::Platform;

use crate::best_times::best_times_of;
use crate::content_types::{ContentTypeStats, content_type_performance_of};
use crate::dataset::PeriodFacts;
use crate::frequency::{FrequencyBand, posting_frequency_of};
use crate::recommend::{
    Action, Confidence, Evidence, MIN_LIFT, MIN_POSTS_FOR_RECOMMENDATIONS, Recommendation,
};
use crate::relative::platform_medians;

/// When to post: the best confident weekday × hour of the platform.
pub(crate) fn timing_advice(platform: Platform, facts: &PeriodFacts<'_>) -> Option<Recommendation> {
    let times = best_times_of(facts);
    let slot = times.top_slots.first()?;
    let lift = slot.stats.median_relative_engagement?;
    let typical = platform_medians(facts).get(&platform).copied()?;
    let median = slot.stats.median_engagement?;
    if lift < MIN_LIFT {
        return None;
    }

    let posts = slot.stats.posts;
    let summary = format!(
        "Post on {} on {}s between {:02}:00 and {:02}:59 ({}): posts published then got a median \
         of {median:.0} engagements, {lift:.1} times the typical post ({posts} posts).",
        platform.display_name(),
        slot.weekday.label(),
        slot.hour,
        slot.hour,
        times.period.timezone,
    );
    Some(Recommendation {
        action: Action::PostAt {
            platform,
            weekday: slot.weekday,
            hour: slot.hour,
        },
        summary,
        evidence: vec![
            evidence("median_relative_engagement", lift, 1.0, posts),
            evidence("median_engagement", median, typical, posts),
        ],
        confidence: Confidence::from_sample(posts),
        period: facts.period.summary(),
    })
}

/// What to post: more of the best confident content type, less of the worst.
pub(crate) fn content_type_advice(
    platform: Platform,
    facts: &PeriodFacts<'_>,
) -> Vec<Recommendation> {
    let performance = content_type_performance_of(facts);
    let confident: Vec<(&ContentTypeStats, f64)> = performance
        .content_types
        .iter()
        .filter(|stats| !stats.low_confidence)
        .filter_map(|stats| Some((stats, stats.median_relative_engagement?)))
        .collect();
    let (Some(best), Some(worst)) = (confident.first(), confident.last()) else {
        return Vec::new();
    };
    if confident.len() < 2 {
        return Vec::new();
    }

    let mut advice = Vec::new();
    if best.1 >= MIN_LIFT {
        let action = Action::PostMoreOf {
            platform,
            content_type: best.0.content_type,
        };
        advice.push(content_type_recommendation(platform, action, *best, facts));
    }
    if worst.1 * MIN_LIFT <= 1.0 {
        let action = Action::PostLessOf {
            platform,
            content_type: worst.0.content_type,
        };
        advice.push(content_type_recommendation(platform, action, *worst, facts));
    }
    advice
}

fn content_type_recommendation(
    platform: Platform,
    action: Action,
    (stats, lift): (&ContentTypeStats, f64),
    facts: &PeriodFacts<'_>,
) -> Recommendation {
    let verb = if matches!(action, Action::PostMoreOf { .. }) {
        "more"
    } else {
        "fewer"
    };
    let summary = format!(
        "Post {verb} {} posts on {}: their median engagement was {lift:.1} times the typical \
         post's ({} posts).",
        stats.content_type,
        platform.display_name(),
        stats.posts,
    );
    let mut found = vec![evidence(
        "median_relative_engagement",
        lift,
        1.0,
        stats.posts,
    )];
    let typical = platform_medians(facts).get(&platform).copied();
    if let (Some(median), Some(typical)) = (stats.median_engagement, typical) {
        found.push(evidence("median_engagement", median, typical, stats.posts));
    }
    Recommendation {
        action,
        summary,
        evidence: found,
        confidence: Confidence::from_sample(stats.posts),
        period: facts.period.summary(),
    }
}

/// Where to post: the platform with a clearly higher engagement rate by followers.
///
/// `facts` must hold every platform and be rated by followers.
pub(crate) fn focus_advice(facts: &PeriodFacts<'_>) -> Option<Recommendation> {
    let (_, pools) = facts.rate_pools();
    let mut rated: Vec<(Platform, f64, usize)> = pools
        .iter()
        .filter(|(_, pool)| pool.posts >= MIN_POSTS_FOR_RECOMMENDATIONS)
        .filter_map(|(platform, pool)| Some((*platform, pool.percent()?, pool.posts)))
        .collect();
    rated.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (&(best, rate, posts), &(runner_up, runner_rate, runner_posts)) =
        (rated.first()?, rated.get(1)?);
    if rate <= 0.0 || rate < runner_rate * MIN_LIFT {
        return None;
    }

    let summary = format!(
        "Focus on {}: its posts earned engagement equal to {rate:.2} % of followers, against \
         {runner_rate:.2} % on {}, the next best ({posts} and {runner_posts} posts).",
        best.display_name(),
        runner_up.display_name(),
    );
    Some(Recommendation {
        action: Action::FocusOn { platform: best },
        summary,
        evidence: vec![evidence(
            "engagement_rate_by_followers",
            rate,
            runner_rate,
            posts,
        )],
        confidence: Confidence::from_sample(posts.min(runner_posts)),
        period: facts.period.summary(),
    })
}

/// Weeks a posting rate must have been kept before its weekly engagement is compared:
/// a median of two weeks is one viral post away from any value.
const MIN_WEEKS_PER_RATE: usize = 3;

/// How often to post: the weekly number of posts whose weeks engaged most.
pub(crate) fn frequency_advice(
    platform: Platform,
    facts: &PeriodFacts<'_>,
) -> Option<Recommendation> {
    let frequency = posting_frequency_of(facts);
    let usual = frequency.median_posts_per_week?;
    let bands: Vec<(&FrequencyBand, f64)> = frequency
        .by_posts_per_week
        .iter()
        .filter(|band| band.weeks >= MIN_WEEKS_PER_RATE && band.posts_per_week >= 1)
        .filter_map(|band| Some((band, band.median_weekly_engagement?)))
        .collect();

    // Both searches keep the first of equals, which has fewer posts per week.
    let best = bands
        .iter()
        .copied()
        .reduce(|kept, next| if next.1 > kept.1 { next } else { kept })?;
    let distance = |band: &FrequencyBand| (band.posts_per_week as f64 - usual).abs();
    let typical = bands.iter().copied().reduce(|kept, next| {
        if distance(next.0) < distance(kept.0) {
            next
        } else {
            kept
        }
    })?;
    if best.0.posts_per_week == typical.0.posts_per_week || best.1 < typical.1 * MIN_LIFT {
        return None;
    }

    let (target, current) = (best.0.posts_per_week, typical.0.posts_per_week);
    let summary = format!(
        "Publish about {target} posts a week on {}: weeks with {target} posts got a median of \
         {:.0} engagements, against {:.0} in weeks with {current}, the count nearest your usual \
         {usual:.1} a week ({} and {} weeks).",
        platform.display_name(),
        best.1,
        typical.1,
        best.0.weeks,
        typical.0.weeks,
    );
    Some(Recommendation {
        action: Action::PostPerWeek {
            platform,
            posts_per_week: target,
            current_posts_per_week: usual,
        },
        summary,
        evidence: vec![evidence(
            "median_weekly_engagement",
            best.1,
            typical.1,
            best.0.weeks,
        )],
        // Weeks, not posts, are the independent observations behind a weekly median.
        confidence: Confidence::from_weeks(best.0.weeks.min(typical.0.weeks)),
        period: facts.period.summary(),
    })
}

fn evidence(measure: &'static str, value: f64, baseline: f64, sample_size: usize) -> Evidence {
    Evidence {
        measure,
        value,
        baseline,
        sample_size,
    }
}
