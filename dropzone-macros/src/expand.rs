//! Code generation: the `Options` struct literal, the derive's impl and `dropzone!`'s value.
//!
//! Every path is absolute (`::dropzone_runtime::__private::…`, `::core::…`) so expansions work
//! under `#![no_implicit_prelude]` and next to any user item names. On error the output is the
//! combined errors plus a stub of the right type, so the user sees no follow-on errors.

use crate::attr::parse::{self, MacroInput};
use crate::ctxt::Ctxt;
use crate::filetypes::Rule;
use crate::model::ast::{self, Settings, Val};
use crate::model::check;
use crate::table::{self, Default, OptionDef};
use crate::valid;
use proc_macro2::{Literal, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{Data, DeriveInput, Ident, Path};

fn rt() -> TokenStream {
    quote!(::dropzone_runtime::__private)
}

/// Options with their own field code (everything else maps 1:1 to a field of the same name).
const SPECIAL: &[&str] = &[
    "action",
    "version",
    "serve_local",
    "js_url",
    "css_url",
    "allowed_file_custom",
    "allowed_file_type",
    "chunking",
    "force_chunking",
    "chunk_size",
    "parallel_chunk_uploads",
    "retry_chunks",
    "retry_chunks_limit",
];

/// `#[derive(DropzoneConfig)]`.
pub(crate) fn derive(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(err) => return err.into_compile_error(),
    };
    let cx = Ctxt::new();
    let generic = !input.generics.params.is_empty() || input.generics.where_clause.is_some();
    if generic {
        cx.error_spanned_by(
            &input.generics,
            "`DropzoneConfig` cannot be derived for a generic type: a zone type names one fixed set of options; declare a type without parameters",
        );
    }
    if let Data::Union(u) = &input.data {
        cx.error_spanned_by(
            u.union_token,
            "`DropzoneConfig` can be derived for a struct or an enum, not a union",
        );
    }
    let entries = parse::derive_entries(&cx, &input.attrs);
    let settings = ast::build(&cx, entries, true);
    valid::check(&cx, &settings, input.ident.span(), true);
    let rt = rt();
    let (options, errors) = match cx.check() {
        Ok(()) => (options_literal(&settings), None),
        Err(err) => (
            quote!(#rt::FALLBACK_OPTIONS),
            Some(err.into_compile_error()),
        ),
    };
    if generic {
        return errors.unwrap_or_default();
    }
    let ident = &input.ident;
    let dropzone_fn = crate::expand_page::derive_fn(ident);
    quote! {
        #errors
        const _: () = {
            #[automatically_derived]
            impl #rt::DropzoneConfig for #ident {
                const OPTIONS: &'static #rt::Options = &#options;
                #dropzone_fn
            }
        };
    }
}

