//! The one table of options.
//!
//! Every option `#[derive(DropzoneConfig)]` and `dropzone!` accept is declared here exactly once,
//! with its aliases, value kind and bounds, default, Dropzone.js mapping and doc line. The macros
//! look keys up here, suggest from here, and generate `docs/options.md` from here; the defaults
//! below are the ones [`crate::Options::DEFAULT`] is built from.

use crate::version::Version;

/// The defaults, named once: the table rows and [`crate::Options::DEFAULT`] both read them.
pub mod defaults {
    /// `id` of a zone built by `dropzone!(...)`; a derived zone takes its type name in
    /// kebab-case instead, a deliberate change from Flask-Dropzone, whose zones all share
    /// `myDropzone` so that a second zone on a page never starts.
    pub const ID: &str = "myDropzone";
    /// `serve_local`.
    pub const SERVE_LOCAL: bool = true;
    /// `max_file_size`, MiB.
    pub const MAX_FILE_SIZE: f64 = 3.0;
    /// `input_name`.
    pub const INPUT_NAME: &str = "file";
    /// `parallel_uploads`.
    pub const PARALLEL_UPLOADS: u32 = 2;
    /// `upload_btn_id`.
    pub const UPLOAD_BTN_ID: &str = "upload";
    /// `chunk_size`: Dropzone.js 6's default (5.x uses 2000000); emitted explicitly for both.
    pub const CHUNK_SIZE: u64 = 2 * 1024 * 1024;
    /// `retry_chunks_limit`: Dropzone.js's `retryChunksLimit` default.
    pub const RETRY_LIMIT: u32 = 3;
    /// `default_message`.
    pub const DEFAULT_MESSAGE: &str = "Drop files here or click to upload.";
    /// `invalid_file_type`.
    pub const INVALID_FILE_TYPE: &str = "You can't upload files of this type.";
    /// `file_too_big`.
    pub const FILE_TOO_BIG: &str =
        "File is too big {{filesize}}. Max filesize: {{maxFilesize}}MiB.";
    /// `server_error`.
    pub const SERVER_ERROR: &str = "Server error: {{statusCode}}";
    /// `browser_unsupported`.
    pub const BROWSER_UNSUPPORTED: &str = "Your browser does not support drag'n'drop file uploads.";
    /// `max_file_exceed`.
    pub const MAX_FILE_EXCEED: &str = "You can't upload any more files.";
    /// `cancel_upload`.
    pub const CANCEL_UPLOAD: &str = "Cancel upload";
    /// `remove_file`.
    pub const REMOVE_FILE: &str = "Remove file";
    /// `cancel_confirmation`.
    pub const CANCEL_CONFIRMATION: &str = "You really want to delete this file?";
    /// `upload_canceled`.
    pub const UPLOAD_CANCELED: &str = "Upload canceled";
}

/// Largest `max_file_size`, in MiB (1 TiB). With it, `max_file_size × 1048576` is exact, and
/// the largest body limit (`MAX_PARALLEL` files per request) stays far inside `u64`.
pub const MAX_FILE_SIZE_MIB: f64 = 1_048_576.0;
/// Largest `chunk_size`: `MAX_FILE_SIZE_MIB` in bytes.
pub const MAX_CHUNK_BYTES: u64 = 1 << 40;
/// Largest `parallel_uploads`: files per request with `upload_multiple`.
pub const MAX_PARALLEL: u64 = 1000;
/// Largest `max_files`.
pub const MAX_COUNT: u64 = 1_000_000;
/// Largest `timeout`: browsers run a longer `setTimeout` at once (the delay is an `i32`).
pub const MAX_TIMEOUT_MS: u64 = i32::MAX as u64;
/// Largest `retry_chunks_limit`.
pub const MAX_RETRIES: u64 = 100;

/// What an integer counts; a literal suffix such as `30s` is refused with the unit named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A number of files.
    Files,
    /// Milliseconds.
    Millis,
    /// Bytes.
    Bytes,
    /// A number of attempts.
    Times,
}

/// What a value must look like, checked while parsing (single-option rules).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// Any non-empty string (URLs, paths).
    Url,
    /// A valid HTML id: non-empty, no whitespace.
    HtmlId,
    /// A multipart field name: letters, digits, `_`, `-`, `.`.
    InputName,
    /// `MAJOR.MINOR.PATCH` with major 5 or 6.
    Version,
    /// A preset name or, with `allowed_file_custom`, an accept list (see [`crate::accept`]).
    FileTypes,
    /// Plain text; every `{{word}}` must be one of these Dropzone placeholders.
    Message(&'static [&'static str]),
    /// Raw JavaScript that must not be able to end the `<script>` element.
    RawJs,
    /// `true` or `false`.
    Bool,
    /// An integer literal in `min..=max`, counting `unit`.
    Int {
        /// Smallest value.
        min: u64,
        /// Largest value.
        max: u64,
        /// What it counts.
        unit: Unit,
    },
    /// A size in MiB: an integer or float literal greater than zero and at most `max`.
    Size {
        /// Largest value.
        max: f64,
    },
}

