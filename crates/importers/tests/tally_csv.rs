//! tally CSV: reading the fixtures, writing and reading back without loss, and refusing
//! malformed or cut-short files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fixture, import_error, import_once, options, replaced, utc};
use tally_domain::{
    AccountMetric, AccountMetricRecord, ContentType, EngagementKind, EngagementRecord, IngestBatch,
    PerformanceMetric, PerformanceRecord, Platform, PostMetric, PostRecord,
};
use tally_importers::{
    CsvKind, Format, ImportChunk, ImportError, SourceAccount, TallyCsvWriteError, TallyCsvWriter,
};

fn account(platform: Platform, handle: Option<&str>) -> SourceAccount {
    SourceAccount {
        platform,
        handle: handle.map(str::to_owned),
        base_url: None,
    }
}

#[test]
fn posts_rows_become_posts_with_their_counters() {
    let imported = import_once(
        "posts.csv",
        &fixture("tally_csv/posts.csv"),
        None,
        &options(),
    )
    .unwrap();
    assert_eq!(imported.summary.format, Format::TallyCsv);
    assert_eq!(imported.summary.observed_at, None);
    let mastodon = account(Platform::Mastodon, Some("test_creator"));
    assert_eq!(
        imported.summary.accounts,
        [
            mastodon.clone(),
            account(Platform::YouTube, None),
            account(Platform::X, Some("test_creator")),
        ]
    );
    assert_eq!(imported.chunks.len(), 3, "one batch per account");

    let walk = &imported.chunks[0];
    assert_eq!(walk.account, mastodon);
    assert_eq!(
        walk.batch.posts.len(),
        1,
        "two rows of one post make one post"
    );
    assert_eq!(
        walk.batch.posts[0],
        PostRecord {
            external_id: "110000000000000001".into(),
            content_type: ContentType::Text,
            published_at: utc("2026-03-02T10:00:00Z"),
            url: Some("https://example.social/@test_creator/110000000000000001".into()),
            title: Some("Morning walk, then coffee".into()),
        }
    );
    let first = utc("2026-03-05T12:00:00Z");
    let second = utc("2026-03-06T12:00:00Z");
    assert_eq!(
        imported.engagement("110000000000000001"),
        [
            (EngagementKind::Like, 5, first),
            (EngagementKind::Comment, 1, first),
            (EngagementKind::Share, 2, first),
            (EngagementKind::Like, 6, second),
        ]
    );

    let video_at = utc("2026-03-05T12:00:00.250Z");
    assert_eq!(
        imported.post("vid_Abc123xyz").title.as_deref(),
        Some("A \"quoted\" title")
    );
    assert_eq!(
        imported.performance("vid_Abc123xyz"),
        [
            (PerformanceMetric::Impressions, 150_000, video_at),
            (PerformanceMetric::WatchTimeSeconds, 1_844_100, video_at),
        ]
    );
    let bare = imported.post("1890000000000000001");
    assert_eq!(
        bare.published_at,
        utc("2026-03-02T10:19:24Z"),
        "+01:00 becomes UTC"
    );
    assert_eq!((bare.url, bare.title), (None, None));
    assert_eq!(imported.engagement("1890000000000000001"), []);
}

#[test]
fn post_metrics_and_account_metrics_rows_become_records() {
    let file = fixture("tally_csv/post_metrics.csv");
    let imported = import_once("post_metrics.csv", &file, None, &options()).unwrap();
    let at = utc("2026-03-06T08:30:00Z");
    let batch = &imported.chunks[0].batch;
    assert!(batch.posts.is_empty());
    assert_eq!(
        imported.engagement("1890000000000000001"),
        [
            (EngagementKind::Like, 12, at),
            (EngagementKind::Share, 3, at)
        ],
        "aliases such as 'retweet' parse"
    );
    assert_eq!(
        imported.performance("1890000000000000001"),
        [(PerformanceMetric::Impressions, 900, at)]
    );

    let file = fixture("tally_csv/account_metrics.csv");
    let imported = import_once("account_metrics.csv", &file, None, &options()).unwrap();
    let records = imported.merged().account_metrics;
    assert_eq!(records.len(), 3);
    assert_eq!(
        records[2],
        AccountMetricRecord {
            day: "2026-03-02".parse().unwrap(),
            metric: AccountMetric::Followers,
            value: 800,
            observed_at: utc("2026-03-02T23:59:00Z"),
        }
    );
    assert_eq!(
        imported.chunks[1].account,
        account(Platform::X, Some("test_creator"))
    );
}

