//! Users and connected accounts.

use chrono::Utc;
use diesel::prelude::*;
use diesel::upsert::excluded;
use tally_domain::{Account, NewAccount, NewUser, User, UserId};

use crate::connection::WriteTransaction;
use crate::models::{AccountInsert, AccountRow, UserInsert, UserRow};
use crate::schema::{accounts, users};
use crate::{AccountStore, DieselStore, StoreError, StoreResult, with_connection};

impl AccountStore for DieselStore {
    fn upsert_user(&self, user: &NewUser) -> StoreResult<User> {
        let mut conn = self.connection()?;
        let row = UserInsert::new(user, Utc::now());
        let stored: UserRow = with_connection!(&mut *conn, |c| {
            diesel::insert_into(users::table)
                .values(&row)
                .on_conflict(users::id)
                .do_update()
                .set((
                    users::name.eq(excluded(users::name)),
                    users::timezone.eq(excluded(users::timezone)),
                ))
                .execute(c)?;
            users::table
                .find(row.id)
                .select(UserRow::as_select())
                .first(c)
        })?;
        Ok(stored.into())
    }

    fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        let mut conn = self.connection()?;
        let row: Option<UserRow> = with_connection!(&mut *conn, |c| {
            users::table
                .find(id.get())
                .select(UserRow::as_select())
                .first(c)
                .optional()
        })?;
        Ok(row.map(User::from))
    }

    fn upsert_account(&self, account: &NewAccount) -> StoreResult<Account> {
        let mut conn = self.connection()?;
        let row = AccountInsert::new(account, Utc::now());
        let stored: Option<AccountRow> = with_connection!(&mut *conn, |c| {
            c.write_transaction(|c| {
                let owner_exists = users::table
                    .find(row.user_id)
                    .select(users::id)
                    .first::<i64>(c)
                    .optional()?
                    .is_some();
                if !owner_exists {
                    return Ok(None);
                }
                diesel::insert_into(accounts::table)
                    .values(&row)
                    .on_conflict((accounts::user_id, accounts::platform, accounts::handle))
                    .do_update()
                    .set(accounts::base_url.eq(excluded(accounts::base_url)))
                    .execute(c)?;
                accounts::table
                    .filter(accounts::user_id.eq(row.user_id))
                    .filter(accounts::platform.eq(row.platform))
                    .filter(accounts::handle.eq(row.handle))
                    .select(AccountRow::as_select())
                    .first(c)
                    .map(Some)
            })
        })
        .map_err(StoreError::Query)?;
        stored
            .ok_or(StoreError::UnknownUser(account.user_id))?
            .try_into()
    }

    fn accounts(&self, user: UserId) -> StoreResult<Vec<Account>> {
        let mut conn = self.connection()?;
        let rows: Vec<AccountRow> = with_connection!(&mut *conn, |c| {
            accounts::table
                .filter(accounts::user_id.eq(user.get()))
                .order((accounts::platform, accounts::handle))
                .select(AccountRow::as_select())
                .load(c)
        })?;
        rows.into_iter().map(Account::try_from).collect()
    }
}
