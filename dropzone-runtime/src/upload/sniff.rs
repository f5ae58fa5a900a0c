//! Content sniffing: what a file's first bytes are, and whether that agrees with the rule that
//! accepted it. Also decides the stored extension, so that the name a file is stored under can
//! never be served as something other than what was checked.
//!
//! Dropzone.js's `acceptedFiles` (and [`is_valid_file`](super::accept::is_valid_file) on the
//! server) trust the part's `Content-Type` and file name, which the client chooses. So before
//! the first byte of a file is stored, the extractor reads its head (the first [`SNIFF_LEN`]
//! bytes, or the whole file when smaller) and [`classify`]es it: magic numbers through
//! [`infer`]; markup (HTML, SVG, script, event handlers) searched for anywhere in the head,
//! case-insensitively, after dropping NUL bytes (which sees through UTF-16) — byte-order marks
//! and leading whitespace cannot hide it; text as UTF-8 without control bytes.
//!
//! # The rules ([`decide`]; the kinds are the table in `media.rs`)
//!
//! A file is stored when one of the zone's rules that matches its name or declared type also
//! accepts its content:
//!
//! - a rule naming SVG explicitly (`image/svg+xml`, `.svg`) takes SVG markup, stored `.svg`;
//! - any other image rule (`image/*`, `image/png`, `.png`) refuses a head with markup anywhere;
//! - `image/*`, `audio/*`, `video/*`, and a media type or extension whose kind has a signature
//!   (`image/png`, `application/pdf`, `.pdf`, `.zip`…) require **positive evidence**: the
//!   content must be recognised as an allowed kind (the same kind, or the same container:
//!   DOCX is a ZIP, M4A an MP4); SVG never passes `image/*`;
//! - other rules (`text/*`, `text/plain`, `application/json`, `.txt`, unknown types) refuse
//!   content recognised as a signature kind they do not allow (an ELF sent as `text/plain`);
//! - a zone without rules stores anything.
//!
//! The stored extension comes from the recognised kind (keeping the client's spelling when it
//! is one of the kind's, `photo.jpeg` stays `.jpeg`), else from the accepting extension rule,
//! else from a passive text kind (`.txt`, `.csv`, `.json`) when the content is text; active
//! kinds (`.html`, `.svg`, `.js`, …) only when the rule names them; otherwise none. So an image
//! zone only ever stores image extensions, and `x.html` sent as `image/png` with PNG bytes is
//! stored as `<uuid>.png`. Sniffing is not a malware scan: a polyglot (a valid PNG header
//! followed by anything after the sniffed head) passes.

use super::accept::rule_matches;
use super::filename::stored_extension;
use super::media::{Evidence, Kind, essence, kind_of_extension, kind_of_type, top_level};
use crate::options::Accept;
use memchr::memmem;

/// How many leading bytes of a file are sniffed (8 KiB).
pub(crate) const SNIFF_LEN: usize = 8 * 1024;

/// Markup that makes a browser run script or render a page, searched for anywhere in a head
/// claimed as an image (lowercase; the head is folded to lowercase).
const MARKUP: &[&[u8]] = &[
    b"<script",
    b"<html",
    b"<svg",
    b"<iframe",
    b"<body",
    b"<img",
    b"<object",
    b"<embed",
    b"<!doctype",
    b"<meta",
    b"<link",
    b"<style",
    b"<head",
    b"<form",
    b"<frame",
    b"<base",
    b"<math",
    b"<?xml",
    b"javascript:",
    b"onerror",
    b"onload",
];

/// What a head was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Content {
    /// No bytes.
    Empty,
    /// A kind of the table, by its signature.
    Known(&'static Kind),
    /// A signature `infer` knows but the table does not (an executable, say): its media type.
    Foreign(&'static str),
    /// HTML, SVG or XML markup and no signature.
    Markup,
    /// UTF-8 text without control bytes.
    Text,
    /// Anything else.
    Unknown,
}

/// A classified head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sniffed {
    pub(crate) content: Content,
    /// Whether markup appears anywhere in the head (also after a signature).
    pub(crate) markup: bool,
}

/// Classifies the first [`SNIFF_LEN`] bytes of `head`.
pub(crate) fn classify(head: &[u8]) -> Sniffed {
    let head = &head[..head.len().min(SNIFF_LEN)];
    let markup = has_markup(head);
    let content = if head.is_empty() {
        Content::Empty
    } else if let Some(found) =
        infer::get(head).filter(|t| t.matcher_type() != infer::MatcherType::Text)
    {
        kind_of_type(found.mime_type()).map_or(Content::Foreign(found.mime_type()), Content::Known)
    } else if markup {
        Content::Markup
    } else if is_text(head) {
        Content::Text
    } else {
        Content::Unknown
    };
    Sniffed { content, markup }
}