fn sample_batch() -> IngestBatch {
    let post = |id: &str, content_type, title: Option<&str>| PostRecord {
        external_id: id.into(),
        content_type,
        published_at: utc("2026-03-02T10:00:00.123456Z"),
        url: Some(format!("https://example.social/@test_creator/{id}")),
        title: title.map(str::to_owned),
    };
    let engagement = |id: &str, kind, count, at: &str| EngagementRecord {
        post_external_id: id.into(),
        kind,
        count,
        observed_at: utc(at),
    };
    IngestBatch {
        posts: vec![
            post(
                "1",
                ContentType::Text,
                Some("Commas, \"quotes\"\nand a line break"),
            ),
            post("2", ContentType::Carousel, Some("  spaced  ")),
            post("3", ContentType::Poll, None),
        ],
        engagement: vec![
            engagement("1", EngagementKind::Like, 5, "2026-03-03T00:00:00Z"),
            engagement("1", EngagementKind::Like, 9, "2026-03-04T00:00:00Z"),
            engagement("1", EngagementKind::Quote, 0, "2026-03-03T00:00:00Z"),
            engagement(
                "2",
                EngagementKind::Save,
                u64::MAX,
                "2026-03-03T00:00:00.5Z",
            ),
            engagement("2", EngagementKind::Save, 7, "2026-03-03T00:00:00.5Z"),
        ],
        performance: vec![PerformanceRecord {
            post_external_id: "1".into(),
            metric: PerformanceMetric::Reach,
            value: 1234,
            observed_at: utc("2026-03-03T00:00:00Z"),
        }],
        account_metrics: vec![AccountMetricRecord {
            day: "2026-03-02".parse().unwrap(),
            metric: AccountMetric::ProfileViews,
            value: 42,
            observed_at: utc("2026-03-02T23:00:00+02:00"),
        }],
    }
}

fn write(kind: CsvKind, account: &SourceAccount, batch: &IngestBatch) -> Vec<u8> {
    let mut writer = TallyCsvWriter::new(Vec::new(), kind).unwrap();
    writer.write_batch(account, batch).unwrap();
    writer.finish().unwrap()
}

fn sorted(mut batch: IngestBatch) -> IngestBatch {
    batch
        .posts
        .sort_by(|a, b| a.external_id.cmp(&b.external_id));
    let engagement_key =
        |r: &EngagementRecord| (r.post_external_id.clone(), r.kind, r.observed_at, r.count);
    batch.engagement.sort_by_key(engagement_key);
    batch
        .performance
        .sort_by_key(|r| (r.post_external_id.clone(), r.metric, r.observed_at));
    batch
}

#[test]
fn what_the_writer_writes_reads_back_without_loss() {
    let account = SourceAccount {
        base_url: Some("https://example.social".into()),
        ..account(Platform::Mastodon, Some("test_creator"))
    };
    let batch = sample_batch();
    let mut read_back = IngestBatch::default();
    let mut accounts = Vec::new();
    let mut collect = |chunks: Vec<ImportChunk>| {
        for chunk in chunks {
            accounts.push(chunk.account);
            read_back.posts.extend(chunk.batch.posts);
            read_back.engagement.extend(chunk.batch.engagement);
            read_back.performance.extend(chunk.batch.performance);
            read_back
                .account_metrics
                .extend(chunk.batch.account_metrics);
        }
    };
    for kind in [CsvKind::Posts, CsvKind::AccountMetrics] {
        let file = write(kind, &account, &batch);
        collect(
            import_once("export.csv", &file, None, &options())
                .unwrap()
                .chunks,
        );
    }
    assert_eq!(sorted(read_back.clone()), sorted(batch.clone()));
    assert!(accounts.iter().all(|read| *read == account));

    let file = write(CsvKind::PostMetrics, &account, &batch);
    let observations = import_once("export.csv", &file, None, &options())
        .unwrap()
        .merged();
    assert_eq!(sorted(observations).engagement, sorted(batch).engagement);
}

