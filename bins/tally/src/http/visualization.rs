//! `GET /visualization/{user_id}/{chart_type}`: Chart.js configurations or SVG images of
//! them, and the dashboard.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::Serialize;
use tally_analyzer::{
    BestTimes, ContentTypePerformance, Dataset, Overview, PeriodSummary, PlatformComparison,
    PreparedPeriod, Recommendations, SeriesMetric, Totals, best_times, compare_platforms,
    content_type_performance, overview,
};
use tally_charts::{ChartConfig, ComparisonMeasure};
use utoipa::ToSchema;

use super::analytics::{metric_series, path_name};
use super::auth::Caller;
use super::cache::{cached_json, to_json};
use super::load::{blocking, load_datasets};
use super::openapi::{
    AnalyticsErrors, AnalyticsQuery, ChartQuery, MethodNotAllowed, UserPath, VisualizationBody,
};
use super::params::AnalyticsParams;
use super::{ApiError, AppState};

tally_domain::name_enum!(
    /// The charts the visualization endpoint draws.
    ChartType, "chart type" {
        /// One metric over time, a line per platform.
        TimeSeries => "time_series",
        /// Platforms side by side on one normalized measure.
        PlatformComparison => "platform_comparison",
        /// Likes, comments, shares and the other interactions, as parts of the whole.
        EngagementBreakdown => "engagement_breakdown",
        /// The most engaging posts.
        ContentPerformance => "content_performance",
        /// Weekday × hour grid of how posts performed.
        BestTimes => "best_times",
        /// How each content type performed.
        ContentType => "content_type",
        /// The summary figures and every chart above.
        Dashboard => "dashboard",
    }
);

tally_domain::name_enum!(
    /// The forms a chart is answered in.
    ChartFormat, "format" {
        /// The Chart.js v4 configuration, as JSON.
        Json => "json",
        /// An SVG image drawn from the configuration, with a text alternative.
        Svg => "svg",
    }
);

/// The metric a time series shows when the query names none.
pub(super) const DEFAULT_METRIC: SeriesMetric = SeriesMetric::Engagement;

/// The measure a platform comparison shows when the query names none.
pub(super) const DEFAULT_MEASURE: ComparisonMeasure = ComparisonMeasure::EngagementRate;

/// The policy an SVG answer is served with, for when it is opened on its own: it may run
/// nothing and load nothing, and only its own inline styles apply.
const SVG_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'";

/// What a visualization request asks for beyond the common parameters.
struct ChartRequest {
    params: AnalyticsParams,
    metric: SeriesMetric,
    measure: ComparisonMeasure,
    format: ChartFormat,
}

fn chart_request(request: &HttpRequest) -> Result<ChartRequest, ApiError> {
    let (params, extras) = AnalyticsParams::parse_with(
        request.query_string(),
        Utc::now(),
        &["metric", "measure", "format"],
    )?;
    let metric = match &extras[0] {
        Some(raw) => raw.parse().map_err(|error: tally_domain::ParseNameError| {
            ApiError::bad_request("invalid_parameter", format!("metric: {error}"))
        })?,
        None => DEFAULT_METRIC,
    };
    let measure = match &extras[1] {
        Some(raw) => raw.parse().map_err(|error: tally_domain::ParseNameError| {
            ApiError::bad_request("invalid_parameter", format!("measure: {error}"))
        })?,
        None => DEFAULT_MEASURE,
    };
    let format = match &extras[2] {
        Some(raw) => raw.parse().map_err(|error: tally_domain::ParseNameError| {
            ApiError::bad_request("invalid_parameter", format!("format: {error}"))
        })?,
        None => ChartFormat::Json,
    };
    Ok(ChartRequest {
        params,
        metric,
        measure,
        format,
    })
}

/// Every analysis the charts are drawn from, computed once per request.
struct Analyses {
    overview: Overview,
    comparison: PlatformComparison,
    best_times: BestTimes,
    content_types: ContentTypePerformance,
}

