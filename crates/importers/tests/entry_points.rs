//! The entry points: format detection, containers, the consumer's failures and batch sizes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fixture, fixture_path, import, import_error, options, tar_gz_of, zip_of};
use tally_importers::{Format, ImportError, MIN_BATCH_RECORDS, import_path, import_stream};

#[test]
fn files_on_disk_are_recognised_by_content_and_name() {
    let cases = [
        ("x/tweets.js", Format::XArchive, 5),
        ("mastodon/outbox.json", Format::Mastodon, 6),
        ("youtube/Table data.csv", Format::YouTubeStudio, 3),
        ("tally_csv/posts.csv", Format::TallyCsv, 3),
    ];
    for (name, format, posts) in cases {
        let mut batches = 0;
        let summary = import_path(&fixture_path(name), None, &options(), |_| {
            batches += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(summary.format, format, "{name}");
        assert_eq!(summary.posts, posts, "{name}");
        assert_eq!(summary.batches, batches, "{name}");
    }
}

#[test]
fn zips_are_recognised_by_what_they_hold() {
    let cases = [
        ("data/tweets.js", fixture("x/tweets.js"), Format::XArchive),
        (
            "outbox.json",
            fixture("mastodon/outbox.json"),
            Format::Mastodon,
        ),
        (
            "Table data.csv",
            fixture("youtube/Table data.csv"),
            Format::YouTubeStudio,
        ),
    ];
    for (entry, contents, format) in cases {
        let archive = zip_of(&[("README.txt", b"hello"), (entry, &contents)]);
        let imported = import("download.zip", &archive, None, &options()).unwrap();
        assert_eq!(imported.summary.format, format, "{entry}");
    }
    let archive = zip_of(&[("notes.txt", b"hello")]);
    let error = import_error("download.zip", &archive, None);
    assert_eq!(
        error.to_string(),
        "download.zip: cannot tell which export this is; name the format, one of: \
         x_archive, mastodon, youtube_studio, bluesky_car, tally_csv"
    );
}

#[test]
fn unknown_content_and_wrong_containers_are_refused() {
    let error = import_error("notes.txt", b"just some text", None);
    assert!(
        matches!(error, ImportError::UnknownFormat { .. }),
        "{error}"
    );
    assert!(!error.is_bad_input() || error.location().is_none());

    let archive = zip_of(&[("data/tweets.js", &fixture("x/tweets.js"))]);
    let error = import_stream("upload", &archive[..], None, &options(), |_| Ok(())).unwrap_err();
    assert_eq!(
        error.to_string(),
        "upload: a zip archive needs random access; save it to a file and import that"
    );

    let gzipped = tar_gz_of(&[("data/tweets.js", &fixture("x/tweets.js"))]);
    let error = import_error("tweets.tar.gz", &gzipped, Some(Format::XArchive));
    assert!(
        matches!(error, ImportError::WrongContainer { .. }),
        "{error}"
    );

    let error = import_error(
        "outbox.json",
        &fixture("x/tweets.js"),
        Some(Format::Mastodon),
    );
    assert!(
        error
            .to_string()
            .starts_with("outbox.json: line 1, byte 1:"),
        "{error}"
    );
}

#[test]
fn a_failing_consumer_stops_the_import() {
    let mut calls = 0;
    let options = options().with_max_batch_records(1);
    let error = import_path(&fixture_path("x/tweets.js"), None, &options, |_| {
        calls += 1;
        Err("the database is gone".into())
    })
    .unwrap_err();
    assert_eq!(calls, 1);
    assert!(matches!(error, ImportError::Sink(_)), "{error}");
    assert!(!error.is_bad_input());
    assert_eq!(
        error.to_string(),
        "storing the imported records failed: the database is gone"
    );
}

#[test]
fn batches_never_split_a_post_from_its_counters() {
    let options = options().with_max_batch_records(1);
    let imported = import("tweets.js", &fixture("x/tweets.js"), None, &options).unwrap();
    assert!(imported.chunks.len() > 1);
    for chunk in &imported.chunks {
        assert!(
            chunk.batch.len() <= MIN_BATCH_RECORDS,
            "batches are at least MIN_BATCH_RECORDS"
        );
        for record in &chunk.batch.engagement {
            let id = &record.post_external_id;
            assert!(chunk.batch.posts.iter().any(|post| &post.external_id == id));
        }
    }
}

#[test]
fn formats_parse_from_names_and_list_the_valid_ones() {
    assert_eq!("twitter".parse::<Format>().unwrap(), Format::XArchive);
    assert_eq!("tally_csv".parse::<Format>().unwrap(), Format::TallyCsv);
    let error = "instagram".parse::<Format>().unwrap_err().to_string();
    assert!(
        error.contains("valid values: x_archive, mastodon"),
        "{error}"
    );
}