impl Kind {
    /// How the expected literal is described in a wrong-type error.
    pub fn expects(self) -> &'static str {
        match self {
            Kind::Int { .. } => "an integer",
            Kind::Size { .. } => "a number",
            _ => "a string literal",
        }
    }
}

/// The value an absent option takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Default {
    /// A string.
    Str(&'static str),
    /// A bool.
    Bool(bool),
    /// An integer.
    Int(u64),
    /// A number.
    Num(f64),
    /// No value (`None` in `Options`, or computed from other options); the text says what that means.
    Absent(&'static str),
}

/// One option.
#[derive(Debug)]
pub struct OptionDef {
    /// The key, also the `Options` (or `Messages`) getter name.
    pub name: &'static str,
    /// Other accepted spellings (Flask-Dropzone's).
    pub aliases: &'static [&'static str],
    /// What its value must look like.
    pub kind: Kind,
    /// Its value when absent.
    pub default: Default,
    /// A literal to show in "expects … such as …" messages.
    pub example: &'static str,
    /// What the option becomes in Dropzone.js (or on the page).
    pub js: &'static str,
    /// Enforced by the upload extractor too: `dropzone!(Zone, …)` may not override it.
    pub server_rule: bool,
    /// Whether the value lives in `Options::messages`.
    pub message: bool,
    /// One-line doc.
    pub doc: &'static str,
}

const fn opt(name: &'static str, kind: Kind, default: Default, example: &'static str) -> OptionDef {
    OptionDef {
        name,
        aliases: &[],
        kind,
        default,
        example,
        js: "",
        server_rule: false,
        message: false,
        doc: "",
    }
}

impl OptionDef {
    const fn js(mut self, js: &'static str) -> Self {
        self.js = js;
        self
    }
    const fn doc(mut self, doc: &'static str) -> Self {
        self.doc = doc;
        self
    }
    const fn server(mut self) -> Self {
        self.server_rule = true;
        self
    }
    const fn alias(mut self, aliases: &'static [&'static str]) -> Self {
        self.aliases = aliases;
        self
    }
    const fn message(mut self) -> Self {
        self.message = true;
        self
    }
}

const fn msg(
    name: &'static str,
    default: &'static str,
    placeholders: &'static [&'static str],
) -> OptionDef {
    opt(
        name,
        Kind::Message(placeholders),
        Default::Str(default),
        "\"text\"",
    )
    .message()
}

/// The options that only mean something with `chunking = true`.
pub const CHUNK_OPTIONS: &[&str] = &[
    "force_chunking",
    "chunk_size",
    "parallel_chunk_uploads",
    "retry_chunks",
    "retry_chunks_limit",
];

