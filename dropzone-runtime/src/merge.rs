//! Support for the macros' expansions: the stub options emitted beside a compile error, and the
//! const check of `dropzone!(Zone, key = value, ...)`.
//!
//! The override form merges the user's keys into `Zone::OPTIONS` with struct-update syntax. The
//! macro cannot see `Zone`'s options, so the cross-option rules of the merged value run here, in
//! a `const _: () = check_merged(&O);` that fails the build with the same wording the macro uses.
//!
//! KEEP IN SYNC: the messages are those of `dropzone-macros/src/valid.rs`; a unit test there
//! checks that every one of them appears in this file.

use crate::options::{AcceptedFiles, AssetSource, Chunking, Messages, Options, Version};

/// The `extra(...)` options that not every supported Dropzone.js release has, with the first
/// release (major, minor) that does.
///
/// KEEP IN SYNC: the `since` column of `dropzone-macros/src/extra.rs`; a unit test there checks
/// that every entry appears here.
const NEWER_EXTRAS: &[(&str, u8, u8)] = &[
    ("disablePreviews", 5, 7),
    ("defaultHeaders", 6, 0),
    ("resizeTransparencyFill", 6, 2),
    ("dictThumbnailError", 6, 1),
];

/// Valid-looking options the macros emit beside a compile error, so that code using the zone
/// type-checks and the user sees only the real error. Never rendered: the build fails.
#[doc(hidden)]
pub const FALLBACK_OPTIONS: Options = Options {
    id: "myDropzone",
    action: "/",
    version: Version::DEFAULT,
    assets: AssetSource::Cdn,
    max_file_size: 3.0,
    input_name: "file",
    accepted_files: AcceptedFiles {
        list: "",
        rules: &[],
    },
    max_files: None,
    timeout: None,
    redirect_url: None,
    upload_multiple: false,
    parallel_uploads: 2,
    enable_csrf: false,
    upload_action: None,
    upload_on_click: false,
    upload_btn_id: "upload",
    in_form: false,
    messages: Messages {
        default_message: "",
        invalid_file_type: "",
        file_too_big: "",
        server_error: "",
        browser_unsupported: "",
        max_file_exceed: "",
        cancel_upload: "",
        remove_file: "",
        cancel_confirmation: "",
        upload_canceled: "",
    },
    custom_init: None,
    custom_options: None,
    chunking: None,
    strict_csp: false,
    extra: &[],
};

/// Panics (at const evaluation, so the build fails) if merged options break a cross-option rule.
#[doc(hidden)]
pub const fn check_merged(o: &Options) {
    if o.in_form && !o.upload_on_click {
        panic!(
            "`in_form` needs `upload_on_click = true`: inside your form, files are uploaded when its submit button is pressed"
        );
    }
    if o.in_form && o.upload_action.is_none() {
        panic!(
            "`in_form` needs `upload_action = \"/upload\"`, the URL the files are posted to before the form is submitted"
        );
    }
    if o.in_form && !o.action.is_empty() {
        panic!(
            "`action` has no effect with `in_form`: your form's own `action` receives the form; use `upload_action` for where the files go"
        );
    }
    if o.upload_action.is_some() && !o.in_form {
        panic!(
            "`upload_action` is only used with `in_form = true`; a standalone zone posts to `action`"
        );
    }
    if !o.in_form && o.action.is_empty() {
        panic!(
            "missing `action`: add `action = \"/upload\"`; it can still be replaced per request with `.action(..)`"
        );
    }
    if o.redirect_url.is_some() && o.in_form {
        panic!(
            "`redirect_url` has no effect with `in_form`: the form submission decides where the page goes"
        );
    }
    if let AssetSource::Local = o.assets
        && !is_embedded(&o.version)
    {
        panic!(
            "`serve_local` serves only the embedded Dropzone.js releases 5.9.3 and 6.3.5: set `version` to one of them, or set `serve_local = false` to load it from jsDelivr"
        );
    }
    if o.strict_csp && (o.custom_init.is_some() || o.custom_options.is_some()) {
        panic!(
            "`custom_init` and `custom_options` cannot be used with `strict_csp = true`: strict CSP pages run no inline script; use `extra(...)` for Dropzone.js options, or reach the zone from your own script file through its element's `dropzone` property"
        );
    }
    if o.chunking.is_some() && !version_at_least(o.version.text, 5, 2) {
        panic!(
            "`chunking` needs Dropzone.js 5.2 or later: raise `version`, or the zone's uploads are sent whole while the server expects chunks"
        );
    }
    let mut i = 0;
    while i < o.extra.len() {
        let mut j = 0;
        while j < NEWER_EXTRAS.len() {
            let (name, major, minor) = NEWER_EXTRAS[j];
            if str_eq(o.extra[i].name, name) && !version_at_least(o.version.text, major, minor) {
                panic!(
                    "an `extra(...)` option is newer than the zone's Dropzone.js `version`: raise `version` or remove the option"
                );
            }
            j += 1;
        }
        i += 1;
    }
}

/// Panics with `msg` unless `ok`: a check the macro wrote for one override key, so the error
/// points at that key. The macro builds `msg` with the same functions as its own errors.
#[doc(hidden)]
pub const fn require(ok: bool, msg: &'static str) {
    if !ok {
        panic!("{}", msg);
    }
}

/// Whether the zone chunks.
#[doc(hidden)]
pub const fn chunking_on(c: Option<Chunking>) -> bool {
    c.is_some()
}

