//! The OpenAPI document at `GET /api/v1/openapi.json`, fetched from the app in-process: it
//! documents exactly the routes of [`ROUTES`], each of which the app serves, with their
//! parameters; it is a valid OpenAPI 3.1 document whose references all resolve; and the bodies
//! the endpoints send match their schemas.
//!
//! After an intended change to the API, refresh the snapshot with
//! `INSTA_UPDATE=always cargo test -p tally --test openapi` and review its diff.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use actix_web::dev::Service;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{App, test};
use chrono::{DateTime, NaiveDate};
use common::{Seeded, app, get_json, on_each_backend};
use serde_json::{Value, json};
use tally::http::params::{DEFAULT_DAYS, PARAMETERS};
use tally::http::{AppState, configure};
use tally_analyzer::{Granularity, RateBy};
use tally_domain::{DateRange, Platform};
use tally_store::testing::{Backend, TestDatabase};

const DOCUMENT: &str = "/api/v1/openapi.json";

/// The routes the app serves, spelled as actix matches them; a route added to the app is added
/// here once its handler is documented.
const ROUTES: &[&str] = &[
    "/healthz",
    "/api/v1/openapi.json",
    "/api/v1/analytics/overview/{user_id}",
    "/api/v1/analytics/platform/{user_id}/{platform}",
    "/api/v1/analytics/content/{user_id}/{platform}/{post_id}",
    "/api/v1/analytics/recommendations/{user_id}",
    "/api/v1/analytics/comparative/{user_id}",
    "/api/v1/analytics/chart/{user_id}/{metric}",
];

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
    assert_eq!(spec.operations().count(), ROUTES.len());
    for (path, method, operation) in spec.operations() {
        let parameters = operation.parameters(&spec);
        assert!(parameters.is_ok(), "{method} {path}: {parameters:?}");
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
async fn every_route_is_served_and_documented_with_its_parameters() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let state = AppState::from_store(Arc::new(db.store())).unwrap();
    // Reports the route pattern actix matched, to prove that `ROUTES` is what is served.
    let app = test::init_service(App::new().configure(configure(state)).wrap_fn(
        |request, service| {
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
    let matched = |uri: String| {
        let app = &app;
        async move {
            let request = test::TestRequest::get().uri(&uri).to_request();
            let response = test::call_service(app, request).await;
            let route = response.headers().get("x-matched-route");
            route.map(|value| value.to_str().unwrap().to_owned())
        }
    };
    for route in ROUTES {
        let uri = fill(route, &|_| "1".to_owned());
        assert_eq!(matched(uri).await.as_deref(), Some(*route));
    }
    assert_eq!(matched("/api/v1/analytics/nowhere/1".into()).await, None);

    let (_, doc) = get_json(&app, DOCUMENT).await;
    let paths = doc["paths"].as_object().unwrap();
    let documented: BTreeSet<&str> = paths.keys().map(String::as_str).collect();
    assert_eq!(documented, ROUTES.iter().copied().collect());

    for route in ROUTES {
        let methods: Vec<&String> = paths[*route].as_object().unwrap().keys().collect();
        assert_eq!(methods, ["get"], "{route}");
        let operation = &paths[*route]["get"];
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
        assert_eq!(names_in("path"), path_parameters(route), "{route}");
        // Analytics endpoints read the common parameters, and may document more of their own.
        let query = names_in("query");
        if route.starts_with("/api/v1/analytics/") {
            let missing: Vec<_> = PARAMETERS
                .iter()
                .filter(|name| !query.contains(&name.to_string()))
                .collect();
            assert!(missing.is_empty(), "{route}: {missing:?} not documented");
        } else {
            assert!(query.is_empty(), "{route}: {query:?}");
        }
        let unique: BTreeSet<&String> = query.iter().collect();
        assert_eq!(unique.len(), query.len(), "{route}: {query:?}");
        for parameter in &parameters {
            let description = parameter["description"].as_str().unwrap_or_default();
            assert!(!description.is_empty(), "{route}: {parameter}");
            assert_eq!(parameter["required"], parameter["in"] == "path", "{route}");
        }
        for status in ["200", "405"] {
            assert!(
                operation["responses"][status].is_object(),
                "{route}: {status}"
            );
        }
    }
}

#[actix_web::test]
async fn query_parameters_list_the_values_the_parser_accepts() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let (_, doc) = get_json(&app(&db).await, DOCUMENT).await;
    let parameters = doc["paths"]["/api/v1/analytics/overview/{user_id}"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let schema_of = |name: &str| {
        let parameter = parameters
            .iter()
            .find(|parameter| parameter["name"] == name);
        resolve(&doc, &parameter.unwrap()["schema"]).clone()
    };
    let names = |values: Vec<&str>| json!(values);

    let platforms = resolve(&doc, &schema_of("platform")["items"]).clone();
    assert_eq!(
        platforms["enum"],
        names(Platform::ALL.iter().map(|value| value.as_str()).collect())
    );
    assert_eq!(
        schema_of("granularity")["enum"],
        names(
            Granularity::ALL
                .iter()
                .map(|value| value.as_str())
                .collect()
        )
    );
    assert_eq!(
        schema_of("rate_by")["enum"],
        names(RateBy::ALL.iter().map(|value| value.as_str()).collect())
    );

    let days = schema_of("days");
    assert_eq!(days["minimum"], 1);
    assert_eq!(days["maximum"], DateRange::MAX_DAYS);
    assert_eq!(days["default"], DEFAULT_DAYS);
    assert_eq!(schema_of("start")["format"], "date");
}

#[actix_web::test]
async fn bodies_match_their_documented_schemas() {
    on_each_backend(1, |seeded: Seeded| async move {
        let app = app(&seeded.db).await;
        let (_, doc) = get_json(&app, DOCUMENT).await;
        let account = &seeded.sample.accounts[0];
        let post = &account.batch.posts.last().unwrap().external_id;
        let sample_value = |name: &str| match name {
            "user_id" => "1".to_owned(),
            "platform" => account.account.platform.to_string(),
            "post_id" => post.clone(),
            "metric" => "engagement_rate".to_owned(),
            other => panic!("no sample value for the path parameter {other}"),
        };

        for (route, item) in doc["paths"].as_object().unwrap() {
            let mut uri = fill(route, &sample_value);
            if route.starts_with("/api/v1/analytics/") {
                uri.push_str("?days=90");
            }
            let (status, body) = get_json(&app, &uri).await;
            assert_eq!(status, 200, "{uri}: {body}");
            let schema = &item["get"]["responses"]["200"]["content"]["application/json"]["schema"];
            assert_conforms(&doc, schema, &body, &uri);
        }

        let overview = "/api/v1/analytics/overview/{user_id}";
        let failures = [
            (
                "/api/v1/analytics/overview/1?granularity=hourly",
                "GET",
                400,
            ),
            ("/api/v1/analytics/overview/999", "GET", 404),
            ("/api/v1/analytics/overview/1", "POST", 405),
        ];
        for (uri, method, expected) in failures {
            let request = test::TestRequest::default()
                .method(method.parse().unwrap())
                .uri(uri)
                .to_request();
            let response = test::call_service(&app, request).await;
            assert_eq!(response.status().as_u16(), expected, "{method} {uri}");
            let body: Value = test::read_body_json(response).await;
            let documented = &doc["paths"][overview]["get"]["responses"][expected.to_string()];
            let schema = &documented["content"]["application/json"]["schema"];
            assert!(schema.is_object(), "{expected} is not documented");
            assert_conforms(&doc, schema, &body, &format!("{method} {uri}"));
        }
    })
    .await;
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

/// The schema a `$ref` points at, or the schema itself.
fn resolve<'d>(doc: &'d Value, schema: &'d Value) -> &'d Value {
    match schema["$ref"].as_str() {
        Some(reference) => resolve(doc, doc.pointer(&reference[1..]).unwrap()),
        None => schema,
    }
}

fn assert_conforms(doc: &Value, schema: &Value, body: &Value, what: &str) {
    let errors = mismatches(doc, schema, body, "$", true);
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

/// Where `value` breaks `schema`: a wrong type, a value outside an `enum` or below a
/// `minimum`, a malformed date, a missing required property or, for a `closed` object, a
/// property the schema does not declare. Covers the keywords utoipa emits.
fn mismatches(doc: &Value, schema: &Value, value: &Value, at: &str, closed: bool) -> Vec<String> {
    let schema = resolve(doc, schema);
    let list = |keyword: &str| schema[keyword].as_array().cloned().unwrap_or_default();
    let mut errors = Vec::new();

    for part in list("allOf") {
        errors.extend(mismatches(doc, &part, value, at, false));
    }
    let branches = list("oneOf");
    if !branches.is_empty() {
        let matching = branches
            .iter()
            .filter(|branch| mismatches(doc, branch, value, at, closed).is_empty())
            .count();
        if matching != 1 {
            errors.push(format!("{at}: {value} matches {matching} oneOf branches"));
        }
    }

    let types: Vec<&str> = match &schema["type"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|kind| has_type(value, kind)) {
        errors.push(format!("{at}: {value} is not of type {types:?}"));
        return errors;
    }
    if schema["enum"]
        .as_array()
        .is_some_and(|values| !values.contains(value))
    {
        errors.push(format!("{at}: {value} is not one of {}", schema["enum"]));
    }
    if let (Some(minimum), Some(number)) = (schema["minimum"].as_f64(), value.as_f64())
        && number < minimum
    {
        errors.push(format!("{at}: {number} is below {minimum}"));
    }
    let text = value.as_str().unwrap_or_default();
    match schema["format"].as_str() {
        Some("date") if value.is_string() && text.parse::<NaiveDate>().is_err() => {
            errors.push(format!("{at}: {value} is not a date"));
        }
        Some("date-time") if value.is_string() && DateTime::parse_from_rfc3339(text).is_err() => {
            errors.push(format!("{at}: {value} is not an RFC 3339 date-time"));
        }
        _ => {}
    }

    if let Some(items) = value.as_array() {
        for (index, item) in items.iter().enumerate() {
            let at = format!("{at}[{index}]");
            errors.extend(mismatches(doc, &schema["items"], item, &at, true));
        }
    }
    if let Some(object) = value.as_object() {
        for required in list("required") {
            if !object.contains_key(required.as_str().unwrap()) {
                errors.push(format!("{at}: required property {required} is missing"));
            }
        }
        if let Some(properties) = schema["properties"].as_object() {
            for (name, property) in properties {
                if let Some(field) = object.get(name) {
                    errors.extend(mismatches(
                        doc,
                        property,
                        field,
                        &format!("{at}.{name}"),
                        true,
                    ));
                }
            }
        }
        let declared = declared_properties(doc, schema);
        if closed && !declared.is_empty() {
            for name in object.keys().filter(|name| !declared.contains(*name)) {
                errors.push(format!("{at}: property {name} is not documented"));
            }
        }
    }
    errors
}

/// The properties a schema declares, through `allOf` (serde's `flatten`) too.
fn declared_properties(doc: &Value, schema: &Value) -> BTreeSet<String> {
    let schema = resolve(doc, schema);
    let mut names: BTreeSet<String> = schema["properties"]
        .as_object()
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        names.extend(declared_properties(doc, part));
    }
    names
}

fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}
