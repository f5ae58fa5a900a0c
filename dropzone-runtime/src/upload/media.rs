//! The one table of file kinds: their media types, extensions, whether their content has a
//! signature, and which share a container. Every content decision (`sniff.rs`), every stored
//! extension and the type a chunk's extension stands for are read from here; `SECURITY.md`
//! documents it. The lowest layer of `upload/`: plain data and string functions, no I/O.

use std::path::Path;

/// What evidence a kind's content can give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Evidence {
    /// Recognised by magic numbers: a rule naming this kind requires them (positive evidence).
    Signature,
    /// Passive text without a signature (plain text, CSV, JSON): only contradicting content
    /// refuses, and text content keeps the extension.
    Text,
    /// Markup or code a browser runs (HTML, SVG, XML, JavaScript): stored with its extension
    /// only when the accepting rule names it explicitly.
    Active,
}

/// Kinds that share one container, so the first bytes cannot tell them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    /// ZIP: DOCX, XLSX, PPTX, ODF, EPUB, JAR, APK.
    Zip,
    /// OLE2 compound files: DOC, XLS, PPT, MSG, MSI.
    Ole,
    /// ISO base media: MP4, M4A, M4V.
    Mp4,
    /// Matroska: MKV, WebM.
    Matroska,
    /// Ogg: Vorbis, Opus, Theora.
    Ogg,
}

/// One row of the table.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Kind {
    /// Media types, the usual spelling first (the others are aliases).
    pub(crate) types: &'static [&'static str],
    /// Extensions, the one stored by default first (a client's spelling among them is kept).
    pub(crate) extensions: &'static [&'static str],
    pub(crate) evidence: Evidence,
    pub(crate) family: Option<Family>,
}

impl Kind {
    /// The usual media type.
    pub(crate) fn media_type(&self) -> &'static str {
        self.types[0]
    }

    /// Whether content of kind `other` may be this kind: the same row, or the same container.
    pub(crate) fn admits(&self, other: &Kind) -> bool {
        self == other || (self.family.is_some() && self.family == other.family)
    }

    /// The extension a file of this kind is stored with: the client's, when it is one of this
    /// kind's, else the kind's usual one.
    pub(crate) fn extension_for(&self, client_ext: Option<&str>) -> Option<String> {
        match client_ext {
            Some(ext) if self.extensions.contains(&ext) => Some(ext.to_owned()),
            _ => self.extensions.first().map(|e| (*e).to_owned()),
        }
    }
}

const fn kind(
    types: &'static [&'static str],
    extensions: &'static [&'static str],
    evidence: Evidence,
    family: Option<Family>,
) -> Kind {
    Kind {
        types,
        extensions,
        evidence,
        family,
    }
}

use Evidence::{Active, Signature, Text};
use Family::{Matroska, Mp4, Ogg, Ole, Zip};

