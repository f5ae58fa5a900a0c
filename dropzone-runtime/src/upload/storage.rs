//! The upload folder: temporary part files, streamed writes, and the final atomic rename.

use crate::csrf::Csrf;
use crate::files::RemoveKey;
use bytes::Bytes;
use std::io::{self, IoSlice, Write};
use std::mem;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use std::time::SystemTime;
use tempfile::TempPath;

use super::backend::Backend;
use super::block::fill_block;
use super::chunk_store::{ChunkIndex, PendingLimits};
use super::media::recognised_type;
use super::policy::{PolicyHandle, UploadPolicy};
use crate::files::name::new_stored_name;
use crate::files::stored::hex;
use crate::files::{StoredFile, local};
use sha2::{Digest, Sha256};
use tokio::task::{JoinHandle, spawn_blocking};

/// Bytes gathered before one write to disk. Large writes keep a 1 GiB upload near disk speed;
/// at most twice this is held per file being received (one batch of network buffers
/// gathering, one being written).
pub(crate) const WRITE_CHUNK: usize = 1 << 20;

/// Prefix of the temporary files a file part is streamed into, inside the upload folder (so the
/// final rename stays on one filesystem and is atomic).
pub(crate) const PART_PREFIX: &str = ".part-";

/// Where uploaded files are stored: a cheap-to-clone handle on one folder.
///
/// [`Upload`](super::Upload) takes it from the router's state through
/// [`FromRef`](axum::extract::FromRef), so give the router a `Storage` as its state, or embed
/// one in your state struct and derive or write `FromRef`.
///
/// Files are first streamed into `.part-*` temporary files inside this folder (small ones are
/// kept in memory instead, at most 64 KiB each and 4 MiB in all), then renamed to
/// `<uuid v4>.<ext>` without ever replacing an existing file, with mode `0644` on unix.
/// Temporary files are removed whenever a request fails, is refused, or is abandoned.
///
/// # Example
///
/// ```no_run
/// use axum::{Router, extract::FromRef};
/// use dropzone_runtime::upload::Storage;
///
/// // The folder itself as the state:
/// let app: Router = Router::new().with_state(Storage::new("uploads"));
///
/// // Or inside a bigger state:
/// #[derive(Clone)]
/// struct AppState {
///     storage: Storage,
///     site_name: String,
/// }
///
/// impl FromRef<AppState> for Storage {
///     fn from_ref(state: &AppState) -> Storage {
///         state.storage.clone()
///     }
/// }
/// # let _ = app;
/// ```
#[derive(Clone, Debug)]
pub struct Storage {
    inner: Arc<Inner>,
}

#[derive(Clone, Debug)]
struct Inner {
    /// The upload folder; empty for object storage (chunked uploads still need a folder).
    dir: PathBuf,
    backend: Backend,
    durable: bool,
    csrf: Option<Csrf>,
    /// Signs the ids that let a page remove the files it uploaded (`crate::files`).
    remove_key: RemoveKey,
    policy: Option<PolicyHandle>,
    chunk_expiry: Duration,
    max_pending_chunked: usize,
    max_pending_chunked_bytes: u64,
    body_idle_timeout: Duration,
    /// Shared by every clone, also across [`Storage::durable`] and [`Storage::chunk_expiry`].
    chunks: Arc<ChunkIndex>,
    /// Set by the first upload, which sweeps what an earlier process left (shared like
    /// `chunks`).
    started: Arc<AtomicBool>,
    /// Bytes of small files held in memory by all requests (see [`SMALL_FILES_MEMORY`]).
    in_memory: Arc<AtomicUsize>,
}

/// How long an unfinished chunked upload is kept without progress (5 minutes); see
/// [`Storage::chunk_expiry`].
pub const DEFAULT_CHUNK_EXPIRY: Duration = Duration::from_secs(5 * 60);

/// How many chunked uploads may be unfinished at once (10,000); see
/// [`Storage::max_pending_chunked_uploads`].
pub const DEFAULT_MAX_PENDING_CHUNKED: usize = 10_000;

