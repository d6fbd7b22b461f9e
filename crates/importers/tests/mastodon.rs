//! Mastodon archives: `outbox.json` alone, in a `.tar.gz` and in a `.zip`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    fixture, import, import_error, import_once, observed_at, options, replaced, tar_gz_of, utc,
    zip_of,
};
use tally_domain::{ContentType, EngagementKind, Platform, PostRecord};
use tally_importers::{Format, ImportError, SourceAccount};

const ARCHIVE_NAME: &str = "archive-20260306083000-0123456789abcdef0123456789abcdef.tar.gz";

fn account() -> SourceAccount {
    SourceAccount {
        platform: Platform::Mastodon,
        handle: Some("test_creator".into()),
        base_url: Some("https://example.social".into()),
    }
}

#[test]
fn the_outbox_becomes_the_accounts_own_posts() {
    let outbox = fixture("mastodon/outbox.json");
    let imported = import_once("outbox.json", &outbox, None, &options()).unwrap();
    let summary = &imported.summary;
    assert_eq!(summary.format, Format::Mastodon);
    assert_eq!(summary.accounts, [account()]);
    assert_eq!(summary.observed_at, Some(observed_at()));
    assert_eq!(
        imported.post_ids(),
        [
            "110000000000000001",
            "110000000000000002",
            "110000000000000003",
            "110000000000000004",
            "110000000000000005",
            "110000000000000009",
        ],
        "the declared totalItems (250) is not trusted"
    );
    let skipped = summary.skipped;
    assert_eq!(
        (skipped.reshares, skipped.direct_messages, skipped.replies),
        (1, 1, 1)
    );

    assert_eq!(
        imported.post("110000000000000001"),
        PostRecord {
            external_id: "110000000000000001".into(),
            content_type: ContentType::Text,
            published_at: utc("2026-03-02T10:00:00Z"),
            url: Some("https://example.social/@test_creator/110000000000000001".into()),
            title: Some("Morning walk by the river & a coffee".into()),
        }
    );
    assert_eq!(
        imported.engagement("110000000000000001"),
        [
            (EngagementKind::Like, 5, observed_at()),
            (EngagementKind::Share, 2, observed_at()),
        ]
    );
    let kind = |id: &str| imported.post(id).content_type;
    assert_eq!(kind("110000000000000002"), ContentType::Image);
    assert_eq!(kind("110000000000000003"), ContentType::Carousel);
    assert_eq!(kind("110000000000000004"), ContentType::Video);
    assert_eq!(kind("110000000000000005"), ContentType::Poll);
    assert_eq!(
        imported.post("110000000000000005").published_at,
        utc("2026-03-04T08:30:00Z"),
        "+01:00 becomes UTC"
    );
}

#[test]
fn older_archives_without_counts_give_posts_without_engagement() {
    let outbox = fixture("mastodon/outbox.json");
    let imported = import_once("outbox.json", &outbox, None, &options()).unwrap();
    assert_eq!(imported.engagement("110000000000000004"), []);
    assert_eq!(
        imported.engagement("110000000000000003"),
        [
            (EngagementKind::Like, 0, observed_at()),
            (EngagementKind::Share, 0, observed_at()),
        ]
    );
}

#[test]
fn the_tar_gz_archive_is_stamped_with_its_creation_time() {
    let archive = tar_gz_of(&[
        (
            "media_attachments/files/110/000/000/1/original/x.bin",
            &[1, 2, 3],
        ),
        ("outbox.json", &fixture("mastodon/outbox.json")),
        (
            "likes.json",
            b"{\"type\":\"OrderedCollection\",\"orderedItems\":[]}",
        ),
        ("actor.json", &fixture("mastodon/actor.json")),
    ]);
    let imported = import(ARCHIVE_NAME, &archive, None, &options()).unwrap();
    let created = utc("2026-03-06T08:30:00Z");
    assert_eq!(imported.summary.observed_at, Some(created));
    assert_eq!(imported.summary.posts, 6);
    assert_eq!(
        imported.engagement("110000000000000009"),
        [
            (EngagementKind::Like, 4, created),
            (EngagementKind::Share, 1, created),
        ]
    );

    let streamed = common::import_once(ARCHIVE_NAME, &archive, None, &options()).unwrap();
    assert_eq!(streamed.merged(), imported.merged(), "tar.gz streams");
}

