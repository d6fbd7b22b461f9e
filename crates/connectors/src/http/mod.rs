//! HTTP plumbing shared by every connector: one client, timeouts, retries and rate limits.
//!
//! Connectors describe a request and how to read the platform's error bodies; this module
//! sends it, retries timeouts, connection failures and server errors with exponential
//! backoff, waits out rate limits when the platform says how long (within a cap), and turns
//! whatever is left into a [`ConnectorError`].

mod exchange;
mod rate_limit;
mod retry;
mod urls;

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, RequestBuilder, Url};

use crate::ClientBuildError;

pub(crate) use exchange::{Call, Exchange, Failure, classify_by_status};
pub(crate) use rate_limit::reference_time;
pub(crate) use urls::{endpoint_url, next_link, same_origin};

/// Timeouts, retries and limits for every request a connector makes.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// The longest a single request may take, from sending to the last byte of the body.
    pub request_timeout: Duration,
    /// The longest to wait for a connection to be established.
    pub connect_timeout: Duration,
    /// How many times a failed request is retried (so at most `max_retries + 1` requests).
    pub max_retries: u32,
    /// The first backoff pause; each further retry doubles it.
    pub backoff_base: Duration,
    /// The longest single backoff pause.
    pub backoff_max: Duration,
    /// The most time one request may spend waiting in backoff and rate-limit pauses; a
    /// platform that asks for a longer pause gets a [`ConnectorError::RateLimited`] instead.
    ///
    /// [`ConnectorError::RateLimited`]: crate::ConnectorError::RateLimited
    pub max_total_wait: Duration,
    /// The most pages a connector follows in one call, so that a platform that never stops
    /// returning cursors cannot keep a collection running forever.
    pub max_pages: u32,
    /// The `User-Agent` sent with every request.
    pub user_agent: String,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_retries: 3,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            max_total_wait: Duration::from_secs(120),
            max_pages: 50,
            user_agent: concat!("tally/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// The HTTP client every connector shares; cheap to clone.
#[derive(Clone, Debug)]
pub struct HttpClient {
    inner: reqwest::Client,
    config: Arc<HttpConfig>,
}

impl HttpClient {
    /// A client with the given configuration.
    pub fn new(config: HttpConfig) -> Result<Self, ClientBuildError> {
        let inner = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent.clone())
            .build()
            .map_err(|error| ClientBuildError {
                reason: error.without_url().to_string(),
            })?;
        Ok(Self {
            inner,
            config: Arc::new(config),
        })
    }

    /// The configuration the client was built with.
    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// A request to `url`, to be completed by the caller and passed to `send`.
    pub(crate) fn request(&self, method: Method, url: Url) -> RequestBuilder {
        self.inner.request(method, url)
    }

    /// The backoff pause before retry number `retry` (counting from zero).
    fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(16));
        self.config
            .backoff_base
            .saturating_mul(factor)
            .min(self.config.backoff_max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let client = HttpClient::new(HttpConfig {
            backoff_base: Duration::from_millis(100),
            backoff_max: Duration::from_millis(500),
            ..HttpConfig::default()
        })
        .unwrap();
        let pauses: Vec<u128> = (0..5).map(|n| client.backoff(n).as_millis()).collect();
        assert_eq!(pauses, [100, 200, 400, 500, 500]);
        assert_eq!(client.backoff(u32::MAX).as_millis(), 500);
    }
}
