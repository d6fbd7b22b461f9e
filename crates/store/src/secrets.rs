//! Credentials at rest: the key they are encrypted under and the stored format.
//!
//! A credential is stored as `v1:` followed by the base64 of a random 96-bit nonce and the
//! ChaCha20-Poly1305 ciphertext (with its tag). The prefix names the format, so a later
//! cipher or key scheme can be told apart from this one.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

use crate::{StoreError, StoreResult};

/// The prefix of credentials stored in the current format.
pub const CREDENTIAL_FORMAT_V1: &str = "v1:";

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;

/// The 32-byte key that credentials are encrypted under.
///
/// Its `Debug` form is a redaction and it has no `Display`; the key leaves it only through
/// [`SecretKey::to_base64`], for writing a key file.
#[derive(Clone)]
pub struct SecretKey([u8; KEY_LEN]);

/// Why a key could not be read.
#[derive(Debug, thiserror::Error)]
#[error("a secret key must be the base64 of exactly 32 bytes")]
pub struct InvalidSecretKey;

impl SecretKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> StoreResult<Self> {
        let mut bytes = [0u8; KEY_LEN];
        getrandom::fill(&mut bytes).map_err(|error| {
            StoreError::Crypto(format!("no random bytes for a new key: {error}"))
        })?;
        Ok(Self(bytes))
    }

    /// A key written as base64 (standard alphabet, padded), ignoring surrounding blanks.
    pub fn from_base64(text: &str) -> Result<Self, InvalidSecretKey> {
        let bytes = BASE64.decode(text.trim()).map_err(|_| InvalidSecretKey)?;
        let bytes: [u8; KEY_LEN] = bytes.try_into().map_err(|_| InvalidSecretKey)?;
        Ok(Self(bytes))
    }

    /// The key as base64, for the one place that writes it to a key file.
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.0)
    }

    /// Encrypts a credential into its stored form.
    pub(crate) fn encrypt(&self, plaintext: &str) -> StoreResult<String> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce)
            .map_err(|error| StoreError::Crypto(format!("no random bytes for a nonce: {error}")))?;
        let ciphertext = self
            .cipher()
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
            .map_err(|_| StoreError::Crypto("the credential cannot be encrypted".into()))?;
        let mut sealed = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Ok(format!("{CREDENTIAL_FORMAT_V1}{}", BASE64.encode(sealed)))
    }

    /// Decrypts a credential from its stored form.
    pub(crate) fn decrypt(&self, stored: &str) -> StoreResult<String> {
        let Some(encoded) = stored.strip_prefix(CREDENTIAL_FORMAT_V1) else {
            return Err(StoreError::Invalid(
                "a stored credential is not in a known encrypted format".into(),
            ));
        };
        let sealed = BASE64
            .decode(encoded)
            .ok()
            .filter(|sealed| sealed.len() > NONCE_LEN)
            .ok_or_else(|| {
                StoreError::Invalid("a stored credential is not valid encrypted data".into())
            })?;
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let plaintext = self
            .cipher()
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| StoreError::WrongSecretKey)?;
        String::from_utf8(plaintext)
            .map_err(|_| StoreError::Invalid("a stored credential is not text".into()))
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(Key::from_slice(&self.0))
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey([redacted])")
    }
}

/// Whether a stored credential is in an encrypted format, as opposed to plain text written
/// before credentials were encrypted.
pub(crate) fn is_encrypted(stored: &str) -> bool {
    stored.starts_with(CREDENTIAL_FORMAT_V1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_round_trip_and_never_repeat_their_ciphertext() {
        let key = SecretKey::generate().unwrap();
        let first = key.encrypt("tok-123").unwrap();
        let second = key.encrypt("tok-123").unwrap();
        assert!(first.starts_with("v1:"));
        assert!(!first.contains("tok-123"));
        assert_ne!(first, second);
        assert_eq!(key.decrypt(&first).unwrap(), "tok-123");
    }

    #[test]
    fn another_key_or_tampering_is_a_clean_error() {
        let key = SecretKey::generate().unwrap();
        let stored = key.encrypt("tok-123").unwrap();
        let other = SecretKey::generate().unwrap();
        assert!(matches!(
            other.decrypt(&stored),
            Err(StoreError::WrongSecretKey)
        ));

        let mut tampered = stored.into_bytes();
        let last = tampered.len() - 3;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert!(key.decrypt(&tampered).is_err());
        assert!(matches!(
            key.decrypt("tok-123"),
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(key.decrypt("v1:!!"), Err(StoreError::Invalid(_))));
    }

    #[test]
    fn keys_parse_from_base64_and_never_print() {
        let key = SecretKey::generate().unwrap();
        let text = key.to_base64();
        let again = SecretKey::from_base64(&format!(" {text}\n")).unwrap();
        assert_eq!(again.0, key.0);
        assert!(!format!("{key:?}").contains(&text));
        assert!(SecretKey::from_base64("c2hvcnQ=").is_err());
        assert!(SecretKey::from_base64("not base64").is_err());
    }
}
