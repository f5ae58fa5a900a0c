//! Dropzone.js's `isValidFile`, on the server: defined once in `dropzone-core`, beside the
//! parser whose rules it matches, and used by the page's rules and the sniffing alike.

pub(crate) use dropzone_core::accept::{is_valid_file, rule_matches};
