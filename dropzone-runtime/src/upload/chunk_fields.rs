//! Dropzone.js's chunk protocol on the server: the `dz*` fields and their checks.
//!
//! The protocol (Dropzone.js 5.2+, unchanged in 6.x): each chunk is its own request to the zone's
//! URL, with the text fields `dzuuid`, `dzchunkindex`, `dztotalfilesize`, `dzchunksize` (the
//! configured size, not this chunk's length), `dztotalchunkcount` and `dzchunkbyteoffset` before
//! the file part. Chunks may come out of order and in parallel, a failed chunk is retried with
//! the same index and bytes, and no request says "done": the server finalizes when the last
//! missing chunk is in and answers that request with the final response.

use super::rejection::InvalidChunk;
use crate::options::{Chunking, Options};
use uuid::Uuid;

/// The field that marks a request as one chunk of a chunked upload.
pub(crate) const UUID_FIELD: &str = "dzuuid";

/// The field that marks a request (without a file part) as a page asking which chunks of an
/// upload the server holds, to resume it after a reload. Not Dropzone.js's: dropzone-rs's
/// init.js sends it.
pub(crate) const RESUME_FIELD: &str = "dzresume";

/// Whether a request with these text fields (read before the file part) is a chunk of a chunked
/// upload of this zone. Files up to one chunk come as plain uploads without `dz*` fields.
pub(crate) fn is_chunk_request(options: &Options, fields: &[(String, String)]) -> bool {
    options.chunking().is_some() && fields.iter().any(|(n, _)| n == UUID_FIELD)
}

/// Whether a request with these text fields asks which chunks the server holds.
pub(crate) fn is_resume_request(options: &Options, fields: &[(String, String)]) -> bool {
    options.chunking().is_some() && fields.iter().any(|(n, _)| n == RESUME_FIELD)
}

/// What a resuming page says of its file: the upload it remembers, and the file as every
/// chunk of it must describe it. The server answers only if all of it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResumeFields {
    pub(crate) uuid: Uuid,
    pub(crate) total_size: u64,
    pub(crate) chunk_size: u64,
    pub(crate) count: u64,
    /// The file name its chunks are sent with (`dzfilename`).
    pub(crate) file_name: String,
}

impl ResumeFields {
    pub(crate) fn parse(
        fields: &[(String, String)],
        chunking: &Chunking,
    ) -> Result<Self, InvalidChunk> {
        let uuid = parse_uuid(fields)?;
        let total_size = number(fields, "dztotalfilesize")?;
        let chunk_size = number(fields, "dzchunksize")?;
        let count = number(fields, "dztotalchunkcount")?;
        check_counts(total_size, chunk_size, count, chunking)?;
        // As sent (not trimmed): it must equal the name the chunks came with.
        let file_name = fields
            .iter()
            .find(|(n, _)| n == "dzfilename")
            .map(|(_, v)| v.clone())
            .ok_or_else(|| InvalidChunk::new("the field `dzfilename` is missing"))?;
        Ok(ResumeFields {
            uuid,
            total_size,
            chunk_size,
            count,
            file_name,
        })
    }
}

fn parse_uuid(fields: &[(String, String)]) -> Result<Uuid, InvalidChunk> {
    let raw = field(fields, UUID_FIELD).unwrap_or("");
    // It names the upload's folder, so only a real UUID will do (any of its spellings; the
    // canonical form is used on disk).
    Uuid::parse_str(raw).map_err(|_| InvalidChunk::new("`dzuuid` must be a UUID"))
}

/// The rules on the chunk size and count, shared by chunks and resume requests.
fn check_counts(
    total_size: u64,
    chunk_size: u64,
    count: u64,
    chunking: &Chunking,
) -> Result<(), InvalidChunk> {
    if chunk_size != chunking.chunk_size {
        return Err(InvalidChunk::new(format_args!(
            "`dzchunksize` is {chunk_size} but this zone's chunk size is {}",
            chunking.chunk_size
        )));
    }
    // Dropzone.js 6.1+: max(1, ceil(size / chunkSize)); a 0-byte file is one empty chunk.
    let expected_count = total_size.div_ceil(chunk_size).max(1);
    if count != expected_count {
        return Err(InvalidChunk::new(format_args!(
            "`dztotalchunkcount` is {count} but a file of {total_size} bytes in chunks of \
             {chunk_size} bytes has {expected_count}"
        )));
    }
    Ok(())
}

