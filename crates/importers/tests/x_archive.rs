//! X archives: `tweets.js` alone and in the archive zip.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    fixture, import, import_error, import_once, observed_at, options, replaced, utc, zip_of,
};
use tally_domain::{ContentType, EngagementKind, Platform, PostRecord};
use tally_importers::{ArchiveLimits, Format, ImportError, SourceAccount};

#[test]
fn tweets_js_becomes_posts_with_like_and_share_counts() {
    let imported = import_once("tweets.js", &fixture("x/tweets.js"), None, &options()).unwrap();
    let summary = &imported.summary;
    assert_eq!(summary.format, Format::XArchive);
    assert_eq!(summary.accounts, [SourceAccount::unnamed(Platform::X)]);
    assert_eq!(summary.observed_at, Some(observed_at()));
    assert_eq!(
        (summary.posts, summary.engagement, summary.performance),
        (5, 8, 0)
    );
    assert_eq!((summary.skipped.reshares, summary.skipped.replies), (1, 1));

    assert_eq!(
        imported.post("1890000000000000001"),
        PostRecord {
            external_id: "1890000000000000001".into(),
            content_type: ContentType::Text,
            published_at: utc("2026-03-02T10:19:24Z"),
            url: Some("https://x.com/i/status/1890000000000000001".into()),
            title: Some("Trying a new sourdough recipe & it worked <3".into()),
        }
    );
    assert_eq!(
        imported.engagement("1890000000000000001"),
        [
            (EngagementKind::Like, 12, observed_at()),
            (EngagementKind::Share, 3, observed_at()),
        ]
    );

    let photo = imported.post("1890000000000000002");
    assert_eq!(photo.content_type, ContentType::Image);
    assert_eq!(
        photo.published_at,
        utc("2026-03-02T12:00:00Z"),
        "+0200 becomes UTC"
    );
    let kinds = |id: &str| imported.post(id).content_type;
    assert_eq!(kinds("1890000000000000003"), ContentType::Carousel);
    assert_eq!(kinds("1890000000000000004"), ContentType::Video);
    assert_eq!(
        imported.engagement("1890000000000000004"),
        [
            (EngagementKind::Like, 0, observed_at()),
            (EngagementKind::Share, 0, observed_at()),
        ],
        "a reported zero is a zero"
    );
}

#[test]
fn retweets_and_replies_are_not_imported_and_missing_counts_stay_unknown() {
    let imported = import_once("tweets.js", &fixture("x/tweets.js"), None, &options()).unwrap();
    let ids = imported.post_ids();
    assert!(!ids.contains(&"1890000000000000005".to_owned()), "retweet");
    assert!(!ids.contains(&"1890000000000000006".to_owned()), "reply");
    assert!(ids.contains(&"1890000000000000007".to_owned()));
    assert_eq!(imported.engagement("1890000000000000007"), []);
}

#[test]
fn the_archive_zip_reads_every_part_and_its_manifest() {
    let archive = zip_of(&[
        ("Your archive.html", b"<html></html>"),
        ("data/manifest.js", &fixture("x/manifest.js")),
        ("data/tweets-part1.js", &fixture("x/tweets-part1.js")),
        ("data/tweets.js", &fixture("x/tweets.js")),
        (
            "data/tweets_media/1890000000000000002-a.jpg",
            &[0xff, 0xd8, 0xff],
        ),
    ]);
    let imported = import("twitter-2026-03-06.zip", &archive, None, &options()).unwrap();
    let summary = &imported.summary;
    let generated = utc("2026-03-06T08:30:00Z");
    assert_eq!(summary.format, Format::XArchive);
    assert_eq!(summary.observed_at, Some(generated));
    assert_eq!(summary.posts, 6);
    assert_eq!(summary.accounts[0].handle.as_deref(), Some("test_creator"));
    assert_eq!(
        imported.post_ids()[..2],
        ["1890000000000000001", "1890000000000000002"]
    );
    assert_eq!(
        imported.engagement("1880000000000000001"),
        [
            (EngagementKind::Like, 5, generated),
            (EngagementKind::Share, 2, generated),
        ]
    );
}

#[test]
fn a_zip_without_tweets_names_what_is_missing() {
    let archive = zip_of(&[("data/manifest.js", &fixture("x/manifest.js"))]);
    let error = import_error("twitter.zip", &archive, Some(Format::XArchive));
    assert_eq!(
        error.to_string(),
        "twitter.zip: the archive holds no data/tweets.js"
    );
}

