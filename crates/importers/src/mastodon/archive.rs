//! Mastodon archives: the `.tar.gz` (or, from newer servers, `.zip`) that holds
//! `outbox.json` beside the media, `actor.json`, `likes.json` and `bookmarks.json`.

use std::io::{Read, Seek};

use chrono::{DateTime, NaiveDateTime, Utc};

use super::import_outbox;
use crate::archive::{Limited, Zip, for_each_tar_gz_entry, over_limit};
use crate::chunker::Chunker;
use crate::format::base_name;
use crate::{ImportError, ImportOptions, Location};

/// When a Mastodon archive was made, from its name `archive-YYYYMMDDHHMMSS-<hex>.tar.gz`.
pub(crate) fn archive_time(file_name: &str) -> Option<DateTime<Utc>> {
    let stamp = base_name(file_name).strip_prefix("archive-")?.get(..14)?;
    NaiveDateTime::parse_from_str(stamp, "%Y%m%d%H%M%S")
        .ok()
        .map(|time| time.and_utc())
}

/// Imports the `outbox.json` of an archive zip.
pub(crate) fn import_zip<R: Read + Seek>(
    file: &str,
    reader: R,
    options: &ImportOptions,
    chunker: &mut Chunker<'_, '_>,
) -> Result<(), ImportError> {
    let mut zip = Zip::open(file, reader, &options.limits)?;
    let outbox = zip
        .names()
        .iter()
        .filter(|name| base_name(name) == "outbox.json")
        .min_by_key(|name| name.len())
        .cloned()
        .ok_or_else(|| ImportError::MissingEntry {
            file: file.to_owned(),
            wanted: "outbox.json".to_owned(),
        })?;
    let observed_at = archive_time(file).unwrap_or(options.observed_at);
    chunker.set_observed_at(observed_at);
    let location = Location::file(file).in_entry(&outbox);
    zip.read_entry(&outbox, options.limits.max_entry_bytes, |entry| {
        import_outbox(&location, entry, observed_at, chunker)
    })
}

/// Imports the `outbox.json` of an archive `.tar.gz`, reading the archive to its end so
/// that a cut-short download is noticed.
pub(crate) fn import_tar_gz(
    file: &str,
    reader: impl Read,
    options: &ImportOptions,
    chunker: &mut Chunker<'_, '_>,
) -> Result<(), ImportError> {
    let observed_at = archive_time(file).unwrap_or(options.observed_at);
    chunker.set_observed_at(observed_at);
    let limit = options.limits.max_entry_bytes;
    let mut found = false;
    for_each_tar_gz_entry(file, reader, &options.limits, |name, size, entry| {
        if base_name(name) != "outbox.json" {
            return Ok(());
        }
        let location = Location::file(file).in_entry(name);
        if found {
            return Err(ImportError::malformed(location, "a second outbox.json"));
        }
        found = true;
        if size > limit {
            return Err(over_limit(location, limit));
        }
        import_outbox(&location, Limited::new(entry, limit), observed_at, chunker)
    })?;
    if !found {
        return Err(ImportError::MissingEntry {
            file: file.to_owned(),
            wanted: "outbox.json".to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_carry_their_creation_time() {
        let time = archive_time("/tmp/archive-20260302101500-0123456789abcdef.tar.gz");
        assert_eq!(time, Some("2026-03-02T10:15:00Z".parse().unwrap()));
        assert_eq!(archive_time("outbox.json"), None);
    }
}
