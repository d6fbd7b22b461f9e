//! The OpenAPI 3.1 document of the HTTP API, generated from the handlers' annotations and
//! served at `GET /api/v1/openapi.json`.
//!
//! To document an endpoint:
//!
//! 1. derive `ToSchema` on its body type (library crates do it behind their `openapi`
//!    feature: `#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]`);
//! 2. annotate the handler with `#[utoipa::path(...)]` as `analytics::get_platform` is: the
//!    method, the full path, a tag, the parameters ([`UserPath`] for `{user_id}`, a tuple for
//!    each other path parameter, [`AnalyticsQuery`] when it reads the common query
//!    parameters), the request body if any, the success responses with their bodies and
//!    headers, the failures ([`AnalyticsErrors`]; or [`AccountErrors`], [`CollectErrors`],
//!    [`BodyErrors`], [`ImportErrors`] and [`ServerErrors`]) and the 405 of its resource,
//!    whose `Allow` header lists the resource's methods ([`MethodNotAllowed`] for GET and
//!    HEAD);
//! 3. list the handler in `paths(...)` of [`ApiDoc`];
//! 4. add the route to `ROUTES` in `tests/openapi.rs`, with its methods and query parameters,
//!    and send it a request in `bodies_match_their_documented_schemas`. The tests check that
//!    every listed route is served and documented with its methods and parameters, that the
//!    document is valid OpenAPI 3.1, and that the bodies the endpoints send match their
//!    schemas.

use std::sync::LazyLock;

use actix_web::HttpResponse;
use chrono::NaiveDate;
use tally_analyzer::{Granularity, RateBy, SeriesMetric};
use tally_charts::{ChartConfig, ComparisonMeasure};
use tally_domain::Platform;
use tally_importers::{CsvKind, Format};
use utoipa::{IntoParams, IntoResponses, OpenApi, ToSchema};

use super::{accounts, analytics, auth, collect, health, transfer, visualization};

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
        auth::get_me,
        analytics::get_overview,
        analytics::get_platform,
        analytics::get_content,
        analytics::get_recommendations,
        analytics::get_comparative,
        analytics::get_chart,
        visualization::get_visualization,
        accounts::get_user,
        accounts::put_user,
        accounts::list_accounts,
        accounts::add_account,
        accounts::get_account,
        accounts::update_account,
        accounts::delete_account,
        collect::post_collect,
        collect::get_job,
        transfer::post_import,
        transfer::get_export,
    ),
    // Utoipa collects the schemas that bodies refer to, not those only parameters refer to.
    components(schemas(
        ErrorBody,
        visualization::ChartType,
        visualization::ChartFormat,
        ComparisonMeasure,
        CsvKind
    )),
    modifiers(&BearerTokens),
    tags(
        (name = "analytics", description = "Analyses of one user's accounts over a period."),
        (
            name = "accounts",
            description = "Users and their connected accounts. Credentials are write-only: \
                no response contains one."
        ),
        (
            name = "collection",
            description = "Collecting a user's accounts from their platforms, as jobs."
        ),
        (
            name = "transfer",
            description = "Importing the export files of platforms and tally CSV, and \
                exporting tally CSV."
        ),
        (
            name = "meta",
            description = "Health, this document, and whom the caller's token reaches."
        ),
    )
)]
pub struct ApiDoc;

/// The paths that rate-limited operations live on, and the methods limited there.
const RATE_LIMITED: [(&str, &str); 3] = [
    ("/api/v1/analytics/collect/{user_id}", "post"),
    ("/api/v1/analytics/import/{user_id}", "post"),
    (
        "/api/v1/analytics/visualization/{user_id}/{chart_type}",
        "get",
    ),
];

/// Documents the bearer tokens: the security scheme, and on every operation under `/api/`
/// but this document, the requirement and its 401 answer; on the rate-limited ones, the 429.
struct BearerTokens;

