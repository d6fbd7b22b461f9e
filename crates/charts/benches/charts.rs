//! Benchmarks of chart formatting: building each Chart.js configuration from analyzer
//! results over one sample user's full year on four platforms, and serializing it to JSON
//! as the HTTP layer does.
//!
//! Run with `cargo bench -p tally-charts`.

#![expect(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use std::hint::black_box;
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use tally_analyzer::{
    AnalysisPeriod, Dataset, SeriesMetric, TimeSeries, best_times, compare_platforms,
    content_type_performance, growth, overview, parse_timezone, time_series,
};
use tally_charts::{ChartConfig, ComparisonMeasure};
use tally_domain::{DateRange, Platform, UserId};
use tally_sample::{SampleOptions, generate};

/// Days in the charted period: a full year.
const DAYS: i64 = 365;

/// One sample user's year (and the year before, for comparisons) with its period.
fn year_of_data() -> Option<(Dataset, Dataset, AnalysisPeriod)> {
    let end = NaiveDate::from_ymd_opt(2026, 11, 30)?;
    let user = generate(&SampleOptions::new(UserId(1), (DAYS * 2) as u32, end));
    let (posts, daily) = user.facts();
    let range = DateRange::ending(end, DAYS).ok()?;
    let period = AnalysisPeriod::new(range, parse_timezone(&user.user.timezone).ok()?);
    let window = period.utc_window();
    let (current, previous): (Vec<_>, Vec<_>) = posts
        .into_iter()
        .partition(|post| post.published_at >= window.from);
    Some((
        Dataset::new(current, daily.clone()),
        Dataset::new(previous, daily),
        period,
    ))
}

fn to_json(chart: &ChartConfig) -> usize {
    serde_json::to_vec(chart).map_or(0, |bytes| bytes.len())
}

fn charts(c: &mut Criterion) {
    let Some((current, previous, period)) = year_of_data() else {
        return;
    };
    let summary = overview(&current, &previous, &period);
    let comparison = compare_platforms(&current, &previous, &period);
    let times = best_times(&current, &period);
    let types = content_type_performance(&current, &period);
    let followers = growth(&current, &period);
    let total = time_series(&current, &period, SeriesMetric::Engagement);
    let per_platform: Vec<(Platform, TimeSeries)> = current
        .platforms()
        .into_iter()
        .map(|platform| {
            let own = current.for_platform(platform);
            (
                platform,
                time_series(&own, &period, SeriesMetric::Engagement),
            )
        })
        .collect();

    let mut group = c.benchmark_group("charts_one_year");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));

    group.bench_function("time_series_daily", |b| {
        b.iter(|| {
            to_json(&tally_charts::time_series(
                black_box(&per_platform),
                Some(&total),
            ))
        });
    });
    group.bench_function("platform_comparison", |b| {
        b.iter(|| {
            to_json(&tally_charts::platform_comparison(
                black_box(&comparison),
                ComparisonMeasure::EngagementRate,
            ))
        });
    });
    group.bench_function("engagement_breakdown", |b| {
        b.iter(|| {
            to_json(&tally_charts::engagement_breakdown(black_box(
                &summary.totals,
            )))
        });
    });
    group.bench_function("content_performance", |b| {
        b.iter(|| {
            to_json(&tally_charts::content_performance(black_box(
                &summary.top_posts,
            )))
        });
    });
    group.bench_function("best_times", |b| {
        b.iter(|| to_json(&tally_charts::best_times(black_box(&times))));
    });
    group.bench_function("content_type", |b| {
        b.iter(|| to_json(&tally_charts::content_type(black_box(&types))));
    });
    group.bench_function("growth", |b| {
        b.iter(|| to_json(&tally_charts::growth(black_box(&followers))));
    });
    group.finish();
}

criterion_group!(benches, charts);
criterion_main!(benches);
