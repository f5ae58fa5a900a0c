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
use crate::model::ast::Settings;
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
pub(crate) const SERVE_LOCAL_UNKNOWN_VERSION: &str = "`serve_local` serves only the embedded Dropzone.js releases 5.9.3 and 6.3.5: set `version` to one of them, or drop `serve_local` to load it from jsDelivr";

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
    }
    serve_local_unknown_version(cx, s);
    serve_local_with_urls(cx, s);
    urls_in_pairs(cx, s);
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
        ] {
            let escaped = msg.replace('"', "\\\"");
            assert!(merge.contains(&escaped), "merge.rs lacks: {escaped}");
        }
    }
}
