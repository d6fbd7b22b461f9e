//! Maintenance of stored credentials as a whole: encrypting old plain-text values and
//! moving every credential to a new key.

use diesel::prelude::*;

use crate::connection::WriteTransaction;
use crate::schema::accounts;
use crate::secrets::is_encrypted;
use crate::{DieselStore, SecretKey, StoreError, StoreResult, with_connection};

impl DieselStore {
    /// Encrypts, under the store's key, every credential that an earlier tally stored as
    /// plain text, returning how many there were.
    pub fn encrypt_plaintext_credentials(&self) -> StoreResult<usize> {
        let key = self.secret_key()?;
        self.rewrite_credentials(|stored| {
            if is_encrypted(stored) {
                Ok(None)
            } else {
                key.encrypt(stored).map(Some)
            }
        })
    }

    /// Re-encrypts every stored credential from the store's key to `new_key` in one
    /// transaction, returning how many were re-encrypted.
    ///
    /// When any credential cannot be decrypted with the current key, nothing changes and
    /// the error says so. Afterwards the store must be opened with `new_key`.
    pub fn rotate_secret_key(&self, new_key: &SecretKey) -> StoreResult<usize> {
        let key = self.secret_key()?;
        self.rewrite_credentials(|stored| {
            let plaintext = if is_encrypted(stored) {
                key.decrypt(stored)?
            } else {
                stored.to_owned()
            };
            new_key.encrypt(&plaintext).map(Some)
        })
    }

    /// Replaces each stored credential by what `rewrite` returns for it (`None` keeps it),
    /// all in one write transaction.
    fn rewrite_credentials<F>(&self, rewrite: F) -> StoreResult<usize>
    where
        F: Fn(&str) -> StoreResult<Option<String>>,
    {
        let mut conn = self.connection()?;
        with_connection!(&mut *conn, |c| {
            c.write_transaction(|c| {
                let stored: Vec<(i64, Option<String>)> = accounts::table
                    .filter(accounts::credential.is_not_null())
                    .select((accounts::id, accounts::credential))
                    .order(accounts::id)
                    .load(c)?;
                let mut rewritten = 0;
                for (id, credential) in stored {
                    let Some(credential) = credential else {
                        continue;
                    };
                    if let Some(replacement) = rewrite(&credential)? {
                        diesel::update(accounts::table.find(id))
                            .set(accounts::credential.eq(replacement))
                            .execute(c)?;
                        rewritten += 1;
                    }
                }
                Ok::<_, StoreError>(rewritten)
            })
        })
    }
}
