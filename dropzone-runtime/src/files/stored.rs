//! The shapes the files API answers with.

use bytes::Bytes;
use futures_util::stream::BoxStream;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Most files one [`list_files`](crate::upload::Storage::list_files) page holds; a larger
/// `max` is lowered to it.
pub const MAX_LIST: usize = 1000;

/// A stored file and what was kept with it.
///
/// Serialized (serde) with `stored_at` as milliseconds since the Unix epoch; this is also the
/// metadata record kept next to the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StoredFile {
    /// Its name in the storage: `<uuid v4>` or `<uuid v4>.<ext>`.
    pub stored_name: String,
    /// The client's file name through [`secure_filename`](crate::upload::secure_filename):
    /// safe to show, never a path; may be empty.
    pub original_name: String,
    /// Its size in bytes.
    pub size: u64,
    /// The media type its content was recognised as (from the stored extension, which the
    /// content decided), e.g. `image/png`; `application/octet-stream` when none was.
    pub content_type: String,
    /// SHA-256 of its bytes, lowercase hex, computed while they were stored.
    pub sha256: String,
    /// The zone (`Options::id`) it was uploaded to.
    pub zone: String,
    /// When it was stored.
    #[serde(with = "unix_millis")]
    pub stored_at: SystemTime,
}

/// One page of a zone's stored files, in stored-name order.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct FilePage {
    /// The files of this page (at most the `max` asked for; possibly fewer, even none, when
    /// `next` is set).
    pub files: Vec<StoredFile>,
    /// Pass it back as the cursor for the next page; `None` on the last page. Opaque.
    pub next: Option<String>,
}

/// An opened stored file: its metadata and a stream of the bytes in `range`.
#[non_exhaustive]
pub struct FileBody {
    /// The file's metadata.
    pub file: StoredFile,
    /// The byte range the body holds (the whole file when no range was asked for).
    pub range: Range<u64>,
    /// The bytes of `range`, in order.
    pub body: BoxStream<'static, std::io::Result<Bytes>>,
}

impl std::fmt::Debug for FileBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileBody")
            .field("file", &self.file)
            .field("range", &self.range)
            .finish_non_exhaustive()
    }
}

impl FilePage {
    pub(crate) fn new(files: Vec<StoredFile>, next: Option<String>) -> Self {
        FilePage { files, next }
    }
}

impl FileBody {
    pub(crate) fn new(
        file: StoredFile,
        range: Range<u64>,
        body: BoxStream<'static, std::io::Result<Bytes>>,
    ) -> Self {
        FileBody { file, range, body }
    }
}

impl StoredFile {
    pub(crate) fn new(
        stored_name: String,
        original_name: String,
        size: u64,
        content_type: String,
        sha256: String,
        zone: String,
        stored_at: SystemTime,
    ) -> Self {
        StoredFile {
            stored_name,
            original_name,
            size,
            content_type,
            sha256,
            zone,
            stored_at,
        }
    }
}

/// A digest as lowercase hex, as [`StoredFile::sha256`] holds it.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Checks an asked-for `range` of a file of `size` bytes; `None` is the whole file.
pub(crate) fn check_range(
    range: Option<Range<u64>>,
    size: u64,
) -> Result<Range<u64>, super::FilesError> {
    match range {
        None => Ok(0..size),
        Some(r) if r.start <= r.end && r.end <= size => Ok(r),
        Some(_) => Err(super::FilesError::Range { size }),
    }
}

mod unix_millis {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
        let ms = t.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis();
        s.serialize_u64(u64::try_from(ms).unwrap_or(u64::MAX))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SystemTime, D::Error> {
        let ms = u64::deserialize(d)?;
        Ok(UNIX_EPOCH + Duration::from_millis(ms))
    }
}
