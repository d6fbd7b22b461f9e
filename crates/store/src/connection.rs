//! Connections to either backend, pooled with r2d2, and the migrations that shape them.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sql_types::BigInt;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::{DatabaseUrl, StoreError, StoreResult};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// The PostgreSQL advisory lock held while migrations run (the bytes of "tally_mg").
const MIGRATION_LOCK_KEY: i64 = 0x7461_6c6c_795f_6d67;

/// How long an SQLite connection waits for another writer before giving up, in milliseconds.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 30_000;

/// How long a new SQLite connection waits before it tries its set-up again.
const SQLITE_SETUP_RETRY: Duration = Duration::from_millis(20);

/// An open connection to one of the two backends.
///
/// Queries that both backends express the same way are written once inside
/// [`with_connection!`](crate::with_connection), which expands them for each variant.
pub enum DbConnection {
    /// An SQLite file.
    Sqlite(SqliteConnection),
    /// A PostgreSQL server.
    Postgres(PgConnection),
}

/// Runs the same diesel code on whichever backend `$conn` holds.
///
/// The body is expanded once per backend, so each expansion type-checks against its own
/// backend; this is how upserts and batch inserts, which diesel's combined connection type
/// cannot express, are written only once.
#[macro_export]
#[doc(hidden)]
macro_rules! with_connection {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::connection::DbConnection::Sqlite($c) => $body,
            $crate::connection::DbConnection::Postgres($c) => $body,
        }
    };
}

/// A transaction for code that writes, on either backend.
///
/// SQLite's default `BEGIN` starts as a reader and upgrades to a writer at the first write.
/// In WAL mode that upgrade fails at once with "database is locked", without waiting for the
/// busy timeout, when another connection wrote in the meantime. `BEGIN IMMEDIATE` takes the
/// write lock up front, so concurrent writers queue behind the busy timeout instead.
pub(crate) trait WriteTransaction: Sized {
    /// Runs `f` in a transaction that may write, committing when it returns `Ok`.
    fn write_transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>;
}

impl WriteTransaction for SqliteConnection {
    fn write_transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        self.immediate_transaction(f)
    }
}

impl WriteTransaction for PgConnection {
    fn write_transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        self.transaction(f)
    }
}

impl DbConnection {
    /// Opens one connection, preparing SQLite for a writer and readers side by side.
    pub fn establish(url: &DatabaseUrl) -> StoreResult<Self> {
        match url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)?;
                // The busy timeout must be set before WAL is switched on, or a second
                // process starting at the same moment fails with "database is locked".
                let setup = format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;"
                );
                // Switching a new file to WAL takes an exclusive lock, and SQLite answers
                // "database is locked" at once, without waiting out the busy timeout, while
                // another connection opens or migrates the same new file: try again shortly.
                let mut waited = Duration::ZERO;
                loop {
                    match conn.batch_execute(&setup) {
                        Ok(()) => break,
                        Err(diesel::result::Error::DatabaseError(_, info))
                            if info.message().contains("locked")
                                && waited
                                    < Duration::from_millis(u64::from(SQLITE_BUSY_TIMEOUT_MS)) =>
                        {
                            std::thread::sleep(SQLITE_SETUP_RETRY);
                            waited += SQLITE_SETUP_RETRY;
                        }
                        Err(error) => return Err(error.into()),
                    }
                }
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                // The statement triggers that keep counter rows with their posts rely on
                // READ COMMITTED (see the migration `counter_integrity`); a database or role
                // whose default isolation is stricter must not change that for tally.
                conn.batch_execute(
                    "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED",
                )?;
                Ok(DbConnection::Postgres(conn))
            }
        }
    }

    /// Applies every migration not yet applied, returning how many ran.
    ///
    /// Several processes may open a fresh database at once. Each checks for pending
    /// migrations and applies them while holding a lock (SQLite's write lock, a PostgreSQL
    /// advisory lock), so one of them applies the migrations and the others find none left.
    pub fn run_migrations(&mut self) -> StoreResult<usize> {
        let applied = match self {
            DbConnection::Sqlite(conn) => conn.immediate_transaction(|c| {
                c.run_pending_migrations(SQLITE_MIGRATIONS)
                    .map(|versions| versions.len())
            }),
            DbConnection::Postgres(conn) => conn.transaction(|c| {
                diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
                    .bind::<BigInt, _>(MIGRATION_LOCK_KEY)
                    .execute(c)?;
                c.run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|versions| versions.len())
            }),
        };
        applied.map_err(|error| StoreError::Migration(error.to_string()))
    }

    /// Reverts every applied migration, returning how many were reverted.
    pub fn revert_all_migrations(&mut self) -> StoreResult<usize> {
        let reverted = match self {
            DbConnection::Sqlite(conn) => conn.revert_all_migrations(SQLITE_MIGRATIONS),
            DbConnection::Postgres(conn) => conn.revert_all_migrations(POSTGRES_MIGRATIONS),
        };
        reverted
            .map(|versions| versions.len())
            .map_err(|error| StoreError::Migration(error.to_string()))
    }

    /// Reverts the newest applied migration.
    pub fn revert_last_migration(&mut self) -> StoreResult<()> {
        let reverted = match self {
            DbConnection::Sqlite(conn) => conn.revert_last_migration(SQLITE_MIGRATIONS),
            DbConnection::Postgres(conn) => conn.revert_last_migration(POSTGRES_MIGRATIONS),
        };
        reverted
            .map(drop)
            .map_err(|error| StoreError::Migration(error.to_string()))
    }

    /// Checks that the database answers.
    pub fn ping(&mut self) -> StoreResult<()> {
        with_connection!(self, |conn| conn.batch_execute("SELECT 1"))?;
        Ok(())
    }
}

/// Hands out [`DbConnection`]s to r2d2, keeping the real cause of a failed connection.
#[derive(Debug)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ConnectionManager {
    /// A manager for the database at `url`.
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = ManagerError;

    fn connect(&self) -> Result<DbConnection, ManagerError> {
        DbConnection::establish(&self.url).map_err(|error| ManagerError(error.to_string()))
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ManagerError> {
        conn.ping().map_err(|error| ManagerError(error.to_string()))
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// A connection failure, as text, for r2d2 to report.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ManagerError(String);

/// A pool of connections to one database.
pub type DbPool = r2d2::Pool<ConnectionManager>;

/// Connects to `url`, applies pending migrations and returns a pool.
///
/// The first connection is made directly, so an unreachable server or an unwritable file is
/// reported with its real cause at once instead of after a pool time-out.
pub fn connect_and_migrate(url: &DatabaseUrl, max_connections: u32) -> StoreResult<DbPool> {
    let mut first = DbConnection::establish(url)?;
    let applied = first.run_migrations()?;
    if applied > 0 {
        tracing::info!(
            applied,
            backend = url.backend(),
            "applied database migrations"
        );
    }
    drop(first);

    // A PostgreSQL connection can be closed by the server (a restart, a failover, an idle
    // time-out); checking it out with a ping lets the pool replace it instead of handing
    // out a dead connection forever. SQLite files do not go away, so skip the ping there.
    let ping_on_checkout = matches!(url, DatabaseUrl::Postgres(_));
    let pool = r2d2::Pool::builder()
        .max_size(max_connections)
        // No connections are opened ahead of need: a pool that opens them in the background
        // can still be inside libpq's TLS set-up when a short command exits, which crashed
        // the process at exit.
        .min_idle(Some(0))
        .connection_timeout(Duration::from_secs(10))
        .test_on_check_out(ping_on_checkout)
        .build_unchecked(ConnectionManager::new(url.clone()));
    Ok(pool)
}
