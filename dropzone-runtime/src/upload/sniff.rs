//! Content sniffing: a file whose first bytes contradict the zone's media-type rule is refused.
//!
//! Dropzone.js's `acceptedFiles` (and [`is_valid_file`](super::accept::is_valid_file) on the
//! server) trust the part's `Content-Type`, which the client chooses: an executable sent as
//! `image/png` passes an `image/*` zone. So before the first byte of a file is stored, the
//! extractor reads its head (the first [`SNIFF_LEN`] bytes, or the whole file when smaller) and
//! classifies it with [`infer`] (magic numbers; HTML, XML and `#!` scripts by their leading
//! text, as the WHATWG MIME sniffing standard does).
//!
//! # The rule
//!
//! The check applies to a file that the zone accepted through a **media-type rule**
//! (`image/*`, `image/png`) and through **no extension rule** (`.pdf`). Such a file is refused
//! with 415 ([`UnsupportedFileType`](super::rejection::UnsupportedFileType), the zone's
//! `invalid_file_type` message) when its content is **recognised** as a type that none of the
//! zone's media-type rules allows:
//!
//! - `type/*` allows content whose detected type, or a type of the same container family, has
//!   that top-level type (an MP4 container may hold audio only, so `audio/*` allows it);
//! - `type/subtype` allows content whose detected type is that type, an alias of it
//!   (`audio/x-wav` = `audio/wav`, `image/vnd.microsoft.icon` = `image/x-icon`, …), or a member
//!   of the same container family (any ZIP-based format such as DOCX, XLSX, ODT, EPUB or JAR is a
//!   ZIP; any OLE2 compound file such as DOC, XLS, PPT or MSI is one of them; Matroska/WebM,
//!   MP4/M4A/M4V, Ogg/Opus);
//! - declared `text/*` files whose content is detected as text (`text/html`, `text/xml`,
//!   `text/x-shellscript`) are not refused: text sniffing is a heuristic and a text type is
//!   what the client declared; such files are harmless when served as `text/plain`;
//! - declared `+xml` types (`image/svg+xml`) agree with content detected as `text/xml`.
//!
//! Content that is **not recognised** (plain text, CSV, JSON, SVG without an XML declaration,
//! formats the sniffer does not know, empty files) is accepted: only positive evidence refuses.
//! Zones without rules, and files accepted by an extension rule, are not sniffed: an extension
//! rule is about names, and a file named `x.pdf` may be anything. See `SECURITY.md` for what
//! sniffing does not do (it is not a malware scan, and a polyglot file can satisfy it).

use crate::options::Accept;

/// How many leading bytes of a file are sniffed (8 KiB).
pub(crate) const SNIFF_LEN: usize = 8 * 1024;

/// Reads the start of a file part so that it can be sniffed before anything is stored.
///
/// Returns `first` followed by further chunks until at least [`SNIFF_LEN`] bytes are held or
/// the part ends, as one buffer. It is then stored as the part's first chunk: nothing is lost,
/// and at most `SNIFF_LEN` plus one network chunk is held in memory.
pub(crate) async fn read_head(
    field: &mut multer::Field<'static>,
    first: Option<bytes::Bytes>,
) -> multer::Result<Option<bytes::Bytes>> {
    let Some(first) = first else {
        return Ok(None);
    };
    if first.len() >= SNIFF_LEN {
        return Ok(Some(first));
    }
    let mut head = bytes::BytesMut::with_capacity(SNIFF_LEN);
    head.extend_from_slice(&first);
    while head.len() < SNIFF_LEN {
        match field.chunk().await? {
            Some(chunk) => head.extend_from_slice(&chunk),
            None => break,
        }
    }
    Ok(Some(head.freeze()))
}