/// `dropzone!(...)`.
pub(crate) fn dropzone(input: TokenStream) -> TokenStream {
    let rt = rt();
    let fallback = |errors: TokenStream| {
        quote!({
            #errors
            #rt::Dropzone::new(&#rt::FALLBACK_OPTIONS)
        })
    };
    let MacroInput { base, entries } = match parse::macro_input(input) {
        Ok(input) => input,
        Err(err) => return fallback(err.into_compile_error()),
    };
    let cx = Ctxt::new();
    let full = base.is_none();
    let first_key = entries.first().map(|e| e.key().span());
    let settings = ast::build(&cx, entries, full);
    valid::check(&cx, &settings, Span::call_site(), full);
    if !full {
        server_rules(&cx, &settings);
    }
    if let Err(err) = cx.check() {
        return fallback(err.into_compile_error());
    }
    let o = Ident::new("OPTIONS", Span::mixed_site());
    match base {
        None => {
            let options = options_literal(&settings);
            let value = crate::expand_page::zone_value(&quote!(&#o), &quote!(#o.id));
            quote!({
                const #o: #rt::Options = #options;
                #value
            })
        }
        // The base zone's own value, over its own page.
        Some(path) if settings.given.is_empty() && settings.extra_key.is_none() => quote!({
            <#path as #rt::DropzoneConfig>::dropzone()
        }),
        Some(path) => override_value(
            &settings,
            &path,
            &o,
            first_key.unwrap_or_else(Span::call_site),
        ),
    }
}

/// In the override form, a server rule may not change: the extractor of the base zone enforces
/// the base zone's rules, and the page must agree with it.
fn server_rules(cx: &Ctxt, s: &Settings) {
    for setting in s
        .order
        .iter()
        .map(|name| &s.given[name])
        .filter(|s| s.def.server_rule)
    {
        cx.error_at(
            setting.key.span(),
            format!(
                "`{}` is a server rule and cannot be overridden: the upload extractor of the zone type enforces its own value, so the page and the server would disagree; declare another zone type",
                setting.key
            ),
        );
    }
}

fn override_value(s: &Settings, path: &Path, o: &Ident, first: Span) -> TokenStream {
    let rt = rt();
    let base = quote!(<#path as #rt::DropzoneConfig>::OPTIONS);
    let mut fields = Vec::new();
    let mut messages = Vec::new();
    for (name, setting) in &s.given {
        let def = setting.def;
        if def.message {
            messages.push(field(def, Some(&setting.val)));
        } else if !SPECIAL.contains(name) {
            fields.push(field(def, Some(&setting.val)));
        }
    }
    if let Some(action) = s.str("action") {
        fields.push(quote!(action: #action));
    }
    if s.get("version").is_some() {
        fields.push(version(s));
    }
    if ["serve_local", "js_url", "css_url"]
        .iter()
        .any(|n| s.get(n).is_some())
    {
        fields.push(assets(s));
    }
    let mut checks = Vec::new();
    if table::CHUNK_OPTIONS.iter().any(|n| s.get(n).is_some()) {
        fields.push(chunking_override(s, &base, &mut checks));
    }
    if s.extra_key.is_some() {
        fields.push(extra(s));
    }
    let all_messages = table::OPTIONS.iter().filter(|d| d.message).count();
    if !messages.is_empty() {
        let rest = (messages.len() < all_messages).then(|| quote!(..#base.messages));
        fields.push(quote!(messages: #rt::Messages { #(#messages,)* #rest }));
    }
    // The whole call carries the span of the first override key, so a failed check points there.
    let o_at = Ident::new("OPTIONS", o.span().located_at(first));
    let check = quote_spanned!(first=>
        const _: () = ::dropzone_runtime::__private::check_merged(&#o_at);
    );
    // The element may get another id, but the uploads stay the base zone's.
    let value = crate::expand_page::zone_value(&quote!(&#o), &quote!(#base.id));
    quote!({
        const #o: #rt::Options = #rt::Options { #(#fields,)* ..*#base };
        #check
        #(#checks)*
        #value
    })
}

/// `chunking:` of the override form: the page-only chunk options merged into the base zone's
/// chunking, plus one const check per key that needs the base to chunk (or retry), spanned
/// at that key. `chunking` and `chunk_size` are server rules, refused before this runs.
fn chunking_override(
    s: &Settings,
    base: &TokenStream,
    checks: &mut Vec<TokenStream>,
) -> TokenStream {
    let rt = rt();
    let some = |name: &str| match s.get(name).map(|setting| &setting.val) {
        Some(Val::Bool(b)) => quote!(::core::option::Option::Some(#b)),
        Some(Val::Int(n)) => {
            let n = Literal::u32_unsuffixed(u32::try_from(*n).expect("checked against U32"));
            quote!(::core::option::Option::Some(#n))
        }
        _ => quote!(::core::option::Option::None),
    };
    for name in table::CHUNK_OPTIONS {
        if let Some(setting) = s.get(name) {
            let msg = valid::needs_chunking(name, false);
            checks.push(quote_spanned!(setting.key.span()=>
                const _: () = ::dropzone_runtime::__private::require(
                    ::dropzone_runtime::__private::chunking_on(#base.chunking), #msg);
            ));
        }
    }
    if let (Some(setting), None) = (s.get("retry_chunks_limit"), s.get("retry_chunks")) {
        let msg = valid::needs_retry(false);
        checks.push(quote_spanned!(setting.key.span()=>
            const _: () = ::dropzone_runtime::__private::require(
                ::dropzone_runtime::__private::retries_on(#base.chunking), #msg);
        ));
    }
    let (force, parallel, retry, limit) = (
        some("force_chunking"),
        some("parallel_chunk_uploads"),
        some("retry_chunks"),
        some("retry_chunks_limit"),
    );
    quote!(chunking: #rt::merge_chunking(#base.chunking, #force, #parallel, #retry, #limit))
}

/// `chunking:` of a complete option list.
fn chunking(s: &Settings) -> TokenStream {
    let rt = rt();
    if !s.flag("chunking") {
        return quote!(chunking: ::core::option::Option::None);
    }
    let int = |name: &str, default: u64| match s.get(name).map(|setting| &setting.val) {
        Some(Val::Int(n)) => *n,
        _ => default,
    };
    let force = s.flag("force_chunking");
    let parallel = s.flag("parallel_chunk_uploads");
    let size = Literal::u64_unsuffixed(int("chunk_size", table::CHUNK_SIZE));
    let retry = if s.flag("retry_chunks") {
        let limit = u32::try_from(int("retry_chunks_limit", 3)).expect("checked against U32");
        let limit = Literal::u32_unsuffixed(limit);
        quote!(::core::option::Option::Some(#limit))
    } else {
        quote!(::core::option::Option::None)
    };
    quote!(chunking: ::core::option::Option::Some(#rt::Chunking {
        force: #force,
        chunk_size: #size,
        parallel: #parallel,
        retry_limit: #retry,
    }))
}

/// `extra:`, the checked `extra(...)` options with their JSON values.
fn extra(s: &Settings) -> TokenStream {
    let rt = rt();
    let items = s.extra.iter().map(|e| {
        let (name, json) = (e.def.js, &e.json);
        quote!(#rt::ExtraOption { name: #name, json: #json })
    });
    quote!(extra: &[#(#items),*])
}

/// The complete `Options` literal of a checked, complete setting list.
fn options_literal(s: &Settings) -> TokenStream {
    let rt = rt();
    let mut fields = Vec::new();
    let mut messages = Vec::new();
    for def in table::OPTIONS {
        if SPECIAL.contains(&def.name) {
            continue;
        }
        let f = field(def, s.get(def.name).map(|setting| &setting.val));
        if def.message {
            messages.push(f);
        } else {
            fields.push(f);
        }
    }
    let action = s.str("action").unwrap_or("");
    let version = version(s);
    let assets = assets(s);
    let accepted = accepted(s);
    let chunking = chunking(s);
    let extra = extra(s);
    quote!(#rt::Options {
        action: #action,
        #version,
        #assets,
        #accepted,
        #(#fields,)*
        messages: #rt::Messages { #(#messages,)* },
        #chunking,
        #extra,
    })
}

/// `name: value` for a plain field, from the given value or the table default.
fn field(def: &OptionDef, val: Option<&Val>) -> TokenStream {
    let name = Ident::new(def.name, Span::call_site());
    let optional = matches!(def.default, Default::Absent(_));
    let value = match (val, def.default) {
        (Some(Val::Str(v)), _) => quote!(#v),
        (Some(Val::Bool(b)), _) => quote!(#b),
        (Some(Val::Int(n)), _) => lit(Literal::u64_unsuffixed(*n)),
        (Some(Val::Num(n)), _) => lit(Literal::f64_unsuffixed(*n)),
        (None, Default::Str(v)) => quote!(#v),
        (None, Default::Bool(b)) => quote!(#b),
        (None, Default::Int(n)) => lit(Literal::u64_unsuffixed(n)),
        (None, Default::Num(n)) => lit(Literal::f64_unsuffixed(n)),
        (None, Default::Absent(_)) => return quote!(#name: ::core::option::Option::None),
    };
    if optional {
        quote!(#name: ::core::option::Option::Some(#value))
    } else {
        quote!(#name: #value)
    }
}

fn lit(l: Literal) -> TokenStream {
    quote!(#l)
}

fn version(s: &Settings) -> TokenStream {
    let rt = rt();
    let text = s.str("version").unwrap_or("6.3.5");
    let major = check::version(text).expect("version was checked");
    quote!(version: #rt::Version { text: #text, major: #major })
}

/// Local (the embedded copies) unless the zone asks otherwise: `serve_local = false` for
/// jsDelivr, `js_url`/`css_url` for its own URLs, or a `version` this crate does not embed,
/// which only jsDelivr can serve.
fn assets(s: &Settings) -> TokenStream {
    let rt = rt();
    let serve_local = match s.get("serve_local").map(|setting| &setting.val) {
        Some(Val::Bool(b)) => Some(*b),
        _ => None,
    };
    let embedded = s
        .str("version")
        .is_none_or(|v| ["5.9.3", "6.3.5"].contains(&v));
    let value = match (serve_local, s.str("js_url"), s.str("css_url")) {
        (Some(true), _, _) => quote!(#rt::AssetSource::Local),
        (_, Some(js), Some(css)) => quote!(#rt::AssetSource::Custom { js: #js, css: #css }),
        (None, _, _) if embedded => quote!(#rt::AssetSource::Local),
        _ => quote!(#rt::AssetSource::Cdn),
    };
    quote!(assets: #value)
}

fn accepted(s: &Settings) -> TokenStream {
    let rt = rt();
    let accepted = s.accepted.as_ref().expect("file types were resolved");
    let list = &accepted.list;
    let rules = accepted.rules.iter().map(|rule| match rule {
        Rule::Extension(e) => quote!(#rt::Accept::Extension(#e)),
        Rule::TopLevel(t) => quote!(#rt::Accept::TopLevel(#t)),
        Rule::MediaType(m) => quote!(#rt::Accept::MediaType(#m)),
    });
    quote!(accepted_files: #rt::AcceptedFiles { list: #list, rules: &[#(#rules),*] })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &TokenStream) -> String {
        t.to_string()
    }

    #[test]
    fn derive_emits_one_impl_in_a_const() {
        let out = derive(quote! {
            #[dropzone(action = "/u", max_files = 3, allowed_file_type = "image")]
            struct Zone;
        });
        let file: syn::File = syn::parse2(out.clone()).expect("items");
        assert_eq!(file.items.len(), 1);
        let s = text(&out);
        assert!(s.contains("# [automatically_derived] impl :: dropzone_runtime :: __private :: DropzoneConfig for Zone"), "{s}");
        assert!(
            s.contains("max_files : :: core :: option :: Option :: Some (3)"),
            "{s}"
        );
        assert!(s.contains("Accept :: TopLevel (\"image\")"), "{s}");
        assert!(!s.contains("compile_error"));
    }

    #[test]
    fn derive_error_comes_with_a_stub_impl() {
        let out = text(&derive(quote! {
            #[dropzone(action = "/u", max_files = 0, colour = 1)]
            enum Zone {}
        }));
        assert_eq!(out.matches("compile_error").count(), 2, "{out}");
        assert!(out.contains("DropzoneConfig for Zone"));
        assert!(out.contains("& :: dropzone_runtime :: __private :: FALLBACK_OPTIONS"));
    }

    #[test]
    fn generic_types_get_only_the_error() {
        let out = text(&derive(quote! {
            #[dropzone(action = "/u")]
            struct Zone<T>(T);
        }));
        assert!(
            out.contains("compile_error") && !out.contains("impl"),
            "{out}"
        );
    }

    #[test]
    fn dropzone_is_one_block_expression_even_with_errors() {
        for input in [
            quote!(action = "/u"),
            quote!(max_files = 0, colour = 1),
            quote!(action "/u"),
        ] {
            let out = dropzone(input);
            let expr: syn::Expr = syn::parse2(out.clone()).expect("an expression");
            assert!(matches!(expr, syn::Expr::Block(_)), "{out}");
            assert!(text(&out).contains("Dropzone ::"));
        }
        let bad = text(&dropzone(quote!(max_files = 0, colour = 1)));
        assert_eq!(bad.matches("compile_error").count(), 3, "{bad}");
    }

    #[test]
    fn override_merges_into_the_base_zone_and_checks_it() {
        let out = text(&dropzone(quote!(
            my::Zone,
            id = "b",
            default_message = "x",
            serve_local = true
        )));
        assert!(out.contains("id : \"b\""), "{out}");
        assert!(out.contains("assets : :: dropzone_runtime :: __private :: AssetSource :: Local"));
        assert!(out.contains("default_message : \"x\" , .. < my :: Zone as :: dropzone_runtime :: __private :: DropzoneConfig > :: OPTIONS . messages"), "{out}");
        assert!(out.contains(".. * < my :: Zone as"));
        assert!(out.contains("check_merged"));
        let plain = text(&dropzone(quote!(my::Zone)));
        assert!(
            !plain.contains("check_merged")
                && plain.contains("< my :: Zone as :: dropzone_runtime :: __private :: DropzoneConfig > :: dropzone ()"),
            "{plain}"
        );
    }

    #[test]
    fn overriding_every_message_needs_no_struct_update() {
        let out = text(&dropzone(quote!(
            Zone,
            default_message = "a",
            invalid_file_type = "a",
            file_too_big = "a",
            server_error = "a",
            browser_unsupported = "a",
            max_file_exceed = "a",
            cancel_upload = "a",
            remove_file = "a",
            cancel_confirmation = "a",
            upload_canceled = "a",
        )));
        assert!(!out.contains("OPTIONS . messages"), "{out}");
    }

    #[test]
    fn overriding_a_server_rule_is_an_error() {
        let out = text(&dropzone(quote!(Zone, max_files = 3, id = "x")));
        assert_eq!(out.matches("compile_error").count(), 1, "{out}");
        assert!(out.contains("is a server rule"));
    }
}