#[test]
fn the_writer_refuses_records_its_kind_cannot_hold() {
    let account = account(Platform::X, None);
    let mut writer = TallyCsvWriter::new(Vec::new(), CsvKind::AccountMetrics).unwrap();
    let post = &sample_batch().posts[0];
    let error = writer.write_post(&account, post, None, &[]).unwrap_err();
    assert!(
        matches!(error, TallyCsvWriteError::WrongKind { .. }),
        "{error}"
    );

    let mut writer = TallyCsvWriter::new(Vec::new(), CsvKind::Posts).unwrap();
    let likes = [(PostMetric::Engagement(EngagementKind::Like), 1)];
    let error = writer.write_post(&account, post, None, &likes).unwrap_err();
    assert_eq!(
        error.to_string(),
        "post '1': counters need the time they were observed"
    );

    let mut orphan = sample_batch();
    orphan.posts.remove(0);
    let error = writer.write_batch(&account, &orphan).unwrap_err();
    assert!(
        matches!(error, TallyCsvWriteError::UnknownPost { .. }),
        "{error}"
    );
}

#[test]
fn malformed_files_are_refused_with_their_place() {
    let posts = fixture("tally_csv/posts.csv");
    let cases = [
        (
            "# tally-csv v1 posts",
            "# tally-csv v2 posts",
            "line 1",
            "version 'v2'",
        ),
        (
            "# tally-csv v1 posts",
            "# tally-csv v1 tweets",
            "line 1",
            "unknown tally CSV kind 'tweets'; valid values: posts, post_metrics, account_metrics",
        ),
        (
            ",title,",
            ",headline,",
            "line 2",
            "unknown column 'headline'",
        ),
        (
            "platform,account,",
            "account,",
            "line 2",
            "required column 'platform' is missing",
        ),
        (
            "\nx,test_creator",
            "\nmyspace,test_creator",
            "record 4, line 6",
            "unknown platform 'myspace'; valid values: mastodon",
        ),
        (
            ",image,2026-03-02T11",
            ",photo,2026-03-02T11",
            "line 6",
            "unknown content type 'photo'",
        ),
        (
            ",2026-03-06T12:00:00Z,6,",
            ",,6,",
            "record 2, line 4",
            "counters need an observed_at",
        ),
        (
            ",410,51,",
            ",410,-51,",
            "line 5",
            "comment '-51' is not a whole number",
        ),
        (
            "# end 4 rows",
            "# end 5 rows",
            "line 7",
            "counts 5 rows but the file has 4",
        ),
        (
            "# end 4 rows\n",
            "# end 4 rows\nx,,1,text,2026-03-02T10:00:00Z\n",
            "line 8",
            "content after the '# end' line",
        ),
    ];
    for (from, to, place, message) in cases {
        let broken = replaced(&posts, from, to);
        let error = import_error("posts.csv", &broken, None).to_string();
        assert!(error.contains(place), "{to}: {error}");
        assert!(error.contains(message), "{to}: {error}");
    }
}