/// One chunk's `dz*` fields, checked against each other and the zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChunkFields {
    pub(crate) uuid: Uuid,
    pub(crate) index: u64,
    pub(crate) total_size: u64,
    pub(crate) count: u64,
    /// The zone's chunk size (what `dzchunksize` must say).
    pub(crate) chunk_size: u64,
    pub(crate) offset: u64,
    /// This chunk's exact length: the chunk size, or what is left for the last one.
    pub(crate) length: u64,
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.trim())
}

fn number(fields: &[(String, String)], name: &str) -> Result<u64, InvalidChunk> {
    let value = field(fields, name)
        .ok_or_else(|| InvalidChunk::new(format_args!("the field `{name}` is missing")))?;
    // The value itself stays out of the answer: it is the client's.
    value
        .parse()
        .map_err(|_| InvalidChunk::new(format_args!("`{name}` must be a whole number")))
}

impl ChunkFields {
    pub(crate) fn parse(
        fields: &[(String, String)],
        chunking: &Chunking,
    ) -> Result<Self, InvalidChunk> {
        let uuid = parse_uuid(fields)?;
        let index = number(fields, "dzchunkindex")?;
        let total_size = number(fields, "dztotalfilesize")?;
        let chunk_size = number(fields, "dzchunksize")?;
        let count = number(fields, "dztotalchunkcount")?;
        let offset = number(fields, "dzchunkbyteoffset")?;
        check_counts(total_size, chunk_size, count, chunking)?;
        if index >= count {
            return Err(InvalidChunk::new(format_args!(
                "`dzchunkindex` is {index} but the file has {count} chunks (0 to {})",
                count - 1
            )));
        }
        if Some(offset) != index.checked_mul(chunk_size) {
            return Err(InvalidChunk::new(format_args!(
                "`dzchunkbyteoffset` is {offset} but chunk {index} starts at {}",
                index.saturating_mul(chunk_size)
            )));
        }
        let length = if index + 1 == count {
            total_size - offset
        } else {
            chunk_size
        };
        Ok(ChunkFields {
            uuid,
            index,
            total_size,
            count,
            chunk_size,
            offset,
            length,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Chunking;

    const CHUNKING: Chunking = Chunking {
        force: false,
        chunk_size: 100,
        parallel: true,
        retry_limit: None,
    };

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn dz(
        index: &str,
        total: &str,
        size: &str,
        count: &str,
        offset: &str,
    ) -> Vec<(String, String)> {
        fields(&[
            ("dzuuid", "3f2c1a52-7b1e-4c5a-9d2e-0a1b2c3d4e5f"),
            ("dzchunkindex", index),
            ("dztotalfilesize", total),
            ("dzchunksize", size),
            ("dztotalchunkcount", count),
            ("dzchunkbyteoffset", offset),
        ])
    }

    #[test]
    fn consistent_fields_give_the_chunk_length() {
        let f = ChunkFields::parse(&dz("1", "250", "100", "3", "100"), &CHUNKING).unwrap();
        assert_eq!((f.index, f.offset, f.length), (1, 100, 100));
        let last = ChunkFields::parse(&dz("2", "250", "100", "3", "200"), &CHUNKING).unwrap();
        assert_eq!(last.length, 50);
        let empty = ChunkFields::parse(&dz("0", "0", "100", "1", "0"), &CHUNKING).unwrap();
        assert_eq!(empty.length, 0);
    }

    #[test]
    fn disagreeing_fields_are_refused_with_a_reason() {
        let cases = [
            (dz("0", "250", "99", "3", "0"), "chunk size is 100"),
            (dz("0", "250", "100", "2", "0"), "has 3"),
            (dz("3", "250", "100", "3", "300"), "0 to 2"),
            (dz("1", "250", "100", "3", "50"), "starts at 100"),
            (dz("x", "250", "100", "3", "0"), "whole number"),
            (dz("0", "0", "100", "0", "0"), "has 1"),
        ];
        for (f, needle) in cases {
            let e = ChunkFields::parse(&f, &CHUNKING).unwrap_err();
            assert!(
                e.body_text().contains(needle),
                "{} !~ {needle}",
                e.body_text()
            );
        }
        let mut bad = dz("0", "250", "100", "3", "0");
        bad[0].1 = "../../etc/passwd".into();
        assert!(ChunkFields::parse(&bad, &CHUNKING).is_err());
    }
}
