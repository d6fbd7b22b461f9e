//! Users and their connected accounts: create, list, update and remove.
//!
//! Credentials are write-only: they are accepted here and stored, and no response ever
//! contains one; an account says only whether it has a credential.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Deserializer};
use tally_analyzer::parse_timezone;
use tally_domain::{
    Account, AccountId, AccountUpdate, NewAccount, NewUser, Platform, Secret, User,
};
use utoipa::ToSchema;

use super::auth::Caller;
use super::load::{blocking, require_user};
use super::openapi::{
    AccountErrors, AccountMethodNotAllowed, AccountsMethodNotAllowed, BodyErrors, ErrorBody,
    ServerErrors, UserMethodNotAllowed, UserPath,
};
use super::{ApiError, AppState};

/// Longest handle accepted, in characters.
const MAX_HANDLE_CHARS: usize = 200;
/// Longest credential accepted, in bytes.
const MAX_CREDENTIAL_BYTES: usize = 8 * 1024;

/// The body of `PUT /users/{user_id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserBody {
    /// A name to show.
    #[schema(min_length = 1, max_length = 200, examples("Test Creator"))]
    pub name: String,
    /// The user's IANA time zone; UTC when absent.
    #[serde(default)]
    #[schema(examples("Europe/Berlin"))]
    pub timezone: Option<String>,
}

/// The body of `POST /accounts/{user_id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccountBody {
    /// The platform, such as `mastodon`; case-insensitive, and `twitter` is accepted for `x`.
    #[schema(value_type = Platform)]
    pub platform: String,
    /// The handle or the platform's id of the account.
    #[schema(min_length = 1, max_length = 200, examples("test_creator"))]
    pub handle: String,
    /// The server the account lives on: required for Mastodon, optional elsewhere.
    #[serde(default)]
    #[schema(examples("https://example.social"))]
    pub base_url: Option<String>,
    /// The access token or API key collection presents to the platform.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Password, write_only)]
    pub credential: Option<Secret>,
}

/// The body of `PATCH /accounts/{user_id}/{account_id}`: absent fields stay as they are,
/// `null` clears them.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountUpdateBody {
    /// A new server, or `null` to clear it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, examples("https://example.social"))]
    pub base_url: Option<Option<String>>,
    /// A new credential, or `null` to remove it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Password, write_only)]
    pub credential: Option<Option<Secret>>,
}

/// Tells a field given as `null` (`Some(None)`) from an absent one (`None`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

fn account_id(raw: &str) -> Result<AccountId, ApiError> {
    match raw.parse::<i64>() {
        Ok(id) if id >= 1 => Ok(AccountId(id)),
        _ => Err(ApiError::bad_request(
            "invalid_path",
            format!("an account id is a whole number of 1 or more, not '{raw}'"),
        )),
    }
}

fn valid_base_url(platform: Platform, base_url: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(raw) = base_url.map(str::trim).filter(|raw| !raw.is_empty()) else {
        if platform == Platform::Mastodon {
            return Err(ApiError::bad_request(
                "invalid_body",
                "a Mastodon account needs base_url, its server, such as https://example.social",
            ));
        }
        return Ok(None);
    };
    match url::Url::parse(raw) {
        Ok(url)
            if matches!(url.scheme(), "http" | "https")
                && url.host().is_some()
                && url.username().is_empty()
                && url.password().is_none() =>
        {
            Ok(Some(raw.trim_end_matches('/').to_owned()))
        }
        _ => Err(ApiError::bad_request(
            "invalid_body",
            format!(
                "base_url must be an http or https URL such as https://example.social, not '{raw}'"
            ),
        )),
    }
}

fn valid_credential(credential: Option<Secret>) -> Result<Option<Secret>, ApiError> {
    match credential {
        Some(secret) if secret.is_blank() => Err(ApiError::bad_request(
            "invalid_body",
            "credential is empty; leave it out instead",
        )),
        Some(secret) if secret.expose().len() > MAX_CREDENTIAL_BYTES => Err(ApiError::bad_request(
            "invalid_body",
            format!("credential is longer than {MAX_CREDENTIAL_BYTES} bytes"),
        )),
        other => Ok(other),
    }
}

