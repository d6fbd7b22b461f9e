//! Reading entries of zip and tar.gz archives without trusting them: entry names that are
//! absolute or climb out with `..` refuse the archive, entries and entry counts are capped,
//! and nothing is ever written to disk.

use std::error::Error;
use std::fmt;
use std::io::{self, Read, Seek};

use flate2::read::GzDecoder;
use zip::ZipArchive;
use zip::result::ZipError;

use crate::error::Limit;
use crate::{ArchiveLimits, ImportError, Location};

/// Whether an entry name stays inside the archive: not absolute, no drive letter, no `..`
/// component and no NUL.
pub(crate) fn is_safe_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let absolute = name.starts_with(['/', '\\']);
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    let climbs = name.split(['/', '\\']).any(|part| part == "..");
    !(absolute || drive || climbs || name.contains('\0'))
}

/// A zip archive whose names have been checked, with its entry names in directory order.
pub(crate) struct Zip<R> {
    archive: ZipArchive<R>,
    file: String,
    names: Vec<String>,
}

impl<R: Read + Seek> Zip<R> {
    /// Opens the archive `file`, refusing unsafe names and too many entries.
    pub fn open(file: &str, reader: R, limits: &ArchiveLimits) -> Result<Self, ImportError> {
        let archive = ZipArchive::new(reader).map_err(|error| zip_error(file, None, error))?;
        if archive.len() as u64 > limits.max_entries {
            let location = Location::file(file);
            return Err(ImportError::over_limit(
                location,
                Limit::Entries,
                limits.max_entries,
            ));
        }
        let mut names = Vec::with_capacity(archive.len());
        for name in archive.file_names() {
            let name = name.map_err(|error| zip_error(file, None, error))?;
            if !is_safe_name(&name) {
                return Err(ImportError::UnsafeEntryName {
                    file: file.to_owned(),
                    name: name.escape_debug().to_string(),
                });
            }
            names.push(name.into_owned());
        }
        Ok(Self {
            archive,
            file: file.to_owned(),
            names,
        })
    }

    /// The entry names, in the order of the archive's directory.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Reads the entry `name` (one of [`Zip::names`]) with `read`, refusing it when it is
    /// larger than `limit` bytes, by its declared size or by what it turns out to hold.
    pub fn read_entry<T>(
        &mut self,
        name: &str,
        limit: u64,
        read: impl FnOnce(&mut dyn Read) -> Result<T, ImportError>,
    ) -> Result<T, ImportError> {
        let location = Location::file(&self.file).in_entry(name);
        let index = self.names.iter().position(|known| known == name);
        let index = index.ok_or_else(|| ImportError::MissingEntry {
            file: self.file.clone(),
            wanted: name.to_owned(),
        })?;
        let entry = self
            .archive
            .by_index(index)
            .map_err(|error| zip_error(&self.file, Some(name), error))?;
        if entry.size() > limit {
            return Err(over_limit(location, limit));
        }
        read(&mut Limited::new(entry, limit))
    }
}

/// Visits each regular file of a gzip-compressed tar archive, in order, with its name,
/// size and contents. Entries that `visit` does not read are streamed past.
pub(crate) fn for_each_tar_gz_entry<R: Read>(
    file: &str,
    reader: R,
    limits: &ArchiveLimits,
    mut visit: impl FnMut(&str, u64, &mut dyn Read) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut archive = tar::Archive::new(GzDecoder::new(reader));
    let entries = archive
        .entries()
        .map_err(|error| read_error(Location::file(file), error))?;
    for (index, entry) in entries.enumerate() {
        let location = Location::file(file).at_record(index as u64 + 1);
        if index as u64 >= limits.max_entries {
            return Err(ImportError::over_limit(
                location,
                Limit::Entries,
                limits.max_entries,
            ));
        }
        let mut entry = entry.map_err(|error| read_error(location, error))?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if !is_safe_name(&name) {
            return Err(ImportError::UnsafeEntryName {
                file: file.to_owned(),
                name: name.escape_debug().to_string(),
            });
        }
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let size = entry.size();
        visit(&name, size, &mut entry)?;
    }

    // The entries end at tar's end marker; the rest of the gzip stream holds its checksum,
    // so reading it through tells a complete download from one cut short.
    io::copy(&mut archive.into_inner(), &mut io::sink())
        .map_err(|error| read_error(Location::file(file), error))?;
    Ok(())
}

/// The import error for a failed read at `location`: an archive entry over its limit, an
/// input that ends early, or another read failure.
pub(crate) fn read_error(location: Location, error: io::Error) -> ImportError {
    if let Some(limit) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<EntryOverLimit>())
    {
        return over_limit(location, limit.0);
    }
    match error.kind() {
        io::ErrorKind::UnexpectedEof => {
            return ImportError::truncated(location, error.to_string());
        }
        // Decompressors and checksums report damaged content this way.
        io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput => {
            return ImportError::malformed(location, format!("damaged data: {error}"));
        }
        _ => {}
    }
    ImportError::io(location, error)
}

pub(crate) fn over_limit(location: Location, limit: u64) -> ImportError {
    ImportError::over_limit(location, Limit::EntryBytes, limit)
}

fn zip_error(file: &str, entry: Option<&str>, error: ZipError) -> ImportError {
    let mut location = Location::file(file);
    if let Some(entry) = entry {
        location = location.in_entry(entry);
    }
    match error {
        ZipError::Io(error) => read_error(location, error),
        ZipError::InvalidArchive(reason) if reason.contains("end of central directory") => {
            ImportError::truncated(location, format!("not a complete zip archive: {reason}"))
        }
        other => ImportError::malformed(location, format!("unreadable zip archive: {other}")),
    }
}

/// Raised inside a read when an entry produces more than its limit.
#[derive(Debug)]
struct EntryOverLimit(u64);

impl fmt::Display for EntryOverLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entry is larger than {} bytes", self.0)
    }
}

impl Error for EntryOverLimit {}

/// Passes on at most `limit` bytes and fails, rather than ending quietly, when there are
/// more: a decompressed entry larger than it declared is a bomb, not a short file.
pub(crate) struct Limited<R> {
    inner: R,
    remaining: u64,
    limit: u64,
}

impl<R: Read> Limited<R> {
    /// Wraps `inner`, allowing `limit` bytes.
    pub fn new(inner: R, limit: u64) -> Self {
        Self {
            inner,
            remaining: limit,
            limit,
        }
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.remaining == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    EntryOverLimit(self.limit),
                )),
            };
        }
        let allowed = buf
            .len()
            .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        let read = self.inner.read(&mut buf[..allowed])?;
        self.remaining -= read as u64;
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_leave_the_archive_are_unsafe() {
        assert!(is_safe_name("data/tweets.js"));
        assert!(is_safe_name("media_attachments/files/1/original/a..b.png"));
        for unsafe_name in [
            "../x",
            "data/../../x",
            "/etc/passwd",
            "\\x",
            "C:\\x",
            "a\0b",
        ] {
            assert!(!is_safe_name(unsafe_name), "{unsafe_name}");
        }
    }

    #[test]
    fn a_limited_reader_fails_past_its_limit() {
        let mut text = String::new();
        Limited::new(&b"abc"[..], 3)
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "abc");
        let error = Limited::new(&b"abcd"[..], 3)
            .read_to_string(&mut String::new())
            .unwrap_err();
        let error = read_error(Location::file("a.zip").in_entry("big"), error);
        assert_eq!(
            error.to_string(),
            "a.zip: big: the decompressed entry is over the limit of 3 bytes"
        );
    }
}
