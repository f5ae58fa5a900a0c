//! `allowed_file_type` / `allowed_file_custom`: presets and accept lists, parsed for the macros
//! and matched for the upload extractor, with one reading of the list for both.
//!
//! The rules mirror Dropzone.js's `isValidFile`: the list is split on `,` and trimmed; `.ext`
//! is a case-insensitive suffix of the file name, `type/*` compares the top-level type, any
//! other entry must equal the MIME type. Everything is lowercased here, once, so the page and
//! the server extractor read the same normalized list.

use crate::options::Accept;
use crate::suggest::{closest, list};

/// Flask-Dropzone's presets (`allowed_file_extensions`), exact strings.
pub const PRESETS: &[(&str, &str)] = &[
    (
        "default",
        "image/*, audio/*, video/*, text/*, application/*",
    ),
    ("image", "image/*"),
    ("audio", "audio/*"),
    ("video", "video/*"),
    ("text", "text/*"),
    ("app", "application/*"),
];

/// The IANA top-level media types.
pub const TOP_LEVEL: &[&str] = &[
    "application",
    "audio",
    "font",
    "haptics",
    "image",
    "message",
    "model",
    "multipart",
    "text",
    "video",
];

/// Subtypes people write that no browser sends, with the registered spelling: a zone that
/// lists `image/jpg` would refuse every real JPEG (browsers send `image/jpeg`).
pub const WRONG_SUBTYPES: &[(&str, &str)] = &[
    ("image/jpg", "image/jpeg"),
    ("image/pjpg", "image/jpeg"),
    ("image/svg", "image/svg+xml"),
    ("image/tif", "image/tiff"),
    ("image/ico", "image/x-icon"),
    ("audio/mp3", "audio/mpeg"),
    ("audio/mpeg3", "audio/mpeg"),
    ("audio/m4a", "audio/mp4"),
    ("audio/oga", "audio/ogg"),
    ("video/mkv", "video/x-matroska"),
    ("video/avi", "video/x-msvideo"),
    ("video/mov", "video/quicktime"),
    ("video/mp4v", "video/mp4"),
    ("text/json", "application/json"),
    ("text/md", "text/markdown"),
    ("text/yaml", "application/yaml"),
    ("text/yml", "application/yaml"),
    ("application/js", "text/javascript"),
    ("application/csv", "text/csv"),
    ("application/doc", "application/msword"),
    ("application/xls", "application/vnd.ms-excel"),
    (
        "application/docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "application/xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("application/rar", "application/vnd.rar"),
    ("application/7z", "application/x-7z-compressed"),
];

/// One parsed entry, lowercase (the owned form of [`Accept`], which the macros write out).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// `.ext`, with the dot.
    Extension(String),
    /// `type/*`, without `/*`.
    TopLevel(String),
    /// `type/subtype`.
    MediaType(String),
}

/// What Dropzone.js gets as `acceptedFiles`, and the same list parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The normalized list Dropzone.js gets as `acceptedFiles`.
    pub list: String,
    /// The same list, parsed.
    pub rules: Vec<Rule>,
}

/// Resolves the two options. `value` is `None` when `allowed_file_type` is absent. Every
/// problem is returned, each as a full message about the `allowed_file_type` value.
pub fn parse(custom: bool, value: Option<&str>) -> Result<Accepted, Vec<String>> {
    if custom {
        custom_list(value.unwrap_or("default"))
    } else {
        preset(value.unwrap_or("default")).map_err(|e| vec![e])
    }
}

fn preset(name: &str) -> Result<Accepted, String> {
    if let Some((_, list)) = PRESETS.iter().find(|(n, _)| *n == name) {
        return custom_list(list).map_err(|mut e| e.remove(0));
    }
    if name.contains(['/', '.', ',']) {
        return Err(format!(
            "`{name}` is an accept list, not a preset name: add `allowed_file_custom = true` to use it"
        ));
    }
    let names = PRESETS.iter().map(|(n, _)| *n);
    Err(match closest(name, names.clone()) {
        Some(near) => format!("unknown file-type preset `{name}`; did you mean `{near}`?"),
        None => format!(
            "unknown file-type preset `{name}`; the presets are {} (or set `allowed_file_custom = true` for a list such as `\"image/*, .pdf\"`)",
            list(names)
        ),
    })
}

