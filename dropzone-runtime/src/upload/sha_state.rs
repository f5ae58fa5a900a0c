//! A SHA-256 whose running state can be saved and picked up again by another request (or
//! another instance): a chunked upload is hashed chunk by chunk as it arrives, instead of
//! being read back whole once its last chunk is in. That read-back made the last chunk's
//! answer wait seconds per GiB (on object storage, a download of the whole file), longer than
//! Dropzone.js's 30 s timeout for large files.
//!
//! `sha2` keeps its running state private, so this drives its compression function
//! (`compress256`, the same SHA-NI code `Sha256` uses) and does the padding itself (FIPS
//! 180-4, 5.1.1). The saved form is [`SAVED_LEN`] bytes: a version byte, the eight state
//! words, the length hashed so far, and the bytes of the block not yet full.

use sha2::digest::generic_array::GenericArray;
use sha2::digest::typenum::U64;

/// The initial hash value (FIPS 180-4, 5.3.3).
const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

const BLOCK: usize = 64;

/// Blocks handed to the compression function at once: copied into a stack batch first (the
/// bytes are not aligned as `GenericArray`s), which costs a few percent of hashing them.
const BATCH: usize = 32;

const VERSION: u8 = 1;

/// Bytes of [`RunningSha256::save`]'s output.
pub(crate) const SAVED_LEN: usize = 1 + 8 * 4 + 8 + BLOCK;

/// See the module documentation.
#[derive(Clone, Debug)]
pub(crate) struct RunningSha256 {
    state: [u32; 8],
    /// Bytes hashed so far; the last `len % 64` are in `block`.
    len: u64,
    block: [u8; BLOCK],
}

impl Default for RunningSha256 {
    fn default() -> Self {
        RunningSha256 {
            state: H0,
            len: 0,
            block: [0; BLOCK],
        }
    }
}

impl RunningSha256 {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// How many bytes were hashed.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    pub(crate) fn update(&mut self, mut data: &[u8]) {
        let filled = (self.len % BLOCK as u64) as usize;
        self.len += data.len() as u64;
        if filled > 0 {
            let take = (BLOCK - filled).min(data.len());
            self.block[filled..filled + take].copy_from_slice(&data[..take]);
            data = &data[take..];
            if filled + take < BLOCK {
                return;
            }
            let block = self.block;
            compress(&mut self.state, &block);
        }
        let whole = data.len() - data.len() % BLOCK;
        compress(&mut self.state, &data[..whole]);
        let rest = &data[whole..];
        self.block[..rest.len()].copy_from_slice(rest);
    }

    /// The digest of everything hashed.
    pub(crate) fn finalize(mut self) -> [u8; 32] {
        let bits = self.len.wrapping_mul(8);
        let filled = (self.len % BLOCK as u64) as usize;
        // 0x80, zeros, then the length in bits in the last 8 bytes: one block or two.
        let mut tail = [0u8; 2 * BLOCK];
        tail[..filled].copy_from_slice(&self.block[..filled]);
        tail[filled] = 0x80;
        let end = if filled < BLOCK - 8 { BLOCK } else { 2 * BLOCK };
        tail[end - 8..end].copy_from_slice(&bits.to_be_bytes());
        compress(&mut self.state, &tail[..end]);
        let mut out = [0u8; 32];
        for (bytes, word) in out.chunks_exact_mut(4).zip(self.state) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    /// The state, to be [`restore`](Self::restore)d by the request that takes the next chunk.
    pub(crate) fn save(&self) -> [u8; SAVED_LEN] {
        let mut out = [0u8; SAVED_LEN];
        out[0] = VERSION;
        for (bytes, word) in out[1..33].chunks_exact_mut(4).zip(self.state) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        out[33..41].copy_from_slice(&self.len.to_be_bytes());
        // Only the partial block: what is past it is left from earlier blocks.
        let filled = (self.len % BLOCK as u64) as usize;
        out[41..41 + filled].copy_from_slice(&self.block[..filled]);
        out
    }

    /// A state [`save`](Self::save)d before; `None` for anything else (another version, a
    /// truncated file), which the caller treats as no state at all.
    pub(crate) fn restore(saved: &[u8]) -> Option<Self> {
        if saved.len() != SAVED_LEN || saved[0] != VERSION {
            return None;
        }
        let mut state = [0u32; 8];
        for (word, bytes) in state.iter_mut().zip(saved[1..33].chunks_exact(4)) {
            *word = u32::from_be_bytes(bytes.try_into().ok()?);
        }
        let len = u64::from_be_bytes(saved[33..41].try_into().ok()?);
        let mut block = [0u8; BLOCK];
        block.copy_from_slice(&saved[41..]);
        // `save` writes zeros past the partial block: anything else did not come from it.
        let filled = (len % BLOCK as u64) as usize;
        if block[filled..].iter().any(|&b| b != 0) {
            return None;
        }
        Some(RunningSha256 { state, len, block })
    }
}

/// Compresses `data`, a whole number of blocks, into `state`.
fn compress(state: &mut [u32; 8], data: &[u8]) {
    debug_assert_eq!(data.len() % BLOCK, 0);
    let mut batch = [GenericArray::<u8, U64>::default(); BATCH];
    for group in data.chunks(BLOCK * BATCH) {
        let n = group.len() / BLOCK;
        for (slot, block) in batch.iter_mut().zip(group.chunks_exact(BLOCK)) {
            slot.copy_from_slice(block);
        }
        sha2::compress256(state, &batch[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn reference(data: &[u8]) -> [u8; 32] {
        Sha256::digest(data).into()
    }

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 131 + i / 251) as u8).collect()
    }

    #[test]
    fn matches_sha2_at_every_length_around_the_block_and_padding_edges() {
        for len in (0..200).chain([1000, 4095, 4096, 4097, BLOCK * BATCH * 3 + 7]) {
            let data = pattern(len);
            let mut h = RunningSha256::new();
            h.update(&data);
            assert_eq!(h.finalize(), reference(&data), "length {len}");
        }
    }

    #[test]
    fn matches_sha2_in_any_split_and_across_save_and_restore() {
        let data = pattern(10_000);
        for step in [1, 3, 63, 64, 65, 127, 1000, 2049, 9999] {
            let mut h = RunningSha256::new();
            for piece in data.chunks(step) {
                h.update(piece);
                // As if the next piece came in another request.
                h = RunningSha256::restore(&h.save()).expect("a saved state restores");
            }
            assert_eq!(h.len(), data.len() as u64);
            assert_eq!(h.finalize(), reference(&data), "pieces of {step}");
        }
    }

    #[test]
    fn known_digest_of_the_empty_input() {
        let hex = crate::files::stored::hex(&RunningSha256::new().finalize());
        assert_eq!(
            hex,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn anything_not_saved_by_save_is_refused() {
        let mut h = RunningSha256::new();
        h.update(b"abc");
        let saved = h.save();
        let restored = RunningSha256::restore(&saved).expect("restores");
        assert_eq!(
            (restored.len(), restored.finalize()),
            (h.len(), h.clone().finalize())
        );
        assert!(RunningSha256::restore(&saved[..SAVED_LEN - 1]).is_none());
        let mut other = saved;
        other[0] = 2;
        assert!(RunningSha256::restore(&other).is_none());
        let mut junk = saved;
        junk[SAVED_LEN - 1] = 1;
        assert!(RunningSha256::restore(&junk).is_none());
    }
}
