//! Every analysis must give a well-formed result without data, and with a single post.

#![expect(
    clippy::unwrap_used,
    reason = "a broken fixture should fail the test loudly"
)]

use std::collections::BTreeMap;

use chrono_tz::Tz;
use serde_json::Value;
use tally_analyzer::*;
use tally_domain::{
    AccountId, ContentType, DateRange, EngagementKind, PerformanceMetric, Platform, PostId,
    PostSummary,
};

fn period() -> AnalysisPeriod {
    let range =
        DateRange::new("2026-03-01".parse().unwrap(), "2026-03-31".parse().unwrap()).unwrap();
    AnalysisPeriod::new(range, Tz::America__New_York).with_granularity(Granularity::Week)
}

fn one_post() -> PostSummary {
    PostSummary {
        id: PostId(1),
        account_id: AccountId(1),
        platform: Platform::Instagram,
        external_id: "p1".into(),
        content_type: ContentType::Reel,
        // 03:30 on the morning New York springs forward: 02:00 to 02:59 does not exist.
        published_at: "2026-03-08T07:30:00Z".parse().unwrap(),
        url: None,
        title: Some("Spring".into()),
        engagement: BTreeMap::from([(EngagementKind::Like, 30), (EngagementKind::View, 900)]),
        performance: BTreeMap::from([(PerformanceMetric::Reach, 600)]),
    }
}

/// Every analysis of `data`, as the JSON the HTTP layer would send.
fn everything(data: &Dataset) -> Vec<Value> {
    let period = period();
    let post = one_post();
    let mut results = vec![
        serde_json::to_value(overview(data, &Dataset::default(), &period)).unwrap(),
        serde_json::to_value(platform_insights(
            data,
            &Dataset::default(),
            &period,
            Platform::Instagram,
        ))
        .unwrap(),
        serde_json::to_value(analyze_post(&post, &[], data, &period)).unwrap(),
        serde_json::to_value(compare_platforms(data, &Dataset::default(), &period)).unwrap(),
        serde_json::to_value(best_times(data, &period)).unwrap(),
        serde_json::to_value(content_type_performance(data, &period)).unwrap(),
        serde_json::to_value(posting_frequency(data, &period)).unwrap(),
        serde_json::to_value(growth(data, &period)).unwrap(),
        serde_json::to_value(recommend(data, &period)).unwrap(),
    ];
    for metric in SeriesMetric::ALL {
        results.push(serde_json::to_value(time_series(data, &period, *metric)).unwrap());
    }
    results
}

#[test]
fn no_data_at_all_gives_empty_well_formed_results() {
    let data = Dataset::default();
    for result in everything(&data) {
        assert!(result.is_object(), "{result}");
    }

    let period = period();
    let summary = overview(&data, &Dataset::default(), &period);
    assert_eq!(summary.totals.engagement.current, None);
    assert_eq!(summary.follower_growth.percent.current, None);
    assert!(recommend(&data, &period).recommendations.is_empty());

    // March 2026 in weeks: Sun 1st, then four full weeks, then Mon 30th to Tue 31st.
    let posts = time_series(&data, &period, SeriesMetric::Posts);
    let values: Vec<Option<f64>> = posts.points.iter().map(|point| point.value).collect();
    assert_eq!(values, [Some(0.0); 6]);
    let likes = time_series(&data, &period, SeriesMetric::Likes);
    assert!(likes.points.iter().all(|point| point.value.is_none()));
}

#[test]
fn a_single_post_is_analyzed_everywhere() {
    let data = Dataset::new(vec![one_post()], vec![]);
    let period = period();
    for result in everything(&data) {
        assert!(result.is_object(), "{result}");
    }

    let summary = overview(&data, &Dataset::default(), &period);
    assert_eq!(summary.totals.engagement.current, Some(30));
    assert_eq!(summary.totals.views.current, Some(900));
    assert_eq!(summary.engagement_rate.current, Some(5.0));

    let grid = best_times(&data, &period);
    let cell = grid.grid.iter().find(|slot| slot.stats.posts == 1).unwrap();
    assert_eq!((cell.weekday, cell.hour), (DayOfWeek::Sunday, 3));
    assert!(cell.stats.low_confidence);
    assert!(grid.top_slots.is_empty());

    let types = content_type_performance(&data, &period);
    assert_eq!(types.content_types[0].share_of_posts_percent, Some(100.0));
    assert_eq!(types.best_content_type, None);

    let json = serde_json::to_value(analyze_post(&one_post(), &[], &data, &period)).unwrap();
    assert_eq!(json["ranking"]["compared_with"], 0);
    assert!(json["ranking"]["percentile"].is_null());
    assert_eq!(json["post"]["engagement_rate"], 5.0);
    assert_eq!(json["post"]["published_local"], "2026-03-08T03:30:00");
}
