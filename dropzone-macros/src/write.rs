//! Writes a checked `Options` value as tokens: a chain of the const builder's `with_*` calls,
//! `Options::DEFAULT.with_id("a").with_max_files(Some(3))…`, with absolute paths only.
//!
//! [`setters`] is the one list of fields with the keys that set each: the complete form writes
//! the fields that differ from the default, the override form the fields whose keys the user
//! wrote, on top of the zone type's options.

use crate::model::attrs::Attrs;
use crate::model::options::chunk_overrides;
use dropzone_core::Options;
use dropzone_core::options::{Accept, AcceptedFiles, AssetSource, Chunking, ExtraOption, Messages};
use dropzone_core::table::CHUNK_OPTIONS;
use dropzone_core::version::Version;
use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, quote};

fn rt() -> TokenStream {
    quote!(::dropzone_runtime::__private)
}

fn some<T: ToTokens>(v: Option<T>) -> TokenStream {
    match v {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

fn u32_lit(n: u32) -> Literal {
    Literal::u32_unsuffixed(n)
}

/// One builder call, with the keys that set its field.
struct Setter {
    field: &'static str,
    keys: &'static [&'static str],
    /// Whether the field has its default value.
    default: bool,
    call: TokenStream,
}

/// The keys that set `field`, when they are not just the field's own name.
fn keys_of(field: &str) -> Option<&'static [&'static str]> {
    Some(match field {
        "assets" => &["serve_local", "js_url", "css_url"],
        "accepted_files" => &["allowed_file_type", "allowed_file_custom"],
        _ => return None,
    })
}

/// A field value as tokens.
trait Emit {
    fn emit(&self) -> TokenStream;
}

impl Emit for &'static str {
    fn emit(&self) -> TokenStream {
        quote!(#self)
    }
}

