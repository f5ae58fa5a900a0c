//! The running SHA-256 of a chunked upload in the folder, advanced as its chunks arrive, so
//! that the request that completes the file does not read it back whole (seconds per GiB,
//! past Dropzone.js's 30 s timeout for large files).
//!
//! A chunk sent right after the ones the hash covers (the usual case: chunks one after another)
//! is hashed by its own request as its bytes are written ([`Inline`]); any other is read back
//! from the data file, in bounded blocks, once it follows what the hash covers.
//!
//! The state (`sha` in the upload's folder, see chunk_disk.rs) is a [`RunningSha256`] over the
//! first chunks, and a *cap*: the first chunk it must never cover. It is read and replaced only
//! with `hash` held exclusively, so every change of it is one whole step.
//!
//! Why the cap: the hash may only cover bytes no write will change any more. A chunk marked
//! received is never written again by a new request ([`Begin::Duplicate`]), but a request that
//! began while the chunk was only started (a second copy in flight, or the retry of one cut
//! short) may still be writing it after the first copy was marked received and hashed. Such a
//! request ([`exclude`]) lowers the cap to its chunk before its first byte is written, and
//! throws the hash away if it already covers that chunk; what is past the cap is hashed by the
//! finalizer, once no write can land ([`finish`]). So digest and bytes agree whichever copy
//! wins.
//!
//! A state that does not read back (cut short, another version) is no state: the chunk path
//! leaves it alone and the finalizer hashes the file from its start, as it did before.
//!
//! [`Begin::Duplicate`]: super::chunk_store::Begin::Duplicate

use std::fs::File;
use std::io;

use super::chunk_disk::{ChunkedFile, RECEIVED, UploadDir, read_exact_at};
use super::sha_state::{RunningSha256, SAVED_LEN};

/// Bytes read at once while hashing: bounded, whatever the chunk size. Small, because it is
/// allocated on whichever blocking-pool thread advances the hash, and glibc keeps what each
/// thread's arena once held: 256 KiB put the 2-chunks-in-flight row at 13-13.5 MiB peak RSS
/// (target 12), 64 KiB at 10.3-11.5 MiB, and hashing reads at the same speed.
const READ_BLOCK: usize = 64 * 1024;

const MAGIC: &[u8; 8] = b"dzsha 1\n";
const STATE_LEN: usize = MAGIC.len() + 8 + SAVED_LEN;

/// See the module documentation.
struct State {
    /// The first chunk the hash must not cover; `u64::MAX` for none.
    cap: u64,
    sha: RunningSha256,
}

impl State {
    fn new(cap: u64) -> Self {
        State {
            cap,
            sha: RunningSha256::new(),
        }
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(STATE_LEN);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.cap.to_le_bytes());
        out.extend_from_slice(&self.sha.save());
        out
    }

    /// `None` for anything but a state of this upload [`encode`](Self::encode)d before.
    fn decode(bytes: &[u8], file: &ChunkedFile) -> Option<Self> {
        if bytes.len() != STATE_LEN || !bytes.starts_with(MAGIC) {
            return None;
        }
        let (cap, saved) = bytes[MAGIC.len()..].split_at(8);
        let state = State {
            cap: u64::from_le_bytes(cap.try_into().ok()?),
            sha: RunningSha256::restore(saved)?,
        };
        // Only ever advanced by whole chunks, up to the end of the file.
        let len = state.sha.len();
        let aligned = len.is_multiple_of(file.chunk_size);
        (len <= file.total_size && (aligned || len == file.total_size)).then_some(state)
    }

    /// How many chunks the hash covers.
    fn covered(&self, file: &ChunkedFile) -> u64 {
        if self.sha.len() >= file.total_size {
            file.chunk_count
        } else {
            // A chunk size of 0 goes with an empty file only; never divide by it.
            self.sha.len().checked_div(file.chunk_size).unwrap_or(0)
        }
    }
}

/// The saved state, or a new one if there is none yet; `None` if it does not read back, which
/// is left as it is (the chunk path never hashes again, the finalizer hashes from the start).
fn load(upload: &UploadDir, file: &ChunkedFile) -> io::Result<Option<State>> {
    Ok(match upload.read_sha()? {
        None => Some(State::new(u64::MAX)),
        Some(bytes) => State::decode(&bytes, file),
    })
}

/// The `hash` lock, held exclusively; `None` for an upload without one (made by an earlier
/// version), which is hashed whole by its finalizer. With `wait` false, `None` also when
/// another request holds it.
fn lock(upload: &UploadDir, wait: bool) -> io::Result<Option<File>> {
    let lock = match upload.open_hash_lock() {
        Ok(lock) => lock,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if wait {
        lock.lock()?;
    } else {
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
    }
    Ok(Some(lock))
}

/// Feeds the bytes of `data` from what `sha` covers up to `to`, [`READ_BLOCK`] at a time.
fn hash_up_to(data: &File, sha: &mut RunningSha256, to: u64) -> io::Result<()> {
    let from = sha.len();
    if from >= to {
        return Ok(());
    }
    let mut buf = vec![0u8; READ_BLOCK.min(usize::try_from(to - from).unwrap_or(READ_BLOCK))];
    let mut at = from;
    while at < to {
        let n = buf.len().min(usize::try_from(to - at).unwrap_or(buf.len()));
        read_exact_at(data, &mut buf[..n], at)?;
        sha.update(&buf[..n]);
        at += n as u64;
    }
    Ok(())
}

/// The running hash a chunk's writer goes on with (chunk_write.rs): the upload's state when the
/// request began, which ended where the chunk starts, fed the chunk's bytes as they are
/// written, so the chunk need not be read back.
pub(crate) struct Inline {
    /// The state it went on from, saved: it only applies to that very state.
    from: [u8; SAVED_LEN],
    sha: RunningSha256,
}

impl Inline {
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.sha.update(data);
    }
}

