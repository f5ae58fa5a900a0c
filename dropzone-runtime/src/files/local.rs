//! The files API on a local folder: each stored file `<dir>/<name>` has its metadata in the
//! sidecar `<dir>/.meta/<name>.json` (a [`StoredFile`] as JSON).
//!
//! The sidecar is written (in place, never replacing one) *before* the data file gets its
//! final name, and deleted *after* the data file, so a visible
//! file always has its metadata. A crash between the two leaves a sidecar without a file:
//! invisible (every call checks the data file) and removed by [`sweep`]. Blocking functions,
//! for the blocking pool.

use super::name::{META_DIR, is_stored_name};
use super::stored::check_range;
use super::{FilePage, FilesError, MAX_LIST, StoredFile};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Prefix of the temporary sidecars earlier versions wrote (then renamed); still swept.
const TMP_PREFIX: &str = ".tmp-";

/// Sidecars are small (names are at most 255 bytes); a larger one is not ours.
const MAX_SIDECAR: u64 = 16 * 1024;

/// Most sidecars one listing page reads, matching or not, so a page costs a bounded amount
/// even when the zone asked for has few of the folder's files.
const LIST_SCAN: usize = 10 * MAX_LIST;

/// Most folder entries one sweep looks at (as the part-file sweep).
const SWEEP_SCAN: usize = 100_000;

fn sidecar_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(META_DIR).join(format!("{name}.json"))
}

/// Writes `file`'s sidecar, never replacing one (`AlreadyExists` if the name is taken), and
/// returns its path. With `durable`, the sidecar and its folder are flushed first.
///
/// Written in place, not to a temporary file renamed after: its data file does not exist
/// yet, and every reader looks for the data file before the sidecar, so no reader sees it
/// half written. That saves a rename (and a random name) per stored file, a sixth of a small
/// upload's syscalls. A crash mid-write leaves a sidecar without a data file, which [`sweep`]
/// removes.
pub(crate) fn write_sidecar(dir: &Path, file: &StoredFile, durable: bool) -> io::Result<PathBuf> {
    let json = serde_json::to_vec(file).map_err(io::Error::other)?;
    let target = sidecar_path(dir, &file.stored_name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut sidecar = match options.open(&target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir.join(META_DIR))?;
            options.open(&target)
        }
        other => other,
    }?;
    let written = sidecar.write_all(&json).and_then(|()| {
        if durable {
            sidecar.sync_all()?;
            File::open(dir.join(META_DIR))?.sync_all()?;
        }
        Ok(())
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&target);
        return Err(e);
    }
    Ok(target)
}

/// Removes `name`'s sidecar; an absent one is fine.
pub(crate) fn remove_sidecar(dir: &Path, name: &str) -> io::Result<()> {
    match std::fs::remove_file(sidecar_path(dir, name)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// The sidecar of `name` (already shape-checked), if it is one of ours.
fn read_sidecar(dir: &Path, name: &str) -> Result<StoredFile, FilesError> {
    let mut json = Vec::new();
    File::open(sidecar_path(dir, name))?
        .take(MAX_SIDECAR)
        .read_to_end(&mut json)?;
    let file: StoredFile = serde_json::from_slice(&json).map_err(FilesError::backend)?;
    if file.stored_name != name {
        return Err(FilesError::backend("a sidecar names another file"));
    }
    Ok(file)
}

/// `name`'s metadata, if it is a stored file of `zone` whose data file exists.
pub(crate) fn info(dir: &Path, zone: &str, name: &str) -> Result<StoredFile, FilesError> {
    if !is_stored_name(name) {
        return Err(FilesError::NotFound);
    }
    // The data file first: a sidecar is complete once its data file exists (see
    // `write_sidecar`), not necessarily before.
    if !dir.join(name).is_file() {
        return Err(FilesError::NotFound);
    }
    let file = read_sidecar(dir, name)?;
    if file.zone != zone {
        return Err(FilesError::NotFound);
    }
    Ok(file)
}

/// Opens `name` positioned at the start of `range` (checked against its size).
pub(crate) fn open(
    dir: &Path,
    zone: &str,
    name: &str,
    range: Option<Range<u64>>,
) -> Result<(StoredFile, Range<u64>, File), FilesError> {
    let file = info(dir, zone, name)?;
    let range = check_range(range, file.size)?;
    let mut data = File::open(dir.join(name))?;
    data.seek(SeekFrom::Start(range.start))?;
    Ok((file, range, data))
}

/// Deletes `name` of `zone`: the data file first (from then on it is gone for every reader),
/// then its sidecar.
pub(crate) fn delete(dir: &Path, zone: &str, name: &str) -> Result<(), FilesError> {
    info(dir, zone, name)?;
    std::fs::remove_file(dir.join(name))?;
    remove_sidecar(dir, name)?;
    Ok(())
}

/// One page of `zone`'s files after `cursor`, in stored-name order.
///
/// Reads the sidecar folder's names (no file contents), then at most [`LIST_SCAN`] sidecars
/// from the cursor on; `next` is set whenever names remain beyond what was looked at.
pub(crate) fn list(
    dir: &Path,
    zone: &str,
    cursor: Option<&str>,
    max: usize,
) -> Result<FilePage, FilesError> {
    if cursor.is_some_and(|c| !is_stored_name(c)) {
        return Err(FilesError::NotFound);
    }
    let max = max.clamp(1, MAX_LIST);
    let listing = match std::fs::read_dir(dir.join(META_DIR)) {
        Ok(listing) => listing,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(FilePage::default()),
        Err(e) => return Err(FilesError::backend(e)),
    };
    let mut names = Vec::new();
    for entry in listing {
        let entry = entry.map_err(FilesError::backend)?;
        let Some(name) = entry.file_name().to_str().and_then(stored_name_of) else {
            continue;
        };
        if cursor.is_none_or(|c| name.as_str() > c) {
            names.push(name);
        }
    }
    let beyond = names.len() > LIST_SCAN;
    if beyond {
        names.select_nth_unstable(LIST_SCAN);
        names.truncate(LIST_SCAN);
    }
    names.sort_unstable();

    let mut files = Vec::new();
    let mut last = None;
    for name in &names {
        if files.len() == max {
            break;
        }
        last = Some(name);
        match info(dir, zone, name) {
            Ok(file) => files.push(file),
            Err(FilesError::NotFound) => {}
            Err(e) => {
                tracing::warn!(stored_name = %name, error = %e, "dropzone-runtime: unreadable sidecar skipped");
            }
        }
    }
    let looked_at_all = last == names.last();
    let next = (beyond || !looked_at_all).then(|| last.cloned()).flatten();
    Ok(FilePage::new(files, next))
}

/// The stored name a sidecar's file name is for.
fn stored_name_of(file_name: &str) -> Option<String> {
    let name = file_name.strip_suffix(".json")?;
    is_stored_name(name).then(|| name.to_owned())
}

/// Removes, among sidecars whose last change is older than `expiry`, those being written
/// (`.tmp-*`) and those whose data file does not exist (a crash between the sidecar and the
/// rename, or between a delete's two steps). Returns how many were removed.
pub(crate) fn sweep(dir: &Path, expiry: Duration) -> usize {
    let Ok(listing) = std::fs::read_dir(dir.join(META_DIR)) else {
        return 0;
    };
    let mut removed = 0;
    for entry in listing.flatten().take(SWEEP_SCAN) {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let orphan = file_name.starts_with(TMP_PREFIX)
            || stored_name_of(file_name).is_some_and(|name| !dir.join(name).exists());
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age >= expiry);
        if orphan && old && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}
