//! `GET /healthz`: whether tally and its database answer.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::openapi::{ErrorBody, MethodNotAllowed};
use super::{ApiError, AppState};

/// tally and its database answer.
#[derive(Serialize, ToSchema)]
struct HealthBody {
    /// Always `ok`.
    #[schema(examples("ok"))]
    status: &'static str,
    /// The database backend: `sqlite` or `postgres`.
    #[schema(examples("postgres"))]
    database: &'static str,
    /// tally's version.
    #[schema(examples("0.1.0"))]
    version: &'static str,
}

/// 200 with the backend's name when a query succeeds; 503 otherwise.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "meta",
    responses(
        (status = 200, description = "tally and its database answer.", body = HealthBody),
        MethodNotAllowed,
        (status = 500, description = "A failure of tally itself.", body = ErrorBody),
        (status = 503, description = "The database does not answer.", body = ErrorBody),
    )
)]
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
