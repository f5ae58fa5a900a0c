//! How the chunks of an upload into object storage map onto the parts of its multipart
//! upload: the one definition that the chunk requests (sending), the finalizer (completing)
//! and the resume question (what is held) share.
//!
//! A chunk is sent as `split` parts at once (`S3Config::chunk_split`): one 10 MiB part at a
//! time reached 57 MB/s into the test cluster, two 5 MiB ones 70. Chunk `i`'s parts are
//! `i * split ..`, each `chunk_size / split` bytes, the last of a chunk taking the rest; the
//! last chunk, shorter, has as many as it fills (at least one), so the part numbers have no
//! gap and every part but the very last meets the store's minimum size. `split` is part of
//! the hidden name, so instances that would split differently never write into one upload.

use super::chunk_fields::{ChunkFields, ResumeFields};
use super::chunk_object_bounds::INCOMING;
use crate::files::stored::hex;
use crate::store::{PartTag, S3Backend, StoredPart};
use sha2::{Digest, Sha256};
use std::ops::Range;

/// What an upload's chunks all announce, the way the hidden name encodes it, and how its
/// chunks are split into parts.
pub(crate) struct Described<'a> {
    pub(crate) uuid: uuid::Uuid,
    pub(crate) total_size: u64,
    pub(crate) chunk_size: u64,
    pub(crate) count: u64,
    pub(crate) file_name: &'a str,
    /// Parts per chunk (at least 1).
    pub(crate) split: u64,
}

/// The chunks of an upload the store holds whole, and every part's receipt in order if all
/// chunks are.
pub(crate) struct Held {
    pub(crate) chunks: Vec<u64>,
    pub(crate) tags: Option<Vec<PartTag>>,
}

impl<'a> Described<'a> {
    /// The upload a chunk request belongs to, split the way `s3` sends chunks.
    pub(crate) fn of(s3: &S3Backend, dz: &ChunkFields, file_name: &'a str) -> Self {
        Described {
            uuid: dz.uuid,
            total_size: dz.total_size,
            chunk_size: dz.chunk_size,
            count: dz.count,
            file_name,
            split: s3.config().chunk_split(dz.chunk_size, dz.count),
        }
    }

    /// The upload a resume question names.
    pub(crate) fn asked(s3: &S3Backend, asked: &'a ResumeFields) -> Self {
        Described {
            uuid: asked.uuid,
            total_size: asked.total_size,
            chunk_size: asked.chunk_size,
            count: asked.count,
            file_name: &asked.file_name,
            split: s3.config().chunk_split(asked.chunk_size, asked.count),
        }
    }

    /// The hidden name the upload completes into.
    pub(crate) fn name(&self) -> String {
        let mut h = Sha256::new();
        for n in [self.total_size, self.chunk_size, self.count, self.split] {
            h.update(n.to_le_bytes());
        }
        h.update(self.file_name.as_bytes());
        let digest = hex(&h.finalize());
        format!("{INCOMING}/{}.{}", self.uuid, &digest[..16])
    }

    /// Where chunk `chunks` starts: the bytes of the chunks before it.
    pub(crate) fn offset(&self, chunks: u64) -> u64 {
        chunks.saturating_mul(self.chunk_size).min(self.total_size)
    }

    /// The exact size of chunk `index`.
    pub(crate) fn length(&self, index: u64) -> u64 {
        if index + 1 < self.count {
            self.chunk_size
        } else {
            self.total_size - self.chunk_size * (self.count - 1)
        }
    }

    /// The size of every part of a chunk but its last.
    fn step(&self) -> u64 {
        (self.chunk_size / self.split).max(1)
    }

    /// How many parts chunk `index` is sent as.
    fn parts_in(&self, index: u64) -> u64 {
        self.length(index)
            .div_ceil(self.step())
            .clamp(1, self.split)
    }

    /// The parts of chunk `index`: each one's 0-based part index and its bytes in the chunk.
    pub(crate) fn parts(&self, index: u64) -> impl Iterator<Item = (usize, Range<usize>)> {
        let (step, len, n) = (self.step(), self.length(index), self.parts_in(index));
        let first = index * self.split;
        (0..n).map(move |j| {
            let end = if j + 1 == n { len } else { (j + 1) * step };
            ((first + j) as usize, (j * step) as usize..end as usize)
        })
    }

