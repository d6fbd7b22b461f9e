//! Accounts, collection jobs and their endpoints, end to end: a mock Mastodon server on
//! loopback for the real connector, and mockall connectors for failures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::test;
use chrono::Utc;
use serde_json::{Value, json};
use tally::collect::{ConnectorSource, PlatformConnectors, WorkerPool};
use tally::http::AppState;
use tally_connectors::{ConnectorError, MockPlatformConnector, PlatformConnector};
use tally_domain::{
    AccountMetric, AccountMetricRecord, ContentType, EngagementKind, EngagementRecord, IngestBatch,
    JobState, Platform, PostRecord, UserId,
};
use tally_store::testing::{Backend, TestDatabase};
use tally_store::{AnalyticsStore, JobStore};

const BASE: &str = "/api/v1/analytics";
const TOKEN: &str = "tok-test-not-real";

/// Real connectors, except for the platforms given mocks.
struct Connectors {
    real: PlatformConnectors,
    mocks: HashMap<Platform, Arc<dyn PlatformConnector>>,
}

impl ConnectorSource for Connectors {
    fn connector(&self, platform: Platform) -> Arc<dyn PlatformConnector> {
        self.mocks
            .get(&platform)
            .cloned()
            .unwrap_or_else(|| self.real.connector(platform))
    }
}

fn state(db: &TestDatabase, mocks: HashMap<Platform, Arc<dyn PlatformConnector>>) -> AppState {
    let connectors = Connectors {
        real: PlatformConnectors::new().unwrap(),
        mocks,
    };
    AppState::with_connectors(Arc::new(db.store()), Arc::new(connectors))
}

async fn app(
    state: AppState,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    common::init_as_admin(state).await
}

async fn send<S>(app: &S, request: test::TestRequest) -> (u16, Value, Option<String>)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|value| value.to_str().unwrap().to_owned());
    let body = test::read_body(response).await;
    let json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap()
    };
    (status, json, location)
}

fn put_json(uri: &str, body: Value) -> test::TestRequest {
    test::TestRequest::put().uri(uri).set_json(body)
}

fn post_json(uri: &str, body: Value) -> test::TestRequest {
    test::TestRequest::post().uri(uri).set_json(body)
}