#[test]
fn a_malformed_tweet_is_reported_with_its_record_and_line() {
    let broken = replaced(
        &fixture("x/tweets.js"),
        "\"created_at\" : \"Tue Mar 03 08:05:00 +0000 2026\"",
        "\"created_at\" : \"yesterday\"",
    );
    let error = import_error("tweets.js", &broken, None);
    let ImportError::Malformed { location, message } = &error else {
        panic!("{error}");
    };
    assert_eq!(location.record, Some(3));
    assert_eq!(location.line, Some(64), "the line where the record ends");
    assert!(message.contains("created_at 'yesterday'"), "{message}");

    let wrong_type = replaced(&fixture("x/tweets.js"), "\"tweet\" : {", "\"tweet\" : [");
    let error = import_error("tweets.js", &wrong_type, None).to_string();
    assert!(
        error.starts_with("tweets.js: record 1, line 4, byte 67: expected `,` or `]`"),
        "{error}"
    );

    let missing_field = replaced(&fixture("x/tweets-part1.js"), "\"created_at\"", "\"made\"");
    let error = import_error("tweets-part1.js", &missing_field, None).to_string();
    assert!(
        error.contains("record 1") && error.contains("missing field `created_at`"),
        "{error}"
    );
}

#[test]
fn a_truncated_file_is_an_error_not_a_shorter_import() {
    let whole = fixture("x/tweets.js");
    for cut in [whole.len() - 3, whole.len() / 2, 30, 10] {
        let error = import_error("tweets.js", &whole[..cut], None);
        assert!(
            matches!(error, ImportError::Truncated { .. }),
            "cut at {cut}: {error}"
        );
    }
    let error = import_error("tweets.js", &whole[..whole.len() / 2], None).to_string();
    assert!(
        error.contains("cut short") && error.contains("record "),
        "{error}"
    );
}

#[test]
fn content_around_the_array_must_be_the_assignment() {
    let error = import_error("tweets.js", b"var tweets = [];", Some(Format::XArchive));
    assert!(
        error.to_string().contains("window.YTD.tweets.part0"),
        "{error}"
    );
    let trailing = [fixture("x/tweets-part1.js"), b"\nalert(1)".to_vec()].concat();
    let error = import_error("tweets-part1.js", &trailing, None).to_string();
    assert!(error.contains("after the closing ']'"), "{error}");
}

#[test]
fn a_truncated_zip_is_refused() {
    let archive = zip_of(&[("data/tweets.js", &fixture("x/tweets.js"))]);
    let cut = &archive[..archive.len() - 30];
    let error = import_error("twitter.zip", cut, Some(Format::XArchive));
    assert!(
        matches!(
            error,
            ImportError::Truncated { .. } | ImportError::Malformed { .. }
        ),
        "{error}"
    );
    assert!(error.to_string().starts_with("twitter.zip: "), "{error}");
}

#[test]
fn hostile_archives_are_refused() {
    let climbing = zip_of(&[
        ("data/tweets.js", &fixture("x/tweets.js")),
        ("../../etc/cron.d/evil", b"* * * * * root true"),
    ]);
    let error = import_error("twitter.zip", &climbing, None);
    assert!(
        matches!(error, ImportError::UnsafeEntryName { .. }),
        "{error}"
    );

    let archive = zip_of(&[("data/tweets.js", &fixture("x/tweets.js"))]);
    let limits = ArchiveLimits {
        max_entry_bytes: 1_000,
        ..ArchiveLimits::default()
    };
    let small = options().with_limits(limits);
    let error = import("twitter.zip", &archive, None, &small).unwrap_err();
    assert_eq!(
        error.to_string(),
        "twitter.zip: data/tweets.js: the decompressed entry is over the limit of 1000 bytes"
    );
}

#[test]
fn a_damaged_zip_entry_is_bad_input() {
    let mut archive = common::stored_zip_of(&[("data/tweets.js", &fixture("x/tweets.js"))]);
    // A tab for a space keeps the JSON valid; only the entry's checksum notices.
    let at = archive
        .windows(11)
        .position(|window| window == b"\"tweet\" : {")
        .unwrap();
    archive[at + 7] = b'\t';
    let error = import_error("twitter.zip", &archive, Some(Format::XArchive));
    assert!(error.is_bad_input(), "{error:?}");
    let text = error.to_string();
    assert!(text.starts_with("twitter.zip: data/tweets.js"), "{text}");
    assert!(text.contains("damaged data"), "{text}");
}
