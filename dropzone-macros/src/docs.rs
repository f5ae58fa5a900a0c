//! The options reference (`dropzone-runtime/docs/options.md`) and the README table, generated
//! from the option table. The test fails when the committed files differ; run it with
//! `DROPZONE_BLESS=1` to rewrite them.

use crate::extra;
use dropzone_core::accept::PRESETS;
use dropzone_core::extra::EXTRAS;
use dropzone_core::table::{Default, Kind, OPTIONS, OptionDef};
use std::fmt::Write as _;

const START: &str = "<!-- options:start -->";
const END: &str = "<!-- options:end -->";

fn default_text(o: &OptionDef) -> String {
    match o.default {
        Default::Str(s) => format!("`\"{s}\"`"),
        Default::Bool(b) => format!("`{b}`"),
        Default::Int(n) => format!("`{n}`"),
        Default::Num(n) => format!("`{n}`"),
        Default::Absent("") => "none".to_owned(),
        Default::Absent(why) => format!("none ({why})"),
    }
}

fn type_text(o: &OptionDef) -> String {
    let mut t = match o.kind {
        Kind::Bool => "bool",
        Kind::Int { .. } => "integer",
        Kind::Size { .. } => "number",
        _ => "string",
    }
    .to_owned();
    match o.kind {
        Kind::Int { min, max, .. } => write!(t, " {min} to {max}"),
        Kind::Size { max } => write!(t, " > 0, at most {max}"),
        _ => Ok(()),
    }
    .expect("writing to a String");
    t
}

fn names(o: &OptionDef) -> String {
    let mut n = format!("`{}`", o.name);
    for a in o.aliases {
        write!(n, " (alias `{a}`)").expect("writing to a String");
    }
    n
}

/// `docs/options.md`.
pub(crate) fn reference() -> String {
    let mut out = String::from(
        "# Options reference\n\n\
         <!-- Generated from dropzone-core/src/table.rs by the `docs` unit test; do not edit. -->\n\n\
         Every option of `#[derive(DropzoneConfig)]` (in `#[dropzone(key = value, ...)]`) and of\n\
         `dropzone!(key = value, ...)`. Values must be literals; every one is checked while\n\
         compiling. *Server rule* options are also enforced by the zone's upload extractor, so\n\
         `dropzone!(Zone, ...)` cannot override them.\n\n\
         | Key | Type | Default | Dropzone.js | Server rule | Description |\n\
         |---|---|---|---|---|---|\n",
    );
    for o in OPTIONS {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            names(o),
            type_text(o),
            default_text(o).replace('|', "\\|"),
            o.js,
            if o.server_rule { "yes" } else { "no" },
            o.doc.replace('|', "\\|"),
        )
        .expect("writing to a String");
    }
    out.push_str(
        "\n## File-type presets\n\n| `allowed_file_type` | `acceptedFiles` |\n|---|---|\n",
    );
    for (name, list) in PRESETS {
        writeln!(out, "| `{name}` | `{list}` |").expect("writing to a String");
    }
    out.push_str(
        "\nWith `allowed_file_custom = true`, `allowed_file_type` is a comma-separated list of\n\
         `.ext`, `type/*` and `type/subtype` entries (lowercased), and `\"\"` accepts every file.\n\n\
         ## Rules between options\n\n\
         - `in_form` needs `upload_on_click = true` and `upload_action`, and takes no `action` or\n  `redirect_url`.\n\
         - `upload_action` is only for `in_form`; every other zone needs `action`.\n\
         - `js_url` and `css_url` go together and conflict with `serve_local = true`.\n\
         - `serve_local = true` needs `version` 5.9.3 or 6.3.5 (a zone with another `version` and no `serve_local` loads from jsDelivr).\n\
         - `force_chunking`, `chunk_size`, `parallel_chunk_uploads`, `retry_chunks` and\n  `retry_chunks_limit` need `chunking = true`; `retry_chunks_limit` needs `retry_chunks = true`.\n\
         - `chunking` conflicts with `upload_multiple` (Dropzone.js throws \"You cannot set both\").\n\
         - `chunk_size` (default 2097152) must be at most `max_file_size` in bytes: each chunk is one\n  request, and the zone's body limit follows `max_file_size`.\n\
         - `chunking` needs `version` 5.2 or later.\n\
         - `strict_csp` conflicts with `custom_init` and `custom_options`.\n\
         - An `extra(...)` option newer than `version` is an error (see the table below).\n",
    );
    out.push_str(&extras_reference());
    out
}

