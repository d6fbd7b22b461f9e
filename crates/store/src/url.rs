//! Choosing the backend from `DATABASE_URL`.

use std::fmt;

use crate::StoreError;

/// Where the database lives, as parsed from a `DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file at this path.
    Sqlite(String),
    /// A PostgreSQL server, as a `postgres://` URL.
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses a URL: a plain path or `sqlite://path` means SQLite, `postgres://` or
    /// `postgresql://` means PostgreSQL, and anything else is refused with a reason.
    pub fn parse(text: &str) -> Result<Self, StoreError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::InvalidUrl("the database URL is empty".into()));
        }

        if let Some((scheme, rest)) = text.split_once("://") {
            return match scheme.to_ascii_lowercase().as_str() {
                "postgres" | "postgresql" => Ok(DatabaseUrl::Postgres(text.to_owned())),
                "sqlite" | "file" if !rest.is_empty() => Ok(DatabaseUrl::Sqlite(rest.to_owned())),
                "sqlite" | "file" => Err(StoreError::InvalidUrl(
                    "the SQLite URL names no file; use sqlite://path/to/tally.db".into(),
                )),
                other => Err(StoreError::InvalidUrl(format!(
                    "unsupported database URL scheme '{other}'; use a file path, \
                     sqlite://path/to/tally.db or postgres://user@host/database"
                ))),
            };
        }

        if let Some(rest) = text.strip_prefix("sqlite:") {
            return Self::parse(rest);
        }
        if text.contains('=') && text.contains(char::is_whitespace) {
            return Err(StoreError::InvalidUrl(
                "keyword=value connection strings are not supported; \
                 write PostgreSQL locations as postgres://user@host/database"
                    .into(),
            ));
        }
        if text.contains(['=', '?']) {
            return Err(StoreError::InvalidUrl(format!(
                "'{text}' is neither a file path nor a URL; write SQLite locations as a plain \
                 path or sqlite://path, and PostgreSQL ones as postgres://user@host/database"
            )));
        }
        if text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
            return Err(StoreError::InvalidUrl(format!(
                "'{text}' names a folder; give the path of the database file, such as {text}tally.db"
            )));
        }
        if text == ":memory:" {
            return Err(StoreError::InvalidUrl(
                "an in-memory SQLite database is private to one connection; use a file path".into(),
            ));
        }
        Ok(DatabaseUrl::Sqlite(text.to_owned()))
    }

    /// The backend's name, for logs and health checks.
    pub fn backend(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }
}

/// Shows the location without any password it may contain.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite://{path}"),
            DatabaseUrl::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

fn redact_password(url: &str) -> String {
    let (url, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(redact_query_password(query))),
        None => (url, None),
    };
    let base = redact_userinfo_password(url);
    match query {
        Some(query) => format!("{base}?{query}"),
        None => base,
    }
}

fn redact_query_password(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if name.eq_ignore_ascii_case("password") => format!("{name}=***"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn redact_userinfo_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            if credentials.contains(':') {
                format!("{scheme}://{user}:***@{host}{path}")
            } else {
                format!("{scheme}://{user}@{host}{path}")
            }
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_sqlite_urls_mean_sqlite() {
        assert_eq!(
            DatabaseUrl::parse("tally.db").unwrap(),
            DatabaseUrl::Sqlite("tally.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/tally.db").unwrap(),
            DatabaseUrl::Sqlite("/var/lib/tally.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/tally.db").unwrap(),
            DatabaseUrl::Sqlite("data/tally.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:x.db").unwrap(),
            DatabaseUrl::Sqlite("x.db".into())
        );
    }

    #[test]
    fn postgres_urls_mean_postgres() {
        for url in ["postgres://127.0.0.1/test", "postgresql://u:p@h:5432/db"] {
            assert_eq!(
                DatabaseUrl::parse(url).unwrap(),
                DatabaseUrl::Postgres(url.into())
            );
        }
    }

    #[test]
    fn other_locations_are_refused_with_a_reason() {
        let cases = [
            (
                "mysql://localhost/db",
                "unsupported database URL scheme 'mysql'",
            ),
            ("", "empty"),
            ("sqlite://", "names no file"),
            ("host=localhost user=me", "keyword=value"),
            (":memory:", "in-memory"),
            ("host=localhost", "neither a file path nor a URL"),
            ("?mode=ro", "neither a file path nor a URL"),
            ("/tmp/data/", "names a folder"),
        ];
        for (url, expected) in cases {
            let message = DatabaseUrl::parse(url).unwrap_err().to_string();
            assert!(message.contains(expected), "{url}: {message}");
        }
    }

    #[test]
    fn passwords_never_show() {
        let url = DatabaseUrl::parse("postgres://tally:s3cret@db.internal:5432/tally").unwrap();
        assert_eq!(
            url.to_string(),
            "postgres://tally:***@db.internal:5432/tally"
        );
        assert!(!format!("{url:?}").contains("s3cret"));
        let url = DatabaseUrl::parse("postgres://127.0.0.1:1/tally?user=x&password=p4ss").unwrap();
        assert_eq!(
            url.to_string(),
            "postgres://127.0.0.1:1/tally?user=x&password=***"
        );
    }
}
