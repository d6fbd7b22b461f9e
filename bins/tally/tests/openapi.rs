//! The OpenAPI document at `GET /api/v1/openapi.json`, fetched from the app in-process: it
//! documents exactly the routes and methods of [`ROUTES`], each of which the app serves, with
//! their parameters; it is a valid OpenAPI 3.1 document whose references all resolve; and the
//! bodies and headers the endpoints send match what it documents.
//!
//! After an intended change to the API, refresh the snapshot with
//! `INSTA_UPDATE=always cargo test -p tally --test openapi` and review its diff.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod schema;

use std::collections::BTreeSet;
use std::sync::Arc;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{App, test};
use common::{Seeded, app, get_json, on_each_backend};
use schema::{assert_conforms, resolve};
use serde_json::{Value, json};
use tally::collect::{ConnectorSource, MAX_DAYS_BACK};
use tally::http::params::{DEFAULT_DAYS, PARAMETERS};
use tally::http::{AppState, configure};
use tally_analyzer::{Granularity, RateBy, SeriesMetric};
use tally_charts::ComparisonMeasure;
use tally_connectors::{ConnectorError, MockPlatformConnector, PlatformConnector};
use tally_domain::{DateRange, Platform};
use tally_importers::{CsvKind, Format};
use tally_store::testing::{Backend, TestDatabase};

const DOCUMENT: &str = "/api/v1/openapi.json";

/// A credential sent in the tests; no response may contain it.
const TOKEN: &str = "tok-test-not-real";

/// The query parameters a route reads.
#[derive(Clone, Copy, Debug)]
enum Query {
    /// None: the query string is ignored.
    Ignored,
    /// The common analytics parameters, and these of its own.
    Analytics(&'static [&'static str]),
    /// Only these.
    Own(&'static [&'static str]),
}

/// A route the app serves.
struct Route {
    /// The route spelled as actix matches it.
    path: &'static str,
    /// The methods it serves, as the document names them (HEAD goes with GET unlisted).
    methods: &'static [&'static str],
    /// What it reads from the query string.
    query: Query,
}

