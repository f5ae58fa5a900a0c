//! The one table of options.
//!
//! Every option `#[derive(DropzoneConfig)]` and `dropzone!` accept is declared here exactly once,
//! with its aliases, value kind, default, Dropzone.js mapping and doc line. Parsing looks keys up
//! here, did-you-mean suggests from here, and `docs/options.md` plus the README table are
//! generated from here (see the `docs` unit test), so the three cannot drift apart.

/// What a value must look like, checked while parsing (single-option rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Any non-empty string (URLs, paths).
    Url,
    /// A valid HTML id: non-empty, no whitespace.
    HtmlId,
    /// A multipart field name: letters, digits, `_`, `-`, `.`.
    InputName,
    /// `MAJOR.MINOR.PATCH` with major 5 or 6.
    Version,
    /// A preset name or, with `allowed_file_custom`, an accept list (see `filetypes.rs`).
    FileTypes,
    /// Plain text; every `{{word}}` must be one of these Dropzone placeholders.
    Message(&'static [&'static str]),
    /// Raw JavaScript that must not be able to end the `<script>` element.
    RawJs,
    /// `true` or `false`.
    Bool,
    /// An integer literal in `min..=max`.
    Int { min: u64, max: u64 },
    /// An integer or float literal, finite and greater than zero.
    Size,
}

impl Kind {
    /// How the expected literal is described in a wrong-type error.
    pub(crate) fn expects(self) -> &'static str {
        match self {
            Kind::Int { .. } => "an integer",
            Kind::Size => "a number",
            _ => "a string literal",
        }
    }
}

