//! The zone value the expansions return: a `Dropzone` over a `static` page of its own.
//!
//! Every zone gets one `static ::dropzone_runtime::__private::Page`, which builds the zone's
//! markup and spec JSON (everything but the per-request values) on first render and keeps
//! them; later renders only copy them and splice the nonce, CSRF token and URL overrides.
//!
//! Why the runtime builds the text, once, rather than the macro writing it as literals: in the
//! merged form `dropzone!(Zone, k = v)` the macro does not know `Zone`'s values (they are a
//! `const` of another expansion), and writing the spec here for the other forms would be a
//! second definition of the format `init.js` reads, in a crate that cannot share code with the
//! runtime's. One writer, fed the same `Options` in every form, cannot disagree with itself.
//! The cost is one build per zone per process.
//!
//! The only inputs are an expression of type `&'static Options` and one of type
//! `&'static str` (the id of the zone the uploads belong to), both constant.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

/// `{ static PAGE: Page = Page::new(options, zone); Dropzone::from_page(&PAGE) }`.
pub(crate) fn zone_value(options: &TokenStream, zone: &TokenStream) -> TokenStream {
    let rt = quote!(::dropzone_runtime::__private);
    // Mixed-site: the user's own items named `PAGE` are neither shadowed nor seen.
    let page = Ident::new("PAGE", Span::mixed_site());
    quote!({
        static #page: #rt::Page = #rt::Page::new(#options, #zone);
        #rt::Dropzone::from_page(&#page)
    })
}

/// The derive's `fn dropzone()`, returning the zone over its page.
pub(crate) fn derive_fn(ty: &Ident) -> TokenStream {
    let rt = quote!(::dropzone_runtime::__private);
    let options = quote!(<#ty as #rt::DropzoneConfig>::OPTIONS);
    let zone = quote!(<#ty as #rt::DropzoneConfig>::OPTIONS.id());
    let body = zone_value(&options, &zone);
    quote!(fn dropzone() -> #rt::Dropzone #body)
}
