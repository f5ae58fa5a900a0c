//! The multipart adapter: how the request body reaches multer (framing bounds, one chunk per
//! poll, the whole-body limit), reading a part's pieces, and multer's errors as rejections.

use super::framing::{self, FramingGuard};
use super::limits::MAX_FIELD_BYTES;
use super::linger::Reclaim;
use super::rejection::{
    BodyTimedOut, BodyTooLarge, FieldTooLarge, MalformedMultipart, UploadRejection,
};
use super::sniff::SNIFF_LEN;
use futures_util::Stream;
use http::HeaderMap;
use http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use std::pin::Pin;
use std::task::{Context, Poll};

/// The parser over a request's body, with every bound of `limit` bytes in place.
pub(crate) type Parts = multer::Multipart<'static>;

/// Opens `body` as `multipart/form-data` limited to `limit` bytes: refuses a missing
/// boundary or a `Content-Length` over the limit before a byte of the body is read.
pub(crate) fn open(
    headers: &HeaderMap,
    body: Reclaim,
    limit: u64,
) -> Result<Parts, UploadRejection> {
    let boundary = boundary(headers)?;
    if content_length(headers).is_some_and(|len| len > limit) {
        return Err(BodyTooLarge::new(limit).into());
    }
    let constraints =
        multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(limit));
    let stream = BoundedPoll {
        inner: FramingGuard::new(body, &boundary),
        handed: 0,
    };
    Ok(multer::Multipart::with_constraints(
        stream,
        boundary,
        constraints,
    ))
}

/// Hands multer at most [`READY_BYTES`] of body per poll.
///
/// multer reads its stream until it is `Pending`, so a body that is always ready (in memory,
/// behind a buffering proxy or layer) would be pulled into memory whole, up to the body limit,
/// before the first file byte reaches disk. Returning `Pending` (after waking the task) once
/// that much was handed over keeps memory at about that plus the write buffers, whatever the
/// body. Not once per chunk: each such yield may wake another worker thread to look for the
/// task (a futex wake and wait), which a small upload, one or two chunks, pays in full.
struct BoundedPoll<S> {
    inner: S,
    /// Handed over since the last `Pending`.
    handed: usize,
}

/// See [`BoundedPoll`]: about one network read's worth.
const READY_BYTES: usize = 64 * 1024;

impl<S, E> Stream for BoundedPoll<S>
where
    S: Stream<Item = Result<bytes::Bytes, E>> + Unpin,
{
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        if self.handed >= READY_BYTES {
            self.handed = 0;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.handed += chunk.len();
                Poll::Ready(Some(Ok(chunk)))
            }
            other => {
                // multer stops reading at a `Pending` of the body's own as well.
                self.handed = 0;
                other
            }
        }
    }
}

/// The next chunk of a part's content, multer's errors mapped to rejections.
pub(crate) async fn next_chunk(
    field: &mut multer::Field<'static>,
    limit: u64,
) -> Result<Option<bytes::Bytes>, UploadRejection> {
    field.chunk().await.map_err(|e| multer_rejection(e, limit))
}

/// The first non-empty chunk of a part, or `None` for an empty part.
pub(crate) async fn first_chunk(
    field: &mut multer::Field<'static>,
    limit: u64,
) -> Result<Option<bytes::Bytes>, UploadRejection> {
    while let Some(chunk) = next_chunk(field, limit).await? {
        if !chunk.is_empty() {
            return Ok(Some(chunk));
        }
    }
    Ok(None)
}

/// Reads a text field, at most [`MAX_FIELD_BYTES`], as UTF-8.
pub(crate) async fn read_text(
    field: &mut multer::Field<'static>,
    name: &str,
    body_limit: u64,
) -> Result<String, UploadRejection> {
    let mut value = Vec::new();
    while let Some(chunk) = next_chunk(field, body_limit).await? {
        if value.len() + chunk.len() > MAX_FIELD_BYTES {
            return Err(FieldTooLarge::new(name).into());
        }
        value.extend_from_slice(&chunk);
    }
    String::from_utf8(value)
        .map_err(|_| MalformedMultipart::new("a form field is not UTF-8").into())
}

/// Reads the start of a file part so that it can be sniffed before anything is stored.
///
/// Returns `first` followed by further chunks until at least [`SNIFF_LEN`] bytes are held or
/// the part ends, as one buffer. It is then stored as the part's first chunk: nothing is lost,
/// and at most `SNIFF_LEN` plus one network chunk is held in memory.
pub(crate) async fn read_head(
    field: &mut multer::Field<'static>,
    first: Option<bytes::Bytes>,
    limit: u64,
) -> Result<Option<bytes::Bytes>, UploadRejection> {
    let Some(first) = first else {
        return Ok(None);
    };
    if first.len() >= SNIFF_LEN {
        return Ok(Some(first));
    }
    let mut head = bytes::BytesMut::with_capacity(SNIFF_LEN);
    head.extend_from_slice(&first);
    while head.len() < SNIFF_LEN {
        match next_chunk(field, limit).await? {
            Some(chunk) => head.extend_from_slice(&chunk),
            None => break,
        }
    }
    Ok(Some(head.freeze()))
}