#[test]
fn the_zip_archive_reads_the_same() {
    let archive = zip_of(&[
        ("actor.json", &fixture("mastodon/actor.json")),
        ("outbox.json", &fixture("mastodon/outbox.json")),
    ]);
    let name = ARCHIVE_NAME.replace(".tar.gz", ".zip");
    let imported = import(&name, &archive, None, &options()).unwrap();
    assert_eq!(imported.summary.format, Format::Mastodon);
    assert_eq!(imported.summary.posts, 6);
    assert_eq!(
        imported.summary.observed_at,
        Some(utc("2026-03-06T08:30:00Z"))
    );
}

#[test]
fn a_malformed_activity_names_its_record() {
    let broken = replaced(
        &fixture("mastodon/outbox.json"),
        "\"published\": \"2026-03-03T09:00:00Z\",\n    \"url\"",
        "\"published\": \"last tuesday\",\n    \"url\"",
    );
    let error = import_error("outbox.json", &broken, None);
    let ImportError::Malformed { location, message } = &error else {
        panic!("{error}");
    };
    assert_eq!(location.record, Some(4));
    assert!(message.contains("post 110000000000000004"), "{message}");
    assert!(message.contains("last tuesday"), "{message}");

    let not_an_object = replaced(
        &fixture("mastodon/outbox.json"),
        "\"type\": \"Note\"",
        "\"type\": 7",
    );
    let error = import_error("outbox.json", &not_an_object, None).to_string();
    assert!(error.starts_with("outbox.json: record 1"), "{error}");
}

#[test]
fn truncated_outboxes_and_archives_are_errors() {
    let outbox = fixture("mastodon/outbox.json");
    for cut in [outbox.len() - 2, outbox.len() / 3, 200] {
        let error = import_error("outbox.json", &outbox[..cut], Some(Format::Mastodon));
        assert!(
            matches!(error, ImportError::Truncated { .. }),
            "cut at {cut}: {error}"
        );
    }

    let archive = tar_gz_of(&[
        ("outbox.json", &outbox),
        ("actor.json", &fixture("mastodon/actor.json")),
    ]);
    for cut in [archive.len() - 10, archive.len() / 2] {
        let error = import_error(ARCHIVE_NAME, &archive[..cut], None);
        assert!(
            matches!(
                error,
                ImportError::Truncated { .. } | ImportError::Io { .. }
            ),
            "cut at {cut}: {error}"
        );
        assert!(error.to_string().starts_with(ARCHIVE_NAME), "{error}");
    }
}

#[test]
fn other_json_is_not_taken_for_an_outbox() {
    let error = import_error("outbox.json", br#"{"type": "Person", "id": "x"}"#, None);
    assert!(error.to_string().contains("type is 'Person'"), "{error}");
    let error = import_error("outbox.json", br#"{"type": "OrderedCollection"}"#, None);
    assert!(error.to_string().contains("no 'orderedItems'"), "{error}");
    let archive = tar_gz_of(&[("actor.json", &fixture("mastodon/actor.json"))]);
    let error = import_error(ARCHIVE_NAME, &archive, None);
    assert_eq!(
        error.to_string(),
        format!("{ARCHIVE_NAME}: the archive holds no outbox.json")
    );
    let climbing = common::tar_gz_with_raw_names(&[("../outside", b"x"), ("outbox.json", b"{}")]);
    let error = import_error(ARCHIVE_NAME, &climbing, None);
    assert!(
        matches!(error, ImportError::UnsafeEntryName { .. }),
        "{error}"
    );
}
