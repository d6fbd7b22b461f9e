//! Command-line arguments and environment variables.

use std::net::SocketAddr;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// tally: engagement analytics for social media accounts.
#[derive(Debug, Parser)]
#[command(name = "tally", version, about)]
pub struct Cli {
    /// Where the data lives: a file path or sqlite://path for SQLite, or postgres://... .
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "tally.db",
        global = true,
        hide_env_values = true
    )]
    pub database_url: String,

    /// The file holding the key that credentials are encrypted under, created when missing
    /// (`tally.key` beside an SQLite database, or in the working directory for PostgreSQL).
    /// `TALLY_SECRET_KEY`, the key itself in base64, takes precedence when set.
    #[arg(long, env = "TALLY_SECRET_KEY_FILE", global = true)]
    pub secret_key_file: Option<std::path::PathBuf>,

    /// Log output: human-readable text or one JSON object per line.
    #[arg(long, env = "TALLY_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Lines for people.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending database migrations and exit.
    Migrate,
    /// Fill the database with realistic sample analytics.
    Seed(SeedArgs),
    /// Run the HTTP server.
    Serve(ServeArgs),
    /// Seed sample data for user 1 when the database has none, then run the server.
    Demo(DemoArgs),
    /// Collect every connected account of a user now, in the foreground.
    Collect(CollectArgs),
    /// Import a data export downloaded from a platform, or a tally CSV file.
    Import(ImportArgs),
    /// Re-encrypt every stored credential under a new key, in one transaction.
    RotateKey(RotateKeyArgs),
    /// Make, list and revoke the access tokens the HTTP API asks for.
    Token(TokenArgs),
}

/// Arguments of `tally token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// What to do with tokens.
    #[command(subcommand)]
    pub command: TokenCommand,
}

/// The `tally token` subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token; it is printed once, alone on the last line.
    Create(CreateTokenArgs),
    /// List every token (never the tokens themselves, which are stored only as hashes).
    List,
    /// Revoke a token by its id, at once and for good.
    Revoke {
        /// The token's id, as `tally token list` shows it.
        id: i64,
    },
}

/// Arguments of `tally token create`.
#[derive(Debug, Args)]
#[command(
    group = clap::ArgGroup::new("scope").required(true).args(["user", "admin"]),
    after_help = "Example:\n  TOKEN=$(tally token create --user 1 | tail -n 1)\n  \
                  curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8080/api/v1/analytics/overview/1"
)]
pub struct CreateTokenArgs {
    /// The one user the token reaches.
    #[arg(long, value_parser = parse_user_id)]
    pub user: Option<i64>,

    /// A token that reaches every user, and may create users.
    #[arg(long)]
    pub admin: bool,

    /// A note saying what the token is for.
    #[arg(long, default_value = "")]
    pub label: String,
}

/// Arguments of `tally rotate-key`.
#[derive(Debug, Args)]
#[command(
    after_help = "Afterwards, start tally with TALLY_SECRET_KEY_FILE set to the new \
                        file (or move it over the old key file, or put its content in \
                        TALLY_SECRET_KEY)."
)]
pub struct RotateKeyArgs {
    /// Where the new key goes: a new file is created with a random key (owner-only); an
    /// existing file's key is used as it is.
    #[arg(long)]
    pub new_key_file: std::path::PathBuf,
}

/// Arguments of `tally import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The user the data belongs to.
    #[arg(value_parser = parse_user_id, allow_negative_numbers = true)]
    pub user_id: i64,

    /// The file: an X archive (.zip or tweets.js), a Mastodon archive (.zip, .tar.gz or
    /// outbox.json), a YouTube Studio export (.zip or .csv), a Bluesky repository (.car) or
    /// a tally CSV file.
    pub file: std::path::PathBuf,

    /// The file's format, when it cannot be told from the file itself.
    #[arg(long)]
    pub format: Option<tally_importers::Format>,
}

/// Arguments of `tally collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// The user whose accounts to collect.
    #[arg(value_parser = parse_user_id, allow_negative_numbers = true)]
    pub user_id: i64,

    /// How many days of posts to read back.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=365), allow_negative_numbers = true)]
    pub days_back: u32,
}

/// Arguments of `tally demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Days of sample history to create when the database has none.
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,

    /// How to serve.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// Arguments of `tally seed`.
#[derive(Debug, Args)]
#[command(
    group = clap::ArgGroup::new("who").required(true).args(["user_id", "users"]),
    after_help = "Examples:\n  tally seed 1 30            one user, 30 days\n  \
                  tally seed --users 200 --days 365   many users, for load tests"
)]
pub struct SeedArgs {
    /// The user to create sample data for.
    #[arg(value_parser = parse_user_id, allow_negative_numbers = true)]
    pub user_id: Option<i64>,

