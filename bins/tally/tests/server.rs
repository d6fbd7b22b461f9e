//! The real binary with its access tokens: `tally token`, `tally demo`, and a server whose
//! logs, captured at the most verbose level during a full collection, hold no token and no
//! credential.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use tally_store::testing::{Backend, TestDatabase};

/// A key for tests on PostgreSQL, whose default key file would land in the working folder.
const POSTGRES_TEST_KEY: &str = "dGVzdC1vbmx5LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24=";

/// The platform credential of the collection test; no log line may contain it.
const CREDENTIAL: &str = "tok-log-capture-credential-4242";

fn command(database_url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tally"));
    command
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .env_remove("TALLY_SECRET_KEY")
        .env_remove("TALLY_SECRET_KEY_FILE")
        .env_remove("TALLY_BIND")
        .env_remove("TALLY_RATE_LIMIT")
        .env_remove("TALLY_CORS_ORIGINS");
    if database_url.starts_with("postgres") {
        command.env("TALLY_SECRET_KEY", POSTGRES_TEST_KEY);
    }
    command
}

fn tally(database_url: &str, args: &[&str]) -> Output {
    command(database_url, args).output().expect("run tally")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The token `tally token create` printed: its last line.
fn create_token(database_url: &str, scope: &[&str]) -> String {
    let mut args = vec!["token", "create"];
    args.extend_from_slice(scope);
    let output = tally(database_url, &args);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    stdout.trim_end().lines().last().unwrap().to_owned()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `tally serve` or `tally demo`, stopped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn wait_until_healthy(base: &str) {
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(response) = client.get(format!("{base}/healthz")).send().await
            && response.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server at {base} did not become healthy");
}

fn token_commands(db: &TestDatabase) {
    let url = db.url_string();
    let url = url.as_str();
    let seeded = tally(url, &["seed", "1", "3", "--end", "2026-11-30"]);
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));

    let user_token = create_token(url, &["--user", "1", "--label", "reporting"]);
    let admin_token = create_token(url, &["--admin"]);
    for token in [&user_token, &admin_token] {
        assert!(token.starts_with("tly_"), "{token}");
        assert_eq!(token.len(), 47, "{token}");
    }
    assert_ne!(user_token, admin_token);

    let listed = tally(url, &["token", "list"]);
    let listing = text(&listed.stdout);
    assert!(listed.status.success());
    assert_eq!(listing.lines().count(), 2, "{listing}");
    assert!(
        listing.contains("user 1") && listing.contains("label: reporting"),
        "{listing}"
    );
    assert!(listing.contains("every user (admin)"), "{listing}");
    assert!(
        listing.contains(&user_token[..8]),
        "the hint shows: {listing}"
    );
    assert!(!listing.contains(&user_token) && !listing.contains(&admin_token));

    // Only hashes are stored.
    let store = db.store();
    let hashes: Vec<String> = {
        use diesel::prelude::*;
        use tally_store::DbConnection;
        use tally_store::schema::api_tokens;
        let mut conn = store.connection().unwrap();
        let query = api_tokens::table.select(api_tokens::token_hash);
        match &mut *conn {
            DbConnection::Sqlite(c) => query.load(c),
            DbConnection::Postgres(c) => query.load(c),
        }
        .unwrap()
    };
    assert_eq!(hashes.len(), 2);
    for hash in &hashes {
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&user_token[4..]) && !hash.contains(&admin_token[4..]));
    }

    let first_id = listing.split_whitespace().nth(1).unwrap().to_owned();
    let revoked = tally(url, &["token", "revoke", &first_id]);
    assert!(revoked.status.success(), "{}", text(&revoked.stderr));
    assert!(text(&revoked.stdout).starts_with(&format!("revoked token {first_id} ")));
    let listing = text(&tally(url, &["token", "list"]).stdout);
    assert!(
        listing.lines().next().unwrap().contains("revoked 2"),
        "{listing}"
    );

    for (args, code, expected) in [
        (&["token", "revoke", "999"][..], 1, "there is no token 999"),
        (
            &["token", "create", "--user", "99"][..],
            1,
            "user 99 does not exist",
        ),
        (&["token", "create"][..], 2, "--user"),
        (
            &["token", "create", "--user", "1", "--admin"][..],
            2,
            "cannot be used with",
        ),
        (
            &["token", "create", "--user", "0"][..],
            2,
            "a user id is a whole number",
        ),
        (
            &[
                "token",
                "create",
                "--admin",
                "--label",
                "x\ntoken 9  tly_fake",
            ][..],
            1,
            "control characters",
        ),
    ] {
        let output = tally(url, args);
        let message = text(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {message}");
        assert_eq!(message.trim_end().lines().count(), 1, "{args:?}: {message}");
        assert!(message.contains(expected), "{args:?}: {message}");
    }
}

#[test]
fn token_commands_make_list_and_revoke_tokens_on_sqlite() {
    token_commands(&TestDatabase::create(Backend::Sqlite).unwrap());
}

