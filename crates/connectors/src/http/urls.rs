//! Building endpoint URLs and following the next-page links platforms hand out.

use reqwest::Url;
use reqwest::header::{HeaderMap, LINK};

/// `base` with `segments` appended to its path, each percent-encoded as one segment.
///
/// The base may carry a path of its own, such as `https://graph.example/v23.0`, which is
/// kept.
pub(crate) fn endpoint_url(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty();
        path.extend(segments);
    }
    url
}

/// `link` parsed, when it points at the same scheme, host and port as `base`.
///
/// Next-page links come from the response, and the credential goes wherever they point; a
/// link to another host is refused rather than followed.
pub(crate) fn same_origin(base: &Url, link: &str) -> Result<Url, String> {
    let url = base
        .join(link)
        .map_err(|error| format!("the next-page link is not a URL: {error}"))?;
    if url.origin() != base.origin() {
        return Err("the next-page link points to another host".to_owned());
    }
    Ok(url)
}

/// The `rel="next"` target of an RFC 8288 `Link` header, if there is one.
pub(crate) fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|entry| {
            let mut parts = entry.split(';');
            let target = parts.next()?.trim();
            let target = target.strip_prefix('<')?.strip_suffix('>')?;
            let is_next = parts.any(|param| {
                let param = param.trim();
                let Some(value) = param.strip_prefix("rel=") else {
                    return false;
                };
                value
                    .trim_matches('"')
                    .split_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next"))
            });
            is_next.then(|| target.to_owned())
        })
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn segments_are_appended_and_encoded() {
        let base = Url::parse("https://graph.example/v23.0/").unwrap();
        let url = endpoint_url(&base, &["1789", "media"]);
        assert_eq!(url.as_str(), "https://graph.example/v23.0/1789/media");
        let base = Url::parse("http://127.0.0.1:8080").unwrap();
        let url = endpoint_url(&base, &["rest", "a b/c"]);
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/rest/a%20b%2Fc");
    }

    #[test]
    fn links_to_other_hosts_are_refused() {
        let base = Url::parse("https://example.social").unwrap();
        let same = same_origin(&base, "https://example.social/api/v1/x?max_id=1").unwrap();
        assert_eq!(same.query(), Some("max_id=1"));
        assert!(same_origin(&base, "/api/v1/x?max_id=2").is_ok());
        assert!(same_origin(&base, "https://elsewhere.example/steal").is_err());
        assert!(same_origin(&base, "http://example.social/downgrade").is_err());
    }

    #[test]
    fn the_next_relation_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            LINK,
            HeaderValue::from_static(
                "<https://example.social/api/v1/accounts/1/statuses?max_id=90>; rel=\"next\", \
                 <https://example.social/api/v1/accounts/1/statuses?min_id=99>; rel=\"prev\"",
            ),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://example.social/api/v1/accounts/1/statuses?max_id=90")
        );
        headers.insert(
            LINK,
            HeaderValue::from_static("<https://example.social/p?min_id=9>; rel=\"prev\""),
        );
        assert_eq!(next_link(&headers), None);
        assert_eq!(next_link(&HeaderMap::new()), None);
    }
}
