//! tally CSV, version 1: tally's own CSV format for posts with their counters, post counter
//! observations and daily account figures. The export endpoints write it with
//! [`TallyCsvWriter`]; imports read it back without loss.
//!
//! A file holds one kind of row:
//!
//! - The first line is the marker `# tally-csv v1 <kind>`, where `<kind>` is `posts`,
//!   `post_metrics` or `account_metrics`.
//! - The second line is the header: column names of that kind, in any order; optional
//!   columns may be left out, unknown ones are refused.
//! - Then one row per record, with RFC 4180 quoting (titles with commas, quotes or line
//!   breaks are quoted).
//! - The last line is `# end <N> rows`, with the number of data rows. A file without it
//!   was cut short and is refused.
//!
//! Empty cells are unknown values, never zeros. Times are RFC 3339 (any offset, stored as
//! UTC; `2026-03-02 10:00:00` without an offset is read as UTC); days are `YYYY-MM-DD`.
//! `platform`, `content_type` and `metric` take tally's names, case-insensitively, with
//! their aliases (`twitter` for `x`). `account` is the handle on the platform, or empty
//! for the user's only account there, and `base_url` the account's server where the
//! platform has many (Mastodon); records are batched per platform and account.
//! Spreadsheets that pad the marker and end lines with commas are accepted.
//!
//! | kind | columns (`*` required) |
//! |---|---|
//! | `posts` | `platform`*, `account`, `base_url`, `external_id`*, `content_type`*, `published_at`*, `url`, `title`, `observed_at`, and one column per counter: `like`, `comment`, `share`, `save`, `view`, `click`, `quote`, `impressions`, `reach`, `watch_time_seconds` |
//! | `post_metrics` | `platform`*, `account`, `base_url`, `post_external_id`*, `metric`*, `value`*, `observed_at`* |
//! | `account_metrics` | `platform`*, `account`, `base_url`, `day`*, `metric`*, `value`*, `observed_at`* |
//!
//! In `posts`, a row is a post and the counters observed on it at `observed_at`, which is
//! required when any counter is filled in. A post may have several rows, one per time it
//! was observed; its other cells must then agree. `post_metrics` rows refer to posts that
//! are stored already (import their `posts` file first).

mod reader;
mod writer;

pub(crate) use reader::import;
pub use writer::{TallyCsvWriteError, TallyCsvWriter};

use tally_domain::{EngagementKind, PerformanceMetric, PostMetric};

tally_domain::name_enum!(
    /// The kind of rows a tally CSV file holds.
    CsvKind, "tally CSV kind" {
        /// Posts, each with the counters observed on it at one time.
        Posts => "posts",
        /// Observations of post counters, one per row.
        PostMetrics => "post_metrics",
        /// Daily account figures.
        AccountMetrics => "account_metrics",
    }
);

/// The format version this crate reads and writes.
pub const TALLY_CSV_VERSION: u32 = 1;

impl CsvKind {
    /// Every column of the kind, in the order the writer uses.
    pub fn columns(self) -> Vec<&'static str> {
        match self {
            CsvKind::Posts => {
                let mut columns = vec![
                    "platform",
                    "account",
                    "base_url",
                    "external_id",
                    "content_type",
                    "published_at",
                    "url",
                    "title",
                    "observed_at",
                ];
                columns.extend(counters().iter().map(|metric| metric.as_str()));
                columns
            }
            CsvKind::PostMetrics => vec![
                "platform",
                "account",
                "base_url",
                "post_external_id",
                "metric",
                "value",
                "observed_at",
            ],
            CsvKind::AccountMetrics => vec![
                "platform",
                "account",
                "base_url",
                "day",
                "metric",
                "value",
                "observed_at",
            ],
        }
    }

    /// The columns a file of this kind must have.
    pub fn required_columns(self) -> &'static [&'static str] {
        match self {
            CsvKind::Posts => &["platform", "external_id", "content_type", "published_at"],
            CsvKind::PostMetrics => &[
                "platform",
                "post_external_id",
                "metric",
                "value",
                "observed_at",
            ],
            CsvKind::AccountMetrics => &["platform", "day", "metric", "value", "observed_at"],
        }
    }

    /// The marker line that opens a file of this kind.
    pub fn marker(self) -> String {
        format!("# tally-csv v{TALLY_CSV_VERSION} {self}")
    }
}

/// Every per-post counter, engagement kinds first, in the order of the `posts` columns.
pub(crate) fn counters() -> Vec<PostMetric> {
    EngagementKind::ALL
        .iter()
        .map(|kind| PostMetric::Engagement(*kind))
        .chain(
            PerformanceMetric::ALL
                .iter()
                .map(|metric| PostMetric::Performance(*metric)),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_required_column_is_a_column() {
        for kind in CsvKind::ALL {
            let columns = kind.columns();
            for required in kind.required_columns() {
                assert!(columns.contains(required), "{kind}: {required}");
            }
        }
        assert_eq!(CsvKind::Posts.columns().len(), 9 + 10);
        assert_eq!(CsvKind::Posts.marker(), "# tally-csv v1 posts");
    }
}
