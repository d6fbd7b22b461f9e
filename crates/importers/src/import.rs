//! The entry points: open the input, settle its format and container, and run the format's
//! importer with a chunker around the caller's consumer.

use std::fs::File;
use std::io::{self, Cursor, Read, Seek};
use std::path::Path;

use tally_domain::Platform;

use crate::chunker::{Chunker, Sink};
use crate::format::{DETECT_BYTES, format_from_entry_names, is_gzip, is_zip};
use crate::{
    Format, ImportChunk, ImportError, ImportOptions, ImportSummary, Location, SinkError,
    SourceAccount, bluesky, detect_format, mastodon, tally_csv, x, youtube,
};

/// Imports the file at `path`, handing its records to `sink` in batches.
///
/// `format` names the export; when `None` it is told from the name and content (and, for a
/// zip, from the entries inside). Batches come as the file is read, each with at most
/// [`ImportOptions::max_batch_records`] records of one account, so a file of any size is
/// imported in bounded memory.
///
/// **Batches are provisional until this function returns `Ok`.** An input that turns out
/// to be malformed or cut short is only found out when the reader gets there, after earlier
/// batches were handed over. Store every batch in one transaction and commit it only after
/// `Ok`; on `Err`, roll back. An error returned by `sink` stops the import and comes back
/// as [`ImportError::Sink`].
///
/// ```no_run
/// use std::path::Path;
/// use chrono::Utc;
/// use tally_importers::{ImportOptions, import_path};
///
/// let options = ImportOptions::new(Utc::now());
/// let mut batches = Vec::new();
/// let summary = import_path(Path::new("twitter-archive.zip"), None, &options, |chunk| {
///     batches.push(chunk);
///     Ok(())
/// })?;
/// println!("{} posts from {:?}", summary.posts, summary.accounts);
/// # Ok::<(), tally_importers::ImportError>(())
/// ```
pub fn import_path(
    path: &Path,
    format: Option<Format>,
    options: &ImportOptions,
    sink: impl FnMut(ImportChunk) -> Result<(), SinkError>,
) -> Result<ImportSummary, ImportError> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|source| ImportError::io(Location::file(&name), source))?;
    import_seekable(&name, file, format, options, sink)
}

/// Imports from a reader with random access, such as an uploaded file saved to disk, which
/// every format including zip archives needs. `file_name` names the input in errors and
/// helps tell its format; otherwise as [`import_path`].
pub fn import_seekable<R: Read + Seek>(
    file_name: &str,
    mut reader: R,
    format: Option<Format>,
    options: &ImportOptions,
    sink: impl FnMut(ImportChunk) -> Result<(), SinkError>,
) -> Result<ImportSummary, ImportError> {
    let at_start = |error| ImportError::io(Location::file(file_name), error);
    let head = read_head(&mut reader, file_name)?;
    reader.rewind().map_err(at_start)?;
    if !is_zip(&head) {
        return import_stream(file_name, reader, format, options, sink);
    }

    let format = match format {
        Some(format) => format,
        None => {
            let zip = crate::archive::Zip::open(file_name, &mut reader, &options.limits)?;
            let found = format_from_entry_names(zip.names().iter().map(String::as_str));
            found.ok_or_else(|| unknown_format(file_name))?
        }
    };
    reader.rewind().map_err(at_start)?;
    let mut sink = sink;
    let mut chunker = Chunker::new(format, options.batch_records(), &mut sink as &mut Sink<'_>);
    match format {
        Format::XArchive => x::import_zip(file_name, reader, options, &mut chunker)?,
        Format::Mastodon => mastodon::import_zip(file_name, reader, options, &mut chunker)?,
        Format::YouTubeStudio => youtube::import_zip(file_name, reader, options, &mut chunker)?,
        Format::BlueskyCar | Format::TallyCsv => {
            return Err(ImportError::WrongContainer {
                file: file_name.to_owned(),
                message: format!("a zip archive, but {format} files are not zipped"),
            });
        }
    }
    chunker.finish()
}

/// Imports from a reader that can only be read once, front to back, such as a request
/// body. Every format works this way except zip archives, which are refused with
/// [`ImportError::NeedsRandomAccess`]; Mastodon `.tar.gz` archives stream. `file_name`
/// names the input in errors and helps tell its format; otherwise as [`import_path`].
pub fn import_stream<R: Read>(
    file_name: &str,
    mut reader: R,
    format: Option<Format>,
    options: &ImportOptions,
    sink: impl FnMut(ImportChunk) -> Result<(), SinkError>,
) -> Result<ImportSummary, ImportError> {
    let head = read_head(&mut reader, file_name)?;
    let input = Cursor::new(head.clone()).chain(reader);
    if is_zip(&head) {
        return Err(ImportError::NeedsRandomAccess {
            file: file_name.to_owned(),
        });
    }

    let gzip = is_gzip(&head);
    let format = match format.or_else(|| detect_format(file_name, &head)) {
        Some(format) => format,
        None => return Err(unknown_format(file_name)),
    };
    if gzip && format != Format::Mastodon {
        return Err(ImportError::WrongContainer {
            file: file_name.to_owned(),
            message: format!(
                "gzip-compressed, but only Mastodon archives (.tar.gz) come that way, not {format}"
            ),
        });
    }

    let mut sink = sink;
    let mut chunker = Chunker::new(format, options.batch_records(), &mut sink as &mut Sink<'_>);
    let location = Location::file(file_name);
    let observed_at = options.observed_at;
    match format {
        Format::Mastodon if gzip => {
            mastodon::import_tar_gz(file_name, input, options, &mut chunker)?;
        }
        Format::Mastodon => {
            chunker.set_observed_at(observed_at);
            mastodon::import_outbox(&location, input, observed_at, &mut chunker)?;
        }
        Format::XArchive => {
            chunker.set_observed_at(observed_at);
            let account = SourceAccount::unnamed(Platform::X);
            x::import_tweets_js(&location, input, &account, observed_at, &mut chunker)?;
        }
        Format::YouTubeStudio => {
            chunker.set_observed_at(observed_at);
            youtube::import_table(&location, input, observed_at, &mut chunker)?;
        }
        Format::BlueskyCar => bluesky::import_car(&location, input, &mut chunker)?,
        Format::TallyCsv => tally_csv::import(&location, input, &mut chunker)?,
    }
    chunker.finish()
}

/// Up to [`DETECT_BYTES`] leading bytes, fewer only at the end of the input.
fn read_head(reader: &mut impl Read, file_name: &str) -> Result<Vec<u8>, ImportError> {
    let mut head = Vec::with_capacity(DETECT_BYTES);
    reader
        .take(DETECT_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|source: io::Error| ImportError::io(Location::file(file_name), source))?;
    Ok(head)
}

fn unknown_format(file_name: &str) -> ImportError {
    ImportError::UnknownFormat {
        file: file_name.to_owned(),
        valid: Format::valid_names(),
    }
}
