//! Every connector against a local wiremock server serving bodies in each platform's
//! documented shape, with invented accounts and values.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bluesky;
mod common;
mod facebook;
mod instagram;
mod linkedin;
mod mastodon;
mod plumbing;
mod threads;
mod tiktok;
mod x;
mod youtube;
