//! Access control over every endpoint: which token opens what, on both backends.
//!
//! The table crosses every route and method the API serves with seven callers: no token, a
//! malformed header, an unknown token, a revoked token, another user's token, the user's own
//! token and an admin token. User 1 owns the resources; user 2 holds "another user's" token.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, HeaderValue};
use actix_web::{App, test};
use chrono::Utc;
use serde_json::{Value, json};
use tally::http::auth::RateLimit;
use tally::http::{AppState, configure};
use tally_domain::{
    AccountId, EngagementKind, EngagementRecord, IngestBatch, NewAccount, NewUser, Platform,
    PostRecord, TokenScope, UserId,
};
use tally_store::testing::{Backend, TestDatabase};
use tally_store::{AccountStore, IngestStore, JobStore};

const BASE: &str = "/api/v1/analytics";

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    NoToken,
    Malformed,
    Unknown,
    Revoked,
    OtherUser,
    Owner,
    Admin,
}

const EVERYONE: [Who; 7] = [
    Who::NoToken,
    Who::Malformed,
    Who::Unknown,
    Who::Revoked,
    Who::OtherUser,
    Who::Owner,
    Who::Admin,
];

/// The tokens of one test database.
struct Tokens {
    revoked: HeaderValue,
    other: HeaderValue,
    owner: HeaderValue,
    admin: HeaderValue,
}