const fn route(path: &'static str, methods: &'static [&'static str], query: Query) -> Route {
    Route {
        path,
        methods,
        query,
    }
}

/// The routes the app serves; a route added to the app is added here once its handler is
/// documented.
const ROUTES: &[Route] = &[
    route("/healthz", &["get"], Query::Ignored),
    route("/api/v1/openapi.json", &["get"], Query::Ignored),
    route("/api/v1/me", &["get"], Query::Ignored),
    route(
        "/api/v1/analytics/overview/{user_id}",
        &["get"],
        Query::Analytics(&[]),
    ),
    route(
        "/api/v1/analytics/platform/{user_id}/{platform}",
        &["get"],
        Query::Analytics(&[]),
    ),
    route(
        "/api/v1/analytics/content/{user_id}/{platform}/{post_id}",
        &["get"],
        Query::Analytics(&[]),
    ),
    route(
        "/api/v1/analytics/recommendations/{user_id}",
        &["get"],
        Query::Analytics(&[]),
    ),
    route(
        "/api/v1/analytics/comparative/{user_id}",
        &["get"],
        Query::Analytics(&[]),
    ),
    route(
        "/api/v1/analytics/chart/{user_id}/{metric}",
        &["get"],
        Query::Analytics(&[]),
    ),
    route(
        "/api/v1/analytics/visualization/{user_id}/{chart_type}",
        &["get"],
        Query::Analytics(&["metric", "measure", "format"]),
    ),
    route(
        "/api/v1/analytics/users/{user_id}",
        &["get", "put"],
        Query::Ignored,
    ),
    route(
        "/api/v1/analytics/accounts/{user_id}",
        &["get", "post"],
        Query::Ignored,
    ),
    route(
        "/api/v1/analytics/accounts/{user_id}/{account_id}",
        &["get", "patch", "delete"],
        Query::Ignored,
    ),
    route(
        "/api/v1/analytics/collect/{user_id}",
        &["post"],
        Query::Own(&["days_back", "background"]),
    ),
    route("/api/v1/analytics/jobs/{job_id}", &["get"], Query::Ignored),
    route(
        "/api/v1/analytics/import/{user_id}",
        &["post"],
        Query::Own(&["format", "filename"]),
    ),
    route(
        "/api/v1/analytics/export/{user_id}/{kind}",
        &["get"],
        Query::Analytics(&[]),
    ),
];

/// Every method the document may name, apart from HEAD.
const METHODS: &[&str] = &["get", "put", "post", "patch", "delete"];

/// The prefix of the analytics API.
const BASE: &str = "/api/v1/analytics";

#[actix_web::test]
async fn the_document_is_valid_openapi_3_1_and_every_reference_resolves() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let app = app(&db).await;
    let (status, mut doc) = get_json(&app, DOCUMENT).await;
    assert_eq!(status, 200, "{doc}");
    assert_eq!(doc["info"]["title"], "tally");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));

    let spec = oas3::from_json(doc.to_string()).expect("an OpenAPI 3.1 document");
    let version = spec
        .validate_version()
        .expect("a supported OpenAPI version");
    assert_eq!((version.major, version.minor), (3, 1));
    let operations: usize = ROUTES.iter().map(|route| route.methods.len()).sum();
    assert_eq!(spec.operations().count(), operations);
    for (path, method, operation) in spec.operations() {
        let parameters = operation.parameters(&spec);
        assert!(parameters.is_ok(), "{method} {path}: {parameters:?}");
        let request_body = operation.request_body(&spec);
        assert!(request_body.is_ok(), "{method} {path}: {request_body:?}");
        for (media_type, content) in request_body.unwrap().iter().flat_map(|body| &body.content) {
            let schema = content.schema(&spec);
            assert!(schema.is_ok(), "{method} {path} {media_type}: {schema:?}");
        }
        let responses = operation.responses(&spec);
        let declared = operation.responses.as_ref().map_or(0, |all| all.len());
        assert_eq!(
            responses.len(),
            declared,
            "{method} {path}: a response does not resolve"
        );
        for (status, response) in &responses {
            for (media_type, content) in &response.content {
                let schema = content.schema(&spec);
                assert!(
                    schema.is_ok(),
                    "{method} {path} {status} {media_type}: {schema:?}"
                );
            }
        }
    }

    let mut references = Vec::new();
    collect_references(&doc, &mut references);
    assert!(references.len() > 20, "{references:?}");
    for reference in references {
        assert!(
            reference.starts_with("#/components/schemas/"),
            "{reference} is not a schema component"
        );
        assert!(
            doc.pointer(&reference[1..]).is_some(),
            "{reference} does not resolve"
        );
    }

    doc["info"]["version"] = json!("[version]");
    insta::assert_json_snapshot!("openapi_document", doc);
}

#[actix_web::test]
async fn every_route_is_served_and_documented_with_its_methods_and_parameters() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let state = AppState::from_store(Arc::new(db.store())).unwrap();
    let admin = common::bearer(&state, tally_domain::TokenScope::Admin);
    // Reports the route pattern actix matched, to prove that `ROUTES` is what is served.
    let app = test::init_service(App::new().configure(configure(state)).wrap_fn(
        move |mut request, service| {
            request
                .headers_mut()
                .insert(actix_web::http::header::AUTHORIZATION, admin.clone());
            let route = request.match_pattern();
            let response = service.call(request);
            async move {
                let mut response = response.await?;
                if let Some(route) = route {
                    let value = HeaderValue::from_str(&route).unwrap();
                    let name = HeaderName::from_static("x-matched-route");
                    response.headers_mut().insert(name, value);
                }
                Ok(response)
            }
        },
    ))
    .await;
    let (_, doc) = get_json(&app, DOCUMENT).await;
    let paths = doc["paths"].as_object().unwrap();
    let documented: BTreeSet<&str> = paths.keys().map(String::as_str).collect();
    assert_eq!(documented, ROUTES.iter().map(|route| route.path).collect());

    // The database is empty, so no request below changes anything.
    for route in ROUTES {
        let uri = fill(route.path, &|_| "1".to_owned());
        for method in METHODS {
            let request = request(&method.to_uppercase(), &uri).to_request();
            let response = test::call_service(&app, request).await;
            let header = |name: &str| {
                let value = response.headers().get(name);
                value.map(|value| value.to_str().unwrap().to_owned())
            };
            let matched = header("x-matched-route");
            assert_eq!(matched.as_deref(), Some(route.path), "{method} {uri}");
            let status = response.status().as_u16();
            let operation = &paths[route.path][*method];
            if !route.methods.contains(method) {
                assert_eq!(status, 405, "{method} {uri}");
                assert!(operation.is_null(), "{method} {uri} is documented");
                // The methods the answer allows are the documented ones, and the document
                // says so in the header of each operation's 405.
                let allow = header("allow").unwrap();
                let served: Vec<String> = allow
                    .split(", ")
                    .filter(|served| *served != "HEAD")
                    .map(str::to_lowercase)
                    .collect();
                assert_eq!(served, route.methods, "{uri}: {allow}");
                for documented in route.methods {
                    let answer = &paths[route.path][*documented]["responses"]["405"];
                    let allowed = answer["headers"]["Allow"]["description"].as_str();
                    let allowed = allowed.unwrap_or_default();
                    assert!(allowed.contains(&format!("`{allow}`")), "{uri}: {allowed}");
                }
                continue;
            }
            assert_ne!(status, 405, "{method} {uri}");
            // With no body, an endpoint that reads JSON refuses the missing content type; one
            // that reads a file takes any.
            let body = &operation["requestBody"];
            let reads_json = body["content"]["application/json"].is_object();
            assert_eq!(status == 415, reads_json, "{method} {uri}: {status}");
            if body.is_object() {
                assert_eq!(body["required"], true, "{method} {uri}");
                let content = body["content"].as_object().unwrap();
                assert!(!content.is_empty(), "{method} {uri}");
                if reads_json {
                    assert!(body["content"]["application/json"]["schema"].is_object());
                }
            }
            check_documented_parameters(route, method, operation);
        }
    }
    let nowhere = get("/api/v1/analytics/nowhere/1").to_request();
    let response = test::call_service(&app, nowhere).await;
    assert!(response.headers().get("x-matched-route").is_none());
}

