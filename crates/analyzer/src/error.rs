//! The errors the analyzer can report.

/// A request the analyzer cannot serve.
///
/// The analyses themselves never fail: missing data gives empty or `null` results. Only
/// turning user input into analyzer types can go wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnalyzerError {
    /// The time zone is not an IANA name that the bundled database knows.
    #[error(
        "unknown time zone '{}'; expected an IANA name such as Europe/Berlin or UTC",
        tally_domain::excerpt(.given)
    )]
    UnknownTimezone {
        /// The text that did not match.
        given: String,
    },
}
