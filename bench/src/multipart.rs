//! Multipart bodies as Dropzone.js sends them, with file content generated on the fly so a
//! 1 GiB upload costs the client no memory and the server's copy can be checked byte for byte.

/// A `multipart/form-data` body: text fields, then one file part of `file_size` pattern bytes.
#[derive(Clone, Debug)]
pub struct Body {
    /// The boundary, without the leading dashes.
    pub boundary: String,
    /// Everything before the file content: the text fields and the file part's headers.
    pub head: Vec<u8>,
    /// Where the file content starts in the pattern (a chunk's byte offset).
    pub file_offset: u64,
    /// How many file bytes follow `head`.
    pub file_size: u64,
    /// The closing boundary.
    pub tail: Vec<u8>,
}

impl Body {
    /// Text fields first, then the file part, the order Dropzone.js uses.
    pub fn new(
        fields: &[(&str, String)],
        file_field: &str,
        file_name: &str,
        content_type: &str,
        file_offset: u64,
        file_size: u64,
    ) -> Self {
        let boundary = format!("----dropzonebench{}", uuid::Uuid::new_v4().simple());
        let mut head = Vec::new();
        for (name, value) in fields {
            head.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        head.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; \
                 filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        let tail = format!("\r\n--{boundary}--\r\n").into_bytes();
        Body {
            boundary,
            head,
            file_offset,
            file_size,
            tail,
        }
    }

    /// The body's length in bytes.
    pub fn content_length(&self) -> u64 {
        self.head.len() as u64 + self.file_size + self.tail.len() as u64
    }

    /// The request's `Content-Type` header value.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }
}

/// The pattern's period: odd and not a power of two, so a chunk written at the wrong offset
/// (chunk sizes are powers of two or round numbers) changes the file's hash.
const PERIOD: usize = (1 << 20) + 7;

fn table() -> &'static [u8] {
    static TABLE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        // xorshift: not all zeros (file systems could store zeros sparsely) and not compressible.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut table: Vec<u8> = (0..PERIOD)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        // Files start with PNG's signature: the image zone of the small-upload rows requires
        // positive evidence of an image (SECURITY.md), as a real client's photo gives it.
        table[..8].copy_from_slice(b"\x89PNG\r\n\x1a\n");
        table
    })
}

/// Fills `buf` with the pattern bytes that start at absolute file offset `offset`.
pub fn fill_pattern(offset: u64, buf: &mut [u8]) {
    let table = table();
    let mut at = (offset % PERIOD as u64) as usize;
    let mut done = 0;
    while done < buf.len() {
        let n = (PERIOD - at).min(buf.len() - done);
        buf[done..done + n].copy_from_slice(&table[at..at + n]);
        done += n;
        at = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_depends_only_on_the_absolute_offset() {
        let mut whole = vec![0u8; 3 * PERIOD];
        fill_pattern(0, &mut whole);
        for (offset, len) in [
            (0, 10),
            (PERIOD - 3, 9),
            (12_345, PERIOD + 99),
            (2 * PERIOD, 5),
        ] {
            let mut part = vec![0u8; len];
            fill_pattern(offset as u64, &mut part);
            assert_eq!(part, whole[offset..offset + len]);
        }
        assert_ne!(whole[..PERIOD / 2], whole[PERIOD / 2..PERIOD]);
    }
}
