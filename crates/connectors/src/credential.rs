//! The secret that lets a connector read an account, wrapped so that it never leaks.

use std::fmt;

/// How a platform expects a [`Credential`] to be presented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    /// An OAuth access token or app bearer token, sent as `Authorization: Bearer`.
    Bearer,
    /// A project API key, such as a Google API key, sent in the platform's key header.
    ApiKey,
}

/// An access token or API key.
///
/// Its `Debug` and `Display` forms print a redaction, never the secret, so a credential can
/// sit inside structs that are logged or formatted into errors. The only way to read the
/// secret is [`Credential::expose_secret`], whose name makes every use easy to audit.
///
/// ```
/// use tally_connectors::Credential;
///
/// let token = Credential::bearer("not-a-real-token");
/// assert_eq!(format!("{token}"), "[redacted bearer token]");
/// assert!(!format!("{token:?}").contains("not-a-real-token"));
/// ```
#[derive(Clone)]
pub struct Credential {
    kind: CredentialKind,
    secret: String,
}

impl Credential {
    /// An OAuth access token or app bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Self {
            kind: CredentialKind::Bearer,
            secret: token.into(),
        }
    }

    /// A project API key (used by YouTube for public data).
    pub fn api_key(key: impl Into<String>) -> Self {
        Self {
            kind: CredentialKind::ApiKey,
            secret: key.into(),
        }
    }

    /// How the secret is presented to the platform.
    pub fn kind(&self) -> CredentialKind {
        self.kind
    }

    /// The secret itself, for the one place that puts it in a request header.
    pub fn expose_secret(&self) -> &str {
        &self.secret
    }

    /// `text` with every occurrence of the secret replaced by a redaction.
    ///
    /// Upstream error messages are copied into errors; a server that echoes the token back
    /// must not smuggle it into a log line that way.
    pub(crate) fn scrub(&self, text: &str) -> String {
        if self.secret.is_empty() {
            return text.to_owned();
        }
        text.replace(&self.secret, "[redacted]")
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("kind", &self.kind)
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            CredentialKind::Bearer => f.write_str("[redacted bearer token]"),
            CredentialKind::ApiKey => f.write_str("[redacted API key]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_never_shows_the_secret() {
        let secret = "sk-invented-0123456789";
        for credential in [Credential::bearer(secret), Credential::api_key(secret)] {
            assert!(!format!("{credential:?}").contains(secret));
            assert!(!format!("{credential:#?}").contains(secret));
            assert!(!credential.to_string().contains(secret));
            assert_eq!(credential.expose_secret(), secret);
        }
    }

    #[test]
    fn scrubbing_removes_every_copy_of_the_secret() {
        let credential = Credential::bearer("abc123");
        assert_eq!(
            credential.scrub("token abc123 rejected (abc123)"),
            "token [redacted] rejected ([redacted])"
        );
        assert_eq!(Credential::bearer("").scrub("nothing"), "nothing");
    }
}
