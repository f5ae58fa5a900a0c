//! The two entry points: parse → model → rules → write, errors accumulated in one `Ctxt`.
//!
//! Every path is absolute (`::dropzone_runtime::__private::…`, `::core::…`) so expansions work
//! under `#![no_implicit_prelude]` and next to any user item names. On error the output is the
//! combined errors plus a stub of the right type, so the user sees no follow-on errors.

use crate::attr::parse::{self, MacroInput};
use crate::ctxt::Ctxt;
use crate::model::{attrs, options};
use crate::{valid, write};
use dropzone_core::table::defaults;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Data, DeriveInput, Ident, Path};

fn rt() -> TokenStream {
    quote!(::dropzone_runtime::__private)
}

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
    let a = attrs::build(&cx, entries, true);
    let id = kebab_case(&input.ident.to_string());
    let o = options::options(&a, Box::leak(id.into_boxed_str()));
    valid::check(&cx, &a, &o, input.ident.span());
    let rt = rt();
    let (options, errors) = match cx.check() {
        Ok(()) => (write::complete(&o), None),
        Err(err) => (
            quote!(#rt::FALLBACK_OPTIONS),
            Some(err.into_compile_error()),
        ),
    };
    if generic {
        return errors.unwrap_or_default();
    }
    let ident = &input.ident;
    let state = zone_state(ident, o.enable_csrf());
    let dropzone_fn = crate::expand_page::derive_fn(ident);
    quote! {
        #errors
        const _: () = {
            #[automatically_derived]
            impl #rt::DropzoneConfig for #ident {
                const OPTIONS: &'static #rt::Options = &#options;
                #dropzone_fn
            }
            #state
        };
    }
}

/// What the zone needs from the router state: a CSRF zone a `Csrf` (`Csrf: FromRef<S>`), so
/// that serving it from a state without one fails to compile with `ZoneState`'s message
/// (`do_not_recommend` keeps the compiler from reporting the `FromRef` bound instead).
fn zone_state(ident: &Ident, csrf: bool) -> TokenStream {
    let rt = rt();
    // Mixed-site: a zone type named `S` must not be shadowed by the parameter.
    let s = Ident::new("S", Span::mixed_site());
    if csrf {
        quote! {
            #[automatically_derived]
            #[diagnostic::do_not_recommend]
            impl<#s> #rt::ZoneState<#s> for #ident where #rt::Csrf: #rt::FromRef<#s> {}
        }
    } else {
        quote! {
            #[automatically_derived]
            impl<#s> #rt::ZoneState<#s> for #ident {}
        }
    }
}

/// `PhotoZone` → `photo-zone`, `HTTPUploads` → `http-uploads`: a derived zone's default id,
/// so that two zones on a page never share one (Flask-Dropzone's `myDropzone`).
pub(crate) fn kebab_case(name: &str) -> String {
    let name = name.strip_prefix("r#").unwrap_or(name);
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' {
            out.push('-');
            continue;
        }
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('-');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
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
    let a = attrs::build(&cx, entries, full);
    let o = options::options(&a, defaults::ID);
    if full {
        valid::check(&cx, &a, &o, Span::call_site());
    } else {
        valid::server_rules(&cx, &a);
    }
    if let Err(err) = cx.check() {
        return fallback(err.into_compile_error());
    }
    let name = Ident::new("OPTIONS", Span::mixed_site());
    match base {
        None => {
            let options = write::complete(&o);
            let value = crate::expand_page::zone_value(&quote!(&#name), &quote!(#name.id()));
            quote!({
                const #name: #rt::Options = #options;
                #value
            })
        }
        // The base zone's own value, over its own page.
        Some(path) if a.given.is_empty() => quote!({
            <#path as #rt::DropzoneConfig>::dropzone()
        }),
        Some(path) => override_value(&a, &o, &path, &name),
    }
}

fn override_value(
    a: &attrs::Attrs,
    o: &dropzone_core::Options,
    path: &Path,
    name: &Ident,
) -> TokenStream {
    let rt = rt();
    let base = quote!((*<#path as #rt::DropzoneConfig>::OPTIONS));
    let merged = write::overrides(a, o, &base);
    let keys = &a.given;
    let given = Ident::new("GIVEN", Span::mixed_site());
    let given_value = quote!(#rt::Given(&[#(#keys),*]));
    let checks = valid::checks(a, name, &quote!(#given));
    let value = crate::expand_page::zone_value(&quote!(&#name), &quote!(#base.id()));
    quote!({
        const #name: #rt::Options = #merged;
        const #given: #rt::Given<'static> = #given_value;
        #(#checks)*
        // The element may get another id, but the uploads stay the base zone's.
        #value
    })
}

#[cfg(test)]
#[path = "expand_tests.rs"]
mod tests;