impl Tokens {
    fn header(&self, who: Who) -> Option<HeaderValue> {
        match who {
            Who::NoToken => None,
            Who::Malformed => Some(HeaderValue::from_static("Token abc")),
            Who::Unknown => Some(HeaderValue::from_static(
                "Bearer tly_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            )),
            Who::Revoked => Some(self.revoked.clone()),
            Who::OtherUser => Some(self.other.clone()),
            Who::Owner => Some(self.owner.clone()),
            Who::Admin => Some(self.admin.clone()),
        }
    }
}

/// What user 1 owns, to name in paths.
struct Owned {
    account: AccountId,
    post: String,
    job: i64,
}

fn user(id: i64) -> NewUser {
    NewUser {
        id: UserId(id),
        name: format!("Test Creator {id}"),
        timezone: "UTC".into(),
    }
}

fn mastodon(user: i64, handle: &str) -> NewAccount {
    NewAccount {
        user_id: UserId(user),
        platform: Platform::Mastodon,
        handle: handle.into(),
        base_url: None,
        credential: None,
    }
}

/// Users 1 and 2, an account, a post and a job of user 1, and the tokens.
fn set_up(state: &AppState, db: &TestDatabase) -> (Tokens, Owned) {
    let store = db.store();
    store.upsert_user(&user(1)).unwrap();
    store.upsert_user(&user(2)).unwrap();
    let account = store.upsert_account(&mastodon(1, "owner")).unwrap();
    let published = Utc::now() - chrono::Duration::days(2);
    let batch = IngestBatch {
        posts: vec![PostRecord {
            external_id: "109000000000000001".into(),
            content_type: tally_domain::ContentType::Text,
            published_at: published,
            url: None,
            title: Some("An invented post".into()),
        }],
        engagement: vec![EngagementRecord {
            post_external_id: "109000000000000001".into(),
            kind: EngagementKind::Like,
            count: 12,
            observed_at: Utc::now(),
        }],
        performance: vec![],
        account_metrics: vec![],
    };
    store.ingest(account.id, &batch).unwrap();
    let post = "109000000000000001".to_owned();
    let (job, _) = store.enqueue_collection(UserId(1), 7, Utc::now()).unwrap();

    let revoked = common::bearer(state, TokenScope::User(UserId(1)));
    let revoked_id = state.tokens.tokens().unwrap().last().unwrap().id;
    state.tokens.revoke_token(revoked_id, Utc::now()).unwrap();
    let tokens = Tokens {
        revoked,
        other: common::bearer(state, TokenScope::User(UserId(2))),
        owner: common::bearer(state, TokenScope::User(UserId(1))),
        admin: common::bearer(state, TokenScope::Admin),
    };
    let owned = Owned {
        account: account.id,
        post,
        job: job.id.get(),
    };
    (tokens, owned)
}

/// One request of the table, and the status the owner and an admin get.
struct Case {
    method: &'static str,
    route: &'static str,
    uri: String,
    body: Option<Body>,
    success: u16,
}

enum Body {
    Json(Value),
    File(&'static str),
}

const TALLY_CSV: &str = "# tally-csv v1 posts\n\
    platform,external_id,content_type,published_at,observed_at,like\n\
    mastodon,109000000000000777,text,2026-11-02T10:00:00Z,2026-11-03T10:00:00Z,5\n\
    # end 1 rows\n";

fn cases(owned: &Owned) -> Vec<Case> {
    let get = |route: &'static str, uri: String| Case {
        method: "GET",
        route,
        uri,
        body: None,
        success: 200,
    };
    let account = owned.account;
    let mut cases = vec![
        get(
            "/api/v1/analytics/overview/{user_id}",
            format!("{BASE}/overview/1"),
        ),
        get(
            "/api/v1/analytics/platform/{user_id}/{platform}",
            format!("{BASE}/platform/1/mastodon"),
        ),
        get(
            "/api/v1/analytics/content/{user_id}/{platform}/{post_id}",
            format!("{BASE}/content/1/mastodon/{}", owned.post),
        ),
        get(
            "/api/v1/analytics/recommendations/{user_id}",
            format!("{BASE}/recommendations/1"),
        ),
        get(
            "/api/v1/analytics/comparative/{user_id}",
            format!("{BASE}/comparative/1"),
        ),
        get(
            "/api/v1/analytics/chart/{user_id}/{metric}",
            format!("{BASE}/chart/1/likes"),
        ),
        get(
            "/api/v1/analytics/visualization/{user_id}/{chart_type}",
            format!("{BASE}/visualization/1/time_series"),
        ),
        get(
            "/api/v1/analytics/visualization/{user_id}/{chart_type}",
            format!("{BASE}/visualization/1/dashboard"),
        ),
        get(
            "/api/v1/analytics/users/{user_id}",
            format!("{BASE}/users/1"),
        ),
        Case {
            method: "PUT",
            route: "/api/v1/analytics/users/{user_id}",
            uri: format!("{BASE}/users/1"),
            body: Some(Body::Json(json!({"name": "Renamed", "timezone": "UTC"}))),
            success: 200,
        },
        get(
            "/api/v1/analytics/accounts/{user_id}",
            format!("{BASE}/accounts/1"),
        ),
        Case {
            method: "POST",
            route: "/api/v1/analytics/accounts/{user_id}",
            uri: format!("{BASE}/accounts/1"),
            body: Some(Body::Json(
                json!({"platform": "bluesky", "handle": "owner.test"}),
            )),
            success: 201,
        },
        get(
            "/api/v1/analytics/accounts/{user_id}/{account_id}",
            format!("{BASE}/accounts/1/{account}"),
        ),
        Case {
            method: "PATCH",
            route: "/api/v1/analytics/accounts/{user_id}/{account_id}",
            uri: format!("{BASE}/accounts/1/{account}"),
            body: Some(Body::Json(json!({"credential": "tok-test-not-real"}))),
            success: 200,
        },
        Case {
            method: "POST",
            route: "/api/v1/analytics/collect/{user_id}",
            uri: format!("{BASE}/collect/1"),
            body: None,
            success: 202,
        },
        get(
            "/api/v1/analytics/jobs/{job_id}",
            format!("{BASE}/jobs/{}", owned.job),
        ),
        Case {
            method: "POST",
            route: "/api/v1/analytics/import/{user_id}",
            uri: format!("{BASE}/import/1?format=tally-csv"),
            body: Some(Body::File(TALLY_CSV)),
            success: 200,
        },
        get(
            "/api/v1/analytics/export/{user_id}/{kind}",
            format!("{BASE}/export/1/posts"),
        ),
    ];
    // Last, since it removes the account the rows above name.
    cases.push(Case {
        method: "DELETE",
        route: "/api/v1/analytics/accounts/{user_id}/{account_id}",
        uri: format!("{BASE}/accounts/1/{account}"),
        body: None,
        success: 204,
    });
    cases
}

/// The status `who` must get for a case.
fn expected(case: &Case, who: Who) -> u16 {
    match who {
        Who::NoToken | Who::Malformed | Who::Unknown | Who::Revoked => 401,
        Who::OtherUser => 404,
        Who::Owner | Who::Admin => case.success,
    }
}

async fn send<S>(
    app: &S,
    method: &str,
    uri: &str,
    body: Option<&Body>,
    who: Option<HeaderValue>,
) -> (u16, Value, Option<String>)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let mut request = test::TestRequest::default()
        .method(method.parse().unwrap())
        .uri(uri);
    if let Some(header) = who {
        request = request.insert_header((AUTHORIZATION, header));
    }
    request = match body {
        Some(Body::Json(json)) => request.set_json(json),
        Some(Body::File(file)) => request
            .insert_header(("content-type", "application/octet-stream"))
            .set_payload(file.to_owned()),
        None => request,
    };
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|value| value.to_str().unwrap().to_owned());
    let bytes = test::read_body(response).await;
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, body, challenge)
}