fn custom_list(value: &str) -> Result<Accepted, Vec<String>> {
    let mut errors = Vec::new();
    let mut rules: Vec<Rule> = Vec::new();
    let mut written: Vec<String> = Vec::new();
    if value.trim().is_empty() {
        // Explicitly "accept every file": Dropzone accepts everything for an empty list.
        return Ok(Accepted {
            list: String::new(),
            rules,
        });
    }
    for (i, raw) in value.split(',').enumerate() {
        let entry = raw.trim().to_ascii_lowercase();
        if entry.is_empty() {
            errors.push(format!(
                "entry {} of the accept list is empty: remove the extra `,`",
                i + 1
            ));
            continue;
        }
        let rule = match entry_rule(&entry) {
            Ok(rule) => rule,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if rules.contains(&rule) {
            errors.push(format!(
                "`{}` is listed twice (case does not matter): remove one",
                raw.trim()
            ));
            continue;
        }
        rules.push(rule);
        written.push(entry);
    }
    if errors.is_empty() {
        Ok(Accepted {
            list: written.join(", "),
            rules,
        })
    } else {
        Err(errors)
    }
}

fn entry_rule(entry: &str) -> Result<Rule, String> {
    if let Some(ext) = entry.strip_prefix('.') {
        let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-');
        if ext
            .split('.')
            .all(|seg| !seg.is_empty() && seg.chars().all(ok_char))
        {
            return Ok(Rule::Extension(entry.to_owned()));
        }
        return Err(format!(
            "`{entry}` is not a file extension: write a dot and letters, digits, `_`, `+` or `-`, such as `.pdf` or `.tar.gz`"
        ));
    }
    if let Some((top, sub)) = entry.split_once('/') {
        if !TOP_LEVEL.contains(&top) {
            let hint = match closest(top, TOP_LEVEL.iter().copied()) {
                Some(near) => format!("did you mean `{near}/{sub}`?"),
                None if top == "*" => {
                    "to accept every file, use `allowed_file_type = \"\"`".to_owned()
                }
                None => format!(
                    "the top-level types are {}",
                    list(TOP_LEVEL.iter().copied())
                ),
            };
            return Err(format!(
                "`{entry}`: `{top}` is not a media top-level type; {hint}"
            ));
        }
        if sub == "*" {
            return Ok(Rule::TopLevel(top.to_owned()));
        }
        if let Some((_, right)) = WRONG_SUBTYPES.iter().find(|(wrong, _)| *wrong == entry) {
            return Err(format!(
                "`{entry}` is not a registered media type, so browsers never send it: write `{right}`"
            ));
        }
        if is_restricted_name(sub) {
            return Ok(Rule::MediaType(entry.to_owned()));
        }
        return Err(format!(
            "`{entry}`: `{sub}` is not a media subtype (RFC 6838: a letter or digit, then letters, digits or `!#$&-^_.+`); write `{top}/*` for any `{top}` file"
        ));
    }
    if let Some((_, list)) = PRESETS.iter().find(|(n, _)| *n == entry) {
        return Err(format!(
            "`{entry}` is a preset name, but `allowed_file_custom = true` reads a list: write `\"{list}\"`, or drop `allowed_file_custom`"
        ));
    }
    Err(format!(
        "`{entry}` is neither a file extension (`.{entry}`) nor a media type (`type/subtype` or `type/*`)"
    ))
}

/// RFC 6838 `restricted-name`: 1 to 127 chars, starting with a letter or digit.
fn is_restricted_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.len() <= 127
        && chars.all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
}

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
pub fn is_valid_file(rules: &[Accept], file_name: &str, content_type: &str) -> bool {
    if rules.is_empty() {
        return true;
    }
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    rules
        .iter()
        .any(|rule| rule_matches(rule, file_name, &media_type))
}

