//! The HTTP server: application state, routes and error handling.

mod accounts;
mod analytics;
pub mod auth;
pub mod cache;
mod collect;
mod dashboard;
mod error;
mod health;
mod load;
pub mod openapi;
pub mod params;
mod transfer;
mod visualization;

use std::path::PathBuf;
use std::sync::Arc;

use actix_web::{App, HttpServer, guard, web};
use anyhow::Context;
use tally_store::{
    AccountStore, AnalyticsStore, DieselStore, Health, ImportStore, IngestStore, JobStore,
    TokenStore,
};
use tracing_actix_web::TracingLogger;

pub use error::ApiError;

use crate::cli::ServeArgs;
use crate::collect::{
    Collector, ConnectorSource, PlatformConnectors, WorkerPool, spawn_periodic_collection,
};

/// The largest JSON body the API accepts, in bytes.
const JSON_LIMIT_BYTES: usize = 256 * 1024;

/// What handlers share: the storage services, behind traits so tests can inject mocks.
#[derive(Clone)]
pub struct AppState {
    /// Users and accounts.
    pub accounts: Arc<dyn AccountStore>,
    /// The reads analyses are built from.
    pub analytics: Arc<dyn AnalyticsStore>,
    /// The batched write path.
    pub ingest: Arc<dyn IngestStore>,
    /// Database health.
    pub health: Arc<dyn Health>,
    /// Collection jobs.
    pub jobs: Arc<dyn JobStore>,
    /// Runs collection jobs.
    pub collector: Collector,
    /// The background workers, when the server runs them.
    pub workers: Option<WorkerPool>,
    /// The all-or-nothing write path of imports.
    pub imports: Arc<dyn ImportStore>,
    /// The largest import upload accepted, in bytes.
    pub upload_limit_bytes: u64,
    /// Where uploads wait while they are imported: a folder inside tally's data directory.
    pub upload_dir: PathBuf,
    /// The access tokens of the API.
    pub tokens: Arc<dyn TokenStore>,
    /// The per-token limit on the expensive endpoints.
    pub rate_limit: auth::RateLimit,
    /// Computed analytics answers, checked against each user's data version.
    pub answers: cache::AnswerCache,
}

impl AppState {
    /// State whose every service is the one diesel store, collecting through the real
    /// platform connectors.
    pub fn from_store(store: Arc<DieselStore>) -> anyhow::Result<Self> {
        Ok(Self::with_connectors(
            store,
            Arc::new(PlatformConnectors::new()?),
        ))
    }

    /// State over the diesel store with the given connectors (mocks, in tests).
    pub fn with_connectors(store: Arc<DieselStore>, connectors: Arc<dyn ConnectorSource>) -> Self {
        let collector = Collector::new(store.clone(), store.clone(), store.clone(), connectors);
        let upload_dir = crate::data_dir(store.url()).join(UPLOAD_FOLDER);
        Self {
            tokens: store.clone(),
            upload_dir,
            rate_limit: auth::RateLimit::unlimited(),
            accounts: store.clone(),
            analytics: store.clone(),
            ingest: store.clone(),
            health: store.clone(),
            jobs: store.clone(),
            imports: store,
            collector,
            workers: None,
            upload_limit_bytes: transfer::DEFAULT_UPLOAD_LIMIT_BYTES,
            answers: cache::AnswerCache::default(),
        }
    }
}

/// The folder, inside the data directory, that uploads are written to while they are read.
pub const UPLOAD_FOLDER: &str = "uploads";

/// Registers every route and the JSON error handlers on an app.
pub fn configure(state: AppState) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        config
            .app_data(web::Data::new(state))
            .app_data(
                web::JsonConfig::default()
                    .limit(JSON_LIMIT_BYTES)
                    .error_handler(error::json_error),
            )
            .app_data(web::QueryConfig::default().error_handler(error::query_error))
            .app_data(web::PathConfig::default().error_handler(error::path_error))
            .service(get_only("/healthz", read().to(health::get_health)))
            .service(get_only("/", read().to(dashboard::get_home)))
            .service(get_only(
                "/users/{user_id}",
                read().to(dashboard::get_user_page),
            ))
            .service(get_only("/assets/{name}", read().to(dashboard::get_asset)))
            .service(get_only(
                "/api/v1/openapi.json",
                read().to(openapi::get_openapi),
            ))
            .service(
                web::scope("/api/v1")
                    .wrap(actix_web::middleware::from_fn(auth::authenticate))
                    .service(get_only("/me", read().to(auth::get_me)))
                    .service(analytics_scope()),
            )
            .default_service(web::to(error::not_found));
    }
}

