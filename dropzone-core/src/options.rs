//! The checked description of one dropzone, as the macros emit it.
//!
//! `#[derive(DropzoneConfig)]` and `dropzone!` validate every option while compiling and then
//! write an [`Options`] value as a `const` built with the builder below
//! (`Options::DEFAULT.with_id("x").with_max_files(Some(3))…`). Nothing is parsed again at run
//! time: the page renderer and the upload extractor read the same value through the getters,
//! which is how page and server cannot disagree. The fields are private so that a value can
//! only come from the builder, and a new option is a new builder line, not a change to every
//! struct literal; every type is `Copy` so the builder works in `const`.

use crate::table::defaults;
use crate::version::Version;

/// Declares private fields with one const getter (the field's name) and one const `with_*`
/// setter each, so the three cannot drift apart.
macro_rules! fields {
    (
        $(#[$meta:meta])*
        pub struct $ty:ident {
            $( $(#[$doc:meta])* $name:ident / $with:ident : $t:ty, )*
        }
    ) => {
        $(#[$meta])*
        pub struct $ty {
            $( $name: $t, )*
        }

        impl $ty {
            $(
                $(#[$doc])*
                #[inline]
                pub const fn $name(&self) -> $t {
                    self.$name
                }

                #[doc = concat!("Sets [`", stringify!($ty), "::", stringify!($name), "`].")]
                #[inline]
                #[must_use]
                pub const fn $with(mut self, value: $t) -> Self {
                    self.$name = value;
                    self
                }
            )*
        }
    };
}

/// The fields of [`Options`] in order, each `name / with_name: Type` with its doc, handed to the
/// macro `$m`. The struct below and the `dropzone-macros` expansion writer are both generated
/// from it, so a new field is one line here (and its default in [`Options::DEFAULT`]).
#[doc(hidden)]
#[macro_export]
macro_rules! __options_fields {
    ($m:ident) => {
        $m! {
        /// The zone element's HTML id (`id`; a derived zone defaults to its type name in
        /// kebab-case, `PhotoZone` → `photo-zone`).
        id / with_id: &'static str,
        /// The URL the zone posts to (`action`); empty in in-form mode, where `upload_action`
        /// is used.
        action / with_action: &'static str,
        /// Which Dropzone.js release the page loads (`version`).
        version / with_version: Version,
        /// Where the page loads Dropzone.js from (`serve_local`, `js_url`, `css_url`).
        assets / with_assets: AssetSource,
        /// Largest accepted file in MiB, as Dropzone.js counts (`max_file_size`, default 3).
        max_file_size / with_max_file_size: f64,
        /// The multipart field name of the file part (`input_name`, default `"file"`).
        input_name / with_input_name: &'static str,
        /// Which files are accepted (`allowed_file_type` / `allowed_file_custom`).
        accepted_files / with_accepted_files: AcceptedFiles,
        /// Most files the zone accepts (`max_files`); `None` means no limit.
        max_files / with_max_files: Option<u32>,
        /// Per-request XHR timeout in milliseconds (`timeout`); `Some(0)` disables it
        /// explicitly, `None` leaves Dropzone.js's own default (no timeout since 5.9.0).
        timeout / with_timeout: Option<u64>,
        /// Where the page goes after a successful queue (`redirect_url` / `redirect_view`).
        redirect_url / with_redirect_url: Option<&'static str>,
        /// Send several files in one request as `file[0]`, `file[1]`, … (`upload_multiple`).
        upload_multiple / with_upload_multiple: bool,
        /// Files in flight at once, and files per request with `upload_multiple`
        /// (`parallel_uploads`).
        parallel_uploads / with_parallel_uploads: u32,
        /// Send a CSRF token with every upload, and require it (`enable_csrf`).
        enable_csrf / with_enable_csrf: bool,
        /// The upload URL of an in-form zone (`upload_action`).
        upload_action / with_upload_action: Option<&'static str>,
        /// Wait for a button before uploading the queue (`upload_on_click`).
        upload_on_click / with_upload_on_click: bool,
        /// The id of that button (`upload_btn_id`, default `"upload"`).
        upload_btn_id / with_upload_btn_id: &'static str,
        /// Render the zone as a `<div>` inside the user's own `<form>` (`in_form`).
        in_form / with_in_form: bool,
        /// The texts Dropzone.js shows.
        messages / with_messages: Messages,
        /// Raw JavaScript run inside Dropzone's `init` (`custom_init`): an explicit escape hatch.
        custom_init / with_custom_init: Option<&'static str>,
        /// Raw `key: value,` JavaScript option pairs applied last (`custom_options`): an
        /// explicit escape hatch.
        custom_options / with_custom_options: Option<&'static str>,
        /// Chunked uploads (`chunking`, `force_chunking`, `chunk_size`,
        /// `parallel_chunk_uploads`, `retry_chunks`, `retry_chunks_limit`); `None` sends whole
        /// files.
        chunking / with_chunking: Option<Chunking>,
        /// Strict CSP mode (`strict_csp`): no inline script at all; the options travel as data
        /// on the element and a served init script applies them.
        strict_csp / with_strict_csp: bool,
        /// Dropzone.js options outside the table (`extra(add_remove_links = true, …)`), checked
        /// by the macro against Dropzone.js's own option list and applied before
        /// `custom_options`.
        extra / with_extra: &'static [ExtraOption],
        }
    };
}

/// [`Options`] from [`__options_fields`].
macro_rules! options_struct {
    ($($fields:tt)*) => {
        fields! {
            /// Every option of one dropzone, already validated.
            ///
            /// `#[derive(DropzoneConfig)]` and `dropzone!` build it; handlers can read the rules a zone
            /// enforces through the getters (for example to show the limit).
            #[derive(Clone, Copy, Debug, PartialEq)]
            pub struct Options { $($fields)* }
        }
    };
}

__options_fields!(options_struct);

impl Options {
    /// Every option at its default, with no `action` (which a standalone zone must set).
    pub const DEFAULT: Options = Options {
        id: defaults::ID,
        action: "",
        version: Version::DEFAULT,
        assets: AssetSource::choose(None, None, None, &Version::DEFAULT),
        max_file_size: defaults::MAX_FILE_SIZE,
        input_name: defaults::INPUT_NAME,
        accepted_files: AcceptedFiles::DEFAULT,
        max_files: None,
        timeout: None,
        redirect_url: None,
        upload_multiple: false,
        parallel_uploads: defaults::PARALLEL_UPLOADS,
        enable_csrf: false,
        upload_action: None,
        upload_on_click: false,
        upload_btn_id: defaults::UPLOAD_BTN_ID,
        in_form: false,
        messages: Messages::DEFAULT,
        custom_init: None,
        custom_options: None,
        chunking: None,
        strict_csp: false,
        extra: &[],
    };

    /// The largest accepted file in bytes: `max_file_size × 1048576`, rounded down, as
    /// Dropzone.js counts (a file of exactly that size is accepted). The macros bound
    /// `max_file_size` (see [`crate::table::MAX_FILE_SIZE_MIB`]), so this is exact and far
    /// inside `u64`; `as` saturates anyway.
    pub const fn max_file_bytes(&self) -> u64 {
        mib_to_bytes(self.max_file_size)
    }
}

/// `mib × 1048576`, rounded down and saturating: the one MiB→bytes conversion.
pub const fn mib_to_bytes(mib: f64) -> u64 {
    (mib * 1_048_576.0) as u64
}

/// How files are split into chunks (Dropzone.js's chunking options).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunking {
    /// Chunk every file, even those smaller than one chunk (`force_chunking`).
    pub force: bool,
    /// Bytes per chunk (`chunk_size`, default 2 MiB as in Dropzone.js 6).
    pub chunk_size: u64,
    /// Send a file's chunks in parallel (`parallel_chunk_uploads`); the server writes each at
    /// its offset, so order does not matter.
    pub parallel: bool,
    /// Retry a failed chunk up to this many times (`retry_chunks` + `retry_chunks_limit`);
    /// `None` does not retry.
    pub retry_limit: Option<u32>,
}

impl Chunking {
    /// `chunking = true` with every other chunk option at its default.
    pub const DEFAULT: Chunking = Chunking {
        force: false,
        chunk_size: defaults::CHUNK_SIZE,
        parallel: false,
        retry_limit: None,
    };

    /// This chunking with the page-only chunk options of `dropzone!(Zone, ...)` applied
    /// (`None`: not given). `retry = Some(true)` without a limit keeps the zone's limit, or
    /// takes the default; a limit without `retry` changes only a zone that retries (the rule
    /// [`crate::rules::Rule::RetryLimitWithoutRetry`] reports the other case).
    pub const fn with_overrides(
        self,
        force: Option<bool>,
        parallel: Option<bool>,
        retry: Option<bool>,
        limit: Option<u32>,
    ) -> Chunking {
        let retry_limit = match (retry, limit, self.retry_limit) {
            (Some(false), _, _) => None,
            (Some(true), Some(l), _) | (Some(true), None, Some(l)) | (None, Some(l), Some(_)) => {
                Some(l)
            }
            (Some(true), None, None) => Some(defaults::RETRY_LIMIT),
            (None, _, l) => l,
        };
        Chunking {
            force: match force {
                Some(f) => f,
                None => self.force,
            },
            parallel: match parallel {
                Some(p) => p,
                None => self.parallel,
            },
            retry_limit,
            chunk_size: self.chunk_size,
        }
    }
}

/// [`Chunking::with_overrides`] of a zone's chunking; `None` (the zone does not chunk) stays
/// `None`, and a rule reports the override.
pub const fn merge_chunking(
    base: Option<Chunking>,
    force: Option<bool>,
    parallel: Option<bool>,
    retry: Option<bool>,
    limit: Option<u32>,
) -> Option<Chunking> {
    match base {
        Some(c) => Some(c.with_overrides(force, parallel, retry, limit)),
        None => None,
    }
}

/// One Dropzone.js option outside the table, already checked and JSON-encoded by the macro.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtraOption {
    /// The Dropzone.js option name, e.g. `"addRemoveLinks"`.
    pub name: &'static str,
    /// Its value as JSON, e.g. `"true"`.
    pub json: &'static str,
}

fields! {
    /// The texts Dropzone.js shows, as plain text (the renderer escapes them for where they go).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Messages {
        /// `default_message` → `dictDefaultMessage`.
        default_message / with_default_message: &'static str,
        /// `invalid_file_type` → `dictInvalidFileType`.
        invalid_file_type / with_invalid_file_type: &'static str,
        /// `file_too_big` → `dictFileTooBig`.
        file_too_big / with_file_too_big: &'static str,
        /// `server_error` → `dictResponseError`.
        server_error / with_server_error: &'static str,
        /// `browser_unsupported` → `dictFallbackMessage`.
        browser_unsupported / with_browser_unsupported: &'static str,
        /// `max_file_exceed` → `dictMaxFilesExceeded`.
        max_file_exceed / with_max_file_exceed: &'static str,
        /// `cancel_upload` → `dictCancelUpload`.
        cancel_upload / with_cancel_upload: &'static str,
        /// `remove_file` → `dictRemoveFile`.
        remove_file / with_remove_file: &'static str,
        /// `cancel_confirmation` → `dictCancelUploadConfirmation`.
        cancel_confirmation / with_cancel_confirmation: &'static str,
        /// `upload_canceled` → `dictUploadCanceled`.
        upload_canceled / with_upload_canceled: &'static str,
    }
}

impl Messages {
    /// Flask-Dropzone's texts.
    pub const DEFAULT: Messages = Messages {
        default_message: defaults::DEFAULT_MESSAGE,
        invalid_file_type: defaults::INVALID_FILE_TYPE,
        file_too_big: defaults::FILE_TOO_BIG,
        server_error: defaults::SERVER_ERROR,
        browser_unsupported: defaults::BROWSER_UNSUPPORTED,
        max_file_exceed: defaults::MAX_FILE_EXCEED,
        cancel_upload: defaults::CANCEL_UPLOAD,
        remove_file: defaults::REMOVE_FILE,
        cancel_confirmation: defaults::CANCEL_CONFIRMATION,
        upload_canceled: defaults::UPLOAD_CANCELED,
    };
}

/// Where the page loads Dropzone.js and its CSS from.
///
/// Not `#[non_exhaustive]`: the runtime's renderer, in another crate, matches every source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssetSource {
    /// jsDelivr, with `integrity` (SRI) and `crossorigin` for the releases this crate knows.
    Cdn,
    /// The copies embedded in `dropzone-runtime`, served by its assets router (the
    /// counterpart of `DROPZONE_SERVE_LOCAL`).
    Local,
    /// URLs the application chose (`js_url` / `css_url`).
    Custom {
        /// The Dropzone.js script URL.
        js: &'static str,
        /// The Dropzone.js stylesheet URL.
        css: &'static str,
    },
}

impl AssetSource {
    /// The source a zone's `serve_local`, `js_url`, `css_url` and `version` select: the
    /// embedded copies unless the zone asks otherwise, since the crate ships them and a page
    /// should not reach a third party unless asked. `serve_local = false` selects jsDelivr,
    /// `js_url` with `css_url` the zone's own URLs, and a `version` this crate does not embed
    /// (without `serve_local`) jsDelivr, the only place that serves it. A conflict (both
    /// `serve_local = true` and URLs, one URL alone) is a rule's to report, not this choice's.
    pub const fn choose(
        serve_local: Option<bool>,
        js: Option<&'static str>,
        css: Option<&'static str>,
        version: &Version,
    ) -> AssetSource {
        match (serve_local, js, css) {
            (Some(true), _, _) => AssetSource::Local,
            (_, Some(js), Some(css)) => AssetSource::Custom { js, css },
            (None, _, _) if defaults::SERVE_LOCAL && version.is_embedded() => AssetSource::Local,
            _ => AssetSource::Cdn,
        }
    }
}

/// The accepted-files rule: what the page sends as `acceptedFiles` and what the server enforces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AcceptedFiles {
    /// The `acceptedFiles` string given to Dropzone.js, e.g. `"image/*"`.
    pub list: &'static str,
    /// The same list, parsed once by the macro; empty means every file is accepted.
    pub rules: &'static [Accept],
}