fn has_markup(head: &[u8]) -> bool {
    let folded = fold(head);
    // Most markers are tags: one pass over the `<`s (a few dozen in binary data) instead of
    // one search of the whole head per tag, which was most of a small upload's own CPU time.
    let tag_at = |at: usize| {
        MARKUP
            .iter()
            .any(|m| m[0] == b'<' && folded[at..].starts_with(m))
    };
    memchr::memchr_iter(b'<', &folded).any(tag_at)
        || WORDS.iter().any(|word| word.find(&folded).is_some())
}

/// The markers that are not tags, as searchers built once.
static WORDS: std::sync::LazyLock<Vec<memmem::Finder<'static>>> = std::sync::LazyLock::new(|| {
    MARKUP
        .iter()
        .filter(|m| m[0] != b'<')
        .map(memmem::Finder::new)
        .collect()
});

/// `head` in lower case without its NULs: dropping them turns UTF-16 (either byte order) of
/// ASCII markup into the markup itself. Copied a run between NULs at a time.
fn fold(head: &[u8]) -> Vec<u8> {
    let mut folded = Vec::with_capacity(head.len());
    let mut start = 0;
    for nul in memchr::memchr_iter(0, head) {
        folded.extend_from_slice(&head[start..nul]);
        start = nul + 1;
    }
    folded.extend_from_slice(&head[start..]);
    folded.make_ascii_lowercase();
    folded
}

fn is_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        // A multi-byte character cut by the end of the head is still text.
        Err(e) => e.error_len().is_none(),
    };
    valid
        && head
            .iter()
            .all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
}

/// The stored file's extension, when the file is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub(crate) extension: Option<String>,
}

/// Whether a file of `file_name`, declared `declared`, whose content starts with `head`, is
/// accepted by `rules`, and under which extension; see the module documentation.
pub(crate) fn decide(
    rules: &[Accept],
    file_name: &str,
    declared: &str,
    head: &[u8],
) -> Option<Verdict> {
    let sniffed = classify(head);
    let client_ext = stored_extension(file_name);
    let client_ext = client_ext.as_deref();
    if rules.is_empty() {
        return Some(Verdict {
            extension: unnamed_extension(&sniffed, client_ext),
        });
    }
    let declared = essence(declared);
    rules
        .iter()
        .filter(|rule| rule_matches(rule, file_name, &declared))
        .find_map(|rule| accepts(rule, &sniffed, client_ext))
        .map(|extension| Verdict { extension })
}

/// The extension of a file no rule names: its recognised kind's, or a passive text kind's for
/// text content; never an active kind's.
fn unnamed_extension(sniffed: &Sniffed, client_ext: Option<&str>) -> Option<String> {
    match sniffed.content {
        Content::Known(kind) if kind.evidence == Evidence::Signature => {
            kind.extension_for(client_ext)
        }
        Content::Text => client_ext
            .and_then(kind_of_extension)
            .filter(|k| k.evidence == Evidence::Text)
            .and_then(|k| k.extension_for(client_ext)),
        _ => None,
    }
}