/// Every kind the server knows. A type or extension not listed has no signature and is
/// judged by the contradicting-evidence rule only; content `infer` recognises as a type not
/// listed (an executable, say) is allowed only by a rule naming its top-level type.
pub(crate) const KINDS: &[Kind] = &[
    // Images with signatures. SVG is not one: it is active markup (below).
    kind(&["image/png"], &["png"], Signature, None),
    kind(
        &["image/jpeg", "image/jpg", "image/pjpeg"],
        &["jpg", "jpeg", "jpe", "jfif"],
        Signature,
        None,
    ),
    kind(&["image/gif"], &["gif"], Signature, None),
    kind(&["image/webp"], &["webp"], Signature, None),
    kind(&["image/avif"], &["avif"], Signature, None),
    kind(
        &[
            "image/heif",
            "image/heic",
            "image/heif-sequence",
            "image/heic-sequence",
        ],
        &["heic", "heif"],
        Signature,
        None,
    ),
    kind(
        &["image/bmp", "image/x-bmp", "image/x-ms-bmp"],
        &["bmp"],
        Signature,
        None,
    ),
    kind(
        &["image/tiff", "image/tif"],
        &["tif", "tiff"],
        Signature,
        None,
    ),
    kind(
        &["image/x-icon", "image/vnd.microsoft.icon", "image/ico"],
        &["ico"],
        Signature,
        None,
    ),
    kind(
        &[
            "image/vnd.adobe.photoshop",
            "image/x-photoshop",
            "application/x-photoshop",
        ],
        &["psd"],
        Signature,
        None,
    ),
    kind(&["image/jxl"], &["jxl"], Signature, None),
    kind(&["image/jp2"], &["jp2"], Signature, None),
    kind(&["image/vnd.ms-photo"], &["jxr"], Signature, None),
    // Audio.
    kind(
        &["audio/mpeg", "audio/mp3", "audio/mpeg3", "audio/x-mpeg"],
        &["mp3"],
        Signature,
        None,
    ),
    kind(
        &["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"],
        &["wav"],
        Signature,
        None,
    ),
    kind(&["audio/flac", "audio/x-flac"], &["flac"], Signature, None),
    kind(&["audio/aac", "audio/x-aac"], &["aac"], Signature, None),
    kind(
        &["audio/aiff", "audio/x-aiff"],
        &["aiff", "aif"],
        Signature,
        None,
    ),
    kind(
        &["audio/midi", "audio/x-midi", "audio/mid"],
        &["mid", "midi"],
        Signature,
        None,
    ),
    kind(&["audio/amr"], &["amr"], Signature, None),
    kind(
        &["audio/mp4", "audio/m4a", "audio/x-m4a"],
        &["m4a"],
        Signature,
        Some(Mp4),
    ),
    kind(&["audio/webm"], &["weba"], Signature, Some(Matroska)),
    kind(&["audio/x-matroska"], &["mka"], Signature, Some(Matroska)),
    kind(&["audio/ogg"], &["ogg", "oga"], Signature, Some(Ogg)),
    kind(&["audio/opus"], &["opus"], Signature, Some(Ogg)),
    // Video.
    kind(&["video/mp4"], &["mp4"], Signature, Some(Mp4)),
    kind(&["video/x-m4v"], &["m4v"], Signature, Some(Mp4)),
    kind(&["video/webm"], &["webm"], Signature, Some(Matroska)),
    kind(&["video/x-matroska"], &["mkv"], Signature, Some(Matroska)),
    kind(&["video/ogg"], &["ogv"], Signature, Some(Ogg)),
    kind(&["application/ogg"], &["ogx"], Signature, Some(Ogg)),
    kind(&["video/quicktime"], &["mov"], Signature, None),
    kind(&["video/x-msvideo"], &["avi"], Signature, None),
    kind(&["video/x-ms-wmv"], &["wmv"], Signature, None),
    kind(&["video/mpeg"], &["mpg", "mpeg"], Signature, None),
    kind(&["video/x-flv"], &["flv"], Signature, None),
    // Documents and archives.
    kind(
        &["application/pdf", "application/x-pdf"],
        &["pdf"],
        Signature,
        None,
    ),
    kind(&["application/rtf", "text/rtf"], &["rtf"], Signature, None),
    kind(
        &["application/zip", "application/x-zip-compressed"],
        &["zip"],
        Signature,
        Some(Zip),
    ),
    kind(
        &["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
        &["docx"],
        Signature,
        Some(Zip),
    ),
    kind(
        &["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
        &["xlsx"],
        Signature,
        Some(Zip),
    ),
    kind(
        &["application/vnd.openxmlformats-officedocument.presentationml.presentation"],
        &["pptx"],
        Signature,
        Some(Zip),
    ),
    kind(
        &["application/vnd.oasis.opendocument.text"],
        &["odt"],
        Signature,
        Some(Zip),
    ),
    kind(
        &["application/vnd.oasis.opendocument.spreadsheet"],
        &["ods"],
        Signature,
        Some(Zip),
    ),
    kind(
        &["application/vnd.oasis.opendocument.presentation"],
        &["odp"],
        Signature,
        Some(Zip),
    ),
    kind(&["application/epub+zip"], &["epub"], Signature, Some(Zip)),
    kind(
        &["application/java-archive"],
        &["jar"],
        Signature,
        Some(Zip),
    ),
    kind(
        &["application/vnd.android.package-archive"],
        &["apk"],
        Signature,
        Some(Zip),
    ),
    kind(&["application/x-ole-storage"], &[], Signature, Some(Ole)),
    kind(&["application/msword"], &["doc"], Signature, Some(Ole)),
    kind(
        &["application/vnd.ms-excel"],
        &["xls"],
        Signature,
        Some(Ole),
    ),
    kind(
        &["application/vnd.ms-powerpoint"],
        &["ppt"],
        Signature,
        Some(Ole),
    ),
    kind(
        &["application/vnd.ms-outlook"],
        &["msg"],
        Signature,
        Some(Ole),
    ),
    kind(&["application/x-msi"], &["msi"], Signature, Some(Ole)),
    kind(
        &["application/gzip", "application/x-gzip"],
        &["gz"],
        Signature,
        None,
    ),
    kind(
        &["application/x-tar", "application/tar"],
        &["tar"],
        Signature,
        None,
    ),
    kind(
        &[
            "application/vnd.rar",
            "application/x-rar-compressed",
            "application/x-rar",
        ],
        &["rar"],
        Signature,
        None,
    ),
    kind(
        &["application/x-7z-compressed", "application/x-7z"],
        &["7z"],
        Signature,
        None,
    ),
    kind(
        &["application/x-bzip2", "application/bzip2"],
        &["bz2"],
        Signature,
        None,
    ),
    kind(
        &["application/x-xz", "application/xz"],
        &["xz"],
        Signature,
        None,
    ),
    kind(&["application/zstd"], &["zst"], Signature, None),
    kind(
        &[
            "font/woff",
            "font/woff2",
            "application/font-woff",
            "application/x-font-woff",
        ],
        &["woff", "woff2"],
        Signature,
        None,
    ),
    kind(
        &[
            "font/ttf",
            "font/otf",
            "font/sfnt",
            "application/font-sfnt",
            "application/x-font-ttf",
        ],
        &["ttf", "otf"],
        Signature,
        None,
    ),
    // Passive text: no signature.
    kind(&["text/plain"], &["txt", "text", "log"], Text, None),
    kind(&["text/csv"], &["csv"], Text, None),
    kind(&["text/tab-separated-values"], &["tsv"], Text, None),
    kind(&["text/markdown"], &["md", "markdown"], Text, None),
    kind(&["application/json"], &["json"], Text, None),
    // Active content: only when a rule names it.
    kind(&["image/svg+xml"], &["svg"], Active, None),
    kind(&["text/html"], &["html", "htm"], Active, None),
    kind(&["application/xhtml+xml"], &["xhtml"], Active, None),
    kind(&["text/xml", "application/xml"], &["xml"], Active, None),
    kind(
        &["text/javascript", "application/javascript"],
        &["js", "mjs"],
        Active,
        None,
    ),
    kind(&["text/css"], &["css"], Active, None),
];

/// The kind a media type (through [`essence`]) names, aliases included.
pub(crate) fn kind_of_type(media_type: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.types.contains(&media_type))
}

/// The kind an extension (`png` or `.PNG`) names.
pub(crate) fn kind_of_extension(ext: &str) -> Option<&'static Kind> {
    let ext = ext.trim_start_matches('.').to_ascii_lowercase();
    KINDS.iter().find(|k| k.extensions.contains(&ext.as_str()))
}

