//! Per-user data versions, for caches of computed answers.
//!
//! Every write of a user's analytics data (ingest, imports, account deletion, user changes)
//! raises the user's version in the same transaction, so a reader that sees the new data
//! also sees the new version, whichever process wrote it. A cache keyed by the version
//! therefore never serves an answer computed from older data, at the cost of one indexed
//! point read per request.
//!
//! Versions only grow. A new row starts at the current time in microseconds and each later
//! write takes the larger of that clock and the stored version plus one, so a user that is
//! removed and created again never repeats a version an earlier cache entry carries.

use diesel::prelude::*;
use tally_domain::UserId;

use crate::schema::user_data_versions;
use crate::{DieselStore, StoreResult, with_connection};

/// Raises the data version of the user whose id is `$user` (an `i64`) on the connection
/// `$c`, which must be inside the write transaction that changes the user's data; evaluates
/// to `Result<usize, diesel::result::Error>`. A macro so that it expands once per backend.
///
/// Writers call it before they touch the user's rows: the version row is then the first
/// lock each of them takes, and two transactions writing for one user queue behind each
/// other instead of deadlocking on PostgreSQL.
macro_rules! bump_data_version {
    ($c:expr, $user:expr) => {{
        use diesel::prelude::*;

        diesel::insert_into($crate::schema::user_data_versions::table)
            .values((
                $crate::schema::user_data_versions::user_id.eq($user),
                $crate::schema::user_data_versions::version
                    .eq(chrono::Utc::now().timestamp_micros()),
            ))
            .on_conflict($crate::schema::user_data_versions::user_id)
            .do_update()
            .set(
                $crate::schema::user_data_versions::version.eq(diesel::dsl::sql::<
                    diesel::sql_types::BigInt,
                >(
                    $crate::versions::NEXT_VERSION
                )),
            )
            .execute($c)
    }};
}
pub(crate) use bump_data_version;

/// The version after a write: the clock when it is ahead, else one more than stored.
pub(crate) const NEXT_VERSION: &str = "CASE WHEN excluded.version > user_data_versions.version \
     THEN excluded.version ELSE user_data_versions.version + 1 END";

impl DieselStore {
    /// The user's data version, or `None` when the user has none (no such user).
    pub(crate) fn read_data_version(&self, user: UserId) -> StoreResult<Option<i64>> {
        let mut conn = self.connection()?;
        let version = with_connection!(&mut *conn, |c| {
            user_data_versions::table
                .find(user.get())
                .select(user_data_versions::version)
                .first::<i64>(c)
                .optional()
        })?;
        Ok(version)
    }
}
