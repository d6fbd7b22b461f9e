//! `GET /healthz`: whether tally and its database answer.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::{ApiError, AppState};

#[derive(Serialize)]
struct HealthBody {
    status: &'static str,
    database: &'static str,
    version: &'static str,
}

/// 200 with the backend's name when a query succeeds; 503 otherwise.
pub async fn get_health(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let health = state.health.clone();
    let backend = health.backend();
    web::block(move || health.ping()).await?.map_err(|error| {
        tracing::warn!(%error, "health check failed");
        ApiError::unavailable(format!("the {backend} database is not answering"))
    })?;
    Ok(HttpResponse::Ok().json(HealthBody {
        status: "ok",
        database: backend,
        version: env!("CARGO_PKG_VERSION"),
    }))
}