async fn wait_until_finished<S>(app: &S, location: &str) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    for _ in 0..600 {
        let (status, job, _) = send(app, test::TestRequest::get().uri(location)).await;
        assert_eq!(status, 200, "{job}");
        if !["queued", "running"].contains(&job["state"].as_str().unwrap()) {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the job at {location} did not finish");
}

async fn collect_from_a_mastodon_server(db: TestDatabase) {
    let server = common::mastodon_server().await;
    let mut state = state(&db, HashMap::new());
    state.workers = Some(WorkerPool::start(state.collector.clone(), 1).await.unwrap());
    let app = app(state).await;

    let (status, user, _) = send(
        &app,
        put_json(
            &format!("{BASE}/users/21"),
            json!({"name": "Test Creator", "timezone": "Europe/Berlin"}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{user}");
    let body = json!({"platform": "mastodon", "handle": "@test_creator", "base_url": server.uri(), "credential": TOKEN});
    let (status, account, location) =
        send(&app, post_json(&format!("{BASE}/accounts/21"), body)).await;
    assert_eq!(status, 201, "{account}");
    assert_eq!(account["has_credential"], true);
    assert_eq!(account["status"], "active");
    assert!(
        !account.to_string().contains(TOKEN),
        "credentials are write-only"
    );
    assert_eq!(
        location.unwrap(),
        format!("{BASE}/accounts/21/{}", account["id"])
    );

    let (status, job, location) = send(
        &app,
        test::TestRequest::post().uri(&format!("{BASE}/collect/21?days_back=7")),
    )
    .await;
    assert_eq!(status, 202, "{job}");
    let location = location.unwrap();
    assert_eq!(location, format!("{BASE}/jobs/{}", job["id"]));
    let job = wait_until_finished(&app, &location).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["outcomes"][0]["posts"], 3, "{job}");
    assert_eq!(job["posts_written"], 3);

    let overview = |app| async move {
        let (status, body, _) = send(
            app,
            test::TestRequest::get().uri(&format!("{BASE}/overview/21?days=7")),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        body
    };
    let first = overview(&app).await;
    assert_eq!(first["totals"]["posts"]["current"], 3);
    assert_eq!(
        first["totals"]["likes"]["current"],
        10 + 7 + 21,
        "the boost is not the user's post"
    );
    assert_eq!(first["totals"]["comments"]["current"], 2 + 5);
    assert_eq!(first["totals"]["shares"]["current"], 3 + 1 + 4);
    assert_eq!(first["totals"]["followers"]["current"], 1234);

    // Collecting again in the foreground changes no total and duplicates no post.
    let (status, again, _) = send(
        &app,
        test::TestRequest::post().uri(&format!("{BASE}/collect/21?background=false")),
    )
    .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["state"], "succeeded");
    assert_ne!(again["id"], job["id"]);
    let second = overview(&app).await;
    assert_eq!(second["totals"], first["totals"]);
    let counts = db.store().row_counts(UserId(21)).unwrap();
    assert_eq!(counts.posts, 3);

    let (_, accounts, _) = send(
        &app,
        test::TestRequest::get().uri(&format!("{BASE}/accounts/21")),
    )
    .await;
    assert!(accounts[0]["last_collected_at"].is_string(), "{accounts}");
}

#[actix_web::test]
async fn collection_stores_exactly_what_the_platform_served_on_sqlite() {
    collect_from_a_mastodon_server(TestDatabase::create(Backend::Sqlite).unwrap()).await;
}

#[actix_web::test]
async fn collection_stores_exactly_what_the_platform_served_on_postgres() {
    if let Some(db) = TestDatabase::create(Backend::Postgres) {
        collect_from_a_mastodon_server(db).await;
    }
}

fn good_connector(platform: Platform) -> MockPlatformConnector {
    let mut connector = MockPlatformConnector::new();
    connector.expect_platform().return_const(platform);
    connector
        .expect_fetch_account_metrics()
        .returning(|_, now| {
            Ok(vec![AccountMetricRecord {
                day: now.date_naive(),
                metric: AccountMetric::Followers,
                value: 500,
                observed_at: now,
            }])
        });
    connector.expect_fetch_posts().returning(|_, _, now| {
        let mut batch = IngestBatch::default();
        batch.posts.push(PostRecord {
            external_id: "p-1".into(),
            content_type: ContentType::Text,
            published_at: now - chrono::Duration::hours(3),
            url: None,
            title: None,
        });
        batch.engagement.push(EngagementRecord {
            post_external_id: "p-1".into(),
            kind: EngagementKind::Like,
            count: 40,
            observed_at: now,
        });
        Ok(batch)
    });
    connector
}

fn refusing_connector(platform: Platform) -> MockPlatformConnector {
    let mut connector = MockPlatformConnector::new();
    connector.expect_platform().return_const(platform);
    let refusal = move || ConnectorError::Unauthorized {
        platform,
        reason: "the access token expired".into(),
    };
    connector
        .expect_fetch_account_metrics()
        .times(1)
        .returning(move |_, _| Err(refusal()));
    connector
        .expect_fetch_posts()
        .times(1)
        .returning(move |_, _, _| Err(refusal()));
    connector
}

#[actix_web::test]
async fn one_platform_failing_keeps_what_the_others_collected() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let mut mocks: HashMap<Platform, Arc<dyn PlatformConnector>> = HashMap::new();
    mocks.insert(Platform::X, Arc::new(good_connector(Platform::X)));
    mocks.insert(
        Platform::Bluesky,
        Arc::new(refusing_connector(Platform::Bluesky)),
    );
    let app = app(state(&db, mocks)).await;

    send(
        &app,
        put_json(&format!("{BASE}/users/22"), json!({"name": "Test Creator"})),
    )
    .await;
    for (platform, handle) in [("x", "test_creator"), ("bluesky", "test-creator.example")] {
        let body = json!({"platform": platform, "handle": handle, "credential": TOKEN});
        let (status, body, _) = send(&app, post_json(&format!("{BASE}/accounts/22"), body)).await;
        assert_eq!(status, 201, "{body}");
    }

    let (status, job, _) = send(
        &app,
        test::TestRequest::post().uri(&format!("{BASE}/collect/22?background=false")),
    )
    .await;
    assert_eq!(status, 200, "{job}");
    assert_eq!(job["state"], "partial", "{job}");
    let outcome = |platform: &str| {
        job["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["platform"] == platform)
            .unwrap()
            .clone()
    };
    assert_eq!(outcome("x")["state"], "succeeded");
    assert_eq!(outcome("x")["posts"], 1);
    assert_eq!(outcome("bluesky")["state"], "failed");
    let error = outcome("bluesky")["error"].as_str().unwrap().to_owned();
    assert!(error.contains("expired"), "{error}");
    assert!(!job.to_string().contains(TOKEN));

    let (_, accounts, _) = send(
        &app,
        test::TestRequest::get().uri(&format!("{BASE}/accounts/22")),
    )
    .await;
    let bluesky = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["platform"] == "bluesky")
        .unwrap();
    assert_eq!(bluesky["status"], "needs_reauthorization");
    assert_eq!(
        db.store().row_counts(UserId(22)).unwrap().posts,
        1,
        "X's post is stored"
    );

    // The refused account is skipped (the mock allows one call only) until it gets a new
    // credential.
    let (_, next, _) = send(
        &app,
        test::TestRequest::post().uri(&format!("{BASE}/collect/22?background=false")),
    )
    .await;
    assert_eq!(next["state"], "partial", "{next}");
    let skipped = next["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["platform"] == "bluesky")
        .unwrap();
    assert_eq!(skipped["state"], "skipped");
    let uri = format!("{BASE}/accounts/22/{}", bluesky["id"]);
    let request = test::TestRequest::patch()
        .uri(&uri)
        .set_json(json!({"credential": "tok-renewed"}));
    let (status, renewed, _) = send(&app, request).await;
    assert_eq!(status, 200, "{renewed}");
    assert_eq!(renewed["status"], "active");
}

#[actix_web::test]
async fn a_second_collect_returns_the_queued_job() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let app = app(state(&db, HashMap::new())).await;
    send(
        &app,
        put_json(&format!("{BASE}/users/23"), json!({"name": "Test Creator"})),
    )
    .await;

    let (status, first, location) = send(
        &app,
        test::TestRequest::post().uri(&format!("{BASE}/collect/23")),
    )
    .await;
    assert_eq!(status, 202, "{first}");
    assert_eq!(first["state"], "queued");
    let (status, second, again) = send(
        &app,
        test::TestRequest::post().uri(&format!("{BASE}/collect/23?days_back=30")),
    )
    .await;
    assert_eq!(status, 202, "{second}");
    assert_eq!(second["id"], first["id"]);
    assert_eq!(again, location);
    let (status, foreground, _) = send(
        &app,
        test::TestRequest::post().uri(&format!("{BASE}/collect/23?background=false")),
    )
    .await;
    assert_eq!(
        status, 202,
        "an active job is returned, not run twice: {foreground}"
    );
    assert_eq!(foreground["id"], first["id"]);
}

#[actix_web::test]
async fn a_job_interrupted_by_a_stop_is_resumed_at_start() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let mut mocks: HashMap<Platform, Arc<dyn PlatformConnector>> = HashMap::new();
    mocks.insert(Platform::X, Arc::new(good_connector(Platform::X)));
    let mut state = state(&db, mocks);
    let app = app(state.clone()).await;
    send(
        &app,
        put_json(&format!("{BASE}/users/24"), json!({"name": "Test Creator"})),
    )
    .await;
    let body = json!({"platform": "x", "handle": "test_creator", "credential": TOKEN});
    send(&app, post_json(&format!("{BASE}/accounts/24"), body)).await;

    // A worker claimed the job, then the process stopped before it finished.
    let store = db.store();
    let (job, _) = store.enqueue_collection(UserId(24), 7, Utc::now()).unwrap();
    store.claim_job(job.id, Utc::now()).unwrap().unwrap();

    state.workers = Some(WorkerPool::start(state.collector.clone(), 1).await.unwrap());
    let job = wait_until_finished(&app, &format!("{BASE}/jobs/{}", job.id)).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["attempts"], 2);
    assert_eq!(store.row_counts(UserId(24)).unwrap().posts, 1);
    assert_eq!(
        store
            .job(tally_domain::JobId(job["id"].as_i64().unwrap()))
            .unwrap()
            .unwrap()
            .state,
        JobState::Succeeded
    );
}

