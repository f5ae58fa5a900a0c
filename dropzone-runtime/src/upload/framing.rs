//! Bounds on the multipart framing that the parser itself does not bound.
//!
//! multer streams part *contents* (never buffering more than a chunk), but it buffers a part's
//! headers, and the preamble before the first boundary, until their end arrives, searching the
//! whole buffer again on every new chunk: a body whose part headers never end would be held in
//! memory up to the whole body limit (a GiB for a large zone), with quadratic CPU. It has no
//! limit on the number of parts either.
//!
//! [`FramingGuard`] wraps the body stream that multer reads and follows the framing itself
//! (boundary delimiters and the blank line that ends each part's headers) with a small
//! carry-over between chunks. The request fails with 400
//! [`MalformedMultipart`](super::rejection::MalformedMultipart) as soon as:
//!
//! - the preamble (bytes before the first boundary) passes [`MAX_PREAMBLE_BYTES`],
//! - one part's headers pass [`MAX_PART_HEADER_BYTES`], or
//! - the body starts more than [`MAX_PARTS`] parts,
//!
//! so memory stays at one network chunk plus these bounds, whatever the body.

use super::rejection::{MalformedMultipart, UploadRejection};
use bytes::Bytes;
use futures_util::Stream;
use memchr::memmem;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

/// Largest part header block, in bytes (16 KiB): browsers write a few hundred.
pub const MAX_PART_HEADER_BYTES: usize = 16 * 1024;

/// Largest preamble before the first boundary, in bytes (16 KiB): browsers write none.
pub const MAX_PREAMBLE_BYTES: usize = 16 * 1024;

/// Most parts one upload request may have (files and text fields together).
pub const MAX_PARTS: usize = 1024;

const HEADER_END: &[u8] = b"\r\n\r\n";

/// Why the framing was refused; travels through multer as the body stream's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FramingError {
    Preamble,
    PartHeaders,
    TooManyParts,
}

impl fmt::Display for FramingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FramingError::Preamble => write!(
                f,
                "more than {MAX_PREAMBLE_BYTES} bytes before the first boundary"
            ),
            FramingError::PartHeaders => write!(
                f,
                "a part's headers are larger than {MAX_PART_HEADER_BYTES} bytes"
            ),
            FramingError::TooManyParts => write!(f, "the body has more than {MAX_PARTS} parts"),
        }
    }
}

impl std::error::Error for FramingError {}

