//! YouTube Studio content exports: `Table data.csv` (one row per video), alone or in the
//! export zip, whose `Totals.csv` adds daily channel impressions when they were exported.
//!
//! Columns are found by their header text, since they depend on the metrics chosen in
//! Studio. The first row is a `Total` of all videos and is skipped. Files may be UTF-16
//! with a byte-order mark.

use std::io::{Read, Seek};

use chrono::{DateTime, Utc};
use encoding_rs_io::DecodeReaderBytesBuilder;
use tally_domain::{
    AccountMetric, AccountMetricRecord, ContentType, EngagementKind, PerformanceMetric, Platform,
    PostRecord,
};

use crate::archive::{Zip, read_error};
use crate::chunker::{Chunker, PostItem};
use crate::format::base_name;
use crate::text::title;
use crate::time::human_date;
use crate::{ImportError, ImportOptions, Location, SourceAccount};

/// Imports a `Table data.csv`, stamping its counts with `observed_at`.
pub(crate) fn import_table(
    location: &Location,
    reader: impl Read,
    observed_at: DateTime<Utc>,
    chunker: &mut Chunker<'_, '_>,
) -> Result<(), ImportError> {
    let mut csv = csv_reader(reader);
    let columns = Columns::new(&mut csv, location)?;
    let id_column = columns.required("Content")?;
    let published_column = columns.required("Video publish time")?;
    let title_column = columns.find(&["Video title"]);
    let engagement = [
        (EngagementKind::View, columns.find(&["Views"])),
        (EngagementKind::Like, columns.find(&["Likes"])),
        (
            EngagementKind::Comment,
            columns.find(&["Comments added", "Comments"]),
        ),
        (EngagementKind::Share, columns.find(&["Shares"])),
    ];
    let impressions = columns.find(&["Impressions"]);
    let watch_hours = columns.find(&["Watch time (hours)"]);
    let account = SourceAccount::unnamed(Platform::YouTube);

    for (index, row) in csv.records().enumerate() {
        let row = row.map_err(|error| csv_error(location, error))?;
        let at = || row_location(location, index, row.position());
        let cell = |column: usize| row.get(column).unwrap_or_default().trim();

        let id = cell(id_column);
        if id.eq_ignore_ascii_case("Total") {
            chunker.skipped().summary_rows += 1;
            continue;
        }
        if id.is_empty() {
            return Err(ImportError::malformed(
                at(),
                "the Content (video id) cell is empty",
            ));
        }
        let published = cell(published_column);
        let day = human_date(published).ok_or_else(|| {
            let message = format!(
                "video {id}: Video publish time '{published}' is not a date like 'Mar 2, 2026'"
            );
            ImportError::malformed(at(), message)
        })?;

        let post = PostRecord {
            external_id: id.to_owned(),
            content_type: ContentType::Video,
            published_at: day.and_time(chrono::NaiveTime::MIN).and_utc(),
            url: Some(format!("https://www.youtube.com/watch?v={id}")),
            title: title_column.and_then(|column| title(cell(column))),
        };
        let mut item = PostItem::new(post, observed_at);
        for (kind, column) in engagement {
            let count = read_count(column, &cell, &columns).map_err(|m| malformed(at(), m))?;
            item.engagement(kind, count);
        }
        let count = read_count(impressions, &cell, &columns).map_err(|m| malformed(at(), m))?;
        item.performance(PerformanceMetric::Impressions, count);
        let seconds = match watch_hours.map(cell).filter(|text| !text.is_empty()) {
            Some(hours) => Some(hours_to_seconds(hours).map_err(|m| malformed(at(), m))?),
            None => None,
        };
        item.performance(PerformanceMetric::WatchTimeSeconds, seconds);
        chunker
            .post(&account, item)
            .map_err(|error| error.at(at()))?;
    }
    Ok(())
}

/// Imports the daily channel impressions of a `Totals.csv`, when it has that column.
pub(crate) fn import_totals(
    location: &Location,
    reader: impl Read,
    observed_at: DateTime<Utc>,
    chunker: &mut Chunker<'_, '_>,
) -> Result<(), ImportError> {
    let mut csv = csv_reader(reader);
    let columns = Columns::new(&mut csv, location)?;
    let Some(impressions) = columns.find(&["Impressions"]) else {
        return Ok(());
    };
    let date_column = columns.required("Date")?;
    let account = SourceAccount::unnamed(Platform::YouTube);

    for (index, row) in csv.records().enumerate() {
        let row = row.map_err(|error| csv_error(location, error))?;
        let at = || row_location(location, index, row.position());
        let cell = |column: usize| row.get(column).unwrap_or_default().trim();
        let date = cell(date_column);
        if date.eq_ignore_ascii_case("Total") {
            chunker.skipped().summary_rows += 1;
            continue;
        }
        let day = human_date(date)
            .ok_or_else(|| malformed(at(), format!("Date '{date}' is not a date")))?;
        let value =
            read_count(Some(impressions), &cell, &columns).map_err(|m| malformed(at(), m))?;
        if let Some(value) = value {
            let record = AccountMetricRecord {
                day,
                metric: AccountMetric::Impressions,
                value,
                observed_at,
            };
            chunker
                .account_metric(&account, record)
                .map_err(|error| error.at(at()))?;
        }
    }
    Ok(())
}

