//! Helpers shared by the importer tests: fixtures, archives built from them, and imports
//! collected into memory.

// Each test file uses a different part of these helpers, which fail loudly by design.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Write};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use tally_domain::{EngagementKind, IngestBatch, PerformanceMetric, PostRecord};
use tally_importers::{
    Format, ImportChunk, ImportError, ImportOptions, ImportSummary, import_seekable, import_stream,
};

/// The path of a fixture file.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The bytes of a fixture file.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).expect("fixture exists")
}

/// An instant from RFC 3339 text.
pub fn utc(text: &str) -> DateTime<Utc> {
    text.parse().expect("valid RFC 3339")
}

/// The caller-given observation time the tests use.
pub fn observed_at() -> DateTime<Utc> {
    utc("2026-03-10T00:00:00Z")
}

/// Options with the test observation time.
pub fn options() -> ImportOptions {
    ImportOptions::new(observed_at())
}

/// An import's summary and every chunk it produced.
#[derive(Debug)]
pub struct Imported {
    pub summary: ImportSummary,
    pub chunks: Vec<ImportChunk>,
}

impl Imported {
    /// All chunks' records in one batch, in order.
    pub fn merged(&self) -> IngestBatch {
        let mut all = IngestBatch::default();
        for chunk in &self.chunks {
            all.posts.extend(chunk.batch.posts.iter().cloned());
            all.engagement
                .extend(chunk.batch.engagement.iter().cloned());
            all.performance
                .extend(chunk.batch.performance.iter().cloned());
            all.account_metrics
                .extend(chunk.batch.account_metrics.iter().cloned());
        }
        all
    }

    /// The ids of the imported posts, in order.
    pub fn post_ids(&self) -> Vec<String> {
        self.merged()
            .posts
            .into_iter()
            .map(|post| post.external_id)
            .collect()
    }

    /// The imported post with this id.
    pub fn post(&self, id: &str) -> PostRecord {
        self.merged()
            .posts
            .into_iter()
            .find(|post| post.external_id == id)
            .unwrap_or_else(|| panic!("no post {id}"))
    }

    /// The engagement counts of a post, with the time each was observed.
    pub fn engagement(&self, id: &str) -> Vec<(EngagementKind, u64, DateTime<Utc>)> {
        self.merged()
            .engagement
            .into_iter()
            .filter(|record| record.post_external_id == id)
            .map(|record| (record.kind, record.count, record.observed_at))
            .collect()
    }

    /// The performance figures of a post, with the time each was observed.
    pub fn performance(&self, id: &str) -> Vec<(PerformanceMetric, u64, DateTime<Utc>)> {
        self.merged()
            .performance
            .into_iter()
            .filter(|record| record.post_external_id == id)
            .map(|record| (record.metric, record.value, record.observed_at))
            .collect()
    }
}

/// Imports `bytes` named `name` with random access.
pub fn import(
    name: &str,
    bytes: &[u8],
    format: Option<Format>,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let mut chunks = Vec::new();
    let summary = import_seekable(name, Cursor::new(bytes), format, options, |chunk| {
        chunks.push(chunk);
        Ok(())
    })?;
    Ok(Imported { summary, chunks })
}

/// Imports `bytes` named `name` as a stream read once.
pub fn import_once(
    name: &str,
    bytes: &[u8],
    format: Option<Format>,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let mut chunks = Vec::new();
    let summary = import_stream(name, bytes, format, options, |chunk| {
        chunks.push(chunk);
        Ok(())
    })?;
    Ok(Imported { summary, chunks })
}

/// The error of an import that must fail, as text, for readable assertions.
pub fn import_error(name: &str, bytes: &[u8], format: Option<Format>) -> ImportError {
    match import(name, bytes, format, &options()) {
        Ok(imported) => panic!("{name} imported: {:?}", imported.summary),
        Err(error) => error,
    }
}

/// A zip archive of `entries` (name and contents), compressed.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    zip_with(entries, zip::CompressionMethod::Deflated)
}

/// A zip archive of `entries`, stored without compression.
pub fn stored_zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    zip_with(entries, zip::CompressionMethod::Stored)
}

fn zip_with(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, contents) in entries {
        zip.start_file(*name, options).expect("zip entry");
        zip.write_all(contents).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}

/// A gzip-compressed tar archive of `entries`.
pub fn tar_gz_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(encoder);
    for (name, contents) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(contents.len() as u64);
        header.set_mode(0o444);
        header.set_cksum();
        tar.append_data(&mut header, name, *contents)
            .expect("tar entry");
    }
    tar.into_inner()
        .expect("tar finish")
        .finish()
        .expect("gzip finish")
}

/// A gzip-compressed tar archive whose entry names are written as given, unchecked, as a
/// hostile archive would have them.
pub fn tar_gz_with_raw_names(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(encoder);
    for (name, contents) in entries {
        let mut header = tar::Header::new_old();
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_size(contents.len() as u64);
        header.set_mode(0o444);
        header.set_cksum();
        tar.append(&header, *contents).expect("tar entry");
    }
    tar.into_inner()
        .expect("tar finish")
        .finish()
        .expect("gzip finish")
}

/// Replaces the first occurrence of `from` in `bytes` with `to`.
pub fn replaced(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).expect("UTF-8 fixture");
    assert!(text.contains(from), "fixture lacks {from:?}");
    text.replacen(from, to, 1).into_bytes()
}
