//! Reads tally CSV files.

use std::io::Read;

use chrono::{DateTime, NaiveDate, Utc};
use tally_domain::{
    AccountMetric, AccountMetricRecord, ContentType, EngagementRecord, PerformanceRecord, Platform,
    PostMetric, PostRecord,
};

use super::{CsvKind, TALLY_CSV_VERSION, counters};
use crate::chunker::{Chunker, PostItem};
use crate::time::instant;
use crate::youtube::{LINE_END, csv_error, row_location};
use crate::{ImportError, Location, SourceAccount};

/// Imports a tally CSV file of any kind.
pub(crate) fn import(
    location: &Location,
    reader: impl Read,
    chunker: &mut Chunker<'_, '_>,
) -> Result<(), ImportError> {
    let text = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .bom_sniffing(true)
        .strip_bom(true)
        .build(reader);
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(LINE_END)
        .from_reader(text);
    let mut records = csv.records();
    let mut next = |what: &str| match records.next() {
        Some(record) => record.map_err(|error| csv_error(location, error)),
        None => Err(ImportError::truncated(
            location.clone(),
            format!("no {what}"),
        )),
    };

    let marker = next("'# tally-csv v1 <kind>' marker line")?;
    let kind = read_marker(&marker, &location.clone().at(1, 0))?;
    let header = next("header line")?;
    let columns = Header::new(kind, &header, &location.clone().at(2, 0))?;

    let mut rows = 0u64;
    loop {
        let row = next("'# end <N> rows' line; the file was cut short")?;
        let at = row_location(location, rows as usize, row.position());
        if row
            .get(0)
            .is_some_and(|first| first.trim_start().starts_with('#'))
        {
            read_end(&row, rows, &at)?;
            break;
        }
        rows += 1;
        let fields: Vec<&str> = row.iter().collect();
        if fields.len() < columns.names.len()
            || fields[columns.names.len()..]
                .iter()
                .any(|f| !f.trim().is_empty())
        {
            let message = format!(
                "the row has {} fields where the header has {}",
                fields.len(),
                columns.names.len()
            );
            return Err(ImportError::malformed(at, message));
        }
        let cells = Cells {
            columns: &columns,
            fields,
            at: &at,
        };
        match kind {
            CsvKind::Posts => add_post(&cells, chunker),
            CsvKind::PostMetrics => add_post_metric(&cells, chunker),
            CsvKind::AccountMetrics => add_account_metric(&cells, chunker),
        }?;
    }
    if let Some(extra) = records.next() {
        let extra = extra.map_err(|error| csv_error(location, error))?;
        let at = row_location(location, rows as usize + 1, extra.position());
        return Err(ImportError::malformed(at, "content after the '# end' line"));
    }
    Ok(())
}

fn read_marker(marker: &csv::StringRecord, at: &Location) -> Result<CsvKind, ImportError> {
    let first = marker.get(0).unwrap_or_default().trim();
    let padded = marker.iter().skip(1).all(|field| field.trim().is_empty());
    let words: Vec<&str> = first.split_whitespace().collect();
    let (version, kind) = match words.as_slice() {
        ["#", "tally-csv", version, kind] if padded => (*version, *kind),
        _ => {
            let message = format!(
                "not a tally CSV file: the first line should be '# tally-csv v{TALLY_CSV_VERSION} <kind>', not '{first}'"
            );
            return Err(ImportError::malformed(at.clone(), message));
        }
    };
    if version != format!("v{TALLY_CSV_VERSION}") {
        let message = format!(
            "tally CSV version '{version}' is not one this tally reads (v{TALLY_CSV_VERSION})"
        );
        return Err(ImportError::malformed(at.clone(), message));
    }
    kind.parse()
        .map_err(|error| ImportError::malformed(at.clone(), format!("{error}")))
}

fn read_end(row: &csv::StringRecord, rows: u64, at: &Location) -> Result<(), ImportError> {
    let first = row.get(0).unwrap_or_default().trim();
    let padded = row.iter().skip(1).all(|field| field.trim().is_empty());
    let words: Vec<&str> = first.split_whitespace().collect();
    let count = match words.as_slice() {
        ["#", "end", count, "rows" | "row"] if padded => count.parse::<u64>().ok(),
        _ => None,
    };
    match count {
        Some(count) if count == rows => Ok(()),
        Some(count) => Err(ImportError::malformed(
            at.clone(),
            format!("the end line counts {count} rows but the file has {rows}"),
        )),
        None => Err(ImportError::malformed(
            at.clone(),
            format!("'{first}' is neither a data row nor the '# end <N> rows' line"),
        )),
    }
}

/// The header of a file: where each column is.
struct Header {
    names: Vec<String>,
}

impl Header {
    fn new(kind: CsvKind, header: &csv::StringRecord, at: &Location) -> Result<Self, ImportError> {
        let valid = kind.columns();
        let names: Vec<String> = header
            .iter()
            .map(|name| name.trim().to_ascii_lowercase())
            .collect();
        for (index, name) in names.iter().enumerate() {
            if !valid.contains(&name.as_str()) {
                let message = format!(
                    "unknown column '{}' for tally CSV {kind}; valid columns: {}",
                    tally_domain::excerpt(name),
                    valid.join(", ")
                );
                return Err(ImportError::malformed(at.clone(), message));
            }
            if names[..index].contains(name) {
                let message = format!("the column '{name}' appears twice");
                return Err(ImportError::malformed(at.clone(), message));
            }
        }
        if let Some(missing) = kind
            .required_columns()
            .iter()
            .find(|required| !names.iter().any(|name| name == *required))
        {
            let message = format!("the required column '{missing}' is missing");
            return Err(ImportError::malformed(at.clone(), message));
        }
        Ok(Self { names })
    }
}

