//! A secret string, such as a platform access token, that never shows itself by accident.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// A credential or other secret.
///
/// Its `Debug` form prints a redaction, and it has no `Display` and no `Serialize`, so it
/// cannot end up in logs, error messages or API responses by accident. Reading it takes an
/// explicit call to [`Secret::expose`].
///
/// ```
/// use tally_domain::Secret;
///
/// let token = Secret::new("not-a-real-token");
/// assert_eq!(format!("{token:?}"), "Secret([redacted])");
/// assert_eq!(token.expose(), "not-a-real-token");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that must use it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty or only blanks.
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print_their_value() {
        let secret: Secret = serde_json::from_str(r#""tok-123""#).unwrap();
        assert_eq!(secret.expose(), "tok-123");
        assert!(!format!("{secret:?}").contains("tok-123"));
        assert!(!format!("{:?}", Some(secret.clone())).contains("tok-123"));
        assert!(Secret::new("  ").is_blank());
    }
}