/// Checks an operation's parameters against the route's, and the responses every operation
/// documents.
fn check_documented_parameters(route: &Route, method: &str, operation: &Value) {
    let what = format!("{method} {}", route.path);
    let parameters = operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let names_in = |place: &str| -> Vec<String> {
        parameters
            .iter()
            .filter(|parameter| parameter["in"] == place)
            .map(|parameter| parameter["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names_in("path"), path_parameters(route.path), "{what}");
    let query = names_in("query");
    let unique: BTreeSet<&String> = query.iter().collect();
    assert_eq!(unique.len(), query.len(), "{what}: {query:?}");
    assert_eq!(
        unique,
        query_parameters(route.query).iter().collect(),
        "{what}"
    );
    for parameter in &parameters {
        let description = parameter["description"].as_str().unwrap_or_default();
        assert!(!description.is_empty(), "{what}: {parameter}");
        assert_eq!(parameter["required"], parameter["in"] == "path", "{what}");
    }

    let responses = operation["responses"].as_object().unwrap();
    assert!(responses.contains_key("405"), "{what}");
    assert!(
        responses.keys().any(|status| status.starts_with('2')),
        "{what}: no success documented"
    );
    for (status, response) in responses {
        let description = response["description"].as_str().unwrap_or_default();
        assert!(!description.is_empty(), "{what} {status}");
    }
}

#[actix_web::test]
async fn query_parameters_list_the_values_the_parser_accepts() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let app = app(&db).await;
    let (_, doc) = get_json(&app, DOCUMENT).await;
    let parameter = |route: &str, method: &str, name: &str| -> Value {
        let parameters = doc["paths"][route][method]["parameters"]
            .as_array()
            .unwrap();
        let found = parameters
            .iter()
            .find(|parameter| parameter["name"] == name)
            .unwrap_or_else(|| panic!("{method} {route} has no parameter {name}"));
        found.clone()
    };
    let schema_of = |route: &str, method: &str, name: &str| -> Value {
        resolve(&doc, &parameter(route, method, name)["schema"]).clone()
    };
    let common = |name: &str| schema_of("/api/v1/analytics/overview/{user_id}", "get", name);
    let names = |values: Vec<&str>| json!(values);

    let platforms = resolve(&doc, &common("platform")["items"]).clone();
    assert_eq!(
        platforms["enum"],
        names(Platform::ALL.iter().map(|value| value.as_str()).collect())
    );
    assert_eq!(
        common("granularity")["enum"],
        names(
            Granularity::ALL
                .iter()
                .map(|value| value.as_str())
                .collect()
        )
    );
    assert_eq!(
        common("rate_by")["enum"],
        names(RateBy::ALL.iter().map(|value| value.as_str()).collect())
    );
    let days = common("days");
    assert_eq!(days["minimum"], 1);
    assert_eq!(days["maximum"], DateRange::MAX_DAYS);
    assert_eq!(days["default"], DEFAULT_DAYS);
    assert_eq!(common("start")["format"], "date");

    let visualization = "/api/v1/analytics/visualization/{user_id}/{chart_type}";
    let metric = parameter(visualization, "get", "metric")["schema"].clone();
    assert_eq!(
        resolve(&doc, &metric)["enum"],
        names(
            SeriesMetric::ALL
                .iter()
                .map(|value| value.as_str())
                .collect()
        )
    );
    assert_eq!(metric["default"], "engagement");
    let measure = parameter(visualization, "get", "measure")["schema"].clone();
    assert_eq!(
        resolve(&doc, &measure)["enum"],
        names(
            ComparisonMeasure::ALL
                .iter()
                .map(|value| value.as_str())
                .collect()
        )
    );
    assert_eq!(measure["default"], "engagement_rate");
    let format = parameter(visualization, "get", "format")["schema"].clone();
    assert_eq!(resolve(&doc, &format)["enum"], json!(["json", "svg"]));
    assert_eq!(format["default"], "json");
    // The chart types are the ones the endpoint's error message lists.
    let (status, body) = get_json(&app, "/api/v1/analytics/visualization/1/pie").await;
    assert_eq!(status, 400, "{body}");
    let chart_types = schema_of(visualization, "get", "chart_type")["enum"].clone();
    assert_eq!(
        json!(listed_after("valid values: ", &body)),
        chart_types,
        "{body}"
    );

    let collect = "/api/v1/analytics/collect/{user_id}";
    let days_back = schema_of(collect, "post", "days_back");
    assert_eq!(days_back["minimum"], 1);
    assert_eq!(days_back["maximum"], MAX_DAYS_BACK);
    assert_eq!(days_back["default"], 7);
    assert_eq!(schema_of(collect, "post", "background")["default"], true);

    let import = "/api/v1/analytics/import/{user_id}";
    assert_eq!(
        schema_of(import, "post", "format")["enum"],
        names(Format::ALL.iter().map(|value| value.as_str()).collect())
    );
    assert_eq!(schema_of(import, "post", "filename")["default"], "upload");
    let export = "/api/v1/analytics/export/{user_id}/{kind}";
    assert_eq!(
        schema_of(export, "get", "kind")["enum"],
        names(CsvKind::ALL.iter().map(|value| value.as_str()).collect())
    );
    // The kinds are the ones the endpoint's error message lists.
    let (status, body) = get_json(&app, "/api/v1/analytics/export/1/everything").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        json!(listed_after("valid values: ", &body)),
        schema_of(export, "get", "kind")["enum"],
        "{body}"
    );

    // An endpoint that refuses unknown query parameters lists the ones it reads: the
    // documented ones.
    for route in ROUTES {
        if matches!(route.query, Query::Ignored) {
            continue;
        }
        let method = route.methods[0];
        let uri = format!("{}?colour=blue", fill(route.path, &valid_path_value));
        let request = request(&method.to_uppercase(), &uri).to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status().as_u16(), 400, "{method} {uri}");
        let body: Value = test::read_body_json(response).await;
        assert_eq!(body["error"]["code"], "unknown_parameter", "{body}");
        let mut listed = listed_after("valid parameters: ", &body);
        listed.sort();
        let mut expected = query_parameters(route.query);
        expected.sort();
        assert_eq!(listed, expected, "{method} {uri}");
    }
}

