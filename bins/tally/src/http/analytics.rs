//! The analytics endpoints under `/api/v1/analytics`.

use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::Serialize;
use tally_analyzer::{
    AnalysisPeriod, Dataset, Overview, PlatformComparison, PlatformInsights, PostAnalysis,
    PreparedPeriod, Recommendations, SeriesMetric, TimeSeries, analyze_post, compare_platforms,
    overview, platform_insights, recommend,
};
use tally_domain::{DateRange, Platform, UserId};
use utoipa::ToSchema;

use super::auth::Caller;
use super::cache::{cached_json, to_json};
use super::load::{Loaded, blocking, load_datasets, require_user};
use super::openapi::{AnalyticsErrors, AnalyticsQuery, MethodNotAllowed, UserPath};
use super::params::AnalyticsParams;
use super::{ApiError, AppState};

/// Parses the path's user id; a malformed one is a 400, an unknown one later a 404.
pub fn user_id(raw: &str) -> Result<UserId, ApiError> {
    match raw.parse::<i64>() {
        Ok(id) if id >= 1 => Ok(UserId(id)),
        _ => Err(ApiError::bad_request(
            "invalid_path",
            format!("a user id is a whole number of 1 or more, not '{raw}'"),
        )),
    }
}

/// Parses a platform from the path, listing the valid ones when it is unknown.
pub fn platform(raw: &str) -> Result<Platform, ApiError> {
    path_name(raw)
}

/// Parses a name from the path (a platform, metric, chart type or export kind), listing
/// the valid ones when it is unknown.
pub fn path_name<T>(raw: &str) -> Result<T, ApiError>
where
    T: std::str::FromStr<Err = tally_domain::ParseNameError>,
{
    raw.parse().map_err(|error: tally_domain::ParseNameError| {
        ApiError::bad_request("invalid_path", error.to_string())
    })
}

fn params(request: &HttpRequest) -> Result<AnalyticsParams, ApiError> {
    AnalyticsParams::parse(request.query_string(), Utc::now())
}

/// Answers a request for one user's analysis of a period: parses the user and the common
/// parameters, loads the period and the one before it on a blocking thread, and runs
/// `analysis` on them.
async fn answer<T: serde::Serialize + Send + 'static>(
    state: &web::Data<AppState>,
    endpoint: &'static str,
    path: &str,
    request: &HttpRequest,
    analysis: fn(&Loaded, &AnalysisPeriod) -> T,
) -> Result<HttpResponse, ApiError> {
    let caller = Caller::extract(request).await?;
    let (user, params) = (caller.user(path)?, params(request)?);
    let key = format!("{endpoint} {params:?}");
    cached_json(state, user, key, move |accounts, analytics| {
        let loaded = load_datasets(accounts, analytics, user, &params)?;
        to_json(&analysis(&loaded, &params.period))
    })
    .await
}

/// `GET /overview/{user_id}`: totals, changes, engagement rate, growth and top posts.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/overview/{user_id}",
    tag = "analytics",
    params(
        UserPath,
        AnalyticsQuery,
    ),
    responses(
        (
            status = 200,
            description = "The period's overview, with changes against the previous period.",
            body = Overview
        ),
        AnalyticsErrors,
        MethodNotAllowed,
    )
)]
pub async fn get_overview(
    state: web::Data<AppState>,
    path: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    answer(&state, "overview", &path, &request, |loaded, period| {
        overview(&loaded.current, &loaded.previous, period)
    })
    .await
}

/// `GET /platform/{user_id}/{platform}`: one platform's overview, content types and times.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/platform/{user_id}/{platform}",
    tag = "analytics",
    params(
        UserPath,
        (
            "platform" = Platform,
            Path,
            description = "The platform, case-insensitive; `twitter` is accepted for `x`."
        ),
        AnalyticsQuery,
    ),
    responses(
        (
            status = 200,
            description = "The platform's overview, content types and best times.",
            body = PlatformInsights
        ),
        AnalyticsErrors,
        MethodNotAllowed,
    )
)]
pub async fn get_platform(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (user, platform) = (caller.user(&path.0)?, platform(&path.1)?);
    let mut params = params(&request)?;
    params.platforms = vec![platform];
    let key = format!("platform {params:?}");
    cached_json(&state, user, key, move |accounts, analytics| {
        let loaded = load_datasets(accounts, analytics, user, &params)?;
        to_json(&platform_insights(
            &loaded.current,
            &loaded.previous,
            &params.period,
            platform,
        ))
    })
    .await
}

