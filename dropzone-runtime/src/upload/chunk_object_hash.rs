//! The running sha256 of a chunked upload into object storage, kept in the bucket beside the
//! upload (`<hidden name>.sha`), so that the request that finalizes it does not download the
//! whole assembled object to hash it (a 5 GiB file took longer than Dropzone.js's 30 s
//! request timeout).
//!
//! The state covers chunks `0..n` and holds, beside the saved hash: the multipart upload it
//! belongs to, the receipts (ETags) of the parts of each chunk it covers, and the first [`SNIFF_LEN`] bytes
//! (the content check's head). A request that stored chunk `i` extends it only if it covered
//! exactly `0..i` (chunk 0 starts a new one); otherwise it leaves it alone, and the finalizer
//! reads back only what the state does not cover. The finalizer trusts it only if its upload
//! and receipts match the parts it completed with: a chunk sent again with other bytes
//! replaces its part (and its receipt), so a state that hashed the old bytes is not used.
//! Any doubt (no state, unreadable, another upload, a receipt that differs) costs a read-back,
//! never a wrong sha256.

use super::sha_state::{RunningSha256, SAVED_LEN};
use super::sniff::SNIFF_LEN;
use crate::store::{PartTag, PartsUpload, S3Backend, StoreError};
use bytes::{BufMut, Bytes, BytesMut};
use futures_util::TryStreamExt;

const MAGIC: &[u8; 4] = b"DZH3";

/// A state larger than this is not one this code wrote.
const MAX_STATE: usize = 64 * 1024;

/// Where the state of the upload into `hidden` is kept: under `.incoming/` too, so the sweep
/// removes one a stopped instance left.
pub(crate) fn state_name(hidden: &str) -> String {
    format!("{hidden}{STATE_SUFFIX}")
}

/// How a state's name ends.
pub(crate) const STATE_SUFFIX: &str = ".sha";

/// The hash of an upload's first chunks, with what is needed to trust it.
#[derive(Clone, Debug)]
pub(crate) struct HashState {
    upload_id: String,
    /// How many chunks it covers: `0..chunks`.
    chunks: usize,
    /// How many parts those chunks were sent as.
    parts: usize,
    /// A digest chained over their parts' receipts (ETags), in order: a fixed size, so that saving
    /// the state after each chunk costs the same for the 10,000th chunk as for the first
    /// (a list of receipts made the saves of a 10,000-chunk upload add up to gigabytes).
    tags: [u8; 32],
    head: Vec<u8>,
    sha: RunningSha256,
}

impl HashState {
    /// A state covering nothing yet (what the finalizer starts from without a trusted one).
    pub(crate) fn empty(upload_id: &str) -> Self {
        HashState {
            upload_id: upload_id.to_owned(),
            chunks: 0,
            parts: 0,
            tags: [0; 32],
            head: Vec::with_capacity(SNIFF_LEN),
            sha: RunningSha256::new(),
        }
    }

    /// How many chunks it covers.
    pub(crate) fn chunks(&self) -> usize {
        self.chunks
    }

    /// How many bytes it hashed.
    pub(crate) fn len(&self) -> u64 {
        self.sha.len()
    }

