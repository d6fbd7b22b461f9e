//! Large inputs stream: batches stay bounded and arrive while the file is still being read.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::cell::Cell;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::rc::Rc;

use common::options;
use tally_importers::{Format, ImportChunk, import_stream};

const TWEETS: u64 = 200_000;
const BATCH_RECORDS: usize = 1_000;

/// Counts the bytes read through it.
struct Progress<R> {
    inner: R,
    read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Progress<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.read.set(self.read.get() + read as u64);
        Ok(read)
    }
}

fn write_tweets(file: &mut impl Write) -> std::io::Result<()> {
    write!(file, "window.YTD.tweets.part0 = [")?;
    for index in 0..TWEETS {
        let separator = if index == 0 { "" } else { "," };
        let id = 1_700_000_000_000_000_000 + index;
        // Every tenth entry is a retweet, which is skipped.
        let text = if index % 10 == 9 {
            "RT @another_example: hi"
        } else {
            "Invented post"
        };
        write!(
            file,
            "{separator}\n  {{\"tweet\": {{\"id_str\": \"{id}\", \"created_at\": \"Mon Mar 02 10:19:24 +0000 2026\", \
             \"full_text\": \"{text} {index}\", \"favorite_count\": \"{}\", \"retweet_count\": \"1\", \
             \"entities\": {{\"hashtags\": [], \"urls\": []}}}}}}",
            index % 97
        )?;
    }
    writeln!(file, "\n];")
}

/// Imports `file` as a stream and returns the batches' record counts and, for each batch,
/// the share of the file read when it arrived.
fn import_counting(path: &std::path::Path, format: Format) -> (Vec<usize>, Vec<f64>, u64) {
    let size = std::fs::metadata(path).unwrap().len();
    let read = Rc::new(Cell::new(0));
    let input = Progress {
        inner: File::open(path).unwrap(),
        read: Rc::clone(&read),
    };
    let options = options().with_max_batch_records(BATCH_RECORDS);
    let mut sizes = Vec::new();
    let mut progress = Vec::new();
    let summary = import_stream(
        "big",
        input,
        Some(format),
        &options,
        |chunk: ImportChunk| {
            sizes.push(chunk.batch.len());
            progress.push(read.get() as f64 / size as f64);
            Ok(())
        },
    )
    .unwrap();
    (sizes, progress, summary.posts)
}

#[test]
fn two_hundred_thousand_tweets_arrive_in_bounded_batches() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tweets.js");
    let mut file = BufWriter::new(File::create(&path).unwrap());
    write_tweets(&mut file).unwrap();
    file.into_inner().unwrap().sync_all().unwrap();

    let (sizes, progress, posts) = import_counting(&path, Format::XArchive);
    let kept = TWEETS - TWEETS / 10;
    assert_eq!(posts, kept);
    assert!(
        sizes.iter().all(|&size| size <= BATCH_RECORDS),
        "{:?}",
        sizes.iter().max()
    );
    // Each post brings two counters, so a batch holds 333 posts and 999 records.
    assert_eq!(sizes[0], 999);
    assert_eq!(sizes.iter().sum::<usize>() as u64, kept * 3);
    assert_eq!(sizes.len() as u64, kept.div_ceil(333));
    assert!(
        progress[0] < 0.01,
        "the first batch came after {:.1}% of the file",
        progress[0] * 100.0
    );
    assert!(
        progress[sizes.len() / 2] < 0.6,
        "batches arrive as the file is read"
    );
}

#[test]
fn a_large_outbox_streams_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.json");
    let mut file = BufWriter::new(File::create(&path).unwrap());
    let actor = "https://example.social/users/test_creator";
    write!(file, "{{\"id\": \"outbox.json\", \"type\": \"OrderedCollection\", \"totalItems\": 1, \"orderedItems\": [").unwrap();
    for index in 0..20_000u64 {
        let separator = if index == 0 { "" } else { "," };
        write!(
            file,
            "{separator}{{\"type\": \"Create\", \"actor\": \"{actor}\", \"object\": {{\"id\": \"{actor}/statuses/{index}\", \
             \"type\": \"Note\", \"published\": \"2026-03-02T10:00:00Z\", \"content\": \"<p>post {index}</p>\", \
             \"to\": [\"https://www.w3.org/ns/activitystreams#Public\"], \"likes\": {{\"totalItems\": {index}}}}}}}"
        )
        .unwrap();
    }
    write!(file, "]}}").unwrap();
    file.into_inner().unwrap().sync_all().unwrap();

    let (sizes, progress, posts) = import_counting(&path, Format::Mastodon);
    assert_eq!(posts, 20_000);
    assert!(sizes.iter().all(|&size| size <= BATCH_RECORDS));
    assert_eq!(sizes.len(), 40, "500 posts with one counter each per batch");
    assert!(
        progress[0] < 0.1,
        "the first batch came after {:.1}%",
        progress[0] * 100.0
    );
}
