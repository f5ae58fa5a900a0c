//! Support for the macros' expansions: the stub options emitted beside a compile error, and the
//! const check of `dropzone!(Zone, key = value, ...)`.
//!
//! The override form merges the user's keys into `Zone::OPTIONS` with struct-update syntax. The
//! macro cannot see `Zone`'s options, so the cross-option rules of the merged value run here, in
//! a `const _: () = check_merged(&O);` that fails the build with the same wording the macro uses.
//!
//! KEEP IN SYNC: the messages are those of `dropzone-macros/src/valid.rs`; a unit test there
//! checks that every one of them appears in this file.

use crate::options::{AcceptedFiles, AssetSource, Messages, Options, Version};

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
            "`serve_local` serves only the embedded Dropzone.js releases 5.9.3 and 6.3.5: set `version` to one of them, or drop `serve_local` to load it from jsDelivr"
        );
    }
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
    fn local_embedded_version_passes() {
        check_merged(&Options {
            assets: AssetSource::Local,
            version: Version::V5_9_3,
            ..FALLBACK_OPTIONS
        });
        assert!(str_eq("6.3.5", "6.3.5") && !str_eq("6.3.5", "6.3.4") && !str_eq("6", "6.3"));
    }
}
