//! "Did you mean" suggestions: strsim's Jaro-Winkler above 0.8, the threshold that turns
//! `max_file_sise` into `max_file_size` and `acton` into `action` without suggesting nonsense.

use crate::table;

const THRESHOLD: f64 = 0.8;

/// The candidate closest to `word`, if it is close enough.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `a`, `b`, `c` as a backquoted list.
pub(crate) fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The message for an unknown option key.
pub(crate) fn unknown_option(key: &str) -> String {
    if let Some(x) = crate::extra::lookup(key) {
        return format!(
            "unknown option `{key}`; it is a Dropzone.js option outside the table: write `extra({key} = {})`",
            x.example
        );
    }
    match closest(key, table::all_spellings()) {
        Some(near) => format!("unknown option `{key}`; did you mean `{near}`?"),
        None => format!(
            "unknown option `{key}`; the options are {}, and `extra(...)` for other Dropzone.js options",
            list(table::OPTIONS.iter().map(|o| o.name))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_a_suggestion() {
        assert_eq!(
            unknown_option("max_file_sise"),
            "unknown option `max_file_sise`; did you mean `max_file_size`?"
        );
        assert_eq!(closest("acton", table::all_spellings()), Some("action"));
        assert_eq!(
            closest("redirect_viw", table::all_spellings()),
            Some("redirect_view")
        );
        assert_eq!(
            closest("max_files_exceeded", table::all_spellings()),
            Some("max_file_exceeded")
        );
    }

    #[test]
    fn far_words_list_every_option() {
        let m = unknown_option("zzz");
        assert!(
            m.starts_with("unknown option `zzz`; the options are `id`, `action`"),
            "{m}"
        );
        assert!(m.contains("`custom_options`"));
    }
}