/// What the writer of chunk `chunk` starts from, if the state ends where the chunk starts and
/// may go past it. Read without the lock (a `sha` is replaced whole, never changed in place);
/// [`advance`] checks it again under the lock. Blocking.
pub(crate) fn snapshot(upload: &UploadDir, file: &ChunkedFile, chunk: u64) -> Option<Inline> {
    let state = load(upload, file).ok()??;
    let starts_here = Some(state.sha.len()) == chunk.checked_mul(file.chunk_size);
    (starts_here && chunk < state.cap.min(file.chunk_count)).then(|| Inline {
        from: state.sha.save(),
        sha: state.sha,
    })
}

/// After a chunk was marked received: advances the hash over every received chunk that follows
/// what it covers, up to its cap, taking `inline` (this request's chunk, hashed as it was
/// written) for its chunk if the state is still the one it went on from, and reading the
/// others back. Does not wait: if another request holds the lock, that one or the finalizer
/// covers the chunk. Blocking.
pub(crate) fn advance(
    upload: &UploadDir,
    file: &ChunkedFile,
    data: &File,
    inline: Option<Inline>,
) -> io::Result<()> {
    let Some(_lock) = lock(upload, false)? else {
        return Ok(());
    };
    // Finalized meanwhile: the finalizer has the state (it took the lock after the claim).
    if upload.end()?.is_some() {
        return Ok(());
    }
    let Some(mut state) = load(upload, file)? else {
        return Ok(());
    };
    let map = upload.read_map()?;
    let limit = state.cap.min(file.chunk_count);
    let mut changed = false;
    if let Some(inline) = inline {
        // The same state, so the chunk that follows it is this request's; under the cap, so
        // no other request has written it since (see the module documentation).
        let chunk = state.covered(file);
        let end = file
            .total_size
            .min((chunk + 1).saturating_mul(file.chunk_size));
        if inline.from == state.sha.save()
            && chunk < limit
            && map.get(chunk as usize) == Some(&RECEIVED)
            && inline.sha.len() == end
        {
            state.sha = inline.sha;
            changed = true;
        }
    }
    let from = state.covered(file);
    let to = (from..limit)
        .find(|&i| map.get(i as usize) != Some(&RECEIVED))
        .unwrap_or(limit.max(from));
    if to == from && !changed {
        return Ok(());
    }
    let end = to.saturating_mul(file.chunk_size).min(file.total_size);
    hash_up_to(data, &mut state.sha, end)?;
    // Not flushed: a state lost to a power cut only means more hashing at the end.
    upload.write_sha(&state.encode(), false)
}

/// Before a request that did not start chunk `chunk` writes its first byte to it (see the
/// module documentation): the hash will never cover that chunk before the finalizer. Waits for
/// the lock. Flushed to disk: losing this step while the chunk's bytes stay would make the
/// digest disagree with them. Blocking.
pub(crate) fn exclude(upload: &UploadDir, file: &ChunkedFile, chunk: u64) -> io::Result<()> {
    let Some(_lock) = lock(upload, true)? else {
        return Ok(());
    };
    // Claimed meanwhile: its gate refuses this request's writes, and a state written now
    // would be left behind in the tombstone.
    if upload.end()?.is_some() {
        return Ok(());
    }
    let state = match load(upload, file)? {
        Some(state) if state.covered(file) > chunk => State::new(chunk),
        Some(state) if state.cap <= chunk => return Ok(()),
        Some(mut state) => {
            state.cap = chunk;
            state
        }
        None => return Ok(()),
    };
    upload.write_sha(&state.encode(), true)
}

/// The digest of the whole file, for the finalizer, once no write can land any more (the gate
/// closed): the saved hash finished over what it does not cover. Waits for the lock (a request
/// advancing it finishes first). Blocking.
pub(crate) fn finish(upload: &UploadDir, file: &ChunkedFile, data: &File) -> io::Result<[u8; 32]> {
    let _lock = lock(upload, true)?;
    let mut sha = match load(upload, file) {
        Ok(Some(state)) => state.sha,
        _ => RunningSha256::new(),
    };
    hash_up_to(data, &mut sha, file.total_size)?;
    Ok(sha.finalize())
}

/// The digest of what the saved hash covers, if it reads back. Blocking.
#[cfg(test)]
pub(crate) fn covered_digest(upload: &UploadDir, file: &ChunkedFile) -> Option<[u8; 32]> {
    load(upload, file).ok()?.map(|state| state.sha.finalize())
}

/// How many bytes the saved hash covers (0 if it does not read back). Blocking.
#[cfg(test)]
pub(crate) fn covered_bytes(upload: &UploadDir, file: &ChunkedFile) -> u64 {
    load(upload, file)
        .ok()
        .flatten()
        .map_or(0, |state| state.sha.len())
}

#[cfg(test)]
#[path = "chunk_hash_tests.rs"]
mod tests;
