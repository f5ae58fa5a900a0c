//! The checked description of one dropzone, as the macros emit it.
//!
//! `#[derive(DropzoneConfig)]` and `dropzone!` validate every option while compiling and then
//! write an [`Options`] value as a `const` struct literal. Nothing here is parsed again at run
//! time: the page renderer and the upload extractor read the same value, which is how page and
//! server cannot disagree. Every field is `Copy` so that `dropzone!(Zone, key = value)` can
//! build its merged options with struct-update syntax in a `const`.

/// Every option of one dropzone, already validated.
///
/// `#[derive(DropzoneConfig)]` and `dropzone!` build it; it is public so that handlers can read
/// the rules a zone enforces (for example to show the limit). It is not `#[non_exhaustive]`
/// only because the macros write it as a struct literal in the user's crate: do not build it
/// by hand, its fields may grow in any release.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// The zone element's HTML id (`id`, default `"myDropzone"`).
    pub id: &'static str,
    /// The URL the zone posts to (`action`); empty in in-form mode, where `upload_action` is used.
    pub action: &'static str,
    /// Which Dropzone.js release the page loads (`version`).
    pub version: Version,
    /// Where the page loads Dropzone.js from (`serve_local`, `js_url`, `css_url`).
    pub assets: AssetSource,
    /// Largest accepted file in MiB, as Dropzone.js counts (`max_file_size`, default 3).
    pub max_file_size: f64,
    /// The multipart field name of the file part (`input_name`, default `"file"`).
    pub input_name: &'static str,
    /// Which files are accepted (`allowed_file_type` / `allowed_file_custom`).
    pub accepted_files: AcceptedFiles,
    /// Most files the zone accepts (`max_files`); `None` means no limit.
    pub max_files: Option<u32>,
    /// Per-request XHR timeout in milliseconds (`timeout`); `Some(0)` disables it explicitly,
    /// `None` leaves Dropzone.js's own default (no timeout since 5.9.0).
    pub timeout: Option<u64>,
    /// Where the page goes after a successful queue (`redirect_url` / `redirect_view`).
    pub redirect_url: Option<&'static str>,
    /// Send several files in one request as `file[0]`, `file[1]`, … (`upload_multiple`).
    pub upload_multiple: bool,
    /// Files in flight at once, and files per request with `upload_multiple` (`parallel_uploads`).
    pub parallel_uploads: u32,
    /// Send a CSRF token with every upload (`enable_csrf`).
    pub enable_csrf: bool,
    /// The upload URL of an in-form zone (`upload_action`).
    pub upload_action: Option<&'static str>,
    /// Wait for a button before uploading the queue (`upload_on_click`).
    pub upload_on_click: bool,
    /// The id of that button (`upload_btn_id`, default `"upload"`).
    pub upload_btn_id: &'static str,
    /// Render the zone as a `<div>` inside the user's own `<form>` (`in_form`).
    pub in_form: bool,
    /// The texts Dropzone.js shows.
    pub messages: Messages,
    /// Raw JavaScript run inside Dropzone's `init` (`custom_init`): an explicit escape hatch.
    pub custom_init: Option<&'static str>,
    /// Raw `key: value,` JavaScript option pairs applied last (`custom_options`): an explicit
    /// escape hatch.
    pub custom_options: Option<&'static str>,
}

/// The texts Dropzone.js shows, as plain text (the renderer escapes them for where they go).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Messages {
    /// `default_message` → `dictDefaultMessage`.
    pub default_message: &'static str,
    /// `invalid_file_type` → `dictInvalidFileType`.
    pub invalid_file_type: &'static str,
    /// `file_too_big` → `dictFileTooBig`.
    pub file_too_big: &'static str,
    /// `server_error` → `dictResponseError`.
    pub server_error: &'static str,
    /// `browser_unsupported` → `dictFallbackMessage`.
    pub browser_unsupported: &'static str,
    /// `max_file_exceed` → `dictMaxFilesExceeded`.
    pub max_file_exceed: &'static str,
    /// `cancel_upload` → `dictCancelUpload`.
    pub cancel_upload: &'static str,
    /// `remove_file` → `dictRemoveFile`.
    pub remove_file: &'static str,
    /// `cancel_confirmation` → `dictCancelUploadConfirmation`.
    pub cancel_confirmation: &'static str,
    /// `upload_canceled` → `dictUploadCanceled`.
    pub upload_canceled: &'static str,
}

/// A Dropzone.js release.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version {
    /// The exact version, e.g. `"6.3.5"`.
    pub text: &'static str,
    /// Its major number (5 or 6); it decides file paths and how the page starts the zone.
    pub major: u8,
}

impl Version {
    /// Dropzone.js 5.9.3, the release Flask-Dropzone 2.0 bundles (IE11, auto-discovery).
    pub const V5_9_3: Version = Version { text: "5.9.3", major: 5 };
    /// Dropzone.js 6.3.5, the default: maintained, 38 KB.
    pub const V6_3_5: Version = Version { text: "6.3.5", major: 6 };
    /// The release used when `version` is not given.
    pub const DEFAULT: Version = Version::V6_3_5;
    /// The releases whose files this crate embeds and serves.
    pub const EMBEDDED: [Version; 2] = [Version::V5_9_3, Version::V6_3_5];

    /// Builds a version from its text and major number (used by the macros).
    #[doc(hidden)]
    pub const fn new(text: &'static str, major: u8) -> Self {
        Version { text, major }
    }
}

/// Where the page loads Dropzone.js and its CSS from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AssetSource {
    /// jsDelivr, with `integrity` (SRI) and `crossorigin` for the releases this crate knows.
    Cdn,
    /// The copies embedded in this crate, served by [`crate::assets::router`]
    /// (the counterpart of `DROPZONE_SERVE_LOCAL`).
    Local,
    /// URLs the application chose (`js_url` / `css_url`).
    Custom {
        /// The Dropzone.js script URL.
        js: &'static str,
        /// The Dropzone.js stylesheet URL.
        css: &'static str,
    },
}

/// The accepted-files rule: what the page sends as `acceptedFiles` and what the server enforces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AcceptedFiles {
    /// The `acceptedFiles` string given to Dropzone.js, e.g. `"image/*"`.
    pub list: &'static str,
    /// The same list, parsed once by the macro; empty means every file is accepted.
    pub rules: &'static [Accept],
}

/// One entry of an accepted-files list, matched the way Dropzone.js's `isValidFile` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Accept {
    /// `.ext`: a case-insensitive suffix of the file name; stored lowercase with the dot.
    Extension(&'static str),
    /// `type/*`: the top-level media type; stored lowercase without `/*`, e.g. `"image"`.
    TopLevel(&'static str),
    /// `type/subtype`: the exact media type, stored lowercase.
    MediaType(&'static str),
}
