//! Dropzone.js releases: the default, the embedded ones, and how a `version` text is read.

/// A Dropzone.js release.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version {
    /// The exact version, e.g. `"6.3.5"`.
    pub text: &'static str,
    /// Its major number (5 or 6); it decides file paths and how the page starts the zone.
    pub major: u8,
}

impl Version {
    /// Dropzone.js 5.9.3, the release Flask-Dropzone 2.0 bundles (IE11, auto-discovery).
    pub const V5_9_3: Version = Version {
        text: "5.9.3",
        major: 5,
    };
    /// Dropzone.js 6.3.5, the default: maintained, 38 KB.
    pub const V6_3_5: Version = Version {
        text: "6.3.5",
        major: 6,
    };
    /// The release used when `version` is not given.
    pub const DEFAULT: Version = Version::V6_3_5;
    /// The releases whose files `dropzone-runtime` embeds and serves.
    pub const EMBEDDED: [Version; 2] = [Version::V5_9_3, Version::V6_3_5];

    /// Builds a version from its text and major number (the macros write it after [`parse`]).
    #[doc(hidden)]
    pub const fn new(text: &'static str, major: u8) -> Self {
        Version { text, major }
    }

    /// Whether this release is at least `major.minor`.
    pub const fn at_least(&self, major: u8, minor: u8) -> bool {
        let (have_major, have_minor) = major_minor(self.text);
        have_major > major as u32 || (have_major == major as u32 && have_minor >= minor as u32)
    }

    /// Whether `dropzone-runtime` embeds this release (and so can serve it locally).
    pub const fn is_embedded(&self) -> bool {
        let mut i = 0;
        while i < Version::EMBEDDED.len() {
            if str_eq(Version::EMBEDDED[i].text, self.text) {
                return true;
            }
            i += 1;
        }
        false
    }
}

/// `major.minor` of a `MAJOR.MINOR.PATCH` text, saturating on absurd numbers.
const fn major_minor(text: &str) -> (u32, u32) {
    let b = text.as_bytes();
    let mut nums = [0u32; 2];
    let (mut i, mut k) = (0, 0);
    while i < b.len() && k < 2 {
        if b[i] == b'.' {
            k += 1;
        } else {
            let digit = b[i].wrapping_sub(b'0') as u32;
            nums[k] = nums[k].saturating_mul(10).saturating_add(digit);
        }
        i += 1;
    }
    (nums[0], nums[1])
}

/// Reads a `version` value: `MAJOR.MINOR.PATCH` with major 5 or 6. The error is the whole
/// message the macros report.
pub fn parse(s: &str) -> Result<u8, String> {
    let parts: Vec<&str> = s.split('.').collect();
    let numeric = |p: &&str| !p.is_empty() && p.len() <= 9 && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || !parts.iter().all(numeric) {
        return Err(format!(
            "`version` must be an exact Dropzone.js release, `MAJOR.MINOR.PATCH` such as `\"{}\"`, not `\"{s}\"`",
            Version::DEFAULT.text
        ));
    }
    match parts[0].parse::<u8>() {
        Ok(major @ (5 | 6)) => Ok(major),
        _ => Err(format!(
            "Dropzone.js {s} is not supported: `version` must be a 5.x or 6.x release, such as `\"{}\"` or `\"{}\"`",
            Version::V6_3_5.text,
            Version::V5_9_3.text
        )),
    }
}

/// `a == b`, usable in a `const fn`.
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_major_and_minor() {
        let v = |t| Version::new(t, 0);
        assert!(v("6.3.5").at_least(6, 2) && v("6.2.0").at_least(6, 2));
        assert!(!v("6.1.9").at_least(6, 2) && !v("5.9.3").at_least(6, 0));
        assert!(v("10.0.0").at_least(6, 2));
        assert!(Version::V5_9_3.is_embedded() && !v("6.0.0").is_embedded());
        assert!(str_eq("6.3.5", "6.3.5") && !str_eq("6.3.5", "6.3.4") && !str_eq("6", "6.3"));
    }

    #[test]
    fn parse_checks_the_form_and_major() {
        assert_eq!(parse("5.9.3"), Ok(5));
        assert!(parse("6.3").is_err());
        assert!(parse("6.3.5-beta").is_err());
        assert!(parse("7.0.0").unwrap_err().contains("not supported"));
    }
}
