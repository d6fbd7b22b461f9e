//! The composition root of tally: configuration, commands and the HTTP server.
//!
//! The library half of the binary exists so that integration tests can build the same
//! application in-process; `main.rs` only parses arguments and calls [`run`].

pub mod cli;
pub mod http;
pub mod seed;
pub mod telemetry;

use std::sync::Arc;

use anyhow::Context;
use tally_store::{DatabaseUrl, DbConnection, DieselStore};

use crate::cli::{Cli, Command};

/// Runs one command to completion.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let url = DatabaseUrl::parse(&cli.database_url)?;
    match cli.command {
        Command::Migrate => migrate(&url),
        Command::Seed(args) => seed::run(&open_store(url)?, &args),
        Command::Serve(args) => {
            let store = Arc::new(open_store(url)?);
            http::serve(http::AppState::from_store(store), &args)
        }
        Command::Demo(args) => {
            let store = Arc::new(open_store(url)?);
            seed::seed_demo(&*store, args.days)?;
            http::serve(http::AppState::from_store(store), &args.serve)
        }
    }
}

fn open_store(url: DatabaseUrl) -> anyhow::Result<DieselStore> {
    let shown = url.to_string();
    DieselStore::open_with(url, DieselStore::DEFAULT_MAX_CONNECTIONS)
        .with_context(|| format!("opening {shown}"))
}

fn migrate(url: &DatabaseUrl) -> anyhow::Result<()> {
    let mut conn = DbConnection::establish(url).with_context(|| format!("opening {url}"))?;
    let applied = conn.run_migrations()?;
    println!("{url}: applied {applied} migration(s); the schema is up to date");
    Ok(())
}

/// An error and its causes on one line, for the terminal.
pub fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}