/// Every option, in the order of the docs.
pub const OPTIONS: &[OptionDef] = &[
    opt("id", Kind::HtmlId, Default::Absent("a derived zone's type name in kebab-case, `PhotoZone` → `\"photo-zone\"`; `\"myDropzone\"` in `dropzone!(...)`"), "\"avatars\"")
        .js("element `id`")
        .doc("The zone element's HTML id; non-empty, no whitespace. A derived zone without one takes its type name in kebab-case, so two zones on a page never share one (Flask-Dropzone gives every zone `myDropzone`, and the second never starts)."),
    opt("action", Kind::Url, Default::Absent("required unless `in_form`"), "\"/upload\"")
        .js("form `action` (`url`)")
        .doc("The URL the zone posts files to. Replace it per request with `.action(..)`."),
    opt("version", Kind::Version, Default::Str(Version::DEFAULT.text), "\"6.3.5\"")
        .js("script and stylesheet URLs")
        .doc("The Dropzone.js release, `MAJOR.MINOR.PATCH` with major 5 or 6; with `serve_local`, 5.9.3 or 6.3.5."),
    opt("serve_local", Kind::Bool, Default::Bool(defaults::SERVE_LOCAL), "false")
        .js("script and stylesheet URLs")
        .doc("Load Dropzone.js from the copies embedded in dropzone-runtime (served by `assets::router()`); `false` loads it from jsDelivr with SRI. Without `serve_local`, `js_url`/`css_url` or a `version` other than 5.9.3 and 6.3.5 (which only jsDelivr serves) choose the source instead."),
    opt("js_url", Kind::Url, Default::Absent("jsDelivr"), "\"/static/dropzone.js\"")
        .js("`<script src>`")
        .doc("Your own Dropzone.js URL; needs `css_url`, conflicts with `serve_local`."),
    opt("css_url", Kind::Url, Default::Absent("jsDelivr"), "\"/static/dropzone.css\"")
        .js("`<link href>`")
        .doc("Your own Dropzone.js stylesheet URL; needs `js_url`, conflicts with `serve_local`."),
    opt("max_file_size", Kind::Size { max: MAX_FILE_SIZE_MIB }, Default::Num(defaults::MAX_FILE_SIZE), "3")
        .js("`maxFilesize`")
        .server()
        .doc("Largest accepted file in MiB; fractions such as `0.5` are kept. Greater than 0 and at most 1048576 (1 TiB), so every byte count derived from it stays exact."),
    opt("input_name", Kind::InputName, Default::Str(defaults::INPUT_NAME), "\"file\"")
        .js("`paramName`")
        .server()
        .doc("The multipart field name of the file part: letters, digits, `_`, `-`, `.`."),
    opt("allowed_file_custom", Kind::Bool, Default::Bool(false), "true")
        .js("`acceptedFiles`")
        .server()
        .doc("Read `allowed_file_type` as an accept list (`\"image/*, .pdf\"`) instead of a preset name."),
    opt("allowed_file_type", Kind::FileTypes, Default::Str("default"), "\"image\"")
        .js("`acceptedFiles`")
        .server()
        .doc("A preset (`default`, `image`, `audio`, `video`, `text`, `app`) or, with `allowed_file_custom`, a list of `.ext`, `type/*` and `type/subtype`; `\"\"` accepts every file."),
    opt("max_files", Kind::Int { min: 1, max: MAX_COUNT, unit: Unit::Files }, Default::Absent("no limit"), "30")
        .js("`maxFiles`")
        .server()
        .doc("Most files the zone accepts, from 1 to 1000000."),
    opt("timeout", Kind::Int { min: 0, max: MAX_TIMEOUT_MS, unit: Unit::Millis }, Default::Absent("Dropzone.js's default"), "30000")
        .js("`timeout`")
        .doc("Per-request timeout in milliseconds, at most 2147483647 (a browser timer fires at once beyond it); `0` disables it explicitly."),
    opt("redirect_url", Kind::Url, Default::Absent("no redirect"), "\"/done\"")
        .alias(&["redirect_view"])
        .js("`queuecomplete` handler")
        .doc("Where the page goes once the queue is uploaded. Not with `in_form`."),
    opt("upload_multiple", Kind::Bool, Default::Bool(false), "true")
        .js("`uploadMultiple`")
        .server()
        .doc("Send several files per request, named `file[0]`, `file[1]`, …"),
    opt("parallel_uploads", Kind::Int { min: 1, max: MAX_PARALLEL, unit: Unit::Files }, Default::Int(defaults::PARALLEL_UPLOADS as u64), "2")
        .js("`parallelUploads`")
        .server()
        .doc("Files in flight at once (and per request with `upload_multiple`), from 1 to 1000."),
    opt("enable_csrf", Kind::Bool, Default::Bool(false), "true")
        .js("`headers: {\"X-CSRF-Token\": …}`")
        .server()
        .doc("Send the CSRF token given with `.csrf_token(..)` with every upload, and require it."),
    opt("upload_action", Kind::Url, Default::Absent(""), "\"/upload\"")
        .js("`url` (in-form)")
        .doc("The upload URL of an in-form zone; only with `in_form`."),
    opt("upload_on_click", Kind::Bool, Default::Bool(false), "true")
        .js("`autoProcessQueue: false` + button")
        .doc("Wait for the button `upload_btn_id` before uploading the queue."),
    opt("upload_btn_id", Kind::HtmlId, Default::Str(defaults::UPLOAD_BTN_ID), "\"upload\"")
        .js("button `id`")
        .doc("The id of the button that starts the upload."),
    opt("in_form", Kind::Bool, Default::Bool(false), "true")
        .js("`<div>` instead of `<form>`")
        .doc("Render the zone inside your own `<form>`; needs `upload_on_click` and `upload_action`."),
    opt("chunking", Kind::Bool, Default::Bool(false), "true")
        .js("`chunking`")
        .server()
        .doc("Upload files larger than `chunk_size` in chunks, each request carrying Dropzone's `dz*` fields. Not with `upload_multiple`."),
    opt("force_chunking", Kind::Bool, Default::Bool(false), "true")
        .js("`forceChunking`")
        .doc("Chunk every file, even one smaller than a chunk; only with `chunking = true`."),
    opt("chunk_size", Kind::Int { min: 1, max: MAX_CHUNK_BYTES, unit: Unit::Bytes }, Default::Int(defaults::CHUNK_SIZE), "2097152")
        .js("`chunkSize`")
        .server()
        .doc("Bytes per chunk, at least 1 and at most `max_file_size` in bytes: each chunk is one request, and the zone's body limit follows `max_file_size`. Only with `chunking = true`."),
    opt("parallel_chunk_uploads", Kind::Bool, Default::Bool(false), "true")
        .js("`parallelChunkUploads`")
        .doc("Send a file's chunks in parallel (6.2+: at most `parallel_uploads` at once; 5.x and 6.0–6.1: all at once); only with `chunking = true`."),
    opt("retry_chunks", Kind::Bool, Default::Bool(false), "true")
        .js("`retryChunks`")
        .doc("Retry a failed chunk at once, up to `retry_chunks_limit` times; only with `chunking = true`."),
    opt("retry_chunks_limit", Kind::Int { min: 1, max: MAX_RETRIES, unit: Unit::Times }, Default::Int(defaults::RETRY_LIMIT as u64), "3")
        .js("`retryChunksLimit`")
        .doc("Most retries per chunk, from 1 to 100; only with `retry_chunks = true`."),
    msg("default_message", defaults::DEFAULT_MESSAGE, &[])
        .js("`dictDefaultMessage`")
        .doc("Text shown in the empty zone."),
    msg("invalid_file_type", defaults::INVALID_FILE_TYPE, &[])
        .js("`dictInvalidFileType`")
        .doc("Error for a file whose type is not accepted."),
    msg("file_too_big", defaults::FILE_TOO_BIG, &["filesize", "maxFilesize"])
        .js("`dictFileTooBig`")
        .doc("Error for a file over `max_file_size`; placeholders `{{filesize}}`, `{{maxFilesize}}`."),
    msg("server_error", defaults::SERVER_ERROR, &["statusCode"])
        .js("`dictResponseError`")
        .doc("Error for a failed request; placeholder `{{statusCode}}`."),
    msg("browser_unsupported", defaults::BROWSER_UNSUPPORTED, &[])
        .js("`dictFallbackMessage`")
        .doc("Text for browsers without drag and drop."),
    msg("max_file_exceed", defaults::MAX_FILE_EXCEED, &["maxFiles"])
        .alias(&["max_file_exceeded"])
        .js("`dictMaxFilesExceeded`")
        .doc("Error once `max_files` is reached; placeholder `{{maxFiles}}`."),
    msg("cancel_upload", defaults::CANCEL_UPLOAD, &[])
        .js("`dictCancelUpload`")
        .doc("Link text that cancels an upload."),
    msg("remove_file", defaults::REMOVE_FILE, &[])
        .js("`dictRemoveFile`")
        .doc("Link text that removes a file."),
    msg("cancel_confirmation", defaults::CANCEL_CONFIRMATION, &[])
        .js("`dictCancelUploadConfirmation`")
        .doc("Question asked before cancelling an upload."),
    msg("upload_canceled", defaults::UPLOAD_CANCELED, &[])
        .js("`dictUploadCanceled`")
        .doc("Text shown for a cancelled upload."),
    opt("strict_csp", Kind::Bool, Default::Bool(false), "true")
        .js("`data-dropzone` spec + served init script")
        .doc("No inline script: the options travel as data on the element and the init script served by the assets router starts the zone, so pages work under `default-src 'self'`. Not with `custom_init` or `custom_options`."),
    opt("custom_init", Kind::RawJs, Default::Absent(""), "\"this.on('success', f);\"")
        .js("body of `init`")
        .doc("Raw JavaScript run in Dropzone's `init`: an escape hatch, emitted as given (no `<script`, `</script`, `<!--`)."),
    opt("custom_options", Kind::RawJs, Default::Absent(""), "\"addRemoveLinks: true\"")
        .js("extra option pairs")
        .doc("Raw `key: value` JavaScript option pairs applied last: an escape hatch, emitted as given."),
];

