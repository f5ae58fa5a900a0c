//! The init script: its source and the versioned, content-hashed URL it is served under.

/// The source of `init.js`, the ES5 script that starts every zone on a page (once, whatever
/// the order of the scripts; defines no global).
///
/// [`crate::Dropzone::load_js`] puts it on the page once, after the Dropzone.js library: as
/// `<script src="{INIT_SCRIPT_URL}" defer>` when the library is served locally or the zone is
/// in strict CSP mode (the assets router serves it with `Content-Type: text/javascript`), or
/// inline when the library comes from a CDN or the application's own URL.
pub const INIT_JS: &str = include_str!("../../assets/dropzone-rs/init.js");

/// 64-bit FNV-1a of `bytes`: enough to tell releases of one file apart for caching (the
/// served file's `ETag` is its sha256), and computable in a `const`.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

const HASH_HEX: [u8; 16] = {
    let hash = fnv1a(INIT_JS.as_bytes());
    let digits = b"0123456789abcdef";
    let mut out = [0u8; 16];
    let mut i = 0;
    while i < 16 {
        out[i] = digits[((hash >> (60 - 4 * i)) & 0xf) as usize];
        i += 1;
    }
    out
};

const PARTS: [&str; 6] = [
    crate::assets::MOUNT,
    "/dropzone-rs/",
    env!("CARGO_PKG_VERSION"),
    "-",
    match core::str::from_utf8(&HASH_HEX) {
        Ok(s) => s,
        Err(_) => panic!("hex digits are UTF-8"),
    },
    "/init.js",
];

const URL_LEN: usize = {
    let mut len = 0;
    let mut i = 0;
    while i < PARTS.len() {
        len += PARTS[i].len();
        i += 1;
    }
    len
};

const URL_BYTES: [u8; URL_LEN] = {
    let mut out = [0u8; URL_LEN];
    let mut at = 0;
    let mut i = 0;
    while i < PARTS.len() {
        let part = PARTS[i].as_bytes();
        let mut j = 0;
        while j < part.len() {
            out[at] = part[j];
            at += 1;
            j += 1;
        }
        i += 1;
    }
    out
};

/// Where [`INIT_JS`] is served: `/dropzone/static/dropzone-rs/<crate version>-<content hash>/init.js`
/// under [`crate::assets::MOUNT`]. The URL changes whenever the file does, so the assets
/// router serves it as immutable and a browser fetches it once for every page and zone.
pub const INIT_SCRIPT_URL: &str = match core::str::from_utf8(&URL_BYTES) {
    Ok(s) => s,
    Err(_) => panic!("the URL is made of UTF-8 parts"),
};

/// [`INIT_SCRIPT_URL`], as a function (kept from earlier releases).
pub const fn init_script_url() -> &'static str {
    INIT_SCRIPT_URL
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_names_the_version_and_the_content() {
        let expected = format!(
            "/dropzone/static/dropzone-rs/{}-{:016x}/init.js",
            env!("CARGO_PKG_VERSION"),
            fnv1a(INIT_JS.as_bytes())
        );
        assert_eq!(INIT_SCRIPT_URL, expected);
        // FNV-1a's published test vector: the hash is the real one, not a constant.
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fnv1a(b"init.js v1"), fnv1a(b"init.js v2"));
    }
}
