//! Cross-option rules, one function each, run after every option was checked on its own.
//!
//! Each rule reports at every option involved that the user wrote, so the fix is visible from
//! either end. Options whose own value was invalid are skipped (`Settings::is_invalid`), so one
//! mistake gives one error. Nothing is ever changed silently: unlike Flask-Dropzone, upload on
//! click does not force `upload_multiple` or `parallel_uploads`.
//!
//! KEEP IN SYNC: `dropzone-runtime/src/merge.rs` (`check_merged`) panics with these same
//! messages for `dropzone!(Zone, ...)`, whose merged options only exist at const-eval time. The
//! `messages_match_check_merged` test below compares the two files.

use crate::ctxt::Ctxt;
use crate::model::ast::{Settings, Val};
use crate::table;
use proc_macro2::Span;

pub(crate) const IN_FORM_NEEDS_CLICK: &str = "`in_form` needs `upload_on_click = true`: inside your form, files are uploaded when its submit button is pressed";
pub(crate) const IN_FORM_NEEDS_UPLOAD_ACTION: &str = "`in_form` needs `upload_action = \"/upload\"`, the URL the files are posted to before the form is submitted";
pub(crate) const IN_FORM_WITH_ACTION: &str = "`action` has no effect with `in_form`: your form's own `action` receives the form; use `upload_action` for where the files go";
pub(crate) const UPLOAD_ACTION_WITHOUT_IN_FORM: &str =
    "`upload_action` is only used with `in_form = true`; a standalone zone posts to `action`";
pub(crate) const MISSING_ACTION: &str = "missing `action`: add `action = \"/upload\"`; it can still be replaced per request with `.action(..)`";
pub(crate) const REDIRECT_IN_FORM: &str =
    "`redirect_url` has no effect with `in_form`: the form submission decides where the page goes";
pub(crate) const SERVE_LOCAL_WITH_URLS: &str = "`serve_local` conflicts with `js_url`/`css_url`: use either the embedded copies or your own URLs";
pub(crate) const URLS_IN_PAIRS: &str =
    "`js_url` and `css_url` go together: give both, or neither to use jsDelivr";
pub(crate) const SERVE_LOCAL_UNKNOWN_VERSION: &str = "`serve_local` serves only the embedded Dropzone.js releases 5.9.3 and 6.3.5: set `version` to one of them, or set `serve_local = false` to load it from jsDelivr";

pub(crate) const CHUNKING_WITH_UPLOAD_MULTIPLE: &str = "`chunking` and `upload_multiple` cannot be combined: Dropzone.js throws \"You cannot set both: uploadMultiple and chunking.\"; choose one";
pub(crate) const STRICT_CSP_INLINE: &str = "`custom_init` and `custom_options` cannot be used with `strict_csp = true`: strict CSP pages run no inline script; use `extra(...)` for Dropzone.js options, or reach the zone from your own script file through its element's `dropzone` property";
pub(crate) const CHUNKING_NEEDS_5_2: &str = "`chunking` needs Dropzone.js 5.2 or later: raise `version`, or the zone's uploads are sent whole while the server expects chunks";
/// The end of every "this extra option is newer than `version`" message; `check_merged`, which
/// cannot name the option, says it too.
pub(crate) const RAISE_VERSION: &str = "raise `version` or remove the option";

/// `name` is set without `chunking = true`. In the override form the zone type does not chunk,
/// and `chunking`, a server rule, can only be set there.
pub(crate) fn needs_chunking(name: &str, full: bool) -> String {
    if full {
        format!(
            "`{name}` has no effect without `chunking = true`: add `chunking = true`, or remove `{name}`"
        )
    } else {
        format!(
            "`{name}` has no effect without `chunking = true`, and the zone type does not chunk: `chunking` is a server rule, so set it on the zone type"
        )
    }
}

/// `retry_chunks_limit` is set without `retry_chunks = true`.
pub(crate) fn needs_retry(full: bool) -> &'static str {
    if full {
        "`retry_chunks_limit` has no effect without `retry_chunks = true`: add `retry_chunks = true`, or remove `retry_chunks_limit`"
    } else {
        "`retry_chunks_limit` has no effect without `retry_chunks = true`, and the zone type does not retry chunks: add `retry_chunks = true`"
    }
}

