//! Dropzone.js's `isValidFile`, on the server: defined once in `dropzone-core`, beside the
//! parser whose rules it matches.

pub(crate) use dropzone_core::accept::is_valid_file;
