//! A [`PreparedPeriod`] must give the same results as the free functions, on realistic data:
//! two years of one sample user on four platforms, analyzed over a year, a month and a
//! week, with each rate denominator, with and without data for the previous period, and
//! for one platform alone.
//!
//! Analyses per platform are checked against the free functions run on each platform's
//! own copy of the data ([`Dataset::for_platform`]), which is how they were computed
//! before the prepared data could be narrowed to one platform.

#![expect(
    clippy::unwrap_used,
    reason = "a broken fixture should fail the test loudly"
)]

use std::sync::LazyLock;

use chrono::NaiveDate;
use chrono_tz::Tz;
use tally_analyzer::{
    Action, AnalysisPeriod, Dataset, PlatformMeasures, PreparedPeriod, RateBy, Recommendation,
    SeriesMetric, best_times, compare_platforms, content_type_performance, growth, overview,
    parse_timezone, platform_insights, posting_frequency, recommend, time_series,
};
use tally_domain::{DateRange, Platform, UserId};
use tally_sample::{SampleOptions, generate};

/// The last day of the sample's history.
fn end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

/// Every post and daily figure of two years, and the user's time zone.
static SAMPLE: LazyLock<(Dataset, Tz)> = LazyLock::new(|| {
    let user = generate(&SampleOptions::new(UserId(1), 730, end()));
    let (posts, daily) = user.facts();
    let timezone = parse_timezone(&user.user.timezone).unwrap();
    (Dataset::new(posts, daily), timezone)
});

/// A case: the data a store would load for a period and for the one before it.
struct Case {
    name: String,
    current: Dataset,
    previous: Dataset,
    period: AnalysisPeriod,
}

/// The period of `days` days ending on `last`, with the posts published in it and in the
/// previous period; both datasets hold every daily figure, as the benchmarks' do.
fn case(days: i64, last: NaiveDate, rate_by: RateBy, previous_data: bool) -> Case {
    let (sample, timezone) = &*SAMPLE;
    let range = DateRange::ending(last, days).unwrap();
    let period = AnalysisPeriod::new(range, *timezone).with_rate_by(rate_by);
    let posts_in = |period: &AnalysisPeriod| {
        let window = period.utc_window();
        let posts = sample
            .posts
            .iter()
            .filter(|post| window.contains(post.published_at));
        Dataset::new(posts.cloned().collect(), sample.daily.clone())
    };
    let previous = match period.previous() {
        Some(earlier) if previous_data => posts_in(&earlier),
        _ => Dataset::default(),
    };
    Case {
        name: format!("{days} days to {last} by {rate_by}, previous data: {previous_data}"),
        current: posts_in(&period),
        previous,
        period,
    }
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for rate_by in RateBy::ALL {
        for previous_data in [true, false] {
            cases.push(case(365, end(), *rate_by, previous_data));
            cases.push(case(
                31,
                end() - chrono::Days::new(30),
                *rate_by,
                previous_data,
            ));
            cases.push(case(7, end(), *rate_by, previous_data));
        }
    }
    cases
}

/// Every analysis of the prepared period equals its free function on the same data.
fn assert_prepared_matches_free_functions(case: &Case) {
    let Case {
        name,
        current,
        previous,
        period,
    } = case;
    let prepared = PreparedPeriod::new(current, previous, period);

    assert_eq!(prepared.period(), period, "{name}");
    assert_eq!(
        prepared.overview(),
        overview(current, previous, period),
        "{name}"
    );
    assert_eq!(prepared.best_times(), best_times(current, period), "{name}");
    assert_eq!(
        prepared.content_type_performance(),
        content_type_performance(current, period),
        "{name}"
    );
    assert_eq!(
        prepared.posting_frequency(),
        posting_frequency(current, period),
        "{name}"
    );
    assert_eq!(prepared.growth(), growth(current, period), "{name}");
    for metric in SeriesMetric::ALL {
        assert_eq!(
            prepared.time_series(*metric),
            time_series(current, period, *metric),
            "{name}, {metric}"
        );
    }
    assert_eq!(
        prepared.compare_platforms(),
        compare_platforms(current, previous, period),
        "{name}"
    );
    assert_eq!(prepared.recommend(), recommend(current, period), "{name}");
    assert_eq!(
        PreparedPeriod::without_previous(current, period).overview(),
        overview(current, &Dataset::default(), period),
        "{name}"
    );

    for platform in prepared.platforms() {
        assert_platform_matches_its_own_data(case, &prepared, platform);
    }
    assert_comparison_matches_platform_data(case, &prepared);
    assert_recommendations_match_platform_data(case, &prepared);
}

/// Narrowed to one platform, the prepared period answers as the free functions do on
/// that platform's own data.
fn assert_platform_matches_its_own_data(
    case: &Case,
    prepared: &PreparedPeriod<'_>,
    platform: Platform,
) {
    let name = format!("{}, {platform}", case.name);
    let (current, previous) = (
        case.current.for_platform(platform),
        case.previous.for_platform(platform),
    );
    let period = &case.period;
    let view = prepared.for_platform(platform);

    assert_eq!(view.platforms().into_iter().collect::<Vec<_>>(), [platform]);
    assert_eq!(
        view.overview(),
        overview(&current, &previous, period),
        "{name}"
    );
    assert_eq!(view.best_times(), best_times(&current, period), "{name}");
    assert_eq!(
        view.content_type_performance(),
        content_type_performance(&current, period),
        "{name}"
    );
    assert_eq!(
        view.posting_frequency(),
        posting_frequency(&current, period),
        "{name}"
    );
    assert_eq!(view.growth(), growth(&current, period), "{name}");
    for metric in SeriesMetric::ALL {
        assert_eq!(
            view.time_series(*metric),
            time_series(&current, period, *metric),
            "{name}, {metric}"
        );
    }
    assert_eq!(view.recommend(), recommend(&current, period), "{name}");

    let insights = prepared.platform_insights(platform);
    assert_eq!(
        insights.overview,
        overview(&current, &previous, period),
        "{name}"
    );
    assert_eq!(insights.best_times, best_times(&current, period), "{name}");
    assert_eq!(
        insights,
        platform_insights(&case.current, &case.previous, period, platform),
        "{name}"
    );
}

