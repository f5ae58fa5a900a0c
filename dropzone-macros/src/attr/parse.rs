//! Syntax only: `key = value` lists from `#[dropzone(...)]` attributes and `dropzone!(...)`,
//! where an entry may also be a nested `key(k = v, ...)` list (`extra(...)`).
//!
//! Values are parsed as any expression so that a constant or an expression gets a clear
//! "values must be literals" error from `model/ast.rs` rather than a syntax error here.

use crate::ctxt::Ctxt;
use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Ident, Path, Token, parenthesized, token};

/// One `key = value` as written.
pub(crate) struct RawEntry {
    pub(crate) key: Ident,
    pub(crate) value: Expr,
}

/// One `key(k = v, ...)` as written.
pub(crate) struct RawList {
    pub(crate) key: Ident,
    pub(crate) entries: Vec<RawEntry>,
}

/// An entry of an option list.
pub(crate) enum Entry {
    Pair(RawEntry),
    List(RawList),
}

#[cfg(test)]
impl Entry {
    fn key(&self) -> &Ident {
        match self {
            Entry::Pair(p) => &p.key,
            Entry::List(l) => &l.key,
        }
    }
}

// `Ident::parse_any` so that a keyword used as a key gets "unknown option", not a syntax error.
fn parse_key(input: ParseStream<'_>) -> syn::Result<Ident> {
    <Ident as syn::ext::IdentExt>::parse_any(input)
}

fn parse_value(input: ParseStream<'_>, key: Ident) -> syn::Result<RawEntry> {
    input.parse::<Token![=]>().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("expected `=` after `{key}`: options are written `key = value`"),
        )
    })?;
    let value = input.parse()?;
    Ok(RawEntry { key, value })
}

impl Parse for RawEntry {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key = parse_key(input)?;
        parse_value(input, key)
    }
}

impl Parse for Entry {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key = parse_key(input)?;
        if input.peek(token::Paren) {
            let content;
            parenthesized!(content in input);
            let entries = Punctuated::<RawEntry, Token![,]>::parse_terminated(&content)?
                .into_iter()
                .collect();
            return Ok(Entry::List(RawList { key, entries }));
        }
        parse_value(input, key).map(Entry::Pair)
    }
}

fn parse_entries(input: ParseStream<'_>) -> syn::Result<Vec<Entry>> {
    Ok(Punctuated::<Entry, Token![,]>::parse_terminated(input)?
        .into_iter()
        .collect())
}

/// The input of `dropzone!`: an optional zone type to override, then options.
pub(crate) struct MacroInput {
    /// `Path::To::Zone` in `dropzone!(Path::To::Zone, key = value)`.
    pub(crate) base: Option<Path>,
    pub(crate) entries: Vec<Entry>,
}

impl Parse for MacroInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let is_option = input.peek(Ident)
            && ((input.peek2(Token![=]) && !input.peek2(Token![==])) || input.peek2(token::Paren));
        let base = if input.is_empty() || is_option {
            None
        } else {
            let path: Path = input.parse()?;
            if !input.is_empty() {
                if let (Some(key), false) = (path.get_ident(), input.peek(Token![,])) {
                    return Err(input.error(format!(
                        "expected `=` after `{key}`: options are written `key = value`"
                    )));
                }
                input.parse::<Token![,]>()?;
            }
            Some(path)
        };
        let entries = parse_entries(input)?;
        Ok(MacroInput { base, entries })
    }
}

/// Parses a `dropzone!` input.
pub(crate) fn macro_input(tokens: TokenStream) -> syn::Result<MacroInput> {
    syn::parse2(tokens)
}

/// The entries of every `#[dropzone(...)]` attribute, in order. A malformed attribute is
/// recorded in `cx` and skipped, so the others are still checked.
pub(crate) fn derive_entries(cx: &Ctxt, attrs: &[Attribute]) -> Vec<Entry> {
    let mut entries = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("dropzone")) {
        if let syn::Meta::List(_) = &attr.meta {
            match attr.parse_args_with(parse_entries) {
                Ok(mut more) => entries.append(&mut more),
                Err(err) => cx.syn_error(err),
            }
        } else {
            cx.error_spanned_by(
                attr,
                "expected `#[dropzone(key = value, ...)]`, e.g. `#[dropzone(action = \"/upload\")]`",
            );
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn options_only() {
        let m = macro_input(quote!(action = "/u", max_files = 3,)).unwrap();
        assert!(m.base.is_none());
        assert_eq!(m.entries.len(), 2);
        assert_eq!(*m.entries[1].key(), "max_files");
    }

    #[test]
    fn base_then_options() {
        let m = macro_input(quote!(crate::Avatars, id = "x")).unwrap();
        assert!(m.base.is_some());
        assert_eq!(m.entries.len(), 1);
        let m = macro_input(quote!(Avatars)).unwrap();
        assert!(m.base.is_some() && m.entries.is_empty());
        assert!(macro_input(quote!()).unwrap().entries.is_empty());
    }

    #[test]
    fn nested_lists() {
        let m = macro_input(quote!(
            extra(add_remove_links = true, clickable = ".b"),
            id = "x"
        ))
        .unwrap();
        assert!(m.base.is_none());
        let Entry::List(l) = &m.entries[0] else {
            panic!("not a list")
        };
        assert_eq!(l.key, "extra");
        assert_eq!(l.entries.len(), 2);
        let m = macro_input(quote!(Zone, extra())).unwrap();
        assert!(
            m.base.is_some() && matches!(&m.entries[0], Entry::List(l) if l.entries.is_empty())
        );
        assert!(macro_input(quote!(extra(a(b = 1)))).is_err());
    }

    #[test]
    fn missing_equals_is_a_syntax_error() {
        let err = macro_input(quote!(action "/u")).err().unwrap();
        assert!(
            err.to_string().contains("expected `=` after `action`"),
            "{err}"
        );
    }
}