/// A value of each path parameter that the endpoints parse, for requests that fail later.
fn valid_path_value(name: &str) -> String {
    match name {
        "user_id" | "account_id" | "job_id" | "post_id" => "1",
        "platform" => "x",
        "metric" => "engagement",
        "chart_type" => "time_series",
        "kind" => "posts",
        other => panic!("no value for the path parameter {other}"),
    }
    .to_owned()
}

/// The comma-separated names after `marker` in an error message.
fn listed_after(marker: &str, body: &Value) -> Vec<String> {
    let message = body["error"]["message"].as_str().unwrap();
    let (_, list) = message.split_once(marker).unwrap();
    list.split(", ").map(str::to_owned).collect()
}

#[actix_web::test]
async fn bodies_match_their_documented_schemas() {
    on_each_backend(1, |seeded: Seeded| async move {
        let state = AppState::with_connectors(Arc::new(seeded.db.store()), Arc::new(Refusing));
        let app = common::init_as_admin(state).await;
        let (_, doc) = get_json(&app, DOCUMENT).await;
        let mut checker = Checker {
            app: &app,
            doc: &doc,
            answered: BTreeSet::new(),
        };

        read_the_seeded_user(&mut checker, &seeded).await;
        manage_accounts_and_queue_a_job(&mut checker).await;
        collect_in_the_foreground(&mut checker).await;
        import_and_export(&mut checker).await;
        fail_as_documented(&mut checker).await;

        // Every success the document promises was answered, and checked.
        let mut promised = BTreeSet::new();
        for (route, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                for status in operation["responses"].as_object().unwrap().keys() {
                    if let Some(status) = status.parse().ok().filter(is_success) {
                        promised.insert((route.clone(), method.clone(), status));
                    }
                }
            }
        }
        let answered = checker.answered.into_iter();
        let answered: BTreeSet<_> = answered
            .filter(|(_, _, status)| is_success(status))
            .collect();
        assert_eq!(answered, promised);
    })
    .await;
}

