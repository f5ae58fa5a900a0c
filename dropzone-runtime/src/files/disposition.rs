//! The `Content-Type` and `Content-Disposition` a stored file is served with.
//!
//! Only raster images a browser can show are answered `inline`; everything else, SVG and HTML
//! among them (they run script when opened), is an `attachment` the browser saves. The name
//! goes out twice (RFC 6266 §4.3): `filename*=UTF-8''…` percent-encoded by RFC 8187's
//! `attr-char` rule, which every current browser reads, and before it a plain `filename="…"`
//! for old clients, reduced to printable ASCII without `"` or `\`, so neither form can end
//! the header parameter early.

use http::HeaderValue;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// RFC 8187 `attr-char`: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" /
/// "_" / "`" / "|" / "~"; every other byte is percent-encoded.
const NOT_ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// Recognised types served `inline`: raster images, which cannot carry script.
const INLINE_TYPES: [&str; 7] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/bmp",
    "image/x-icon",
];

/// The type for the `Content-Type` header: the recognised type when it is a plain
/// `type/subtype` token pair, else `application/octet-stream`.
pub(crate) fn content_type(recognised: &str) -> HeaderValue {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    match recognised.split_once('/') {
        Some((top, sub)) if token(top) && token(sub) => {
            HeaderValue::from_str(&recognised.to_ascii_lowercase())
                .expect("token characters are valid header text")
        }
        _ => HeaderValue::from_static("application/octet-stream"),
    }
}

/// Whether a file of this recognised type is shown in the browser rather than saved.
pub(crate) fn is_inline(recognised: &str) -> bool {
    INLINE_TYPES
        .iter()
        .any(|t| t.eq_ignore_ascii_case(recognised.trim()))
}

/// `inline` or `attachment`, with the file's name in both RFC 6266 forms.
pub(crate) fn content_disposition(recognised: &str, name: &str) -> HeaderValue {
    let kind = if is_inline(recognised) {
        "inline"
    } else {
        "attachment"
    };
    let fallback: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    let encoded = utf8_percent_encode(name, NOT_ATTR_CHAR);
    HeaderValue::from_str(&format!(
        "{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    ))
    .expect("printable ASCII only")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_raster_images_are_inline() {
        for t in ["image/png", "IMAGE/JPEG", "image/gif", "image/webp"] {
            assert!(is_inline(t), "{t}");
        }
        for t in [
            "image/svg+xml",
            "text/html",
            "application/pdf",
            "application/octet-stream",
            "",
        ] {
            assert!(!is_inline(t), "{t}");
        }
    }

    #[test]
    fn the_name_is_encoded_in_both_forms() {
        let value = content_disposition("text/plain", "a b\"c\\d;e=f.txt");
        assert_eq!(
            value.to_str().unwrap(),
            "attachment; filename=\"a b_c_d;e=f.txt\"; filename*=UTF-8''a%20b%22c%5Cd%3Be%3Df.txt"
        );
        let value = content_disposition("image/png", "été\r\n.png");
        assert_eq!(
            value.to_str().unwrap(),
            "inline; filename=\"_t___.png\"; filename*=UTF-8''%C3%A9t%C3%A9%0D%0A.png"
        );
    }

    #[test]
    fn a_strange_recognised_type_becomes_octet_stream() {
        assert_eq!(content_type("image/png"), "image/png");
        assert_eq!(content_type("Text/Plain"), "text/plain");
        for bad in [
            "",
            "text",
            "text/html; charset=x",
            "a/b\r\nX: y",
            "/x",
            "x/",
        ] {
            assert_eq!(content_type(bad), "application/octet-stream", "{bad:?}");
        }
    }
}
