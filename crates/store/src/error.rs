//! The ways storage can fail.

use tally_domain::{AccountId, ParseNameError};

/// A storage failure that callers can match on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `DATABASE_URL` names no backend tally supports.
    #[error("{0}")]
    InvalidUrl(String),
    /// The database could not be reached or opened.
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    /// No pooled connection became free in time.
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::Error),
    /// A migration failed to apply or revert.
    #[error("database migration failed: {0}")]
    Migration(String),
    /// A query failed.
    #[error("database query failed: {0}")]
    Query(#[source] diesel::result::Error),
    /// A write named an account that does not exist.
    #[error("account {0} does not exist")]
    UnknownAccount(AccountId),
    /// A user id that does not exist was given where one must exist.
    #[error("user {0} does not exist")]
    UnknownUser(tally_domain::UserId),
    /// A record named a post that is neither stored nor in the same batch.
    #[error("account {account} has no post with id '{external_id}'")]
    UnknownPost {
        /// The account the record was written for.
        account: AccountId,
        /// The platform id that matched no post.
        external_id: String,
    },
    /// A value does not fit the column that stores it.
    #[error("{0} is too large to store")]
    OutOfRange(String),
    /// A stored value cannot be read back; the database was changed from outside.
    #[error("stored data is not valid: {0}")]
    Invalid(String),
    /// A credential was to be written or read, but the store was opened without a key.
    #[error("no secret key is configured, so credentials can be neither stored nor read")]
    NoSecretKey,
    /// A stored credential was encrypted under another key (or altered).
    #[error("the stored credential cannot be decrypted with this key")]
    WrongSecretKey,
    /// Encryption itself failed, such as for want of random bytes.
    #[error("credential encryption failed: {0}")]
    Crypto(String),
    /// A stored name is not one tally knows; the database was changed from outside.
    #[error("stored data is not valid: {0}")]
    Corrupt(#[from] ParseNameError),
}

impl From<diesel::result::Error> for StoreError {
    /// A row whose stored name or value could not be read back is corrupt data, not a
    /// failed query.
    fn from(error: diesel::result::Error) -> Self {
        if let diesel::result::Error::DeserializationError(cause) = &error {
            // diesel wraps a column's error in one that names the column.
            let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(cause.as_ref());
            while let Some(current) = cause {
                if let Some(name) = current.downcast_ref::<ParseNameError>() {
                    return StoreError::Corrupt(name.clone());
                }
                if let Some(value) = current.downcast_ref::<crate::columns::MalformedValue>() {
                    return StoreError::Invalid(value.0.clone());
                }
                cause = current.source();
            }
        }
        StoreError::Query(error)
    }
}

impl StoreError {
    /// Whether the failure is the database being out of reach or overloaded, which may pass
    /// by itself (as opposed to a bad query or bad data).
    pub fn is_unavailable(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            StoreError::Connect(_) | StoreError::Pool(_) => true,
            StoreError::Query(Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _)) => true,
            StoreError::Query(Error::DatabaseError(_, info)) => {
                let message = info.message();
                [
                    "no connection to the server",
                    "server closed the connection",
                    "terminating connection",
                ]
                .iter()
                .any(|sign| message.contains(sign))
            }
            _ => false,
        }
    }
}

/// The result of a storage operation.
pub type StoreResult<T> = Result<T, StoreError>;

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorKind, Error};

    use super::*;

    fn database_error(kind: DatabaseErrorKind, message: &str) -> StoreError {
        StoreError::Query(Error::DatabaseError(kind, Box::new(message.to_owned())))
    }

    #[test]
    fn lost_connections_count_as_unavailable_and_bad_queries_do_not() {
        assert!(database_error(DatabaseErrorKind::ClosedConnection, "gone").is_unavailable());
        let dropped = "server closed the connection unexpectedly";
        assert!(database_error(DatabaseErrorKind::Unknown, dropped).is_unavailable());
        let violation = database_error(DatabaseErrorKind::UniqueViolation, "duplicate key");
        assert!(!violation.is_unavailable());
        assert!(!StoreError::Query(Error::NotFound).is_unavailable());
        assert!(!StoreError::UnknownAccount(AccountId(1)).is_unavailable());
    }
}