impl utoipa::Modify for BearerTokens {
    fn modify(&self, document: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        use utoipa::openapi::{RefOr, ResponseBuilder, header::HeaderBuilder};

        let components = document.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token from `tally token create --user <id>` (one user) or \
                         `--admin` (every user).",
                    ))
                    .build(),
            ),
        );
        let error_body = || {
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    "ErrorBody",
                ))))
                .build()
        };
        let unauthorized = ResponseBuilder::new()
            .description(
                "No token, a malformed `Authorization` header, or a token that is unknown or \
                 revoked.",
            )
            .header(
                "WWW-Authenticate",
                HeaderBuilder::new()
                    .description(Some(
                        "The bearer challenge, with the error when there is one.",
                    ))
                    .build(),
            )
            .content("application/json", error_body())
            .build();
        let too_many = ResponseBuilder::new()
            .description("Over the token's rate limit on this endpoint; retry after the wait.")
            .header(
                "Retry-After",
                HeaderBuilder::new()
                    .description(Some("Seconds to wait before trying again."))
                    .build(),
            )
            .content("application/json", error_body())
            .build();

        let requirement =
            utoipa::openapi::security::SecurityRequirement::new("bearer", Vec::<String>::new());
        for (path, item) in document.paths.paths.iter_mut() {
            if !path.starts_with("/api/") || path == "/api/v1/openapi.json" {
                continue;
            }
            let operations = [
                ("get", &mut item.get),
                ("post", &mut item.post),
                ("put", &mut item.put),
                ("patch", &mut item.patch),
                ("delete", &mut item.delete),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation else { continue };
                operation.security = Some(vec![requirement.clone()]);
                operation
                    .responses
                    .responses
                    .insert("401".to_owned(), RefOr::T(unauthorized.clone()));
                if RATE_LIMITED.contains(&(path.as_str(), method)) {
                    operation
                        .responses
                        .responses
                        .insert("429".to_owned(), RefOr::T(too_many.clone()));
                }
            }
        }
    }
}

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

/// The query parameters of the visualization endpoint besides [`AnalyticsQuery`].
///
/// Like [`AnalyticsQuery`], this type only describes them; the handler parses them together
/// with the common ones.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChartQuery {
    /// The metric of the `time_series` chart, in the dashboard too (default `engagement`);
    /// singular names such as `like` are accepted too.
    #[param(default = json!(visualization::DEFAULT_METRIC))]
    pub metric: Option<SeriesMetric>,
    /// The measure of the `platform_comparison` chart, in the dashboard too (default
    /// `engagement_rate`).
    #[param(default = json!(visualization::DEFAULT_MEASURE.as_str()))]
    pub measure: Option<ComparisonMeasure>,
    /// The form of the answer (default `json`): `json` for the Chart.js configuration, `svg`
    /// for the chart drawn as an SVG image (`image/svg+xml`). `svg` draws one chart, so it
    /// is refused for `dashboard`.
    #[param(default = "json")]
    pub format: Option<visualization::ChartFormat>,
}

/// The body of a visualization: one chart's configuration, or the dashboard.
// This type only describes the body; the handler serializes either form directly.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum VisualizationBody {
    /// A Chart.js v4 configuration, for every chart type but `dashboard`.
    Chart(ChartConfig),
    /// The summary figures and a configuration of every other chart type, for `dashboard`.
    Dashboard(Box<visualization::Dashboard>),
}

/// The query parameters of `POST /collect/{user_id}`.
///
/// This type only describes them; the handler parses the query string itself, and refuses
/// unknown names.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CollectQuery {
    /// How many days back posts are collected (default 7).
    #[param(minimum = 1, maximum = 365, default = json!(collect::DEFAULT_DAYS_BACK))]
    pub days_back: Option<u32>,
    /// Whether to answer 202 at once and collect in the background, or to collect first and
    /// answer 200 with the finished job (default `true`); `1` and `0` are accepted too.
    #[param(default = true)]
    pub background: Option<bool>,
}

/// The query parameters of `POST /import/{user_id}`.
///
/// This type only describes them; the handler parses the query string itself, and refuses
/// unknown names.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The format of the file (default: told from `filename` and the content); aliases such
    /// as `twitter` or `youtube` are accepted too.
    pub format: Option<Format>,
    /// The name of the file as it was downloaded, such as `tweets.js`: it names the file in
    /// messages and helps tell its format. Only its last path segment is read.
    #[param(example = "tweets.js", default = "upload")]
    pub filename: Option<String>,
}

/// The body of `POST /import/{user_id}`: an export file, as its bytes.
// This type only describes the body; the handler streams it to a temporary file.
#[derive(ToSchema)]
#[schema(value_type = String, content_media_type = "application/octet-stream")]
pub struct ExportFile(pub Vec<u8>);

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
    /// `invalid_path`, `invalid_period`, `invalid_body`, `unauthorized`, `not_found`,
    /// `method_not_allowed`, `rate_limited`, `internal` or `unavailable`.
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

