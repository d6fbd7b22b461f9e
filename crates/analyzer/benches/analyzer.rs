//! Benchmarks of the analyses a dashboard runs, over one sample user with a full year of
//! history on four platforms (about 2,900 posts) and the year before it for comparisons.
//!
//! Run with `cargo bench -p tally-analyzer`.

#![expect(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use std::hint::black_box;
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use tally_analyzer::{
    AnalysisPeriod, Dataset, PreparedPeriod, SeriesMetric, best_times, compare_platforms,
    content_type_performance, growth, overview, parse_timezone, posting_frequency, recommend,
    time_series,
};
use tally_domain::{DateRange, UserId};
use tally_sample::{SampleOptions, generate};

/// Days in the analyzed period: a full year.
const DAYS: i64 = 365;

/// The current and previous year of one sample user, and the current year as the period.
fn year_of_data() -> Option<(Dataset, Dataset, AnalysisPeriod)> {
    let end = NaiveDate::from_ymd_opt(2026, 11, 30)?;
    let options = SampleOptions::new(UserId(1), (DAYS * 2) as u32, end);
    let user = generate(&options);
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

fn analyses(c: &mut Criterion) {
    let Some((current, previous, period)) = year_of_data() else {
        return;
    };
    let mut group = c.benchmark_group("analyzer_one_year");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));

    group.bench_function("overview", |b| {
        b.iter(|| overview(black_box(&current), black_box(&previous), &period));
    });
    group.bench_function("compare_platforms", |b| {
        b.iter(|| compare_platforms(black_box(&current), black_box(&previous), &period));
    });
    group.bench_function("best_times", |b| {
        b.iter(|| best_times(black_box(&current), &period));
    });
    group.bench_function("content_type_performance", |b| {
        b.iter(|| content_type_performance(black_box(&current), &period));
    });
    group.bench_function("time_series_engagement", |b| {
        b.iter(|| time_series(black_box(&current), &period, SeriesMetric::Engagement));
    });
    group.bench_function("growth", |b| {
        b.iter(|| growth(black_box(&current), &period));
    });
    group.bench_function("posting_frequency", |b| {
        b.iter(|| posting_frequency(black_box(&current), &period));
    });
    group.bench_function("recommend", |b| {
        b.iter(|| recommend(black_box(&current), &period));
    });
    group.bench_function("dashboard_free_functions", |b| {
        b.iter(|| {
            dashboard_with_free_functions(black_box(&current), black_box(&previous), &period)
        });
    });
    group.bench_function("dashboard_prepared", |b| {
        b.iter(|| dashboard_prepared(black_box(&current), black_box(&previous), &period));
    });
    group.finish();

    // The parts of the prepared dashboard, to see how they split between threads.
    let mut group = c.benchmark_group("prepared_one_year");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("prepare", |b| {
        b.iter(|| PreparedPeriod::new(black_box(&current), black_box(&previous), &period));
    });
    let prepared = PreparedPeriod::new(&current, &previous, &period);
    group.bench_function("overview", |b| b.iter(|| black_box(&prepared).overview()));
    group.bench_function("compare_platforms", |b| {
        b.iter(|| black_box(&prepared).compare_platforms());
    });
    group.bench_function("best_times", |b| {
        b.iter(|| black_box(&prepared).best_times())
    });
    group.bench_function("content_type_performance", |b| {
        b.iter(|| black_box(&prepared).content_type_performance());
    });
    group.bench_function("time_series_engagement", |b| {
        b.iter(|| black_box(&prepared).time_series(SeriesMetric::Engagement));
    });
    group.bench_function("recommend", |b| b.iter(|| black_box(&prepared).recommend()));
    group.finish();
}

/// What the dashboard endpoint computes, one free function per analysis: the overview,
/// the platform comparison, best times, content types, the engagement series over all
/// platforms and per platform, and recommendations.
fn dashboard_with_free_functions(current: &Dataset, previous: &Dataset, period: &AnalysisPeriod) {
    black_box(overview(current, previous, period));
    black_box(compare_platforms(current, previous, period));
    black_box(best_times(current, period));
    black_box(content_type_performance(current, period));
    black_box(time_series(current, period, SeriesMetric::Engagement));
    for platform in current.platforms() {
        let data = current.for_platform(platform);
        black_box(time_series(&data, period, SeriesMetric::Engagement));
    }
    black_box(recommend(current, period));
}

criterion_group!(benches, analyses);
criterion_main!(benches);

/// The same analyses as [`dashboard_with_free_functions`], on one [`PreparedPeriod`].
fn dashboard_prepared(current: &Dataset, previous: &Dataset, period: &AnalysisPeriod) {
    let prepared = PreparedPeriod::new(current, previous, period);
    black_box(prepared.overview());
    black_box(prepared.compare_platforms());
    black_box(prepared.best_times());
    black_box(prepared.content_type_performance());
    black_box(prepared.time_series(SeriesMetric::Engagement));
    for platform in prepared.platforms() {
        let view = prepared.for_platform(platform);
        black_box(view.time_series(SeriesMetric::Engagement));
    }
    black_box(prepared.recommend());
}
