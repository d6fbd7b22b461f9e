//! The `tally` command as a person uses it: exit codes, one-line errors, seeding twice.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use tally_domain::UserId;
use tally_store::AnalyticsStore;
use tally_store::testing::{Backend, TestDatabase};

/// A key for tests on PostgreSQL, whose default key file would land in the working folder.
const POSTGRES_TEST_KEY: &str = "dGVzdC1vbmx5LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24=";

fn tally(database_url: &str, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tally"));
    command
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .env_remove("TALLY_SECRET_KEY")
        .env_remove("TALLY_SECRET_KEY_FILE");
    if database_url.starts_with("postgres") {
        command.env("TALLY_SECRET_KEY", POSTGRES_TEST_KEY);
    }
    command.output().expect("run tally")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Bad input fails with exit code `code` and a single line that contains `expected`.
fn assert_refused(database_url: &str, args: &[&str], code: i32, expected: &str) {
    let output = tally(database_url, args);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(code), "{args:?}: {message}");
    assert_eq!(message.trim_end().lines().count(), 1, "{args:?}: {message}");
    assert!(message.contains(expected), "{args:?}: {message}");
    assert!(!message.contains("panicked"), "{args:?}: {message}");
}

#[test]
fn bad_arguments_get_one_clear_line_and_a_failing_exit_code() {
    let folder = tempfile::tempdir().unwrap();
    let db = folder.path().join("tally.db");
    let db = db.to_str().unwrap();

    assert_refused(db, &["seed", "abc"], 2, "a user id is a whole number");
    assert_refused(db, &["seed", "0"], 2, "a user id is a whole number");
    assert_refused(db, &["seed", "-3"], 2, "a user id is a whole number");
    assert_refused(db, &["seed", "1", "0"], 2, "0 is not in 1..=3650");
    assert_refused(db, &["seed", "1", "-5"], 2, "-5 is not in 1..=3650");
    assert_refused(db, &["seed", "1", "ten"], 2, "invalid value 'ten'");
    assert_refused(db, &["seed"], 2, "<USER_ID|--users <USERS>>");
    assert_refused(
        db,
        &["seed", "--users", "2", "--jobs", "0"],
        2,
        "0 is not in 1..=16",
    );
    assert_refused(
        db,
        &["serve", "--cors-origin", "https://dash.example/app"],
        2,
        "give only scheme, host and port, like https://dash.example",
    );
    assert_refused(db, &["serve", "--cors-origin", "*"], 2, "is not an origin");
    assert_refused(
        db,
        &["serve", "--cors-origin", "ftp://files.example"],
        2,
        "is not an http or https origin",
    );
    assert_refused(
        db,
        &["serve", "--rate-limit", "ten"],
        2,
        "invalid value 'ten'",
    );
    assert_refused(
        db,
        &["frobnicate"],
        2,
        "unrecognized subcommand 'frobnicate'",
    );
    assert!(
        !folder.path().join("tally.db").exists(),
        "nothing is created on bad input"
    );
}

#[test]
fn bad_database_locations_get_one_clear_line() {
    assert_refused(
        "mysql://localhost/tally",
        &["seed", "1"],
        1,
        "unsupported database URL scheme 'mysql'",
    );
    assert_refused(
        "host=localhost user=tally",
        &["migrate"],
        1,
        "keyword=value",
    );
    assert_refused(
        "postgres://tally@127.0.0.1:1/tally",
        &["seed", "1"],
        1,
        "cannot connect to the database",
    );
    assert_refused(
        "/nonexistent-folder/tally.db",
        &["migrate"],
        1,
        "unable to open database file",
    );
}

fn seed_twice_changes_nothing(db: &TestDatabase) {
    let url = db.url_string();
    let first = tally(&url, &["seed", "1", "30", "--end", "2026-11-30"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let store = db.store();
    let counts = store.row_counts(UserId(1)).unwrap();
    assert_eq!(counts.accounts, 4);
    assert!(counts.posts > 30 * 4, "{counts:?}");
    assert!(counts.observations > counts.posts * 5, "{counts:?}");
    assert!(counts.daily_metrics >= 30 * 4 * 2, "{counts:?}");

    let second = tally(&url, &["seed", "1", "30", "--end", "2026-11-30"]);
    assert!(second.status.success(), "{}", stderr(&second));
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(stdout.contains("posts 0 new"), "{stdout}");
    assert!(stdout.contains("observations 0 new"), "{stdout}");
    assert_eq!(store.row_counts(UserId(1)).unwrap(), counts);

    // Several writers at once store every user completely: one writer afterwards finds
    // nothing left to add.
    let many_args = ["seed", "--users", "3", "--days", "7", "--end", "2026-11-30"];
    let many = tally(&url, &[&many_args[..], &["--jobs", "3"]].concat());
    assert!(many.status.success(), "{}", stderr(&many));
    let stdout = String::from_utf8_lossy(&many.stdout);
    assert!(stdout.contains("seeded 3 user(s)"), "{stdout}");
    let counts: Vec<_> = (1..=3)
        .map(|user| store.row_counts(UserId(user)).unwrap())
        .collect();
    assert!(counts.iter().all(|count| count.posts > 0), "{counts:?}");
    assert_eq!(store.row_counts(UserId(4)).unwrap().posts, 0);
    let again = tally(&url, &[&many_args[..], &["--jobs", "1"]].concat());
    assert!(again.status.success(), "{}", stderr(&again));
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("posts 0 new"), "{stdout}");
    assert!(stdout.contains("observations 0 new"), "{stdout}");
    for (user, before) in (1..=3).zip(&counts) {
        assert_eq!(&store.row_counts(UserId(user)).unwrap(), before);
    }
}

#[test]
fn seeding_twice_on_sqlite_changes_no_row_count() {
    seed_twice_changes_nothing(&TestDatabase::create(Backend::Sqlite).unwrap());
}

#[test]
fn seeding_twice_on_postgres_changes_no_row_count() {
    if let Some(db) = TestDatabase::create(Backend::Postgres) {
        seed_twice_changes_nothing(&db);
    }
}

#[test]
fn large_user_ranges_that_overflow_are_refused() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let url = db.url_string();
    let args = [
        "seed",
        "--users",
        "2",
        "--first-user",
        "9223372036854775807",
        "--days",
        "1",
    ];
    assert_refused(&url, &args, 1, "runs past the largest user id");
}