    /// Hashes `bytes`, the next bytes of the upload (keeping the head).
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        let room = SNIFF_LEN.saturating_sub(self.head.len());
        self.head.extend_from_slice(&bytes[..room.min(bytes.len())]);
        self.sha.update(bytes);
    }

    /// The state after chunk `index` of `upload_id`, or `None` when `prev` does not cover
    /// exactly the chunks before it (hashing is then left to the finalizer). The chunk's
    /// receipt is added with [`HashState::stored`] once its part is written.
    pub(crate) fn next(prev: Option<HashState>, upload_id: &str, index: usize) -> Option<Self> {
        if index == 0 {
            return Some(HashState::empty(upload_id));
        }
        prev.filter(|p| p.upload_id == upload_id && p.chunks == index)
    }

    /// Records the receipts of the parts of the chunk just hashed.
    pub(crate) fn stored(&mut self, tags: &[PartTag]) {
        self.tags = tags
            .iter()
            .fold(self.tags, |digest, tag| chain(&digest, tag));
        self.chunks += 1;
        self.parts += tags.len();
    }

    /// Whether this state hashed exactly the parts `upload_id` was completed with: the same
    /// upload, and the receipt of each covered chunk's parts that of the part completed.
    pub(crate) fn matches(&self, upload_id: &str, completed: &[PartTag]) -> bool {
        self.upload_id == upload_id
            && self.parts <= completed.len()
            && completed[..self.parts]
                .iter()
                .fold([0; 32], |digest, tag| chain(&digest, tag))
                == self.tags
    }

    /// The sha256 (hex) and head of everything hashed.
    pub(crate) fn finish(self) -> (String, Vec<u8>) {
        (crate::files::stored::hex(&self.sha.finalize()), self.head)
    }

    fn encode(&self) -> Bytes {
        let mut out = BytesMut::with_capacity(128 + self.head.len() + SAVED_LEN);
        out.put_slice(MAGIC);
        put_field(&mut out, self.upload_id.as_bytes());
        out.put_u32(self.chunks as u32);
        out.put_u32(self.parts as u32);
        out.put_slice(&self.tags);
        put_field(&mut out, &self.head);
        out.put_slice(&self.sha.save());
        out.freeze()
    }

    fn decode(mut data: &[u8]) -> Option<Self> {
        if data.get(..4)? != MAGIC {
            return None;
        }
        data = &data[4..];
        let upload_id = String::from_utf8(take_field(&mut data)?.to_vec()).ok()?;
        let chunks = take_u32(&mut data)? as usize;
        let parts = take_u32(&mut data)? as usize;
        let tags: [u8; 32] = data.get(..32)?.try_into().ok()?;
        data = &data[32..];
        let head = take_field(&mut data)?.to_vec();
        if head.len() > SNIFF_LEN || data.len() != SAVED_LEN {
            return None;
        }
        let sha = RunningSha256::restore(data)?;
        // The head is the first bytes hashed: as long as the hash, up to SNIFF_LEN.
        if head.len() as u64 != sha.len().min(SNIFF_LEN as u64) {
            return None;
        }
        Some(HashState {
            upload_id,
            chunks,
            parts,
            tags,
            head,
            sha,
        })
    }
}

/// The receipts digest after one more receipt. Quotes are not part of an ETag's value (some
/// stores quote them in one answer and not in another).
fn chain(digest: &[u8; 32], tag: &PartTag) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let tag = tag.0.trim_matches('"');
    let mut h = Sha256::new();
    h.update(digest);
    h.update((tag.len() as u64).to_be_bytes());
    h.update(tag.as_bytes());
    h.finalize().into()
}

fn put_field(out: &mut BytesMut, bytes: &[u8]) {
    out.put_u32(bytes.len() as u32);
    out.put_slice(bytes);
}

fn take_u32(data: &mut &[u8]) -> Option<u32> {
    let n = u32::from_be_bytes(data.get(..4)?.try_into().ok()?);
    *data = &data[4..];
    Some(n)
}

fn take_field<'a>(data: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = take_u32(data)? as usize;
    let field = data.get(..len)?;
    *data = &data[len..];
    Some(field)
}

/// The state kept for the upload into `hidden`; `None` when there is none or it is not one
/// this code wrote (either way the finalizer reads back instead).
pub(crate) async fn load(s3: &S3Backend, hidden: &str) -> Result<Option<HashState>, StoreError> {
    let Some(data) = s3.get_small(&state_name(hidden), MAX_STATE).await? else {
        return Ok(None);
    };
    Ok(HashState::decode(&data))
}

/// Keeps `state` for the upload into `hidden` (replacing the one before).
pub(crate) async fn save(
    s3: &S3Backend,
    hidden: &str,
    state: &HashState,
) -> Result<(), StoreError> {
    s3.put_small(&state_name(hidden), state.encode()).await
}