/// Each platform's measures equal those of a comparison of that platform's data alone.
fn assert_comparison_matches_platform_data(case: &Case, prepared: &PreparedPeriod<'_>) {
    let comparison = prepared.compare_platforms();
    let mut platforms = case.current.platforms();
    platforms.extend(case.previous.platforms());
    let expected: Vec<PlatformMeasures> = platforms
        .into_iter()
        .map(|platform| {
            let alone = compare_platforms(
                &case.current.for_platform(platform),
                &case.previous.for_platform(platform),
                &case.period,
            );
            assert_eq!(alone.platforms.len(), 1);
            alone.platforms[0]
        })
        .collect();
    assert_eq!(comparison.platforms, expected, "{}", case.name);
}

/// Advice about one platform equals the advice for its data alone, and the advice to
/// focus on a platform rests on the engagement rates by followers of the comparison.
fn assert_recommendations_match_platform_data(case: &Case, prepared: &PreparedPeriod<'_>) {
    let recommendations = prepared.recommend().recommendations;
    let (focus, per_platform): (Vec<&Recommendation>, Vec<&Recommendation>) = recommendations
        .iter()
        .partition(|found| matches!(found.action, Action::FocusOn { .. }));

    let mut expected: Vec<Recommendation> = case
        .current
        .platforms()
        .into_iter()
        .flat_map(|platform| {
            recommend(&case.current.for_platform(platform), &case.period).recommendations
        })
        .collect();
    expected.sort_by_key(|found| std::cmp::Reverse(found.confidence));
    let per_platform: Vec<Recommendation> = per_platform.into_iter().cloned().collect();
    assert_eq!(per_platform, expected, "{}", case.name);

    let by_followers = case.period.with_rate_by(RateBy::Followers);
    let rates = compare_platforms(&case.current, &Dataset::default(), &by_followers);
    for found in focus {
        let Action::FocusOn { platform } = found.action else {
            unreachable!("only focus advice is left");
        };
        let measures = rates.platforms.iter().find(|m| m.platform == platform);
        let rate = measures.and_then(|m| m.engagement_rate.current);
        assert_eq!(Some(found.evidence[0].value), rate, "{}", case.name);
    }
}

#[test]
fn prepared_periods_match_the_free_functions() {
    let cases = cases();
    for case in &cases {
        assert_prepared_matches_free_functions(case);
    }

    // The cases exercise what they claim to: a year of posts on four platforms, a week
    // with few posts, previous periods with and without posts, and advice to check.
    let year = &cases[0];
    assert!(
        year.current.posts.len() > 2000,
        "{}",
        year.current.posts.len()
    );
    assert_eq!(year.current.platforms().len(), 4);
    assert!(!year.previous.posts.is_empty());
    assert!(cases[1].current.posts.len() > 100);
    assert!(cases[2].current.posts.len() < 100);
    assert!(cases[3].previous.is_empty());
    let advice = PreparedPeriod::new(&year.current, &year.previous, &year.period).recommend();
    assert!(advice.recommendations.len() >= 4, "{advice:?}");
}

#[test]
fn data_of_one_platform_is_prepared_like_the_free_functions_prepare_it() {
    let all = case(91, end(), RateBy::Reach, true);
    let platform = *all.current.platforms().first().unwrap();
    let one = Case {
        name: format!("{} on {platform} only", all.name),
        current: all.current.for_platform(platform),
        previous: all.previous.for_platform(platform),
        period: all.period,
    };
    assert_prepared_matches_free_functions(&one);
    assert_eq!(one.current.platforms().len(), 1);
}

#[test]
fn a_platform_with_posts_only_in_the_previous_period_is_compared_and_narrowed() {
    let mut case = case(31, end(), RateBy::Impressions, true);
    let gone = *case.current.platforms().last().unwrap();
    case.current.posts.retain(|post| post.platform != gone);
    case.current.daily.retain(|metric| metric.platform != gone);
    case.name = format!("{} without {gone} now", case.name);
    assert_prepared_matches_free_functions(&case);

    let prepared = PreparedPeriod::new(&case.current, &case.previous, &case.period);
    let comparison = prepared.compare_platforms();
    let measures = comparison
        .platforms
        .iter()
        .find(|m| m.platform == gone)
        .unwrap();
    assert_eq!(measures.posts.current, Some(0));
    assert!(measures.posts.previous.unwrap() > 0);
    let view = prepared.for_platform(gone);
    assert!(view.platforms().is_empty());
    assert_eq!(view.overview().totals.posts.current, Some(0));
}

#[test]
fn narrowing_to_a_second_platform_leaves_nothing() {
    let case = case(7, end(), RateBy::Reach, true);
    let platforms: Vec<Platform> = case.current.platforms().into_iter().collect();
    let prepared = PreparedPeriod::new(&case.current, &case.previous, &case.period);
    let nothing = prepared
        .for_platform(platforms[0])
        .for_platform(platforms[1]);
    assert!(nothing.platforms().is_empty());
    assert!(nothing.compare_platforms().platforms.is_empty());
    assert_eq!(nothing.overview().totals.posts.current, Some(0));
    assert_eq!(nothing.overview().totals.posts.previous, Some(0));
}
