//! What can go wrong in an import, and where it went wrong.

use std::fmt;
use std::io;

/// What the consumer of the batches may fail with; the import stops there.
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// A place in an input: the file, the entry inside an archive, the record, line and byte.
///
/// Records and lines count from 1. Byte offsets count from 0 and are measured in the
/// decompressed entry; for UTF-16 files they count the UTF-8 text the file was converted to.
/// A syntax error is placed where the parser stopped; a record that parsed but holds a
/// wrong value (a date that is not a date) is placed where the record ends, and the
/// message names the record's id where it has one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// The name of the file as the caller gave it, such as `twitter-archive.zip`.
    pub file: String,
    /// The file inside an archive, such as `data/tweets.js`.
    pub entry: Option<String>,
    /// The number of the record (tweet, activity, CSV row, CAR block) within the file.
    pub record: Option<u64>,
    /// The line.
    pub line: Option<u64>,
    /// The byte offset.
    pub byte_offset: Option<u64>,
}

impl Location {
    /// The whole of `file`.
    pub fn file(file: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            ..Self::default()
        }
    }

    /// The same place, inside the archive entry `entry`.
    pub fn in_entry(mut self, entry: impl Into<String>) -> Self {
        self.entry = Some(entry.into());
        self
    }

    /// The same place, at record number `record`.
    pub fn at_record(mut self, record: u64) -> Self {
        self.record = Some(record);
        self
    }

    /// The same place, at `byte_offset`.
    pub fn at_byte(mut self, byte_offset: u64) -> Self {
        self.byte_offset = Some(byte_offset);
        self
    }

    /// The same place, at `line` and `byte_offset`.
    pub fn at(mut self, line: u64, byte_offset: u64) -> Self {
        self.line = Some(line);
        self.byte_offset = Some(byte_offset);
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(entry) = &self.entry {
            write!(f, ": {entry}")?;
        }
        let mut parts = Vec::new();
        if let Some(record) = self.record {
            parts.push(format!("record {record}"));
        }
        if let Some(line) = self.line {
            parts.push(format!("line {line}"));
        }
        if let Some(offset) = self.byte_offset {
            parts.push(format!("byte {offset}"));
        }
        if !parts.is_empty() {
            write!(f, ": {}", parts.join(", "))?;
        }
        Ok(())
    }
}

/// Which limit of [`crate::ArchiveLimits`] an archive went over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// The decompressed size of an entry, in bytes.
    EntryBytes,
    /// The number of entries in an archive.
    Entries,
}

impl Limit {
    fn subject(self) -> &'static str {
        match self {
            Limit::EntryBytes => "the decompressed entry",
            Limit::Entries => "the number of entries",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Limit::EntryBytes => "bytes",
            Limit::Entries => "entries",
        }
    }
}

/// A failure to import a file. Every variant that concerns the input says where.
///
/// An import that fails has still handed earlier batches to its consumer; those must be
/// discarded (see [`crate::import_path`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The content is not what the format promises: a wrong type, a missing field, a date
    /// that does not parse, an unknown column.
    #[error("{location}: {message}")]
    Malformed {
        /// Where.
        location: Box<Location>,
        /// What was wrong.
        message: String,
    },

    /// The input stops in the middle of a record or before its closing part.
    #[error("{location}: the file ends too early ({message}); it was probably cut short")]
    Truncated {
        /// Where the input ended.
        location: Box<Location>,
        /// What was still expected.
        message: String,
    },

    /// Reading the input failed.
    #[error("{location}: cannot read: {source}")]
    Io {
        /// Where reading stopped.
        location: Box<Location>,
        /// The failure.
        #[source]
        source: io::Error,
    },

    /// An archive lacks an entry that the format needs.
    #[error("{file}: the archive holds no {wanted}")]
    MissingEntry {
        /// The archive.
        file: String,
        /// What was looked for, such as `outbox.json`.
        wanted: String,
    },

    /// An archive entry, or an archive's number of entries, is over a configured limit.
    #[error("{location}: {} is over the limit of {limit} {}", .what.subject(), .what.unit())]
    OverLimit {
        /// The archive and entry.
        location: Box<Location>,
        /// What was too large.
        what: Limit,
        /// The limit.
        limit: u64,
    },

    /// An archive entry's name is absolute or climbs out of the archive with `..`.
    #[error("{file}: refusing the archive: the entry name '{name}' is absolute or contains '..'")]
    UnsafeEntryName {
        /// The archive.
        file: String,
        /// The entry name, with control characters escaped.
        name: String,
    },

    /// Neither the name nor the first bytes tell which export the file is.
    #[error("{file}: cannot tell which export this is; name the format, one of: {valid}")]
    UnknownFormat {
        /// The file.
        file: String,
        /// The valid format names, comma-separated.
        valid: String,
    },

    /// The file is a kind of container the format does not come in, such as a zip given
    /// as a Bluesky repository.
    #[error("{file}: {message}")]
    WrongContainer {
        /// The file.
        file: String,
        /// What the file is and what was expected.
        message: String,
    },

    /// A zip archive was given as a stream; zips keep their directory at the end and can
    /// only be read with random access.
    #[error("{file}: a zip archive needs random access; save it to a file and import that")]
    NeedsRandomAccess {
        /// The file.
        file: String,
    },

    /// The consumer of the batches failed; the import stopped there.
    #[error("storing the imported records failed: {0}")]
    Sink(#[source] SinkError),
}

impl ImportError {
    /// Where in the input the error lies, for the variants that point into a file.
    pub fn location(&self) -> Option<&Location> {
        match self {
            ImportError::Malformed { location, .. }
            | ImportError::Truncated { location, .. }
            | ImportError::Io { location, .. }
            | ImportError::OverLimit { location, .. } => Some(location),
            _ => None,
        }
    }

    /// Whether the error is about the input (a client mistake) rather than about reading
    /// it or storing its records.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, ImportError::Io { .. } | ImportError::Sink(_))
    }

    pub(crate) fn malformed(location: Location, message: impl Into<String>) -> Self {
        ImportError::Malformed {
            location: Box::new(location),
            message: message.into(),
        }
    }

    pub(crate) fn truncated(location: Location, message: impl Into<String>) -> Self {
        ImportError::Truncated {
            location: Box::new(location),
            message: message.into(),
        }
    }

    pub(crate) fn io(location: Location, source: io::Error) -> Self {
        ImportError::Io {
            location: Box::new(location),
            source,
        }
    }

    pub(crate) fn over_limit(location: Location, what: Limit, limit: u64) -> Self {
        ImportError::OverLimit {
            location: Box::new(location),
            what,
            limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_name_every_known_part() {
        let location = Location::file("x.zip")
            .in_entry("data/tweets.js")
            .at_record(17)
            .at(340, 12_345);
        assert_eq!(
            location.to_string(),
            "x.zip: data/tweets.js: record 17, line 340, byte 12345"
        );
        assert_eq!(Location::file("outbox.json").to_string(), "outbox.json");
    }
}
