//! Sending a request with retries, backoff and rate-limit pauses.

use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder, Url};
use tracing::{debug, instrument, warn};

use super::rate_limit::wait_from_headers;
use super::{Call, Exchange, Failure, HttpClient};
use crate::{ConnectorError, CredentialKind};

/// What one attempt came to.
enum Outcome {
    Done(Result<Exchange, ConnectorError>),
    Retry { wait: Duration, reason: String },
    Limited { wait: Option<Duration> },
}

impl HttpClient {
    /// Sends `request` for `call`, retrying what is worth retrying, and returns a successful
    /// response or the error that ended the attempts.
    /// [`HttpClient::send`] of a GET of `url`.
    pub(crate) async fn get(&self, call: &Call<'_>, url: Url) -> Result<Exchange, ConnectorError> {
        self.send(call, self.request(Method::GET, url)).await
    }

    #[instrument(skip_all, fields(platform = %call.platform, endpoint = call.endpoint))]
    pub(crate) async fn send(
        &self,
        call: &Call<'_>,
        request: RequestBuilder,
    ) -> Result<Exchange, ConnectorError> {
        let request = self.authorize(call, request)?;
        let mut waited = Duration::ZERO;
        let mut attempt: u32 = 0;

        loop {
            attempt += 1;
            let Some(this_try) = request.try_clone() else {
                return Err(self.invalid(call, "the request body cannot be replayed"));
            };
            let started = Instant::now();
            let outcome = self.attempt(call, this_try, attempt).await;
            let retries_left = attempt <= self.config.max_retries;

            let (wait, reason) = match outcome {
                Outcome::Done(result) => return result,
                Outcome::Retry { wait, reason } => (wait, reason),
                Outcome::Limited { wait } => {
                    // A reset that has already passed still earns a short pause.
                    let backoff = self.backoff(attempt - 1);
                    let pause = wait.map_or(backoff, |wait| wait.max(backoff));
                    if !retries_left || waited + pause > self.config.max_total_wait {
                        return Err(ConnectorError::RateLimited {
                            platform: call.platform,
                            endpoint: call.endpoint.to_owned(),
                            retry_after: wait,
                        });
                    }
                    (pause, "rate limited".to_owned())
                }
            };

            if !retries_left || waited + wait > self.config.max_total_wait {
                return Err(ConnectorError::Unavailable {
                    platform: call.platform,
                    endpoint: call.endpoint.to_owned(),
                    attempts: attempt,
                    reason,
                });
            }
            warn!(
                attempt,
                elapsed_ms = started.elapsed().as_millis() as u64,
                wait_ms = wait.as_millis() as u64,
                %reason,
                "retrying platform request"
            );
            tokio::time::sleep(wait).await;
            waited += wait;
        }
    }

    async fn attempt(&self, call: &Call<'_>, request: RequestBuilder, attempt: u32) -> Outcome {
        let started = Instant::now();
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => return self.transport_failure(call, &error, attempt),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = match response.bytes().await {
            Ok(bytes) => bytes.to_vec(),
            Err(error) => return self.transport_failure(call, &error, attempt),
        };
        debug!(
            status = status.as_u16(),
            attempt,
            duration_ms = started.elapsed().as_millis() as u64,
            body_bytes = body.len(),
            "platform request"
        );

        let exchange = Exchange {
            status,
            headers,
            body,
            platform: call.platform,
            endpoint: call.endpoint.to_owned(),
            credential: call.credential.cloned(),
        };
        let Some(failure) = (call.classify)(&exchange) else {
            return Outcome::Done(Ok(exchange));
        };
        let platform = call.platform;
        match failure {
            Failure::Unauthorized(reason) => {
                Outcome::Done(Err(ConnectorError::Unauthorized { platform, reason }))
            }
            Failure::NotFound(what) => Outcome::Done(Err(ConnectorError::NotFound {
                platform,
                what: format!("account '{}' ({what}; {})", call.account, call.endpoint),
            })),
            Failure::Rejected(reason) => Outcome::Done(Err(ConnectorError::Rejected {
                platform,
                endpoint: call.endpoint.to_owned(),
                status: status.as_u16(),
                reason,
            })),
            Failure::RateLimited(wait) => Outcome::Limited {
                wait: wait.or_else(|| wait_from_headers(&exchange.headers)),
            },
            Failure::Transient(reason) => Outcome::Retry {
                wait: self.backoff(attempt - 1),
                reason: format!("HTTP {}: {reason}", status.as_u16()),
            },
        }
    }

    /// Timeouts and connection failures are retried; anything else is a bug in the request.
    fn transport_failure(&self, call: &Call<'_>, error: &reqwest::Error, attempt: u32) -> Outcome {
        let reason = describe(error);
        if error.is_builder() {
            return Outcome::Done(Err(self.invalid(call, &reason)));
        }
        Outcome::Retry {
            wait: self.backoff(attempt - 1),
            reason,
        }
    }

    fn authorize(
        &self,
        call: &Call<'_>,
        request: RequestBuilder,
    ) -> Result<RequestBuilder, ConnectorError> {
        let Some(credential) = call.credential else {
            return Ok(request);
        };
        match (credential.kind(), call.api_key_header) {
            (CredentialKind::Bearer, _) => Ok(request.bearer_auth(credential.expose_secret())),
            (CredentialKind::ApiKey, Some(header)) => {
                let mut value = reqwest::header::HeaderValue::from_str(credential.expose_secret())
                    .map_err(|_| self.invalid(call, "the API key is not a valid header value"))?;
                value.set_sensitive(true);
                Ok(request.header(header, value))
            }
            (CredentialKind::ApiKey, None) => {
                Err(self.invalid(call, "this platform takes an access token, not an API key"))
            }
        }
    }

    fn invalid(&self, call: &Call<'_>, reason: &str) -> ConnectorError {
        ConnectorError::InvalidAccount {
            platform: call.platform,
            reason: reason.to_owned(),
        }
    }
}

/// The error and its causes in one line, without the URL (which may carry parameters).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
