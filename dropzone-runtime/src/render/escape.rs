//! Escaping for the three contexts the renderer writes into: HTML text, inline `<script>`
//! and inline `<style>`. HTML attributes go through maud, which escapes `& < > "`.

use serde::Serialize;
use std::fmt::Write as _;

/// Escapes text that Dropzone.js will insert with `innerHTML`, so it shows literally.
pub(crate) fn html_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// JSON-encodes a value so that it can sit anywhere inside an inline `<script>`.
///
/// serde_json already escapes `"`, `\` and control characters. On top of that `<`, `>` and `&`
/// become `\u003c`, `\u003e` and `\u0026` (so neither `</script`, `<!--` nor `]]>` can appear),
/// and U+2028/U+2029 become `\u2028`/`\u2029` (line terminators for pre-ES2019 engines). These
/// characters can only occur inside JSON strings, where the `\u` forms mean the same thing.
pub(crate) fn script_json<T: Serialize + ?Sized>(value: &T) -> String {
    let json = serde_json::to_string(value).expect("serializing strings and numbers cannot fail");
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

/// Appends `s` as a JSON string literal exactly as [`script_json`] writes one, without
/// going through serde: the per-request values (URLs, CSRF token) are spliced into prebuilt
/// JSON with this on every render.
pub(crate) fn push_script_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let esc = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            '\u{2029}' => "\\u2029",
            c if c < ' ' => {
                out.push_str(&s[start..i]);
                let _ = write!(out, "\\u{:04x}", u32::from(c));
                start = i + c.len_utf8();
                continue;
            }
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(esc);
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Appends `s` escaped for a double-quoted attribute value, as maud escapes one.
pub(crate) fn push_attr(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(esc);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// Keeps raw developer JavaScript (`custom_init`, `custom_options`) from ending the element.
///
/// `</script` (any case) becomes `<\/script` and `<!--` becomes `<\!--`. Inside string,
/// template and regular-expression literals and comments, the places such text can legally
/// occur in JavaScript, both spellings mean the same; anywhere else the code was already broken.
pub(crate) fn raw_script(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.len() >= 8
            && tail.as_bytes()[1] == b'/'
            && tail[2..8].eq_ignore_ascii_case("script")
        {
            out.push_str("<\\/");
            rest = &tail[2..];
        } else if tail.starts_with("<!--") {
            out.push_str("<\\!");
            rest = &tail[2..];
        } else {
            out.push('<');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Writes `c` as a CSS hex escape; the trailing space ends the escape and is consumed by it.
fn css_hex(out: &mut String, c: char) {
    let c = if c == '\0' { '\u{FFFD}' } else { c };
    let _ = write!(out, "\\{:x} ", u32::from(c));
}

/// Escapes an element id as a CSS identifier, for use after `#`.
///
/// ASCII letters, digits, `-`, `_` and every non-ASCII character except controls are kept;
/// everything else, a leading digit and a digit after a leading `-` are hex-escaped, so the
/// selector always matches exactly the element with that id and nothing can leave it.
pub(crate) fn css_ident(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    let mut prev: Option<char> = None;
    for (i, c) in id.chars().enumerate() {
        let keep =
            c.is_ascii_alphanumeric() || c == '-' || c == '_' || (!c.is_ascii() && !c.is_control());
        let bad_digit = c.is_ascii_digit() && (i == 0 || (i == 1 && prev == Some('-')));
        if keep && !bad_digit {
            out.push(c);
        } else {
            css_hex(&mut out, c);
        }
        prev = Some(c);
    }
    if id == "-" {
        return "\\-".to_owned();
    }
    out
}

/// Escapes a list of CSS declarations so it stays inside one rule of one `<style>` element.
///
/// `{ } < > \ " '` and the `/` of `/*` are hex-escaped (`\7b ` …), so no block, string,
/// comment or tag can start; tab, CR, LF and form feed become spaces; other control characters
/// are hex-escaped. `:`, `;`, `!`, `(`, `)` and everything else pass through, so ordinary
/// declarations such as `border: 2px dashed #0087F7; margin: 10%` are unchanged. Quoted
/// strings are therefore not available: write `font-family: Helvetica Neue, sans-serif`.
#[cfg(test)]
pub(crate) fn css_declarations(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    push_css_declarations(&mut out, css);
    out
}

/// Appends `css` escaped as [`css_declarations`] describes.
pub(crate) fn push_css_declarations(out: &mut String, css: &str) {
    let clean = |b: u8| {
        b.is_ascii()
            && !b.is_ascii_control()
            && !matches!(b, b'{' | b'}' | b'<' | b'>' | b'\\' | b'"' | b'\'' | b'/')
    };
    // Ordinary declarations (ASCII, nothing to escape) are copied as they are.
    if css.bytes().all(clean) {
        out.push_str(css);
        return;
    }
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' | '<' | '>' | '\\' | '"' | '\'' => css_hex(out, c),
            '/' if chars.peek() == Some(&'*') => css_hex(out, c),
            '\t' | '\n' | '\r' | '\u{c}' => out.push(' '),
            c if c.is_control() => css_hex(out, c),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_hides_markup() {
        assert_eq!(
            script_json("</script><!--&\u{2028}\u{2029}"),
            r#""\u003c/script\u003e\u003c!--\u0026\u2028\u2029""#
        );
    }

    #[test]
    fn push_script_str_is_script_json() {
        let all: String = (0u32..0x80)
            .chain([0x2028, 0x2029, 0xe9, 0x1f600])
            .filter_map(char::from_u32)
            .collect();
        for s in [
            all.as_str(),
            "",
            "plain",
            "</script><!--&\u{2028}",
            "a\"b\\c",
        ] {
            let mut out = String::new();
            push_script_str(&mut out, s);
            assert_eq!(out, script_json(s), "{s:?}");
        }
    }

    #[test]
    fn push_attr_is_mauds_escaping() {
        for s in ["", "a&b<c>d\"e'f", "/upload?a=1&b=\u{e9}"] {
            let mut out = String::new();
            push_attr(&mut out, s);
            assert_eq!(
                out,
                maud::html! { a title=(s) {} }.into_string()[10..].trim_end_matches("\"></a>"),
                "{s:?}"
            );
        }
    }

    #[test]
    fn raw_script_breaks_closing_tags_only() {
        assert_eq!(
            raw_script("a < b; '</SCRIPT>' <!-- x"),
            "a < b; '<\\/SCRIPT>' <\\!-- x"
        );
        assert_eq!(raw_script("x</scrip"), "x</scrip");
    }

    #[test]
    fn css_escapes() {
        assert_eq!(css_ident("myDropzone"), "myDropzone");
        assert_eq!(css_ident("1a"), "\\31 a");
        assert_eq!(css_ident("-1"), "-\\31 ");
        assert_eq!(css_ident("-"), "\\-");
        assert_eq!(css_ident("a b{"), "a\\20 b\\7b ");
        assert_eq!(css_declarations("width: 500px"), "width: 500px");
        // Past the fast path for plain ASCII: non-ASCII controls are escaped, text is kept.
        assert_eq!(css_declarations("a\u{85}b é"), "a\\85 b é");
        assert_eq!(css_declarations("a/b"), "a/b");
        assert_eq!(
            css_declarations("}</style>/*\"'\\\0"),
            "\\7d \\3c /style\\3e \\2f *\\22 \\27 \\5c \\fffd "
        );
    }

    #[test]
    fn html_text_escapes_five() {
        assert_eq!(
            html_text("<a href='x'>&\"{{filesize}}"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;{{filesize}}"
        );
    }
}
