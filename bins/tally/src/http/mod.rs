//! The HTTP server: application state, routes and error handling.

mod accounts;
mod analytics;
pub mod cache;
mod collect;
mod error;
mod health;
mod load;
pub mod openapi;
pub mod params;
mod transfer;
mod visualization;

use std::sync::Arc;

use actix_web::{App, HttpServer, guard, web};
use anyhow::Context;
use tally_store::{
    AccountStore, AnalyticsStore, DieselStore, Health, ImportStore, IngestStore, JobStore,
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
        Self {
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
            .service(get_only(
                "/api/v1/openapi.json",
                read().to(openapi::get_openapi),
            ))
            .service(
                web::scope("/api/v1/analytics")
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
                    )),
            )
            .default_service(web::to(error::not_found));
    }
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

        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(TracingLogger::default())
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
