//! One request's context and its response, and how failed responses are classified.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use tally_domain::Platform;

use crate::{AccountAccess, ConnectorError, Credential};

/// What a connector tells the shared client about one request.
pub(crate) struct Call<'a> {
    /// The platform, for errors and logs.
    pub platform: Platform,
    /// A label for the endpoint such as `GET /api/v1/accounts/:id`; never the full URL,
    /// which can carry handles and query parameters.
    pub endpoint: &'a str,
    /// The account's handle, to name it when the platform says it does not exist.
    pub account: &'a str,
    /// The credential to present, if any.
    pub credential: Option<&'a Credential>,
    /// The header an API key goes in, for platforms that take one.
    pub api_key_header: Option<&'static str>,
    /// Reads a non-success response (or an error hidden in a success) into a failure.
    pub classify: fn(&Exchange) -> Option<Failure>,
}

impl<'a> Call<'a> {
    /// A call on behalf of `account`, presenting its credential when it has one.
    pub(crate) fn new(
        platform: Platform,
        endpoint: &'a str,
        account: &'a AccountAccess,
        classify: fn(&Exchange) -> Option<Failure>,
    ) -> Self {
        Self {
            platform,
            endpoint,
            account: account.bare_handle(),
            credential: account.credential.as_ref(),
            api_key_header: None,
            classify,
        }
    }

    /// A call that needs the account's credential: without one, it fails before sending.
    pub(crate) fn authenticated(
        platform: Platform,
        endpoint: &'a str,
        account: &'a AccountAccess,
        classify: fn(&Exchange) -> Option<Failure>,
    ) -> Result<Self, ConnectorError> {
        Ok(Self {
            credential: Some(account.require_credential()?),
            ..Self::new(platform, endpoint, account, classify)
        })
    }
}

/// Why a response was not a success, as far as retrying is concerned.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The credential was refused: never retried.
    Unauthorized(String),
    /// Slow down: wait as long as the platform says (or the headers say), then retry.
    RateLimited(Option<Duration>),
    /// A server error or similar: retried with backoff.
    Transient(String),
    /// The thing asked for does not exist.
    NotFound(String),
    /// Any other refusal: never retried.
    Rejected(String),
}

/// How much of a platform's error text a message keeps.
const MESSAGE_CHARS: usize = 200;

/// A received response, with the context needed to report problems with it.
pub(crate) struct Exchange {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Vec<u8>,
    pub(crate) platform: Platform,
    pub(crate) endpoint: String,
    pub(crate) credential: Option<Credential>,
}

impl Exchange {
    /// The body parsed as JSON into `T`, or an error naming the platform and endpoint.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ConnectorError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(self.malformed("the body is empty"));
        }
        serde_json::from_slice(&self.body).map_err(|error| self.malformed(error.to_string()))
    }

    /// An error saying this response could not be understood.
    pub fn malformed(&self, reason: impl Into<String>) -> ConnectorError {
        ConnectorError::MalformedResponse {
            platform: self.platform,
            endpoint: self.endpoint.clone(),
            reason: self.scrub(&reason.into()),
        }
    }

    /// A short explanation taken from the body: the first message-like field of a JSON
    /// error, or the start of the text.
    ///
    /// The credential is removed before the text is shortened, so that a copy of it cut
    /// in two by the shortening cannot slip through.
    pub fn message(&self) -> String {
        let text = match serde_json::from_slice::<serde_json::Value>(&self.body) {
            Ok(value) => message_from_json(&value),
            Err(_) => None,
        };
        let text = text.unwrap_or_else(|| {
            let raw = String::from_utf8_lossy(&self.body);
            let trimmed = raw.trim();
            if trimmed.is_empty() {
                format!("HTTP {}", self.status.as_u16())
            } else {
                trimmed.to_owned()
            }
        });
        self.scrub(&text).chars().take(MESSAGE_CHARS).collect()
    }

    /// The body parsed as loose JSON, when it is JSON at all.
    pub fn json_value(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    fn scrub(&self, text: &str) -> String {
        match &self.credential {
            Some(credential) => credential.scrub(text),
            None => text.to_owned(),
        }
    }
}

fn message_from_json(value: &serde_json::Value) -> Option<String> {
    for key in ["error_description", "message", "detail", "error", "title"] {
        match value.get(key) {
            Some(serde_json::Value::String(text)) if !text.is_empty() => {
                return Some(text.clone());
            }
            Some(nested @ serde_json::Value::Object(_)) => {
                if let Some(text) = message_from_json(nested) {
                    return Some(text);
                }
            }
            _ => {}
        }
    }
    None
}

/// The classification every platform starts from: what the HTTP status alone says.
pub(crate) fn classify_by_status(exchange: &Exchange) -> Option<Failure> {
    let status = exchange.status;
    if status.is_success() {
        return None;
    }
    let message = exchange.message();
    Some(match status.as_u16() {
        401 => Failure::Unauthorized(message),
        404 | 410 => Failure::NotFound(message),
        429 => Failure::RateLimited(None),
        408 | 500..=599 => Failure::Transient(message),
        _ => Failure::Rejected(message),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(body: String, secret: &str) -> Exchange {
        Exchange {
            status: StatusCode::UNAUTHORIZED,
            headers: HeaderMap::new(),
            body: body.into_bytes(),
            platform: Platform::Mastodon,
            endpoint: "lookup".into(),
            credential: Some(Credential::bearer(secret)),
        }
    }

    #[test]
    fn a_credential_cut_by_the_length_limit_is_still_removed() {
        let secret = "SECRETCRED-0123456789abcdef";
        let body = format!("{}{secret} was refused", "x".repeat(MESSAGE_CHARS - 10));
        let message = refusal(body, secret).message();
        assert!(!message.contains("SECRET"), "{message}");
        assert_eq!(message.chars().count(), MESSAGE_CHARS);

        let json = serde_json::json!({"error": format!("{}{secret}", "y".repeat(195))});
        let message = refusal(json.to_string(), secret).message();
        assert!(!message.contains("SECRET"), "{message}");
    }
}