/// Options of Dropzone.js and Flask-Dropzone that have an option of ours under another name,
/// by snake_case name (`paramName` and `DROPZONE_PARAM_NAME` are looked up as `param_name`).
pub const FOREIGN: &[(&str, &str)] = &[
    ("url", "action"),
    ("param_name", "input_name"),
    ("accepted_files", "allowed_file_type"),
    ("accepted_mime_types", "allowed_file_type"),
    ("max_filesize", "max_file_size"),
    ("auto_process_queue", "upload_on_click"),
    ("dict_default_message", "default_message"),
    ("dict_invalid_file_type", "invalid_file_type"),
    ("dict_file_too_big", "file_too_big"),
    ("dict_response_error", "server_error"),
    ("dict_fallback_message", "browser_unsupported"),
    ("dict_max_files_exceeded", "max_file_exceed"),
    ("dict_cancel_upload", "cancel_upload"),
    ("dict_remove_file", "remove_file"),
    ("dict_cancel_upload_confirmation", "cancel_confirmation"),
    ("dict_upload_canceled", "upload_canceled"),
    ("element_id", "id"),
    ("upload_url", "action"),
    ("retry_chunks_max", "retry_chunks_limit"),
];

/// The option spelled `name` (canonical name or alias).
pub fn lookup(name: &str) -> Option<&'static OptionDef> {
    OPTIONS
        .iter()
        .find(|o| o.name == name || o.aliases.contains(&name))
}

