//! Closed sets of names: platforms, engagement kinds, content types and metrics.
//!
//! Each set is an enum with a stable lowercase string form. That form is what the HTTP API,
//! the CLI and the database use; parsing is case-insensitive and the error lists every valid
//! value, so a person who mistyped a name learns the right one from the message.

/// `text` as echoed in a message for people: at most 64 characters, so that an absurdly
/// long input is not sent back whole.
pub fn excerpt(text: &str) -> String {
    const MAX_CHARS: usize = 64;
    if text.chars().count() <= MAX_CHARS {
        return text.to_owned();
    }
    let kept: String = text.chars().take(MAX_CHARS).collect();
    format!("{kept}…")
}

/// A name that is not one of the values of a closed set.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} '{}'; valid values: {}", excerpt(.given), .valid.join(", "))]
pub struct ParseNameError {
    /// What was being parsed, such as "platform".
    pub kind: &'static str,
    /// The text that did not match.
    pub given: String,
    /// Every accepted value, in canonical form.
    pub valid: Vec<&'static str>,
}

/// The utoipa schema of a name set: a string whose `enum` lists the canonical names.
#[cfg(feature = "openapi")]
#[macro_export]
#[doc(hidden)]
macro_rules! __name_enum_schema {
    ($name:ident) => {
        impl $crate::__utoipa::PartialSchema for $name {
            fn schema()
            -> $crate::__utoipa::openapi::RefOr<$crate::__utoipa::openapi::schema::Schema> {
                $crate::__utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type($crate::__utoipa::openapi::schema::Type::String)
                    .enum_values(Some($name::ALL.iter().map(|value| value.as_str())))
                    .into()
            }
        }

        impl $crate::__utoipa::ToSchema for $name {
            fn name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}

/// Without the `openapi` feature, name sets have no schema.
#[cfg(not(feature = "openapi"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __name_enum_schema {
    ($name:ident) => {};
}

/// Declares a closed set of names: an enum with `ALL`, `as_str`, `from_canonical`,
/// `Display`, a case-insensitive `FromStr` whose error is a [`ParseNameError`] listing every value, and
/// serde string forms. Other tally crates declare their own sets with it.
///
/// With this crate's `openapi` feature, the set also implements utoipa's `PartialSchema`
/// and `ToSchema`: a string schema whose `enum` lists the canonical names (aliases parse but
/// are not listed, since responses only carry canonical names). Crates that invoke the macro
/// need no feature of their own for that.
#[macro_export]
#[doc(hidden)]
macro_rules! name_enum {
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

            /// The value whose canonical name is exactly `name`; unlike parsing, no
            /// alias, other case or surrounding space is accepted, and nothing is
            /// allocated. Meant for names tally wrote itself.
            pub fn from_canonical(name: &str) -> ::std::option::Option<Self> {
                match name {
                    $($text => ::std::option::Option::Some($name::$variant),)+
                    _ => ::std::option::Option::None,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::ParseNameError;

            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                if let ::std::option::Option::Some(value) = Self::from_canonical(s) {
                    return ::std::result::Result::Ok(value);
                }
                let wanted = s.trim().to_ascii_lowercase();
                match wanted.as_str() {
                    $($text $(| $alias)* => Ok($name::$variant),)+
                    _ => Err($crate::ParseNameError {
                        kind: $kind,
                        given: s.to_owned(),
                        valid: $name::ALL.iter().map(|value| value.as_str()).collect(),
                    }),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let text = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }

        $crate::__name_enum_schema!($name);
    };
}

name_enum!(
    /// A social platform that tally collects from or imports.
    Platform, "platform" {
        /// Any Mastodon (or compatible) instance.
        Mastodon => "mastodon",
        /// Bluesky, through the AT Protocol AppView.
        Bluesky => "bluesky",
        /// X, formerly Twitter; `twitter` is accepted as an alias.
        X => "x" | "twitter",
        /// YouTube channels.
        YouTube => "youtube",
        /// Instagram professional accounts.
        Instagram => "instagram",
        /// Facebook pages.
        Facebook => "facebook",
        /// LinkedIn members and organisations.
        LinkedIn => "linkedin",
        /// TikTok accounts.
        TikTok => "tiktok",
        /// Threads profiles.
        Threads => "threads",
    }
);

impl Platform {
    /// The name people know the platform by, for labels and messages.
    pub fn display_name(self) -> &'static str {
        match self {
            Platform::Mastodon => "Mastodon",
            Platform::Bluesky => "Bluesky",
            Platform::X => "X",
            Platform::YouTube => "YouTube",
            Platform::Instagram => "Instagram",
            Platform::Facebook => "Facebook",
            Platform::LinkedIn => "LinkedIn",
            Platform::TikTok => "TikTok",
            Platform::Threads => "Threads",
        }
    }
}

name_enum!(
    /// One kind of interaction that people have with a post.
    EngagementKind, "engagement kind" {
        /// Likes, favourites, hearts and reactions.
        Like => "like" | "likes" | "favourite" | "reaction",
        /// Comments and replies.
        Comment => "comment" | "comments" | "reply",
        /// Shares, reposts, boosts and retweets.
        Share => "share" | "shares" | "repost" | "boost" | "retweet",
        /// Saves and bookmarks.
        Save => "save" | "saves" | "bookmark",
        /// Views or plays.
        View => "view" | "views" | "play",
        /// Link clicks.
        Click => "click" | "clicks",
        /// Quotes of the post.
        Quote => "quote" | "quotes",
    }
);

impl EngagementKind {
    /// Whether this kind counts as an engagement in engagement totals and rates.
    ///
    /// Views measure exposure rather than interaction, so they are stored and reported but
    /// left out of the engagement sum.
    pub fn is_interaction(self) -> bool {
        !matches!(self, EngagementKind::View)
    }
}

name_enum!(
    /// The form a piece of content takes.
    ContentType, "content type" {
        /// Text only.
        Text => "text",
        /// A single image.
        Image => "image",
        /// A video of regular length.
        Video => "video",
        /// Several images or videos in one post.
        Carousel => "carousel" | "album",
        /// A short vertical video on Instagram or Facebook.
        Reel => "reel",
        /// An ephemeral story.
        Story => "story",
        /// A post whose main content is a link.
        Link => "link",
        /// A short vertical video on YouTube.
        Short => "short",
        /// A live stream.
        Live => "live",
        /// A poll.
        Poll => "poll",
        /// A long-form article or document.
        Article => "article" | "document",
    }
);

name_enum!(
    /// A per-post measure of exposure or attention, as opposed to an interaction.
    PerformanceMetric, "performance metric" {
        /// Times the post was displayed.
        Impressions => "impressions",
        /// Unique accounts that saw the post.
        Reach => "reach",
        /// Total time spent watching a video, in seconds.
        WatchTimeSeconds => "watch_time_seconds",
    }
);

name_enum!(
    /// A daily figure for a whole account on one platform.
    AccountMetric, "account metric" {
        /// Followers or subscribers at the end of the day.
        Followers => "followers" | "subscribers",
        /// Accounts followed at the end of the day.
        Following => "following",
        /// Unique accounts reached during the day.
        Reach => "reach",
        /// Impressions during the day.
        Impressions => "impressions",
        /// Profile views during the day.
        ProfileViews => "profile_views",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_names_are_found_exactly_and_aliases_only_by_parsing() {
        for kind in EngagementKind::ALL {
            assert_eq!(EngagementKind::from_canonical(kind.as_str()), Some(*kind));
        }
        for lenient in ["likes", "Like", " like", "favourite"] {
            assert_eq!(EngagementKind::from_canonical(lenient), None, "{lenient}");
            assert_eq!(
                lenient.parse::<EngagementKind>().ok(),
                Some(EngagementKind::Like)
            );
        }
        assert_eq!(Platform::from_canonical("myspace"), None);
        assert!("myspace".parse::<Platform>().is_err());
    }

    #[test]
    fn every_value_round_trips_through_its_name() {
        for platform in Platform::ALL {
            assert_eq!(platform.as_str().parse::<Platform>().unwrap(), *platform);
        }
        for kind in EngagementKind::ALL {
            assert_eq!(kind.as_str().parse::<EngagementKind>().unwrap(), *kind);
        }
        for content in ContentType::ALL {
            assert_eq!(content.as_str().parse::<ContentType>().unwrap(), *content);
        }
        for metric in PerformanceMetric::ALL {
            assert_eq!(
                metric.as_str().parse::<PerformanceMetric>().unwrap(),
                *metric
            );
        }
        for metric in AccountMetric::ALL {
            assert_eq!(metric.as_str().parse::<AccountMetric>().unwrap(), *metric);
        }
    }

    #[test]
    fn twitter_is_an_alias_of_x_and_parsing_ignores_case() {
        assert_eq!("Twitter".parse::<Platform>().unwrap(), Platform::X);
        assert_eq!(" YouTube ".parse::<Platform>().unwrap(), Platform::YouTube);
        assert_eq!(
            "boost".parse::<EngagementKind>().unwrap(),
            EngagementKind::Share
        );
    }

    #[test]
    fn unknown_names_are_rejected_with_the_valid_values() {
        let error = "myspace".parse::<Platform>().unwrap_err();
        assert_eq!(error.kind, "platform");
        assert_eq!(error.valid.len(), Platform::ALL.len());
        assert_eq!(
            error.to_string(),
            "unknown platform 'myspace'; valid values: mastodon, bluesky, x, youtube, \
             instagram, facebook, linkedin, tiktok, threads"
        );
    }

    #[test]
    fn long_inputs_are_shortened_in_messages() {
        let long = "y".repeat(1_000);
        let message = long.parse::<Platform>().unwrap_err().to_string();
        assert!(message.len() < 250, "{message}");
        assert!(message.contains("yyy…'"), "{message}");
        assert_eq!(excerpt("short"), "short");
    }

    #[test]
    fn serde_uses_the_canonical_names() {
        let json = serde_json::to_string(&[ContentType::Reel, ContentType::Short]).unwrap();
        assert_eq!(json, r#"["reel","short"]"#);
        let parsed: Platform = serde_json::from_str(r#""twitter""#).unwrap();
        assert_eq!(parsed, Platform::X);
        assert!(serde_json::from_str::<Platform>(r#""orkut""#).is_err());
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn openapi_schemas_list_the_canonical_names_only() {
        use utoipa::{PartialSchema, ToSchema};

        let schema = serde_json::to_value(Platform::schema()).unwrap();
        let names: Vec<&str> = Platform::ALL.iter().map(|value| value.as_str()).collect();
        assert_eq!(schema, serde_json::json!({"type": "string", "enum": names}));
        assert!(!schema.to_string().contains("twitter"), "{schema}");
        assert_eq!(Platform::name(), "Platform");
    }

    #[test]
    fn views_are_not_counted_as_interactions() {
        assert!(!EngagementKind::View.is_interaction());
        assert!(EngagementKind::Like.is_interaction());
    }
}
