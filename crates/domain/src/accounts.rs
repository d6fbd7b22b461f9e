//! People and the platform accounts they connect.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AccountId, Platform, UserId};

/// A person or organisation whose accounts tally analyzes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// What is needed to connect an account; connecting the same handle again updates it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccount {
    /// The owner.
    pub user_id: UserId,
    /// The platform the account lives on.
    pub platform: Platform,
    /// The handle or id of the account on its platform.
    pub handle: String,
    /// The server the account lives on, where that varies.
    pub base_url: Option<String>,
}