/// `Some(extension)` when `rule` accepts this content.
fn accepts(rule: &Accept, sniffed: &Sniffed, client_ext: Option<&str>) -> Option<Option<String>> {
    let named = match *rule {
        Accept::Extension(ext) => kind_of_extension(ext),
        Accept::MediaType(full) => kind_of_type(&essence(full)),
        Accept::TopLevel(_) => None,
        // A kind of rule this sniffing does not know accepts nothing (`Accept` is
        // `#[non_exhaustive]`): refusing is the safe side.
        _ => return None,
    };
    let is_image = match *rule {
        Accept::TopLevel(top) => top == "image",
        Accept::MediaType(full) => top_level(full) == "image",
        Accept::Extension(_) => named.is_some_and(|k| top_level(k.media_type()) == "image"),
        _ => return None,
    };
    // The rule's own extension (`.tar.gz` → `gz`), for extension rules.
    let rule_ext = match *rule {
        // As the tail of a name (`.txt` alone would be a dot-file without one).
        Accept::Extension(ext) => stored_extension(&format!("x{ext}")),
        _ => None,
    };

    if let Some(kind) = named.filter(|k| k.evidence == Evidence::Active) {
        // Named explicitly (SVG, HTML, …): markup or text of it is what the zone asked for.
        return matches!(sniffed.content, Content::Markup | Content::Text)
            .then(|| rule_ext.or_else(|| kind.extension_for(client_ext)));
    }
    if is_image && sniffed.markup {
        return None;
    }
    if matches!(rule, Accept::Extension(_)) && named.is_none() {
        // An extension the table does not know says nothing about the content.
        return Some(rule_ext);
    }
    if let Some(kind) = named.filter(|k| k.evidence == Evidence::Signature) {
        // Positive evidence: the content is this kind, or shares its container.
        return match sniffed.content {
            Content::Known(found) if kind.admits(found) => {
                Some(rule_ext.or_else(|| kind.extension_for(client_ext)))
            }
            _ => None,
        };
    }
    if let Accept::TopLevel(top) = *rule
        && matches!(top, "image" | "audio" | "video")
    {
        // Positive evidence: a signature kind of this top-level type (an MP4 container may
        // hold audio only, so `audio/*` takes any member of its family).
        return match sniffed.content {
            Content::Known(found)
                if found.evidence == Evidence::Signature
                    && super::media::KINDS
                        .iter()
                        .any(|k| found.admits(k) && top_level(k.media_type()) == top) =>
            {
                Some(found.extension_for(client_ext))
            }
            _ => None,
        };
    }
    // Contradicting evidence only: refuse a recognised signature this rule does not allow.
    let allowed = |media_type: &str| match *rule {
        Accept::TopLevel(top) => top_level(media_type) == top,
        Accept::MediaType(full) => named.map_or(essence(full) == media_type, |k| {
            k.types.contains(&media_type)
        }),
        _ => false,
    };
    let extension = match sniffed.content {
        Content::Known(found) if found.evidence == Evidence::Signature => {
            if !found.types.iter().any(|t| allowed(t)) {
                return None;
            }
            found.extension_for(client_ext)
        }
        Content::Foreign(media_type) => {
            if !allowed(media_type) {
                return None;
            }
            None
        }
        Content::Text => rule_ext.or_else(|| {
            named
                .or_else(|| client_ext.and_then(kind_of_extension))
                .filter(|k| k.evidence == Evidence::Text && k.types.iter().any(|t| allowed(t)))
                .and_then(|k| k.extension_for(client_ext))
        }),
        _ => rule_ext,
    };
    Some(extension)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    const JPEG: &[u8] = b"\xff\xd8\xff\xe0\0\x10JFIF\0";
    const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";
    const ZIP: &[u8] = b"PK\x03\x04\x14\0\0\0\0\0";
    const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
    const HTML: &[u8] = b"  <!DOCTYPE html><html><script>alert(1)</script>";
    const WAV: &[u8] = b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0";

    const IMAGES: &[Accept] = &[Accept::TopLevel("image")];
    const PNG_ONLY: &[Accept] = &[Accept::MediaType("image/png")];

    /// `head` padded with zeros to 64 bytes (some matchers want a minimum length).
    fn padded(head: &[u8]) -> Vec<u8> {
        let mut padded = head.to_vec();
        if padded.len() < 64 {
            padded.resize(64, 0);
        }
        padded
    }

    /// The stored extension, or `Err(())` when refused.
    fn ext(
        rules: &[Accept],
        name: &str,
        declared: &str,
        head: &[u8],
    ) -> Result<Option<String>, ()> {
        decide(rules, name, declared, head)
            .map(|v| v.extension)
            .ok_or(())
    }

    fn ok(rules: &[Accept], name: &str, declared: &str, head: &[u8]) -> bool {
        ext(rules, name, declared, &padded(head)).is_ok()
    }

    #[test]
    fn real_images_pass_image_rules() {
        assert!(ok(IMAGES, "a.png", "image/png", PNG));
        assert!(ok(IMAGES, "a.jpg", "image/jpeg", JPEG));
        // A JPEG named .png is still an image, stored as what it is.
        assert_eq!(
            ext(IMAGES, "a.png", "image/png", &padded(JPEG)),
            Ok(Some("jpg".into()))
        );
        assert_eq!(
            ext(IMAGES, "a.jpeg", "image/jpeg", &padded(JPEG)),
            Ok(Some("jpeg".into()))
        );
        assert!(ok(PNG_ONLY, "a.png", "image/png", PNG));
    }

    #[test]
    fn the_stored_extension_comes_from_the_content_never_the_name_alone() {
        for name in ["x.html", "x.png.html", "x.php", "x.exe", "x.svg", "x"] {
            assert_eq!(
                ext(IMAGES, name, "image/png", &padded(PNG)),
                Ok(Some("png".into())),
                "{name}"
            );
            assert_eq!(
                ext(PNG_ONLY, name, "image/png", &padded(PNG)),
                Ok(Some("png".into())),
                "{name}"
            );
        }
        // A zone without rules: recognised content names itself; text keeps a passive
        // extension; markup and unknown bytes get none.
        assert_eq!(
            ext(&[], "x.html", "text/html", &padded(PNG)),
            Ok(Some("png".into()))
        );
        assert_eq!(
            ext(&[], "notes.TXT", "text/plain", b"hello"),
            Ok(Some("txt".into()))
        );
        assert_eq!(ext(&[], "x.html", "text/html", HTML), Ok(None));
        assert_eq!(
            ext(&[], "x.svg", "image/svg+xml", b"<svg onload=alert(1)>"),
            Ok(None)
        );
        assert_eq!(
            ext(&[], "x.exe", "application/x-msdownload", b"MZ\x90\0"),
            Ok(None)
        );
        assert_eq!(ext(&[], "x.js", "text/javascript", b"alert(1)"), Ok(None));
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
    fn image_rules_need_positive_evidence() {
        for head in [&b"abc"[..], b"just some text", b"", b"\0\0\0\0"] {
            assert!(
                decide(IMAGES, "x.png", "image/png", head).is_none(),
                "{head:?}"
            );
            assert!(
                decide(PNG_ONLY, "x.png", "image/png", head).is_none(),
                "{head:?}"
            );
        }
        let audio = [Accept::TopLevel("audio")];
        assert!(!ok(&audio, "a.mp3", "audio/mpeg", b"ID-not-really"));
        assert!(ok(&audio, "a.wav", "audio/wav", WAV));
    }

    #[test]
    fn markup_is_found_through_boms_whitespace_and_utf16() {
        let mut spaces = vec![b' '; 9 * 1024];
        spaces.extend_from_slice(b"<html><script>alert(1)</script>");
        let utf16 = |s: &str, le: bool| -> Vec<u8> {
            let mut v = if le {
                vec![0xff, 0xfe]
            } else {
                vec![0xfe, 0xff]
            };
            for u in s.encode_utf16() {
                let b = if le { u.to_le_bytes() } else { u.to_be_bytes() };
                v.extend_from_slice(&b);
            }
            v
        };
        let mut after_png = padded(PNG);
        after_png.extend_from_slice(b"tEXt<ScRiPt>alert(1)</script>");
        let heads: Vec<Vec<u8>> = vec![
            b"\xef\xbb\xbf<html><script>alert(1)</script>".to_vec(),
            utf16("<html><script>alert(1)</script>", true),
            utf16("<html><script>alert(1)</script>", false),
            b"<svg onload=alert(1)>".to_vec(),
            b"<img src=x onerror=alert(1)>".to_vec(),
            b"hi<script>alert(1)</script>".to_vec(),
            spaces,
            after_png,
        ];
        for head in &heads {
            assert!(
                decide(IMAGES, "x.png", "image/png", head).is_none(),
                "{head:?}"
            );
            assert!(
                decide(PNG_ONLY, "x.png", "image/png", head).is_none(),
                "{head:?}"
            );
            let png_ext = [Accept::Extension(".png")];
            assert!(
                decide(&png_ext, "x.png", "image/png", head).is_none(),
                "{head:?}"
            );
        }
        assert!(classify(&heads[1]).markup && classify(&heads[2]).markup);
    }

    #[test]
    fn svg_only_when_named_explicitly() {
        let svg = b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>";
        assert!(decide(IMAGES, "a.svg", "image/svg+xml", svg).is_none());
        let named = [Accept::MediaType("image/svg+xml")];
        assert_eq!(
            ext(&named, "a.svg", "image/svg+xml", svg),
            Ok(Some("svg".into()))
        );
        let by_ext = [Accept::Extension(".svg")];
        assert_eq!(ext(&by_ext, "a.SVG", "", svg), Ok(Some("svg".into())));
        // Named SVG still means SVG: a PNG is not one.
        assert!(!ok(&named, "a.svg", "image/svg+xml", PNG));
    }

    #[test]
    fn extension_rules_check_content_where_the_extension_has_a_signature() {
        let pdf = [Accept::Extension(".pdf")];
        assert!(!ok(&pdf, "x.pdf", "application/pdf", PNG));
        assert!(!ok(&pdf, "x.pdf", "application/pdf", b"hello"));
        assert_eq!(ext(&pdf, "x.PDF", "", &padded(PDF)), Ok(Some("pdf".into())));
        let docx = [Accept::Extension(".docx")];
        assert_eq!(
            ext(&docx, "a.docx", "", &padded(ZIP)),
            Ok(Some("docx".into()))
        );
        // An extension without a signature: text of it is what it says; a known signature
        // contradicts it; an extension the table does not know says nothing.
        let txt = [Accept::Extension(".txt")];
        assert_eq!(ext(&txt, "a.txt", "", b"hello"), Ok(Some("txt".into())));
        assert!(!ok(&txt, "a.txt", "", ELF));
        let dat = [Accept::Extension(".dat")];
        assert_eq!(ext(&dat, "a.dat", "", &padded(PNG)), Ok(Some("dat".into())));
        // The rule's extension, not the name's tail after it.
        assert_eq!(
            ext(
                &[Accept::Extension(".tar.gz")],
                "a.tar.gz",
                "",
                b"\x1f\x8b\x08\0\0\0\0\0"
            ),
            Ok(Some("gz".into()))
        );
    }

    #[test]
    fn text_rules_refuse_only_contradicting_content() {
        let text = [Accept::TopLevel("text")];
        assert_eq!(
            ext(&text, "a.txt", "text/plain", b"hello"),
            Ok(Some("txt".into()))
        );
        assert_eq!(
            ext(&text, "a.csv", "text/csv", b"a,b\n1,2"),
            Ok(Some("csv".into()))
        );
        // Declared text that is markup passes a text rule, without an active extension.
        assert_eq!(ext(&text, "a.html", "text/html", HTML), Ok(None));
        assert!(!ok(&text, "a.txt", "text/plain", ELF));
        let plain = [Accept::MediaType("text/plain")];
        assert_eq!(
            ext(&plain, "a.sh", "text/plain", b"#!/bin/sh\n"),
            Ok(Some("txt".into()))
        );
        assert!(!ok(&plain, "a.txt", "text/plain", PNG));
        let json = [Accept::MediaType("application/json")];
        assert_eq!(
            ext(&json, "a.json", "application/json", b"{}"),
            Ok(Some("json".into()))
        );
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
        let docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        let docx = [Accept::MediaType(docx_type)];
        assert_eq!(
            ext(&docx, "a.zip", docx_type, &padded(ZIP)),
            Ok(Some("docx".into()))
        );
        assert!(!ok(&docx, "a.docx", docx_type, PDF));
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

    /// The one-pass search finds markup exactly where a search for every marker in the folded
    /// head does: each marker at every offset, in any case, in UTF-16 of either byte order, cut
    /// by the end of the head, and among many `<`s and NULs.
    #[test]
    fn the_one_pass_search_agrees_with_a_search_for_every_marker() {
        let naive = |head: &[u8]| {
            let folded: Vec<u8> = head
                .iter()
                .filter(|&&b| b != 0)
                .map(u8::to_ascii_lowercase)
                .collect();
            MARKUP.iter().any(|m| memmem::find(&folded, m).is_some())
        };
        let mut heads: Vec<Vec<u8>> =
            vec![Vec::new(), b"<".to_vec(), vec![b'<'; 300], vec![0; 300]];
        let noise: Vec<u8> = (0..700u32).map(|i| (i * 151 % 251) as u8).collect();
        heads.push(noise.clone());
        for marker in MARKUP {
            let upper = marker.to_ascii_uppercase();
            let utf16: Vec<u8> = marker.iter().flat_map(|&b| [b, 0]).collect();
            let cut = &marker[..marker.len() - 1];
            for form in [marker.to_vec(), upper, utf16, cut.to_vec()] {
                for at in [0, 1, 63, 64, 65, 299] {
                    let mut head = noise[..at].to_vec();
                    head.extend_from_slice(b"<<\0<");
                    head.extend_from_slice(&form);
                    head.extend_from_slice(&noise[at..at + 20]);
                    heads.push(head.clone());
                    // At the very end of the head.
                    head.truncate(at + 4 + form.len());
                    heads.push(head);
                }
            }
        }
        for head in &heads {
            assert_eq!(
                has_markup(head),
                naive(head),
                "{:?}",
                String::from_utf8_lossy(head)
            );
        }
        assert!(heads.iter().filter(|h| has_markup(h)).count() > MARKUP.len() * 20);
    }
}
