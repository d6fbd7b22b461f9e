//! Follower counts per account and day, for rate denominators and growth.
//!
//! Daily account figures carry the followers at the end of a day. The index answers "how
//! many followers did this account have on that day" with the latest figure at or before
//! the day, and "what were the first and last figures inside a range".
//!
//! An index can be narrowed to one platform without copying its figures: the narrowed
//! index answers exactly as an index built from that platform's daily figures alone.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use tally_domain::{AccountId, AccountMetric, DailyMetric, DateRange, Platform};

/// Follower figures of every account found in a set of daily metrics.
///
/// Cloning is cheap: the figures are shared, and a clone narrowed with
/// [`FollowerIndex::for_platform`] only hides the accounts of other platforms.
#[derive(Clone, Debug, Default)]
pub(crate) struct FollowerIndex {
    accounts: Arc<BTreeMap<AccountId, AccountFollowers>>,
    /// When set, only the accounts of this platform are visible.
    scope: Option<Platform>,
    /// Whether some account has follower figures under more than one platform, in which
    /// case hiding whole accounts cannot reproduce an index of one platform's figures.
    mixed_platforms: bool,
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
        let mut mixed_platforms = false;
        for metric in daily {
            if metric.metric != AccountMetric::Followers {
                continue;
            }
            let followers = accounts
                .entry(metric.account_id)
                .or_insert_with(|| AccountFollowers {
                    platform: metric.platform,
                    by_day: BTreeMap::new(),
                });
            mixed_platforms |= followers.platform != metric.platform;
            followers.by_day.insert(metric.day, metric.value);
        }
        Self {
            accounts: Arc::new(accounts),
            scope: None,
            mixed_platforms,
        }
    }

    /// The index of `platform`'s follower figures alone, as [`FollowerIndex::new`] would
    /// build it from those of `daily` (the figures this index was built from).
    ///
    /// Usually the figures are shared and the other platforms' accounts hidden; only when
    /// an account has figures under several platforms is the index rebuilt from `daily`.
    pub fn for_platform(&self, platform: Platform, daily: &[DailyMetric]) -> Self {
        if self.scope.is_some_and(|scope| scope != platform) {
            return Self::default();
        }
        if self.mixed_platforms {
            return Self::new(daily.iter().filter(|metric| metric.platform == platform));
        }
        Self {
            scope: Some(platform),
            ..self.clone()
        }
    }

    /// The figures of `account`, if it has any and is visible.
    fn get(&self, account: AccountId) -> Option<&AccountFollowers> {
        let followers = self.accounts.get(&account)?;
        self.visible(followers).then_some(followers)
    }

    fn visible(&self, followers: &AccountFollowers) -> bool {
        self.scope.is_none_or(|scope| scope == followers.platform)
    }

    /// The account's latest follower figure on or before `day`.
    pub fn at_or_before(&self, account: AccountId, day: NaiveDate) -> Option<u64> {
        let followers = self.get(account)?;
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
        let followers = self.get(account)?;
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
            .filter(|(_, followers)| self.visible(followers))
            .map(|(id, followers)| (*id, followers.platform))
    }

    /// The first and last figure of the account inside `range`, if it has any there.
    pub fn span(&self, account: AccountId, range: &DateRange) -> Option<FollowerSpan> {
        let followers = self.get(account)?;
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
