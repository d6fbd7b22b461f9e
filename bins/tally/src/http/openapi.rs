//! The OpenAPI 3.1 document of the HTTP API, generated from the handlers' annotations and
//! served at `GET /api/v1/openapi.json`.
//!
//! To document an endpoint:
//!
//! 1. derive `ToSchema` on its body type (library crates do it behind their `openapi`
//!    feature: `#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]`);
//! 2. annotate the handler with `#[utoipa::path(...)]` as `analytics::get_platform` is: the
//!    full path, a tag, the parameters ([`UserPath`] for `{user_id}`, a tuple for each other
//!    path parameter, [`AnalyticsQuery`] when it reads the common query parameters), the 200
//!    body, [`AnalyticsErrors`] and [`MethodNotAllowed`];
//! 3. list the handler in `paths(...)` of [`ApiDoc`];
//! 4. add the route to `ROUTES` in `tests/openapi.rs`, which checks that every listed route is
//!    served and documented with its parameters, that the document is valid OpenAPI 3.1, and
//!    that the bodies the endpoints send match their schemas.

use std::sync::LazyLock;

use actix_web::HttpResponse;
use chrono::NaiveDate;
use tally_analyzer::{Granularity, RateBy};
use tally_domain::Platform;
use utoipa::{IntoParams, IntoResponses, OpenApi, ToSchema};

use super::{analytics, health};

/// The document: every endpoint, its parameters and the schemas of its bodies.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "tally",
        version = env!("CARGO_PKG_VERSION"),
        description = "Engagement analytics of a user's social-media accounts: overviews, \
            per-platform insights, single posts, platform comparisons, recommendations and time \
            series. Periods are local calendar days in the time zone given by `tz`; a value \
            that is unknown is `null`, never 0."
    ),
    paths(
        health::get_health,
        get_openapi,
        analytics::get_overview,
        analytics::get_platform,
        analytics::get_content,
        analytics::get_recommendations,
        analytics::get_comparative,
        analytics::get_chart,
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "analytics", description = "Analyses of one user's accounts over a period."),
        (name = "meta", description = "Health and this document."),
    )
)]
pub struct ApiDoc;

/// Built once: the document is fixed at compile time.
static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(ApiDoc::openapi);

/// `GET /api/v1/openapi.json`: this API's OpenAPI document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document of this API.", body = Object),
        MethodNotAllowed,
    )
)]
pub async fn get_openapi() -> HttpResponse {
    HttpResponse::Ok().json(&*DOCUMENT)
}

/// The user whose accounts an analytics endpoint analyzes, the first path parameter.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UserPath {
    /// tally's id of the user.
    #[param(minimum = 1)]
    pub user_id: i64,
}

/// The query parameters that every analytics endpoint accepts.
///
/// This type only describes them for the document; handlers parse the query string with
/// [`AnalyticsParams`](super::params::AnalyticsParams), which also refuses unknown names.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnalyticsQuery {
    /// The first local day of the period, `YYYY-MM-DD`. With `end`, the period runs from
    /// `start` to `end`; with `days`, it is `days` days from `start`; alone, it runs to today.
    pub start: Option<NaiveDate>,
    /// The last local day of the period, included (default: today in `tz`).
    pub end: Option<NaiveDate>,
    /// The length of the period in days, ending with `end` unless `start` is given
    /// (default 30). `start`, `end` and `days` cannot all be given.
    #[param(minimum = 1, maximum = 3660, default = json!(super::params::DEFAULT_DAYS))]
    pub days: Option<i64>,
    /// Only these platforms (default: all). Repeat the parameter or separate names with
    /// commas; names are case-insensitive and `twitter` is accepted for `x`.
    #[param(style = Form, explode)]
    pub platform: Option<Vec<Platform>>,
    /// The IANA time zone that local days, weekdays and hours are read in (default `UTC`).
    #[param(example = "Europe/Berlin", default = "UTC")]
    pub tz: Option<String>,
    /// The bucket size of time series (default `day`); `daily`, `weekly` and `monthly` are
    /// accepted too.
    #[param(default = json!(Granularity::default()))]
    pub granularity: Option<Granularity>,
    /// The denominator of engagement rates (default `reach`). A platform without the figure
    /// falls back to another, and each result's `rate_basis` says which was used.
    #[param(default = json!(RateBy::default()))]
    pub rate_by: Option<RateBy>,
}

/// The error body of every failure: `{"error": {"code", "message"}}`.
#[derive(ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// One failure, for programs and for people.
#[derive(ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code, such as `invalid_parameter`, `unknown_parameter`,
    /// `invalid_path`, `invalid_period`, `not_found`, `method_not_allowed`, `internal` or
    /// `unavailable`.
    #[schema(examples("invalid_parameter"))]
    pub code: String,
    /// An English sentence; for a client mistake it lists the valid values.
    #[schema(examples(
        "granularity: unknown granularity 'hourly'; valid values: day, week, month"
    ))]
    pub message: String,
}

/// The failures of an analytics endpoint, each with an [`ErrorBody`].
#[derive(IntoResponses)]
pub enum AnalyticsErrors {
    /// A malformed path segment, an unknown name, or a query parameter that is unknown or
    /// malformed; the message lists what is valid.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The user does not exist, or has no such post.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// A failure of tally itself; the cause is logged, not shown.
    #[response(status = 500)]
    Internal(ErrorBody),
    /// The database does not answer; try again shortly.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// The answer of every endpoint to a method other than GET or HEAD, with an [`ErrorBody`].
#[derive(IntoResponses)]
#[response(
    status = 405,
    headers(("Allow" = String, description = "The methods served: `GET, HEAD`."))
)]
pub struct MethodNotAllowed(pub ErrorBody);
