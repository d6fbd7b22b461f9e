//! One error type for the HTTP edge, with the JSON body `{"error": {"code", "message"}}`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError, error};
use serde::Serialize;
use tally_store::StoreError;

/// A failure as the API reports it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// A header the answer must carry, such as `WWW-Authenticate` or `Retry-After`.
    header: Option<(header::HeaderName, String)>,
}

impl ApiError {
    /// A request that cannot be answered as asked: 400 with a message saying why.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
            header: None,
        }
    }

    /// Something that does not exist: 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: message.into(),
            header: None,
        }
    }

    /// A dependency that does not answer: 503.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "unavailable",
            message: message.into(),
            header: None,
        }
    }

    /// A failure of tally itself: 500, with the cause logged and not shown.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "request failed");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "an internal error occurred; it has been logged".into(),
            header: None,
        }
    }

    /// A request without a usable access token: 401 with a `WWW-Authenticate` challenge.
    pub fn unauthorized(challenge: super::auth::Challenge) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorized",
            message: challenge.message().into(),
            header: Some((
                header::WWW_AUTHENTICATE,
                challenge.header_value().to_owned(),
            )),
        }
    }

    /// Over the rate limit: 429, saying in `Retry-After` how many seconds to wait.
    pub fn too_many_requests(retry_after_seconds: u64) -> Self {
        Self {
            status: StatusCode::TOO_MANY_REQUESTS,
            code: "rate_limited",
            message: format!(
                "too many requests for this token; try again in {retry_after_seconds} s"
            ),
            header: Some((header::RETRY_AFTER, retry_after_seconds.to_string())),
        }
    }

    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::UnknownUser(user) => {
                ApiError::not_found(format!("user {user} does not exist"))
            }
            StoreError::UnknownAccount(account) => {
                ApiError::not_found(format!("account {account} does not exist"))
            }
            StoreError::Pool(_) => {
                tracing::warn!(%error, "no database connection became free in time");
                ApiError::unavailable("tally is busy; try again shortly")
            }
            other if other.is_unavailable() => {
                tracing::error!(error = %other, "database unavailable");
                ApiError::unavailable("the database is not answering; try again shortly")
            }
            other => ApiError::internal(&other),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        ApiError::internal(&error)
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some((name, value)) = &self.header {
            response.insert_header((name.clone(), value.clone()));
        }
        response.json(ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: &self.message,
            },
        })
    }
}

/// Answers requests that match no route with a JSON 404.
pub async fn not_found(request: HttpRequest) -> HttpResponse {
    ApiError::not_found(format!(
        "no endpoint at {} {}",
        request.method(),
        request.path()
    ))
    .error_response()
}

/// Answers a known path asked with a method it does not serve: 405, with the methods it
/// does serve in the `Allow` header and the message.
pub fn method_not_allowed(request: &HttpRequest, allow: &'static str) -> HttpResponse {
    ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        code: "method_not_allowed",
        message: format!(
            "{} is not allowed on {}; use {allow}",
            request.method(),
            request.path()
        ),
        header: Some((header::ALLOW, allow.to_owned())),
    }
    .error_response()
}

impl ApiError {
    /// A request body over the size limit: 413.
    pub fn payload_too_large(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "too_large",
            message: message.into(),
            header: None,
        }
    }

    /// The request conflicts with what is stored.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::CONFLICT,
            code: "conflict",
            message: message.into(),
            header: None,
        }
    }
}

pub(crate) fn query_error(err: error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request("invalid_query", err.to_string()).into()
}

pub(crate) fn path_error(err: error::PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request("invalid_path", err.to_string()).into()
}

pub(crate) fn json_error(err: error::JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    let status = match &err {
        error::JsonPayloadError::ContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        error::JsonPayloadError::Overflow { .. }
        | error::JsonPayloadError::OverflowKnownLength { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    };
    ApiError {
        status,
        code: "invalid_body",
        message: err.to_string(),
        header: None,
    }
    .into()
}
