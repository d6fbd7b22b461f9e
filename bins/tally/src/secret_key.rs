//! The key that platform credentials are encrypted under: where it comes from and how a
//! new one replaces it.
//!
//! `TALLY_SECRET_KEY` (base64 of 32 bytes) wins when set. Otherwise the key lives in a key
//! file, `TALLY_SECRET_KEY_FILE` or `tally.key` next to an SQLite database (in the working
//! directory for PostgreSQL), which tally creates with owner-only permissions the first
//! time it starts. The key is never logged or printed; only the file's path is.

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use tally_store::{DatabaseUrl, SecretKey};

/// The environment variable that holds the key itself.
pub const SECRET_KEY_VAR: &str = "TALLY_SECRET_KEY";

/// The name of the key file when no path is given.
pub const DEFAULT_KEY_FILE: &str = "tally.key";

/// Where the key comes from.
#[derive(Debug)]
pub enum KeySource {
    /// `TALLY_SECRET_KEY`.
    Environment,
    /// A key file, created when missing.
    File(PathBuf),
}

impl KeySource {
    /// The source configured by `TALLY_SECRET_KEY`, the key file option, or the default
    /// key file for the database at `url`.
    pub fn configured(url: &DatabaseUrl, key_file: Option<&Path>) -> Self {
        if std::env::var_os(SECRET_KEY_VAR).is_some() {
            return KeySource::Environment;
        }
        KeySource::File(
            key_file
                .map(Path::to_path_buf)
                .unwrap_or_else(|| default_key_file(url)),
        )
    }

    /// Reads the key, creating the key file with a new random key when it does not exist.
    pub fn load(&self) -> anyhow::Result<SecretKey> {
        match self {
            KeySource::Environment => {
                let text = std::env::var(SECRET_KEY_VAR)
                    .with_context(|| format!("reading {SECRET_KEY_VAR}"))?;
                SecretKey::from_base64(&text).with_context(|| format!("reading {SECRET_KEY_VAR}"))
            }
            KeySource::File(path) => load_or_create_key_file(path),
        }
    }
}

/// `tally.key` beside an SQLite database, or in the working directory for PostgreSQL.
pub fn default_key_file(url: &DatabaseUrl) -> PathBuf {
    crate::data_dir(url).join(DEFAULT_KEY_FILE)
}

/// Reads the key in `path`, or creates the file with a new key when there is none.
pub fn load_or_create_key_file(path: &Path) -> anyhow::Result<SecretKey> {
    match read_key_file(path) {
        Ok(Some(key)) => return Ok(key),
        Ok(None) => {}
        Err(error) => return Err(error),
    }
    let key = SecretKey::generate()?;
    match write_new_key_file(path, &key) {
        Ok(()) => {
            tracing::info!(path = %path.display(), "created a new secret key file");
            Ok(key)
        }
        // Another process created it in the meantime: use theirs.
        Err(error) if error.kind() == ErrorKind::AlreadyExists => read_key_file(path)?
            .with_context(|| format!("reading the secret key file {}", path.display())),
        Err(error) => {
            Err(error).with_context(|| format!("creating the secret key file {}", path.display()))
        }
    }
}

/// The key in `path`, or `None` when the file does not exist.
pub fn read_key_file(path: &Path) -> anyhow::Result<Option<SecretKey>> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(error)
                .with_context(|| format!("reading the secret key file {}", path.display()));
        }
    };
    warn_when_others_can_read(path);
    let key = SecretKey::from_base64(&text)
        .with_context(|| format!("reading the secret key file {}", path.display()))?;
    Ok(Some(key))
}

/// Writes `key` to a file that must not exist yet, readable by its owner only.
pub fn write_new_key_file(path: &Path, key: &SecretKey) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    let written = file
        .write_all(format!("{}\n", key.to_base64()).as_bytes())
        .and_then(|()| file.sync_all());
    if written.is_err() {
        let _ = fs::remove_file(path);
    }
    written
}

#[cfg(unix)]
fn warn_when_others_can_read(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = fs::metadata(path)
        && metadata.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(
            path = %path.display(),
            "the secret key file can be read by other users; make it owner-only (chmod 600)"
        );
    }
}

#[cfg(not(unix))]
fn warn_when_others_can_read(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_key_file_is_created_owner_only_and_read_back() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("tally.key");
        let created = load_or_create_key_file(&path).unwrap();
        let again = load_or_create_key_file(&path).unwrap();
        assert_eq!(created.to_base64(), again.to_base64());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_broken_key_file_is_refused_without_showing_its_content() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("tally.key");
        fs::write(&path, "c2hvcnQ=").unwrap();
        let error = format!("{:#}", load_or_create_key_file(&path).unwrap_err());
        assert!(error.contains("32 bytes"), "{error}");
        assert!(!error.contains("c2hvcnQ="), "{error}");
    }

    #[test]
    fn the_default_key_file_sits_beside_an_sqlite_database() {
        let sqlite = DatabaseUrl::Sqlite("/var/lib/tally/tally.db".into());
        assert_eq!(
            default_key_file(&sqlite),
            PathBuf::from("/var/lib/tally/tally.key")
        );
        let postgres = DatabaseUrl::Postgres("postgres://localhost/tally".into());
        assert_eq!(default_key_file(&postgres), PathBuf::from("tally.key"));
    }
}