    /// How many days of history to create, ending today.
    #[arg(value_parser = clap::value_parser!(u32).range(1..=3650), allow_negative_numbers = true)]
    pub days_back: Option<u32>,

    /// Create this many users instead of one: users 1 to N (or from --first-user).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub users: Option<u32>,

    /// The first user id when creating many users (1 when not given).
    #[arg(long, value_parser = parse_user_id, requires = "users")]
    pub first_user: Option<i64>,

    /// Days of history when creating many users (the same as DAYS_BACK).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=3650), conflicts_with = "days_back")]
    pub days: Option<u32>,

    /// The random seed: the same seed and end date give the same data.
    #[arg(long, default_value_t = tally_sample::SampleOptions::DEFAULT_SEED)]
    pub seed: u64,

    /// The last day of history (YYYY-MM-DD, from 1970 to 9999); today in UTC when not given.
    #[arg(long, value_parser = parse_end_date)]
    pub end: Option<NaiveDate>,

    /// How many platforms each user publishes on.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=9))]
    pub platforms: u8,

    /// How many users to generate and store at once; the number of cores when not given.
    /// Each writes through its own connection, as the background collection workers do.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub jobs: Option<u16>,
}

/// Sample history ends on a day between 1970 and 9999.
fn parse_end_date(text: &str) -> Result<NaiveDate, String> {
    let day: NaiveDate = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a date written YYYY-MM-DD"))?;
    if !(1970..=9999).contains(&chrono::Datelike::year(&day)) {
        return Err(format!("{day} is outside the years 1970 to 9999"));
    }
    Ok(day)
}

/// User ids are positive whole numbers.
fn parse_user_id(text: &str) -> Result<i64, String> {
    match text.trim().parse::<i64>() {
        Ok(id) if id >= 1 => Ok(id),
        _ => Err("a user id is a whole number of 1 or more".to_owned()),
    }
}

impl SeedArgs {
    /// The number of days of history, from whichever argument gave it.
    pub fn days(&self) -> u32 {
        self.days_back.or(self.days).unwrap_or(30)
    }
}

/// Arguments of `tally serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, env = "TALLY_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// HTTP worker threads (1 to 512); the number of cores when not given.
    #[arg(long, env = "TALLY_WORKERS", value_parser = clap::value_parser!(u16).range(1..=512))]
    pub workers: Option<u16>,

    /// Background collection jobs run at once.
    #[arg(long, env = "TALLY_COLLECT_WORKERS", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub collect_workers: u16,

    /// Collect every connected account on this schedule, such as 6h or 30m; off when not given.
    #[arg(long, env = "TALLY_COLLECT_EVERY", value_parser = parse_interval)]
    pub collect_every: Option<std::time::Duration>,

    /// Days read back by scheduled collections.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub collect_days_back: u32,

    /// Requests per minute each token may make to the expensive endpoints (collect, import,
    /// the dashboard); 0 turns the limit off.
    #[arg(long, env = "TALLY_RATE_LIMIT", default_value_t = 60)]
    pub rate_limit: u32,

    /// A web origin (such as https://dashboard.example) whose pages may call the API from a
    /// browser; repeat it or separate origins with commas. Cross-origin calls are refused when
    /// none is given.
    #[arg(long = "cors-origin", env = "TALLY_CORS_ORIGINS", value_delimiter = ',', value_parser = parse_origin)]
    pub cors_origins: Vec<String>,

    /// Memory for cached analytics answers, in MiB; 0 turns the cache off.
    #[arg(long, env = "TALLY_ANSWER_CACHE_MIB", default_value_t = crate::http::cache::DEFAULT_CAPACITY_MIB, value_parser = clap::value_parser!(u64).range(0..=16_384))]
    pub answer_cache_mib: u64,
}

/// An origin is a scheme, a host and an optional port, with no path.
fn parse_origin(text: &str) -> Result<String, String> {
    let text = text.trim();
    let parsed =
        url::Url::parse(text).map_err(|error| format!("'{text}' is not an origin: {error}"))?;
    let origin = parsed.origin();
    if !origin.is_tuple() || !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("'{text}' is not an http or https origin"));
    }
    let serialized = origin.ascii_serialization();
    if parsed.path() != "/" || serialized != text.trim_end_matches('/') {
        return Err(format!(
            "'{text}' is not an origin: give only scheme, host and port, like {serialized}"
        ));
    }
    Ok(serialized)
}

/// A schedule interval of at least one minute, written like `6h`, `30m` or `1d`.
fn parse_interval(text: &str) -> Result<std::time::Duration, String> {
    let interval = humantime::parse_duration(text.trim())
        .map_err(|error| format!("'{text}' is not an interval such as 6h or 30m: {error}"))?;
    if interval < std::time::Duration::from_secs(60) {
        return Err(format!(
            "'{text}' is shorter than the shortest interval, 1m"
        ));
    }
    Ok(interval)
}
