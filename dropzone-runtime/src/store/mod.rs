//! Where uploads can be stored beyond the local folder: the storage location
//! ([`StorageUrl`], always available) and, with the `s3` feature, S3-compatible object storage
//! (`S3Backend`).
//!
//! `S3Backend` is the S3 side of a storage backend: streamed writes in constant memory that
//! become visible only when complete (`put_stream`), listing, reading and deleting stored
//! objects, and multipart uploads driven part by part for chunked uploads (`begin_parts`,
//! `put_part`, `list_parts`, `complete_parts`). A refused, failed or abandoned write leaves
//! neither an object nor an unfinished multipart upload.
//!
//! ```no_run
//! # #[cfg(feature = "s3")]
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use dropzone_runtime::store::{PutMeta, S3Backend, S3Config, StorageUrl};
//!
//! let StorageUrl::S3(location) = std::env::var("DROPZONE_STORAGE")?.parse()? else {
//!     return Err("not an s3:// location".into());
//! };
//! let store = S3Backend::connect(&location, S3Config::default())?;
//! let body = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from("hi"))]);
//! store.put_stream("hello.txt", body, &PutMeta::default().content_type("text/plain")).await?;
//! # Ok(())
//! # }
//! ```

mod url;

pub use url::{S3Location, StorageUrl, StorageUrlError};

#[cfg(feature = "s3")]
mod chunked;
#[cfg(feature = "s3")]
mod claim;
#[cfg(feature = "s3")]
mod config;
#[cfg(feature = "s3")]
mod error;
#[cfg(feature = "s3")]
mod meta;
#[cfg(feature = "s3")]
mod object;
#[cfg(feature = "s3")]
mod parts;
#[cfg(feature = "s3")]
mod put;
#[cfg(feature = "s3")]
mod s3api;
#[cfg(feature = "s3")]
mod time;
#[cfg(feature = "s3")]
pub(crate) mod writer;

#[cfg(feature = "s3")]
pub use claim::{Claim, Claimed};
#[cfg(feature = "s3")]
pub use config::{
    AWS_MAX_PART_SIZE, AWS_MAX_PARTS, AWS_MIN_PART_SIZE, PartSizeError, S3Config, SizeRule,
};
#[cfg(feature = "s3")]
pub use error::{PutError, StoreError};
#[cfg(feature = "s3")]
pub use meta::{ObjectHead, ObjectInfo, PutMeta};
#[cfg(feature = "s3")]
pub use object::{ListPage, MAX_PAGE, ObjectBody, S3Backend};
#[cfg(feature = "s3")]
pub use parts::{PartTag, PartsUpload, PendingUpload, StoredPart};
#[cfg(feature = "s3")]
pub use put::StoredObject;
