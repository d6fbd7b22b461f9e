//! People and the platform accounts they connect.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AccountId, Platform, Secret, UserId};

crate::name_enum!(
    /// Whether collection can read an account.
    AccountStatus, "account status" {
        /// Collection reads it.
        Active => "active",
        /// The platform refused the credential; it must be replaced before collection resumes.
        NeedsReauthorization => "needs_reauthorization",
    }
);

/// A person or organisation whose accounts tally analyzes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// The user's id.
    pub id: UserId,
    /// A name to show.
    pub name: String,
    /// The IANA time zone the user reads their analytics in, such as `Europe/Berlin`.
    pub timezone: String,
    /// When the user was first stored.
    pub created_at: DateTime<Utc>,
}

/// What is needed to create a user, or to update one with the same id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// The id to store the user under.
    pub id: UserId,
    /// A name to show.
    pub name: String,
    /// The IANA time zone of the user.
    pub timezone: String,
}

/// One connected account of a user on one platform.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    /// tally's id of the account.
    pub id: AccountId,
    /// The owner.
    pub user_id: UserId,
    /// The platform the account lives on.
    pub platform: Platform,
    /// The handle or id of the account on its platform.
    pub handle: String,
    /// The server the account lives on, for platforms with many servers such as Mastodon.
    pub base_url: Option<String>,
    /// When the account was connected.
    pub created_at: DateTime<Utc>,
    /// Whether collection can read it.
    pub status: AccountStatus,
    /// Whether a credential is stored (the credential itself is never read back out).
    pub has_credential: bool,
    /// When collection last stored data for it.
    pub last_collected_at: Option<DateTime<Utc>>,
}

/// What is needed to connect an account; connecting the same handle again updates it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccount {
    /// The owner.
    pub user_id: UserId,
    /// The platform the account lives on.
    pub platform: Platform,
    /// The handle or id of the account on its platform.
    pub handle: String,
    /// The server the account lives on, where that varies.
    pub base_url: Option<String>,
    /// The access token or key that collection presents to the platform, if it needs one.
    pub credential: Option<Secret>,
}

/// Changes to a connected account; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountUpdate {
    /// A new server, or `Some(None)` to clear it.
    pub base_url: Option<Option<String>>,
    /// A new credential, or `Some(None)` to remove it. A new credential makes a suspended
    /// account active again.
    pub credential: Option<Option<Secret>>,
}

/// A handle as accounts are matched by: without surrounding spaces or a leading `@`, in
/// lower case, so that `@Creator` and `creator` name the same account on a platform.
pub fn handle_key(handle: &str) -> String {
    handle.trim().trim_start_matches('@').to_lowercase()
}
