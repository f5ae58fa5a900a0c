//! File names: Werkzeug's `secure_filename`, and the extension a stored file keeps.

use crate::files::name::{MAX_EXTENSION_LEN, is_extension};
use unicode_normalization::UnicodeNormalization;

/// The longest name [`secure_filename`] returns, in bytes (every byte is ASCII).
pub const MAX_NAME_LEN: usize = 255;

/// Names Windows reserves in every folder; Werkzeug prefixes `_` to them.
const WINDOWS_DEVICE_NAMES: [&str; 24] = [
    "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
    "COM8", "COM9", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Makes a client-sent file name safe to show or to keep as metadata: Werkzeug's
/// `secure_filename`, ported.
///
/// The result is ASCII, only `[A-Za-z0-9_.-]`, never starts or ends with `.` or `_` (so it is
/// never `.` or `..`), never a bare Windows device name, and at most 255 bytes. It may be empty
/// (for example for `"файл"` alone). [`Upload`](super::Upload) never uses it as a path: files
/// are stored under random names.
///
/// # Example
///
/// ```
/// use dropzone_runtime::upload::secure_filename;
///
/// assert_eq!(secure_filename("My cool movie.mov"), "My_cool_movie.mov");
/// assert_eq!(secure_filename("../../etc/passwd"), "etc_passwd");
/// assert_eq!(secure_filename("i contain cool ümläuts.txt"), "i_contain_cool_umlauts.txt");
/// assert_eq!(secure_filename("CON.txt"), "_CON.txt");
/// ```
///
/// # Steps
///
/// 1. NFKD-normalise and drop every non-ASCII character (`ü` → `u`).
/// 2. Replace `/` and `\` with spaces.
/// 3. Split on whitespace runs (Python's `str.split()`, which also splits on `\x1c`–`\x1f`)
///    and join with `_`.
/// 4. Delete every character outside `[A-Za-z0-9_.-]`.
/// 5. Trim `.` and `_` from both ends.
/// 6. Prefix `_` when the part before the first `.` is a Windows device name (`CON`, `NUL`,
///    `COM1`, …), as Werkzeug does on Windows — here on every platform, since files move.
/// 7. Cut to 255 bytes, keeping a short extension (this step is not Werkzeug's).
pub fn secure_filename(name: &str) -> String {
    let ascii: String = name
        .nfkd()
        .filter(char::is_ascii)
        .map(|c| if c == '/' || c == '\\' { ' ' } else { c })
        .collect();
    let joined = ascii
        .split(is_python_whitespace)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    let kept: String = joined
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        .collect();
    let mut out = kept.trim_matches(|c| c == '.' || c == '_').to_owned();
    if !out.is_empty() {
        let stem = out.split('.').next().unwrap_or("");
        if WINDOWS_DEVICE_NAMES
            .iter()
            .any(|d| d.eq_ignore_ascii_case(stem))
        {
            out.insert(0, '_');
        }
    }
    truncate_keeping_extension(out)
}

/// Python's `str.isspace` restricted to ASCII, which is all that is left after step 1.
fn is_python_whitespace(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r' | '\x1c'..='\x1f'
    )
}

fn truncate_keeping_extension(name: String) -> String {
    if name.len() <= MAX_NAME_LEN {
        return name;
    }
    // Every byte is ASCII here, so any byte index is a char boundary.
    let ext = match name.rfind('.') {
        Some(dot) if name.len() - dot <= MAX_EXTENSION_LEN + 1 => &name[dot..],
        _ => "",
    };
    let stem = &name[..MAX_NAME_LEN - ext.len()];
    format!("{stem}{ext}")
}

/// The extension a name ends with (the content check in `sniff.rs` decides whether a stored
/// file keeps it): from the last path component, the
/// part after the last `.` (as Python's `os.path.splitext`, so `.bashrc` has none), lowercased,
/// kept only if it is 1 to 16 characters of `[a-z0-9]`.
pub(crate) fn stored_extension(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem_start = base.len() - base.trim_start_matches('.').len();
    let dot = base[stem_start..].rfind('.')? + stem_start;
    let ext = base[dot + 1..].to_ascii_lowercase();
    is_extension(&ext).then_some(ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inputs and Werkzeug 3.1.8 outputs of ecosystem.md §8.1, plus Werkzeug's own
    /// docstring and test cases.
    #[test]
    fn matches_werkzeug() {
        let cases = [
            ("../../etc/passwd", "etc_passwd"),
            ("My cool movie.mov", "My_cool_movie.mov"),
            ("i contain cool ümläuts.txt", "i_contain_cool_umlauts.txt"),
            (" .hidden", "hidden"),
            ("файл.png", "png"),
            ("a/b\\c.png", "a_b_c.png"),
            ("foo/bar/baz.txt", "foo_bar_baz.txt"),
            ("__filename__", "filename"),
            ("foo$&^*)bar", "foobar"),
            ("", ""),
            ("...", ""),
            ("CON", "_CON"),
            ("con.tar.gz", "_con.tar.gz"),
            ("CONSOLE.txt", "CONSOLE.txt"),
            ("lpt1.log", "_lpt1.log"),
            ("a\x00b.png", "ab.png"),
            ("a\tb\r\nc", "a_b_c"),
            ("a\x1cb", "a_b"),
            ("ﬁle.png", "file.png"),
        ];
        for (input, want) in cases {
            assert_eq!(secure_filename(input), want, "input {input:?}");
        }
    }

    /// ecosystem.md §8.1 lists `a_bc.png` for `a/b\c.png` because Werkzeug on Linux only
    /// replaces `os.sep`; this port replaces both separators, as on Windows, so the backslash
    /// becomes `_` too. Either way nothing can act as a path separator.
    #[test]
    fn backslash_is_a_separator_on_every_platform() {
        assert_eq!(secure_filename("a\\b"), "a_b");
    }

    #[test]
    fn long_names_are_cut_to_255_bytes_keeping_the_extension() {
        let long = format!("{}.png", "a".repeat(1000));
        let s = secure_filename(&long);
        assert_eq!(s.len(), 255);
        assert!(s.ends_with(".png"));
        let no_ext = "b".repeat(300);
        assert_eq!(secure_filename(&no_ext).len(), 255);
    }

    #[test]
    fn extensions() {
        assert_eq!(stored_extension("photo.PNG").as_deref(), Some("png"));
        assert_eq!(stored_extension("a.tar.gz").as_deref(), Some("gz"));
        assert_eq!(stored_extension("../x/../y.Jpeg").as_deref(), Some("jpeg"));
        assert_eq!(stored_extension("dir.d\\noext"), None);
        assert_eq!(stored_extension(".bashrc"), None);
        assert_eq!(stored_extension("..png"), None);
        assert_eq!(stored_extension("x."), None);
        assert_eq!(stored_extension("x.p_g"), None);
        assert_eq!(stored_extension("x.pñg"), None);
        assert_eq!(stored_extension("x.abcdefghijklmnopq"), None);
        assert_eq!(
            stored_extension("x.abcdefghijklmnop").as_deref(),
            Some("abcdefghijklmnop")
        );
        assert_eq!(stored_extension("x.png\0"), None);
    }
}