/// How long an upload's body may pause before it is refused (30 s); see
/// [`Storage::body_idle_timeout`].
pub const DEFAULT_BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// How many bytes unfinished chunked uploads may hold together (4 GiB); see
/// [`Storage::max_pending_chunked_bytes`].
pub const DEFAULT_MAX_PENDING_CHUNKED_BYTES: u64 = 4 << 30;

impl Storage {
    /// A storage on `dir`, creating the folder (and its parents) if it is missing.
    ///
    /// A relative `dir` is made absolute against the current directory now. If the folder
    /// cannot be created now, this does not fail: every upload tries again and answers
    /// [`StorageFailed`](super::rejection::StorageFailed) while it cannot. Use [`Storage::try_new`] to fail
    /// at start-up instead.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let storage = Storage::unchecked(dir.into());
        let _ = std::fs::create_dir_all(storage.dir());
        storage
    }

    /// Like [`Storage::new`], but fails if the folder cannot be created or is not a folder.
    pub fn try_new(dir: impl Into<PathBuf>) -> io::Result<Self> {
        let storage = Storage::unchecked(dir.into());
        std::fs::create_dir_all(storage.dir())?;
        if !std::fs::metadata(storage.dir())?.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                "upload storage path is not a folder",
            ));
        }
        Ok(storage)
    }

    fn unchecked(dir: PathBuf) -> Self {
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        Storage {
            inner: Arc::new(Inner {
                dir,
                backend: Backend::Folder,
                durable: false,
                csrf: None,
                remove_key: RemoveKey::random(),
                policy: None,
                chunk_expiry: DEFAULT_CHUNK_EXPIRY,
                max_pending_chunked: DEFAULT_MAX_PENDING_CHUNKED,
                max_pending_chunked_bytes: DEFAULT_MAX_PENDING_CHUNKED_BYTES,
                body_idle_timeout: DEFAULT_BODY_IDLE_TIMEOUT,
                chunks: Arc::default(),
                started: Arc::default(),
                in_memory: Arc::default(),
            }),
        }
    }

    /// Whether a stored file must be on disk before the upload succeeds (default `false`).
    ///
    /// When `true`, each file is `fsync`ed before its rename and the folder after it, so a
    /// successful answer survives a power loss; this costs a flush per request.
    pub fn durable(mut self, durable: bool) -> Self {
        Arc::make_mut(&mut self.inner).durable = durable;
        self
    }

    /// Verifies the CSRF token of uploads to zones with `enable_csrf` with `csrf`.
    ///
    /// [`Upload`](super::Upload) reads the [`Csrf`] from here, so apps without CSRF need
    /// nothing more than a `Storage` in their state, and a zone with `enable_csrf` whose
    /// storage has no `Csrf` fails loudly: every upload to it is answered 500
    /// [`CsrfNotConfigured`](super::rejection::CsrfNotConfigured) and logged, never accepted
    /// unchecked. Zones without `enable_csrf` are not affected. Give the page handlers the
    /// same `Csrf` (for [`CsrfToken`](crate::csrf::CsrfToken), via `Csrf: FromRef<S>`):
    ///
    /// ```
    /// use axum::extract::FromRef;
    /// use dropzone_runtime::csrf::Csrf;
    /// use dropzone_runtime::upload::Storage;
    ///
    /// #[derive(Clone)]
    /// struct AppState {
    ///     storage: Storage,
    ///     csrf: Csrf,
    /// }
    /// impl FromRef<AppState> for Storage {
    ///     fn from_ref(state: &AppState) -> Storage {
    ///         state.storage.clone()
    ///     }
    /// }
    /// impl FromRef<AppState> for Csrf {
    ///     fn from_ref(state: &AppState) -> Csrf {
    ///         state.csrf.clone()
    ///     }
    /// }
    ///
    /// let csrf = Csrf::random(); // or Csrf::new(secret of at least 32 bytes)
    /// let dir = std::env::temp_dir().join("dropzone-doc-uploads");
    /// let state = AppState {
    ///     storage: Storage::new(dir).csrf(csrf.clone()),
    ///     csrf,
    /// };
    /// # let _ = state;
    /// ```
    pub fn csrf(mut self, csrf: Csrf) -> Self {
        Arc::make_mut(&mut self.inner).csrf = Some(csrf);
        self
    }

    /// The application's [`UploadPolicy`]: asked before any byte of a file is stored and
    /// again once it is complete, it can refuse the file with its own status and message.
    /// Replaces an earlier one; see `policy.rs` for why it lives here.
    pub fn policy(mut self, policy: impl UploadPolicy) -> Self {
        Arc::make_mut(&mut self.inner).policy = Some(PolicyHandle::new(policy));
        self
    }

    pub(crate) fn upload_policy(&self) -> Option<&PolicyHandle> {
        self.inner.policy.as_ref()
    }

    /// Signs the remove ids of this storage's files with `key` (default: a random key, so ids
    /// die with the process; give every instance that serves the same files the same secret,
    /// e.g. through `DROPZONE_REMOVE_SECRET`). See [`crate::files`].
    pub fn remove_key(mut self, key: RemoveKey) -> Self {
        Arc::make_mut(&mut self.inner).remove_key = key;
        self
    }

    /// The key set by [`Storage::remove_key`].
    pub fn remove_key_value(&self) -> &RemoveKey {
        &self.inner.remove_key
    }

    /// The [`Csrf`] uploads are verified with, if one was set with [`Storage::csrf`].
    pub fn csrf_protection(&self) -> Option<&Csrf> {
        self.inner.csrf.as_ref()
    }

    /// How long an unfinished chunked upload is kept without progress (default
    /// [`DEFAULT_CHUNK_EXPIRY`], 5 minutes).
    ///
    /// Dropzone.js never tells the server that it gave up on a file (a cancelled or failed
    /// upload, a closed tab), so an upload is removed, part file and all, once no chunk of it
    /// was received for this long (a chunk being received keeps it alive; a duplicate or a
    /// refused chunk does not). Removal happens on access: every chunk request sweeps (at most
    /// every `expiry / 4`, and at least every 30 s while chunks arrive), and
    /// [`Storage::sweep_chunks`] sweeps on demand, e.g. from a timer. The state of unfinished
    /// uploads is kept in the folder (`.chunks/<dzuuid>/`), not in the process: every storage
    /// and process on the same folder takes any chunk of any upload, and one restarted keeps
    /// the uploads it had (they complete; they expire by the same rule). A chunk of an expired
    /// upload is answered with [`ChunkUploadGone`](super::rejection::ChunkUploadGone) (410).
    pub fn chunk_expiry(mut self, expiry: Duration) -> Self {
        Arc::make_mut(&mut self.inner).chunk_expiry = expiry;
        self
    }

    /// Bounds how many chunked uploads may be unfinished at once (default
    /// [`DEFAULT_MAX_PENDING_CHUNKED`], 10,000): a generous count, since the bytes they hold
    /// are bounded by [`Storage::max_pending_chunked_bytes`]. Counted over every storage and
    /// process sharing the folder.
    ///
    /// The first chunk of a new upload beyond it is refused with 503
    /// ([`TooManyPendingUploads`](super::rejection::TooManyPendingUploads)), writing nothing;
    /// uploads already open go on.
    pub fn max_pending_chunked_uploads(mut self, max: usize) -> Self {
        Arc::make_mut(&mut self.inner).max_pending_chunked = max;
        self
    }

    /// Bounds the bytes unfinished chunked uploads hold together (default
    /// [`DEFAULT_MAX_PENDING_CHUNKED_BYTES`], 4 GiB).
    ///
    /// An unfinished upload costs what it stored: 4 KiB plus its file name, plus the length of
    /// every chunk that was started (received or not, since a chunk cut short may have left
    /// bytes on disk). A chunk that would pass the bound is refused with 503
    /// ([`TooManyPendingUploads`](super::rejection::TooManyPendingUploads)) before a byte is
    /// stored. Counted over every storage and process sharing the folder (in
    /// `.chunks/.ledger`). So unfinished uploads — from one client or all together — never hold more than
    /// this on disk, each for at most [`Storage::chunk_expiry`] after its last progress, and a
    /// client holding a thousand one-byte uploads holds about 4 MiB and blocks no one.
    pub fn max_pending_chunked_bytes(mut self, max: u64) -> Self {
        Arc::make_mut(&mut self.inner).max_pending_chunked_bytes = max;
        self
    }

    /// How long an upload's body may pause (default [`DEFAULT_BODY_IDLE_TIMEOUT`], 30 s).
    ///
    /// When no byte of the body arrives for this long, the upload is refused with 408
    /// ([`BodyTimedOut`](super::rejection::BodyTimedOut)) and its part files are deleted, so a
    /// stalled client holds memory and a connection for at most this long per pause. The timer
    /// restarts with every piece of the body that arrives: a slow upload that keeps moving is
    /// not cut. It bounds the body only; the header read and the number of connections are
    /// the server's to bound (see `SECURITY.md`).
    pub fn body_idle_timeout(mut self, timeout: Duration) -> Self {
        Arc::make_mut(&mut self.inner).body_idle_timeout = timeout;
        self
    }

    /// The timeout set by [`Storage::body_idle_timeout`].
    pub fn body_idle_timeout_value(&self) -> Duration {
        self.inner.body_idle_timeout
    }

    /// The bound set by [`Storage::max_pending_chunked_bytes`].
    pub fn max_pending_chunked_bytes_value(&self) -> u64 {
        self.inner.max_pending_chunked_bytes
    }

    /// The bound set by [`Storage::max_pending_chunked_uploads`].
    pub fn max_pending_chunked_uploads_value(&self) -> usize {
        self.inner.max_pending_chunked
    }

    /// How long unfinished chunked uploads are kept; see [`Storage::chunk_expiry`].
    pub fn chunk_expiry_value(&self) -> Duration {
        self.inner.chunk_expiry
    }

    pub(crate) fn pending_limits(&self) -> PendingLimits {
        PendingLimits {
            expiry: self.inner.chunk_expiry,
            max_count: self.inner.max_pending_chunked,
            max_bytes: self.inner.max_pending_chunked_bytes,
        }
    }

    /// Removes unfinished chunked uploads idle for longer than [`Storage::chunk_expiry`] now,
    /// and returns how many part files were removed.
    /// On object storage: aborts the expired multipart uploads of chunked uploads (of every
    /// instance) and returns how many.
    pub async fn sweep_chunks(&self) -> io::Result<usize> {
        #[cfg(feature = "s3")]
        if let Backend::S3(s3) = &self.inner.backend {
            return super::chunk_object_bounds::sweep(s3, self.pending_limits())
                .await
                .map_err(io::Error::other);
        }
        if !self.inner.backend.is_folder() {
            return Ok(0);
        }
        let inner = Arc::clone(&self.inner);
        spawn_blocking(move || inner.chunks.sweep(&inner.dir, inner.chunk_expiry, true))
            .await
            .map_err(io::Error::other)
    }

    /// Removes what an earlier process left in the folder, once per storage: `.part-*` files of
    /// single uploads, `.chunks/*.part` files of chunked uploads, and metadata sidecars
    /// (`.meta/*`) whose file is missing, whose last change is older
    /// than [`Storage::chunk_expiry`] (a `kill -9` or a power loss leaves them behind). Called
    /// by the first upload the storage handles, before anything of it is stored; at most
    /// 100,000 folder entries are looked at, and what was removed is logged (`tracing`, info).
    /// Returns how many files were removed (0 after the first call).
    pub async fn sweep_leftovers(&self) -> usize {
        if self.inner.started.swap(true, Ordering::AcqRel) || !self.inner.backend.is_folder() {
            return 0;
        }
        let inner = Arc::clone(&self.inner);
        let removed = spawn_blocking(move || {
            let parts = sweep_part_files(&inner.dir, inner.chunk_expiry);
            let sidecars = local::sweep(&inner.dir, inner.chunk_expiry);
            parts + sidecars + inner.chunks.sweep(&inner.dir, inner.chunk_expiry, true)
        })
        .await
        .unwrap_or(0);
        if removed > 0 {
            tracing::info!(
                removed,
                dir = %self.inner.dir.display(),
                "dropzone-runtime: removed part files left by an earlier process"
            );
        }
        removed
    }

    /// Unfinished chunked uploads in this storage's folder (all processes together). Blocking
    /// (reads one small file).
    pub fn pending_chunked_uploads(&self) -> usize {
        self.inner.chunks.len(&self.inner.dir)
    }

    /// Bytes unfinished chunked uploads in the folder (all processes together) count against
    /// [`Storage::max_pending_chunked_bytes`].
    pub fn pending_chunked_bytes(&self) -> u64 {
        self.inner.chunks.reserved(&self.inner.dir)
    }

    pub(crate) fn chunk_index(&self) -> &Arc<ChunkIndex> {
        &self.inner.chunks
    }

    /// Whether uploads are flushed to disk before they succeed; see [`Storage::durable`].
    pub fn is_durable(&self) -> bool {
        self.inner.durable
    }

    /// The upload folder (absolute when it could be made so); empty when files are stored
    /// in object storage (`Storage::s3`, feature `s3`).
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    pub(crate) fn backend(&self) -> &Backend {
        &self.inner.backend
    }

    /// A storage whose files go to `backend` instead of a folder (no folder is used).
    #[cfg(feature = "s3")]
    pub(crate) fn with_backend(backend: Backend) -> Self {
        let mut storage = Storage::unchecked(PathBuf::new());
        let inner = Arc::make_mut(&mut storage.inner);
        inner.dir = PathBuf::new();
        inner.backend = backend;
        storage
    }

    /// A part file for one file part of a request, in this folder.
    ///
    /// Nothing is created yet: a file of at most [`SMALL_FILE`] bytes stays in memory until
    /// [`Storage::persist_local`] creates, writes (one `writev` of the received buffers) and
    /// renames it in one blocking-pool task: one hop per small upload instead of three. A
    /// larger one creates its `.part-*` file with its first write.
    pub(crate) async fn create_local_part(&self) -> io::Result<LocalPart> {
        Ok(LocalPart {
            dir: self.inner.dir.clone(),
            in_memory: true,
            lease: MemoryLease {
                held: Arc::clone(&self.inner.in_memory),
                bytes: 0,
            },
            disk: None,
            pending: None,
            queued: Vec::new(),
            buf: Vec::new(),
            spare: Vec::new(),
            size: 0,
            hash: Box::default(),
        })
    }

    /// Renames every received part to `<uuid>[.ext]` in the folder, never replacing a file,
    /// after writing its metadata sidecar (see `files/local.rs`).
    ///
    /// All or nothing: if one fails, the files already renamed are removed again (with their
    /// sidecars) and the parts not yet renamed are deleted when dropped. Returns, per part, its
    /// path and what was kept with it.
    pub(crate) async fn persist_local(
        &self,
        parts: Vec<(LocalReceived, NewFile)>,
    ) -> io::Result<Vec<(PathBuf, StoredFile)>> {
        let inner = Arc::clone(&self.inner);
        spawn_blocking(move || {
            let mut done: Vec<(PathBuf, StoredFile)> = Vec::with_capacity(parts.len());
            let result = parts.into_iter().try_for_each(|(part, new)| {
                done.push(persist_one(&inner, part, new)?);
                Ok(())
            });
            let result = result.and_then(|()| {
                if inner.durable && !done.is_empty() {
                    sync_dir(&inner.dir)?;
                }
                Ok(())
            });
            match result {
                Ok(()) => Ok(done),
                Err(e) => {
                    for (path, file) in &done {
                        let _ = std::fs::remove_file(path);
                        let _ = local::remove_sidecar(&inner.dir, &file.stored_name);
                    }
                    Err(e)
                }
            }
        })
        .await
        .map_err(io::Error::other)?
    }
}