/// Every GET whose path the seeded data fills, with each chart type.
async fn read_the_seeded_user<S: TestApp>(checker: &mut Checker<'_, S>, seeded: &Seeded) {
    let account = &seeded.sample.accounts[0];
    let post = &account.batch.posts.last().unwrap().external_id;
    let chart_types = checker.doc["components"]["schemas"]["ChartType"]["enum"].clone();
    let chart_types: Vec<&str> = chart_types
        .as_array()
        .unwrap()
        .iter()
        .map(|name| name.as_str().unwrap())
        .collect();
    for chart_type in &chart_types {
        for route in ROUTES.iter().filter(|route| route.methods.contains(&"get")) {
            // Accounts and jobs by id are read in the other steps.
            let names = path_parameters(route.path);
            if names
                .iter()
                .any(|name| name == "account_id" || name == "job_id")
            {
                continue;
            }
            if *chart_type != chart_types[0] && !names.contains(&"chart_type".to_owned()) {
                continue;
            }
            let value = |name: &str| match name {
                "user_id" => "1".to_owned(),
                "platform" => account.account.platform.to_string(),
                "post_id" => post.clone(),
                "metric" => "engagement_rate".to_owned(),
                "chart_type" => chart_type.to_string(),
                "kind" => "posts".to_owned(),
                other => panic!("no sample value for the path parameter {other}"),
            };
            let mut uri = fill(route.path, &value);
            if matches!(route.query, Query::Analytics(_)) {
                uri.push_str("?days=90");
            }
            let (status, _, _) = checker.send(get(&uri), None).await;
            assert_eq!(status, 200, "{uri}");
        }
    }
    let uri = "/api/v1/analytics/visualization/1/dashboard?days=90&metric=likes\
        &measure=follower_growth_percent";
    assert_eq!(checker.send(get(uri), None).await.0, 200);
    let uri = "/api/v1/analytics/visualization/1/best_times?days=90&format=svg";
    let (status, image, _) = checker.send(get(uri), None).await;
    assert_eq!(status, 200, "{image}");
    assert!(image.as_str().unwrap().starts_with("<svg"), "{image}");
}

/// A new user connects an account, changes it, queues a job (no worker runs it) and removes
/// the account.
async fn manage_accounts_and_queue_a_job<S: TestApp>(checker: &mut Checker<'_, S>) {
    let user = json!({"name": "Test Creator", "timezone": "Europe/Berlin"});
    let (status, body, _) = checker.send_json("PUT", "/users/2", user).await;
    assert_eq!(status, 200, "{body}");
    let (status, _, _) = checker.send(get(&format!("{BASE}/users/2")), None).await;
    assert_eq!(status, 200);

    let account = json!({
        "platform": "mastodon",
        "handle": "test_creator",
        "base_url": "https://example.social",
        "credential": TOKEN,
    });
    let (status, body, location) = checker.send_json("POST", "/accounts/2", account).await;
    assert_eq!(
        (status, &body["has_credential"]),
        (201, &json!(true)),
        "{body}"
    );
    let location = location.unwrap();
    let (status, _, _) = checker.send(get(&location), None).await;
    assert_eq!(status, 200);
    let (status, body, _) = checker.send(get(&format!("{BASE}/accounts/2")), None).await;
    assert_eq!((status, body.as_array().unwrap().len()), (200, 1));
    let change = json!({"base_url": "https://example.social/", "credential": null});
    let account = location.trim_start_matches(BASE);
    let (status, body, _) = checker.send_json("PATCH", account, change).await;
    assert_eq!(
        (status, &body["has_credential"]),
        (200, &json!(false)),
        "{body}"
    );

    let (status, job, job_location) = checker.send(post("/collect/2?days_back=30"), None).await;
    assert_eq!((status, &job["state"]), (202, &json!("queued")), "{job}");
    let (status, read, _) = checker.send(get(&job_location.unwrap()), None).await;
    assert_eq!((status, &read["id"]), (200, &job["id"]));
    let (status, again, _) = checker
        .send(post("/collect/2?background=false"), None)
        .await;
    assert_eq!((status, &again["id"]), (202, &job["id"]));

    let deleted = checker.send(request("DELETE", &location), None).await;
    assert_eq!((deleted.0, deleted.1), (204, Value::Null));
}

