//! Users and connected accounts.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use diesel::upsert::excluded;
use tally_domain::{
    Account, AccountId, AccountStatus, AccountUpdate, NewAccount, NewUser, Secret, User, UserId,
};

use crate::connection::WriteTransaction;
use crate::models::{AccountInsert, AccountRow, UserInsert, UserRow, to_db_time};
use crate::schema::{accounts, users};
use crate::versions::bump_data_version;
use crate::{AccountStore, DieselStore, StoreError, StoreResult, with_connection};

impl AccountStore for DieselStore {
    fn upsert_user(&self, user: &NewUser) -> StoreResult<User> {
        let mut conn = self.connection()?;
        let row = UserInsert::new(user, Utc::now());
        let stored: UserRow = with_connection!(&mut *conn, |c| {
            c.write_transaction(|c| {
                diesel::insert_into(users::table)
                    .values(&row)
                    .on_conflict(users::id)
                    .do_update()
                    .set((
                        users::name.eq(excluded(users::name)),
                        users::timezone.eq(excluded(users::timezone)),
                    ))
                    .execute(c)?;
                bump_data_version!(&mut *c, row.id)?;
                users::table
                    .find(row.id)
                    .select(UserRow::as_select())
                    .first(c)
            })
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
        let encrypted = account
            .credential
            .as_ref()
            .map(|secret| self.secret_key()?.encrypt(secret.expose()))
            .transpose()?;
        let mut conn = self.connection()?;
        let row = AccountInsert::new(account, encrypted, Utc::now());
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
                    .set((
                        accounts::base_url.eq(excluded(accounts::base_url)),
                        // A credential belongs to its server: moving the account to another
                        // server without a new credential forgets the old one, so that it is
                        // never sent anywhere else.
                        accounts::credential.eq(sql::<Nullable<Text>>(
                            "CASE WHEN excluded.credential IS NOT NULL THEN excluded.credential \
                             WHEN COALESCE(excluded.base_url, '') = COALESCE(accounts.base_url, '') \
                             THEN accounts.credential ELSE NULL END",
                        )),
                        accounts::status.eq(sql::<Text>(
                            "CASE WHEN excluded.credential IS NOT NULL THEN 'active' \
                             ELSE accounts.status END",
                        )),
                    ))
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

    fn account(&self, user: UserId, account: AccountId) -> StoreResult<Option<Account>> {
        let mut conn = self.connection()?;
        let row: Option<AccountRow> = with_connection!(&mut *conn, |c| {
            accounts::table
                .filter(accounts::id.eq(account.get()))
                .filter(accounts::user_id.eq(user.get()))
                .select(AccountRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(Account::try_from).transpose()
    }

    fn update_account(
        &self,
        user: UserId,
        account: AccountId,
        update: &AccountUpdate,
    ) -> StoreResult<Option<Account>> {
        let Some(current) = self.account(user, account)? else {
            return Ok(None);
        };
        let moves = update
            .base_url
            .as_ref()
            .is_some_and(|base_url| *base_url != current.base_url);
        let encrypted = match &update.credential {
            Some(Some(secret)) => Some(Some(self.secret_key()?.encrypt(secret.expose())?)),
            Some(None) => Some(None),
            // A credential belongs to its server: a move without a new one forgets it.
            None if moves => Some(None),
            None => None,
        };
        let mut conn = self.connection()?;
        with_connection!(&mut *conn, |c| {
            let target = accounts::table.find(account.get());
            if let Some(base_url) = &update.base_url {
                diesel::update(target)
                    .set(accounts::base_url.eq(base_url.as_deref()))
                    .execute(c)?;
            }
            if let Some(credential) = &encrypted {
                diesel::update(target)
                    .set((
                        accounts::credential.eq(credential.as_deref()),
                        accounts::status.eq(AccountStatus::Active.as_str()),
                    ))
                    .execute(c)?;
            }
            Ok::<_, diesel::result::Error>(())
        })?;
        drop(conn);
        self.account(user, account)
    }

    fn delete_account(&self, user: UserId, account: AccountId) -> StoreResult<bool> {
        let mut conn = self.connection()?;
        let deleted: usize = with_connection!(&mut *conn, |c| {
            c.write_transaction(|c| {
                let owned = accounts::table
                    .filter(accounts::id.eq(account.get()))
                    .filter(accounts::user_id.eq(user.get()));
                if owned
                    .select(accounts::id)
                    .first::<i64>(c)
                    .optional()?
                    .is_none()
                {
                    return Ok(0);
                }
                // The version row first, as every writer of the user's rows locks it: an
                // ingest of this account holds it, then waits on nothing this transaction
                // holds, so the deletion queues behind it instead of deadlocking.
                bump_data_version!(&mut *c, user.get())?;
                let deleted = diesel::delete(owned).execute(c)?;
                Ok::<_, diesel::result::Error>(deleted)
            })
        })?;
        Ok(deleted > 0)
    }

    fn account_credential(&self, account: AccountId) -> StoreResult<Option<Secret>> {
        let mut conn = self.connection()?;
        let credential: Option<Option<String>> = with_connection!(&mut *conn, |c| {
            accounts::table
                .find(account.get())
                .select(accounts::credential)
                .first(c)
                .optional()
        })?;
        credential
            .flatten()
            .map(|stored| Ok(Secret::new(self.secret_key()?.decrypt(&stored)?)))
            .transpose()
    }

    fn set_account_status(&self, account: AccountId, status: AccountStatus) -> StoreResult<()> {
        let mut conn = self.connection()?;
        with_connection!(&mut *conn, |c| {
            diesel::update(accounts::table.find(account.get()))
                .set(accounts::status.eq(status.as_str()))
                .execute(c)
        })?;
        Ok(())
    }

    fn mark_collected(&self, account: AccountId, at: DateTime<Utc>) -> StoreResult<()> {
        let mut conn = self.connection()?;
        with_connection!(&mut *conn, |c| {
            diesel::update(accounts::table.find(account.get()))
                .set(accounts::last_collected_at.eq(Some(to_db_time(at))))
                .execute(c)
        })?;
        Ok(())
    }

    fn users_with_accounts(&self) -> StoreResult<Vec<UserId>> {
        let mut conn = self.connection()?;
        let ids: Vec<i64> = with_connection!(&mut *conn, |c| {
            accounts::table
                .select(accounts::user_id)
                .distinct()
                .order(accounts::user_id)
                .load(c)
        })?;
        Ok(ids.into_iter().map(UserId).collect())
    }
}