/// The value an absent option takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Default {
    Str(&'static str),
    Bool(bool),
    Int(u64),
    Num(f64),
    /// No value (`None` in `Options`, or computed from other options); the text says what that means.
    Absent(&'static str),
}

/// One option.
#[derive(Debug)]
pub(crate) struct OptionDef {
    /// The key, also the `Options` (or `Messages`) field name.
    pub(crate) name: &'static str,
    /// Other accepted spellings (Flask-Dropzone's).
    pub(crate) aliases: &'static [&'static str],
    pub(crate) kind: Kind,
    pub(crate) default: Default,
    /// A literal to show in "expects … such as …" messages.
    pub(crate) example: &'static str,
    /// What the option becomes in Dropzone.js (or on the page).
    pub(crate) js: &'static str,
    /// Enforced by the upload extractor too: `dropzone!(Zone, …)` may not override it.
    pub(crate) server_rule: bool,
    /// Whether the value lives in `Options::messages`.
    pub(crate) message: bool,
    /// One-line doc.
    pub(crate) doc: &'static str,
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

const U32: u64 = u32::MAX as u64;

/// Dropzone.js 6's default `chunkSize` (5.x uses 2000000); emitted explicitly for both.
pub(crate) const CHUNK_SIZE: u64 = 2 * 1024 * 1024;

/// The options that only mean something with `chunking = true`.
pub(crate) const CHUNK_OPTIONS: &[&str] = &[
    "force_chunking",
    "chunk_size",
    "parallel_chunk_uploads",
    "retry_chunks",
    "retry_chunks_limit",
];

/// Every option, in the order of the docs.
pub(crate) const OPTIONS: &[OptionDef] = &[
    opt("id", Kind::HtmlId, Default::Str("myDropzone"), "\"avatars\"")
        .js("element `id`")
        .doc("The zone element's HTML id; non-empty, no whitespace. Give each zone on a page its own."),
    opt("action", Kind::Url, Default::Absent("required unless `in_form`"), "\"/upload\"")
        .js("form `action` (`url`)")
        .doc("The URL the zone posts files to. Replace it per request with `.action(..)`."),
    opt("version", Kind::Version, Default::Str("6.3.5"), "\"6.3.5\"")
        .js("script and stylesheet URLs")
        .doc("The Dropzone.js release, `MAJOR.MINOR.PATCH` with major 5 or 6; with `serve_local`, 5.9.3 or 6.3.5."),
    opt("serve_local", Kind::Bool, Default::Bool(true), "false")
        .js("script and stylesheet URLs")
        .doc("Load Dropzone.js from the copies embedded in dropzone-runtime (served by `assets::router()`); `false` loads it from jsDelivr with SRI. Without `serve_local`, `js_url`/`css_url` or a `version` other than 5.9.3 and 6.3.5 (which only jsDelivr serves) choose the source instead."),
    opt("js_url", Kind::Url, Default::Absent("jsDelivr"), "\"/static/dropzone.js\"")
        .js("`<script src>`")
        .doc("Your own Dropzone.js URL; needs `css_url`, conflicts with `serve_local`."),
    opt("css_url", Kind::Url, Default::Absent("jsDelivr"), "\"/static/dropzone.css\"")
        .js("`<link href>`")
        .doc("Your own Dropzone.js stylesheet URL; needs `js_url`, conflicts with `serve_local`."),
    opt("max_file_size", Kind::Size, Default::Num(3.0), "3")
        .js("`maxFilesize`")
        .server()
        .doc("Largest accepted file in MiB; fractions such as `0.5` are kept. Must be greater than 0."),
    opt("input_name", Kind::InputName, Default::Str("file"), "\"file\"")
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
    opt("max_files", Kind::Int { min: 1, max: U32 }, Default::Absent("no limit"), "30")
        .js("`maxFiles`")
        .server()
        .doc("Most files the zone accepts, at least 1."),
    opt("timeout", Kind::Int { min: 0, max: u64::MAX }, Default::Absent("Dropzone.js's default"), "30000")
        .js("`timeout`")
        .doc("Per-request timeout in milliseconds; `0` disables it explicitly."),
    opt("redirect_url", Kind::Url, Default::Absent("no redirect"), "\"/done\"")
        .alias(&["redirect_view"])
        .js("`queuecomplete` handler")
        .doc("Where the page goes once the queue is uploaded. Not with `in_form`."),
    opt("upload_multiple", Kind::Bool, Default::Bool(false), "true")
        .js("`uploadMultiple`")
        .server()
        .doc("Send several files per request, named `file[0]`, `file[1]`, …"),
    opt("parallel_uploads", Kind::Int { min: 1, max: U32 }, Default::Int(2), "2")
        .js("`parallelUploads`")
        .server()
        .doc("Files in flight at once (and per request with `upload_multiple`), at least 1."),
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
    opt("upload_btn_id", Kind::HtmlId, Default::Str("upload"), "\"upload\"")
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
    opt("chunk_size", Kind::Int { min: 1, max: u64::MAX }, Default::Int(CHUNK_SIZE), "2097152")
        .js("`chunkSize`")
        .server()
        .doc("Bytes per chunk, at least 1 and at most `max_file_size` in bytes: each chunk is one request, and the zone's body limit follows `max_file_size`. Only with `chunking = true`."),
    opt("parallel_chunk_uploads", Kind::Bool, Default::Bool(false), "true")
        .js("`parallelChunkUploads`")
        .doc("Send a file's chunks in parallel (6.2+: at most `parallel_uploads` at once; 5.x and 6.0–6.1: all at once); only with `chunking = true`."),
    opt("retry_chunks", Kind::Bool, Default::Bool(false), "true")
        .js("`retryChunks`")
        .doc("Retry a failed chunk at once, up to `retry_chunks_limit` times; only with `chunking = true`."),
    opt("retry_chunks_limit", Kind::Int { min: 1, max: U32 }, Default::Int(3), "3")
        .js("`retryChunksLimit`")
        .doc("Most retries per chunk, at least 1; only with `retry_chunks = true`."),
    msg("default_message", "Drop files here or click to upload.", &[])
        .js("`dictDefaultMessage`")
        .doc("Text shown in the empty zone."),
    msg("invalid_file_type", "You can't upload files of this type.", &[])
        .js("`dictInvalidFileType`")
        .doc("Error for a file whose type is not accepted."),
    msg("file_too_big", "File is too big {{filesize}}. Max filesize: {{maxFilesize}}MiB.", &["filesize", "maxFilesize"])
        .js("`dictFileTooBig`")
        .doc("Error for a file over `max_file_size`; placeholders `{{filesize}}`, `{{maxFilesize}}`."),
    msg("server_error", "Server error: {{statusCode}}", &["statusCode"])
        .js("`dictResponseError`")
        .doc("Error for a failed request; placeholder `{{statusCode}}`."),
    msg("browser_unsupported", "Your browser does not support drag'n'drop file uploads.", &[])
        .js("`dictFallbackMessage`")
        .doc("Text for browsers without drag and drop."),
    msg("max_file_exceed", "You can't upload any more files.", &["maxFiles"])
        .alias(&["max_file_exceeded"])
        .js("`dictMaxFilesExceeded`")
        .doc("Error once `max_files` is reached; placeholder `{{maxFiles}}`."),
    msg("cancel_upload", "Cancel upload", &[])
        .js("`dictCancelUpload`")
        .doc("Link text that cancels an upload."),
    msg("remove_file", "Remove file", &[])
        .js("`dictRemoveFile`")
        .doc("Link text that removes a file."),
    msg("cancel_confirmation", "You really want to delete this file?", &[])
        .js("`dictCancelUploadConfirmation`")
        .doc("Question asked before cancelling an upload."),
    msg("upload_canceled", "Upload canceled", &[])
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

/// The option spelled `name` (canonical name or alias).
pub(crate) fn lookup(name: &str) -> Option<&'static OptionDef> {
    OPTIONS
        .iter()
        .find(|o| o.name == name || o.aliases.contains(&name))
}

/// Every spelling a user may write, canonical names first.
pub(crate) fn all_spellings() -> impl Iterator<Item = &'static str> {
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
    fn lookup_finds_aliases() {
        assert_eq!(lookup("redirect_view").unwrap().name, "redirect_url");
        assert_eq!(lookup("max_file_exceeded").unwrap().name, "max_file_exceed");
        assert!(lookup("max_file_sise").is_none());
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
    fn messages_default_to_flask_texts() {
        assert_eq!(
            get("default_message").default,
            Default::Str("Drop files here or click to upload.")
        );
        assert_eq!(OPTIONS.iter().filter(|o| o.message).count(), 10);
    }
}