/// Runs the rules. `whole` is where an error about a missing option goes (the type, or the
/// macro call). `full` is false for `dropzone!(Zone, ...)`: only the rules about options given
/// together run here, the rest is `check_merged`'s job.
pub(crate) fn check(cx: &Ctxt, s: &Settings, whole: Span, full: bool) {
    if full {
        in_form_needs_click(cx, s);
        in_form_needs_upload_action(cx, s);
        in_form_with_action(cx, s);
        upload_action_without_in_form(cx, s);
        missing_action(cx, s, whole);
        redirect_in_form(cx, s);
        chunk_options_need_chunking(cx, s);
        chunking_with_upload_multiple(cx, s);
        chunk_size_within_max_file_size(cx, s);
    }
    if full || s.get("retry_chunks").is_some() {
        retry_limit_needs_retry(cx, s, full);
    }
    if full || s.get("version").is_some() {
        extra_needs_newer_version(cx, s);
    }
    if full {
        chunking_needs_5_2(cx, s);
    }
    serve_local_unknown_version(cx, s);
    serve_local_with_urls(cx, s);
    urls_in_pairs(cx, s);
    strict_csp_inline(cx, s);
}

/// Reports `msg` at the key of each of `names` the user wrote.
fn at(cx: &Ctxt, s: &Settings, names: &[&str], msg: &str) {
    for name in names {
        if let Some(setting) = s.get(name) {
            cx.error_at(setting.key.span(), msg);
        }
    }
}

/// In-form mode has no upload trigger of its own: Dropzone would upload on drop, before the
/// form is filled in, and the browser throws "No URL provided" without a URL.
fn in_form_needs_click(cx: &Ctxt, s: &Settings) {
    if s.flag("in_form") && !s.flag("upload_on_click") && !s.is_invalid(&["upload_on_click"]) {
        at(cx, s, &["in_form", "upload_on_click"], IN_FORM_NEEDS_CLICK);
    }
}

/// In-form mode posts the files to `upload_action`; without it Flask-Dropzone emitted `url: "None"`.
fn in_form_needs_upload_action(cx: &Ctxt, s: &Settings) {
    if s.flag("in_form") && s.get("upload_action").is_none() && !s.is_invalid(&["upload_action"]) {
        at(cx, s, &["in_form"], IN_FORM_NEEDS_UPLOAD_ACTION);
    }
}

/// In-form mode renders a `<div>`, so an `action` would be silently ignored.
fn in_form_with_action(cx: &Ctxt, s: &Settings) {
    if s.flag("in_form") && s.get("action").is_some() {
        at(cx, s, &["in_form", "action"], IN_FORM_WITH_ACTION);
    }
}

/// `upload_action` is read only in in-form mode; elsewhere it would be silently ignored.
fn upload_action_without_in_form(cx: &Ctxt, s: &Settings) {
    if s.get("upload_action").is_some() && !s.flag("in_form") && !s.is_invalid(&["in_form"]) {
        at(
            cx,
            s,
            &["upload_action", "in_form"],
            UPLOAD_ACTION_WITHOUT_IN_FORM,
        );
    }
}

/// A standalone zone is a `<form>` that needs somewhere to post (Flask raised `BuildError`).
fn missing_action(cx: &Ctxt, s: &Settings, whole: Span) {
    if !s.flag("in_form") && s.get("action").is_none() && !s.is_invalid(&["action", "in_form"]) {
        cx.error_at(whole, MISSING_ACTION);
    }
}

/// After an in-form upload the form is submitted, and its response replaces the page: a
/// `queuecomplete` redirect would race it.
fn redirect_in_form(cx: &Ctxt, s: &Settings) {
    if s.flag("in_form") && s.get("redirect_url").is_some() {
        at(cx, s, &["redirect_url", "in_form"], REDIRECT_IN_FORM);
    }
}