#[test]
fn token_commands_make_list_and_revoke_tokens_on_postgres() {
    if let Some(db) = TestDatabase::create(Backend::Postgres) {
        token_commands(&db);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_collection_logs_no_token_and_no_credential() {
    let platform = common::mastodon_server().await;
    let folder = tempfile::tempdir().unwrap();
    let db = folder.path().join("tally.db");
    let url = db.to_str().unwrap();
    let admin = create_token(url, &["--admin", "--label", "log capture"]);

    let port = free_port();
    let log = folder.path().join("server.log");
    let log_file = std::fs::File::create(&log).unwrap();
    let child = command(url, &["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "trace")
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file)
        .spawn()
        .unwrap();
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    wait_until_healthy(&server.base).await;

    let client = reqwest::Client::new();
    let api = format!("{}/api/v1/analytics", server.base);
    let send = |request: reqwest::RequestBuilder| async {
        let response = request.bearer_auth(&admin).send().await.unwrap();
        let status = response.status().as_u16();
        (
            status,
            response.json::<Value>().await.unwrap_or(Value::Null),
        )
    };
    let (status, _) = send(
        client
            .put(format!("{api}/users/21"))
            .json(&json!({"name": "Test Creator", "timezone": "UTC"})),
    )
    .await;
    assert_eq!(status, 200);
    let account = json!({
        "platform": "mastodon", "handle": "@test_creator",
        "base_url": platform.uri(), "credential": CREDENTIAL
    });
    let (status, body) = send(client.post(format!("{api}/accounts/21")).json(&account)).await;
    assert_eq!(status, 201, "{body}");
    let (status, job) = send(client.post(format!("{api}/collect/21?background=false"))).await;
    assert_eq!(status, 200, "{job}");
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["posts_written"], 3, "{job}");
    let (status, _) = send(client.get(format!("{api}/overview/21"))).await;
    assert_eq!(status, 200);
    // A wrong token, which must not be logged either.
    let wrong = "tly_wrongwrongwrongwrongwrongwrongwrongwrongwro";
    let response = client
        .get(format!("{api}/overview/21"))
        .bearer_auth(wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    // A token put where tally never reads one, the query string.
    let response = client
        .get(format!("{api}/overview/21?access_token={admin}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);

    // The credential did reach the platform.
    let requests = platform.received_requests().await.unwrap();
    assert!(requests.iter().any(|request| {
        request
            .headers
            .get("authorization")
            .is_some_and(|value| value.to_str().unwrap().contains(CREDENTIAL))
    }));

    // The same collection from the command line, logged as verbosely.
    let cli = command(url, &["collect", "21"])
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    assert!(cli.status.success(), "{}", text(&cli.stderr));
    drop(server);

    let logged = std::fs::read_to_string(&log).unwrap() + &text(&cli.stdout) + &text(&cli.stderr);
    assert!(
        logged.contains("/api/v1/analytics/collect/21"),
        "the log was captured"
    );
    assert!(
        logged.contains("TRACE") || logged.contains("trace"),
        "at trace level"
    );
    for secret in [CREDENTIAL, admin.as_str(), &admin[4..], wrong] {
        assert!(!logged.contains(secret), "a secret was logged");
    }
    assert!(!logged.contains(&access_hash(&admin)), "not even its hash");
}

fn access_hash(token: &str) -> String {
    tally::access::hash_token(token)
}

/// Reads `tally demo`'s output until it prints the dashboard line, and returns the token.
fn demo_token(child: &mut Child) -> String {
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some((_, token)) = line.split_once("#token=") {
            // Keep reading in the background so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return token.trim().to_owned();
        }
    }
    panic!("tally demo printed no dashboard address with a token");
}

fn start_demo(folder: &Path, port: u16) -> (Server, String) {
    let db = folder.join("demo.db");
    let mut child = command(
        db.to_str().unwrap(),
        &[
            "demo",
            "--days",
            "3",
            "--bind",
            &format!("127.0.0.1:{port}"),
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let token = demo_token(&mut child);
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    (server, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_prints_a_token_that_opens_its_user_and_replaces_the_last_one() {
    let folder = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let status = |base: String, token: String, user: u32| {
        let client = client.clone();
        async move {
            client
                .get(format!("{base}/api/v1/analytics/overview/{user}"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };

    let (server, first) = start_demo(folder.path(), free_port());
    wait_until_healthy(&server.base).await;
    assert_eq!(status(server.base.clone(), first.clone(), 1).await, 200);
    assert_eq!(status(server.base.clone(), first.clone(), 2).await, 404);
    drop(server);

    let (server, second) = start_demo(folder.path(), free_port());
    wait_until_healthy(&server.base).await;
    assert_ne!(first, second);
    assert_eq!(status(server.base.clone(), second, 1).await, 200);
    assert_eq!(status(server.base.clone(), first, 1).await, 401);
}
