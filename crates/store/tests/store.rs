//! The store's behaviour on both backends: migrations, users and accounts, the ingest path,
//! the reads that analyses use, and SQLite under concurrent use.
//!
//! Every database test runs twice through [`tally_store::backend_tests!`], once on a
//! temporary SQLite file and once on a schema of its own on the PostgreSQL test server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "store/accounts.rs"]
mod accounts;
#[path = "store/bulk.rs"]
mod bulk;
#[path = "store/collection.rs"]
mod collection;
#[path = "store/concurrency.rs"]
mod concurrency;
#[path = "store/fixtures.rs"]
mod fixtures;
#[path = "store/imports.rs"]
mod imports;
#[path = "store/ingest.rs"]
mod ingest;
#[path = "store/integrity.rs"]
mod integrity;
#[path = "store/migrations.rs"]
mod migrations;
#[path = "store/reads.rs"]
mod reads;
#[path = "store/rollup.rs"]
mod rollup;
#[path = "store/secrets.rs"]
mod secrets;
#[path = "store/tokens.rs"]
mod tokens;
#[path = "store/versions.rs"]
mod versions;