/// Whether the content `head` (the start of the file) agrees with the zone's media-type rules;
/// see the module documentation for the exact rule.
pub(crate) fn content_agrees(
    rules: &[Accept],
    file_name: &str,
    declared: &str,
    head: Option<&[u8]>,
) -> bool {
    let Some(head) = head.filter(|h| !h.is_empty()) else {
        return true;
    };
    let declared = essence(declared);
    let name = file_name.to_lowercase();
    let by_extension = rules.iter().any(|rule| match *rule {
        Accept::Extension(ext) => name.ends_with(&ext.to_lowercase()),
        _ => false,
    });
    let by_media_type = rules.iter().any(|rule| match *rule {
        Accept::TopLevel(top) => top_level(&declared) == top,
        Accept::MediaType(full) => declared == full,
        _ => false,
    });
    if by_extension || !by_media_type {
        return true;
    }
    let Some(detected) = infer::get(&head[..head.len().min(SNIFF_LEN)]) else {
        return true;
    };
    let detected = detected.mime_type();
    if top_level(detected) == "text" && top_level(&declared) == "text" {
        return true;
    }
    if detected == "text/xml" && declared.ends_with("+xml") {
        return true;
    }
    rules.iter().any(|rule| match *rule {
        Accept::TopLevel(top) => family(detected).iter().any(|t| top_level(t) == top),
        Accept::MediaType(full) => family(detected).contains(&canonical(&essence(full))),
        _ => false,
    })
}

/// The media type without parameters, trimmed and lowercase.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn top_level(media_type: &str) -> &str {
    media_type.split('/').next().unwrap_or("")
}

/// Spellings of one type, the first being the one [`family`] lists.
const ALIASES: &[&[&str]] = &[
    &["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"],
    &["audio/flac", "audio/x-flac"],
    &["audio/aiff", "audio/x-aiff"],
    &["audio/mpeg", "audio/mp3", "audio/mpeg3", "audio/x-mpeg"],
    &["audio/aac", "audio/x-aac"],
    &["audio/midi", "audio/x-midi", "audio/mid"],
    &["image/x-icon", "image/vnd.microsoft.icon", "image/ico"],
    &["image/jpeg", "image/jpg", "image/pjpeg"],
    &["image/bmp", "image/x-bmp", "image/x-ms-bmp"],
    &[
        "image/heif",
        "image/heic",
        "image/heif-sequence",
        "image/heic-sequence",
    ],
    &["image/tiff", "image/tif"],
    &[
        "image/vnd.adobe.photoshop",
        "image/x-photoshop",
        "application/x-photoshop",
    ],
    &[
        "font/woff",
        "font/woff2",
        "application/font-woff",
        "application/x-font-woff",
    ],
    &[
        "font/ttf",
        "font/otf",
        "font/sfnt",
        "application/font-sfnt",
        "application/x-font-ttf",
    ],
    &["application/gzip", "application/x-gzip"],
    &[
        "application/vnd.rar",
        "application/x-rar-compressed",
        "application/x-rar",
    ],
    &["application/x-7z-compressed", "application/x-7z"],
    &["application/x-bzip2", "application/bzip2"],
    &["application/x-xz", "application/xz"],
    &["application/x-tar", "application/tar"],
    &["application/pdf", "application/x-pdf"],
    &["application/rtf", "text/rtf"],
    &[
        "application/x-executable",
        "application/x-elf",
        "application/x-sharedlib",
    ],
    &[
        "application/vnd.microsoft.portable-executable",
        "application/x-msdownload",
        "application/x-dosexec",
    ],
];

/// Formats that share one container, so the first bytes cannot tell them apart.
const FAMILIES: &[&[&str]] = &[
    &[
        "application/zip",
        "application/x-zip-compressed",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/epub+zip",
        "application/java-archive",
        "application/vnd.android.package-archive",
    ],
    &[
        "application/x-ole-storage",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.ms-outlook",
        "application/x-msi",
    ],
    &[
        "video/mp4",
        "audio/mp4",
        "audio/m4a",
        "audio/x-m4a",
        "video/x-m4v",
    ],
    &[
        "video/x-matroska",
        "video/webm",
        "audio/webm",
        "audio/x-matroska",
    ],
    &["audio/ogg", "audio/opus", "video/ogg", "application/ogg"],
];

/// The usual spelling of a media type.
fn canonical(media_type: &str) -> &str {
    ALIASES
        .iter()
        .find(|spellings| spellings.contains(&media_type))
        .map_or(media_type, |spellings| spellings[0])
}