/// The `extra(...)` section of `docs/options.md`.
fn extras_reference() -> String {
    let mut out = String::from(
        "\n## Extra Dropzone.js options: `extra(...)`\n\n\
         Dropzone.js options outside the table above go in `extra(...)`, in `#[dropzone(...)]` or\n\
         `dropzone!(...)`, with snake_case keys (several `extra(...)` lists of one zone add up):\n\n\
         ```rust,ignore\n\
         #[dropzone(extra(add_remove_links = true, thumbnail_width = 200, clickable = \".btn\"))]\n\
         ```\n\n\
         Each value is checked against its Dropzone.js type and JSON-encoded while compiling; write\n\
         `null` where the type allows it. `dropzone!(Zone, extra(...))` **replaces** the zone's\n\
         whole `extra` list (an empty `extra()` clears it): repeat the entries you want to keep.\n\
         Names the table covers (`max_files`, `url` → `action`, …) and options that would break the\n\
         page or the server contract (`params`, `headers`, `binary_body`, `init`, functions and\n\
         event handlers) are compile errors that say what to use instead.\n\n\
         | Key | Dropzone.js | Type | Dropzone.js default | Since | Description |\n\
         |---|---|---|---|---|---|\n",
    );
    for d in EXTRAS {
        let since = match d.since {
            (5, 0) => "5.x".to_owned(),
            (major, minor) => format!("{major}.{minor}"),
        };
        writeln!(
            out,
            "| `{}` | `{}` | {} | `{}` | {} | {} |",
            d.name,
            d.js,
            extra::expects(d),
            d.default,
            since,
            d.doc.replace('|', "\\|"),
        )
        .expect("writing to a String");
    }
    out
}

/// The README section between the markers.
pub(crate) fn readme_table() -> String {
    let mut out = String::from("| Key | Type | Default |\n|---|---|---|\n");
    for o in OPTIONS {
        writeln!(
            out,
            "| {} | {} | {} |",
            names(o),
            type_text(o),
            default_text(o).replace('|', "\\|")
        )
        .expect("writing to a String");
    }
    out.push_str("| `extra(...)` | Dropzone.js options outside this table, see the options reference | none |\n");
    out
}

/// `readme` with the section between the markers replaced by `table`.
pub(crate) fn splice(readme: &str, table: &str) -> String {
    let start = readme
        .find(START)
        .expect("README has the options:start marker")
        + START.len();
    let end = readme.find(END).expect("README has the options:end marker");
    format!("{}\n{table}{}", &readme[..start], &readme[end..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn committed_docs_match_the_table() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let reference_path = root.join("dropzone-runtime/docs/options.md");
        let readme_path = root.join("README.md");
        let readme = std::fs::read_to_string(&readme_path).expect("README.md");
        let want_readme = splice(&readme, &readme_table());
        let want_reference = reference();
        if std::env::var_os("DROPZONE_BLESS").is_some() {
            std::fs::write(&reference_path, &want_reference).expect("write options.md");
            std::fs::write(&readme_path, &want_readme).expect("write README.md");
            return;
        }
        let have_reference = std::fs::read_to_string(&reference_path).unwrap_or_default();
        assert!(
            have_reference == want_reference,
            "dropzone-runtime/docs/options.md is stale: run `DROPZONE_BLESS=1 cargo test -p dropzone-macros`"
        );
        assert!(
            readme == want_readme,
            "the README options table is stale: run `DROPZONE_BLESS=1 cargo test -p dropzone-macros`"
        );
    }

    #[test]
    fn splice_keeps_the_rest() {
        let r = splice(
            "a\n<!-- options:start -->\nold\n<!-- options:end -->\nb\n",
            "new\n",
        );
        assert_eq!(
            r,
            "a\n<!-- options:start -->\nnew\n<!-- options:end -->\nb\n"
        );
    }
}
