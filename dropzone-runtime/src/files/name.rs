//! The one definition of a stored file's name: `<uuid v4>` or `<uuid v4>.<ext>`, the UUID
//! lowercase and hyphenated, the extension 1 to [`MAX_EXTENSION_LEN`] characters of
//! `[a-z0-9]`. Names are made here and every files-API call checks its argument here first,
//! so nothing else (`..`, `/`, a sidecar's name, another prefix's key) can be named.

/// Where each stored file's metadata is kept, next to it: the folder `.meta/` of the upload
/// folder, or the objects `.meta/*` under the bucket prefix. Not a stored name's shape, so
/// no files-API call can name it.
pub(crate) const META_DIR: &str = ".meta";

/// The longest extension a stored file keeps, without the dot.
pub(crate) const MAX_EXTENSION_LEN: usize = 16;

/// Whether `ext` (without the dot) is an extension a stored name may end with.
pub(crate) fn is_extension(ext: &str) -> bool {
    !ext.is_empty()
        && ext.len() <= MAX_EXTENSION_LEN
        && ext
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// A new random stored name with `ext`, if any (already checked by [`is_extension`]).
pub(crate) fn new_stored_name(ext: Option<&str>) -> String {
    match ext {
        Some(ext) => format!("{}.{ext}", uuid::Uuid::new_v4()),
        None => uuid::Uuid::new_v4().to_string(),
    }
}

/// Whether `name` has the shape of a stored file's name: `<uuid v4>[.ext]`, exactly as
/// [`Upload`](crate::upload::Upload) makes them.
///
/// ```
/// use dropzone_runtime::files::is_stored_name;
///
/// assert!(is_stored_name("6f1c1e4e-3b7a-4d4e-9a3e-2f1b8c9d0e1f.png"));
/// assert!(!is_stored_name("../6f1c1e4e-3b7a-4d4e-9a3e-2f1b8c9d0e1f.png"));
/// assert!(!is_stored_name("6F1C1E4E-3B7A-4D4E-9A3E-2F1B8C9D0E1F"));
/// ```
pub fn is_stored_name(name: &str) -> bool {
    let (id, ext) = match name.split_once('.') {
        Some((id, ext)) => (id, Some(ext)),
        None => (name, None),
    };
    is_uuid_v4(id) && ext.is_none_or(is_extension)
}

/// Lowercase hyphenated UUID of version 4 (RFC 9562 variant), as `Uuid::to_string` writes it.
fn is_uuid_v4(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
        })
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_names_have_the_shape_and_nothing_else_does() {
        for ext in [None, Some("png"), Some("tar"), Some("a1b2c3d4e5f6g7h8")] {
            let name = new_stored_name(ext);
            assert!(is_stored_name(&name), "{name}");
        }
        let good = new_stored_name(Some("png"));
        let id = &good[..36];
        for bad in [
            String::new(),
            "..".into(),
            format!("{id}."),
            format!("{id}.PNG"),
            format!("{id}.png.exe"),
            format!("{id}.p/g"),
            format!("{id}.abcdefghijklmnopq"),
            format!("/{id}"),
            format!("{id}/"),
            format!(".meta/{id}.json"),
            format!("{id} "),
            id.to_uppercase(),
            "00000000-0000-0000-0000-000000000000".into(),
            "6f1c1e4e-3b7a-1d4e-9a3e-2f1b8c9d0e1f".into(), // version 1
            "6f1c1e4e-3b7a-4d4e-7a3e-2f1b8c9d0e1f".into(), // wrong variant
            "6f1c1e4e3b7a4d4e9a3e2f1b8c9d0e1f".into(),
        ] {
            assert!(!is_stored_name(&bad), "{bad:?}");
        }
    }
}
