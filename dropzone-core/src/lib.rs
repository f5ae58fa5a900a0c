//! Implementation detail of `dropzone-runtime`: use that crate, which re-exports what
//! applications need.
//!
//! The one definition of everything both the macros and the runtime read, with no
//! dependencies so that the proc-macro crate can link it:
//!
//! - [`options`]: the option model, [`Options`], built with a const builder;
//! - [`table`]: every option key with its kind, bounds, default and docs;
//! - [`version`]: the Dropzone.js releases (default, embedded) and how `version` is read;
//! - [`extra`]: the `extra(...)` table with the release that added each option;
//! - [`accept`]: the accepted-files parser (for the macros) and matcher (for the extractor);
//! - [`rules`]: the rules between options, as `const fn`s.

pub mod accept;
pub mod extra;
pub mod options;
pub mod rules;
pub mod suggest;
pub mod table;
pub mod version;

pub use options::Options;

/// Valid options the macros emit beside a compile error, so that code using the zone
/// type-checks and the user sees only the real error. Never rendered: the build fails.
#[doc(hidden)]
pub const FALLBACK_OPTIONS: Options = Options::DEFAULT.with_action("/");