/// `GET /content/{user_id}/{platform}/{post_id}`: one post, its history and its rank.
///
/// `post_id` is the platform's own id of the post. The post is ranked against the user's
/// posts of the same platform and content type published in the period.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/content/{user_id}/{platform}/{post_id}",
    tag = "analytics",
    params(
        UserPath,
        (
            "platform" = Platform,
            Path,
            description = "The platform, case-insensitive; `twitter` is accepted for `x`."
        ),
        ("post_id" = String, Path, description = "The platform's own id of the post."),
        AnalyticsQuery,
    ),
    responses(
        (
            status = 200,
            description = "The post's numbers, its engagement over time and its rank.",
            body = PostAnalysis
        ),
        AnalyticsErrors,
        MethodNotAllowed,
    )
)]
pub async fn get_content(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (user, platform) = (caller.user(&path.0)?, platform(&path.1)?);
    let external_id = path.2.clone();
    let mut params = params(&request)?;
    params.platforms = vec![platform];
    let body = blocking(&state, move |accounts, analytics| {
        require_user(accounts, user)?;
        let post = analytics
            .post_by_external_id(user, platform, &external_id)?
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "user {user} has no {platform} post with id '{external_id}'"
                ))
            })?;
        let history = analytics.post_history(post.id)?;
        let loaded = load_datasets(accounts, analytics, user, &params)?;
        let mut daily = loaded.current.daily;
        // The post may predate the period: its own day's followers give its rate.
        let published = post.published_at.date_naive();
        let around = DateRange::new(
            published.pred_opt().unwrap_or(published),
            published.succ_opt().unwrap_or(published),
        )
        .map_err(|error| ApiError::internal(&error))?;
        daily.extend(analytics.daily_metrics(user, around, &[platform])?);
        daily.sort_by_key(|metric| (metric.day, metric.account_id, metric.metric));
        daily.dedup();
        let peers = Dataset::new(
            loaded
                .current
                .posts
                .into_iter()
                .filter(|peer| peer.content_type == post.content_type)
                .collect(),
            daily,
        );
        Ok(analyze_post(&post, &history, &peers, &params.period))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `GET /recommendations/{user_id}`: concrete actions, each with its evidence.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/recommendations/{user_id}",
    tag = "analytics",
    params(
        UserPath,
        AnalyticsQuery,
    ),
    responses(
        (
            status = 200,
            description = "Recommendations, most confident first; none when the data is thin.",
            body = Recommendations
        ),
        AnalyticsErrors,
        MethodNotAllowed,
    )
)]
pub async fn get_recommendations(
    state: web::Data<AppState>,
    path: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    answer(
        &state,
        "recommendations",
        &path,
        &request,
        |loaded, period| recommend(&loaded.current, period),
    )
    .await
}

/// `GET /comparative/{user_id}`: platforms side by side on normalized measures.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/comparative/{user_id}",
    tag = "analytics",
    params(
        UserPath,
        AnalyticsQuery,
    ),
    responses(
        (
            status = 200,
            description = "Every platform's normalized measures, with changes.",
            body = PlatformComparison
        ),
        AnalyticsErrors,
        MethodNotAllowed,
    )
)]
pub async fn get_comparative(
    state: web::Data<AppState>,
    path: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    answer(&state, "comparative", &path, &request, |loaded, period| {
        compare_platforms(&loaded.current, &loaded.previous, period)
    })
    .await
}

/// A metric's series over all selected platforms, and for each platform on its own.
#[derive(Serialize, ToSchema)]
pub struct MetricSeries {
    /// The series over every selected platform together.
    #[serde(flatten)]
    pub total: TimeSeries,
    /// The same series for each platform with data.
    pub platforms: Vec<PlatformSeries>,
}

/// One platform's series of a metric.
#[derive(Serialize, ToSchema)]
pub struct PlatformSeries {
    /// The platform.
    pub platform: Platform,
    /// Its series.
    pub series: TimeSeries,
}

/// Builds the series of `metric` for all platforms and for each one, from a period
/// prepared once (each platform's series narrows it rather than copying its data).
pub fn metric_series(prepared: &PreparedPeriod<'_>, metric: SeriesMetric) -> MetricSeries {
    MetricSeries {
        total: prepared.time_series(metric),
        platforms: prepared
            .platforms()
            .into_iter()
            .map(|platform| PlatformSeries {
                platform,
                series: prepared.for_platform(platform).time_series(metric),
            })
            .collect(),
    }
}

/// `GET /chart/{user_id}/{metric}`: the raw series of one metric.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/chart/{user_id}/{metric}",
    tag = "analytics",
    params(
        UserPath,
        (
            "metric" = SeriesMetric,
            Path,
            description = "The metric; singular names such as `like` are accepted too."
        ),
        AnalyticsQuery,
    ),
    responses(
        (
            status = 200,
            description = "The metric over all selected platforms, and for each one.",
            body = MetricSeries
        ),
        AnalyticsErrors,
        MethodNotAllowed,
    )
)]
pub async fn get_chart(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let user = caller.user(&path.0)?;
    let metric: SeriesMetric = path_name(&path.1)?;
    let params = params(&request)?;
    let key = format!("chart {metric:?} {params:?}");
    cached_json(&state, user, key, move |accounts, analytics| {
        let loaded = load_datasets(accounts, analytics, user, &params)?;
        let prepared = PreparedPeriod::without_previous(&loaded.current, &params.period);
        to_json(&metric_series(&prepared, metric))
    })
    .await
}