/// What is known of a received file besides its bytes, for its metadata.
#[derive(Debug)]
pub(crate) struct NewFile {
    /// The extension the content decided (`sniff.rs`), if any.
    pub(crate) extension: Option<String>,
    /// The client's name through `secure_filename`.
    pub(crate) original_name: String,
    /// The zone's id.
    pub(crate) zone: String,
}

/// Removes `.part-*` files in `dir` whose last change is older than `expiry`; see
/// [`Storage::sweep_leftovers`]. Blocking.
fn sweep_part_files(dir: &Path, expiry: Duration) -> usize {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in listing.flatten().take(100_000) {
        let is_part = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(PART_PREFIX));
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age >= expiry);
        if is_part && old && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

fn persist_one(
    inner: &Inner,
    part: LocalReceived,
    new: NewFile,
) -> io::Result<(PathBuf, StoredFile)> {
    let (size, sha256) = (part.size, part.sha256);
    let (file, mut path) = match part.body {
        Body::OnDisk { file, path } => (file, path),
        // The lease is returned once the bytes are in the file.
        Body::InMemory(buffers, _lease) => {
            let (file, path) = create_part_file(&inner.dir)?;
            write_all_vectored(&file, &buffers)?;
            (file, path)
        }
    };
    let mut stored = StoredFile::new(
        String::new(),
        new.original_name,
        size,
        recognised_type(new.extension.as_deref()).to_owned(),
        hex(&sha256),
        new.zone,
        SystemTime::now(),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // On the open file (fchmod), so the umask does not apply and no other path is touched.
        file.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    if inner.durable {
        file.sync_all()?;
    }
    drop(file);
    // A v4 UUID clash is astronomically unlikely; retrying keeps "never overwrite" without
    // turning that case into an error.
    for _ in 0..3 {
        stored.stored_name = new_stored_name(new.extension.as_deref());
        // The metadata first: once the file has its name, it has its metadata.
        match local::write_sidecar(&inner.dir, &stored, inner.durable) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
        let target = inner.dir.join(&stored.stored_name);
        match path.persist_noclobber(&target) {
            Ok(()) => return Ok((target, stored)),
            Err(e) => {
                let _ = local::remove_sidecar(&inner.dir, &stored.stored_name);
                if e.error.kind() != io::ErrorKind::AlreadyExists {
                    return Err(e.error);
                }
                path = e.path;
            }
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "could not find a free random file name",
    ))
}

/// Creates an empty `.part-*` file in `dir` (blocking), re-creating the folder if it went
/// missing. The returned path deletes the file when dropped.
fn create_part_file(dir: &Path) -> io::Result<(std::fs::File, TempPath)> {
    let make = || {
        tempfile::Builder::new()
            .prefix(PART_PREFIX)
            .tempfile_in(dir)
    };
    let named = match make() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir)?;
            make()
        }
        other => other,
    }?;
    Ok(named.into_parts())
}