async fn every_endpoint_answers_each_caller_as_its_token_allows(backend: Backend) {
    let Some(db) = TestDatabase::create(backend) else {
        return;
    };
    let state = AppState::from_store(Arc::new(db.store())).unwrap();
    let (tokens, owned) = set_up(&state, &db);
    let app = test::init_service(App::new().configure(configure(state))).await;

    // The table covers every operation the API document lists under /api/v1/analytics.
    let (_, doc, _) = send(&app, "GET", "/api/v1/openapi.json", None, None).await;
    let documented: std::collections::BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, _)| path.starts_with(BASE))
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect();
    let covered = cases(&owned)
        .iter()
        .map(|case| (case.method.to_owned(), case.route.to_owned()))
        .collect();
    assert_eq!(documented, covered);

    // The account and its job are the owner's; the admin then repeats what the owner did,
    // so run the admin last for the one write that cannot be repeated (DELETE).
    let mut checked = 0;
    for case in cases(&owned) {
        for who in EVERYONE {
            if case.method == "DELETE" && who == Who::Owner {
                continue;
            }
            let (status, body, challenge) = send(
                &app,
                case.method,
                &case.uri,
                case.body.as_ref(),
                tokens.header(who),
            )
            .await;
            let want = expected(&case, who);
            assert_eq!(status, want, "{who:?} {} {}: {body}", case.method, case.uri);
            match status {
                401 => {
                    assert_eq!(body["error"]["code"], "unauthorized", "{body}");
                    let challenge = challenge.expect("a 401 carries WWW-Authenticate");
                    assert!(
                        challenge.starts_with("Bearer realm=\"tally\""),
                        "{challenge}"
                    );
                    let detail = match who {
                        Who::NoToken => None,
                        Who::Malformed => Some("invalid_request"),
                        _ => Some("invalid_token"),
                    };
                    assert_eq!(
                        challenge.contains("error="),
                        detail.is_some(),
                        "{who:?}: {challenge}"
                    );
                    if let Some(detail) = detail {
                        assert!(challenge.contains(detail), "{who:?}: {challenge}");
                    }
                }
                404 => {
                    // Worded like a user or job that does not exist: nothing to probe.
                    let message = body["error"]["message"].as_str().unwrap();
                    assert!(
                        message == "user 1 does not exist"
                            || message == format!("job {} does not exist", owned.job),
                        "{message}"
                    );
                }
                _ => {}
            }
            checked += 1;
        }
    }
    // The owner's own DELETE, on an account of its own.
    let store = db.store();
    let spare = store.upsert_account(&mastodon(1, "spare")).unwrap();
    let uri = format!("{BASE}/accounts/1/{}", spare.id);
    let (status, _, _) = send(&app, "DELETE", &uri, None, tokens.header(Who::Owner)).await;
    assert_eq!(status, 204);
    assert!(checked > 120, "{checked} requests checked");
}

