//! API access tokens: who a token speaks for, and what is known about it.
//!
//! The token itself is a secret shown once; storage keeps only a hash of it, so these types
//! describe a token without ever holding it.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::UserId;

/// What a token may reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenScope {
    /// Every user's data, and users that do not exist yet.
    Admin,
    /// One user's data only.
    User(UserId),
}

impl TokenScope {
    /// Whether a request under this scope may see `user`'s data.
    ///
    /// ```
    /// use tally_domain::{TokenScope, UserId};
    ///
    /// assert!(TokenScope::Admin.reaches(UserId(7)));
    /// assert!(TokenScope::User(UserId(7)).reaches(UserId(7)));
    /// assert!(!TokenScope::User(UserId(7)).reaches(UserId(8)));
    /// ```
    pub fn reaches(self, user: UserId) -> bool {
        match self {
            Self::Admin => true,
            Self::User(own) => own == user,
        }
    }

    /// The one user this scope is limited to, or `None` for an admin scope.
    pub fn user(self) -> Option<UserId> {
        match self {
            Self::Admin => None,
            Self::User(user) => Some(user),
        }
    }
}

/// A stored token, described without its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    /// The token's id, which `tally token revoke` takes.
    pub id: i64,
    /// The user it is limited to; `None` for an admin token.
    pub user_id: Option<UserId>,
    /// A note saying what the token is for.
    pub label: String,
    /// The token's first characters, enough to recognize it and useless to sign in with.
    pub hint: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was revoked; a revoked token opens nothing.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// What the token may reach.
    pub fn scope(&self) -> TokenScope {
        self.user_id.map_or(TokenScope::Admin, TokenScope::User)
    }

    /// Whether the token still opens anything.
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// A token to store: its hash and description, never the token itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewApiToken {
    /// The hash that requests are matched against.
    pub hash: String,
    /// The user it is limited to; `None` for an admin token.
    pub user_id: Option<UserId>,
    /// A note saying what the token is for.
    pub label: String,
    /// The token's first characters.
    pub hint: String,
}
