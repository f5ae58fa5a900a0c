//! Upload extraction: streams what Dropzone.js sends to storage under the zone's rules.
//!
//! The pieces:
//!
//! - [`Storage`]: the upload folder, given to the router as (part of) its state;
//! - [`Upload<Z>`](Upload): the extractor, which checks every file against zone `Z`'s options
//!   (size, accepted types, files per request) and stores it under a random name;
//! - [`SavedFile`] / [`RefusedFile`] / [`FileOutcome`]: what happened to each file;
//! - [`UploadReport`]: the per-file JSON answer that lets the page mark each file of a batch;
//! - [`ZoneId`]: which zone of the page sent a request (the `X-Dropzone-Zone` header);
//! - [`UploadResponse`]: what the extractor answers by itself: a [`ChunkReceived`] (200) or an
//!   [`UploadRejection`], whose leaves are in [`rejection`] (the 4xx/5xx answers);
//! - [`UploadPolicy`]: the application's say on each file, before its first byte is stored
//!   and once it is complete ([`Storage::policy`]);
//! - [`secure_filename`]: Werkzeug's file-name sanitiser, for the metadata kept with a file.

// Layers, lowest first; each module imports only from the ones above it in this list.
mod accept;
mod ack;
mod backend;
mod block;
mod chunk_disk;
mod chunk_fields;
mod chunk_hash;
mod chunk_ledger;
#[cfg(feature = "s3")]
mod chunk_object;
#[cfg(feature = "s3")]
mod chunk_object_bounds;
#[cfg(feature = "s3")]
mod chunk_object_hash;
#[cfg(feature = "s3")]
mod chunk_object_layout;
mod chunk_receive;
mod chunk_store;
mod chunk_sweep;
mod chunk_write;
mod connect;
mod context;
pub(crate) mod csrf_check;
mod extract;
mod filename;
mod framing;
mod limits;
mod linger;
pub(crate) mod macros;
mod media;
mod multipart;
#[cfg(feature = "s3")]
mod object_part;
mod outcome;
mod part;
mod policy;
mod receive;
mod refusal;
pub mod rejection;
mod report;
mod requires;
mod response;
// Hashes a chunked upload as its chunks arrive, in the folder (chunk_hash.rs) and in a
// bucket (chunk_object_hash.rs).
mod sha_state;
mod sniff;
mod storage;
mod stored_files;
mod trace;
mod zone;

pub use ack::{ChunkReceived, ChunkStatus};
pub use connect::{ConnectError, ZoneCheckError};
pub use extract::Upload;
pub use filename::{MAX_NAME_LEN, secure_filename};
pub use framing::{MAX_PART_HEADER_BYTES, MAX_PARTS, MAX_PREAMBLE_BYTES};
pub use limits::{
    BODY_OVERHEAD, MAX_FIELD_BYTES, MAX_FIELDS, body_limit, files_per_request, max_file_bytes,
};
pub use linger::{LINGER_BYTES, LINGER_TIME};
pub use outcome::{FileOutcome, RefusedFile, SavedFile};
pub use policy::{ChunkMeta, CompleteFile, FileMeta, PolicyRefused, UploadPolicy};
#[doc(no_inline)]
pub use rejection::{FileRefusal, UploadRejection};
pub use report::{FileReport, UploadReport};
pub use requires::{UploadState, ZoneState};
pub use response::UploadResponse;
pub use storage::{
    DEFAULT_BODY_IDLE_TIMEOUT, DEFAULT_CHUNK_EXPIRY, DEFAULT_MAX_PENDING_CHUNKED,
    DEFAULT_MAX_PENDING_CHUNKED_BYTES, Storage,
};
pub use trace::REQUEST_ID_HEADER;
pub use zone::{ZoneId, ZoneIdRejection};
