//! How each platform behaves in the sample data: audience size, engagement levels, the
//! content types people publish there and the counters the platform reports.

use tally_domain::{ContentType, EngagementKind, PerformanceMetric, Platform};

/// The shape of one platform's sample account.
pub(crate) struct PlatformProfile {
    /// Followers on the anchor day, as a range to draw from.
    pub followers: (f64, f64),
    /// Share of followers that one ordinary post reaches.
    pub reach_share: f64,
    /// Interactions per account reached, for an ordinary post.
    pub engagement_per_reach: f64,
    /// The content types published there, with how often each is used.
    pub content_types: &'static [(ContentType, f64)],
    /// Interaction counters the platform reports, with each one's share of interactions.
    pub interactions: &'static [(EngagementKind, f64)],
    /// Whether posts report views, as a multiple of reach.
    pub views_per_reach: Option<f64>,
    /// Per-post exposure figures the platform reports.
    pub performance: &'static [PerformanceMetric],
    /// Whether the account reports daily reach, impressions and profile views.
    pub account_exposure: bool,
}

use ContentType as C;
use EngagementKind as E;
use PerformanceMetric as P;

const SOCIAL: &[(EngagementKind, f64)] = &[
    (E::Like, 0.70),
    (E::Comment, 0.10),
    (E::Share, 0.15),
    (E::Quote, 0.05),
];

pub(crate) fn profile(platform: Platform) -> PlatformProfile {
    match platform {
        Platform::Mastodon => PlatformProfile {
            followers: (2_000.0, 6_000.0),
            reach_share: 0.30,
            engagement_per_reach: 0.06,
            content_types: &[(C::Text, 0.5), (C::Image, 0.35), (C::Link, 0.15)],
            interactions: &[(E::Like, 0.68), (E::Comment, 0.12), (E::Share, 0.20)],
            views_per_reach: None,
            performance: &[],
            account_exposure: false,
        },
        Platform::Bluesky => PlatformProfile {
            followers: (3_000.0, 9_000.0),
            reach_share: 0.25,
            engagement_per_reach: 0.07,
            content_types: &[(C::Text, 0.5), (C::Image, 0.35), (C::Link, 0.15)],
            interactions: SOCIAL,
            views_per_reach: None,
            performance: &[],
            account_exposure: false,
        },
        Platform::X => PlatformProfile {
            followers: (8_000.0, 20_000.0),
            reach_share: 0.20,
            engagement_per_reach: 0.025,
            content_types: &[
                (C::Text, 0.45),
                (C::Image, 0.3),
                (C::Video, 0.1),
                (C::Link, 0.15),
            ],
            interactions: &[
                (E::Like, 0.62),
                (E::Comment, 0.08),
                (E::Share, 0.12),
                (E::Quote, 0.03),
                (E::Save, 0.05),
                (E::Click, 0.10),
            ],
            views_per_reach: None,
            performance: &[P::Impressions],
            account_exposure: false,
        },
        Platform::YouTube => PlatformProfile {
            followers: (5_000.0, 15_000.0),
            reach_share: 0.35,
            engagement_per_reach: 0.05,
            content_types: &[(C::Video, 0.6), (C::Short, 0.4)],
            interactions: &[(E::Like, 0.85), (E::Comment, 0.15)],
            views_per_reach: Some(0.8),
            performance: &[P::Impressions, P::WatchTimeSeconds],
            account_exposure: true,
        },
        Platform::Instagram => PlatformProfile {
            followers: (6_000.0, 18_000.0),
            reach_share: 0.30,
            engagement_per_reach: 0.06,
            content_types: &[
                (C::Image, 0.35),
                (C::Carousel, 0.25),
                (C::Reel, 0.3),
                (C::Story, 0.1),
            ],
            interactions: &[
                (E::Like, 0.72),
                (E::Comment, 0.08),
                (E::Share, 0.08),
                (E::Save, 0.12),
            ],
            views_per_reach: None,
            performance: &[P::Reach, P::Impressions],
            account_exposure: true,
        },
        Platform::Facebook => PlatformProfile {
            followers: (4_000.0, 12_000.0),
            reach_share: 0.15,
            engagement_per_reach: 0.04,
            content_types: &[
                (C::Text, 0.25),
                (C::Image, 0.35),
                (C::Video, 0.2),
                (C::Link, 0.2),
            ],
            interactions: &[
                (E::Like, 0.65),
                (E::Comment, 0.12),
                (E::Share, 0.13),
                (E::Click, 0.10),
            ],
            views_per_reach: None,
            performance: &[P::Reach, P::Impressions],
            account_exposure: true,
        },
        Platform::LinkedIn => PlatformProfile {
            followers: (2_500.0, 8_000.0),
            reach_share: 0.25,
            engagement_per_reach: 0.05,
            content_types: &[
                (C::Text, 0.4),
                (C::Image, 0.3),
                (C::Article, 0.2),
                (C::Video, 0.1),
            ],
            interactions: &[
                (E::Like, 0.62),
                (E::Comment, 0.12),
                (E::Share, 0.08),
                (E::Click, 0.18),
            ],
            views_per_reach: None,
            performance: &[P::Impressions, P::Reach],
            account_exposure: true,
        },
        Platform::TikTok => PlatformProfile {
            followers: (10_000.0, 30_000.0),
            reach_share: 0.40,
            engagement_per_reach: 0.08,
            content_types: &[(C::Video, 0.8), (C::Live, 0.2)],
            interactions: &[
                (E::Like, 0.80),
                (E::Comment, 0.08),
                (E::Share, 0.07),
                (E::Save, 0.05),
            ],
            views_per_reach: Some(1.2),
            performance: &[],
            account_exposure: false,
        },
        Platform::Threads => PlatformProfile {
            followers: (3_000.0, 10_000.0),
            reach_share: 0.25,
            engagement_per_reach: 0.05,
            content_types: &[(C::Text, 0.6), (C::Image, 0.3), (C::Link, 0.1)],
            interactions: SOCIAL,
            views_per_reach: Some(1.0),
            performance: &[],
            account_exposure: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_has_a_consistent_profile() {
        for platform in Platform::ALL {
            let profile = profile(*platform);
            let type_weights: f64 = profile.content_types.iter().map(|(_, weight)| weight).sum();
            let shares: f64 = profile.interactions.iter().map(|(_, share)| share).sum();
            assert!(
                (type_weights - 1.0).abs() < 1e-9,
                "{platform}: {type_weights}"
            );
            assert!((shares - 1.0).abs() < 1e-9, "{platform}: {shares}");
            assert!(profile.followers.0 < profile.followers.1);
        }
    }
}