/// The rejection for a multer error caused by [`FramingGuard`], if it was.
pub(crate) fn rejection_for(error: &multer::Error) -> Option<UploadRejection> {
    let multer::Error::StreamReadFailed(source) = error else {
        return None;
    };
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(source.as_ref());
    while let Some(e) = current {
        if let Some(framing) = e.downcast_ref::<FramingError>() {
            return Some(MalformedMultipart::new(framing).into());
        }
        current = e.source();
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Before the first delimiter.
    Preamble,
    /// Just after a delimiter: `--` ends the body, anything else starts a part's headers.
    AfterDelimiter,
    /// Inside a part's headers, looking for the blank line.
    Headers,
    /// Inside a part's content, looking for the next delimiter.
    Content,
    /// After the closing delimiter: nothing more is checked.
    Done,
}

/// Follows the framing of a multipart body chunk by chunk; see the module documentation.
#[derive(Debug)]
pub(crate) struct Framing {
    /// `\r\n--<boundary>`.
    delimiter: Vec<u8>,
    stage: Stage,
    /// Bytes of the current preamble or header block so far.
    stage_bytes: usize,
    parts: usize,
    /// The last bytes of earlier chunks that could start the pattern being looked for.
    carry: Vec<u8>,
}

impl Framing {
    pub(crate) fn new(boundary: &str) -> Self {
        Framing {
            delimiter: format!("\r\n--{boundary}").into_bytes(),
            stage: Stage::Preamble,
            stage_bytes: 0,
            parts: 0,
            // As if the body started with a line break, so a first `--<boundary>` at the very
            // start is found as a delimiter too.
            carry: b"\r\n".to_vec(),
        }
    }

    /// Checks the next chunk of the body.
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> Result<(), FramingError> {
        let mut pos = 0;
        while pos < chunk.len() {
            let rest = &chunk[pos..];
            match self.stage {
                Stage::Done => return Ok(()),
                Stage::Preamble | Stage::Content => {
                    let delimiter = std::mem::take(&mut self.delimiter);
                    let found = self.find(rest, &delimiter);
                    self.delimiter = delimiter;
                    match found {
                        Some(end) => {
                            self.grow(end)?;
                            pos += end;
                            self.enter(Stage::AfterDelimiter);
                        }
                        None => {
                            self.grow(rest.len())?;
                            pos = chunk.len();
                        }
                    }
                }
                Stage::AfterDelimiter => {
                    // Decide on the first two bytes, which may come in separate chunks.
                    let need = 2 - self.carry.len();
                    let take = need.min(rest.len());
                    self.carry.extend_from_slice(&rest[..take]);
                    pos += take;
                    if self.carry.len() == 2 {
                        if self.carry == b"--" {
                            self.enter(Stage::Done);
                        } else {
                            self.parts += 1;
                            if self.parts > MAX_PARTS {
                                return Err(FramingError::TooManyParts);
                            }
                            let seen = std::mem::take(&mut self.carry);
                            self.enter(Stage::Headers);
                            self.stage_bytes = seen.len();
                            self.carry = seen;
                        }
                    }
                }
                Stage::Headers => match self.find(rest, HEADER_END) {
                    Some(end) => {
                        self.grow(end)?;
                        pos += end;
                        self.enter(Stage::Content);
                    }
                    None => {
                        self.grow(rest.len())?;
                        pos = chunk.len();
                    }
                },
            }
        }
        Ok(())
    }

    fn enter(&mut self, stage: Stage) {
        self.stage = stage;
        self.stage_bytes = 0;
        self.carry.clear();
    }

    /// Counts `n` more bytes of the current stage against its limit.
    fn grow(&mut self, n: usize) -> Result<(), FramingError> {
        self.stage_bytes = self.stage_bytes.saturating_add(n);
        match self.stage {
            Stage::Preamble if self.stage_bytes > MAX_PREAMBLE_BYTES + self.delimiter.len() => {
                Err(FramingError::Preamble)
            }
            Stage::Headers if self.stage_bytes > MAX_PART_HEADER_BYTES => {
                Err(FramingError::PartHeaders)
            }
            _ => Ok(()),
        }
    }

    /// Looks for `pattern` in the carried-over bytes followed by `rest`. Returns how many bytes
    /// of `rest` end the first match; otherwise keeps the tail of `rest` that could start one.
    fn find(&mut self, rest: &[u8], pattern: &[u8]) -> Option<usize> {
        let keep = pattern.len() - 1;
        if !self.carry.is_empty() {
            // Matches that start in the carry end within its first `keep` bytes of `rest`.
            let mut junction = self.carry.clone();
            junction.extend_from_slice(&rest[..keep.min(rest.len())]);
            if let Some(at) = memmem::find(&junction, pattern) {
                return Some(at + pattern.len() - self.carry.len());
            }
        }
        if let Some(at) = memmem::find(rest, pattern) {
            return Some(at + pattern.len());
        }
        let mut tail = std::mem::take(&mut self.carry);
        tail.extend_from_slice(&rest[rest.len().saturating_sub(keep)..]);
        let excess = tail.len().saturating_sub(keep);
        tail.drain(..excess);
        self.carry = tail;
        None
    }
}

/// The body stream multer reads, checked by [`Framing`] on the way.
pub(crate) struct FramingGuard<S> {
    inner: S,
    framing: Framing,
    failed: bool,
}

impl<S> FramingGuard<S> {
    pub(crate) fn new(inner: S, boundary: &str) -> Self {
        FramingGuard {
            inner,
            framing: Framing::new(boundary),
            failed: false,
        }
    }
}

impl<S> Stream for FramingGuard<S>
where
    S: Stream<Item = Result<Bytes, axum::Error>> + Unpin,
{
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.failed {
            return Poll::Ready(None);
        }
        let item = ready!(Pin::new(&mut self.inner).poll_next(cx));
        if let Some(Ok(chunk)) = &item
            && let Err(e) = self.framing.feed(chunk)
        {
            self.failed = true;
            return Poll::Ready(Some(Err(axum::Error::new(e))));
        }
        Poll::Ready(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "XyZ";

    fn body(parts: usize, header_pad: usize) -> Vec<u8> {
        let mut v = Vec::new();
        for i in 0..parts {
            v.extend_from_slice(
                format!("--{B}\r\nContent-Disposition: form-data; name=\"f{i}\"").as_bytes(),
            );
            v.extend(std::iter::repeat_n(b' ', header_pad));
            v.extend_from_slice(b"\r\n\r\ncontent --XyZ- not a delimiter\r\n");
        }
        v.extend_from_slice(format!("--{B}--\r\n").as_bytes());
        v
    }

    /// Feeds `body` in chunks of `size` bytes.
    fn feed(body: &[u8], size: usize) -> Result<Framing, FramingError> {
        let mut f = Framing::new(B);
        for chunk in body.chunks(size) {
            f.feed(chunk)?;
        }
        Ok(f)
    }

    #[test]
    fn well_formed_bodies_pass_in_any_chunking() {
        let b = body(3, 10);
        for size in [1, 2, 3, 5, 7, 64, b.len()] {
            let f = feed(&b, size).unwrap();
            assert_eq!(f.parts, 3, "chunks of {size}");
            assert_eq!(f.stage, Stage::Done, "chunks of {size}");
        }
    }

    #[test]
    fn limits_hold_in_any_chunking() {
        let b = body(MAX_PARTS + 1, 0);
        for size in [1, 7, 4096] {
            assert_eq!(feed(&b, size).err(), Some(FramingError::TooManyParts));
        }
        assert!(feed(&body(MAX_PARTS, 0), 4096).is_ok());
        let b = body(1, MAX_PART_HEADER_BYTES);
        for size in [1, 3, 100_000] {
            assert_eq!(feed(&b, size).err(), Some(FramingError::PartHeaders));
        }
        assert!(feed(&body(1, MAX_PART_HEADER_BYTES - 100), 5).is_ok());
        let mut b = vec![b'p'; MAX_PREAMBLE_BYTES + 1];
        b.extend(body(1, 0));
        assert_eq!(feed(&b, 1000).err(), Some(FramingError::Preamble));
        let mut b = vec![b'p'; 100];
        b.extend_from_slice(b"\r\n");
        b.extend(body(1, 0));
        assert_eq!(feed(&b, 3).unwrap().parts, 1);
    }
}