/// The failures of the user and account endpoints, each with an [`ErrorBody`].
#[derive(IntoResponses)]
pub enum AccountErrors {
    /// A malformed id in the path or, where a body is sent, a body that is not JSON, has an
    /// unknown field, lacks a required one or holds an invalid value; the message says which,
    /// and what is valid.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The user does not exist, or has no such account.
    #[response(status = 404)]
    NotFound(ErrorBody),
}

/// The failures of the collection endpoints, each with an [`ErrorBody`].
#[derive(IntoResponses)]
pub enum CollectErrors {
    /// A malformed id in the path, or a query parameter that is unknown or out of range; the
    /// message lists what is valid.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The user or the job does not exist.
    #[response(status = 404)]
    NotFound(ErrorBody),
}

/// The failures of an endpoint that reads a JSON body, each with an [`ErrorBody`].
#[derive(IntoResponses)]
pub enum BodyErrors {
    /// The body is larger than 256 KiB.
    #[response(status = 413)]
    PayloadTooLarge(ErrorBody),
    /// The body is not sent as `application/json`.
    #[response(status = 415)]
    UnsupportedMediaType(ErrorBody),
}

/// The failures of the import endpoint, each with an [`ErrorBody`].
#[derive(IntoResponses)]
pub enum ImportErrors {
    /// A malformed id in the path, a query parameter that is unknown or malformed
    /// (`unknown_parameter`, `invalid_parameter`), an empty or interrupted body
    /// (`invalid_body`), or a file that tally cannot read or that is malformed or cut short
    /// (`invalid_file`, with where it is wrong). Nothing is stored.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The user does not exist.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The file is larger than the upload limit, 1 GiB.
    #[response(status = 413)]
    PayloadTooLarge(ErrorBody),
}

/// The failures of tally itself, each with an [`ErrorBody`].
#[derive(IntoResponses)]
pub enum ServerErrors {
    /// A failure of tally itself; the cause is logged, not shown.
    #[response(status = 500)]
    Internal(ErrorBody),
    /// The database does not answer; try again shortly.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// The answer of a read-only endpoint to a method other than GET or HEAD, with an [`ErrorBody`].
#[derive(IntoResponses)]
#[response(
    status = 405,
    headers(("Allow" = String, description = "The methods served: `GET, HEAD`."))
)]
pub struct MethodNotAllowed(pub ErrorBody);

/// The answer of `/users/{user_id}` to a method other than GET, HEAD or PUT, with an
/// [`ErrorBody`].
#[derive(IntoResponses)]
#[response(
    status = 405,
    headers(("Allow" = String, description = "The methods served: `GET, HEAD, PUT`."))
)]
pub struct UserMethodNotAllowed(pub ErrorBody);

/// The answer of `/accounts/{user_id}` to a method other than GET, HEAD or POST, with an
/// [`ErrorBody`].
#[derive(IntoResponses)]
#[response(
    status = 405,
    headers(("Allow" = String, description = "The methods served: `GET, HEAD, POST`."))
)]
pub struct AccountsMethodNotAllowed(pub ErrorBody);

/// The answer of `/accounts/{user_id}/{account_id}` to a method other than GET, HEAD, PATCH
/// or DELETE, with an [`ErrorBody`].
#[derive(IntoResponses)]
#[response(
    status = 405,
    headers((
        "Allow" = String,
        description = "The methods served: `GET, HEAD, PATCH, DELETE`."
    ))
)]
pub struct AccountMethodNotAllowed(pub ErrorBody);

/// The answer of `/collect/{user_id}` to a method other than POST, with an [`ErrorBody`].
#[derive(IntoResponses)]
#[response(
    status = 405,
    headers(("Allow" = String, description = "The methods served: `POST`."))
)]
pub struct CollectMethodNotAllowed(pub ErrorBody);

/// The answer of `/import/{user_id}` to a method other than POST, with an [`ErrorBody`].
#[derive(IntoResponses)]
#[response(
    status = 405,
    headers(("Allow" = String, description = "The methods served: `POST`."))
)]
pub struct ImportMethodNotAllowed(pub ErrorBody);
