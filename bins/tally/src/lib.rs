//! The composition root of tally: configuration, commands and the HTTP server.
//!
//! The library half of the binary exists so that integration tests can build the same
//! application in-process; `main.rs` only parses arguments and calls [`run`].

pub mod access;
pub mod cli;
pub mod collect;
pub mod http;
pub mod import;
pub mod secret_key;
pub mod seed;
pub mod telemetry;

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use tally_store::{DatabaseUrl, DbConnection, DieselStore};

use crate::cli::{Cli, Command};

/// tally's data directory: the folder of the SQLite file, or the working directory (an
/// empty path) when the data lives in PostgreSQL. The key file and uploads live there.
pub fn data_dir(url: &DatabaseUrl) -> std::path::PathBuf {
    match url {
        DatabaseUrl::Sqlite(path) => Path::new(path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
        DatabaseUrl::Postgres(_) => std::path::PathBuf::new(),
    }
}

/// Runs one command to completion.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let url = DatabaseUrl::parse(&cli.database_url)?;
    let key_file = cli.secret_key_file.as_deref();
    match cli.command {
        Command::Migrate => migrate(&url),
        Command::Seed(args) => {
            let store = open_store(url, key_file)?;
            seed::run(&store, &args)?;
            store
                .refresh_statistics()
                .context("refreshing the planner statistics after seeding")
        }
        Command::Serve(args) => {
            let store = Arc::new(open_store(url, key_file)?);
            http::serve(http::AppState::from_store(store)?, &args)
        }
        Command::Collect(args) => {
            let store = Arc::new(open_store(url, key_file)?);
            collect_command(store, &args)
        }
        Command::Import(args) => import_command(&open_store(url, key_file)?, &args),
        Command::RotateKey(args) => rotate_key_command(&open_store(url, key_file)?, &args),
        Command::Token(args) => access::command(&open_store(url, key_file)?, &args),
        Command::Demo(args) => {
            let store = Arc::new(open_store(url, key_file)?);
            seed::seed_demo(&*store, args.days)?;
            let scope = tally_domain::TokenScope::User(seed::DEMO_USER);
            let issued = access::issue_demo_token(&*store, scope)?;
            print_demo_welcome(&args.serve, issued.secret.expose());
            http::serve(http::AppState::from_store(store)?, &args.serve)
        }
    }
}

/// Tells a newcomer where the dashboard is and how to call the API.
fn print_demo_welcome(serve: &cli::ServeArgs, token: &str) {
    let mut address = serve.bind;
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let user = seed::DEMO_USER;
    println!();
    println!("tally demo is starting with sample data for user {user}.");
    println!("  Dashboard:  http://{address}/#token={token}");
    println!(
        "  API:        curl -H \"Authorization: Bearer {token}\" http://{address}/api/v1/analytics/overview/{user}"
    );
    println!(
        "  The token reaches user {user} only; each `tally demo` start makes a new one and revokes the last."
    );
    println!("  Stop with Ctrl-C.");
    println!();
}

fn import_command(store: &DieselStore, args: &cli::ImportArgs) -> anyhow::Result<()> {
    use tally_store::AccountStore;

    let user = tally_domain::UserId(args.user_id);
    if store.user(user)?.is_none() {
        anyhow::bail!(
            "user {user} does not exist; create it first (PUT /api/v1/analytics/users/{user})"
        );
    }
    std::fs::File::open(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let file_name = args
        .file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.file.display().to_string());
    let progress = indicatif::ProgressBar::new_spinner();
    progress.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let report = import::import_file(
        store,
        user,
        &args.file,
        &file_name,
        args.format,
        &|records| {
            progress.set_message(format!("{records} records read"));
            progress.tick();
        },
    );
    progress.finish_and_clear();
    let report = report?;
    store
        .refresh_statistics()
        .context("refreshing the planner statistics after the import")?;

    let stored = report.stored;
    println!(
        "imported {} as {} for user {user}: {} posts, {} engagement and {} performance observations, {} daily figures read; {} left out on purpose",
        file_name,
        report.format,
        report.read.posts,
        report.read.engagement,
        report.read.performance,
        report.read.daily_metrics,
        report.left_out,
    );
    println!(
        "stored: posts {} created, {} updated; observations {} created, {} skipped (already stored or repeated); daily figures {} written, {} skipped (same or newer stored, or repeated)",
        stored.posts_created,
        stored.posts_updated,
        stored.observations_created,
        stored.observations_skipped,
        stored.daily_metrics_written,
        stored.daily_metrics_skipped,
    );
    Ok(())
}