/// Our option for another library's name: `url`, `paramName`, `DROPZONE_MAX_FILE_SIZE`, ….
pub fn foreign(name: &str) -> Option<&'static str> {
    let snaked = snake_case(name);
    let bare = snaked.strip_prefix("dropzone_").unwrap_or(&snaked);
    if let Some(def) = lookup(bare).filter(|_| bare != name) {
        return Some(def.name);
    }
    FOREIGN
        .iter()
        .find(|(n, _)| *n == bare)
        .map(|(_, ours)| *ours)
}

/// `paramName` → `param_name`, `DROPZONE_MAX_FILES` → `dropzone_max_files`.
pub fn snake_case(name: &str) -> String {
    if name.bytes().all(|b| !b.is_ascii_lowercase()) {
        return name.to_ascii_lowercase();
    }
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Every spelling a user may write, canonical names first.
pub fn all_spellings() -> impl Iterator<Item = &'static str> {
    OPTIONS
        .iter()
        .map(|o| o.name)
        .chain(OPTIONS.iter().flat_map(|o| o.aliases.iter().copied()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(name: &str) -> &'static OptionDef {
        OPTIONS.iter().find(|o| o.name == name).unwrap()
    }

    #[test]
    fn names_and_aliases_are_unique() {
        let mut all: Vec<_> = all_spellings().collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n);
    }

    #[test]
    fn every_option_is_documented() {
        for o in OPTIONS {
            assert!(!o.doc.is_empty(), "{} has no doc", o.name);
            assert!(!o.js.is_empty(), "{} has no js mapping", o.name);
        }
    }

    #[test]
    fn lookup_finds_aliases_and_foreign_names() {
        assert_eq!(lookup("redirect_view").unwrap().name, "redirect_url");
        assert_eq!(lookup("max_file_exceeded").unwrap().name, "max_file_exceed");
        assert!(lookup("max_file_sise").is_none());
        assert_eq!(foreign("url"), Some("action"));
        assert_eq!(foreign("paramName"), Some("input_name"));
        assert_eq!(foreign("maxFilesize"), Some("max_file_size"));
        assert_eq!(foreign("DROPZONE_MAX_FILE_SIZE"), Some("max_file_size"));
        assert_eq!(foreign("uploadMultiple"), Some("upload_multiple"));
        assert_eq!(foreign("max_files"), None);
        assert_eq!(foreign("colour"), None);
    }

    #[test]
    fn server_rules_are_the_extractor_ones() {
        let rules: Vec<_> = OPTIONS
            .iter()
            .filter(|o| o.server_rule)
            .map(|o| o.name)
            .collect();
        assert_eq!(
            rules,
            [
                "max_file_size",
                "input_name",
                "allowed_file_custom",
                "allowed_file_type",
                "max_files",
                "upload_multiple",
                "parallel_uploads",
                "enable_csrf",
                "chunking",
                "chunk_size"
            ]
        );
    }

    #[test]
    fn bounds_keep_byte_counts_inside_u64() {
        let bytes = crate::options::mib_to_bytes(MAX_FILE_SIZE_MIB);
        assert_eq!(bytes, MAX_CHUNK_BYTES);
        assert!(bytes.checked_mul(MAX_PARALLEL).is_some());
        assert_eq!(
            get("default_message").default,
            Default::Str(defaults::DEFAULT_MESSAGE)
        );
        assert_eq!(OPTIONS.iter().filter(|o| o.message).count(), 10);
    }
}
