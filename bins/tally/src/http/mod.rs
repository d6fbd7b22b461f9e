//! The HTTP server: application state, routes and error handling.

mod analytics;
mod error;
mod health;
mod load;
pub mod params;

use std::sync::Arc;

use actix_web::{App, HttpServer, web};
use anyhow::Context;
use tally_store::{AccountStore, AnalyticsStore, DieselStore, Health, IngestStore};
use tracing_actix_web::TracingLogger;

pub use error::ApiError;

use crate::cli::ServeArgs;

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
}

impl AppState {
    /// State whose every service is the one diesel store.
    pub fn from_store(store: Arc<DieselStore>) -> Self {
        Self {
            accounts: store.clone(),
            analytics: store.clone(),
            ingest: store.clone(),
            health: store,
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
            .service(get_only("/healthz", web::get().to(health::get_health)))
            .service(
                web::scope("/api/v1/analytics")
                    .service(get_only(
                        "/overview/{user_id}",
                        web::get().to(analytics::get_overview),
                    ))
                    .service(get_only(
                        "/platform/{user_id}/{platform}",
                        web::get().to(analytics::get_platform),
                    ))
                    .service(get_only(
                        "/content/{user_id}/{platform}/{post_id}",
                        web::get().to(analytics::get_content),
                    ))
                    .service(get_only(
                        "/recommendations/{user_id}",
                        web::get().to(analytics::get_recommendations),
                    ))
                    .service(get_only(
                        "/comparative/{user_id}",
                        web::get().to(analytics::get_comparative),
                    ))
                    .service(get_only(
                        "/chart/{user_id}/{metric}",
                        web::get().to(analytics::get_chart),
                    )),
            )
            .default_service(web::to(error::not_found));
    }
}

/// A resource answering GET (and HEAD), and 405 with an `Allow` header to other methods.
fn get_only(path: &str, route: actix_web::Route) -> actix_web::Resource {
    web::resource(path)
        .route(route)
        .default_service(web::to(error::method_not_allowed))
}

/// Runs the server until it is stopped by a signal.
pub fn serve(state: AppState, args: &ServeArgs) -> anyhow::Result<()> {
    let system = actix_web::rt::System::new();
    let bind = args.bind;
    let workers = args.workers;
    system.block_on(async move {
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(TracingLogger::default())
                .configure(configure(state.clone()))
        });
        if let Some(workers) = workers {
            server = server.workers(workers.max(1));
        }
        let server = server
            .bind(bind)
            .with_context(|| format!("listening on {bind}"))?;
        tracing::info!(%bind, "tally is serving; health at http://{bind}/healthz");
        server.run().await.context("running the HTTP server")
    })
}