/// A collection in the foreground, of an account whose platform refuses the credential.
async fn collect_in_the_foreground<S: TestApp>(checker: &mut Checker<'_, S>) {
    let user = json!({"name": "Another Tester"});
    checker.send_json("PUT", "/users/3", user).await;
    let account = json!({"platform": "x", "handle": "test_creator", "credential": TOKEN});
    let (status, account, _) = checker.send_json("POST", "/accounts/3", account).await;
    assert_eq!(status, 201, "{account}");

    let (status, job, _) = checker.send(post("/collect/3?background=0"), None).await;
    assert_eq!((status, &job["state"]), (200, &json!("failed")), "{job}");
    assert_eq!(job["outcomes"][0]["state"], "failed", "{job}");
    assert!(job["outcomes"][0]["error"].is_string(), "{job}");
    let uri = format!("{BASE}/accounts/3/{}", account["id"]);
    let (_, account, _) = checker.send(get(&uri), None).await;
    assert_eq!(account["status"], "needs_reauthorization");
}

/// A small X archive, `tweets.js`, with one invented post.
const TWEETS_JS: &str = r#"window.YTD.tweets.part0 = [ {"tweet": {"id_str": "1900000000000000001", "created_at": "Mon Nov 02 10:19:24 +0000 2026", "full_text": "An invented post", "favorite_count": "3", "retweet_count": "1"}} ]"#;

/// A file upload to `tail` under [`BASE`].
fn upload(tail: &str, file: &str) -> test::TestRequest {
    post(tail)
        .insert_header(("content-type", "application/octet-stream"))
        .set_payload(file.to_owned())
}

/// A new user imports an X archive, fails to import a broken one, and exports the post.
async fn import_and_export<S: TestApp>(checker: &mut Checker<'_, S>) {
    let user = json!({"name": "An Importer"});
    let (status, body, _) = checker.send_json("PUT", "/users/4", user).await;
    assert_eq!(status, 200, "{body}");

    let request = upload("/import/4?format=x_archive&filename=tweets.js", TWEETS_JS);
    let (status, report, _) = checker.send(request, None).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["format"], "x_archive", "{report}");
    assert_eq!(report["read"]["posts"], 1, "{report}");
    assert_eq!(report["stored"]["posts_created"], 1, "{report}");
    assert_eq!(report["accounts"][0]["platform"], "x", "{report}");

    let cut_short = &TWEETS_JS[..TWEETS_JS.len() / 2];
    let (status, body, _) = checker
        .send(upload("/import/4?filename=tweets.js", cut_short), None)
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (400, &json!("invalid_file"))
    );

    let uri = format!("{BASE}/export/4/posts?days=90");
    let (status, csv, _) = checker.send(get(&uri), None).await;
    assert_eq!(status, 200, "{csv}");
    let csv = csv.as_str().unwrap();
    assert!(csv.contains(",1900000000000000001,"), "{csv}");
    // The broken upload stored nothing: the post is there once, observed once.
    assert!(csv.ends_with("# end 1 rows\n"), "{csv}");
}