/// The upload's hash state extended by chunk `index` (its receipt not yet added), if the
/// state covered exactly the chunks before it; `None` leaves the hashing to the finalizer.
pub(crate) async fn hash_chunk(
    s3: &S3Backend,
    upload: &PartsUpload,
    index: usize,
    bytes: Bytes,
) -> Option<HashState> {
    let prev = if index == 0 {
        None
    } else {
        match load(s3, upload.name()).await {
            Ok(prev) => prev,
            Err(e) => {
                tracing::warn!(upload = %upload.name(), error = %e, "could not read a hash state");
                return None;
            }
        }
    };
    let mut state = HashState::next(prev, upload.upload_id(), index)?;
    // Hashing a chunk of several MiB is CPU work: off the request's thread.
    tokio::task::spawn_blocking(move || {
        state.update(&bytes);
        state
    })
    .await
    .ok()
}

/// Keeps `state` with the receipts of the parts just written, and returns it; `None` if it
/// could not be stored (the finalizer then reads back what the state before it did not cover).
pub(crate) async fn save_hash(
    s3: &S3Backend,
    upload: &PartsUpload,
    mut state: HashState,
    tags: &[PartTag],
) -> Option<HashState> {
    state.stored(tags);
    match save(s3, upload.name(), &state).await {
        Ok(()) => Some(state),
        Err(e) => {
            tracing::warn!(upload = %upload.name(), error = %e, "could not keep a hash state");
            None
        }
    }
}

/// The assembled object's size, sha256 and first [`SNIFF_LEN`]
/// bytes: `state` (what the chunk requests hashed) plus the bytes after it, read back.
pub(crate) async fn read_back(
    s3: &S3Backend,
    name: &str,
    expected: u64,
    mut state: HashState,
) -> Result<(u64, String, Vec<u8>), StoreError> {
    let mut size = state.len();
    if size < expected {
        let mut body = s3.get(name, Some(size..expected)).await?.stream;
        while let Some(bytes) = body.try_next().await? {
            s3.count_read_back(bytes.len() as u64);
            state.update(&bytes);
            size += bytes.len() as u64;
        }
    }
    if size != expected {
        return Err(StoreError::Protocol(format!(
            "assembled {size} bytes, expected {expected}"
        )));
    }
    let (sha256, head) = state.finish();
    Ok((size, sha256, head))
}

