//! The checked description of one dropzone, as the macros emit it.
//!
//! `#[derive(DropzoneConfig)]` and `dropzone!` validate every option while compiling and then
//! write an [`Options`] value as a `const`, built with its const builder. Nothing here is
//! parsed again at run time: the page renderer and the upload extractor read the same value
//! through its getters, which is how page and server cannot disagree. The types are defined
//! once, in `dropzone-core`, which the macros share.

pub use dropzone_core::options::{
    Accept, AcceptedFiles, AssetSource, Chunking, ExtraOption, Messages, Options,
};
pub use dropzone_core::version::Version;