    /// How many parts the whole upload has.
    pub(crate) fn total_parts(&self) -> usize {
        ((self.count - 1) * self.split + self.parts_in(self.count - 1)) as usize
    }

    /// Which chunk part `part` belongs to, and its exact size; `None` for no part of this
    /// upload.
    fn part(&self, part: usize) -> Option<(u64, u64)> {
        let (chunk, j) = (part as u64 / self.split, part as u64 % self.split);
        if chunk >= self.count || j >= self.parts_in(chunk) {
            return None;
        }
        let (step, n) = (self.step(), self.parts_in(chunk));
        let size = if j + 1 == n {
            self.length(chunk) - j * step
        } else {
            step
        };
        Some((chunk, size))
    }

    /// What a listing of the upload's parts holds: a chunk counts once all its parts are
    /// there at their exact sizes (a part of another size is not one of this upload's).
    pub(crate) fn held(&self, listed: Vec<StoredPart>) -> Held {
        let mut tags: Vec<Option<PartTag>> = vec![None; self.total_parts()];
        for part in listed {
            if let Some((_, size)) = self.part(part.index)
                && size == part.size
            {
                tags[part.index] = Some(part.tag);
            }
        }
        let chunks = (0..self.count)
            .filter(|&i| self.parts(i).all(|(n, _)| tags[n].is_some()))
            .collect();
        Held {
            chunks,
            tags: tags.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(total_size: u64, chunk_size: u64, split: u64) -> Described<'static> {
        Described {
            uuid: uuid::Uuid::nil(),
            total_size,
            chunk_size,
            count: total_size.div_ceil(chunk_size).max(1),
            file_name: "a.png",
            split,
        }
    }

    fn part(index: usize, size: u64) -> StoredPart {
        StoredPart {
            index,
            size,
            tag: PartTag(format!("t{index}")),
            modified: None,
        }
    }

    /// Every byte of the file is in exactly one part, in order, with no gap in the part
    /// numbers, and every part but the last is at least `chunk_size / split` bytes.
    #[test]
    fn the_parts_tile_the_file() {
        for (total, chunk, split) in [
            (1000, 1000, 1),
            (2500, 1000, 2),
            (2999, 1000, 3),
            (3001, 1000, 3),
            (10, 1000, 4),
            (0, 1000, 2),
            (7 * 1000 + 1, 1000, 7),
        ] {
            let f = file(total, chunk, split);
            let (mut next_part, mut next_byte) = (0, 0u64);
            for i in 0..f.count {
                for (n, range) in f.parts(i) {
                    assert_eq!(n, next_part, "{total}/{chunk}/{split}");
                    assert_eq!(f.offset(i) + range.start as u64, next_byte);
                    let size = range.len() as u64;
                    assert_eq!(f.part(n), Some((i, size)));
                    if n + 1 < f.total_parts() {
                        assert!(size >= chunk / split, "{total}/{chunk}/{split}: part {n}");
                    }
                    next_part += 1;
                    next_byte += size;
                }
            }
            assert_eq!((next_part, next_byte), (f.total_parts(), total));
            assert_eq!(f.part(f.total_parts()), None);
        }
    }

    #[test]
    fn a_chunk_is_held_once_all_its_parts_are_at_their_sizes() {
        let f = file(2500, 1000, 2);
        // Chunk 0 whole, chunk 1 missing its second half, chunk 2 (500 bytes) one part of 500.
        let held = f.held(vec![part(0, 500), part(1, 500), part(2, 500), part(4, 500)]);
        assert_eq!(held.chunks, vec![0, 2]);
        assert!(held.tags.is_none());
        // A part of another size is not one of this upload's.
        let held = f.held(vec![part(0, 500), part(1, 499), part(3, 500), part(2, 500)]);
        assert_eq!(held.chunks, vec![1]);
        let all = f.held((0..5).map(|n| part(n, 500)).collect());
        assert_eq!(all.chunks, vec![0, 1, 2]);
        let tags = all.tags.expect("all held");
        assert_eq!(tags.len(), 5);
        assert_eq!(tags[4], PartTag("t4".into()));
    }

    #[test]
    fn the_split_is_part_of_the_name() {
        assert_ne!(file(2500, 1000, 1).name(), file(2500, 1000, 2).name());
        assert_eq!(file(2500, 1000, 2).name(), file(2500, 1000, 2).name());
    }
}