impl Emit for bool {
    fn emit(&self) -> TokenStream {
        quote!(#self)
    }
}

impl Emit for u32 {
    fn emit(&self) -> TokenStream {
        let l = u32_lit(*self);
        quote!(#l)
    }
}

impl Emit for u64 {
    fn emit(&self) -> TokenStream {
        let l = Literal::u64_unsuffixed(*self);
        quote!(#l)
    }
}

impl Emit for f64 {
    fn emit(&self) -> TokenStream {
        let l = Literal::f64_unsuffixed(*self);
        quote!(#l)
    }
}

impl<T: Emit> Emit for Option<T> {
    fn emit(&self) -> TokenStream {
        some(self.as_ref().map(Emit::emit))
    }
}

impl Emit for Version {
    fn emit(&self) -> TokenStream {
        let rt = rt();
        let (text, major) = (self.text, self.major);
        quote!(#rt::Version::new(#text, #major))
    }
}

impl Emit for AssetSource {
    fn emit(&self) -> TokenStream {
        let rt = rt();
        match *self {
            AssetSource::Cdn => quote!(#rt::AssetSource::Cdn),
            AssetSource::Local => quote!(#rt::AssetSource::Local),
            AssetSource::Custom { js, css } => {
                quote!(#rt::AssetSource::Custom { js: #js, css: #css })
            }
        }
    }
}

impl Emit for AcceptedFiles {
    fn emit(&self) -> TokenStream {
        let rt = rt();
        let list = self.list;
        let rules = self.rules.iter().map(|rule| match rule {
            Accept::Extension(e) => quote!(#rt::Accept::Extension(#e)),
            Accept::TopLevel(t) => quote!(#rt::Accept::TopLevel(#t)),
            Accept::MediaType(m) => quote!(#rt::Accept::MediaType(#m)),
            _ => unreachable!("the parser makes these three"),
        });
        quote!(#rt::AcceptedFiles { list: #list, rules: &[#(#rules),*] })
    }
}

impl Emit for Chunking {
    fn emit(&self) -> TokenStream {
        let rt = rt();
        let (force, parallel) = (self.force, self.parallel);
        let size = Literal::u64_unsuffixed(self.chunk_size);
        let retry = self.retry_limit.emit();
        quote!(#rt::Chunking { force: #force, chunk_size: #size, parallel: #parallel, retry_limit: #retry })
    }
}

impl Emit for &'static [ExtraOption] {
    fn emit(&self) -> TokenStream {
        let rt = rt();
        let items = self.iter().map(|e| {
            let (name, json) = (e.name, e.json);
            quote!(#rt::ExtraOption { name: #name, json: #json })
        });
        quote!(&[#(#items),*])
    }
}

impl Emit for Messages {
    fn emit(&self) -> TokenStream {
        let rt = rt();
        messages(self, quote!(#rt::Messages::DEFAULT), |_, default| !default)
    }
}

/// Declares [`setters`] from `dropzone_core`'s one list of `Options` fields: a field is
/// written with its getter's value, so a new field needs no line here.
macro_rules! setters_of {
    ($( $(#[$doc:meta])* $name:ident / $with:ident : $t:ty, )*) => {
        /// Every field of `o` as a builder call (`messages` is written by [`messages`]).
        fn setters(o: &Options) -> Vec<Setter> {
            let d = Options::DEFAULT;
            vec![$(
                Setter {
                    field: stringify!($name),
                    keys: keys_of(stringify!($name)).unwrap_or(&[stringify!($name)]),
                    default: o.$name() == d.$name(),
                    call: {
                        let value = o.$name().emit();
                        quote!($with(#value))
                    },
                },
            )*]
            .into_iter()
            .filter(|s| s.field != "messages")
            .collect()
        }
    };
}

dropzone_core::__options_fields!(setters_of);

/// The message texts of `m` as builder calls on `start`, each with its key.
fn messages(m: &Messages, start: TokenStream, pick: impl Fn(&str, bool) -> bool) -> TokenStream {
    let d = Messages::DEFAULT;
    let texts = [
        ("default_message", m.default_message(), d.default_message()),
        (
            "invalid_file_type",
            m.invalid_file_type(),
            d.invalid_file_type(),
        ),
        ("file_too_big", m.file_too_big(), d.file_too_big()),
        ("server_error", m.server_error(), d.server_error()),
        (
            "browser_unsupported",
            m.browser_unsupported(),
            d.browser_unsupported(),
        ),
        ("max_file_exceed", m.max_file_exceed(), d.max_file_exceed()),
        ("cancel_upload", m.cancel_upload(), d.cancel_upload()),
        ("remove_file", m.remove_file(), d.remove_file()),
        (
            "cancel_confirmation",
            m.cancel_confirmation(),
            d.cancel_confirmation(),
        ),
        ("upload_canceled", m.upload_canceled(), d.upload_canceled()),
    ];
    let calls = texts
        .iter()
        .filter(|(key, text, default)| pick(key, text == default))
        .map(|(key, text, _)| {
            let with = syn::Ident::new(&format!("with_{key}"), proc_macro2::Span::call_site());
            quote!(.#with(#text))
        });
    quote!(#start #(#calls)*)
}

/// `o` written out in full: the default with every field that differs.
pub(crate) fn complete(o: &Options) -> TokenStream {
    let rt = rt();
    let calls = setters(o)
        .into_iter()
        .filter(|s| !s.default)
        .map(|s| s.call);
    let m = o.messages();
    let messages = (m != Messages::DEFAULT).then(|| {
        let m = messages(&m, quote!(#rt::Messages::DEFAULT), |_, default| !default);
        quote!(.with_messages(#m))
    });
    quote!(#rt::Options::DEFAULT #(.#calls)* #messages)
}

/// The override form: `base` with the fields whose keys `a` wrote set to `o`'s values; the
/// chunk options merge into `base`'s chunking.
pub(crate) fn overrides(a: &Attrs, o: &Options, base: &TokenStream) -> TokenStream {
    let rt = rt();
    let written = |key: &str| a.given.contains(&key);
    let calls = setters(o)
        .into_iter()
        .filter(|s| s.keys.iter().any(|k| written(k)))
        .map(|s| s.call);
    let messages = {
        let m = o.messages();
        let picked = messages(&m, quote!(#base.messages()), |key, _| written(key));
        let any = a
            .given
            .iter()
            .any(|k| dropzone_core::table::lookup(k).is_some_and(|d| d.message));
        any.then(|| quote!(.with_messages(#picked)))
    };
    let chunking = CHUNK_OPTIONS.iter().any(|k| written(k)).then(|| {
        let c = chunk_overrides(a);
        let (force, parallel, retry) = (some(c.force), some(c.parallel), some(c.retry));
        let limit = some(c.limit.map(u32_lit));
        quote!(.with_chunking(#rt::merge_chunking(#base.chunking(), #force, #parallel, #retry, #limit)))
    });
    quote!(#base #(.#calls)* #messages #chunking)
}
