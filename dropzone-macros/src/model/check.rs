//! Single-option checks of string values: URLs, HTML ids, field names, versions, message
//! placeholders and raw JavaScript. Each returns the full error message, or `None` if fine.

use dropzone_core::suggest;
use dropzone_core::table::{self, Kind, OptionDef};

/// The check of a string option's value, by its kind.
pub(crate) fn string(def: &OptionDef, s: &str) -> Option<String> {
    match def.kind {
        Kind::Url if s.trim().is_empty() => Some(format!(
            "`{}` must not be empty; write a URL such as `{}`",
            def.name, def.example
        )),
        Kind::HtmlId => html_id(def.name, s),
        Kind::InputName => input_name(s),
        Kind::Version => dropzone_core::version::parse(s).err(),
        Kind::Message(allowed) => placeholders(def.name, s, allowed),
        Kind::RawJs => raw_js(def.name, s),
        _ => None,
    }
}

fn html_id(name: &str, s: &str) -> Option<String> {
    if s.is_empty() {
        Some(format!(
            "`{name}` must be a non-empty HTML id such as `\"avatars\"`"
        ))
    } else if s.contains(|c: char| c.is_ascii_whitespace()) {
        Some(format!(
            "`{name}` must be a valid HTML id, without whitespace: write `\"{}\"`",
            s.split_ascii_whitespace().collect::<Vec<_>>().join("-")
        ))
    } else {
        None
    }
}

fn input_name(s: &str) -> Option<String> {
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if !s.is_empty() && s.chars().all(ok) {
        return None;
    }
    let fixed: String = s.chars().filter(|c| ok(*c)).collect();
    let fixed = if fixed.is_empty() {
        "file".to_owned()
    } else {
        fixed
    };
    Some(format!(
        "`input_name` may use only letters, digits, `_`, `-` and `.` (Dropzone adds `[0]`, `[1]`, … itself with `upload_multiple`): write `\"{fixed}\"`"
    ))
}

fn placeholders(name: &str, s: &str, allowed: &[&str]) -> Option<String> {
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let word = &after[..end];
        rest = &after[end + 2..];
        if word.is_empty()
            || !word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            || allowed.contains(&word)
        {
            continue;
        }
        let near = suggest::closest(word, allowed.iter().copied());
        let elsewhere = table::OPTIONS
            .iter()
            .find(|o| matches!(o.kind, Kind::Message(p) if p.contains(&word)));
        let mut msg = format!("`{{{{{word}}}}}` is not a placeholder of `{name}`");
        match (near, elsewhere) {
            (Some(near), _) => msg.push_str(&format!("; did you mean `{{{{{near}}}}}`?")),
            (None, Some(other)) => msg.push_str(&format!(
                "; Dropzone fills it only in `{}`{}",
                other.name,
                if allowed.is_empty() {
                    String::new()
                } else {
                    format!(", here use {}", braces(allowed))
                }
            )),
            (None, None) if allowed.is_empty() => {
                msg.push_str("; this message has no placeholders")
            }
            (None, None) => msg.push_str(&format!("; use {}", braces(allowed))),
        }
        return Some(msg);
    }
    None
}

fn braces(allowed: &[&str]) -> String {
    allowed
        .iter()
        .map(|p| format!("`{{{{{p}}}}}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

fn raw_js(name: &str, s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    ["</script", "<!--", "<script"].iter().find(|bad| lower.contains(*bad)).map(|bad| {
        format!(
            "`{name}` must not contain `{bad}`: it could end or confuse the page's `<script>` element; load extra scripts with your own `<script src>` tag"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_checks() {
        assert_eq!(
            placeholders(
                "file_too_big",
                "{{filesize}} {{maxFilesize}}",
                &["filesize", "maxFilesize"]
            ),
            None
        );
        assert_eq!(
            placeholders("file_too_big", "{{fileSize}}", &["filesize", "maxFilesize"]).unwrap(),
            "`{{fileSize}}` is not a placeholder of `file_too_big`; did you mean `{{filesize}}`?"
        );
        assert_eq!(
            placeholders("default_message", "x {{statusCode}}", &[]).unwrap(),
            "`{{statusCode}}` is not a placeholder of `default_message`; Dropzone fills it only in `server_error`"
        );
        assert!(
            placeholders("default_message", "{{nope}}", &[])
                .unwrap()
                .ends_with("this message has no placeholders")
        );
        assert_eq!(placeholders("default_message", "a {{ b", &[]), None);
    }

    #[test]
    fn raw_js() {
        assert!(super::raw_js("custom_init", "x</SCRIPT>").is_some());
        assert!(super::raw_js("custom_init", "<!-- x").is_some());
        assert!(super::raw_js("custom_init", "a < b && c > d").is_none());
    }
}
