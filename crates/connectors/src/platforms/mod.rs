//! One module per platform, plus what several of them share.

mod bluesky;
mod facebook;
mod google;
mod instagram;
mod linkedin;
mod mastodon;
mod meta;
mod threads;
mod tiktok;
mod x;
mod youtube;

use tally_domain::Platform;
use tracing::warn;

pub use bluesky::BlueskyConnector;
pub use facebook::FacebookConnector;
pub use instagram::InstagramConnector;
pub use linkedin::LinkedInConnector;
pub use mastodon::MastodonConnector;
pub use threads::ThreadsConnector;
pub use tiktok::TikTokConnector;
pub use x::XConnector;
pub use youtube::YouTubeConnector;

/// Counts the pages a fetch follows and stops it at the configured cap.
pub(crate) struct PageBudget {
    platform: Platform,
    max_pages: u32,
    fetched: u32,
}

impl PageBudget {
    /// A budget of `max_pages` pages.
    pub fn new(platform: Platform, max_pages: u32) -> Self {
        Self {
            platform,
            max_pages,
            fetched: 0,
        }
    }

    /// Whether another page may be fetched; counts it when so.
    pub fn take(&mut self) -> bool {
        if self.fetched >= self.max_pages {
            warn!(
                platform = %self.platform,
                max_pages = self.max_pages,
                "stopped following pages at the cap; older posts were not fetched"
            );
            return false;
        }
        self.fetched += 1;
        true
    }
}