/// The part's file name. multer drops a `filename` that is not UTF-8; such a name is recovered
/// here lossily (it only feeds the type check, the extension and the sanitised metadata).
pub(crate) fn file_name_of(field: &multer::Field<'_>) -> Option<String> {
    if let Some(name) = field.file_name() {
        return Some(name.to_owned());
    }
    let header = field.headers().get(CONTENT_DISPOSITION)?.as_bytes();
    raw_file_name(header)
}

fn raw_file_name(header: &[u8]) -> Option<String> {
    let mut from = 0;
    while let Some(pos) = find(&header[from..], b"filename") {
        let start = from + pos;
        let after = &header[start + b"filename".len()..];
        let preceded_ok = start == 0 || matches!(header[start - 1], b' ' | b'\t' | b';');
        let after = after.trim_ascii_start();
        if preceded_ok && let Some(value) = after.strip_prefix(b"=") {
            let value = value.trim_ascii_start();
            let raw = match value.strip_prefix(b"\"") {
                Some(quoted) => &quoted[..find(quoted, b"\"").unwrap_or(quoted.len())],
                None => {
                    let end = value
                        .iter()
                        .position(|&b| b == b';' || b == b' ')
                        .unwrap_or(value.len());
                    &value[..end]
                }
            };
            return Some(String::from_utf8_lossy(raw).into_owned());
        }
        from = start + 1;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn boundary(headers: &HeaderMap) -> Result<String, UploadRejection> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .ok_or_else(|| {
            MalformedMultipart::new("expected a multipart/form-data body, got no Content-Type")
        })?
        .to_str()
        .map_err(|_| MalformedMultipart::new("the Content-Type header is not readable"))?;
    multer::parse_boundary(content_type).map_err(|e| MalformedMultipart::from_multer(e).into())
}

pub(crate) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

pub(crate) fn multer_rejection(error: multer::Error, limit: u64) -> UploadRejection {
    if let Some(rejection) = framing::rejection_for(&error) {
        return rejection;
    }
    match error {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            BodyTooLarge::new(limit).into()
        }
        multer::Error::StreamReadFailed(ref source)
            if in_chain::<http_body_util::LengthLimitError>(source.as_ref()) =>
        {
            BodyTooLarge::new(limit).into()
        }
        multer::Error::StreamReadFailed(ref source)
            if in_chain::<tower_http::timeout::TimeoutError>(source.as_ref()) =>
        {
            BodyTimedOut::new().into()
        }
        other => MalformedMultipart::from_multer(other).into(),
    }
}

/// Whether `error` or one of its sources is a `T`: an outer length limit
/// (`http_body_util::Limited`, which tower-http's `RequestBodyLimitLayer` and axum's
/// `DefaultBodyLimit` use), or the body-idle timeout.
fn in_chain<T: std::error::Error + 'static>(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<T>() {
            return true;
        }
        current = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_file_names_survive_bad_utf8() {
        assert_eq!(
            raw_file_name(b"form-data; name=\"file\"; filename=\"a\xffb.png\"").as_deref(),
            Some("a\u{fffd}b.png")
        );
        assert_eq!(
            raw_file_name(b"form-data; name=\"file\"; filename=x.png").as_deref(),
            Some("x.png")
        );
        assert_eq!(raw_file_name(b"form-data; name=\"myfilename\""), None);
    }

    /// An always-ready body (here: 1 MiB in 16 KiB pieces) is handed over at most
    /// [`READY_BYTES`] (plus one piece) between two `Pending`s, so multer never pulls more
    /// than that into its buffer at once; a small body is handed over without a yield.
    #[test]
    fn an_always_ready_body_is_handed_over_a_bounded_amount_per_poll() {
        let pieces = (0..64)
            .map(|_| Ok::<_, std::convert::Infallible>(bytes::Bytes::from(vec![0u8; 16 * 1024])));
        let mut stream = BoundedPoll {
            inner: futures_util::stream::iter(pieces),
            handed: 0,
        };
        let mut cx = Context::from_waker(futures_util::task::noop_waker_ref());
        let (mut run, mut longest, mut yields, mut total) = (0, 0, 0, 0);
        loop {
            match Pin::new(&mut stream).poll_next(&mut cx) {
                Poll::Ready(Some(Ok(piece))) => {
                    run += piece.len();
                    total += piece.len();
                }
                Poll::Ready(None) => break,
                Poll::Pending => {
                    longest = longest.max(run);
                    (run, yields) = (0, yields + 1);
                }
            }
        }
        assert_eq!(total, 1024 * 1024);
        assert!(
            longest <= READY_BYTES + 16 * 1024,
            "{longest} bytes in one poll"
        );
        assert!(
            yields >= 1024 * 1024 / (READY_BYTES + 16 * 1024),
            "{yields} yields"
        );

        let small = [Ok::<_, std::convert::Infallible>(bytes::Bytes::from(
            vec![0u8; 10 * 1024],
        ))];
        let mut stream = BoundedPoll {
            inner: futures_util::stream::iter(small),
            handed: 0,
        };
        assert!(matches!(
            Pin::new(&mut stream).poll_next(&mut cx),
            Poll::Ready(Some(_))
        ));
        assert!(matches!(
            Pin::new(&mut stream).poll_next(&mut cx),
            Poll::Ready(None)
        ));
    }
}