#[actix_web::test]
async fn bad_account_and_collection_requests_get_clear_errors() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let app = app(state(&db, HashMap::new())).await;
    send(
        &app,
        put_json(&format!("{BASE}/users/25"), json!({"name": "Test Creator"})),
    )
    .await;
    send(
        &app,
        put_json(
            &format!("{BASE}/users/26"),
            json!({"name": "Another Tester"}),
        ),
    )
    .await;
    let body = json!({"platform": "x", "handle": "test_creator"});
    let (_, account, _) = send(&app, post_json(&format!("{BASE}/accounts/25"), body)).await;
    let id = account["id"].as_i64().unwrap();

    let accounts = format!("{BASE}/accounts/25");
    let cases: Vec<(test::TestRequest, u16, &str)> = vec![
        (
            post_json(&accounts, json!({"platform": "myspace", "handle": "a"})),
            400,
            "valid values: mastodon",
        ),
        (
            post_json(&accounts, json!({"platform": "mastodon", "handle": "a"})),
            400,
            "needs base_url",
        ),
        (
            post_json(
                &accounts,
                json!({"platform": "mastodon", "handle": "a", "base_url": "ftp://x"}),
            ),
            400,
            "http or https",
        ),
        (
            post_json(
                &accounts,
                json!({"platform": "mastodon", "handle": "a", "base_url": "https://me:pw@example.social"}),
            ),
            400,
            "http or https",
        ),
        (
            post_json(&accounts, json!({"platform": "x", "handle": "  "})),
            400,
            "handle must have",
        ),
        (
            post_json(
                &accounts,
                json!({"platform": "x", "handle": "a", "credential": " "}),
            ),
            400,
            "credential is empty",
        ),
        (
            post_json(
                &accounts,
                json!({"platform": "x", "handle": "a", "colour": "red"}),
            ),
            400,
            "unknown field",
        ),
        (
            post_json(&accounts, json!({"handle": "a"})),
            400,
            "missing field `platform`",
        ),
        (
            test::TestRequest::post()
                .uri(&accounts)
                .insert_header(("content-type", "application/json"))
                .set_payload("{not json"),
            400,
            "key must be a string",
        ),
        (
            test::TestRequest::post()
                .uri(&accounts)
                .insert_header(("content-type", "text/plain"))
                .set_payload("x"),
            415,
            "Content type error",
        ),
        (
            post_json(
                &format!("{BASE}/accounts/999"),
                json!({"platform": "x", "handle": "a"}),
            ),
            404,
            "user 999 does not exist",
        ),
        (
            test::TestRequest::get().uri(&format!("{BASE}/accounts/26/{id}")),
            404,
            "user 26 has no account",
        ),
        (
            test::TestRequest::delete().uri(&format!("{BASE}/accounts/26/{id}")),
            404,
            "user 26 has no account",
        ),
        (
            test::TestRequest::patch()
                .uri(&format!("{BASE}/accounts/26/{id}"))
                .set_json(json!({})),
            404,
            "user 26 has no account",
        ),
        (
            test::TestRequest::get().uri(&format!("{BASE}/accounts/25/abc")),
            400,
            "account id is a whole number",
        ),
        (
            put_json(
                &format!("{BASE}/users/27"),
                json!({"name": "x", "timezone": "Mars/Base"}),
            ),
            400,
            "IANA",
        ),
        (
            put_json(&format!("{BASE}/users/27"), json!({"name": ""})),
            400,
            "name must have",
        ),
        (
            test::TestRequest::post().uri(&format!("{BASE}/collect/25?days_back=0")),
            400,
            "from 1 to 365",
        ),
        (
            test::TestRequest::post().uri(&format!("{BASE}/collect/25?days_back=366")),
            400,
            "from 1 to 365",
        ),
        (
            test::TestRequest::post().uri(&format!("{BASE}/collect/25?days_back=abc")),
            400,
            "from 1 to 365",
        ),
        (
            test::TestRequest::post().uri(&format!("{BASE}/collect/25?background=maybe")),
            400,
            "true or false",
        ),
        (
            test::TestRequest::post().uri(&format!("{BASE}/collect/25?when=now")),
            400,
            "days_back, background",
        ),
        (
            test::TestRequest::post().uri(&format!("{BASE}/collect/999")),
            404,
            "user 999 does not exist",
        ),
        (
            test::TestRequest::get().uri(&format!("{BASE}/collect/25")),
            405,
            "use POST",
        ),
        (
            test::TestRequest::get().uri(&format!("{BASE}/jobs/999")),
            404,
            "job 999 does not exist",
        ),
        (
            test::TestRequest::get().uri(&format!("{BASE}/jobs/abc")),
            400,
            "job id is a whole number",
        ),
    ];
    for (request, status, message) in cases {
        let (actual, body, _) = send(&app, request).await;
        assert_eq!(actual, status, "{message}: {body}");
        let text = body["error"]["message"].as_str().unwrap_or_default();
        assert!(text.contains(message), "expected '{message}' in: {text}");
    }

    let (status, _, _) = send(
        &app,
        test::TestRequest::delete().uri(&format!("{BASE}/accounts/25/{id}")),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _, _) = send(
        &app,
        test::TestRequest::get().uri(&format!("{BASE}/accounts/25/{id}")),
    )
    .await;
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn scheduled_collection_queues_and_runs_a_job_for_every_user_with_accounts() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let mut mocks: HashMap<Platform, Arc<dyn PlatformConnector>> = HashMap::new();
    mocks.insert(Platform::X, Arc::new(good_connector(Platform::X)));
    let mut state = state(&db, mocks);
    let app = app(state.clone()).await;
    send(
        &app,
        put_json(&format!("{BASE}/users/28"), json!({"name": "Test Creator"})),
    )
    .await;
    let body = json!({"platform": "x", "handle": "test_creator", "credential": TOKEN});
    send(&app, post_json(&format!("{BASE}/accounts/28"), body)).await;

    let pool = WorkerPool::start(state.collector.clone(), 1).await.unwrap();
    state.workers = Some(pool.clone());
    tally::collect::spawn_periodic_collection(
        state.collector.clone(),
        pool,
        Duration::from_millis(100),
        7,
    );

    let store = db.store();
    for _ in 0..600 {
        if store.row_counts(UserId(28)).unwrap().posts == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the scheduled collection did not store the account's post");
}

