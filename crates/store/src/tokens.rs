//! API tokens, stored as hashes of the tokens people hold.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tally_domain::{ApiToken, NewApiToken, UserId};

use crate::models::to_db_time;
use crate::schema::{api_tokens, users};
use crate::{DieselStore, StoreError, StoreResult, TokenStore, with_connection};

#[derive(Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
struct TokenRow {
    id: i64,
    user_id: Option<i64>,
    label: String,
    hint: String,
    created_at: NaiveDateTime,
    revoked_at: Option<NaiveDateTime>,
}

impl From<TokenRow> for ApiToken {
    fn from(row: TokenRow) -> Self {
        ApiToken {
            id: row.id,
            user_id: row.user_id.map(UserId),
            label: row.label,
            hint: row.hint,
            created_at: row.created_at.and_utc(),
            revoked_at: row.revoked_at.map(|at| at.and_utc()),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = api_tokens, treat_none_as_default_value = false)]
struct TokenInsert<'a> {
    token_hash: &'a str,
    user_id: Option<i64>,
    label: &'a str,
    hint: &'a str,
    created_at: NaiveDateTime,
}

impl TokenStore for DieselStore {
    fn create_token(&self, token: &NewApiToken, now: DateTime<Utc>) -> StoreResult<ApiToken> {
        let row = TokenInsert {
            token_hash: &token.hash,
            user_id: token.user_id.map(UserId::get),
            label: &token.label,
            hint: &token.hint,
            created_at: to_db_time(now),
        };
        let mut conn = self.connection()?;
        let stored: Option<TokenRow> = with_connection!(&mut *conn, |c| {
            c.transaction(|c| {
                if let Some(user) = row.user_id {
                    let exists: i64 = users::table
                        .filter(users::id.eq(user))
                        .count()
                        .get_result(c)?;
                    if exists == 0 {
                        return Ok(None);
                    }
                }
                diesel::insert_into(api_tokens::table)
                    .values(&row)
                    .execute(c)?;
                api_tokens::table
                    .filter(api_tokens::token_hash.eq(row.token_hash))
                    .select(TokenRow::as_select())
                    .first(c)
                    .map(Some)
            })
        })?;
        match (stored, token.user_id) {
            (Some(stored), _) => Ok(stored.into()),
            (None, Some(user)) => Err(StoreError::UnknownUser(user)),
            (None, None) => Err(StoreError::Invalid("an admin token was not stored".into())),
        }
    }

    fn tokens(&self) -> StoreResult<Vec<ApiToken>> {
        let mut conn = self.connection()?;
        let rows: Vec<TokenRow> = with_connection!(&mut *conn, |c| {
            api_tokens::table
                .order(api_tokens::id)
                .select(TokenRow::as_select())
                .load(c)
        })?;
        Ok(rows.into_iter().map(ApiToken::from).collect())
    }

    fn token_by_hash(&self, hash: &str) -> StoreResult<Option<ApiToken>> {
        let mut conn = self.connection()?;
        let row: Option<TokenRow> = with_connection!(&mut *conn, |c| {
            api_tokens::table
                .filter(api_tokens::token_hash.eq(hash))
                .select(TokenRow::as_select())
                .first(c)
                .optional()
        })?;
        Ok(row.map(ApiToken::from))
    }

    fn revoke_token(&self, id: i64, now: DateTime<Utc>) -> StoreResult<Option<ApiToken>> {
        let mut conn = self.connection()?;
        let row: Option<TokenRow> = with_connection!(&mut *conn, |c| {
            diesel::update(
                api_tokens::table
                    .filter(api_tokens::id.eq(id))
                    .filter(api_tokens::revoked_at.is_null()),
            )
            .set(api_tokens::revoked_at.eq(to_db_time(now)))
            .execute(c)?;
            api_tokens::table
                .find(id)
                .select(TokenRow::as_select())
                .first(c)
                .optional()
        })?;
        Ok(row.map(ApiToken::from))
    }
}
