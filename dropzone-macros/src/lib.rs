//! Implementation detail of `dropzone-runtime`: use that crate, which re-exports these macros.

use proc_macro::TokenStream;

/// Derives `DropzoneConfig` (SKELETON).
#[proc_macro_derive(DropzoneConfig, attributes(dropzone))]
pub fn derive_dropzone_config(input: TokenStream) -> TokenStream {
    let _ = input;
    TokenStream::new()
}

/// Inline dropzone markup (SKELETON).
#[proc_macro]
pub fn dropzone(input: TokenStream) -> TokenStream {
    let _ = input;
    TokenStream::new()
}
