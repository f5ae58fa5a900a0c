//! Writes a checked `Options` value as tokens: a chain of the const builder's `with_*` calls,
//! `Options::DEFAULT.with_id("a").with_max_files(Some(3))…`, with absolute paths only.
//!
//! [`setters`] is the one list of fields with the keys that set each: the complete form writes
//! the fields that differ from the default, the override form the fields whose keys the user
//! wrote, on top of the zone type's options.

use crate::model::attrs::Attrs;
use crate::model::options::chunk_overrides;
use dropzone_core::Options;
use dropzone_core::options::{Accept, AssetSource, Messages};
use dropzone_core::table::CHUNK_OPTIONS;
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
    keys: &'static [&'static str],
    /// Whether the field has its default value.
    default: bool,
    call: TokenStream,
}

fn setter(keys: &'static [&'static str], default: bool, call: TokenStream) -> Setter {
    Setter {
        keys,
        default,
        call,
    }
}

/// Every field of `o` except `messages` (see [`messages`]), as builder calls.
fn setters(o: &Options) -> Vec<Setter> {
    let rt = rt();
    let d = Options::DEFAULT;
    let (id, action, input_name, btn) = (o.id(), o.action(), o.input_name(), o.upload_btn_id());
    let (text, major) = (o.version().text, o.version().major);
    let size = Literal::f64_unsuffixed(o.max_file_size());
    let parallel = u32_lit(o.parallel_uploads());
    let max_files = some(o.max_files().map(u32_lit));
    let timeout = some(o.timeout().map(Literal::u64_unsuffixed));
    let assets = match o.assets() {
        AssetSource::Cdn => quote!(#rt::AssetSource::Cdn),
        AssetSource::Local => quote!(#rt::AssetSource::Local),
        AssetSource::Custom { js, css } => quote!(#rt::AssetSource::Custom { js: #js, css: #css }),
    };
    let list = o.accepted_files().list;
    let rules = o.accepted_files().rules.iter().map(|rule| match rule {
        Accept::Extension(e) => quote!(#rt::Accept::Extension(#e)),
        Accept::TopLevel(t) => quote!(#rt::Accept::TopLevel(#t)),
        Accept::MediaType(m) => quote!(#rt::Accept::MediaType(#m)),
        _ => unreachable!("the parser makes these three"),
    });
    let chunking = some(o.chunking().map(|c| {
        let (force, parallel) = (c.force, c.parallel);
        let size = Literal::u64_unsuffixed(c.chunk_size);
        let retry = some(c.retry_limit.map(u32_lit));
        quote!(#rt::Chunking { force: #force, chunk_size: #size, parallel: #parallel, retry_limit: #retry })
    }));
    let extra = o.extra().iter().map(|e| {
        let (name, json) = (e.name, e.json);
        quote!(#rt::ExtraOption { name: #name, json: #json })
    });
    let (redirect, upload_action) = (some(o.redirect_url()), some(o.upload_action()));
    let (init, custom) = (some(o.custom_init()), some(o.custom_options()));
    let (multiple, csrf, click, in_form, strict) = (
        o.upload_multiple(),
        o.enable_csrf(),
        o.upload_on_click(),
        o.in_form(),
        o.strict_csp(),
    );
    vec![
        setter(&["id"], id == d.id(), quote!(with_id(#id))),
        setter(
            &["action"],
            action == d.action(),
            quote!(with_action(#action)),
        ),
        setter(
            &["version"],
            o.version() == d.version(),
            quote!(with_version(#rt::Version::new(#text, #major))),
        ),
        setter(
            &["serve_local", "js_url", "css_url"],
            o.assets() == d.assets(),
            quote!(with_assets(#assets)),
        ),
        setter(
            &["max_file_size"],
            o.max_file_size() == d.max_file_size(),
            quote!(with_max_file_size(#size)),
        ),
        setter(
            &["input_name"],
            input_name == d.input_name(),
            quote!(with_input_name(#input_name)),
        ),
        setter(
            &["allowed_file_type", "allowed_file_custom"],
            o.accepted_files() == d.accepted_files(),
            quote!(with_accepted_files(#rt::AcceptedFiles { list: #list, rules: &[#(#rules),*] })),
        ),
        setter(
            &["max_files"],
            o.max_files() == d.max_files(),
            quote!(with_max_files(#max_files)),
        ),
        setter(
            &["timeout"],
            o.timeout() == d.timeout(),
            quote!(with_timeout(#timeout)),
        ),
        setter(
            &["redirect_url"],
            o.redirect_url() == d.redirect_url(),
            quote!(with_redirect_url(#redirect)),
        ),
        setter(
            &["upload_multiple"],
            multiple == d.upload_multiple(),
            quote!(with_upload_multiple(#multiple)),
        ),
        setter(
            &["parallel_uploads"],
            o.parallel_uploads() == d.parallel_uploads(),
            quote!(with_parallel_uploads(#parallel)),
        ),
        setter(
            &["enable_csrf"],
            csrf == d.enable_csrf(),
            quote!(with_enable_csrf(#csrf)),
        ),
        setter(
            &["upload_action"],
            o.upload_action() == d.upload_action(),
            quote!(with_upload_action(#upload_action)),
        ),
        setter(
            &["upload_on_click"],
            click == d.upload_on_click(),
            quote!(with_upload_on_click(#click)),
        ),
        setter(
            &["upload_btn_id"],
            btn == d.upload_btn_id(),
            quote!(with_upload_btn_id(#btn)),
        ),
        setter(
            &["in_form"],
            in_form == d.in_form(),
            quote!(with_in_form(#in_form)),
        ),
        setter(
            &["custom_init"],
            o.custom_init() == d.custom_init(),
            quote!(with_custom_init(#init)),
        ),
        setter(
            &["custom_options"],
            o.custom_options() == d.custom_options(),
            quote!(with_custom_options(#custom)),
        ),
        setter(
            &["chunking"],
            o.chunking() == d.chunking(),
            quote!(with_chunking(#chunking)),
        ),
        setter(
            &["strict_csp"],
            strict == d.strict_csp(),
            quote!(with_strict_csp(#strict)),
        ),
        setter(
            &["extra"],
            o.extra().is_empty(),
            quote!(with_extra(&[#(#extra),*])),
        ),
    ]
}

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
