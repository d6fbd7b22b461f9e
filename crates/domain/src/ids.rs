//! Identifier newtypes, so that a user id can never be passed where a post id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub struct $name(pub i64);

        impl $name {
            /// The raw integer value, as stored in the database.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<i64> for $name {
            fn from(value: i64) -> Self {
                Self(value)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map(Self)
            }
        }
    };
}

id_type!(
    /// A person (or organisation) whose accounts tally analyzes.
    UserId
);
id_type!(
    /// One connected account of a user on one platform.
    AccountId
);
id_type!(
    /// One collection job.
    JobId
);
id_type!(
    /// tally's own id for a stored post (not the platform's id, which is a string).
    PostId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_and_display_as_plain_integers() {
        let id: UserId = " 42 ".parse().unwrap();
        assert_eq!(id, UserId(42));
        assert_eq!(id.to_string(), "42");
        assert!("abc".parse::<UserId>().is_err());
        assert_eq!(serde_json::to_string(&PostId(7)).unwrap(), "7");
    }
}
