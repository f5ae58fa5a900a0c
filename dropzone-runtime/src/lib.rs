//! Dropzone.js drag-and-drop uploads for axum + maud, with every option checked at compile time.
//!
//! See the README for a guided tour; the options reference is in [`options_reference`], and
//! how each upload mode is declared in [`modes`]. Server-side settings (folder, expiry, CSRF
//! key…) come from the environment or a file through [`settings`]; pages written with askama
//! or minijinja print the fragments through [`engines`].
#![doc(html_root_url = "https://docs.rs/dropzone-runtime/0.1.0")]

pub mod assets;
mod config;
pub mod csrf;
pub mod engines;
pub mod files;
pub mod options;
mod render;
pub mod serve;
pub mod settings;
pub mod store;
pub mod upload;

#[doc(inline)]
pub use dropzone_macros::{DropzoneConfig, dropzone};

pub use config::DropzoneConfig;
pub use options::Options;
pub use render::{
    Dropzone, INIT_JS, INIT_SCRIPT_URL, ZONE_HEADER, init_script_url, style, style_with_nonce,
};

/// maud, re-exported for its types (`Markup`, `PreEscaped`, `Render`).
///
/// The fragments and `dropzone!` never need `maud` in your `Cargo.toml`; writing your own pages
/// with `maud::html!` does, because `html!` names the `maud` crate itself.
pub use maud;

#[doc = include_str!("../docs/options.md")]
pub mod options_reference {}

#[doc = include_str!("../docs/modes.md")]
pub mod modes {}

/// Items the macros' expansions name. Not public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::config::DropzoneConfig;
    pub use crate::csrf::Csrf;
    pub use crate::render::{Dropzone, INIT_JS, Page, ZONE_HEADER, init_script_url};
    pub use crate::upload::ZoneState;
    pub use axum::extract::FromRef;
    pub use dropzone_core::FALLBACK_OPTIONS;
    pub use dropzone_core::options::{
        Accept, AcceptedFiles, AssetSource, Chunking, ExtraOption, Messages, Options,
        merge_chunking,
    };
    pub use dropzone_core::rules::{Given, Rule};
    pub use dropzone_core::version::Version;
    pub use maud;
}