impl Analyses {
    fn new(prepared: &PreparedPeriod<'_>) -> Self {
        Self {
            overview: prepared.overview(),
            comparison: prepared.compare_platforms(),
            best_times: prepared.best_times(),
            content_types: prepared.content_type_performance(),
        }
    }
}

fn time_series_chart(prepared: &PreparedPeriod<'_>, metric: SeriesMetric) -> ChartConfig {
    let series = metric_series(prepared, metric);
    let per_platform: Vec<_> = series
        .platforms
        .into_iter()
        .map(|platform| (platform.platform, platform.series))
        .collect();
    tally_charts::time_series(&per_platform, Some(&series.total))
}

/// The dashboard: the figures a person reads first, every chart, and what to do next.
#[derive(Serialize, ToSchema)]
pub struct Dashboard {
    /// The period shown, with its time zone.
    pub period: PeriodSummary,
    /// The previous period the changes compare with.
    pub previous_period: Option<PeriodSummary>,
    /// Headline totals with their change against the previous period.
    pub summary: DashboardSummary,
    /// One Chart.js configuration per chart type, keyed by the chart type's name.
    pub charts: DashboardCharts,
    /// The most engaging posts of the period.
    pub top_posts: Vec<tally_analyzer::PostMetrics>,
    /// Recommendations with their evidence.
    pub recommendations: Recommendations,
}

/// The headline figures of the dashboard.
#[derive(Serialize, ToSchema)]
pub struct DashboardSummary {
    /// Counter totals and followers, each with its change.
    #[serde(flatten)]
    pub totals: Totals,
    /// Engagement per post, with its change.
    pub engagement_per_post: tally_analyzer::ValueComparison,
    /// The pooled engagement rate in percent, with its change.
    pub engagement_rate: tally_analyzer::ValueComparison,
    /// Which denominator each platform's engagement rate used.
    pub rate_basis: Vec<tally_analyzer::RateBasis>,
    /// Net and percent follower growth.
    pub follower_growth: tally_analyzer::FollowerGrowth,
}

/// The dashboard's charts.
#[derive(Serialize, ToSchema)]
pub struct DashboardCharts {
    /// The requested metric (engagement by default) over time.
    pub time_series: ChartConfig,
    /// Platforms compared on the requested measure (engagement rate by default).
    pub platform_comparison: ChartConfig,
    /// The interactions that make up engagement.
    pub engagement_breakdown: ChartConfig,
    /// The most engaging posts.
    pub content_performance: ChartConfig,
    /// When posts performed best.
    pub best_times: ChartConfig,
    /// How content types performed.
    pub content_type: ChartConfig,
}

fn dashboard(current: &Dataset, previous: &Dataset, request: &ChartRequest) -> Dashboard {
    // The data is prepared for the period once and every analysis below shares it.
    let prepared = PreparedPeriod::new(current, previous, &request.params.period);
    // The recommendations, the costliest part, are worked out on a second thread while
    // this one does the rest: the answer comes when the longer of the two is done.
    let (recommendations, analyses) =
        tally_store::both(|| prepared.recommend(), || Analyses::new(&prepared));
    let charts = DashboardCharts {
        time_series: time_series_chart(&prepared, request.metric),
        platform_comparison: tally_charts::platform_comparison(
            &analyses.comparison,
            request.measure,
        ),
        engagement_breakdown: tally_charts::engagement_breakdown(&analyses.overview.totals),
        content_performance: tally_charts::content_performance(&analyses.overview.top_posts),
        best_times: tally_charts::best_times(&analyses.best_times),
        content_type: tally_charts::content_type(&analyses.content_types),
    };
    let overview = analyses.overview;
    Dashboard {
        period: overview.period,
        previous_period: overview.previous_period,
        summary: DashboardSummary {
            totals: overview.totals,
            engagement_per_post: overview.engagement_per_post,
            engagement_rate: overview.engagement_rate,
            rate_basis: overview.rate_basis,
            follower_growth: overview.follower_growth,
        },
        charts,
        top_posts: overview.top_posts,
        recommendations,
    }
}