/// `PUT /users/{user_id}`: creates the user, or renames it and changes its time zone.
#[utoipa::path(
    put,
    path = "/api/v1/analytics/users/{user_id}",
    tag = "accounts",
    params(UserPath),
    request_body = UserBody,
    responses(
        (status = 200, description = "The user as stored, created or updated.", body = User),
        (
            status = 400,
            description = "A malformed id in the path, or a body that is not JSON, has an \
                unknown field, lacks the name or holds an invalid value; the message says \
                which, and what is valid.",
            body = ErrorBody
        ),
        BodyErrors,
        ServerErrors,
        UserMethodNotAllowed,
    )
)]
pub async fn put_user(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<UserBody>,
) -> Result<HttpResponse, ApiError> {
    let id = caller.user(&path)?;
    let body = body.into_inner();
    let name = body.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_HANDLE_CHARS {
        return Err(ApiError::bad_request(
            "invalid_body",
            format!("name must have 1 to {MAX_HANDLE_CHARS} characters"),
        ));
    }
    let timezone = match body.timezone.as_deref() {
        Some(raw) => parse_timezone(raw)
            .map_err(|error| ApiError::bad_request("invalid_body", error.to_string()))?
            .name()
            .to_owned(),
        None => "UTC".to_owned(),
    };
    let user = blocking(&state, move |accounts, _| {
        Ok(accounts.upsert_user(&NewUser { id, name, timezone })?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(user))
}

/// `GET /users/{user_id}`.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/users/{user_id}",
    tag = "accounts",
    params(UserPath),
    responses(
        (status = 200, description = "The user.", body = User),
        AccountErrors,
        ServerErrors,
        UserMethodNotAllowed,
    )
)]
pub async fn get_user(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = caller.user(&path)?;
    let user = blocking(&state, move |accounts, _| require_user(accounts, id)).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// `GET /accounts/{user_id}`: the user's accounts, without credentials.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/accounts/{user_id}",
    tag = "accounts",
    params(UserPath),
    responses(
        (status = 200, description = "The user's connected accounts.", body = Vec<Account>),
        AccountErrors,
        ServerErrors,
        AccountsMethodNotAllowed,
    )
)]
pub async fn list_accounts(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = caller.user(&path)?;
    let list = blocking(&state, move |accounts, _| {
        require_user(accounts, user)?;
        Ok(accounts.accounts(user)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// `POST /accounts/{user_id}`: connects an account (or updates the one with the same
/// platform and handle); 201 with its `Location`.
#[utoipa::path(
    post,
    path = "/api/v1/analytics/accounts/{user_id}",
    tag = "accounts",
    params(UserPath),
    request_body = NewAccountBody,
    responses(
        (
            status = 201,
            description = "The account as stored; connecting the same platform and handle \
                again updates that account.",
            body = Account,
            headers(("Location" = String, description = "The account's URL."))
        ),
        AccountErrors,
        BodyErrors,
        ServerErrors,
        AccountsMethodNotAllowed,
    )
)]
pub async fn add_account(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<NewAccountBody>,
) -> Result<HttpResponse, ApiError> {
    let user = caller.user(&path)?;
    let body = body.into_inner();
    let platform: Platform =
        body.platform
            .parse()
            .map_err(|error: tally_domain::ParseNameError| {
                ApiError::bad_request("invalid_body", error.to_string())
            })?;
    let handle = body.handle.trim().to_owned();
    if handle.is_empty() || handle.chars().count() > MAX_HANDLE_CHARS {
        return Err(ApiError::bad_request(
            "invalid_body",
            format!("handle must have 1 to {MAX_HANDLE_CHARS} characters"),
        ));
    }
    let new = NewAccount {
        user_id: user,
        platform,
        handle,
        base_url: valid_base_url(platform, body.base_url.as_deref())?,
        credential: valid_credential(body.credential)?,
    };
    let account = blocking(&state, move |accounts, _| {
        require_user(accounts, user)?;
        Ok(accounts.upsert_account(&new)?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/analytics/accounts/{user}/{}", account.id),
        ))
        .json(account))
}

/// `GET /accounts/{user_id}/{account_id}`.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/accounts/{user_id}/{account_id}",
    tag = "accounts",
    params(
        UserPath,
        (
            "account_id" = i64,
            Path,
            description = "tally's id of the account.",
            minimum = 1
        ),
    ),
    responses(
        (status = 200, description = "The account.", body = Account),
        AccountErrors,
        ServerErrors,
        AccountMethodNotAllowed,
    )
)]
pub async fn get_account(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (user, id) = (caller.user(&path.0)?, account_id(&path.1)?);
    let account = blocking(&state, move |accounts, _| {
        require_user(accounts, user)?;
        accounts
            .account(user, id)?
            .ok_or_else(|| ApiError::not_found(format!("user {user} has no account {id}")))
    })
    .await?;
    Ok(HttpResponse::Ok().json(account))
}

