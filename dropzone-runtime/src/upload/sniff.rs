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

use super::accept::rule_matches;
use super::media::{canonical, essence, family, top_level};
use crate::options::Accept;

/// How many leading bytes of a file are sniffed (8 KiB).
pub(crate) const SNIFF_LEN: usize = 8 * 1024;

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
    let by_extension = rules.iter().any(|rule| {
        matches!(rule, Accept::Extension(_)) && rule_matches(rule, file_name, &declared)
    });
    let by_media_type = rules.iter().any(|rule| {
        !matches!(rule, Accept::Extension(_)) && rule_matches(rule, file_name, &declared)
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
