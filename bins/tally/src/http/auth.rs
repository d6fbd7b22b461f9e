//! Who is calling: bearer tokens on every `/api/` endpoint, and the per-token rate limit.
//!
//! [`authenticate`] runs before every handler under `/api/v1` (but the OpenAPI document). It
//! looks the token's hash up and leaves a [`Caller`] in the request; handlers take the
//! `Caller` and ask it whether a user's data may be shown. A user that the caller may not
//! see answers exactly like a user that does not exist, so ids cannot be probed.

use std::future::{Ready, ready};
use std::num::NonZeroU32;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tally_domain::{TokenScope, UserId};

use super::{ApiError, AppState};
use crate::access::hash_token;

/// The caller of an `/api/` endpoint, as its token says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The token's id, which rate limits are kept by.
    pub token_id: i64,
    /// What the token may reach.
    pub scope: TokenScope,
}

impl Caller {
    /// Parses the path's user id and checks that the caller may see that user: an id the
    /// caller may not see is a 404, worded like the one for a user that does not exist.
    pub fn user(&self, raw: &str) -> Result<UserId, ApiError> {
        let user = super::analytics::user_id(raw)?;
        self.require(user)?;
        Ok(user)
    }

    /// A 404 unless the caller may see `user`.
    pub fn require(&self, user: UserId) -> Result<(), ApiError> {
        if self.scope.reaches(user) {
            Ok(())
        } else {
            Err(ApiError::not_found(format!("user {user} does not exist")))
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        // Present whenever `authenticate` ran; its absence means a route outside the
        // authenticated scope asked for a caller, which must fail closed.
        ready(
            request
                .extensions()
                .get::<Caller>()
                .copied()
                .ok_or_else(|| ApiError::unauthorized(Challenge::Missing)),
        )
    }
}

/// Why a request carries no usable token, as the `WWW-Authenticate` header tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Challenge {
    /// No `Authorization` header.
    Missing,
    /// A header that is not `Bearer <token>`.
    Malformed,
    /// A token that is unknown or revoked.
    Invalid,
}

impl Challenge {
    /// The `WWW-Authenticate` value (RFC 6750).
    pub fn header_value(self) -> &'static str {
        match self {
            Challenge::Missing => "Bearer realm=\"tally\"",
            Challenge::Malformed => "Bearer realm=\"tally\", error=\"invalid_request\"",
            Challenge::Invalid => "Bearer realm=\"tally\", error=\"invalid_token\"",
        }
    }

    /// What the 401 body says.
    pub fn message(self) -> &'static str {
        match self {
            Challenge::Missing => {
                "this endpoint needs an access token: send 'Authorization: Bearer <token>' \
                 (`tally token create --user <id>` makes one)"
            }
            Challenge::Malformed => {
                "send one Authorization header, 'Bearer <token>', with a single token"
            }
            Challenge::Invalid => "the access token is not valid: it is unknown or was revoked",
        }
    }
}

/// The token in an `Authorization: Bearer <token>` header.
fn bearer_token(request: &ServiceRequest) -> Result<String, Challenge> {
    let mut values = request.headers().get_all(header::AUTHORIZATION);
    let value = values.next().ok_or(Challenge::Missing)?;
    if values.next().is_some() {
        return Err(Challenge::Malformed);
    }
    let value = value.to_str().map_err(|_| Challenge::Malformed)?;
    let (scheme, token) = value.trim().split_once(' ').ok_or(Challenge::Malformed)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer")
        || token.is_empty()
        || token.contains(char::is_whitespace)
    {
        return Err(Challenge::Malformed);
    }
    Ok(token.to_owned())
}

/// Middleware: answers 401 unless the request carries an active token, and otherwise puts
/// the [`Caller`] into the request for the handler.
pub async fn authenticate(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    match caller_of(&request).await {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.call(request)
                .await
                .map(ServiceResponse::map_into_left_body)
        }
        Err(error) => {
            let response = actix_web::ResponseError::error_response(&error);
            Ok(request.into_response(response).map_into_right_body())
        }
    }
}

async fn caller_of(request: &ServiceRequest) -> Result<Caller, ApiError> {
    let token = bearer_token(request).map_err(ApiError::unauthorized)?;
    let state = request
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal(&"the application state is missing"))?;
    let hash = hash_token(&token);
    let tokens = state.tokens.clone();
    let found = web::block(move || tokens.token_by_hash(&hash)).await??;
    match found {
        Some(token) if token.is_active() => Ok(Caller {
            token_id: token.id,
            scope: token.scope(),
        }),
        _ => Err(ApiError::unauthorized(Challenge::Invalid)),
    }
}

/// A per-token limit on requests to the expensive endpoints.
#[derive(Clone)]
pub struct RateLimit {
    limiter: Option<Arc<DefaultKeyedRateLimiter<i64>>>,
}

impl RateLimit {
    /// At most `per_minute` requests a minute for each token, in bursts of up to that many;
    /// no limit when `per_minute` is 0.
    pub fn per_minute(per_minute: u32) -> Self {
        let limiter = NonZeroU32::new(per_minute)
            .map(|rate| Arc::new(RateLimiter::keyed(Quota::per_minute(rate))));
        Self { limiter }
    }

    /// No limit at all.
    pub fn unlimited() -> Self {
        Self { limiter: None }
    }

    /// Counts one request of `caller`; a 429 telling when to retry when over the limit.
    pub fn check(&self, caller: &Caller) -> Result<(), ApiError> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        match limiter.check_key(&caller.token_id) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                Err(ApiError::too_many_requests(seconds.max(1)))
            }
        }
    }
}

impl std::fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimit")
            .field("on", &self.limiter.is_some())
            .finish()
    }
}

/// Who a token speaks for.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Me {
    /// The token's id, as `tally token list` shows it.
    pub token_id: i64,
    /// Whether the token reaches every user.
    pub admin: bool,
    /// The one user the token reaches; `null` for an admin token.
    pub user_id: Option<i64>,
}

/// `GET /api/v1/me`: whose token this is, so that a page knows whose data to show.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "meta",
    responses(
        (status = 200, description = "What the token reaches.", body = Me),
        super::openapi::MethodNotAllowed,
    )
)]
pub async fn get_me(caller: Caller) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(Me {
        token_id: caller.token_id,
        admin: caller.scope == TokenScope::Admin,
        user_id: caller.scope.user().map(UserId::get),
    })
}
