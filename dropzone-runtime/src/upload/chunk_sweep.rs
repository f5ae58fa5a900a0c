//! Removing what chunked uploads leave behind: uploads without progress for the expiry,
//! tombstones older than the expiry, folders half made or half removed by a killed process,
//! and `.chunks/<uuid>.part` files of the earlier, in-process format. Then the ledger is
//! recounted from what is left, which repairs what a killed process left half counted.

use std::fs;
use std::io;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};
use uuid::Uuid;

use super::chunk_disk::{CHUNK_DIR, End, NEW_PREFIX, TRASH_PREFIX, UploadDir};
use super::chunk_ledger::Ledger;
use super::chunk_store::{ChunkIndex, upload_cost};

/// At most this many entries of `.chunks/` are looked at per sweep (bounded work).
const MAX_ENTRIES: usize = 100_000;

fn older_than(time: io::Result<SystemTime>, expiry: Duration) -> bool {
    time.ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age >= expiry)
}

impl ChunkIndex {
    /// Sweeps the upload folder `dir`. Runs at most every `expiry / 4` (and at least every
    /// 30 s when asked) per process unless `force`. Returns how many unfinished uploads
    /// (or old part files) were removed. Blocking.
    pub(crate) fn sweep(&self, dir: &Path, expiry: Duration, force: bool) -> usize {
        {
            let mut last = self.last_sweep.lock().unwrap_or_else(|e| e.into_inner());
            let every = (expiry / 4).min(Duration::from_secs(30));
            let now = Instant::now();
            if !force && last.is_some_and(|t| now.duration_since(t) < every) {
                return 0;
            }
            *last = Some(now);
        }
        let Ok(listing) = fs::read_dir(dir.join(CHUNK_DIR)) else {
            return 0;
        };
        let mut removed = 0;
        for entry in listing.flatten().take(MAX_ENTRIES) {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let path = entry.path();
            if let Ok(uuid) = Uuid::parse_str(name) {
                match sweep_upload(dir, &UploadDir::new(dir, uuid), expiry) {
                    Ok(true) => removed += 1,
                    Ok(false) => {}
                    Err(e) => tracing::debug!(error = %e, "dropzone-runtime: sweep"),
                }
            } else if name.starts_with(TRASH_PREFIX)
                || (name.starts_with(NEW_PREFIX)
                    && older_than(fs::metadata(&path).and_then(|m| m.modified()), expiry))
            {
                let _ = fs::remove_dir_all(&path);
            } else if name
                .strip_suffix(".part")
                .is_some_and(|n| Uuid::parse_str(n).is_ok())
                && older_than(entry.metadata().and_then(|m| m.modified()), expiry)
                && fs::remove_file(&path).is_ok()
            {
                removed += 1;
            }
        }
        if let Err(e) = recount(dir) {
            tracing::warn!(error = %e, "dropzone-runtime: could not recount chunked uploads");
        }
        if removed > 0 {
            tracing::info!(removed, "dropzone-runtime: removed expired chunked uploads");
        }
        removed
    }
}

/// Expires one upload if it made no progress for `expiry` and no request is writing to it,
/// or removes its tombstone once older than `expiry`. `true` if an unfinished upload went.
fn sweep_upload(dir: &Path, upload: &UploadDir, expiry: Duration) -> io::Result<bool> {
    if upload.end()?.is_some() {
        if older_than(
            upload
                .ended_at()?
                .ok_or(io::ErrorKind::NotFound)
                .map_err(io::Error::from),
            expiry,
        ) {
            upload.discard()?;
        }
        return Ok(false);
    }
    let lock = match upload.open_lock() {
        Ok(lock) => lock,
        // Neither ended nor complete: a folder a killed process left half stripped.
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    // Held shared by every request writing to it: such an upload does not expire.
    if lock.try_lock().is_err() || !upload.holds(&lock)? {
        return Ok(false);
    }
    if !older_than(lock.metadata().and_then(|m| m.modified()), expiry) {
        return Ok(false);
    }
    let (file, map) = (upload.meta()?, upload.read_map()?);
    let mut ledger = Ledger::lock(dir)?;
    if !upload.claim(End::Gone)? {
        return Ok(false);
    }
    ledger.remove(upload_cost(&file, &map))?;
    drop(ledger);
    upload.strip();
    let _ = fs::remove_file(upload.data_path());
    Ok(true)
}

/// Recounts the ledger from the unfinished uploads' own state, under its lock.
fn recount(dir: &Path) -> io::Result<()> {
    let mut ledger = Ledger::lock(dir)?;
    let (mut count, mut bytes) = (0u64, 0u64);
    for entry in fs::read_dir(dir.join(CHUNK_DIR))?
        .flatten()
        .take(MAX_ENTRIES)
    {
        let Some(uuid) = entry
            .file_name()
            .to_str()
            .and_then(|n| Uuid::parse_str(n).ok())
        else {
            continue;
        };
        let upload = UploadDir::new(dir, uuid);
        if upload.end()?.is_some() {
            continue;
        }
        let (Ok(file), Ok(map)) = (upload.meta(), upload.read_map()) else {
            continue;
        };
        count += 1;
        bytes += upload_cost(&file, &map);
    }
    if (count, bytes) != (ledger.count, ledger.bytes) {
        tracing::debug!(count, bytes, "dropzone-runtime: chunked uploads recounted");
        ledger.count = count;
        ledger.bytes = bytes;
        ledger.save()?;
    }
    Ok(())
}
