//! Importers that turn the data exports people download from social platforms into tally's
//! domain records.
//!
//! Supported exports ([`Format`]):
//!
//! - **X archive**: `data/tweets.js` (and `tweets-partN.js`), or the whole archive `.zip`,
//!   whose `manifest.js` gives the time the archive was made.
//! - **Mastodon archive**: `outbox.json`, or the archive `.zip` / `.tar.gz`.
//! - **YouTube Studio** content export: `Table data.csv`, or the export `.zip`.
//! - **Bluesky repository export**: the `.car` file.
//! - **tally CSV**: tally's own versioned CSV (see [`TallyCsvWriter`] and the
//!   `docs/importing.md` specification), which tally's export endpoints also write.
//!
//! An import reads its input once, front to back (zips by entry), and hands records to a
//! consumer in [`ImportChunk`]s of bounded size as it goes, so a multi-gigabyte file never
//! sits in memory. Every chunk names the [`SourceAccount`] its records belong to. Records
//! follow the domain's rules: a count the export does not give is absent, never zero;
//! times are UTC; counts are stamped with the time the export was made when it says so,
//! otherwise with [`ImportOptions::observed_at`]. Re-shares of other people's posts and
//! replies to other accounts are left out, as the connectors leave them out.
//!
//! A malformed or cut-short input is an [`ImportError`] that names the file, the entry in
//! an archive, and the record, line or byte; never a panic and never a silent partial
//! result. Since such errors can only surface when the reader gets there, chunks are
//! provisional until the import returns `Ok` (see [`import_path`]).
//!
//! This crate knows nothing of storage or HTTP, and its reads block: call it from a
//! blocking thread.
//!
//! ```
//! use chrono::Utc;
//! use tally_importers::{Format, ImportOptions, import_stream};
//!
//! let tweets = r#"window.YTD.tweets.part0 = [ {"tweet": {
//!     "id_str": "1000000000000000001", "created_at": "Wed Oct 10 20:19:24 +0000 2018",
//!     "full_text": "Invented example post", "favorite_count": "7", "retweet_count": "2"
//! }} ]"#;
//! let options = ImportOptions::new(Utc::now());
//! let mut chunks = Vec::new();
//! let summary = import_stream("tweets.js", tweets.as_bytes(), None, &options, |chunk| {
//!     chunks.push(chunk);
//!     Ok(())
//! })?;
//! assert_eq!(summary.format, Format::XArchive);
//! assert_eq!((summary.posts, summary.engagement), (1, 2));
//! assert_eq!(chunks[0].batch.posts[0].external_id, "1000000000000000001");
//! # Ok::<(), tally_importers::ImportError>(())
//! ```

mod archive;
mod bluesky;
mod chunker;
mod error;
mod format;
mod import;
mod json;
mod mastodon;
mod options;
mod position;
mod tally_csv;
mod text;
mod time;
mod x;
mod youtube;

pub use error::{ImportError, Limit, Location, SinkError};
pub use format::{DETECT_BYTES, Format, detect_format};
pub use import::{import_path, import_seekable, import_stream};
pub use options::{
    ArchiveLimits, ImportChunk, ImportOptions, ImportSummary, MIN_BATCH_RECORDS, Skipped,
    SourceAccount,
};
pub use tally_csv::{CsvKind, TALLY_CSV_VERSION, TallyCsvWriteError, TallyCsvWriter};
