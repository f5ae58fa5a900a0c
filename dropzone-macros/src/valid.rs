//! The rules between options: `dropzone_core::rules`, evaluated on the options about to be
//! emitted and reported at the keys the user wrote.
//!
//! A broken rule is reported once, at the first of its keys the user wrote (or at the type or
//! the macro call when none was written, as for a missing `action`). Rules about an option
//! whose own value was invalid stay quiet, so one mistake gives one error. The override form
//! `dropzone!(Zone, ...)` cannot see `Zone`'s options, so there the same rules become const
//! checks (`checks`), spanned at the same key.

use crate::ctxt::Ctxt;
use crate::model::attrs::Attrs;
use dropzone_core::Options;
use dropzone_core::rules::{Given, Rule, extra_is_newer};
use dropzone_core::table;
use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;
use syn::Ident;

/// Checks a complete option list. `whole` is where an error about a missing option goes.
pub(crate) fn check(cx: &Ctxt, a: &Attrs, o: &Options, whole: Span) {
    let given = Given(&a.given);
    for &rule in Rule::ALL {
        if a.is_invalid(rule.keys()) || !rule.broken(o, &given) {
            continue;
        }
        if rule == Rule::ExtraNewerThanVersion
            && let Some(list) = &a.extra
        {
            // Point at each option the release lacks, not at the whole list.
            for e in list.entries.iter().filter(|e| extra_is_newer(o, e.def.js)) {
                let (major, minor) = e.def.since;
                let msg = format!(
                    "`{}` needs Dropzone.js {major}.{minor} or later, and `version` is \"{}\"; {}",
                    e.def.name,
                    o.version().text,
                    rule.message()
                );
                cx.error_at(e.key.span(), msg);
            }
            continue;
        }
        let at = first_key(a, rule).map_or(whole, Ident::span);
        cx.error_at(at, rule.message());
    }
}

/// The first of `rule`'s keys that the user wrote.
fn first_key(a: &Attrs, rule: Rule) -> Option<&Ident> {
    rule.keys().iter().find_map(|k| a.key(k))
}

/// In the override form a server rule may not change: the upload extractor of the zone type
/// enforces the zone type's own value, and the page must agree with it.
pub(crate) fn server_rules(cx: &Ctxt, a: &Attrs) {
    for name in &a.given {
        let Some(def) = table::lookup(name).filter(|d| d.server_rule) else {
            continue;
        };
        let key = a.key(def.name).expect("given options have a key");
        cx.error_at(
            key.span(),
            format!(
                "`{key}` is a server rule and cannot be overridden: the upload extractor of the zone type enforces its own value, so the page and the server would disagree; declare another zone type"
            ),
        );
    }
}

/// The const checks of the override form: for every rule whose keys the user overrode, the
/// rule's own condition on the merged options `merged`, panicking with the rule's own message
/// at the first such key. `given` is the expression of the overridden keys.
pub(crate) fn checks(a: &Attrs, merged: &Ident, given: &TokenStream) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for &rule in Rule::ALL {
        let Some(key) = first_key(a, rule) else {
            continue;
        };
        let variant = Ident::new(rule.name(), Span::call_site());
        let msg = rule.message();
        out.push(quote_spanned!(key.span()=>
            const _: () = if ::dropzone_runtime::__private::Rule::#variant.broken(&#merged, &#given) {
                ::core::panic!(#msg)
            };
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::parse::macro_input;
    use crate::model::{attrs, options};
    use quote::quote;

    fn errors(tokens: TokenStream) -> Vec<String> {
        let cx = Ctxt::new();
        let a = attrs::build(&cx, macro_input(tokens).unwrap().entries, true);
        let o = options::options(&a, "z");
        check(&cx, &a, &o, Span::call_site());
        match cx.check() {
            Ok(()) => vec![],
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    fn msg(rule: Rule) -> String {
        rule.message().to_owned()
    }

    #[test]
    fn valid_setups_pass() {
        assert!(errors(quote!(action = "/u")).is_empty());
        let in_form = quote!(in_form = true, upload_on_click = true, upload_action = "/u");
        assert!(errors(in_form).is_empty());
        assert!(errors(quote!(action = "/u", serve_local = true, version = "5.9.3")).is_empty());
        assert!(errors(quote!(action = "/u", js_url = "/a.js", css_url = "/a.css")).is_empty());
        let chunked = quote!(action = "/u", chunking = true, retry_chunks = true);
        assert!(errors(chunked).is_empty());
    }

    #[test]
    fn each_broken_rule_is_reported_once() {
        assert_eq!(errors(quote!()), [msg(Rule::MissingAction)]);
        assert_eq!(
            errors(quote!(
                in_form = true,
                upload_on_click = false,
                upload_action = "/u"
            )),
            [msg(Rule::InFormNeedsClick)]
        );
        assert_eq!(
            errors(quote!(
                action = "/a",
                serve_local = true,
                js_url = "/a.js",
                css_url = "/a.css"
            )),
            [msg(Rule::ServeLocalWithUrls)]
        );
        assert_eq!(
            errors(quote!(action = "/u", retry_chunks_limit = 2)),
            [msg(Rule::RetryLimitWithoutChunking)]
        );
        let newer = errors(quote!(
            action = "/u",
            version = "6.1.0",
            extra(resize_transparency_fill = "#fff", method = "put")
        ));
        assert_eq!(newer.len(), 1);
        assert!(newer[0].starts_with(
            "`resize_transparency_fill` needs Dropzone.js 6.2 or later, and `version` is \"6.1.0\"; an `extra(...)`"
        ));
    }

    #[test]
    fn an_invalid_value_is_not_reported_again() {
        assert_eq!(errors(quote!(action = 5)).len(), 1);
        assert_eq!(errors(quote!(in_form = 1, upload_action = "/u")).len(), 1);
    }
}