#[actix_web::test]
async fn a_credential_under_another_key_fails_that_account_only() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let mut mocks: HashMap<Platform, Arc<dyn PlatformConnector>> = HashMap::new();
    mocks.insert(Platform::X, Arc::new(good_connector(Platform::X)));
    let writer = app(state(&db, mocks)).await;
    send(
        &writer,
        put_json(&format!("{BASE}/users/25"), json!({"name": "Test Creator"})),
    )
    .await;
    let body = json!({"platform": "x", "handle": "test_creator", "credential": TOKEN});
    let (status, body, _) = send(&writer, post_json(&format!("{BASE}/accounts/25"), body)).await;
    assert_eq!(status, 201, "{body}");

    // The same database, opened with a key of its own: the stored credential does not fit.
    let other = app(state(&db, HashMap::new())).await;
    let (status, job, _) = send(
        &other,
        test::TestRequest::post().uri(&format!("{BASE}/collect/25?background=false")),
    )
    .await;
    assert_eq!(status, 200, "{job}");
    assert_eq!(job["state"], "failed", "{job}");
    let error = job["outcomes"][0]["error"].as_str().unwrap();
    assert!(
        error.contains("the stored credential cannot be decrypted with this key"),
        "{error}"
    );
    assert!(!job.to_string().contains(TOKEN));
}