#[test]
fn a_file_cut_short_is_refused() {
    let posts = fixture("tally_csv/posts.csv");
    let text = String::from_utf8(posts).unwrap();
    let without_end = &text[..text.find("# end").unwrap()];
    let error = import_error("posts.csv", without_end.as_bytes(), None);
    assert!(matches!(error, ImportError::Truncated { .. }), "{error}");
    assert!(
        error.to_string().contains("'# end <N> rows' line"),
        "{error}"
    );

    let mid_row = &text[..text.find("youtube,").unwrap() + 40];
    let error = import_error("posts.csv", mid_row.as_bytes(), Some(Format::TallyCsv));
    assert!(
        error.to_string().contains("fields where the header has 18"),
        "{error}"
    );
}

#[test]
fn spreadsheet_padding_and_byte_order_marks_are_accepted() {
    let padded = "\u{feff}# tally-csv v1 account_metrics,,,,,\r\n\
                  platform,account,day,metric,value,observed_at\r\n\
                  x,,2026-03-01,followers,10,2026-03-01 23:00:00\r\n\
                  # end 1 rows,,,,,\r\n";
    let imported = import_once("metrics.csv", padded.as_bytes(), None, &options()).unwrap();
    let record = &imported.merged().account_metrics[0];
    assert_eq!(record.observed_at, utc("2026-03-01T23:00:00Z"));
}

#[test]
fn the_examples_in_the_specification_import() {
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/importing.md"
    ))
    .unwrap();
    let examples: Vec<&str> = spec
        .split("```")
        .filter(|block| block.trim_start().starts_with("# tally-csv"))
        .collect();
    assert_eq!(examples.len(), 2);
    for example in examples {
        let file = example.trim_start();
        let imported = import_once("example.csv", file.as_bytes(), None, &options()).unwrap();
        assert!(!imported.merged().is_empty(), "{file}");
    }
}

