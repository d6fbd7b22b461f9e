//! Planner statistics after bulk writes.
//!
//! PostgreSQL chooses plans from per-table statistics that its autovacuum daemon refreshes
//! only now and then (and not at all when autovacuum is off). Right after a bulk load the
//! statistics still describe the small or empty tables of before, and the planner may
//! then pick sequential scans over every user's rows for reads that an index bounds by one
//! user. Commands that write much at once refresh them when they finish.

use diesel::RunQueryDsl;

use crate::connection::DbConnection;
use crate::{DieselStore, StoreResult};

/// The tables whose row counts change with ingests and imports.
const INGESTED_TABLES: &str = "users, accounts, posts, post_observations, account_daily_metrics";

impl DieselStore {
    /// Refreshes the query planner's statistics of the tables bulk writes fill.
    ///
    /// `ANALYZE` reads a bounded sample of each table, so it takes about a second however
    /// large the tables are. On SQLite, whose plans for tally's reads come from the indexes
    /// alone, this does nothing.
    pub fn refresh_statistics(&self) -> StoreResult<()> {
        let mut conn = self.connection()?;
        if let DbConnection::Postgres(c) = &mut *conn {
            diesel::sql_query(format!("ANALYZE {INGESTED_TABLES}")).execute(c)?;
        }
        Ok(())
    }
}