/// The page loads Dropzone.js from one place: the embedded copies or the given URLs.
fn serve_local_with_urls(cx: &Ctxt, s: &Settings) {
    if s.flag("serve_local") && (s.get("js_url").is_some() || s.get("css_url").is_some()) {
        at(
            cx,
            s,
            &["serve_local", "js_url", "css_url"],
            SERVE_LOCAL_WITH_URLS,
        );
    }
}

/// A page needs both files; one custom URL with the other from jsDelivr would mix releases.
fn urls_in_pairs(cx: &Ctxt, s: &Settings) {
    if s.get("js_url").is_some() != s.get("css_url").is_some()
        && !s.is_invalid(&["js_url", "css_url"])
    {
        at(cx, s, &["js_url", "css_url"], URLS_IN_PAIRS);
    }
}

/// Only the embedded releases can be served locally. An absent `version` is the default (or,
/// in the override form, the base zone's, which `check_merged` looks at).
fn serve_local_unknown_version(cx: &Ctxt, s: &Settings) {
    if s.flag("serve_local")
        && let Some(v) = s.str("version")
        && !["5.9.3", "6.3.5"].contains(&v)
    {
        at(
            cx,
            s,
            &["serve_local", "version"],
            SERVE_LOCAL_UNKNOWN_VERSION,
        );
    }
}

/// Dropzone.js reads the chunk options only when `chunking` is on: silently ignored otherwise.
fn chunk_options_need_chunking(cx: &Ctxt, s: &Settings) {
    if s.flag("chunking") || s.is_invalid(&["chunking"]) {
        return;
    }
    for name in table::CHUNK_OPTIONS {
        if let Some(setting) = s.get(name) {
            cx.error_at(setting.key.span(), needs_chunking(name, true));
        }
    }
}

/// Dropzone.js's constructor throws "You cannot set both: uploadMultiple and chunking.".
fn chunking_with_upload_multiple(cx: &Ctxt, s: &Settings) {
    if s.flag("chunking") && s.flag("upload_multiple") {
        at(
            cx,
            s,
            &["chunking", "upload_multiple"],
            CHUNKING_WITH_UPLOAD_MULTIPLE,
        );
    }
}

/// Each chunk is one request, and the upload extractor's per-file and body limits follow
/// `max_file_size`: a larger chunk would be refused as too large.
fn chunk_size_within_max_file_size(cx: &Ctxt, s: &Settings) {
    if !s.flag("chunking") || s.is_invalid(&["chunk_size", "max_file_size"]) {
        return;
    }
    let size = match s.get("chunk_size").map(|c| &c.val) {
        Some(Val::Int(n)) => *n,
        _ => table::CHUNK_SIZE,
    };
    let mib = match s.get("max_file_size").map(|c| &c.val) {
        Some(Val::Num(n)) => *n,
        _ => 3.0,
    };
    // As the extractor counts (`upload::max_file_bytes`): rounded down, saturating.
    let max = (mib * 1_048_576.0) as u64;
    if size <= max {
        return;
    }
    let what = if s.get("chunk_size").is_some() {
        format!("`chunk_size` ({size} bytes)")
    } else {
        format!("the default `chunk_size` ({size} bytes)")
    };
    let msg = format!(
        "{what} is larger than `max_file_size` ({mib} MiB = {max} bytes): each chunk is one request, and the zone's body limit follows `max_file_size`; set `chunk_size` to at most {max}"
    );
    let sites: &[&str] = if s.get("chunk_size").is_some() {
        &["chunk_size", "max_file_size"]
    } else {
        &["chunking", "max_file_size"]
    };
    at(cx, s, sites, &msg);
}

/// Dropzone.js reads `retryChunksLimit` only when `retryChunks` is on. Not repeated when the
/// limit was already reported for missing `chunking`.
fn retry_limit_needs_retry(cx: &Ctxt, s: &Settings, full: bool) {
    if s.get("retry_chunks_limit").is_none()
        || s.flag("retry_chunks")
        || s.is_invalid(&["retry_chunks"])
        || (full && !s.flag("chunking"))
    {
        return;
    }
    at(
        cx,
        s,
        &["retry_chunks_limit", "retry_chunks"],
        needs_retry(full),
    );
}

