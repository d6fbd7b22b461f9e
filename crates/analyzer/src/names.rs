//! A macro for the analyzer's closed sets of names, spelled like the domain crate's.
//!
//! Each set gets a stable lowercase string form used in JSON and query parameters. Parsing
//! ignores case and surrounding spaces, and a failed parse returns the domain's
//! [`ParseNameError`](tally_domain::ParseNameError), which lists every valid value.

/// Declares an enum with `ALL`, `as_str`, `Display`, `FromStr` and serde string forms.
macro_rules! named_enum {
    (
        $(#[$doc:meta])*
        $name:ident, $kind:literal {
            $($(#[$vdoc:meta])* $variant:ident => $text:literal $(| $alias:literal)*),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical lowercase name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = tally_domain::ParseNameError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim().to_ascii_lowercase();
                match wanted.as_str() {
                    $($text $(| $alias)* => Ok($name::$variant),)+
                    _ => Err(tally_domain::ParseNameError {
                        kind: $kind,
                        given: s.to_owned(),
                        valid: $name::ALL.iter().map(|value| value.as_str()).collect(),
                    }),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use named_enum;
