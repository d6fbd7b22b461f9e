//! YouTube Studio exports: `Table data.csv` alone, in UTF-16, and in the export zip.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    fixture, import, import_error, import_once, observed_at, options, replaced, utc, zip_of,
};
use tally_domain::{
    AccountMetric, AccountMetricRecord, ContentType, EngagementKind, PerformanceMetric, Platform,
    PostRecord,
};
use tally_importers::{Format, ImportError, SourceAccount};

const TABLE: &str = "youtube/Table data.csv";

fn utf16_le_with_bom(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    [0xff, 0xfe]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect()
}

#[test]
fn the_table_becomes_videos_with_their_counts() {
    let imported = import_once("Table data.csv", &fixture(TABLE), None, &options()).unwrap();
    let summary = &imported.summary;
    assert_eq!(summary.format, Format::YouTubeStudio);
    assert_eq!(
        summary.accounts,
        [SourceAccount::unnamed(Platform::YouTube)]
    );
    assert_eq!(summary.skipped.summary_rows, 1, "the Total row");
    assert_eq!(
        imported.post_ids(),
        ["vid_Abc123xyz", "vid_Def456uvw", "vid_Ghi789rst"]
    );

    assert_eq!(
        imported.post("vid_Abc123xyz"),
        PostRecord {
            external_id: "vid_Abc123xyz".into(),
            content_type: ContentType::Video,
            published_at: utc("2026-03-02T00:00:00Z"),
            url: Some("https://www.youtube.com/watch?v=vid_Abc123xyz".into()),
            title: Some("Baking bread, the easy way".into()),
        }
    );
    let at = observed_at();
    assert_eq!(
        imported.engagement("vid_Abc123xyz"),
        [
            (EngagementKind::View, 10234, at),
            (EngagementKind::Like, 410, at),
            (EngagementKind::Comment, 51, at),
        ]
    );
    assert_eq!(
        imported.performance("vid_Abc123xyz"),
        [
            (PerformanceMetric::Impressions, 150_000, at),
            (PerformanceMetric::WatchTimeSeconds, 1_844_100, at),
        ]
    );
    assert_eq!(
        imported.post("vid_Def456uvw").title.as_deref(),
        Some("A \"tiny\" kitchen tour")
    );
    assert_eq!(
        imported.performance("vid_Def456uvw")[1],
        (PerformanceMetric::WatchTimeSeconds, 1_080_904, at)
    );
}

#[test]
fn empty_cells_stay_unknown_and_zeros_stay_zero() {
    let imported = import_once("Table data.csv", &fixture(TABLE), None, &options()).unwrap();
    assert_eq!(
        imported.engagement("vid_Ghi789rst"),
        [(EngagementKind::View, 0, observed_at())]
    );
    assert_eq!(
        imported.performance("vid_Ghi789rst"),
        [(PerformanceMetric::WatchTimeSeconds, 0, observed_at())]
    );
}

#[test]
fn utf16_exports_read_the_same() {
    let utf8 = import_once("Table data.csv", &fixture(TABLE), None, &options()).unwrap();
    let utf16 = utf16_le_with_bom(&fixture(TABLE));
    let imported = import_once("export.csv", &utf16, None, &options()).unwrap();
    assert_eq!(imported.summary.format, Format::YouTubeStudio);
    assert_eq!(imported.merged(), utf8.merged());
}

#[test]
fn the_zip_adds_daily_channel_impressions() {
    let archive = zip_of(&[
        ("Chart data.csv", &fixture("youtube/Chart data.csv")),
        ("Table data.csv", &utf16_le_with_bom(&fixture(TABLE))),
        ("Totals.csv", &fixture("youtube/Totals.csv")),
    ]);
    let name = "Content 2026-01-01_2026-03-09 Test Creator.zip";
    let imported = import(name, &archive, None, &options()).unwrap();
    assert_eq!(imported.summary.format, Format::YouTubeStudio);
    assert_eq!(imported.summary.posts, 3);
    assert_eq!(
        imported.merged().account_metrics,
        [
            AccountMetricRecord {
                day: "2026-03-01".parse().unwrap(),
                metric: AccountMetric::Impressions,
                value: 4100,
                observed_at: observed_at(),
            },
            AccountMetricRecord {
                day: "2026-03-02".parse().unwrap(),
                metric: AccountMetric::Impressions,
                value: 5200,
                observed_at: observed_at(),
            },
        ]
    );
}

#[test]
fn bad_cells_name_their_row_and_column() {
    let bad_date = replaced(&fixture(TABLE), "\"Feb 14, 2026\"", "\"someday\"");
    let error = import_error("Table data.csv", &bad_date, None);
    let ImportError::Malformed { location, message } = &error else {
        panic!("{error}");
    };
    assert_eq!((location.record, location.line), (Some(3), Some(4)));
    assert!(
        message.contains("vid_Def456uvw") && message.contains("'someday'"),
        "{message}"
    );

    let bad_count = replaced(&fixture(TABLE), ",4996,", ",many,");
    let error = import_error("Table data.csv", &bad_count, None).to_string();
    assert!(
        error.contains("line 4") && error.contains("Views 'many'"),
        "{error}"
    );

    let no_dates = replaced(&fixture(TABLE), "Video publish time", "Published");
    let error = import_error("Table data.csv", &no_dates, Some(Format::YouTubeStudio));
    assert!(
        error.to_string().contains("no 'Video publish time' column"),
        "{error}"
    );
}

#[test]
fn a_row_cut_short_is_an_error() {
    let table = fixture(TABLE);
    let text = String::from_utf8(table).unwrap();
    let cut = &text[..text.find("vid_Ghi789rst").unwrap() + 30];
    let error = import_error("Table data.csv", cut.as_bytes(), None);
    assert!(
        error.to_string().contains("fields where the header has 11"),
        "{error}"
    );
    let archive = zip_of(&[("Totals.csv", &fixture("youtube/Totals.csv"))]);
    let error = import_error("export.zip", &archive, Some(Format::YouTubeStudio));
    assert!(matches!(error, ImportError::MissingEntry { .. }), "{error}");
}
