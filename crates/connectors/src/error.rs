//! What can go wrong when a connector reads a platform.

use std::time::Duration;

use tally_domain::Platform;

/// A failure to read an account from its platform.
///
/// Messages name the platform and, where it matters, the endpoint; they never contain a
/// credential. Callers decide what to do with [`ConnectorError::needs_reauthorization`]
/// (ask the user to connect the account again) and [`ConnectorError::retry_after`] (try the
/// whole collection later).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectorError {
    /// The credential is missing, expired, revoked, invalid or lacks a permission.
    ///
    /// Never retried: only the user can fix it by authorizing the account again.
    #[error(
        "{platform}: the credential was refused ({reason}); the account must be authorized again"
    )]
    Unauthorized {
        /// The platform that refused it.
        platform: Platform,
        /// The platform's explanation, without the credential.
        reason: String,
    },

    /// The platform kept asking to slow down after every retry, or asked for a longer
    /// pause than the configured cap on waiting.
    #[error("{platform}: rate limited on {endpoint}{}", retry_hint(*retry_after))]
    RateLimited {
        /// The platform.
        platform: Platform,
        /// The endpoint that was limited.
        endpoint: String,
        /// How long the platform asked to wait, when it said.
        retry_after: Option<Duration>,
    },

    /// Timeouts, connection failures or server errors persisted through every retry.
    #[error("{platform}: {endpoint} is unavailable after {attempts} attempts: {reason}")]
    Unavailable {
        /// The platform.
        platform: Platform,
        /// The endpoint that failed.
        endpoint: String,
        /// How many requests were made.
        attempts: u32,
        /// The last failure.
        reason: String,
    },

    /// A response that could not be understood.
    #[error("{platform}: malformed response from {endpoint}: {reason}")]
    MalformedResponse {
        /// The platform.
        platform: Platform,
        /// The endpoint that answered.
        endpoint: String,
        /// What was wrong with it.
        reason: String,
    },

    /// The account does not exist, was deleted or suspended, or is hidden from the caller.
    #[error("{platform}: {what} was not found, or was deleted or suspended")]
    NotFound {
        /// The platform.
        platform: Platform,
        /// What was looked for, such as `account 'test_creator'`.
        what: String,
    },

    /// Something the platform's public API does not offer.
    #[error("{platform}: {what} is not available through the platform's API")]
    Unsupported {
        /// The platform.
        platform: Platform,
        /// What was asked for.
        what: String,
    },

    /// Any other refusal of a request, such as a missing access level or a bad parameter.
    #[error("{platform}: {endpoint} refused the request (HTTP {status}): {reason}")]
    Rejected {
        /// The platform.
        platform: Platform,
        /// The endpoint.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// The platform's explanation.
        reason: String,
    },

    /// The account description cannot be used: wrong platform, bad base URL, empty handle.
    #[error("{platform}: invalid account: {reason}")]
    InvalidAccount {
        /// The platform.
        platform: Platform,
        /// What is wrong.
        reason: String,
    },
}

impl ConnectorError {
    /// Whether the user must authorize the account again before collection can succeed.
    pub fn needs_reauthorization(&self) -> bool {
        matches!(self, ConnectorError::Unauthorized { .. })
    }

    /// Whether the same request may succeed later without anyone changing anything.
    pub fn is_temporary(&self) -> bool {
        matches!(
            self,
            ConnectorError::RateLimited { .. } | ConnectorError::Unavailable { .. }
        )
    }

    /// How long the platform asked callers to wait, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ConnectorError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The platform the error came from.
    pub fn platform(&self) -> Platform {
        match self {
            ConnectorError::Unauthorized { platform, .. }
            | ConnectorError::RateLimited { platform, .. }
            | ConnectorError::Unavailable { platform, .. }
            | ConnectorError::MalformedResponse { platform, .. }
            | ConnectorError::NotFound { platform, .. }
            | ConnectorError::Unsupported { platform, .. }
            | ConnectorError::Rejected { platform, .. }
            | ConnectorError::InvalidAccount { platform, .. } => *platform,
        }
    }
}

fn retry_hint(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(wait) => format!("; retry in {} s", wait.as_secs().max(1)),
        None => String::new(),
    }
}

/// The shared HTTP client could not be built (for example, TLS failed to initialise).
#[derive(Debug, thiserror::Error)]
#[error("could not build the HTTP client: {reason}")]
pub struct ClientBuildError {
    /// What failed.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_credential_failures_need_reauthorization() {
        let unauthorized = ConnectorError::Unauthorized {
            platform: Platform::X,
            reason: "Unauthorized".into(),
        };
        assert!(unauthorized.needs_reauthorization());
        assert!(!unauthorized.is_temporary());

        let limited = ConnectorError::RateLimited {
            platform: Platform::Mastodon,
            endpoint: "GET /api/v1/accounts/:id".into(),
            retry_after: Some(Duration::from_secs(90)),
        };
        assert!(!limited.needs_reauthorization());
        assert!(limited.is_temporary());
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(90)));
        assert_eq!(limited.platform(), Platform::Mastodon);
        assert_eq!(
            limited.to_string(),
            "mastodon: rate limited on GET /api/v1/accounts/:id; retry in 90 s"
        );
    }
}
