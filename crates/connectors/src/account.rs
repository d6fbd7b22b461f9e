//! What a caller tells a connector about the account to read.

use reqwest::Url;
use tally_domain::{Account, Platform};

use crate::{ConnectorError, Credential};

/// One account on one platform, with what is needed to reach it.
///
/// The `Debug` form is safe to log: the credential inside prints as a redaction.
#[derive(Clone, Debug)]
pub struct AccountAccess {
    /// The platform the account lives on.
    pub platform: Platform,
    /// The handle or the platform's user id, as described per platform in `docs/platforms.md`.
    pub handle: String,
    /// The API's base URL; `None` means the platform's public API. Mastodon has no default:
    /// its base URL is the account's instance, such as `https://example.social`.
    pub base_url: Option<String>,
    /// The access token or API key, when the platform needs one.
    pub credential: Option<Credential>,
}

impl AccountAccess {
    /// An account on the platform's default API, without a credential.
    pub fn new(platform: Platform, handle: impl Into<String>) -> Self {
        Self {
            platform,
            handle: handle.into(),
            base_url: None,
            credential: None,
        }
    }

    /// The account described by a stored [`Account`], with its credential.
    pub fn from_account(account: &Account, credential: Option<Credential>) -> Self {
        Self {
            platform: account.platform,
            handle: account.handle.clone(),
            base_url: account.base_url.clone(),
            credential,
        }
    }

    /// The same account reached through another base URL (a test server, an instance).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// The same account with a credential.
    pub fn with_credential(mut self, credential: Credential) -> Self {
        self.credential = Some(credential);
        self
    }

    /// The handle without surrounding blanks and without a leading `@`.
    pub(crate) fn bare_handle(&self) -> &str {
        self.handle.trim().trim_start_matches('@')
    }

    /// Checks that this account belongs to `platform` and has a usable handle.
    pub(crate) fn check(&self, platform: Platform) -> Result<(), ConnectorError> {
        if self.platform != platform {
            return Err(ConnectorError::InvalidAccount {
                platform,
                reason: format!(
                    "the account belongs to {}, not {}",
                    self.platform.display_name(),
                    platform.display_name()
                ),
            });
        }
        if self.bare_handle().is_empty() {
            return Err(ConnectorError::InvalidAccount {
                platform,
                reason: "the account has an empty handle".into(),
            });
        }
        Ok(())
    }

    /// The base URL to use: the account's own, or `default` when it has none.
    pub(crate) fn resolve_base_url(&self, default: Option<&str>) -> Result<Url, ConnectorError> {
        let platform = self.platform;
        let text = match (self.base_url.as_deref(), default) {
            (Some(own), _) if !own.trim().is_empty() => own.trim(),
            (_, Some(default)) => default,
            _ => {
                return Err(ConnectorError::InvalidAccount {
                    platform,
                    reason: "a base URL is required (the account's server, such as \
                             https://example.social)"
                        .into(),
                });
            }
        };
        let url = Url::parse(text).map_err(|error| ConnectorError::InvalidAccount {
            platform,
            reason: format!("the base URL '{text}' is not a URL: {error}"),
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
            return Err(ConnectorError::InvalidAccount {
                platform,
                reason: format!("the base URL '{text}' must be an http or https URL"),
            });
        }
        Ok(url)
    }

    /// The credential, or an error saying the platform needs one.
    pub(crate) fn require_credential(&self) -> Result<&Credential, ConnectorError> {
        self.credential
            .as_ref()
            .ok_or_else(|| ConnectorError::Unauthorized {
                platform: self.platform,
                reason: "no credential was given for this account".into(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastodon_needs_a_base_url_and_others_fall_back_to_their_default() {
        let account = AccountAccess::new(Platform::Mastodon, "@test_creator");
        assert_eq!(account.bare_handle(), "test_creator");
        let error = account.resolve_base_url(None).unwrap_err();
        assert!(
            error.to_string().contains("base URL is required"),
            "{error}"
        );

        let account = account.with_base_url("https://example.social/");
        let url = account.resolve_base_url(None).unwrap();
        assert_eq!(url.host_str(), Some("example.social"));

        let bluesky = AccountAccess::new(Platform::Bluesky, "test.example");
        let url = bluesky
            .resolve_base_url(Some("https://bsky.example"))
            .unwrap();
        assert_eq!(url.as_str(), "https://bsky.example/");
    }

    #[test]
    fn wrong_platforms_bad_urls_and_empty_handles_are_refused() {
        let account = AccountAccess::new(Platform::X, "test_creator");
        assert!(account.check(Platform::X).is_ok());
        assert!(account.check(Platform::Bluesky).is_err());
        assert!(
            AccountAccess::new(Platform::X, " @ ")
                .check(Platform::X)
                .is_err()
        );
        let bad = account.with_base_url("ftp://example.test");
        assert!(bad.resolve_base_url(None).is_err());
    }

    #[test]
    fn debug_output_redacts_the_credential() {
        let account = AccountAccess::new(Platform::X, "test_creator")
            .with_credential(Credential::bearer("invented-secret-value"));
        let shown = format!("{account:?}");
        assert!(shown.contains("test_creator"));
        assert!(!shown.contains("invented-secret-value"));
    }
}
