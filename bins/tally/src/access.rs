//! API access tokens: making them, recognizing them, and the `tally token` commands.
//!
//! A token is 32 random bytes written in URL-safe base64 after the prefix `tly_`. Only its
//! SHA-256 hash is stored: with that much randomness a fast hash is enough, and a leaked
//! database yields no token that opens the API.

use anyhow::Context;
use base64::Engine;
use chrono::Utc;
use sha2::{Digest, Sha256};
use tally_domain::{ApiToken, NewApiToken, Secret, TokenScope};
use tally_store::{StoreError, TokenStore};

use crate::cli::{TokenArgs, TokenCommand};

/// What every tally token starts with, so that secret scanners and people recognize one.
pub const TOKEN_PREFIX: &str = "tly_";

/// How many characters of a token are kept to recognize it by: the prefix and four more.
const HINT_LEN: usize = TOKEN_PREFIX.len() + 4;

/// The label of the token that `tally demo` makes at each start.
pub const DEMO_LABEL: &str = "tally demo";

/// The hash a token is stored and looked up by: SHA-256, in lowercase hex.
pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A token just made: its description, and the token itself, which exists only here.
pub struct IssuedToken {
    /// What was stored.
    pub token: ApiToken,
    /// The token to hand to the person who asked for it.
    pub secret: Secret,
}

/// Makes and stores a new token for `scope`.
pub fn issue(
    store: &dyn TokenStore,
    scope: TokenScope,
    label: &str,
) -> anyhow::Result<IssuedToken> {
    // Labels are printed by `tally token list`: no line breaks or terminal escapes.
    if label.chars().any(char::is_control) {
        anyhow::bail!("a token label cannot hold control characters such as line breaks");
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|error| anyhow::anyhow!("no random bytes for a new token: {error}"))?;
    let secret = format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let new = NewApiToken {
        hash: hash_token(&secret),
        user_id: scope.user(),
        label: label.trim().to_owned(),
        hint: secret.chars().take(HINT_LEN).collect(),
    };
    let token = store
        .create_token(&new, Utc::now())
        .map_err(|error| match error {
            StoreError::UnknownUser(user) => anyhow::anyhow!(
                "user {user} does not exist; create it first (for example with `tally seed {user}` \
             or PUT /api/v1/analytics/users/{user} with an admin token)"
            ),
            other => anyhow::Error::new(other).context("storing the new token"),
        })?;
    Ok(IssuedToken {
        token,
        secret: Secret::new(secret),
    })
}

/// Makes a fresh token for the demo user and revokes the ones earlier demo starts made, so
/// that only the token printed last opens the demo.
pub fn issue_demo_token(store: &dyn TokenStore, scope: TokenScope) -> anyhow::Result<IssuedToken> {
    let now = Utc::now();
    for earlier in store.tokens()? {
        if earlier.label == DEMO_LABEL && earlier.is_active() && earlier.scope() == scope {
            store.revoke_token(earlier.id, now)?;
        }
    }
    issue(store, scope, DEMO_LABEL)
}

/// Runs `tally token ...`.
pub fn command(store: &dyn TokenStore, args: &TokenArgs) -> anyhow::Result<()> {
    match &args.command {
        TokenCommand::Create(create) => {
            let scope = match create.user {
                Some(user) => TokenScope::User(tally_domain::UserId(user)),
                None => TokenScope::Admin,
            };
            let issued = issue(store, scope, &create.label)?;
            println!(
                "created token {} for {}; it is shown only now, store it somewhere safe:",
                issued.token.id,
                describe_scope(scope)
            );
            println!("{}", issued.secret.expose());
        }
        TokenCommand::List => {
            let tokens = store.tokens().context("reading the tokens")?;
            if tokens.is_empty() {
                println!("no tokens; make one with `tally token create --user <id>` or `--admin`");
            }
            for token in tokens {
                println!("{}", describe(&token));
            }
        }
        TokenCommand::Revoke { id } => match store.revoke_token(*id, Utc::now())? {
            Some(token) => println!("revoked {}", describe(&token)),
            None => anyhow::bail!("there is no token {id}; `tally token list` shows them"),
        },
    }
    Ok(())
}

fn describe_scope(scope: TokenScope) -> String {
    match scope {
        TokenScope::Admin => "every user (admin)".to_owned(),
        TokenScope::User(user) => format!("user {user}"),
    }
}

/// One line about a token, never the token itself.
fn describe(token: &ApiToken) -> String {
    let state = match token.revoked_at {
        Some(at) => format!("revoked {}", at.format("%Y-%m-%d %H:%M UTC")),
        None => "active".to_owned(),
    };
    format!(
        "token {}  {}...  {}  created {}  {}  {}",
        token.id,
        token.hint,
        describe_scope(token.scope()),
        token.created_at.format("%Y-%m-%d %H:%M UTC"),
        state,
        if token.label.is_empty() {
            "(no label)".to_owned()
        } else {
            format!("label: {}", token.label)
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_sha256_in_hex() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn describing_a_token_shows_its_hint_and_never_more() {
        let token = ApiToken {
            id: 3,
            user_id: Some(tally_domain::UserId(1)),
            label: "reporting".into(),
            hint: "tly_AbCd".into(),
            created_at: "2026-06-01T08:00:00Z".parse().unwrap(),
            revoked_at: None,
        };
        assert_eq!(
            describe(&token),
            "token 3  tly_AbCd...  user 1  created 2026-06-01 08:00 UTC  active  label: reporting"
        );
    }
}