impl AcceptedFiles {
    /// The `default` preset, as [`crate::accept::parse`] resolves it.
    pub const DEFAULT: AcceptedFiles = AcceptedFiles {
        list: "image/*, audio/*, video/*, text/*, application/*",
        rules: &[
            Accept::TopLevel("image"),
            Accept::TopLevel("audio"),
            Accept::TopLevel("video"),
            Accept::TopLevel("text"),
            Accept::TopLevel("application"),
        ],
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_sets_one_field() {
        let o = Options::DEFAULT.with_id("a").with_max_files(Some(3));
        assert_eq!((o.id(), o.max_files()), ("a", Some(3)));
        assert_eq!(
            o.with_id(defaults::ID).with_max_files(None),
            Options::DEFAULT
        );
        assert_eq!(Options::DEFAULT.max_file_bytes(), 3 * 1_048_576);
        assert_eq!(mib_to_bytes(0.5), 524_288);
    }

    #[test]
    fn chunk_overrides_merge_into_the_base() {
        let base = Some(Chunking {
            chunk_size: 10,
            ..Chunking::DEFAULT
        });
        assert_eq!(merge_chunking(None, Some(true), None, None, None), None);
        let m = merge_chunking(base, Some(true), None, Some(true), None).unwrap();
        assert!(m.force && !m.parallel && m.chunk_size == 10);
        assert_eq!(m.retry_limit, Some(3));
        let m = m.with_overrides(None, None, None, Some(7));
        assert_eq!(m.retry_limit, Some(7));
        assert_eq!(
            m.with_overrides(None, None, None, None).retry_limit,
            Some(7)
        );
        assert_eq!(
            m.with_overrides(None, None, Some(false), None).retry_limit,
            None
        );
    }

    #[test]
    fn assets_are_local_unless_the_zone_asks_otherwise() {
        let v = Version::DEFAULT;
        let old = Version::new("6.2.0", 6);
        let choose = AssetSource::choose;
        assert_eq!(Options::DEFAULT.assets(), AssetSource::Local);
        assert_eq!(choose(None, None, None, &v), AssetSource::Local);
        assert_eq!(choose(Some(false), None, None, &v), AssetSource::Cdn);
        // Only jsDelivr serves a release this crate does not embed.
        assert_eq!(choose(None, None, None, &old), AssetSource::Cdn);
        let custom = AssetSource::Custom {
            js: "/a.js",
            css: "/a.css",
        };
        assert_eq!(choose(None, Some("/a.js"), Some("/a.css"), &v), custom);
        assert_eq!(
            choose(Some(false), Some("/a.js"), Some("/a.css"), &v),
            custom
        );
        // Asked for explicitly, local stays local: the rules report a conflict or a version.
        assert_eq!(choose(Some(true), None, None, &old), AssetSource::Local);
        assert_eq!(
            choose(Some(true), Some("/a.js"), Some("/a.css"), &v),
            AssetSource::Local
        );
    }

    #[test]
    fn default_accept_list_is_the_default_preset() {
        let parsed = crate::accept::parse(false, None).unwrap();
        assert_eq!(parsed.list, AcceptedFiles::DEFAULT.list);
        assert_eq!(parsed.rules.len(), AcceptedFiles::DEFAULT.rules.len());
    }
}