/// The routes under `/api/v1/analytics`, all behind [`auth::authenticate`].
fn analytics_scope() -> actix_web::Scope {
    web::scope("/analytics")
        .service(get_only(
            "/overview/{user_id}",
            read().to(analytics::get_overview),
        ))
        .service(get_only(
            "/platform/{user_id}/{platform}",
            read().to(analytics::get_platform),
        ))
        .service(get_only(
            "/content/{user_id}/{platform}/{post_id}",
            read().to(analytics::get_content),
        ))
        .service(get_only(
            "/recommendations/{user_id}",
            read().to(analytics::get_recommendations),
        ))
        .service(get_only(
            "/comparative/{user_id}",
            read().to(analytics::get_comparative),
        ))
        .service(get_only(
            "/chart/{user_id}/{metric}",
            read().to(analytics::get_chart),
        ))
        .service(get_only(
            "/visualization/{user_id}/{chart_type}",
            read().to(visualization::get_visualization),
        ))
        .service(with_methods(
            "/users/{user_id}",
            "GET, HEAD, PUT",
            vec![
                read().to(accounts::get_user),
                web::put().to(accounts::put_user),
            ],
        ))
        .service(with_methods(
            "/accounts/{user_id}",
            "GET, HEAD, POST",
            vec![
                read().to(accounts::list_accounts),
                web::post().to(accounts::add_account),
            ],
        ))
        .service(with_methods(
            "/accounts/{user_id}/{account_id}",
            "GET, HEAD, PATCH, DELETE",
            vec![
                read().to(accounts::get_account),
                web::patch().to(accounts::update_account),
                web::delete().to(accounts::delete_account),
            ],
        ))
        .service(with_methods(
            "/collect/{user_id}",
            "POST",
            vec![web::post().to(collect::post_collect)],
        ))
        .service(get_only("/jobs/{job_id}", read().to(collect::get_job)))
        .service(with_methods(
            "/import/{user_id}",
            "POST",
            vec![web::post().to(transfer::post_import)],
        ))
        .service(get_only(
            "/export/{user_id}/{kind}",
            read().to(transfer::get_export),
        ))
}

/// A route for GET and HEAD; actix sends HEAD answers without their body.
fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// A resource answering GET (and HEAD), and 405 with an `Allow` header to other methods.
fn get_only(path: &str, route: actix_web::Route) -> actix_web::Resource {
    with_methods(path, "GET, HEAD", vec![route])
}

/// A resource with these routes, answering other methods with 405 and `Allow: allow`.
fn with_methods(
    path: &str,
    allow: &'static str,
    routes: Vec<actix_web::Route>,
) -> actix_web::Resource {
    routes
        .into_iter()
        .fold(web::resource(path), |resource, route| resource.route(route))
        .default_service(web::to(move |request: actix_web::HttpRequest| async move {
            error::method_not_allowed(&request, allow)
        }))
}

/// Cross-origin access: none unless origins are given, and then only from those origins,
/// with the bearer token header.
pub fn cors(origins: &[String]) -> actix_web::middleware::Condition<actix_cors::Cors> {
    let cors = origins
        .iter()
        .fold(actix_cors::Cors::default(), |cors, origin| {
            cors.allowed_origin(origin)
        })
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            actix_web::http::header::AUTHORIZATION,
            actix_web::http::header::CONTENT_TYPE,
        ])
        .expose_headers([
            actix_web::http::header::LOCATION,
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::WWW_AUTHENTICATE,
        ])
        .max_age(3600);
    actix_web::middleware::Condition::new(!origins.is_empty(), cors)
}

/// Runs the server until it is stopped by a signal.
pub fn serve(mut state: AppState, args: &ServeArgs) -> anyhow::Result<()> {
    let system = actix_web::rt::System::new();
    let bind = args.bind;
    let workers = args.workers;
    let (collect_workers, collect_every, collect_days_back) = (
        args.collect_workers,
        args.collect_every,
        args.collect_days_back,
    );
    let (rate_limit, cors_origins) = (args.rate_limit, args.cors_origins.clone());
    state.answers = cache::AnswerCache::with_capacity(args.answer_cache_mib * cache::MIB);
    system.block_on(async move {
        let pool = WorkerPool::start(state.collector.clone(), usize::from(collect_workers)).await?;
        if let Some(every) = collect_every {
            tracing::info!(
                every_seconds = every.as_secs(),
                "scheduled collection is on"
            );
            spawn_periodic_collection(
                state.collector.clone(),
                pool.clone(),
                every,
                collect_days_back,
            );
        }
        state.workers = Some(pool);
        state.rate_limit = auth::RateLimit::per_minute(rate_limit);
        if cors_origins.is_empty() {
            tracing::info!("cross-origin requests are refused (no --cors-origin given)");
        } else {
            tracing::info!(origins = ?cors_origins, "cross-origin requests allowed from these origins");
        }

        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(cors(&cors_origins))
                .wrap(TracingLogger::<crate::telemetry::RequestSpan>::new())
                .configure(configure(state.clone()))
        });
        if let Some(workers) = workers {
            server = server.workers(usize::from(workers.max(1)));
        }
        let server = server
            .bind(bind)
            .with_context(|| format!("listening on {bind}"))?;
        tracing::info!(%bind, "tally is serving; health at http://{bind}/healthz");
        server.run().await.context("running the HTTP server")
    })
}
