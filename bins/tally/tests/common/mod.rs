//! Shared set-up for the HTTP tests: a seeded store and the app built in-process.

#![allow(dead_code)]

use std::sync::Arc;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, HeaderValue};
use actix_web::{App, test};
use chrono::Utc;
use serde_json::Value;
use tally::http::{AppState, configure};
use tally_domain::{TokenScope, UserId};
use tally_sample::{SampleOptions, SampleUser, generate};
use tally_store::testing::{Backend, TestDatabase};

/// Days of sample history seeded for the tests.
pub const SEEDED_DAYS: u32 = 120;

/// A database with one seeded user, and the sample that was stored.
pub struct Seeded {
    pub db: TestDatabase,
    pub sample: SampleUser,
}

/// Seeds user `user` with [`SEEDED_DAYS`] of history up to today, or `None` when the
/// backend is not available (PostgreSQL without a test server).
pub fn seeded(backend: Backend, user: i64) -> Option<Seeded> {
    let db = TestDatabase::create(backend)?;
    let options = SampleOptions::new(UserId(user), SEEDED_DAYS, Utc::now().date_naive());
    let sample = generate(&options);
    tally::seed::store_sample(&db.store(), &sample).expect("seed the test database");
    Some(Seeded { db, sample })
}

/// The app over `db`, as `tally serve` builds it, called with an admin token.
pub async fn app(
    db: &TestDatabase,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    let state = AppState::from_store(Arc::new(db.store())).unwrap();
    init_as_admin(state).await
}

/// A new token for `scope`, as a ready `Authorization` header value.
pub fn bearer(state: &AppState, scope: TokenScope) -> HeaderValue {
    let issued = tally::access::issue(&*state.tokens, scope, "tests").unwrap();
    HeaderValue::from_str(&format!("Bearer {}", issued.secret.expose())).unwrap()
}

/// The app over `state`, where every request that carries no `Authorization` header is
/// sent with a new admin token: the tests of what endpoints answer need not repeat the
/// header, and `tests/auth.rs` checks the tokens themselves.
pub async fn init_as_admin(
    state: AppState,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    let admin = bearer(&state, TokenScope::Admin);
    test::init_service(App::new().configure(configure(state)).wrap_fn(
        move |mut request, service| {
            if !request.headers().contains_key(AUTHORIZATION) {
                request.headers_mut().insert(AUTHORIZATION, admin.clone());
            }
            service.call(request)
        },
    ))
    .await
}

/// GETs `uri` and returns the status and the JSON body.
pub async fn get_json<S>(app: &S, uri: &str) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let response = test::call_service(app, test::TestRequest::get().uri(uri).to_request()).await;
    let status = response.status().as_u16();
    let body = test::read_body(response).await;
    let json = serde_json::from_slice(&body).unwrap_or_else(|error| {
        panic!("{uri} answered {status} with a body that is not JSON: {error}")
    });
    (status, json)
}

/// The weekday's name as the API spells it.
pub fn weekday_name(weekday: chrono::Weekday) -> &'static str {
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ][weekday.num_days_from_monday() as usize]
}

/// Runs `check` on each available backend.
pub async fn on_each_backend<F, Fut>(user: i64, check: F)
where
    F: Fn(Seeded) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if let Some(seeded) = seeded(backend, user) {
            check(seeded).await;
        }
    }
}