#[test]
fn help_never_shows_the_database_password() {
    let output = tally("postgres://tally:s3cret@127.0.0.1:1/tally", &["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("DATABASE_URL"), "{help}");
    assert!(!help.contains("s3cret"), "{help}");
}

#[test]
fn collect_refuses_an_unknown_user_in_one_line() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    assert_refused(
        &db.url_string(),
        &["collect", "42"],
        1,
        "user 42 does not exist",
    );
}

#[test]
fn migrate_reports_an_up_to_date_schema() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let first = tally(&db.url_string(), &["migrate"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let first = String::from_utf8_lossy(&first.stdout).into_owned();
    assert!(
        first.contains("migration(s)") && !first.contains("applied 0"),
        "{first}"
    );
    let again = tally(&db.url_string(), &["migrate"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("applied 0 migration(s)"));
}

#[test]
fn import_reads_a_file_once_and_refuses_a_broken_one_in_one_line() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let url = db.url_string();
    let folder = tempfile::tempdir().unwrap();
    let good = folder.path().join("tweets.js");
    std::fs::write(
        &good,
        r#"window.YTD.tweets.part0 = [ {"tweet": {"id_str": "1900000000000000001",
            "created_at": "Mon Nov 02 10:19:24 +0000 2026", "full_text": "An invented post",
            "favorite_count": "3", "retweet_count": "1"}} ]"#,
    )
    .unwrap();
    let broken = folder.path().join("broken.js");
    std::fs::write(
        &broken,
        "window.YTD.tweets.part0 = [ {\"tweet\": {\"id_str\": \"19",
    )
    .unwrap();

    assert_refused(
        &url,
        &["import", "42", good.to_str().unwrap()],
        1,
        "user 42 does not exist",
    );
    assert!(
        tally(&url, &["seed", "42", "1", "--end", "2026-11-30"])
            .status
            .success()
    );
    let first = tally(
        &url,
        &[
            "import",
            "42",
            good.to_str().unwrap(),
            "--format",
            "x-archive",
        ],
    );
    assert!(first.status.success(), "{}", stderr(&first));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains("1 posts") && stdout.contains("posts 1 created"),
        "{stdout}"
    );
    let again = tally(&url, &["import", "42", good.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("posts 0 created, 1 updated"));

    let before = db.store().row_counts(UserId(42)).unwrap();
    assert_refused(
        &url,
        &[
            "import",
            "42",
            broken.to_str().unwrap(),
            "--format",
            "x_archive",
        ],
        1,
        "broken.js",
    );
    assert_refused(
        &url,
        &[
            "import",
            "42",
            good.to_str().unwrap(),
            "--format",
            "myspace",
        ],
        2,
        "valid values",
    );
    assert_eq!(
        db.store().row_counts(UserId(42)).unwrap(),
        before,
        "nothing half-written"
    );
}

#[test]
fn rotate_key_moves_credentials_to_a_new_key_file() {
    use tally_domain::{NewAccount, NewUser, Secret};
    use tally_store::{AccountStore, DieselStore, SecretKey};

    let folder = tempfile::tempdir().unwrap();
    let db = folder.path().join("tally.db");
    let url = db.to_str().unwrap();

    // The first start creates tally.key beside the database, owner-only.
    let first = tally(url, &["migrate"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let seeded = tally(url, &["seed", "1", "7", "--end", "2026-11-30"]);
    assert!(seeded.status.success(), "{}", stderr(&seeded));
    let key_file = folder.path().join("tally.key");
    let old_key = std::fs::read_to_string(&key_file).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // The database file tally created is owner-only too.
        let mode = std::fs::metadata(&db).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let open = |key: &str| {
        DieselStore::open(url)
            .unwrap()
            .with_secret_key(SecretKey::from_base64(key).unwrap())
    };
    let store = open(&old_key);
    store
        .upsert_user(&NewUser {
            id: UserId(2),
            name: "Test Creator".into(),
            timezone: "UTC".into(),
        })
        .unwrap();
    let account = store
        .upsert_account(&NewAccount {
            user_id: UserId(2),
            platform: tally_domain::Platform::Mastodon,
            handle: "test_creator".into(),
            base_url: Some("https://social.example".into()),
            credential: Some(Secret::new("tok-cli-rotation")),
        })
        .unwrap();
    drop(store);

    let new_file = folder.path().join("new.key");
    let rotated = tally(
        url,
        &["rotate-key", "--new-key-file", new_file.to_str().unwrap()],
    );
    let out = String::from_utf8_lossy(&rotated.stdout).into_owned();
    assert!(rotated.status.success(), "{}", stderr(&rotated));
    assert!(out.contains("re-encrypted 1 credential(s)"), "{out}");
    let new_key = std::fs::read_to_string(&new_file).unwrap();
    assert!(!out.contains(new_key.trim()) && !out.contains(old_key.trim()));
    assert!(!out.contains("tok-cli-rotation"));

    let credential = |key: &str| open(key).account_credential(account.id);
    assert_eq!(
        credential(&new_key).unwrap().unwrap().expose(),
        "tok-cli-rotation"
    );
    assert!(credential(&old_key).is_err());
}