/// Failures, each answered with a documented status and body.
async fn fail_as_documented<S: TestApp>(checker: &mut Checker<'_, S>) {
    let json_body = |method: &str, tail: &str, body: Value| {
        request(method, &format!("{BASE}{tail}")).set_json(body)
    };
    let plain_text = request("PUT", &format!("{BASE}/users/2"))
        .insert_header(("content-type", "text/plain"))
        .set_payload("Test Creator");
    let oversized = json!({"base_url": "x".repeat(300 * 1024)});
    // The import endpoint refuses a declared length over its limit before reading the body.
    let too_large = post("/import/4").insert_header(("content-length", "2147483648"));
    let failures = [
        (get(&format!("{BASE}/overview/1?granularity=hourly")), 400),
        (get(&format!("{BASE}/overview/999")), 404),
        (
            get(&format!("{BASE}/overview/1")).insert_header(("authorization", "Bearer tly_nope")),
            401,
        ),
        (
            get("/api/v1/me").insert_header(("authorization", "Basic dXNlcg==")),
            401,
        ),
        (post("/overview/1"), 405),
        (get(&format!("{BASE}/visualization/1/pie")), 400),
        (
            get(&format!("{BASE}/visualization/1/dashboard?measure=reach")),
            400,
        ),
        (
            get(&format!("{BASE}/visualization/1/dashboard?format=svg")),
            400,
        ),
        (
            get(&format!("{BASE}/visualization/1/time_series?format=png")),
            400,
        ),
        (plain_text, 415),
        (
            json_body("PUT", "/users/2", json!({"name": "A", "colour": "blue"})),
            400,
        ),
        (get(&format!("{BASE}/users/999")), 404),
        (request("DELETE", &format!("{BASE}/users/2")), 405),
        (
            json_body(
                "POST",
                "/accounts/2",
                json!({"platform": "myspace", "handle": "a"}),
            ),
            400,
        ),
        (get(&format!("{BASE}/accounts/2/999")), 404),
        (json_body("PATCH", "/accounts/3/1", oversized), 413),
        (post("/collect/2?days_back=366"), 400),
        (post("/collect/999"), 404),
        (get(&format!("{BASE}/collect/2")), 405),
        (get(&format!("{BASE}/jobs/0")), 400),
        (get(&format!("{BASE}/jobs/999")), 404),
        (upload("/import/4?format=myspace", TWEETS_JS), 400),
        (upload("/import/4?colour=blue", TWEETS_JS), 400),
        (post("/import/4"), 400),
        (upload("/import/999", TWEETS_JS), 404),
        (too_large, 413),
        (get(&format!("{BASE}/import/4")), 405),
        (get(&format!("{BASE}/export/4/likes")), 400),
        (get(&format!("{BASE}/export/4/posts?colour=blue")), 400),
        (get(&format!("{BASE}/export/999/posts")), 404),
        (post("/export/4/posts"), 405),
    ];
    for (request, expected) in failures {
        let (status, body, _) = checker.send(request, None).await;
        assert_eq!(status, expected, "{body}");
    }
}

/// The app under test, as a service.
trait TestApp:
    Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>
{
}

impl<S> TestApp for S where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>
{
}

/// Sends requests and checks each answer against the document.
struct Checker<'a, S> {
    app: &'a S,
    doc: &'a Value,
    /// The route, method and status of every answer checked.
    answered: BTreeSet<(String, String, u16)>,
}

impl<S: TestApp> Checker<'_, S> {
    /// Sends `body` with `method` to `tail` under [`BASE`].
    async fn send_json(
        &mut self,
        method: &str,
        tail: &str,
        body: Value,
    ) -> (u16, Value, Option<String>) {
        let request = request(method, &format!("{BASE}{tail}")).set_json(&body);
        self.send(request, Some(body)).await
    }

    /// Sends `request` and checks the answer against what the document says its route
    /// answers with its method and status (a 405 is documented with each method): the
    /// headers sent, and the schema of the body or its absence. For a success it also checks
    /// that the JSON `sent` matches the schema of the request body. Returns the status, the
    /// body (`null` when there is none) and the `Location` header.
    async fn send(
        &mut self,
        request: test::TestRequest,
        sent: Option<Value>,
    ) -> (u16, Value, Option<String>) {
        let request = request.to_request();
        let sent_type = media_type(request.head().headers.get("content-type"));
        let route = route_of(request.path());
        let mut method = request.method().as_str().to_lowercase();
        let response = test::call_service(self.app, request).await;
        let status = response.status().as_u16();
        if status == 405 {
            method = route.methods[0].to_owned();
        }
        let what = format!("{method} {} {status}", route.path);
        let operation = &self.doc["paths"][route.path][&method];
        let documented = &operation["responses"][status.to_string()];
        assert!(documented.is_object(), "{what} is not documented");
        for name in documented["headers"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|h| h.0)
        {
            assert!(response.headers().contains_key(name), "{what}: {name}");
        }
        let location = response
            .headers()
            .get("location")
            .map(|value| value.to_str().unwrap().to_owned());
        let received_type = media_type(response.headers().get("content-type"));

        let bytes = test::read_body(response).await;
        let body = if bytes.is_empty() {
            assert!(documented["content"].is_null(), "{what}: no body");
            Value::Null
        } else {
            // A JSON body is checked as sent; any other as text, against a string schema.
            let received_type = received_type.unwrap_or_default();
            let schema = &documented["content"][&received_type]["schema"];
            assert!(
                schema.is_object(),
                "{what}: {received_type} is not documented"
            );
            let body: Value = if received_type == "application/json" {
                serde_json::from_slice(&bytes).unwrap()
            } else {
                Value::String(String::from_utf8(bytes.to_vec()).unwrap())
            };
            assert_conforms(self.doc, schema, &body, &what);
            assert!(!body.to_string().contains(TOKEN), "{what}: {body}");
            body
        };
        if let Some(sent_type) = sent_type.filter(|_| is_success(&status)) {
            let content = &operation["requestBody"]["content"][&sent_type];
            assert!(content.is_object(), "{what}: {sent_type} is not read");
        }
        if let Some(sent) = sent.filter(|_| is_success(&status)) {
            let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
            assert_conforms(self.doc, schema, &sent, &format!("{what}: request"));
        }
        self.answered
            .insert((route.path.to_owned(), method, status));
        (status, body, location)
    }
}

