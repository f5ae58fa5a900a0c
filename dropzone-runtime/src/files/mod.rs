//! Stored files as an API: what is kept with each file, and listing, reading and deleting
//! them through [`Storage`](crate::upload::Storage).
//!
//! Every file the [`Upload`](crate::upload::Upload) extractor stores gets its metadata
//! ([`StoredFile`]) written next to it *before* the file becomes visible, so a listed or
//! opened file always has its original name, size, recognised type, sha256, zone and time.
//! [`Storage::list_files`](crate::upload::Storage::list_files),
//! [`file_info`](crate::upload::Storage::file_info),
//! [`open_file`](crate::upload::Storage::open_file) and
//! [`delete_file`](crate::upload::Storage::delete_file) take the zone and the stored name;
//! a name that is not `<uuid v4>[.ext]`, or a file of another zone, is [`FilesError::NotFound`]
//! before anything is read, so no path or key can be smuggled in.
//!
//! ```no_run
//! # async fn demo(storage: dropzone_runtime::upload::Storage) -> Result<(), dropzone_runtime::files::FilesError> {
//! let page = storage.list_files("photos", None, 50).await?;
//! for file in &page.files {
//!     println!("{} {} bytes, sha256 {}", file.original_name, file.size, file.sha256);
//! }
//! if let Some(cursor) = page.next.as_deref() {
//!     let _more = storage.list_files("photos", Some(cursor), 50).await?;
//! }
//! # Ok(())
//! # }
//! ```
//!
//! On top of it, the routes a page uses:
//!
//! - [`serve`]: `GET`/`HEAD` of a zone's stored file with safe headers, ranges and ETag;
//! - [`Remove`]: deletes a file named by a signed, expiring, zone-bound remove id
//!   ([`RemoveKey`], every [`Storage`](crate::upload::Storage) has one), which
//!   [`Upload::report`](crate::upload::Upload::report) and [`FileList`] hand to the page;
//! - [`FileList`]: a zone's files as a table with download and remove links.

// Layers, lowest first: error, name, stored; then the two backends, local and s3, which
// import only those.
mod error;
pub(crate) mod local;
pub(crate) mod name;
mod remove_id;
#[cfg(feature = "s3")]
pub(crate) mod s3;
pub(crate) mod stored;

pub(crate) mod conditional;
mod disposition;
pub mod rejection;

mod list;
mod remove;
mod serve;

pub use error::FilesError;
pub use list::FileList;
pub use name::is_stored_name;
#[doc(no_inline)]
pub use rejection::FileRouteRejection;
pub use remove::{REMOVE_HEADER, Remove};
pub use remove_id::{DEFAULT_REMOVE_ID_LIFETIME, MIN_SECRET_LEN, RemoveIdError, RemoveKey};
pub use serve::{FILE_CSP, file_response, serve};
pub use stored::{FileBody, FilePage, MAX_LIST, StoredFile};
