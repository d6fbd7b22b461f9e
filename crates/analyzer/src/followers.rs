//! Follower counts per account and day, for rate denominators and growth.
//!
//! Daily account figures carry the followers at the end of a day. The index answers "how
//! many followers did this account have on that day" with the latest figure at or before
//! the day, and "what were the first and last figures inside a range".

use std::collections::BTreeMap;

use chrono::NaiveDate;
use tally_domain::{AccountId, AccountMetric, DailyMetric, DateRange, Platform};

/// Follower figures of every account found in a set of daily metrics.
#[derive(Clone, Debug, Default)]
pub(crate) struct FollowerIndex {
    accounts: BTreeMap<AccountId, AccountFollowers>,
}

#[derive(Clone, Debug)]
struct AccountFollowers {
    platform: Platform,
    by_day: BTreeMap<NaiveDate, u64>,
}

/// The first and last follower figure of one account inside a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FollowerSpan {
    pub first_day: NaiveDate,
    pub first: u64,
    pub last_day: NaiveDate,
    pub last: u64,
}

impl FollowerIndex {
    /// Indexes the follower figures among `daily`; a repeated day keeps the later entry.
    pub fn new<'a>(daily: impl IntoIterator<Item = &'a DailyMetric>) -> Self {
        let mut accounts: BTreeMap<AccountId, AccountFollowers> = BTreeMap::new();
        for metric in daily {
            if metric.metric != AccountMetric::Followers {
                continue;
            }
            accounts
                .entry(metric.account_id)
                .or_insert_with(|| AccountFollowers {
                    platform: metric.platform,
                    by_day: BTreeMap::new(),
                })
                .by_day
                .insert(metric.day, metric.value);
        }
        Self { accounts }
    }

    /// The account's latest follower figure on or before `day`.
    pub fn at_or_before(&self, account: AccountId, day: NaiveDate) -> Option<u64> {
        let followers = self.accounts.get(&account)?;
        followers
            .by_day
            .range(..=day)
            .next_back()
            .map(|(_, value)| *value)
    }

    /// The account's latest follower figure on or before `day`, but not before `since`.
    pub fn latest_within(
        &self,
        account: AccountId,
        since: NaiveDate,
        day: NaiveDate,
    ) -> Option<u64> {
        let followers = self.accounts.get(&account)?;
        followers
            .by_day
            .range(since..=day)
            .next_back()
            .map(|(_, value)| *value)
    }

    /// The accounts with follower figures, with their platforms.
    pub fn accounts(&self) -> impl Iterator<Item = (AccountId, Platform)> + '_ {
        self.accounts
            .iter()
            .map(|(id, followers)| (*id, followers.platform))
    }

    /// The first and last figure of the account inside `range`, if it has any there.
    pub fn span(&self, account: AccountId, range: &DateRange) -> Option<FollowerSpan> {
        let followers = self.accounts.get(&account)?;
        let mut inside = followers.by_day.range(range.start()..=range.end());
        let (first_day, first) = inside.next().map(|(day, value)| (*day, *value))?;
        let (last_day, last) = inside
            .next_back()
            .map(|(day, value)| (*day, *value))
            .unwrap_or((first_day, first));
        Some(FollowerSpan {
            first_day,
            first,
            last_day,
            last,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn followers(account: i64, day: &str, value: u64) -> DailyMetric {
        DailyMetric {
            account_id: AccountId(account),
            platform: Platform::Mastodon,
            day: day.parse().unwrap(),
            metric: AccountMetric::Followers,
            value,
            observed_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn lookups_use_the_latest_figure_at_or_before_the_day() {
        let daily = [
            followers(1, "2026-05-01", 100),
            followers(1, "2026-05-04", 130),
        ];
        let index = FollowerIndex::new(&daily);
        let day = |text: &str| text.parse::<NaiveDate>().unwrap();
        assert_eq!(index.at_or_before(AccountId(1), day("2026-04-30")), None);
        assert_eq!(
            index.at_or_before(AccountId(1), day("2026-05-01")),
            Some(100)
        );
        assert_eq!(
            index.at_or_before(AccountId(1), day("2026-05-03")),
            Some(100)
        );
        assert_eq!(
            index.at_or_before(AccountId(1), day("2026-05-09")),
            Some(130)
        );
        assert_eq!(index.at_or_before(AccountId(2), day("2026-05-09")), None);

        let range = DateRange::new(day("2026-05-02"), day("2026-05-31")).unwrap();
        let span = index.span(AccountId(1), &range).unwrap();
        assert_eq!((span.first, span.last), (130, 130));
    }
}
