//! What a GET or HEAD of a stored file answers: 304, 200, 206 or 416, from the request's
//! `If-None-Match`, `If-Range` and `Range` and the file's size and strong ETag.
//!
//! Pure header logic, so every rule is tested without a backend. Range syntax and validation
//! are `http-range-header`'s, the crate tower-http's `ServeDir` uses; the choices around it
//! follow `ServeDir` too: one range only (several are answered 416, as `ServeDir` does unless
//! told to ignore them), and an unparsable or unsatisfiable range is 416 with
//! `Content-Range: bytes */<size>`. `ServeDir` has no ETag; the rules for it are RFC 9110's:
//! `If-None-Match` compares weakly and wins over everything else (§13.2.2), `If-Range`
//! compares strongly and, when it does not match or is a date (we keep no modification
//! time a client could have), the `Range` is ignored and the whole file sent.

use http::HeaderMap;
use http::header::{IF_NONE_MATCH, IF_RANGE, RANGE};
use std::ops::Range;

/// What to answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// 304: the client's copy is current.
    NotModified,
    /// 200 with the whole file.
    Full,
    /// 206 with these bytes (never empty).
    Partial(Range<u64>),
    /// 416: the range cannot be served from a file of this size.
    Unsatisfiable,
}

/// The strong ETag of a file with this sha256 (hex): the content's own hash, so two
/// instances, or a restart, give the same tag for the same bytes. Only hex digits are kept,
/// so damaged metadata can never put a quote or a line break in the header.
pub(crate) fn etag(sha256: &str) -> String {
    let hex: String = sha256.chars().filter(char::is_ascii_hexdigit).collect();
    format!("\"{hex}\"")
}

/// The answer to a request with `headers` for a file of `size` bytes whose ETag is `etag`.
pub(crate) fn decide(headers: &HeaderMap, size: u64, etag: &str) -> Decision {
    if if_none_match_hits(headers, etag.as_bytes()) {
        return Decision::NotModified;
    }
    let Some(range) = headers.get(RANGE) else {
        return Decision::Full;
    };
    if let Some(if_range) = headers.get(IF_RANGE) {
        let current = if_range
            .to_str()
            .is_ok_and(|tag| is_entity_tag(tag.trim()) && strong_eq(tag.trim(), etag));
        if !current {
            return Decision::Full;
        }
    }
    let Ok(range) = range.to_str() else {
        return Decision::Unsatisfiable;
    };
    let Ok(parsed) = http_range_header::parse_range_header(range) else {
        return Decision::Unsatisfiable;
    };
    if parsed.ranges.len() != 1 {
        return Decision::Unsatisfiable;
    }
    match parsed.validate(size).map(|mut ranges| ranges.pop()) {
        // The crate lets `bytes=0-0` through for an empty file; no byte of it exists.
        Ok(Some(r)) if *r.end() < size => Decision::Partial(*r.start()..r.end() + 1),
        _ => Decision::Unsatisfiable,
    }
}

/// `If-None-Match` as RFC 9110 §13.1.2 reads it: `*`, or a list of entity tags compared weakly
/// (so `W/"…"` matches the strong tag it names). Every header line counts; an unreadable one
/// matches nothing, so the client gets the content. Also the embedded assets' rule
/// (`assets::serve`).
pub(crate) fn if_none_match_hits(request: &HeaderMap, etag: &[u8]) -> bool {
    request
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag).as_bytes() == etag)
}

/// `"…"` or `W/"…"`; anything else (a date in `If-Range`) is not an entity tag.
fn is_entity_tag(tag: &str) -> bool {
    let opaque = tag.strip_prefix("W/").unwrap_or(tag);
    opaque.len() >= 2 && opaque.starts_with('"') && opaque.ends_with('"')
}

/// RFC 9110 §8.8.3.2's strong comparison (what `If-Range` needs): both tags strong and equal.
fn strong_eq(theirs: &str, ours: &str) -> bool {
    !theirs.starts_with("W/") && theirs == ours
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const TAG: &str = "\"abc\"";

    fn with(pairs: &[(http::HeaderName, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn decide_with(pairs: &[(http::HeaderName, &str)]) -> Decision {
        decide(&with(pairs), 10, TAG)
    }

    #[test]
    fn no_condition_is_the_whole_file() {
        assert_eq!(decide_with(&[]), Decision::Full);
    }

    #[test]
    fn if_none_match_compares_weakly_and_wins_over_range() {
        for list in [TAG, "W/\"abc\"", "\"x\", \"abc\"", "*"] {
            assert_eq!(
                decide_with(&[(IF_NONE_MATCH, list), (RANGE, "bytes=0-1")]),
                Decision::NotModified,
                "{list}"
            );
        }
        assert_eq!(decide_with(&[(IF_NONE_MATCH, "\"abd\"")]), Decision::Full);
        assert_eq!(decide_with(&[(IF_NONE_MATCH, "abc")]), Decision::Full);
        // Every header line counts.
        assert_eq!(
            decide_with(&[(IF_NONE_MATCH, "\"x\""), (IF_NONE_MATCH, TAG)]),
            Decision::NotModified
        );
    }

    #[test]
    fn one_range_is_partial_and_suffix_and_open_ranges_work() {
        assert_eq!(
            decide_with(&[(RANGE, "bytes=2-4")]),
            Decision::Partial(2..5)
        );
        assert_eq!(
            decide_with(&[(RANGE, "bytes=7-")]),
            Decision::Partial(7..10)
        );
        assert_eq!(
            decide_with(&[(RANGE, "bytes=-3")]),
            Decision::Partial(7..10)
        );
        // An end past the file is cut to it (RFC 9110 §14.1.2).
        assert_eq!(
            decide_with(&[(RANGE, "bytes=8-99")]),
            Decision::Partial(8..10)
        );
    }

    #[test]
    fn bad_several_or_out_of_file_ranges_are_unsatisfiable() {
        for range in [
            "bytes=10-",
            "bytes=5-2",
            "bytes=0-1,3-4",
            "items=0-1",
            "bytes=x",
        ] {
            assert_eq!(
                decide_with(&[(RANGE, range)]),
                Decision::Unsatisfiable,
                "{range}"
            );
        }
        assert_eq!(
            decide(&with(&[(RANGE, "bytes=0-0")]), 0, TAG),
            Decision::Unsatisfiable
        );
    }

    #[test]
    fn if_range_needs_a_strong_match_or_the_whole_file_is_sent() {
        assert_eq!(
            decide_with(&[(IF_RANGE, TAG), (RANGE, "bytes=2-4")]),
            Decision::Partial(2..5)
        );
        for other in ["\"old\"", "W/\"abc\"", "Wed, 21 Oct 2015 07:28:00 GMT"] {
            assert_eq!(
                decide_with(&[(IF_RANGE, other), (RANGE, "bytes=2-4")]),
                Decision::Full,
                "{other}"
            );
        }
        // If-Range without Range changes nothing.
        assert_eq!(decide_with(&[(IF_RANGE, "\"old\"")]), Decision::Full);
    }

    #[test]
    fn the_etag_is_the_quoted_hash() {
        assert_eq!(etag("00ff"), "\"00ff\"");
        assert_eq!(etag("00\"\r\nff"), "\"00ff\"");
    }
}