fn collect_command(store: Arc<DieselStore>, args: &cli::CollectArgs) -> anyhow::Result<()> {
    use tally_store::{AccountStore, JobStore};

    let user = tally_domain::UserId(args.user_id);
    if store.user(user)?.is_none() {
        anyhow::bail!("user {user} does not exist");
    }
    let accounts = store.accounts(user)?.len();
    let connectors = Arc::new(collect::PlatformConnectors::new()?);
    let collector =
        collect::Collector::new(store.clone(), store.clone(), store.clone(), connectors);
    let (job, created) = store.enqueue_collection(user, args.days_back, chrono::Utc::now())?;
    if !created {
        anyhow::bail!(
            "user {user} already has collection job {} {}; see GET /api/v1/analytics/jobs/{}",
            job.id,
            job.state,
            job.id
        );
    }

    let progress = indicatif::ProgressBar::new(accounts as u64);
    progress.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} accounts {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = |done: usize, _: usize, outcome: &tally_domain::AccountOutcome| {
        progress.set_position(done as u64);
        progress.set_message(format!(
            "{} {}: {}",
            outcome.platform, outcome.handle, outcome.state
        ));
    };
    let runtime = actix_web::rt::System::new();
    let finished = runtime.block_on(collector.run_job(job.id, &report))?;
    progress.finish_and_clear();

    let Some(job) = finished else {
        anyhow::bail!(
            "job {} was taken by a running server; follow it there",
            job.id
        );
    };
    for outcome in &job.outcomes {
        println!(
            "{} {}: {} ({} posts, {} observations, {} daily figures){}",
            outcome.platform,
            outcome.handle,
            outcome.state,
            outcome.posts,
            outcome.observations,
            outcome.daily_metrics,
            outcome
                .error
                .as_deref()
                .map(|error| format!(": {error}"))
                .unwrap_or_default(),
        );
    }
    println!(
        "job {} {}: {} posts, {} observations, {} daily figures",
        job.id, job.state, job.posts_written, job.observations_written, job.daily_metrics_written
    );
    if job.state == tally_domain::JobState::Failed {
        anyhow::bail!("collection failed for every account");
    }
    Ok(())
}

/// Opens the store with the configured secret key, first encrypting any credential that an
/// earlier tally stored as plain text.
fn open_store(url: DatabaseUrl, key_file: Option<&Path>) -> anyhow::Result<DieselStore> {
    let source = secret_key::KeySource::configured(&url, key_file);
    let shown = url.to_string();
    let new_file = new_sqlite_file(&url);
    let store =
        DieselStore::open_with(url, pool_size()).with_context(|| format!("opening {shown}"))?;
    owner_only(new_file.as_deref())?;
    let store = store.with_secret_key(source.load()?);

    let encrypted = store
        .encrypt_plaintext_credentials()
        .context("encrypting credentials stored as plain text")?;
    if encrypted > 0 {
        tracing::info!(encrypted, "encrypted credentials stored as plain text");
    }
    Ok(store)
}

/// Connections enough for every answer the server computes at once to read at full width,
/// with room beside them for token and version checks and the collection workers.
fn pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let answers =
        cores * http::cache::COMPUTATIONS_PER_CORE * http::cache::CONNECTIONS_PER_COMPUTATION;
    u32::try_from(answers + 4)
        .unwrap_or(u32::MAX)
        .max(DieselStore::DEFAULT_MAX_CONNECTIONS)
}

/// The SQLite file that opening `url` is about to create, if it does not exist yet.
fn new_sqlite_file(url: &DatabaseUrl) -> Option<std::path::PathBuf> {
    match url {
        DatabaseUrl::Sqlite(path) => {
            Some(std::path::PathBuf::from(path)).filter(|path| !path.exists())
        }
        DatabaseUrl::Postgres(_) => None,
    }
}

/// Makes a database file that tally has just created readable by its owner only: it holds
/// people's analytics. (SQLite gives its journal files the same permissions.)
fn owner_only(created: Option<&Path>) -> anyhow::Result<()> {
    #[cfg(unix)]
    if let Some(path) = created {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("restricting access to {}", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = created;
    Ok(())
}

/// Moves every credential to the key in `--new-key-file`, creating that file first, so
/// that the new key is safely on disk before any credential depends on it.
fn rotate_key_command(store: &DieselStore, args: &cli::RotateKeyArgs) -> anyhow::Result<()> {
    let path = &args.new_key_file;
    let (new_key, created) = match secret_key::read_key_file(path)? {
        Some(key) => (key, false),
        None => {
            let key = tally_store::SecretKey::generate()?;
            secret_key::write_new_key_file(path, &key)
                .with_context(|| format!("creating the new key file {}", path.display()))?;
            (key, true)
        }
    };

    let rotated = store.rotate_secret_key(&new_key);
    let rotated = match rotated {
        Ok(rotated) => rotated,
        Err(error) => {
            if created {
                let _ = std::fs::remove_file(path);
            }
            return Err(error).context("re-encrypting the stored credentials; nothing changed");
        }
    };
    println!(
        "re-encrypted {rotated} credential(s) under the key in {}; from now on start tally \
         with TALLY_SECRET_KEY_FILE={} (or move that file over the old key file)",
        path.display(),
        path.display()
    );
    if std::env::var_os(secret_key::SECRET_KEY_VAR).is_some() {
        println!(
            "{} is set and takes precedence over any key file: unset it or give it the new key",
            secret_key::SECRET_KEY_VAR
        );
    }
    Ok(())
}

fn migrate(url: &DatabaseUrl) -> anyhow::Result<()> {
    let new_file = new_sqlite_file(url);
    let mut conn = DbConnection::establish(url).with_context(|| format!("opening {url}"))?;
    owner_only(new_file.as_deref())?;
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