/// The media type a stored file is recognised as: its stored extension's kind (the content
/// decided that extension, see `sniff.rs`), else `application/octet-stream`.
pub(crate) fn recognised_type(extension: Option<&str>) -> &'static str {
    extension
        .and_then(kind_of_extension)
        .map_or("application/octet-stream", Kind::media_type)
}

/// The media type a file name's extension stands for (chunks arrive typed
/// `application/octet-stream`).
pub(crate) fn type_of_extension(file_name: &str) -> Option<&'static str> {
    let ext = Path::new(file_name).extension()?.to_str()?;
    kind_of_extension(ext).map(Kind::media_type)
}

/// The media type without parameters, trimmed and lowercase.
pub(crate) fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The part of a media type before `/`.
pub(crate) fn top_level(media_type: &str) -> &str {
    media_type.split('/').next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_and_extension_is_in_one_row_only() {
        let mut types = std::collections::HashSet::new();
        let mut exts = std::collections::HashSet::new();
        for k in KINDS {
            for t in k.types {
                assert!(types.insert(*t), "{t} twice");
                assert_eq!(*t, essence(t), "{t} not lowercase");
            }
            for e in k.extensions {
                assert!(exts.insert(*e), "{e} twice");
            }
        }
    }

    #[test]
    fn images_with_signatures_exclude_svg() {
        let svg = kind_of_type("image/svg+xml").unwrap();
        assert_eq!(svg.evidence, Evidence::Active);
        assert_eq!(kind_of_extension(".PNG").unwrap().media_type(), "image/png");
        assert_eq!(type_of_extension("clip.MP4"), Some("video/mp4"));
        assert!(
            kind_of_type("video/mp4")
                .unwrap()
                .admits(kind_of_type("audio/m4a").unwrap())
        );
        assert!(
            !kind_of_type("image/png")
                .unwrap()
                .admits(kind_of_type("image/jpeg").unwrap())
        );
    }
}
