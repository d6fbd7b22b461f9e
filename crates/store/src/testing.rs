//! Disposable databases for tests, on either backend.
//!
//! SQLite databases are files in a temporary folder. PostgreSQL databases are schemas of
//! their own inside the server named by `TEST_DATABASE_URL`, so tests run in parallel
//! without seeing each other's rows; each schema is dropped when its [`TestDatabase`] is.

use std::sync::atomic::{AtomicU64, Ordering};

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;

use crate::{DatabaseUrl, DieselStore, SecretKey, StoreError, StoreResult};

/// The environment variable that names the PostgreSQL server for tests.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

/// When set to `1`, a missing `TEST_DATABASE_URL` fails the PostgreSQL tests instead of
/// skipping them. CI sets it so that the PostgreSQL suite can never be skipped silently.
pub const REQUIRE_POSTGRES: &str = "TALLY_REQUIRE_POSTGRES";

/// A backend to run a test against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file.
    Sqlite,
    /// A temporary schema on the PostgreSQL test server.
    Postgres,
}

/// A database that exists for the life of one test.
pub struct TestDatabase {
    url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    Folder(#[allow(dead_code)] tempfile::TempDir),
    Schema { server: String, schema: String },
}

impl TestDatabase {
    /// Creates an empty database on `backend`, or returns `None` (after saying why on
    /// stderr) when PostgreSQL is wanted but no test server is configured.
    ///
    /// # Panics
    /// When PostgreSQL is required by [`REQUIRE_POSTGRES`] but not configured, or when the
    /// database cannot be created: a test cannot run without it.
    #[expect(
        clippy::expect_used,
        reason = "test support: failing loudly is the point"
    )]
    pub fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => Some(Self::sqlite().expect("create a temporary SQLite database")),
            Backend::Postgres => {
                let Ok(server) = std::env::var(TEST_DATABASE_URL) else {
                    assert!(
                        std::env::var(REQUIRE_POSTGRES).as_deref() != Ok("1"),
                        "{REQUIRE_POSTGRES}=1 but {TEST_DATABASE_URL} is not set"
                    );
                    say_postgres_is_skipped();
                    return None;
                };
                Some(Self::postgres(&server).expect("create a PostgreSQL test schema"))
            }
        }
    }

    fn sqlite() -> StoreResult<Self> {
        let folder =
            tempfile::tempdir().map_err(|error| StoreError::InvalidUrl(error.to_string()))?;
        let path = folder.path().join("tally.db");
        Ok(Self {
            url: DatabaseUrl::Sqlite(path.to_string_lossy().into_owned()),
            cleanup: Cleanup::Folder(folder),
        })
    }

    fn postgres(server: &str) -> StoreResult<Self> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let schema = format!(
            "tally_test_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_subsec_nanos()
        );
        let mut admin = PgConnection::establish(server)?;
        admin.batch_execute(&format!("CREATE SCHEMA {schema}"))?;
        let separator = if server.contains('?') { '&' } else { '?' };
        let url = format!(
            "{server}{separator}options=-csearch_path%3D{schema}&application_name={schema}"
        );
        Ok(Self {
            url: DatabaseUrl::Postgres(url),
            cleanup: Cleanup::Schema {
                server: server.to_owned(),
                schema,
            },
        })
    }

    /// The database's location.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The location as a string that `DATABASE_URL` accepts.
    pub fn url_string(&self) -> String {
        match &self.url {
            DatabaseUrl::Sqlite(path) => path.clone(),
            DatabaseUrl::Postgres(url) => url.clone(),
        }
    }

    /// Opens a store on the database, applying migrations, with a random key for
    /// credentials.
    ///
    /// # Panics
    /// When the database cannot be opened.
    #[expect(
        clippy::expect_used,
        reason = "test support: failing loudly is the point"
    )]
    pub fn store(&self) -> DieselStore {
        let key = SecretKey::generate().expect("generate a test key");
        self.store_without_key().with_secret_key(key)
    }

    /// Opens a store on the database, applying migrations, with no key for credentials.
    ///
    /// # Panics
    /// When the database cannot be opened.
    #[expect(
        clippy::expect_used,
        reason = "test support: failing loudly is the point"
    )]
    pub fn store_without_key(&self) -> DieselStore {
        DieselStore::open_with(self.url.clone(), 4).expect("open the test database")
    }
}

/// Says once per test process that the PostgreSQL tests pass without running. It writes to
/// the process's stderr directly: the test harness hides what a passing test prints.
fn say_postgres_is_skipped() {
    use std::io::Write;
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = writeln!(
            std::io::stderr().lock(),
            "note: PostgreSQL tests are skipped (they pass without running); set \
             {TEST_DATABASE_URL}=postgres://user@host/database to run them"
        );
    });
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Schema { server, schema } = &self.cleanup
            && let Ok(mut admin) = PgConnection::establish(server)
        {
            let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
    }
}

/// Defines one test per backend from one body that takes a [`TestDatabase`].
///
/// ```ignore
/// tally_store::backend_tests!(stores_users, |db| {
///     let store = db.store();
///     // ...
/// });
/// ```
#[macro_export]
macro_rules! backend_tests {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn run($db: $crate::testing::TestDatabase) $body

            #[test]
            fn sqlite() {
                if let Some(db) =
                    $crate::testing::TestDatabase::create($crate::testing::Backend::Sqlite)
                {
                    run(db);
                }
            }

            #[test]
            fn postgres() {
                if let Some(db) =
                    $crate::testing::TestDatabase::create($crate::testing::Backend::Postgres)
                {
                    run(db);
                }
            }
        }
    };
}