/// The cells of one data row, by column name.
struct Cells<'a> {
    columns: &'a Header,
    fields: Vec<&'a str>,
    at: &'a Location,
}

impl Cells<'_> {
    /// The cell's text without surrounding whitespace, `None` when empty or absent.
    fn get(&self, column: &str) -> Option<&str> {
        self.raw(column).map(str::trim)
    }

    /// The cell's text as written, `None` when blank or absent.
    fn raw(&self, column: &str) -> Option<&str> {
        let index = self.columns.names.iter().position(|name| name == column)?;
        self.fields
            .get(index)
            .copied()
            .filter(|text| !text.trim().is_empty())
    }

    fn required(&self, column: &str) -> Result<&str, ImportError> {
        self.get(column)
            .ok_or_else(|| self.malformed(format!("the {column} cell is empty")))
    }

    fn parsed<T: std::str::FromStr>(&self, column: &str) -> Result<T, ImportError>
    where
        T::Err: std::fmt::Display,
    {
        let text = self.required(column)?;
        text.parse()
            .map_err(|error| self.malformed(format!("{column} '{text}': {error}")))
    }

    fn time(&self, column: &str) -> Result<Option<DateTime<Utc>>, ImportError> {
        let Some(text) = self.get(column) else {
            return Ok(None);
        };
        instant(text)
            .map(Some)
            .ok_or_else(|| self.malformed(format!("{column} '{text}' is not an RFC 3339 time")))
    }

    fn required_time(&self, column: &str) -> Result<DateTime<Utc>, ImportError> {
        self.time(column)?
            .ok_or_else(|| self.malformed(format!("the {column} cell is empty")))
    }

    fn account(&self) -> Result<SourceAccount, ImportError> {
        Ok(SourceAccount {
            platform: self.parsed::<Platform>("platform")?,
            handle: self.get("account").map(str::to_owned),
            base_url: self.get("base_url").map(str::to_owned),
        })
    }

    fn malformed(&self, message: String) -> ImportError {
        ImportError::malformed(self.at.clone(), message)
    }
}

fn add_post(cells: &Cells<'_>, chunker: &mut Chunker<'_, '_>) -> Result<(), ImportError> {
    let account = cells.account()?;
    let post = PostRecord {
        external_id: cells.required("external_id")?.to_owned(),
        content_type: cells.parsed::<ContentType>("content_type")?,
        published_at: cells.required_time("published_at")?,
        url: cells.get("url").map(str::to_owned),
        title: cells.raw("title").map(str::to_owned),
    };
    let observed_at = cells.time("observed_at")?;
    let mut item = PostItem::new(post, observed_at.unwrap_or_default());
    for metric in counters() {
        let Some(text) = cells.get(metric.as_str()) else {
            continue;
        };
        let value: u64 = text.parse().map_err(|_| {
            cells.malformed(format!(
                "{metric} '{text}' is not a whole number of 0 or more"
            ))
        })?;
        match metric {
            PostMetric::Engagement(kind) => item.engagement(kind, Some(value)),
            PostMetric::Performance(metric) => item.performance(metric, Some(value)),
        }
    }
    let has_counters = !item.engagement.is_empty() || !item.performance.is_empty();
    if has_counters && observed_at.is_none() {
        return Err(cells.malformed("counters need an observed_at".to_owned()));
    }
    chunker
        .post(&account, item)
        .map_err(|error| error.at(cells.at.clone()))
}

fn add_post_metric(cells: &Cells<'_>, chunker: &mut Chunker<'_, '_>) -> Result<(), ImportError> {
    let account = cells.account()?;
    let post_external_id = cells.required("post_external_id")?.to_owned();
    let metric = cells.parsed::<PostMetric>("metric")?;
    let value = cells.parsed::<u64>("value")?;
    let observed_at = cells.required_time("observed_at")?;
    let added = match metric {
        PostMetric::Engagement(kind) => {
            let record = EngagementRecord {
                post_external_id,
                kind,
                count: value,
                observed_at,
            };
            chunker.engagement(&account, record)
        }
        PostMetric::Performance(metric) => {
            let record = PerformanceRecord {
                post_external_id,
                metric,
                value,
                observed_at,
            };
            chunker.performance(&account, record)
        }
    };
    added.map_err(|error| error.at(cells.at.clone()))
}

fn add_account_metric(cells: &Cells<'_>, chunker: &mut Chunker<'_, '_>) -> Result<(), ImportError> {
    let account = cells.account()?;
    let day_text = cells.required("day")?;
    let day = NaiveDate::parse_from_str(day_text, "%Y-%m-%d")
        .map_err(|_| cells.malformed(format!("day '{day_text}' is not YYYY-MM-DD")))?;
    let record = AccountMetricRecord {
        day,
        metric: cells.parsed::<AccountMetric>("metric")?,
        value: cells.parsed::<u64>("value")?,
        observed_at: cells.required_time("observed_at")?,
    };
    chunker
        .account_metric(&account, record)
        .map_err(|error| error.at(cells.at.clone()))
}
