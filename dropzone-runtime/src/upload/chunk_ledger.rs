//! What unfinished chunked uploads hold, for every process sharing the upload folder: the
//! number of uploads and the bytes they count, in `.chunks/.ledger`, changed only under an
//! exclusive lock on that file.
//!
//! Every change of what is held (an upload made or removed, a chunk started) happens while the
//! lock is held, so the bounds hold across processes; the sweep recounts it from the uploads'
//! own state under the same lock, which also repairs what a killed process left half done.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

use super::chunk_disk::{CHUNK_DIR, write_all_at};

const LEDGER: &str = ".ledger";

/// The ledger, locked exclusively until dropped.
pub(crate) struct Ledger {
    file: File,
    pub(crate) count: u64,
    pub(crate) bytes: u64,
}

fn open(root: &Path) -> io::Result<File> {
    let path = root.join(CHUNK_DIR).join(LEDGER);
    let open = || {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
    };
    match open() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            std::fs::create_dir_all(root.join(CHUNK_DIR))?;
            open()
        }
        other => other,
    }
}

fn read(file: &File) -> io::Result<(u64, u64)> {
    let mut buf = [0u8; 16];
    let n = read_at(file, &mut buf)?;
    if n < 16 {
        // A new ledger (or one cut short): nothing counted yet.
        return Ok((0, 0));
    }
    let (count, bytes) = buf.split_at(8);
    Ok((
        u64::from_le_bytes(count.try_into().expect("8 bytes")),
        u64::from_le_bytes(bytes.try_into().expect("8 bytes")),
    ))
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8]) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, 0)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8]) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, 0)
}

impl Ledger {
    /// Locks the ledger of the upload folder `root` (waiting for other holders). Blocking.
    pub(crate) fn lock(root: &Path) -> io::Result<Ledger> {
        let file = open(root)?;
        file.lock()?;
        let (count, bytes) = read(&file)?;
        Ok(Ledger { file, count, bytes })
    }

    /// What is held now, without waiting for a writer. Blocking.
    pub(crate) fn peek(root: &Path) -> io::Result<(u64, u64)> {
        if !root.join(CHUNK_DIR).join(LEDGER).exists() {
            return Ok((0, 0));
        }
        let file = open(root)?;
        file.lock_shared()?;
        read(&file)
    }

    /// Writes the counts back (the lock is kept until the ledger is dropped).
    pub(crate) fn save(&self) -> io::Result<()> {
        let mut buf = [0u8; 16];
        buf[..8].copy_from_slice(&self.count.to_le_bytes());
        buf[8..].copy_from_slice(&self.bytes.to_le_bytes());
        // One 16-byte write: a process killed during it leaves either value, and the next
        // sweep recounts anyway.
        write_all_at(&self.file, &buf, 0)
    }

    /// Removes one upload that counted `bytes`.
    pub(crate) fn remove(&mut self, bytes: u64) -> io::Result<()> {
        self.count = self.count.saturating_sub(1);
        self.bytes = self.bytes.saturating_sub(bytes);
        self.save()
    }
}
