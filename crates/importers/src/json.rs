//! Reading a JSON array one element at a time, so that a file of any size is never held in
//! memory, and turning serde_json's failures into errors that say where.

use std::fmt;
use std::io;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};

use crate::archive::read_error;
use crate::{ImportError, Location};

/// The message that unwinds serde when a callback has failed; the real error is kept aside.
const STOPPED: &str = "stopped by the importer";

/// Deserializes a JSON array, handing each element to `on_element` as soon as it is read.
///
/// When `on_element` fails, deserialization stops and the failure is put in `stopped`.
pub(crate) struct EachElement<'f, T, F> {
    on_element: &'f mut F,
    stopped: &'f mut Option<ImportError>,
    element: PhantomData<fn() -> T>,
}

impl<'f, T, F> EachElement<'f, T, F> {
    /// A seed that feeds `on_element` and records its failure in `stopped`.
    pub fn new(on_element: &'f mut F, stopped: &'f mut Option<ImportError>) -> Self {
        Self {
            on_element,
            stopped,
            element: PhantomData,
        }
    }
}

impl<'de, T, F> DeserializeSeed<'de> for EachElement<'_, T, F>
where
    T: de::Deserialize<'de>,
    F: FnMut(T) -> Result<(), ImportError>,
{
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T, F> Visitor<'de> for EachElement<'_, T, F>
where
    T: de::Deserialize<'de>,
    F: FnMut(T) -> Result<(), ImportError>,
{
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(element) = seq.next_element::<T>()? {
            if let Err(error) = (self.on_element)(element) {
                *self.stopped = Some(error);
                return Err(de::Error::custom(STOPPED));
            }
        }
        Ok(())
    }
}

/// The import error for a serde_json failure at `location`, or the callback failure that
/// caused it.
pub(crate) fn json_error(
    error: serde_json::Error,
    stopped: Option<ImportError>,
    location: Location,
) -> ImportError {
    if let Some(stopped) = stopped {
        return stopped;
    }
    if error.is_io() {
        return read_error(location, io::Error::from(error));
    }
    let full = error.to_string();
    let message = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(message, _)| message);
    if error.is_eof() {
        ImportError::truncated(location, message)
    } else {
        ImportError::malformed(location, message)
    }
}

/// Counts accepted whether the export wrote them as JSON numbers or as strings; `null`
/// and absence both mean unknown.
pub(crate) fn count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Count {
        Number(u64),
        Text(String),
    }
    match Option::<Count>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Count::Number(number)) => Ok(Some(number)),
        Some(Count::Text(text)) if text.trim().is_empty() => Ok(None),
        Some(Count::Text(text)) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| de::Error::custom(format!("'{text}' is not a count"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Counted {
        #[serde(default, deserialize_with = "count")]
        n: Option<u64>,
    }

    #[test]
    fn counts_come_as_numbers_or_strings() {
        let parse = |json: &str| serde_json::from_str::<Counted>(json).map(|c| c.n);
        assert_eq!(parse(r#"{"n": 3}"#).unwrap(), Some(3));
        assert_eq!(parse(r#"{"n": "42"}"#).unwrap(), Some(42));
        assert_eq!(parse(r#"{"n": null}"#).unwrap(), None);
        assert_eq!(parse(r#"{}"#).unwrap(), None);
        assert!(parse(r#"{"n": "lots"}"#).is_err());
        assert!(parse(r#"{"n": -1}"#).is_err());
    }

    #[test]
    fn elements_arrive_one_by_one_and_a_failure_stops_the_rest() {
        let mut seen = Vec::new();
        let mut stopped = None;
        let mut on_element = |n: u32| {
            seen.push(n);
            if n == 2 {
                return Err(ImportError::malformed(Location::file("f"), "two"));
            }
            Ok(())
        };
        let mut de = serde_json::Deserializer::from_str("[1, 2, 3]");
        let result = EachElement::new(&mut on_element, &mut stopped).deserialize(&mut de);
        let error = json_error(result.unwrap_err(), stopped, Location::file("f"));
        assert_eq!(error.to_string(), "f: two");
        assert_eq!(seen, [1, 2]);
    }
}
