//! Dropzone.js's `isValidFile`, on the server.

use super::media::{essence, top_level};
use crate::options::Accept;

/// Whether a file passes the zone's accepted-files rules, exactly as Dropzone.js's
/// `isValidFile(file, acceptedFiles)` decides in the browser:
///
/// - no rules: every file;
/// - [`Accept::Extension`] (`.png`): the file name ends with it, ignoring case;
/// - [`Accept::TopLevel`] (`image/*`): the part's media type before `/` equals it;
/// - [`Accept::MediaType`] (`image/png`): the part's media type equals it.
///
/// `content_type` is the part's `Content-Type` as sent; parameters (`; charset=…`) are ignored
/// and case does not matter (the macros store rules lowercase). A missing one is `""`, as the
/// browser's `File.type` is for unknown types, and matches no media-type rule.
pub(crate) fn is_valid_file(rules: &[Accept], file_name: &str, content_type: &str) -> bool {
    if rules.is_empty() {
        return true;
    }
    let media_type = essence(content_type);
    rules
        .iter()
        .any(|rule| rule_matches(rule, file_name, &media_type))
}

/// Whether one rule matches a file name and a media type already through
/// [`essence`]: the one definition of what each kind of rule means.
pub(crate) fn rule_matches(rule: &Accept, file_name: &str, media_type: &str) -> bool {
    match *rule {
        Accept::Extension(ext) => file_name.to_lowercase().ends_with(&ext.to_lowercase()),
        Accept::TopLevel(top) => top_level(media_type).eq_ignore_ascii_case(top),
        Accept::MediaType(full) => media_type.eq_ignore_ascii_case(full),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_rules_accept_everything() {
        assert!(is_valid_file(&[], "x.exe", ""));
    }

    #[test]
    fn extension_is_a_case_insensitive_suffix_of_the_name() {
        let rules = [Accept::Extension(".png")];
        assert!(is_valid_file(&rules, "A.PNG", "application/octet-stream"));
        assert!(is_valid_file(&rules, "a.tar.png", ""));
        assert!(!is_valid_file(&rules, "a.png.exe", "image/png"));
        assert!(!is_valid_file(&rules, "apng", "image/png"));
    }

    #[test]
    fn top_level_matches_the_type_before_the_slash() {
        let rules = [Accept::TopLevel("image")];
        assert!(is_valid_file(&rules, "x.bin", "image/png"));
        assert!(is_valid_file(
            &rules,
            "x.bin",
            "Image/SVG+XML; charset=utf-8"
        ));
        assert!(!is_valid_file(&rules, "x.png", "text/plain"));
        assert!(!is_valid_file(&rules, "x.png", ""));
        assert!(!is_valid_file(&rules, "x.png", "imagex/png"));
    }

    #[test]
    fn media_type_must_match_exactly() {
        let rules = [
            Accept::MediaType("application/pdf"),
            Accept::Extension(".txt"),
        ];
        assert!(is_valid_file(&rules, "x", "application/pdf"));
        assert!(!is_valid_file(&rules, "x.pdf", "application/pdfx"));
        assert!(is_valid_file(&rules, "notes.TXT", "application/zip"));
    }
}
