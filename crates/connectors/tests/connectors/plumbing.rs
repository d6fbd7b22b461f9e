//! What every connector gets from the shared client: retries, limits, redaction, paging caps.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tally_connectors::{
    AccountAccess, ConnectorError, Credential, HttpClient, HttpConfig, MastodonConnector,
    MockPlatformConnector, PlatformConnector, connector_for,
};
use tally_domain::{IngestBatch, Platform};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common::*;

const LOOKUP: &str = "/api/v1/accounts/lookup";
const STATUSES: &str = "/api/v1/accounts/109000000000000001/statuses";

fn mastodon(base: &str) -> AccountAccess {
    AccountAccess::new(Platform::Mastodon, "test_creator")
        .with_base_url(base)
        .with_credential(Credential::bearer(TOKEN))
}

async fn mount_lookup(server: &MockServer) {
    Mock::given(path(LOOKUP))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("mastodon_account.json")))
        .mount(server)
        .await;
}

#[test]
fn the_factory_returns_a_connector_for_every_platform() {
    for platform in Platform::ALL {
        assert_eq!(connector_for(*platform, http()).platform(), *platform);
    }
}

#[tokio::test]
async fn persistent_server_errors_end_after_the_configured_retries() {
    let server = MockServer::start().await;
    Mock::given(path(LOOKUP))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(serde_json::json!({"error": "Remote data could not be fetched"})),
        )
        .mount(&server)
        .await;

    let error = MastodonConnector::new(http())
        .fetch_account_metrics(&mastodon(&server.uri()), now())
        .await
        .unwrap_err();

    let ConnectorError::Unavailable {
        attempts, reason, ..
    } = &error
    else {
        panic!("expected Unavailable, got {error}");
    };
    assert_eq!(*attempts, 4);
    assert!(reason.contains("HTTP 503"), "{reason}");
    assert!(error.is_temporary() && !error.needs_reauthorization());
    assert_eq!(hits(&server, LOOKUP).await, 4);
}

#[tokio::test]
async fn refused_connections_are_retried_then_reported() {
    // A port that was free a moment ago and has nothing listening on it now.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);

    let error = MastodonConnector::new(http())
        .fetch_account_metrics(&mastodon(&base), now())
        .await
        .unwrap_err();

    assert!(
        matches!(error, ConnectorError::Unavailable { attempts: 4, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("could not connect"), "{error}");
}

#[tokio::test]
async fn a_timed_out_request_is_retried() {
    let server = MockServer::start().await;
    Mock::given(path(LOOKUP))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("mastodon_account.json"))
                .set_delay(Duration::from_secs(2)),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_lookup(&server).await;
    let client = HttpClient::new(HttpConfig {
        request_timeout: Duration::from_millis(200),
        backoff_base: Duration::from_millis(1),
        ..HttpConfig::default()
    })
    .unwrap();

    let records = MastodonConnector::new(client)
        .fetch_account_metrics(&mastodon(&server.uri()), now())
        .await
        .unwrap();

    assert_eq!(records.len(), 2);
    assert_eq!(hits(&server, LOOKUP).await, 2);
}

/// A writer that keeps everything logged, to search it afterwards.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_token_never_reaches_logs_or_errors_even_when_echoed_back() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    // tracing caches whether a call site is enabled once for the whole process, and while
    // only one subscriber is registered it asks the subscriber of whichever thread reaches
    // the call site first. A test running beside this one without a subscriber could then
    // switch the retry warning off for good. A second subscriber that wants everything,
    // alive for the whole test, makes that cache ask every registered subscriber instead.
    let _anchor = tracing::Dispatch::new(tracing_subscriber::registry());
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();

    let server = MockServer::start().await;
    Mock::given(path(LOOKUP))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(LOOKUP))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": format!("The access token {TOKEN} is invalid")
        })))
        .mount(&server)
        .await;
    let account = mastodon(&server.uri());

    let error = MastodonConnector::new(http())
        .fetch_posts(&account, since(), now())
        .await
        .unwrap_err();

    let shown = format!("{error} {error:?} {account:?}");
    assert!(
        shown.contains("The access token [redacted] is invalid"),
        "{shown}"
    );
    assert!(!shown.contains(TOKEN), "{shown}");
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("retrying platform request"), "{logs}");
    assert!(!logs.contains(TOKEN), "{logs}");
}

#[tokio::test]
async fn a_next_link_to_another_host_is_refused() {
    let server = MockServer::start().await;
    mount_lookup(&server).await;
    Mock::given(path(STATUSES))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    "<https://elsewhere.invalid/collect?max_id=1>; rel=\"next\"",
                )
                .set_body_json(fixture("mastodon_statuses_page1.json")),
        )
        .mount(&server)
        .await;

    let error = MastodonConnector::new(http())
        .fetch_posts(&mastodon(&server.uri()), since(), now())
        .await
        .unwrap_err();

    assert!(
        matches!(error, ConnectorError::MalformedResponse { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("another host"), "{error}");
}

/// Serves a one-post page whose next link always points one page further.
struct EndlessPages {
    base: String,
}

impl Respond for EndlessPages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: u64 = request
            .url
            .query_pairs()
            .find(|(key, _)| key == "max_id")
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0);
        let status = serde_json::json!([{
            "id": format!("2000{page}"),
            "created_at": "2026-03-09T08:00:00.000Z",
            "visibility": "public",
            "content": "<p>again</p>",
            "favourites_count": 1
        }]);
        let next = format!(
            "<{}{STATUSES}?max_id={}>; rel=\"next\"",
            self.base,
            page + 1
        );
        ResponseTemplate::new(200)
            .insert_header("link", next.as_str())
            .set_body_json(status)
    }
}

#[tokio::test]
async fn paging_stops_at_the_page_cap() {
    let server = MockServer::start().await;
    mount_lookup(&server).await;
    Mock::given(path(STATUSES))
        .respond_with(EndlessPages { base: server.uri() })
        .mount(&server)
        .await;
    let client = HttpClient::new(HttpConfig {
        max_pages: 3,
        ..HttpConfig::default()
    })
    .unwrap();

    let batch = MastodonConnector::new(client)
        .fetch_posts(&mastodon(&server.uri()), since(), now())
        .await
        .unwrap();

    assert_eq!(post_ids(&batch), ["20000", "20001", "20002"]);
    assert_eq!(hits(&server, STATUSES).await, 3);
}

#[tokio::test]
async fn an_account_of_another_platform_is_refused() {
    let account =
        AccountAccess::new(Platform::X, "test_creator").with_base_url("http://127.0.0.1:9");
    let error = MastodonConnector::new(http())
        .fetch_posts(&account, since(), now())
        .await
        .unwrap_err();
    assert!(
        matches!(error, ConnectorError::InvalidAccount { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("belongs to X"), "{error}");
}

#[tokio::test]
async fn the_mock_stands_in_for_a_real_connector() {
    let mut mock = MockPlatformConnector::new();
    mock.expect_platform().return_const(Platform::Bluesky);
    mock.expect_fetch_posts()
        .times(1)
        .returning(|_, _, _| Ok(IngestBatch::default()));
    let connector: Arc<dyn PlatformConnector> = Arc::new(mock);

    let account = AccountAccess::new(Platform::Bluesky, "test-creator.example.social");
    let batch = connector
        .fetch_posts(&account, since(), now())
        .await
        .unwrap();

    assert!(batch.is_empty());
    assert_eq!(connector.platform(), Platform::Bluesky);
}