/// Connectors whose every platform refuses the credential, so that collection reaches no
/// network and every account it reads fails.
struct Refusing;

impl ConnectorSource for Refusing {
    fn connector(&self, platform: Platform) -> Arc<dyn PlatformConnector> {
        let refusal = move || ConnectorError::Unauthorized {
            platform,
            reason: "the access token expired".into(),
        };
        let mut connector = MockPlatformConnector::new();
        connector.expect_platform().return_const(platform);
        connector
            .expect_fetch_account_metrics()
            .returning(move |_, _| Err(refusal()));
        connector
            .expect_fetch_posts()
            .returning(move |_, _, _| Err(refusal()));
        Arc::new(connector)
    }
}

/// The route of [`ROUTES`] that serves `path`.
fn route_of(path: &str) -> &'static Route {
    let segments: Vec<&str> = path.split('/').collect();
    let matches = |route: &&Route| {
        let pattern: Vec<&str> = route.path.split('/').collect();
        pattern.len() == segments.len()
            && pattern
                .iter()
                .zip(&segments)
                .all(|(expected, segment)| expected == segment || expected.starts_with('{'))
    };
    ROUTES
        .iter()
        .find(matches)
        .unwrap_or_else(|| panic!("no route serves {path}"))
}

/// The media type of a `Content-Type` header, without its parameters.
fn media_type(header: Option<&HeaderValue>) -> Option<String> {
    let value = header?.to_str().unwrap();
    Some(value.split(';').next().unwrap().trim().to_owned())
}

fn is_success(status: &u16) -> bool {
    (200..300).contains(status)
}

fn request(method: &str, uri: &str) -> test::TestRequest {
    test::TestRequest::default()
        .method(method.parse().unwrap())
        .uri(uri)
}

fn get(uri: &str) -> test::TestRequest {
    request("GET", uri)
}

/// A POST to `tail` under [`BASE`].
fn post(tail: &str) -> test::TestRequest {
    request("POST", &format!("{BASE}{tail}"))
}

/// The names of the query parameters a route reads.
fn query_parameters(query: Query) -> Vec<String> {
    let names: Vec<&str> = match query {
        Query::Ignored => Vec::new(),
        Query::Analytics(own) => PARAMETERS.iter().chain(own).copied().collect(),
        Query::Own(own) => own.to_vec(),
    };
    names.into_iter().map(str::to_owned).collect()
}

/// `route` with each `{name}` replaced by `value(name)`.
fn fill(route: &str, value: &dyn Fn(&str) -> String) -> String {
    let mut filled = String::new();
    let mut rest = route;
    while let Some((before, after)) = rest.split_once('{') {
        let (name, tail) = after.split_once('}').unwrap();
        filled.push_str(before);
        filled.push_str(&value(name));
        rest = tail;
    }
    filled + rest
}

/// The `{name}` parameters of a route, in order.
fn path_parameters(route: &str) -> Vec<String> {
    route
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

fn collect_references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                found.push(reference.clone());
            }
            map.values()
                .for_each(|child| collect_references(child, found));
        }
        Value::Array(items) => items
            .iter()
            .for_each(|child| collect_references(child, found)),
        _ => {}
    }
}