/// A posts file of `rows` rows, each a new post with two counters, the platform and account
/// of row `i` given by `account(i)`.
fn posts_of(rows: usize, account: impl Fn(usize) -> (&'static str, String)) -> String {
    let mut file = String::from(
        "# tally-csv v1 posts\n\
         platform,account,external_id,content_type,published_at,url,title,observed_at,like,comment\n",
    );
    for row in 0..rows {
        let (platform, handle) = account(row);
        file.push_str(&format!(
            "{platform},{handle},post-{row},text,2026-03-02T10:00:00Z,,,2026-03-05T12:00:00Z,{row},1\n"
        ));
    }
    file.push_str(&format!("# end {rows} rows\n"));
    file
}

/// Rows alternating between a Mastodon and an X account, as an export in time order across
/// platforms has them.
fn interleaved_posts(rows: usize) -> String {
    posts_of(rows, |row| {
        let platform = if row.is_multiple_of(2) {
            "mastodon"
        } else {
            "x"
        };
        (platform, "test_creator".to_owned())
    })
}

#[test]
fn interleaved_accounts_fill_one_batch_each_in_file_order() {
    let imported = import_once(
        "posts.csv",
        interleaved_posts(40).as_bytes(),
        None,
        &options(),
    )
    .unwrap();
    assert_eq!(
        imported.chunks.len(),
        2,
        "one batch per account, not per row"
    );
    assert_eq!(imported.summary.batches, 2);
    let mastodon = account(Platform::Mastodon, Some("test_creator"));
    assert_eq!(
        imported.summary.accounts,
        [mastodon.clone(), account(Platform::X, Some("test_creator"))]
    );
    assert_eq!(imported.chunks[0].account, mastodon);
    let ids = |chunk: &ImportChunk| -> Vec<String> {
        chunk
            .batch
            .posts
            .iter()
            .map(|post| post.external_id.clone())
            .collect()
    };
    let even: Vec<String> = (0..40)
        .step_by(2)
        .map(|row| format!("post-{row}"))
        .collect();
    let odd: Vec<String> = (1..40)
        .step_by(2)
        .map(|row| format!("post-{row}"))
        .collect();
    assert_eq!(
        ids(&imported.chunks[0]),
        even,
        "each account keeps its rows' order"
    );
    assert_eq!(ids(&imported.chunks[1]), odd);
    let likes: Vec<u64> = imported.chunks[1]
        .batch
        .engagement
        .iter()
        .filter(|record| record.kind == EngagementKind::Like)
        .map(|record| record.count)
        .collect();
    assert_eq!(
        likes,
        (1..40).step_by(2).map(|row| row as u64).collect::<Vec<_>>()
    );
}

#[test]
fn interleaved_accounts_share_the_bound_and_hand_over_the_fullest_batch() {
    // Each row is three records (a post and two counters); 24 records hold 8 rows at once.
    let bound = 24;
    let rows = 100;
    let imported = import_once(
        "posts.csv",
        interleaved_posts(rows).as_bytes(),
        None,
        &options().with_max_batch_records(bound),
    )
    .unwrap();
    let sizes: Vec<usize> = imported
        .chunks
        .iter()
        .map(|chunk| chunk.batch.len())
        .collect();
    assert_eq!(
        sizes.iter().sum::<usize>(),
        rows * 3,
        "every record arrives once"
    );
    assert!(sizes.iter().all(|&size| size <= bound), "{sizes:?}");
    // Room is made by handing over the fullest batches until at most half the bound is
    // held: batches are not cut at every change of account.
    let handed_over_for_room = &sizes[..sizes.len() - 2];
    assert!(
        handed_over_for_room
            .iter()
            .all(|&size| size >= (bound - 3) / 2),
        "{sizes:?}"
    );
    for chunk in &imported.chunks {
        let platform = chunk.account.platform;
        assert!(
            chunk.batch.posts.iter().all(|post| {
                let row: usize = post.external_id["post-".len()..].parse().unwrap();
                row.is_multiple_of(2) == (platform == Platform::Mastodon)
            }),
            "a batch holds one account's records"
        );
    }
    let merged = imported.merged();
    assert_eq!(merged.posts.len(), rows);
}

#[test]
fn a_crowd_of_small_accounts_leaves_a_busy_one_room_for_full_batches() {
    // Forty accounts with one row each, then 200 rows of one account; 24 records hold eight
    // rows at once.
    let bound = 24;
    let file = posts_of(240, |row| {
        if row < 40 {
            ("x", format!("occasional_{row}"))
        } else {
            ("x", "busy_creator".to_owned())
        }
    });
    let imported = import_once(
        "posts.csv",
        file.as_bytes(),
        None,
        &options().with_max_batch_records(bound),
    )
    .unwrap();
    let busy: Vec<usize> = imported
        .chunks
        .iter()
        .filter(|chunk| chunk.account.handle.as_deref() == Some("busy_creator"))
        .map(|chunk| chunk.batch.len())
        .collect();
    assert_eq!(busy.iter().sum::<usize>(), 200 * 3);
    assert!(
        busy[..busy.len() - 1].iter().all(|&size| size >= bound / 2),
        "the busy account's batches hold half the bound or more: {busy:?}"
    );
    assert_eq!(imported.chunks.len(), 40 + busy.len());
}

#[test]
fn spellings_of_one_handle_share_a_batch_in_file_order() {
    let file = posts_of(30, |row| match row % 3 {
        0 => ("x", "test_creator".to_owned()),
        1 => ("x", "@Test_Creator".to_owned()),
        _ => ("x", "other_creator".to_owned()),
    });
    let imported = import_once("posts.csv", file.as_bytes(), None, &options()).unwrap();
    assert_eq!(
        imported.chunks.len(),
        2,
        "one batch per account, however spelled"
    );
    let first = &imported.chunks[0];
    assert_eq!(first.account, account(Platform::X, Some("test_creator")));
    let ids: Vec<&str> = first
        .batch
        .posts
        .iter()
        .map(|post| post.external_id.as_str())
        .collect();
    let expected: Vec<String> = (0..30)
        .filter(|row| row % 3 != 2)
        .map(|row| format!("post-{row}"))
        .collect();
    assert_eq!(ids, expected);
    assert_eq!(
        imported.summary.accounts.len(),
        3,
        "the summary lists each spelling the file used"
    );
}