/// Writes `buffers` in order with as few `writev` calls as the kernel allows: the received
/// network buffers go to the file as they are, without being gathered into one first.
fn write_all_vectored(mut file: &std::fs::File, buffers: &[Bytes]) -> io::Result<()> {
    // Linux takes at most IOV_MAX (1024) slices per call.
    for group in buffers.chunks(1024) {
        let mut slices: Vec<IoSlice<'_>> = group.iter().map(|b| IoSlice::new(b)).collect();
        let mut slices = &mut slices[..];
        while !slices.is_empty() {
            match file.write_vectored(slices) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => IoSlice::advance_slices(&mut slices, n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Files up to this many bytes are kept in memory until they are persisted (see
/// [`Storage::create_local_part`]). Small, so that a batch of many small files holds little.
pub(crate) const SMALL_FILE: usize = 64 * 1024;

/// Most bytes of small files one [`Storage`] keeps in memory at once, over all requests: past
/// it, a small file is written to its part file like a large one. Bounds the memory of many
/// small files, in one batch request or in many.
pub(crate) const SMALL_FILES_MEMORY: usize = 4 << 20;

/// A share of [`SMALL_FILES_MEMORY`], given back when dropped.
struct MemoryLease {
    held: Arc<AtomicUsize>,
    bytes: usize,
}

impl MemoryLease {
    /// Takes `n` more bytes if the budget has them.
    fn grow(&mut self, n: usize) -> bool {
        let before = self.held.fetch_add(n, Ordering::Relaxed);
        if before + n > SMALL_FILES_MEMORY {
            self.held.fetch_sub(n, Ordering::Relaxed);
            return false;
        }
        self.bytes += n;
        true
    }

    fn release(&mut self) {
        self.held
            .fetch_sub(mem::take(&mut self.bytes), Ordering::Relaxed);
    }
}

impl Drop for MemoryLease {
    fn drop(&mut self) {
        self.release();
    }
}

type WriteTask = JoinHandle<(Option<OnDisk>, Vec<u8>, io::Result<()>)>;

/// The `.part-*` file of a [`LocalPart`], once it has one.
struct OnDisk {
    file: std::fs::File,
    /// Deletes the file on drop, including when the request future is dropped mid-upload.
    path: TempPath,
}

/// A file part being received.
///
/// Up to [`SMALL_FILE`] bytes, the network buffers are kept as they came (no copy, no file).
/// Past that, bytes are gathered into [`WRITE_CHUNK`] blocks, one written on the blocking pool
/// while the next fills; the first write also creates the part file, which is deleted when
/// dropped unless it was persisted.
///
/// Why large files are copied into blocks rather than written from the received buffers: those
/// buffers are slices of the multipart parser's own read buffer, so keeping them until a write
/// forces the parser to allocate a fresh buffer for every network read. Measured on a 512 MiB
/// upload: 96,000 page faults and up to twice the kernel time, against 1,800-9,000 with one
/// reused block (bench/README.md).
pub(crate) struct LocalPart {
    dir: PathBuf,
    /// Still small (and within the memory budget): kept as `queued`, not written.
    in_memory: bool,
    lease: MemoryLease,
    /// `None` before the first write, and while a write owns it.
    disk: Option<OnDisk>,
    pending: Option<WriteTask>,
    /// A small file's buffers, while it is small.
    queued: Vec<Bytes>,
    /// The block being gathered, once the file is past [`SMALL_FILE`].
    buf: Vec<u8>,
    spare: Vec<u8>,
    size: u64,
    /// Of every byte accepted, in order. Fed here, on the task reading the network, a
    /// network buffer (tens of KiB) at a time, so hashing overlaps the block writes on the
    /// blocking pool instead of lengthening them.
    hash: Box<Sha256>,
}

/// A part file whose bytes are all received, waiting for the request to finish.
pub(crate) struct LocalReceived {
    body: Body,
    pub(crate) size: u64,
    /// Of every byte, in order: hashed as they came, through a [`LocalPart`] or chunk by
    /// chunk (chunk_hash.rs), so that persisting never reads the file back.
    sha256: [u8; 32],
}

enum Body {
    OnDisk {
        file: std::fs::File,
        path: TempPath,
    },
    /// A small file, written only when persisted.
    InMemory(Vec<Bytes>, MemoryLease),
}

impl LocalReceived {
    /// A finished file that was not written through a [`LocalPart`] (a reassembled chunked
    /// upload), whose bytes have this `sha256`; `path` is deleted when the part is dropped
    /// unpersisted.
    pub(crate) fn from_file(
        file: std::fs::File,
        path: PathBuf,
        size: u64,
        sha256: [u8; 32],
    ) -> io::Result<Self> {
        Ok(LocalReceived {
            body: Body::OnDisk {
                file,
                path: TempPath::try_from_path(path)?,
            },
            size,
            sha256,
        })
    }
}

impl LocalPart {
    /// Bytes accepted so far (queued or written).
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// Appends `chunk`; writes to disk each time a full block has gathered.
    pub(crate) async fn write(&mut self, chunk: &Bytes) -> io::Result<()> {
        self.size += chunk.len() as u64;
        self.hash.update(chunk);
        if self.in_memory {
            if self.size <= SMALL_FILE as u64 && self.lease.grow(chunk.len()) {
                if !chunk.is_empty() {
                    self.queued.push(chunk.clone());
                }
                return Ok(());
            }
            // Too large, or the budget is spent: from here on, written like a large file;
            // what was kept goes into the first block.
            self.in_memory = false;
            for kept in mem::take(&mut self.queued) {
                fill_block(&mut self.buf, &kept, WRITE_CHUNK);
            }
            self.lease.release();
        }
        let mut data: &[u8] = chunk;
        while !data.is_empty() {
            data = fill_block(&mut self.buf, data, WRITE_CHUNK);
            if self.buf.len() == WRITE_CHUNK {
                self.start_write().await?;
            }
        }
        if self.disk.is_none() && self.pending.is_none() && !self.buf.is_empty() {
            // Just past SMALL_FILE: create the part file now, with what has come so far, so
            // that it exists while the upload is under way and creating it overlaps the network.
            self.start_write().await?;
        }
        Ok(())
    }

    /// Writes what is left and waits for every write to finish. A small file stays in
    /// memory, to be written when persisted.
    pub(crate) async fn finish(mut self) -> io::Result<LocalReceived> {
        let size = self.size;
        if self.in_memory {
            let lease = MemoryLease {
                held: Arc::clone(&self.lease.held),
                bytes: mem::take(&mut self.lease.bytes),
            };
            let body = Body::InMemory(mem::take(&mut self.queued), lease);
            let sha256 = mem::take(&mut self.hash).finalize().into();
            return Ok(LocalReceived { body, size, sha256 });
        }
        if !self.buf.is_empty() {
            self.start_write().await?;
        }
        self.wait().await?;
        let OnDisk { file, path } = self
            .disk
            .take()
            .ok_or_else(|| io::Error::other("part file lost by a failed write"))?;
        Ok(LocalReceived {
            body: Body::OnDisk { file, path },
            size,
            sha256: mem::take(&mut self.hash).finalize().into(),
        })
    }

    /// Abandons the part, once the block write in flight (if any) has returned, so that its
    /// part file is gone when this returns rather than some time after.
    pub(crate) async fn discard(mut self) {
        let _ = self.wait().await;
    }

    async fn start_write(&mut self) -> io::Result<()> {
        self.wait().await?;
        // The part file, or the folder to create it in.
        let place = self.disk.take().ok_or_else(|| self.dir.clone());
        let data = mem::replace(&mut self.buf, mem::take(&mut self.spare));
        self.pending = Some(spawn_blocking(move || {
            // The first write also creates the file: one hop, not two.
            let disk = match place {
                Ok(disk) => disk,
                Err(dir) => match create_part_file(&dir) {
                    Ok((file, path)) => OnDisk { file, path },
                    Err(e) => return (None, data, Err(e)),
                },
            };
            let result = (&disk.file).write_all(&data);
            (Some(disk), data, result)
        }));
        Ok(())
    }

    async fn wait(&mut self) -> io::Result<()> {
        if let Some(task) = self.pending.take() {
            let (disk, mut data, result) = task.await.map_err(io::Error::other)?;
            data.clear();
            self.spare = data;
            self.disk = disk;
            result?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "storage_tests.rs"]
mod tests;