/// Every type content detected as `detected` may be: its container family, else itself.
fn family(detected: &str) -> Vec<&str> {
    let detected = canonical(detected);
    FAMILIES
        .iter()
        .find(|members| members.contains(&detected))
        .map_or_else(|| vec![detected], |members| members.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const JPEG: &[u8] = b"\xff\xd8\xff\xe0\0\x10JFIF\0";
    const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";
    const ZIP: &[u8] = b"PK\x03\x04\x14\0\0\0\0\0";
    const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
    const HTML: &[u8] = b"  <!DOCTYPE html><html><script>alert(1)</script>";
    const WAV: &[u8] = b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0";

    const IMAGES: &[Accept] = &[Accept::TopLevel("image")];
    const PNG_ONLY: &[Accept] = &[Accept::MediaType("image/png")];

    /// Sniffs `head` padded with zeros to 64 bytes (some matchers want a minimum length).
    fn ok(rules: &[Accept], name: &str, declared: &str, head: &[u8]) -> bool {
        let mut padded = head.to_vec();
        if padded.len() < 64 {
            padded.resize(64, 0);
        }
        content_agrees(rules, name, declared, Some(&padded))
    }

    #[test]
    fn real_images_pass_image_rules() {
        assert!(ok(IMAGES, "a.png", "image/png", PNG));
        assert!(ok(IMAGES, "a.jpg", "image/jpeg", JPEG));
        // A JPEG named .png is still an image.
        assert!(ok(IMAGES, "a.png", "image/png", JPEG));
        assert!(ok(PNG_ONLY, "a.png", "image/png", PNG));
    }

    #[test]
    fn other_content_declared_as_an_image_is_refused() {
        for head in [ELF, ZIP, PDF, HTML, WAV] {
            assert!(!ok(IMAGES, "a.png", "image/png", head), "{head:?}");
            assert!(!ok(PNG_ONLY, "a.png", "image/png", head), "{head:?}");
        }
        // image/png only: a JPEG is an image, but not the one allowed.
        assert!(!ok(PNG_ONLY, "a.png", "image/png", JPEG));
    }

    #[test]
    fn unknown_content_and_empty_files_pass() {
        assert!(content_agrees(
            IMAGES,
            "a.png",
            "image/png",
            Some(b"just some text")
        ));
        assert!(ok(IMAGES, "a.svg", "image/svg+xml", b"<svg xmlns='x'/>"));
        assert!(ok(
            IMAGES,
            "a.svg",
            "image/svg+xml",
            b"<?xml version='1.0'?><svg/>"
        ));
        assert!(content_agrees(IMAGES, "a.png", "image/png", None));
        assert!(ok(IMAGES, "a.png", "image/png", b""));
        let text = [Accept::TopLevel("text")];
        assert!(ok(&text, "a.txt", "text/plain", b"hello"));
        assert!(ok(&text, "a.html", "text/html", HTML));
        assert!(ok(
            &[Accept::MediaType("text/plain")],
            "a.sh",
            "text/plain",
            b"#!/bin/sh\n"
        ));
        assert!(!ok(&text, "a.txt", "text/plain", ELF));
    }

    #[test]
    fn extension_rules_and_no_rules_are_not_sniffed() {
        assert!(ok(&[], "a.png", "image/png", ELF));
        let mixed = [Accept::TopLevel("image"), Accept::Extension(".png")];
        assert!(ok(&mixed, "a.png", "image/png", ELF));
        assert!(!ok(&mixed, "a.jpg", "image/jpeg", ELF));
    }

    #[test]
    fn aliases_and_container_families_agree() {
        let wav = [Accept::MediaType("audio/wav")];
        assert!(ok(&wav, "a.wav", "audio/wav", WAV));
        assert!(ok(
            &[Accept::TopLevel("audio")],
            "a.wav",
            "audio/x-wav",
            WAV
        ));
        let docx = [Accept::MediaType(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )];
        let declared = docx_type(&docx);
        assert!(ok(&docx, "a.docx", declared, ZIP));
        assert!(!ok(&docx, "a.docx", declared, PDF));
        let xls = [Accept::MediaType("application/vnd.ms-excel")];
        let ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0";
        assert!(ok(&xls, "a.xls", "application/vnd.ms-excel", ole));
        assert!(ok(
            &[Accept::MediaType("application/pdf")],
            "a.pdf",
            "application/pdf; x=1",
            PDF
        ));
    }

    fn docx_type(rules: &[Accept]) -> &'static str {
        match rules[0] {
            Accept::MediaType(m) => m,
            _ => unreachable!(),
        }
    }
}
