//! The dashboard page over HTTP: the shell at `/` and `/users/{id}` and its assets, served
//! from the binary with a strict Content-Security-Policy and nothing from other origins.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::test;
use tally_store::testing::{Backend, TestDatabase};

/// Every asset the page loads, with its content type.
const ASSETS: &[(&str, &str)] = &[
    ("/assets/dashboard.css", "text/css; charset=utf-8"),
    ("/assets/dashboard.js", "text/javascript; charset=utf-8"),
    ("/assets/api.js", "text/javascript; charset=utf-8"),
    ("/assets/controls.js", "text/javascript; charset=utf-8"),
    ("/assets/render.js", "text/javascript; charset=utf-8"),
    ("/assets/format.js", "text/javascript; charset=utf-8"),
    ("/assets/icon.svg", "image/svg+xml"),
];

/// A GET's status, headers and body.
struct Answer {
    status: u16,
    headers: actix_web::http::header::HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
    }
}

async fn send<S>(app: &S, request: test::TestRequest) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = test::read_body(response).await;
    Answer {
        status,
        headers,
        body: String::from_utf8(body.to_vec()).unwrap(),
    }
}

/// Whether `html` has an attribute such as ` onclick=`.
fn has_event_handler(html: &str) -> bool {
    html.match_indices(" on").any(|(at, _)| {
        let name: String = html[at + 3..]
            .chars()
            .take_while(char::is_ascii_lowercase)
            .collect();
        !name.is_empty() && html[at + 3 + name.len()..].starts_with('=')
    })
}

fn get(uri: &str) -> test::TestRequest {
    test::TestRequest::get().uri(uri)
}

#[actix_web::test]
async fn the_shell_is_served_at_the_root_and_per_user_with_a_strict_policy() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let app = common::app(&db).await;
    let root = send(&app, get("/")).await;
    for uri in ["/", "/users/1", "/users/42"] {
        let page = send(&app, get(uri)).await;
        assert_eq!(page.status, 200, "{uri}: {}", page.body);
        assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
        let policy = page.header("content-security-policy");
        assert!(policy.starts_with("default-src 'self'"), "{policy}");
        assert!(policy.contains("script-src 'self'"), "{policy}");
        assert!(!policy.contains("unsafe"), "{policy}");
        assert_eq!(page.header("x-content-type-options"), "nosniff");
        assert!(page.header("cache-control").contains("max-age"), "{uri}");
        assert_eq!(page.body, root.body, "{uri}: the same shell");
    }

    // The shell holds no data and no inline script or style, which the policy would block.
    let html = &root.body;
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains(r#"<script type="module" src="/assets/dashboard.js"></script>"#));
    assert_eq!(
        html.matches("<script").count(),
        1,
        "one script, by reference"
    );
    assert!(
        !html.contains("<style") && !html.contains("style="),
        "no inline style"
    );
    assert!(!has_event_handler(html), "no inline event handlers");
    for label in [
        "token-input",
        "start-input",
        "end-input",
        "tz-select",
        "rate-select",
    ] {
        assert!(
            html.contains(&format!(r#"for="{label}""#)),
            "{label} has a label"
        );
    }
}

#[actix_web::test]
async fn every_asset_is_served_with_its_type_and_caching() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let app = common::app(&db).await;
    for (uri, content_type) in ASSETS {
        let asset = send(&app, get(uri)).await;
        assert_eq!(asset.status, 200, "{uri}");
        assert_eq!(asset.header("content-type"), *content_type, "{uri}");
        assert!(!asset.body.is_empty(), "{uri}");
        assert_eq!(asset.header("x-content-type-options"), "nosniff");

        // A browser that holds this version gets a bodiless 304.
        let tag = asset.header("etag").to_owned();
        let again = send(&app, get(uri).insert_header(("if-none-match", tag.clone()))).await;
        assert_eq!((again.status, again.body.as_str()), (304, ""), "{uri}");
        let stale = send(&app, get(uri).insert_header(("if-none-match", "\"old\""))).await;
        assert_eq!(stale.status, 200, "{uri}");
    }

    // Every module the scripts import is served.
    for (uri, _) in ASSETS.iter().filter(|(uri, _)| uri.ends_with(".js")) {
        let script = send(&app, get(uri)).await.body;
        for line in script.lines().filter(|line| line.contains(" from './")) {
            let (_, imported) = line.split_once(" from './").unwrap();
            let imported = imported.trim_end_matches("';");
            let found = ASSETS
                .iter()
                .any(|(uri, _)| *uri == format!("/assets/{imported}"));
            assert!(found, "{uri} imports {imported}, which is not served");
        }
    }
}

#[actix_web::test]
async fn nothing_refers_to_another_origin() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let app = common::app(&db).await;
    let mut files = vec![("/".to_owned(), send(&app, get("/")).await.body)];
    for (uri, _) in ASSETS {
        files.push(((*uri).to_owned(), send(&app, get(uri)).await.body));
    }
    for (uri, text) in files {
        // The SVG namespace is a name, not a resource; nothing else may name a host.
        let text = text.replace("http://www.w3.org/2000/svg", "");
        for scheme in ["http://", "https://", "//cdn", "@import", "fonts.g"] {
            assert!(!text.contains(scheme), "{uri} refers to {scheme}");
        }
        if uri.ends_with(".js") {
            assert!(!text.contains("eval("), "{uri}");
            assert!(!text.contains("innerHTML"), "{uri} builds markup from text");
        }
    }
}

#[actix_web::test]
async fn unknown_pages_and_assets_are_404_and_other_methods_405() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let app = common::app(&db).await;
    for uri in [
        "/assets/missing.js",
        "/assets/..%2Fsrc%2Fmain.rs",
        "/assets/",
        "/users/1/extra",
        "/dashboard",
    ] {
        let answer = send(&app, get(uri)).await;
        assert_eq!(answer.status, 404, "{uri}: {}", answer.body);
        assert!(answer.body.contains("not_found"), "{uri}: {}", answer.body);
    }
    for uri in ["/users/0", "/users/me"] {
        let answer = send(&app, get(uri)).await;
        assert_eq!(answer.status, 400, "{uri}: {}", answer.body);
    }

    for uri in ["/", "/users/1", "/assets/dashboard.js"] {
        let head = send(
            &app,
            test::TestRequest::default()
                .method("HEAD".parse().unwrap())
                .uri(uri),
        )
        .await;
        // The server leaves the body off on the wire; in-process, the headers are compared.
        let full = send(&app, get(uri)).await;
        assert_eq!(head.status, 200, "HEAD {uri}");
        for name in ["content-type", "content-security-policy", "etag"] {
            assert_eq!(head.header(name), full.header(name), "HEAD {uri}: {name}");
        }

        let post = send(&app, test::TestRequest::post().uri(uri)).await;
        assert_eq!(post.status, 405, "POST {uri}");
        assert_eq!(post.header("allow"), "GET, HEAD", "POST {uri}");
    }
}