/// The state the chunk requests kept, if it hashed exactly the first parts the upload was
/// completed with (`offset(n)`: where chunk `n` starts); `None` makes the finalizer read back
/// everything. The one this request saved is taken when it covers all `count` chunks (the
/// last one sent in order), else the one in the bucket.
pub(crate) async fn trusted(
    s3: &S3Backend,
    upload: &PartsUpload,
    tags: &[PartTag],
    count: u64,
    offset: impl Fn(u64) -> u64,
    own: Option<HashState>,
) -> Option<HashState> {
    let state = match own.filter(|s| s.chunks() as u64 == count) {
        Some(own) => own,
        None => match load(s3, upload.name()).await {
            Ok(state) => state?,
            Err(e) => {
                tracing::warn!(upload = %upload.name(), error = %e, "could not read a hash state");
                return None;
            }
        },
    };
    let trusted =
        state.matches(upload.upload_id(), tags) && state.len() == offset(state.chunks() as u64);
    if !trusted {
        tracing::debug!(upload = %upload.name(), "hash state does not match the parts; reading back");
    }
    trusted.then_some(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashed(parts: &[&[u8]]) -> HashState {
        let mut state = HashState::empty("up-1");
        for (i, part) in parts.iter().enumerate() {
            state.update(part);
            state.stored(&[PartTag(format!("\"tag{i}\""))]);
        }
        state
    }

    #[test]
    fn a_saved_state_reads_back_and_hashes_like_one_pass() {
        let data: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        let state = hashed(&[&data[..9_000], &data[9_000..]]);
        let back = HashState::decode(&state.encode()).expect("decodes");
        assert_eq!(back.chunks(), 2);
        assert_eq!(back.len(), 20_000);
        let (sha, head) = back.finish();
        assert_eq!(
            sha,
            crate::files::stored::hex(&<sha2::Sha256 as sha2::Digest>::digest(&data))
        );
        assert_eq!(head, data[..SNIFF_LEN]);
    }

    #[test]
    fn anything_else_is_no_state() {
        let good = hashed(&[b"abc"]).encode();
        assert!(HashState::decode(&good).is_some());
        for cut in [0, 3, 10, good.len() - 1] {
            assert!(HashState::decode(&good[..cut]).is_none(), "cut at {cut}");
        }
        let mut longer = good.to_vec();
        longer.push(0);
        assert!(HashState::decode(&longer).is_none());
        let mut other = good.to_vec();
        other[0] = b'X';
        assert!(HashState::decode(&other).is_none());
    }

    #[test]
    fn only_the_matching_upload_and_receipts_are_trusted() {
        let state = hashed(&[b"a", b"b"]);
        let tags = |t: &[&str]| {
            t.iter()
                .map(|t| PartTag((*t).to_owned()))
                .collect::<Vec<_>>()
        };
        // ListParts and UploadPart may quote receipts differently.
        assert!(state.matches("up-1", &tags(&["tag0", "\"tag1\"", "\"tag2\""])));
        assert!(!state.matches("up-2", &tags(&["tag0", "tag1"])));
        assert!(!state.matches("up-1", &tags(&["tag0", "other"])));
        assert!(!state.matches("up-1", &tags(&["tag0"])));
    }

    /// A chunk sent as several parts: every part's receipt counts, in order.
    #[test]
    fn every_part_of_a_chunk_is_checked() {
        let tags = |t: &[&str]| {
            t.iter()
                .map(|t| PartTag((*t).to_owned()))
                .collect::<Vec<_>>()
        };
        let mut state = HashState::empty("up-1");
        state.update(b"ab");
        state.stored(&tags(&["a0", "a1"]));
        state.update(b"c");
        state.stored(&tags(&["b0", "b1"]));
        let back = HashState::decode(&state.encode()).expect("decodes");
        assert!(back.matches("up-1", &tags(&["a0", "a1", "b0", "b1", "c0"])));
        assert!(!back.matches("up-1", &tags(&["a0", "a1", "b0", "other"])));
        assert!(!back.matches("up-1", &tags(&["a0", "a1", "b1", "b0"])));
        assert!(!back.matches("up-1", &tags(&["a0", "a1", "b0"])));
    }

    #[test]
    fn a_chunk_extends_only_the_state_of_the_chunks_before_it() {
        let two = hashed(&[b"a", b"b"]);
        assert!(HashState::next(Some(two.clone()), "up-1", 2).is_some());
        assert!(HashState::next(Some(two.clone()), "up-1", 3).is_none());
        assert!(HashState::next(Some(two.clone()), "up-1", 1).is_none());
        assert!(HashState::next(Some(two), "up-2", 2).is_none());
        assert!(HashState::next(None, "up-1", 1).is_none());
        assert_eq!(HashState::next(None, "up-1", 0).map(|s| s.len()), Some(0));
    }

    /// Saved after every chunk, the state must not grow with the chunks it covers (once its
    /// head is full).
    #[test]
    fn the_saved_state_has_one_size_whatever_the_chunks() {
        let one = hashed(&[&[7u8; SNIFF_LEN]]);
        let mut many = one.clone();
        for i in 1..10_000 {
            many.update(b"x");
            many.stored(&[PartTag(format!("\"etag-{i}\""))]);
        }
        assert_eq!(many.chunks(), 10_000);
        assert_eq!(many.encode().len(), one.encode().len());
        let back = HashState::decode(&many.encode()).expect("decodes");
        assert_eq!(back.chunks(), 10_000);
    }
}