/// A strict CSP page has no inline script for the raw JavaScript to run in.
fn strict_csp_inline(cx: &Ctxt, s: &Settings) {
    if s.flag("strict_csp") && (s.get("custom_init").is_some() || s.get("custom_options").is_some())
    {
        at(
            cx,
            s,
            &["strict_csp", "custom_init", "custom_options"],
            STRICT_CSP_INLINE,
        );
    }
}

/// `major.minor` of a checked version text (`6.3.5` → `(6, 3)`); the default is 6.3.
fn major_minor(s: &Settings) -> (u8, u8) {
    let text = s.str("version").unwrap_or("6.3.5");
    let mut parts = text.split('.').map(|p| p.parse::<u8>().unwrap_or(u8::MAX));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// Dropzone.js added chunking in 5.2.0; older releases ignore it and send whole files.
fn chunking_needs_5_2(cx: &Ctxt, s: &Settings) {
    if s.flag("chunking") && major_minor(s) < (5, 2) {
        at(cx, s, &["chunking", "version"], CHUNKING_NEEDS_5_2);
    }
}

/// Extra options that a release does not know would be silently ignored.
fn extra_needs_newer_version(cx: &Ctxt, s: &Settings) {
    let text = s.str("version").unwrap_or("6.3.5");
    let have = major_minor(s);
    for e in s.extra.iter().filter(|e| e.def.since > have) {
        let (major, minor) = e.def.since;
        let msg = format!(
            "`{}` needs Dropzone.js {major}.{minor} or later, and `version` is \"{text}\": {RAISE_VERSION}",
            e.def.name
        );
        cx.error_at(e.key.span(), &msg);
        if let Some(v) = s.get("version") {
            cx.error_at(v.key.span(), msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::parse::macro_input;
    use crate::model::ast;
    use proc_macro2::TokenStream;
    use quote::quote;

    fn errors(tokens: TokenStream) -> Vec<String> {
        let cx = Ctxt::new();
        let s = ast::build(&cx, macro_input(tokens).unwrap().entries, true);
        check(&cx, &s, Span::call_site(), true);
        match cx.check() {
            Ok(()) => vec![],
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn valid_setups_pass() {
        assert!(errors(quote!(action = "/u")).is_empty());
        let in_form = quote!(in_form = true, upload_on_click = true, upload_action = "/u");
        assert!(errors(in_form).is_empty());
        assert!(errors(quote!(action = "/u", serve_local = true, version = "5.9.3")).is_empty());
        assert!(errors(quote!(action = "/u", js_url = "/a.js", css_url = "/a.css")).is_empty());
    }

    #[test]
    fn each_rule_reports_every_site() {
        assert_eq!(errors(quote!()), [MISSING_ACTION]);
        assert_eq!(
            errors(quote!(in_form = true, upload_action = "/u")),
            [IN_FORM_NEEDS_CLICK]
        );
        assert_eq!(
            errors(quote!(
                in_form = true,
                upload_on_click = false,
                upload_action = "/u"
            )),
            [IN_FORM_NEEDS_CLICK, IN_FORM_NEEDS_CLICK]
        );
        assert_eq!(
            errors(quote!(in_form = true, upload_on_click = true)),
            [IN_FORM_NEEDS_UPLOAD_ACTION]
        );
        assert_eq!(
            errors(quote!(
                in_form = true,
                upload_on_click = true,
                upload_action = "/u",
                action = "/a"
            )),
            [IN_FORM_WITH_ACTION, IN_FORM_WITH_ACTION]
        );
        assert_eq!(
            errors(quote!(action = "/a", upload_action = "/u")),
            [UPLOAD_ACTION_WITHOUT_IN_FORM]
        );
        assert_eq!(
            errors(quote!(
                in_form = true,
                upload_on_click = true,
                upload_action = "/u",
                redirect_view = "/r"
            )),
            [REDIRECT_IN_FORM, REDIRECT_IN_FORM]
        );
        assert_eq!(
            errors(quote!(
                action = "/a",
                serve_local = true,
                js_url = "/a.js",
                css_url = "/a.css"
            )),
            [SERVE_LOCAL_WITH_URLS; 3]
        );
        assert_eq!(
            errors(quote!(action = "/a", css_url = "/a.css")),
            [URLS_IN_PAIRS]
        );
        assert_eq!(
            errors(quote!(action = "/a", serve_local = true, version = "6.0.0")),
            [SERVE_LOCAL_UNKNOWN_VERSION; 2]
        );
    }

    #[test]
    fn chunking_strict_csp_and_extra_rules() {
        let chunked = quote!(action = "/u", chunking = true, retry_chunks = true);
        assert!(errors(chunked).is_empty());
        let force = needs_chunking("force_chunking", true);
        assert_eq!(
            errors(quote!(action = "/u", force_chunking = true)),
            [force]
        );
        assert_eq!(
            errors(quote!(
                action = "/u",
                chunking = true,
                upload_multiple = true
            )),
            [CHUNKING_WITH_UPLOAD_MULTIPLE; 2]
        );
        // Exactly max_file_size in bytes fits; one byte more does not.
        let fits = quote!(
            action = "/u",
            max_file_size = 1,
            chunking = true,
            chunk_size = 1048576
        );
        assert!(errors(fits).is_empty());
        let over = errors(quote!(
            action = "/u",
            max_file_size = 1,
            chunking = true,
            chunk_size = 1048577
        ));
        assert_eq!(over.len(), 2);
        assert!(over[0].starts_with(
            "`chunk_size` (1048577 bytes) is larger than `max_file_size` (1 MiB = 1048576 bytes)"
        ));
        assert_eq!(
            errors(quote!(
                action = "/u",
                chunking = true,
                retry_chunks = false,
                retry_chunks_limit = 2
            )),
            [needs_retry(true); 2]
        );
        // Without chunking the limit is reported once, for chunking.
        assert_eq!(
            errors(quote!(action = "/u", retry_chunks_limit = 2)).len(),
            1
        );
        assert_eq!(
            errors(quote!(
                action = "/u",
                strict_csp = true,
                custom_options = "a: 1"
            )),
            [STRICT_CSP_INLINE; 2]
        );
        let newer = errors(quote!(
            action = "/u",
            version = "6.1.0",
            extra(resize_transparency_fill = "#fff")
        ));
        assert_eq!(newer.len(), 2);
        assert!(newer[0].starts_with("`resize_transparency_fill` needs Dropzone.js 6.2 or later"));
        assert!(
            errors(quote!(
                action = "/u",
                version = "6.2.0",
                extra(resize_transparency_fill = "#fff")
            ))
            .is_empty()
        );
        assert_eq!(
            errors(quote!(action = "/u", version = "5.1.9", chunking = true)),
            [CHUNKING_NEEDS_5_2; 2]
        );
        assert!(errors(quote!(action = "/u", version = "5.2.0", chunking = true)).is_empty());
    }

    #[test]
    fn an_invalid_value_is_not_reported_again() {
        assert_eq!(errors(quote!(action = 5)).len(), 1);
        assert_eq!(errors(quote!(in_form = 1, upload_action = "/u")).len(), 1);
    }

    #[test]
    fn messages_match_check_merged() {
        let merge = include_str!("../../dropzone-runtime/src/merge.rs");
        for msg in [
            IN_FORM_NEEDS_CLICK,
            IN_FORM_NEEDS_UPLOAD_ACTION,
            IN_FORM_WITH_ACTION,
            UPLOAD_ACTION_WITHOUT_IN_FORM,
            MISSING_ACTION,
            REDIRECT_IN_FORM,
            SERVE_LOCAL_UNKNOWN_VERSION,
            STRICT_CSP_INLINE,
            RAISE_VERSION,
            CHUNKING_NEEDS_5_2,
        ] {
            let escaped = msg.replace('"', "\\\"");
            assert!(merge.contains(&escaped), "merge.rs lacks: {escaped}");
        }
    }
}