/// Whether one rule matches a file name and a media type already reduced to its lowercase
/// essence (no parameters): the one definition of what each kind of rule means, used by
/// [`is_valid_file`] and by the runtime's content sniffing.
pub fn rule_matches(rule: &Accept, file_name: &str, media_type: &str) -> bool {
    match *rule {
        Accept::Extension(ext) => file_name.to_lowercase().ends_with(&ext.to_lowercase()),
        Accept::TopLevel(top) => media_type
            .split('/')
            .next()
            .unwrap_or("")
            .eq_ignore_ascii_case(top),
        Accept::MediaType(full) => media_type.eq_ignore_ascii_case(full),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(custom: bool, v: &str) -> Accepted {
        parse(custom, Some(v)).unwrap()
    }
    fn err(custom: bool, v: &str) -> Vec<String> {
        parse(custom, Some(v)).unwrap_err()
    }

    #[test]
    fn presets() {
        let d = parse(false, None).unwrap();
        assert_eq!(d.list, "image/*, audio/*, video/*, text/*, application/*");
        assert_eq!(d.rules.len(), 5);
        assert_eq!(
            ok(false, "app").rules,
            [Rule::TopLevel("application".into())]
        );
        assert_eq!(
            err(false, "imag"),
            ["unknown file-type preset `imag`; did you mean `image`?"]
        );
        assert!(err(false, "zzz")[0].contains("the presets are `default`, `image`"));
        assert!(err(false, "image/*")[0].contains("add `allowed_file_custom = true`"));
        assert!(err(false, ".pdf")[0].contains("add `allowed_file_custom = true`"));
    }

    #[test]
    fn custom_lists() {
        let a = ok(true, "Image/*, .PDF,  .tar.gz ,application/vnd.ms-excel");
        assert_eq!(a.list, "image/*, .pdf, .tar.gz, application/vnd.ms-excel");
        assert_eq!(
            a.rules,
            [
                Rule::TopLevel("image".into()),
                Rule::Extension(".pdf".into()),
                Rule::Extension(".tar.gz".into()),
                Rule::MediaType("application/vnd.ms-excel".into()),
            ]
        );
        assert_eq!(
            ok(true, ""),
            Accepted {
                list: String::new(),
                rules: vec![]
            }
        );
        assert_eq!(ok(true, ".c++").rules, [Rule::Extension(".c++".into())]);
    }

    #[test]
    fn custom_list_errors() {
        assert!(err(true, "image/png,,.pdf")[0].contains("entry 2 of the accept list is empty"));
        assert!(err(true, ".pdf,")[0].contains("entry 2"));
        assert_eq!(
            err(true, ".pdf, .PDF"),
            ["`.PDF` is listed twice (case does not matter): remove one"]
        );
        assert!(err(true, "imgae/*")[0].contains("did you mean `image/*`?"));
        assert!(err(true, "*/*")[0].contains("allowed_file_type = \"\""));
        assert!(err(true, ".p df")[0].contains("is not a file extension"));
        assert!(err(true, ".")[0].contains("is not a file extension"));
        assert!(err(true, "..gz")[0].contains("is not a file extension"));
        assert!(err(true, "image/p ng")[0].contains("is not a media subtype"));
        assert!(err(true, "image")[0].contains("write `\"image/*\"`"));
        assert!(err(true, "default")[0].contains("application/*"));
        assert!(err(true, "pdf")[0].contains("`.pdf`"));
        assert_eq!(err(true, "imgae/*, .p df,,").len(), 4);
        assert!(err(true, "image/jpg")[0].ends_with("write `image/jpeg`"));
        assert!(err(true, "Audio/MP3")[0].ends_with("write `audio/mpeg`"));
        assert_eq!(ok(true, "image/jpeg").rules.len(), 1);
    }
}

#[cfg(test)]
mod match_tests {
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
