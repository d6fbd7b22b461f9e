//! Shared set-up for the HTTP tests: a seeded store and the app built in-process.

#![allow(dead_code)]

use std::sync::Arc;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, HeaderValue};
use actix_web::{App, test};
use chrono::Utc;
use serde_json::{Value, json};
use tally::http::{AppState, configure};
use tally_domain::{TokenScope, UserId};
use tally_sample::{SampleOptions, SampleUser, generate};
use tally_store::testing::{Backend, TestDatabase};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

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

/// A Mastodon server with one account and three recent statuses (and a boost, which is
/// someone else's post).
pub async fn mastodon_server() -> MockServer {
    let server = MockServer::start().await;
    let account = json!({
        "id": "109000000000000001", "username": "test_creator", "acct": "test_creator",
        "display_name": "Test Creator", "locked": false, "bot": false,
        "created_at": "2023-01-05T00:00:00.000Z", "note": "", "url": format!("{}/@test_creator", server.uri()),
        "followers_count": 1234, "following_count": 56, "statuses_count": 410,
        "last_status_at": "2026-12-01", "emojis": [], "fields": []
    });
    let status = |id: &str, hours_ago: i64, likes: u64, replies: u64, boosts: u64, media: Value| {
        let created = (Utc::now() - chrono::Duration::hours(hours_ago))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        json!({
            "id": id, "created_at": created, "visibility": "public",
            "url": format!("{}/@test_creator/{id}", server.uri()),
            "replies_count": replies, "reblogs_count": boosts, "favourites_count": likes,
            "content": "<p>An invented post</p>", "reblog": null, "media_attachments": media
        })
    };
    let mut boost = status("109000000000000200", 2, 900, 90, 90, json!([]));
    boost["reblog"] = status("109000000000000999", 3, 900, 90, 90, json!([]));
    let statuses = json!([
        boost,
        status(
            "109000000000000105",
            5,
            10,
            2,
            3,
            json!([{"id": "1", "type": "image", "url": "https://example.invalid/1.png"}])
        ),
        status("109000000000000104", 30, 7, 5, 1, json!([])),
        status(
            "109000000000000103",
            80,
            21,
            0,
            4,
            json!([{"id": "2", "type": "video", "url": "https://example.invalid/2.mp4"}])
        ),
    ]);
    Mock::given(method("GET"))
        .and(path("/api/v1/accounts/lookup"))
        .and(query_param("acct", "test_creator"))
        .respond_with(ResponseTemplate::new(200).set_body_json(account))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/accounts/109000000000000001/statuses"))
        .respond_with(ResponseTemplate::new(200).set_body_json(statuses))
        .mount(&server)
        .await;
    server
}
