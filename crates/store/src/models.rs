//! Row types and the conversions between rows and domain values.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use tally_domain::{
    Account, AccountId, AccountMetric, AccountStatus, DailyMetric, NewAccount, NewUser, Platform,
    User, UserId, truncate_to_micros,
};

use crate::columns::{Named, StoredDate, StoredTime};
use crate::schema::{account_daily_metrics, accounts, post_observations, posts, users};
use crate::{StoreError, StoreResult};

/// A UTC instant as stored: microsecond precision, no offset.
pub(crate) fn to_db_time(instant: DateTime<Utc>) -> NaiveDateTime {
    truncate_to_micros(instant).naive_utc()
}

/// Converts a counter to the signed column type.
pub(crate) fn to_db_count(value: u64, what: &str) -> StoreResult<i64> {
    i64::try_from(value).map_err(|_| StoreError::OutOfRange(format!("{what} value {value}")))
}

/// Converts a stored counter back; a negative value can only come from outside tally.
pub(crate) fn from_db_count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or_default()
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    pub id: i64,
    pub name: String,
    pub timezone: String,
    pub created_at: NaiveDateTime,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User {
            id: UserId(row.id),
            name: row.name,
            timezone: row.timezone,
            created_at: row.created_at.and_utc(),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub(crate) struct UserInsert<'a> {
    pub id: i64,
    pub name: &'a str,
    pub timezone: &'a str,
    pub created_at: NaiveDateTime,
}

impl<'a> UserInsert<'a> {
    pub fn new(user: &'a NewUser, now: DateTime<Utc>) -> Self {
        Self {
            id: user.id.get(),
            name: &user.name,
            timezone: &user.timezone,
            created_at: to_db_time(now),
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub(crate) struct AccountRow {
    pub id: i64,
    pub user_id: i64,
    pub platform: String,
    pub handle: String,
    pub base_url: Option<String>,
    pub created_at: NaiveDateTime,
    pub status: String,
    #[diesel(select_expression = crate::schema::accounts::credential.is_not_null())]
    #[diesel(select_expression_type = diesel::dsl::IsNotNull<crate::schema::accounts::credential>)]
    pub has_credential: bool,
    pub last_collected_at: Option<NaiveDateTime>,
}

impl TryFrom<AccountRow> for Account {
    type Error = StoreError;

    fn try_from(row: AccountRow) -> StoreResult<Self> {
        Ok(Account {
            id: AccountId(row.id),
            user_id: UserId(row.user_id),
            platform: row.platform.parse()?,
            handle: row.handle,
            base_url: row.base_url,
            created_at: row.created_at.and_utc(),
            status: row.status.parse()?,
            has_credential: row.has_credential,
            last_collected_at: row.last_collected_at.map(|at| at.and_utc()),
        })
    }
}

#[derive(Insertable)]
#[diesel(table_name = accounts, treat_none_as_default_value = false)]
pub(crate) struct AccountInsert<'a> {
    pub user_id: i64,
    pub platform: &'static str,
    pub handle: &'a str,
    pub base_url: Option<&'a str>,
    pub created_at: NaiveDateTime,
    /// The credential in its encrypted, stored form.
    pub credential: Option<String>,
    pub status: &'static str,
}

impl<'a> AccountInsert<'a> {
    /// The row for `account`, whose credential the caller has already encrypted.
    pub fn new(
        account: &'a NewAccount,
        encrypted_credential: Option<String>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            user_id: account.user_id.get(),
            platform: account.platform.as_str(),
            handle: &account.handle,
            base_url: account.base_url.as_deref(),
            created_at: to_db_time(now),
            credential: encrypted_credential,
            status: AccountStatus::Active.as_str(),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = posts, treat_none_as_default_value = false)]
pub(crate) struct PostInsert<'a> {
    pub account_id: i64,
    pub user_id: i64,
    pub platform: &'static str,
    pub external_id: &'a str,
    pub content_type: &'static str,
    pub published_at: NaiveDateTime,
    pub url: Option<&'a str>,
    pub title: Option<&'a str>,
    /// The batch's latest counters of the post, in the form of `posts.counters`. Only a
    /// new row takes them: a stored post's counters are merged with the history.
    pub counters: Option<&'a str>,
}

#[derive(Insertable, Clone)]
#[diesel(table_name = post_observations, treat_none_as_default_value = false)]
pub(crate) struct ObservationInsert {
    pub post_id: i64,
    pub metric: &'static str,
    pub observed_at: NaiveDateTime,
    pub value: i64,
}

#[derive(Insertable)]
#[diesel(table_name = account_daily_metrics, treat_none_as_default_value = false)]
pub(crate) struct DailyInsert {
    pub account_id: i64,
    pub metric: &'static str,
    pub day: NaiveDate,
    pub value: i64,
    pub observed_at: NaiveDateTime,
    pub user_id: i64,
    pub platform: &'static str,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = account_daily_metrics)]
pub(crate) struct DailyRow {
    pub account_id: i64,
    pub platform: Named<Platform>,
    pub day: StoredDate,
    pub metric: Named<AccountMetric>,
    pub value: i64,
    pub observed_at: StoredTime,
}

impl From<DailyRow> for DailyMetric {
    fn from(row: DailyRow) -> Self {
        DailyMetric {
            account_id: AccountId(row.account_id),
            platform: row.platform.0,
            day: row.day.0,
            metric: row.metric.0,
            value: from_db_count(row.value),
            observed_at: row.observed_at.0.and_utc(),
        }
    }
}
