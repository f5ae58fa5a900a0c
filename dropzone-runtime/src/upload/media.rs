//! Media types: their spellings, container families, and the types file extensions stand for.
//! The lowest layer of `upload/`: plain data and string functions, no I/O.

use std::path::Path;

/// The media type without parameters, trimmed and lowercase.
pub(crate) fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

pub(crate) fn top_level(media_type: &str) -> &str {
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
pub(crate) fn canonical(media_type: &str) -> &str {
    ALIASES
        .iter()
        .find(|spellings| spellings.contains(&media_type))
        .map_or(media_type, |spellings| spellings[0])
}

/// Every type content detected as `detected` may be: its container family, else itself.
pub(crate) fn family(detected: &str) -> Vec<&str> {
    let detected = canonical(detected);
    FAMILIES
        .iter()
        .find(|members| members.contains(&detected))
        .map_or_else(|| vec![detected], |members| members.to_vec())
}

/// The media type of common file extensions (chunks arrive typed `application/octet-stream`).
pub(crate) fn type_of_extension(file_name: &str) -> Option<&'static str> {
    let ext = Path::new(file_name)
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" | "jfif" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "heic" => "image/heic",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "svg" => "image/svg+xml",
        "ico" => "image/vnd.microsoft.icon",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "mkv" => "video/x-matroska",
        "avi" => "video/x-msvideo",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "wav" => "audio/wav",
        "ogg" | "oga" => "audio/ogg",
        "flac" => "audio/flac",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "tar" => "application/x-tar",
        "7z" => "application/x-7z-compressed",
        "json" => "application/json",
        "txt" => "text/plain",
        "csv" => "text/csv",
        _ => return None,
    })
}
