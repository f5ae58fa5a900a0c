//! The size and count limits of one upload request, all derived from the zone's options.

use crate::options::Options;

/// Room in every request's body limit for everything that is not file data: the multipart
/// framing, part headers and text fields (1 MiB). See [`body_limit`].
pub const BODY_OVERHEAD: u64 = 1 << 20;

/// Most text (non-file) fields one upload request may carry; more is
/// [`TooManyFields`](super::rejection::TooManyFields).
pub const MAX_FIELDS: usize = 64;

/// Largest text field in bytes (64 KiB); larger is [`FieldTooLarge`](super::rejection::FieldTooLarge).
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// The largest accepted file in bytes: `max_file_size * 1048576`, rounded down, as Dropzone.js
/// counts (a file of exactly that size is accepted).
pub const fn max_file_bytes(options: &Options) -> u64 {
    // The one MiB→bytes conversion, shared with the macros' `chunk_size` rule.
    options.max_file_bytes()
}

/// How many files one request may carry: 1, or with `upload_multiple` the smaller of
/// `parallel_uploads` and `max_files` (Dropzone.js batches at most `parallel_uploads` files).
pub const fn files_per_request(options: &Options) -> u32 {
    if !options.upload_multiple() {
        return 1;
    }
    match options.max_files() {
        Some(max) if max < options.parallel_uploads() => max,
        _ => options.parallel_uploads(),
    }
}

/// The whole-body limit [`Upload`](super::Upload) enforces for a zone, in bytes:
///
/// ```text
/// files_per_request × max_file_bytes + BODY_OVERHEAD
/// ```
///
/// that is `1 × max_file_size MiB + 1 MiB` for a single-file zone, and
/// `min(parallel_uploads, max_files) × max_file_size MiB + 1 MiB` with `upload_multiple`.
///
/// A chunked zone (`chunking`) takes at most one chunk per request: its limit is
/// `min(chunk_size, max_file_bytes) + 1 MiB`, however large `max_file_size` is (files up to one
/// chunk come whole; larger ones in chunks, whose *total* size is checked against
/// `max_file_size` before a byte is stored). The no-JavaScript fallback form posts files whole,
/// so on a chunked zone it can only send files up to one chunk.
/// It replaces axum's 2 MB `DefaultBodyLimit`, which `Upload` does not read. Bytes of refused
/// files count too, so a batch with an oversize file can reach it before the file's own limit.
pub const fn body_limit(options: &Options) -> u64 {
    let files = (files_per_request(options) as u64).saturating_mul(max_file_bytes(options));
    let data = match options.chunking() {
        Some(chunking) if chunking.chunk_size < files => chunking.chunk_size,
        _ => files,
    };
    data.saturating_add(BODY_OVERHEAD)
}