#[actix_web::test]
async fn every_endpoint_answers_each_caller_as_its_token_allows_on_sqlite() {
    every_endpoint_answers_each_caller_as_its_token_allows(Backend::Sqlite).await;
}

#[actix_web::test]
async fn every_endpoint_answers_each_caller_as_its_token_allows_on_postgres() {
    every_endpoint_answers_each_caller_as_its_token_allows(Backend::Postgres).await;
}

#[actix_web::test]
async fn tokens_say_whom_they_reach_and_open_nothing_else() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let state = AppState::from_store(Arc::new(db.store())).unwrap();
    let (tokens, _) = set_up(&state, &db);
    let app = test::init_service(App::new().configure(configure(state))).await;

    let (status, me, _) = send(&app, "GET", "/api/v1/me", None, tokens.header(Who::Owner)).await;
    assert_eq!(status, 200);
    assert_eq!(me["admin"], false);
    assert_eq!(me["user_id"], 1);
    let (_, me, _) = send(&app, "GET", "/api/v1/me", None, tokens.header(Who::Admin)).await;
    assert_eq!(me["admin"], true);
    assert_eq!(me["user_id"], Value::Null);
    for who in [Who::NoToken, Who::Malformed, Who::Unknown, Who::Revoked] {
        let (status, _, _) = send(&app, "GET", "/api/v1/me", None, tokens.header(who)).await;
        assert_eq!(status, 401, "{who:?}");
    }

    // A user token cannot create users; an admin token can.
    let body = Body::Json(json!({"name": "New Creator", "timezone": "UTC"}));
    let uri = format!("{BASE}/users/5");
    let (status, _, _) = send(&app, "PUT", &uri, Some(&body), tokens.header(Who::Owner)).await;
    assert_eq!(status, 404);
    let (status, _, _) = send(&app, "PUT", &uri, Some(&body), tokens.header(Who::Admin)).await;
    assert!(status == 200 || status == 201, "{status}");

    // A user that does not exist and one the token may not see answer alike.
    let (_, missing, _) = send(
        &app,
        "GET",
        &format!("{BASE}/overview/999"),
        None,
        tokens.header(Who::OtherUser),
    )
    .await;
    let (_, hidden, _) = send(
        &app,
        "GET",
        &format!("{BASE}/overview/1"),
        None,
        tokens.header(Who::OtherUser),
    )
    .await;
    assert_eq!(
        missing["error"]["message"]
            .as_str()
            .unwrap()
            .replace("999", "N"),
        hidden["error"]["message"]
            .as_str()
            .unwrap()
            .replace('1', "N")
    );

    // Two Authorization headers are refused, whichever comes first.
    let request = test::TestRequest::get()
        .uri("/api/v1/me")
        .append_header((AUTHORIZATION, tokens.header(Who::Owner).unwrap()))
        .append_header((AUTHORIZATION, tokens.header(Who::Admin).unwrap()))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status().as_u16(), 401);
    let challenge = response.headers().get("www-authenticate").unwrap();
    assert!(challenge.to_str().unwrap().contains("invalid_request"));

    // The health check and the API document need no token.
    for uri in ["/healthz", "/api/v1/openapi.json"] {
        let (status, _, _) = send(&app, "GET", uri, None, None).await;
        assert_eq!(status, 200, "{uri}");
    }
    // Unknown paths under /api/ do not tell what exists to a caller without a token.
    let (status, _, _) = send(&app, "GET", "/api/v1/analytics/nowhere/1", None, None).await;
    assert_eq!(status, 401);
}

