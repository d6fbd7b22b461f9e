//! The sample as the analyzer would read it back from storage, for tests without a database.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use tally_domain::{AccountId, DailyMetric, PostId, PostMetric, PostSummary};

use crate::SampleUser;

impl SampleUser {
    /// Every post with its latest counters, and every daily figure, as storage returns them.
    ///
    /// Accounts are numbered from 1 in the order of [`SampleUser::accounts`], and posts from 1
    /// in publication order within that. Posts are ordered by publication time.
    pub fn facts(&self) -> (Vec<PostSummary>, Vec<DailyMetric>) {
        let mut posts = Vec::new();
        let mut daily = Vec::new();
        let mut next_post = 1;

        for (index, sample) in self.accounts.iter().enumerate() {
            let account_id = AccountId(index as i64 + 1);
            let platform = sample.account.platform;

            let mut latest: HashMap<(&str, PostMetric), (DateTime<Utc>, u64)> = HashMap::new();
            let observations = sample
                .batch
                .engagement
                .iter()
                .map(|record| {
                    let metric = PostMetric::Engagement(record.kind);
                    (
                        record.post_external_id.as_str(),
                        metric,
                        record.observed_at,
                        record.count,
                    )
                })
                .chain(sample.batch.performance.iter().map(|record| {
                    let metric = PostMetric::Performance(record.metric);
                    (
                        record.post_external_id.as_str(),
                        metric,
                        record.observed_at,
                        record.value,
                    )
                }));
            for (post, metric, observed_at, value) in observations {
                let slot = latest.entry((post, metric)).or_insert((observed_at, value));
                if observed_at >= slot.0 {
                    *slot = (observed_at, value);
                }
            }

            for record in &sample.batch.posts {
                let mut summary = PostSummary {
                    id: PostId(next_post),
                    account_id,
                    platform,
                    external_id: record.external_id.clone(),
                    content_type: record.content_type,
                    published_at: record.published_at,
                    url: record.url.clone(),
                    title: record.title.clone(),
                    engagement: BTreeMap::new(),
                    performance: BTreeMap::new(),
                };
                next_post += 1;
                for ((post, metric), (_, value)) in &latest {
                    if *post != record.external_id {
                        continue;
                    }
                    match metric {
                        PostMetric::Engagement(kind) => summary.engagement.insert(*kind, *value),
                        PostMetric::Performance(figure) => {
                            summary.performance.insert(*figure, *value)
                        }
                    };
                }
                posts.push(summary);
            }

            daily.extend(
                sample
                    .batch
                    .account_metrics
                    .iter()
                    .map(|record| DailyMetric {
                        observed_at: record.observed_at,
                        account_id,
                        platform,
                        day: record.day,
                        metric: record.metric,
                        value: record.value,
                    }),
            );
        }

        posts.sort_by_key(|post| (post.published_at, post.id));
        daily.sort_by_key(|metric| (metric.day, metric.account_id, metric.metric));
        (posts, daily)
    }
}