/// `PATCH /accounts/{user_id}/{account_id}`: a new server or credential. A new credential
/// makes an account that needed re-authorization active again.
#[utoipa::path(
    patch,
    path = "/api/v1/analytics/accounts/{user_id}/{account_id}",
    tag = "accounts",
    params(
        UserPath,
        (
            "account_id" = i64,
            Path,
            description = "tally's id of the account.",
            minimum = 1
        ),
    ),
    request_body = AccountUpdateBody,
    responses(
        (status = 200, description = "The account as updated.", body = Account),
        AccountErrors,
        BodyErrors,
        ServerErrors,
        AccountMethodNotAllowed,
    )
)]
pub async fn update_account(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Json<AccountUpdateBody>,
) -> Result<HttpResponse, ApiError> {
    let (user, id) = (caller.user(&path.0)?, account_id(&path.1)?);
    let body = body.into_inner();
    let account = blocking(&state, move |accounts, _| {
        require_user(accounts, user)?;
        let current = accounts
            .account(user, id)?
            .ok_or_else(|| ApiError::not_found(format!("user {user} has no account {id}")))?;
        let base_url = match body.base_url {
            Some(base_url) => Some(valid_base_url(current.platform, base_url.as_deref())?),
            None => None,
        };
        let credential = match body.credential {
            Some(credential) => Some(valid_credential(credential)?),
            None => None,
        };
        let update = AccountUpdate {
            base_url,
            credential,
        };
        accounts
            .update_account(user, id, &update)?
            .ok_or_else(|| ApiError::not_found(format!("user {user} has no account {id}")))
    })
    .await?;
    Ok(HttpResponse::Ok().json(account))
}

/// `DELETE /accounts/{user_id}/{account_id}`: removes the account and everything stored
/// for it; 204.
#[utoipa::path(
    delete,
    path = "/api/v1/analytics/accounts/{user_id}/{account_id}",
    tag = "accounts",
    params(
        UserPath,
        (
            "account_id" = i64,
            Path,
            description = "tally's id of the account.",
            minimum = 1
        ),
    ),
    responses(
        (status = 204, description = "The account and everything stored for it are removed."),
        AccountErrors,
        ServerErrors,
        AccountMethodNotAllowed,
    )
)]
pub async fn delete_account(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (user, id) = (caller.user(&path.0)?, account_id(&path.1)?);
    blocking(&state, move |accounts, _| {
        require_user(accounts, user)?;
        if accounts.delete_account(user, id)? {
            Ok(())
        } else {
            Err(ApiError::not_found(format!(
                "user {user} has no account {id}"
            )))
        }
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    use super::*;

    #[test]
    fn documented_lengths_are_the_enforced_ones() {
        let user = serde_json::to_value(UserBody::schema()).unwrap();
        let account = serde_json::to_value(NewAccountBody::schema()).unwrap();
        for length in [
            &user["properties"]["name"]["maxLength"],
            &account["properties"]["handle"]["maxLength"],
        ] {
            assert_eq!(*length, MAX_HANDLE_CHARS);
        }
    }
}
