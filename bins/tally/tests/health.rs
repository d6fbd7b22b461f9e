//! `GET /healthz` and the JSON error contract, in-process.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use actix_web::{App, test};
use serde_json::Value;
use tally::http::{AppState, configure};
use tally_store::testing::{Backend, TestDatabase};
use tally_store::{Health, MockHealth, StoreError};

async fn health_of(state: AppState) -> (u16, Value) {
    let app = test::init_service(App::new().configure(configure(state))).await;
    let response =
        test::call_service(&app, test::TestRequest::get().uri("/healthz").to_request()).await;
    let status = response.status().as_u16();
    (status, test::read_body_json(response).await)
}

#[actix_web::test]
async fn health_reports_the_backend_on_both_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(db) = TestDatabase::create(backend) else {
            continue;
        };
        let store = Arc::new(db.store());
        let expected = store.backend();
        let (status, body) = health_of(AppState::from_store(store).unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(body["status"], "ok");
        assert_eq!(body["database"], expected);
    }
}

#[actix_web::test]
async fn a_database_that_does_not_answer_gives_503_not_500() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let mut state = AppState::from_store(Arc::new(db.store())).unwrap();
    let mut health = MockHealth::new();
    health.expect_backend().return_const("sqlite");
    health
        .expect_ping()
        .returning(|| Err(StoreError::Migration("disk unplugged".into())));
    state.health = Arc::new(health);

    let (status, body) = health_of(state).await;
    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], "unavailable");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("sqlite"), "{message}");
    assert!(
        !message.contains("disk unplugged"),
        "causes stay in the log: {message}"
    );
}

#[actix_web::test]
async fn unknown_paths_get_a_json_404() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let app = test::init_service(App::new().configure(configure(
        AppState::from_store(Arc::new(db.store())).unwrap(),
    )))
    .await;
    let response =
        test::call_service(&app, test::TestRequest::get().uri("/nowhere").to_request()).await;
    assert_eq!(response.status().as_u16(), 404);
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body["error"]["code"], "not_found");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/nowhere")
    );
}

#[actix_web::test]
async fn head_requests_are_answered_like_get_without_a_body() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let app = common::init_as_admin(AppState::from_store(Arc::new(db.store())).unwrap()).await;
    for uri in ["/healthz", "/api/v1/analytics/overview/1"] {
        let request = test::TestRequest::default()
            .method(actix_web::http::Method::HEAD)
            .uri(uri)
            .to_request();
        let response = test::call_service(&app, request).await;
        let status = response.status().as_u16();
        assert_ne!(status, 405, "{uri}");
        assert!(status == 200 || status == 404, "{uri}: {status}");
    }
}