#[actix_web::test]
async fn expensive_endpoints_are_limited_per_token_with_retry_after() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let mut state = AppState::from_store(Arc::new(db.store())).unwrap();
    state.rate_limit = RateLimit::per_minute(2);
    let (tokens, _) = set_up(&state, &db);
    let app = test::init_service(App::new().configure(configure(state))).await;
    let dashboard = format!("{BASE}/visualization/1/dashboard");

    for _ in 0..2 {
        let (status, _, _) = send(&app, "GET", &dashboard, None, tokens.header(Who::Owner)).await;
        assert_eq!(status, 200);
    }
    let request = test::TestRequest::get()
        .uri(&dashboard)
        .insert_header((AUTHORIZATION, tokens.header(Who::Owner).unwrap()))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status().as_u16(), 429);
    let wait: u64 = response
        .headers()
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body["error"]["code"], "rate_limited");

    // Collection and imports count against the same token; other tokens and cheap reads
    // are not held back.
    let collect = format!("{BASE}/collect/1");
    let (status, _, _) = send(&app, "POST", &collect, None, tokens.header(Who::Owner)).await;
    assert_eq!(status, 429);
    let (status, _, _) = send(&app, "GET", &dashboard, None, tokens.header(Who::Admin)).await;
    assert_eq!(status, 200);
    let overview = format!("{BASE}/overview/1");
    let (status, _, _) = send(&app, "GET", &overview, None, tokens.header(Who::Owner)).await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn cross_origin_requests_are_refused_unless_the_origin_is_allowed() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let preflight = |origin: &str| {
        test::TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri(&format!("{BASE}/overview/1"))
            .insert_header(("origin", origin.to_owned()))
            .insert_header(("access-control-request-method", "GET"))
            .insert_header(("access-control-request-headers", "authorization"))
            .to_request()
    };
    let allowed = |headers: &actix_web::http::header::HeaderMap| {
        headers
            .get("access-control-allow-origin")
            .map(|value| value.to_str().unwrap().to_owned())
    };

    let state = AppState::from_store(Arc::new(db.store())).unwrap();
    let off = test::init_service(
        App::new()
            .wrap(tally::http::cors(&[]))
            .configure(configure(state)),
    )
    .await;
    let response = test::call_service(&off, preflight("https://dash.example")).await;
    assert_eq!(allowed(response.headers()), None);

    let state = AppState::from_store(Arc::new(db.store())).unwrap();
    let origins = vec!["https://dash.example".to_owned()];
    let on = test::init_service(
        App::new()
            .wrap(tally::http::cors(&origins))
            .configure(configure(state)),
    )
    .await;
    let response = test::call_service(&on, preflight("https://dash.example")).await;
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(
        allowed(response.headers()).as_deref(),
        Some("https://dash.example")
    );
    let response = test::call_service(&on, preflight("https://elsewhere.example")).await;
    assert_eq!(allowed(response.headers()), None);
}

#[actix_web::test]
async fn uploads_are_written_only_inside_the_upload_folder() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let folder = tempfile::tempdir().unwrap();
    let mut state = AppState::from_store(Arc::new(db.store())).unwrap();
    state.upload_dir = folder.path().join("data").join("uploads");
    let (tokens, _) = set_up(&state, &db);
    let app = test::init_service(App::new().configure(configure(state))).await;

    let uri = format!("{BASE}/import/1?format=tally-csv&filename=..%2F..%2Fescaped.csv");
    let body = Body::File(TALLY_CSV);
    let (status, report, _) =
        send(&app, "POST", &uri, Some(&body), tokens.header(Who::Owner)).await;
    assert_eq!(status, 200, "{report}");

    let uploads = folder.path().join("data").join("uploads");
    assert!(uploads.is_dir());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&uploads).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    assert_eq!(
        std::fs::read_dir(&uploads).unwrap().count(),
        0,
        "nothing left behind"
    );
    let names: Vec<_> = std::fs::read_dir(folder.path().join("data"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("uploads")]);
    assert!(!folder.path().join("escaped.csv").exists());
}
