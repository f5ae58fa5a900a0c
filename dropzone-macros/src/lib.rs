//! Implementation detail of `dropzone-runtime`: use that crate, which re-exports these macros.
//!
//! The pipeline is split as in thiserror and serde_derive, each layer importing only the ones
//! below it: `attr/parse.rs` reads the syntax; `model/attrs.rs` resolves every key once into a
//! typed field (reading literals with `lit.rs`, `extra(...)` with `extra.rs`) and checks each
//! value on its own; `model/options.rs` turns the model into a `dropzone_core::Options`;
//! `valid.rs` runs `dropzone_core`'s rules between options on it; `write.rs` and `expand.rs`
//! write the code. Errors accumulate in `ctxt.rs`, so one compile reports every mistake.

mod attr {
    pub(crate) mod parse;
}
mod ctxt;
#[cfg(test)]
mod docs;
mod expand;
mod expand_page;
mod extra;
mod lit;
mod model {
    pub(crate) mod attrs;
    pub(crate) mod check;
    pub(crate) mod options;
}
mod suggest;
mod valid;
mod write;

use proc_macro::TokenStream;

/// Declares a dropzone type: its options are checked while compiling and become
/// `DropzoneConfig::OPTIONS`.
///
/// The type is the zone's identity: its page fragments (`Zone::create()`, `Zone::config()`, …)
/// and its upload extractor read the same checked options, so the page and the server cannot
/// disagree. Options go in one or more `#[dropzone(key = value, ...)]` attributes; every value
/// must be a literal. Dropzone.js options outside the table go in a nested list,
/// `#[dropzone(extra(add_remove_links = true, thumbnail_width = 200, clickable = ".btn"))]`,
/// each checked against its Dropzone.js type. The full list of both is in the
/// `options_reference` module of dropzone-runtime.
///
/// # Example
///
/// ```ignore
/// use dropzone_runtime::DropzoneConfig;
///
/// #[derive(DropzoneConfig)]
/// #[dropzone(action = "/avatars", id = "avatars")]
/// #[dropzone(allowed_file_type = "image", max_file_size = 0.5, max_files = 4)]
/// struct Avatars;
///
/// assert_eq!(Avatars::OPTIONS.max_files(), Some(4));
/// ```
///
/// # Errors
///
/// Every mistake is a compile error at the key or value at fault, all in one compile: unknown
/// options (with a "did you mean"), duplicates, wrong literal types, out-of-range numbers,
/// invalid ids, unknown file-type presets and malformed accept lists, unknown message
/// placeholders, and options that do not go together, such as `in_form` without
/// `upload_on_click`:
///
/// ```text
/// error: unknown option `max_file_sise`; did you mean `max_file_size`?
///  --> src/main.rs:4:12
///   |
/// 4 | #[dropzone(max_file_sise = 3)]
///   |            ^^^^^^^^^^^^^
/// ```
///
/// The type may not be generic.
#[proc_macro_derive(DropzoneConfig, attributes(dropzone))]
pub fn derive_dropzone_config(input: TokenStream) -> TokenStream {
    expand::derive(input.into()).into()
}

/// A dropzone value (`dropzone_runtime::Dropzone`) with options checked while compiling.
///
/// Two forms:
///
/// - `dropzone!(key = value, ...)` declares a one-off zone, with the same options and checks as
///   `#[derive(DropzoneConfig)]`.
/// - `dropzone!(Zone, key = value, ...)` starts from a derived zone type and overrides
///   page-only options (id, texts, redirect, assets, the other chunk options, `strict_csp`, …).
///   The server rules of `Zone` (`max_file_size`, `input_name`, `allowed_file_type`,
///   `allowed_file_custom`, `max_files`, `upload_multiple`, `parallel_uploads`, `enable_csrf`,
///   `chunking`, `chunk_size`) cannot be overridden, because `Zone`'s upload extractor
///   enforces them; declare another zone type instead. `extra(...)` here replaces `Zone`'s
///   whole `extra` list. The merged options are checked against the rules between options
///   while compiling, too.
///
/// The value renders inside `maud::html!` as the upload area followed by its script, and has
/// per-request setters such as `.nonce(..)`, `.csrf_token(..)` and `.action(..)`.
///
/// # Example
///
/// ```ignore
/// use dropzone_runtime::{dropzone, maud::html};
///
/// let page = html! {
///     (dropzone!(action = "/upload", allowed_file_type = "image", max_files = 30))
///     (dropzone!(Avatars, id = "second", default_message = "Drop your avatar here"))
/// };
/// ```
#[proc_macro]
pub fn dropzone(input: TokenStream) -> TokenStream {
    expand::dropzone(input.into()).into()
}