/// Whether the zone retries chunks; `true` without chunking, which another check reports.
#[doc(hidden)]
pub const fn retries_on(c: Option<Chunking>) -> bool {
    match c {
        Some(c) => c.retry_limit.is_some(),
        None => true,
    }
}

/// The base zone's chunking with the page-only chunk options of `dropzone!(Zone, ...)`
/// applied; `None` stays `None` (`require` reports the override).
#[doc(hidden)]
pub const fn merge_chunking(
    base: Option<Chunking>,
    force: Option<bool>,
    parallel: Option<bool>,
    retry: Option<bool>,
    limit: Option<u32>,
) -> Option<Chunking> {
    let Some(c) = base else { return None };
    let retry_limit = match (retry, limit, c.retry_limit) {
        (Some(false), _, _) => None,
        (Some(true), Some(l), _) | (Some(true), None, Some(l)) | (None, Some(l), Some(_)) => {
            Some(l)
        }
        (Some(true), None, None) => Some(DEFAULT_RETRY_LIMIT),
        // A limit without retries: `require(retries_on(..))` reports it.
        (None, _, l) => l,
    };
    Some(Chunking {
        force: match force {
            Some(f) => f,
            None => c.force,
        },
        parallel: match parallel {
            Some(p) => p,
            None => c.parallel,
        },
        retry_limit,
        chunk_size: c.chunk_size,
    })
}

/// Dropzone.js's `retryChunksLimit` default.
const DEFAULT_RETRY_LIMIT: u32 = 3;

/// Whether the `MAJOR.MINOR.PATCH` text is at least `major.minor`.
const fn version_at_least(text: &str, major: u8, minor: u8) -> bool {
    let b = text.as_bytes();
    let mut nums = [0u32; 2];
    let (mut i, mut k) = (0, 0);
    while i < b.len() && k < 2 {
        if b[i] == b'.' {
            k += 1;
        } else {
            nums[k] = nums[k]
                .saturating_mul(10)
                .saturating_add((b[i] - b'0') as u32);
        }
        i += 1;
    }
    nums[0] > major as u32 || (nums[0] == major as u32 && nums[1] >= minor as u32)
}

const fn is_embedded(v: &Version) -> bool {
    let mut i = 0;
    while i < Version::EMBEDDED.len() {
        if str_eq(Version::EMBEDDED[i].text, v.text) {
            return true;
        }
        i += 1;
    }
    false
}

/// `a == b`, usable in a `const fn`.
const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_passes_the_check() {
        check_merged(&FALLBACK_OPTIONS);
    }

    #[test]
    #[should_panic(expected = "`in_form` needs `upload_on_click = true`")]
    fn in_form_without_click_panics() {
        check_merged(&Options {
            in_form: true,
            action: "",
            upload_action: Some("/u"),
            ..FALLBACK_OPTIONS
        });
    }

    #[test]
    #[should_panic(expected = "serves only the embedded")]
    fn local_unknown_version_panics() {
        check_merged(&Options {
            assets: AssetSource::Local,
            version: Version::new("6.0.0", 6),
            ..FALLBACK_OPTIONS
        });
    }

    #[test]
    #[should_panic(expected = "cannot be used with `strict_csp = true`")]
    fn strict_csp_with_custom_options_panics() {
        check_merged(&Options {
            strict_csp: true,
            custom_options: Some("a: 1"),
            ..FALLBACK_OPTIONS
        });
    }

    #[test]
    #[should_panic(expected = "newer than the zone's Dropzone.js `version`")]
    fn newer_extra_on_old_version_panics() {
        check_merged(&Options {
            version: Version::V5_9_3,
            extra: &[crate::options::ExtraOption {
                name: "defaultHeaders",
                json: "false",
            }],
            ..FALLBACK_OPTIONS
        });
    }

    #[test]
    fn versions_compare_by_major_and_minor() {
        assert!(version_at_least("6.3.5", 6, 2) && version_at_least("6.2.0", 6, 2));
        assert!(!version_at_least("6.1.9", 6, 2) && !version_at_least("5.9.3", 6, 0));
        assert!(version_at_least("10.0.0", 6, 2));
    }

    #[test]
    fn chunk_overrides_merge_into_the_base() {
        let base = Some(Chunking {
            force: false,
            chunk_size: 10,
            parallel: false,
            retry_limit: None,
        });
        assert_eq!(merge_chunking(None, Some(true), None, None, None), None);
        let m = merge_chunking(base, Some(true), None, Some(true), None).unwrap();
        assert!(m.force && !m.parallel && m.chunk_size == 10);
        assert_eq!(m.retry_limit, Some(3));
        let m = merge_chunking(Some(m), None, None, None, Some(7)).unwrap();
        assert_eq!(m.retry_limit, Some(7));
        let m = merge_chunking(Some(m), None, None, None, None).unwrap();
        assert_eq!(m.retry_limit, Some(7));
        assert_eq!(
            merge_chunking(Some(m), None, None, Some(false), None)
                .unwrap()
                .retry_limit,
            None
        );
        assert!(chunking_on(base) && !retries_on(base) && retries_on(None));
    }

    #[test]
    #[should_panic(expected = "no effect")]
    fn require_panics_with_the_message() {
        require(true, "fine");
        require(false, "no effect");
    }

    #[test]
    fn local_embedded_version_passes() {
        check_merged(&Options {
            assets: AssetSource::Local,
            version: Version::V5_9_3,
            ..FALLBACK_OPTIONS
        });
        assert!(str_eq("6.3.5", "6.3.5") && !str_eq("6.3.5", "6.3.4") && !str_eq("6", "6.3"));
    }
}
