//! The message for an unknown option key: another library's name pointed to ours, a
//! Dropzone.js option outside the table pointed to `extra(...)`, a typo given its correction,
//! or else the list.

use dropzone_core::suggest::{closest, list};
use dropzone_core::table::{self, snake_case};

/// The message for an unknown option key.
pub(crate) fn unknown_option(key: &str) -> String {
    if let Some(ours) = table::foreign(key) {
        return format!("unknown option `{key}`: this crate calls it `{ours}`; write `{ours} = …`");
    }
    let snaked = snake_case(key);
    if let Some(x) = dropzone_core::extra::lookup(&snaked) {
        return format!(
            "unknown option `{key}`; it is a Dropzone.js option outside the table: write `extra({} = {})`",
            x.name, x.example
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
    fn other_libraries_names_point_to_ours() {
        assert_eq!(
            unknown_option("url"),
            "unknown option `url`: this crate calls it `action`; write `action = …`"
        );
        assert!(unknown_option("paramName").contains("calls it `input_name`"));
        assert!(unknown_option("DROPZONE_MAX_FILE_SIZE").contains("calls it `max_file_size`"));
        assert!(
            unknown_option("addRemoveLinks").contains("write `extra(add_remove_links = true)`")
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