/// The configuration of one chart type; `None` for the dashboard, which is several.
fn single_chart(
    chart: ChartType,
    current: &Dataset,
    previous: &Dataset,
    request: &ChartRequest,
) -> Option<ChartConfig> {
    let period = &request.params.period;
    let config = match chart {
        ChartType::Dashboard => return None,
        ChartType::TimeSeries => time_series_chart(
            &PreparedPeriod::without_previous(current, period),
            request.metric,
        ),
        ChartType::PlatformComparison => tally_charts::platform_comparison(
            &compare_platforms(current, previous, period),
            request.measure,
        ),
        ChartType::EngagementBreakdown => {
            tally_charts::engagement_breakdown(&overview(current, previous, period).totals)
        }
        ChartType::ContentPerformance => {
            tally_charts::content_performance(&overview(current, previous, period).top_posts)
        }
        ChartType::BestTimes => tally_charts::best_times(&best_times(current, period)),
        ChartType::ContentType => {
            tally_charts::content_type(&content_type_performance(current, period))
        }
    };
    Some(config)
}

/// `GET /visualization/{user_id}/{chart_type}`: one Chart.js configuration, or for
/// `dashboard` the summary figures with a configuration for every other chart type.
///
/// Besides the common parameters, `metric` picks the time series' metric (default
/// `engagement`), `measure` the platform comparison's measure (default `engagement_rate`),
/// and `format=svg` answers one chart as an SVG image instead of its configuration.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/visualization/{user_id}/{chart_type}",
    tag = "analytics",
    params(
        UserPath,
        (
            "chart_type" = ChartType,
            Path,
            description = "The chart, or `dashboard` for all of them (JSON only)."
        ),
        AnalyticsQuery,
        ChartQuery,
    ),
    responses(
        (
            status = 200,
            description = "With `format=json` (the default): the chart's Chart.js v4 \
                configuration, to pass to `new Chart(canvas, config)` unchanged; for \
                `dashboard`, the summary figures with every chart. With `format=svg`: the \
                chart drawn as a standalone SVG image with a title and a text description.",
            content(
                (VisualizationBody = "application/json"),
                (String = "image/svg+xml"),
            )
        ),
        AnalyticsErrors,
        MethodNotAllowed,
    )
)]
pub async fn get_visualization(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let user = caller.user(&path.0)?;
    let chart: ChartType = path_name(&path.1)?;
    let chart_request = chart_request(&request)?;
    if chart == ChartType::Dashboard && chart_request.format == ChartFormat::Svg {
        return Err(ApiError::bad_request(
            "invalid_parameter",
            "format: svg draws one chart; ask for a chart type such as time_series, or \
                format=json for the dashboard",
        ));
    }
    if chart == ChartType::Dashboard {
        state.rate_limit.check(&caller)?;
    }

    if chart_request.format == ChartFormat::Svg {
        let image = blocking(&state, move |accounts, analytics| {
            let loaded = load_datasets(accounts, analytics, user, &chart_request.params)?;
            let config = single_chart(chart, &loaded.current, &loaded.previous, &chart_request)
                .ok_or_else(|| ApiError::internal(&"the dashboard has no single SVG"))?;
            Ok(tally_charts::svg::render(
                &config,
                &tally_charts::svg::SvgOptions::default(),
            ))
        })
        .await?;
        return Ok(HttpResponse::Ok()
            .content_type("image/svg+xml; charset=utf-8")
            .insert_header((header::CONTENT_SECURITY_POLICY, SVG_CONTENT_SECURITY_POLICY))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(image));
    }

    let key = format!(
        "visualization {chart:?} {:?} {:?} {:?}",
        chart_request.params, chart_request.metric, chart_request.measure
    );
    cached_json(&state, user, key, move |accounts, analytics| {
        let loaded = load_datasets(accounts, analytics, user, &chart_request.params)?;
        let (current, previous) = (&loaded.current, &loaded.previous);
        match single_chart(chart, current, previous, &chart_request) {
            Some(config) => to_json(&config),
            None => to_json(&dashboard(current, previous, &chart_request)),
        }
    })
    .await
}