/// Imports the `Table data.csv` and, when present, the `Totals.csv` of an export zip.
pub(crate) fn import_zip<R: Read + Seek>(
    file: &str,
    reader: R,
    options: &ImportOptions,
    chunker: &mut Chunker<'_, '_>,
) -> Result<(), ImportError> {
    let mut zip = Zip::open(file, reader, &options.limits)?;
    let named = |wanted: &str| {
        zip.names()
            .iter()
            .find(|name| base_name(name).eq_ignore_ascii_case(wanted))
            .cloned()
    };
    let table = named("Table data.csv").ok_or_else(|| ImportError::MissingEntry {
        file: file.to_owned(),
        wanted: "Table data.csv".to_owned(),
    })?;
    let totals = named("Totals.csv");
    let observed_at = options.observed_at;
    chunker.set_observed_at(observed_at);
    let limit = options.limits.max_entry_bytes;

    let location = Location::file(file).in_entry(&table);
    zip.read_entry(&table, limit, |entry| {
        import_table(&location, entry, observed_at, chunker)
    })?;
    if let Some(totals) = totals {
        let location = Location::file(file).in_entry(&totals);
        zip.read_entry(&totals, limit, |entry| {
            import_totals(&location, entry, observed_at, chunker)
        })?;
    }
    Ok(())
}

/// A CSV reader over UTF-8 or, after a byte-order mark, UTF-16 text.
pub(crate) fn csv_reader(reader: impl Read) -> csv::Reader<impl Read> {
    let text = DecodeReaderBytesBuilder::new()
        .bom_sniffing(true)
        .strip_bom(true)
        .build(reader);
    csv::ReaderBuilder::new()
        .has_headers(true)
        .terminator(LINE_END)
        .from_reader(text)
}

/// Records end at `\n` only: a `\r` before it stays in the last cell, which is trimmed, and
/// the reader's line numbers stay right for files with CRLF line endings.
pub(crate) const LINE_END: csv::Terminator = csv::Terminator::Any(b'\n');

/// The import error for a CSV failure in the file at `location`.
pub(crate) fn csv_error(location: &Location, error: csv::Error) -> ImportError {
    let mut at = location.clone();
    if let Some(position) = error.position() {
        at = at.at(position.line(), position.byte());
    }
    match error.into_kind() {
        csv::ErrorKind::Io(error) => read_error(at, error),
        csv::ErrorKind::Utf8 { err, .. } => {
            ImportError::malformed(at, format!("not UTF-8 or UTF-16 text: {err}"))
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => ImportError::malformed(
            at,
            format!("the row has {len} fields where the header has {expected_len}"),
        ),
        other => ImportError::malformed(at, format!("unreadable CSV: {other:?}")),
    }
}

/// The place of data row `index` (counting from 0) at `position`.
pub(crate) fn row_location(
    location: &Location,
    index: usize,
    position: Option<&csv::Position>,
) -> Location {
    let here = location.clone().at_record(index as u64 + 1);
    match position {
        Some(position) => here.at(position.line(), position.byte()),
        None => here,
    }
}

fn malformed(location: Location, message: String) -> ImportError {
    ImportError::malformed(location, message)
}

/// The header row, for finding columns by their text.
struct Columns {
    names: Vec<String>,
    location: Location,
}

impl Columns {
    fn new(csv: &mut csv::Reader<impl Read>, location: &Location) -> Result<Self, ImportError> {
        let header = csv
            .headers()
            .map_err(|error| csv_error(location, error))?
            .iter()
            .map(|name| name.trim().to_owned())
            .collect();
        Ok(Self {
            names: header,
            location: location.clone().at(1, 0),
        })
    }

    fn find(&self, wanted: &[&str]) -> Option<usize> {
        wanted.iter().find_map(|wanted| {
            self.names
                .iter()
                .position(|name| name.eq_ignore_ascii_case(wanted))
        })
    }

    fn required(&self, wanted: &str) -> Result<usize, ImportError> {
        self.find(&[wanted]).ok_or_else(|| {
            let found = self.names.join(", ");
            let message = format!("no '{wanted}' column; the header has: {found}");
            ImportError::malformed(self.location.clone(), message)
        })
    }
}

fn read_count<'r>(
    column: Option<usize>,
    cell: &impl Fn(usize) -> &'r str,
    columns: &Columns,
) -> Result<Option<u64>, String> {
    let Some(column) = column else {
        return Ok(None);
    };
    let text = cell(column);
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| {
        let name = columns.names.get(column).map_or("?", String::as_str);
        format!("{name} '{text}' is not a whole number")
    })
}

fn hours_to_seconds(hours: &str) -> Result<u64, String> {
    let value: f64 = hours
        .parse()
        .map_err(|_| format!("Watch time (hours) '{hours}' is not a number"))?;
    if !(0.0..=1e12).contains(&value) {
        return Err(format!("Watch time (hours) '{hours}' is out of range"));
    }
    Ok((value * 3600.0).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watch_hours_become_seconds() {
        assert_eq!(hours_to_seconds("1.5"), Ok(5400));
        assert_eq!(hours_to_seconds("0.0003"), Ok(1));
        assert!(hours_to_seconds("-1").is_err());
        assert!(hours_to_seconds("lots").is_err());
    }
}
