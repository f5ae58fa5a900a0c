//! How each kind of setting is written, as text: one parser per kind, used for environment
//! variables and for configuration files alike (a file's numbers and booleans are turned into
//! their text first), so both sources accept exactly the same values.

use crate::store::StorageUrl;
use std::path::PathBuf;
use std::time::Duration;

/// URL schemes of object stores other than S3: refused by name (S3-compatible stores are
/// reached with `s3://`) instead of being taken for a folder called `gs:`.
const OTHER_OBJECT_STORE_SCHEMES: [&str; 8] =
    ["s3a", "gs", "az", "adl", "azure", "abfs", "abfss", "memory"];

/// `true`/`false`, also `1`/`0`, `yes`/`no`, `on`/`off`, in any case.
pub(crate) fn boolean(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err("expected true or false (also 1/0, yes/no, on/off)".to_owned()),
    }
}

/// A positive whole number such as `64`.
pub(crate) fn positive_count(text: &str) -> Result<usize, String> {
    let n: usize = text
        .trim()
        .parse()
        .map_err(|_| "expected a whole number such as 64".to_owned())?;
    if n == 0 {
        return Err("must be at least 1".to_owned());
    }
    Ok(n)
}

/// A byte count larger than zero: a number of bytes (`1048576`) or a number with one binary
/// unit, `KiB`, `MiB`, `GiB` or `TiB` (`512MiB`, `4GiB`).
pub(crate) fn byte_size(text: &str) -> Result<u64, String> {
    const EXPECTED: &str = "expected a size such as 512MiB, 4GiB or a number of bytes";
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits.parse().map_err(|_| EXPECTED.to_owned())?;
    let shift = match unit.trim() {
        "" | "B" => 0,
        "KiB" => 10,
        "MiB" => 20,
        "GiB" => 30,
        "TiB" => 40,
        // Decimal units are a common slip for binary ones; say which to write.
        "KB" | "MB" | "GB" | "TB" | "kB" => {
            return Err(format!(
                "{EXPECTED} (binary units: write {}iB)",
                &unit.trim()[..1].to_ascii_uppercase()
            ));
        }
        _ => return Err(EXPECTED.to_owned()),
    };
    let bytes = n
        .checked_mul(1u64 << shift)
        .ok_or_else(|| "is too large".to_owned())?;
    if bytes == 0 {
        return Err("must be at least 1 byte".to_owned());
    }
    Ok(bytes)
}

/// A duration longer than zero: a number of seconds (`3600`) or a number with one unit,
/// `s`, `m`, `h` or `d` (`90s`, `30m`, `1h`, `2d`).
pub(crate) fn duration(text: &str) -> Result<Duration, String> {
    const EXPECTED: &str = "expected a duration such as 90s, 30m, 1h, 2d or a number of seconds";
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits.parse().map_err(|_| EXPECTED.to_owned())?;
    let scale = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 60 * 60,
        "d" => 24 * 60 * 60,
        _ => return Err(EXPECTED.to_owned()),
    };
    let secs = n
        .checked_mul(scale)
        .ok_or_else(|| "is too long".to_owned())?;
    if secs == 0 {
        return Err("must be longer than 0 seconds".to_owned());
    }
    Ok(Duration::from_secs(secs))
}

/// [`duration`], or `none` for "no limit".
pub(crate) fn optional_duration(text: &str) -> Result<Option<Duration>, String> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    duration(text)
        .map(Some)
        .map_err(|e| format!("{e}, or none"))
}

/// Where uploads go: a folder path, a `file://` URL of an absolute path, or
/// `s3://bucket/prefix` (parsed by [`StorageUrl`], the one definition of that syntax).
pub(crate) fn storage_location(text: &str) -> Result<StorageUrl, String> {
    if text.trim().is_empty() {
        return Err("expected a folder path or s3://bucket/prefix, got an empty value".to_owned());
    }
    let Some((scheme, rest)) = text.split_once("://") else {
        return Ok(StorageUrl::Folder(PathBuf::from(text)));
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme == "file" {
        if !rest.starts_with('/') {
            return Err("a file:// URL needs an absolute path (file:///srv/uploads)".to_owned());
        }
        return Ok(StorageUrl::Folder(PathBuf::from(rest)));
    }
    if scheme == "s3" {
        return text
            .parse()
            .map_err(|e: crate::store::StorageUrlError| e.to_string());
    }
    if OTHER_OBJECT_STORE_SCHEMES.contains(&scheme.as_str()) {
        return Err(format!(
            "{scheme}:// object storage is not supported; S3-compatible stores are reached with \
             s3://bucket/prefix (endpoint and keys in AWS_* variables)"
        ));
    }
    Err(format!(
        "unknown URL scheme {scheme}://; expected a folder path, a file:// URL or s3://bucket/prefix"
    ))
}

/// A signing secret (CSRF tokens, remove ids): at least 32 bytes, as
/// [`crate::csrf::Csrf::new`] and [`crate::files::RemoveKey::new`] require.
pub(crate) fn csrf_secret(text: &str) -> Result<String, String> {
    if text.len() < 32 {
        return Err(format!(
            "must be at least 32 bytes, got {} (a short key makes tokens guessable offline)",
            text.len()
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_one_unit_or_seconds() {
        assert_eq!(duration("3600"), Ok(Duration::from_secs(3600)));
        assert_eq!(duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(duration(" 30m "), Ok(Duration::from_secs(1800)));
        assert_eq!(duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(duration("2d"), Ok(Duration::from_secs(172_800)));
        for bad in ["", "h", "1x", "1.5h", "-3", "1h30m", "0", "0s"] {
            assert!(duration(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(duration(&format!("{}d", u64::MAX)).is_err());
        assert_eq!(optional_duration("NONE"), Ok(None));
    }

    #[test]
    fn booleans_and_counts() {
        for t in ["true", "1", "YES", "on"] {
            assert_eq!(boolean(t), Ok(true), "{t}");
        }
        for f in ["false", "0", "no", "Off"] {
            assert_eq!(boolean(f), Ok(false), "{f}");
        }
        assert!(boolean("maybe").is_err());
        assert_eq!(positive_count("64"), Ok(64));
        assert!(positive_count("0").is_err());
        assert!(positive_count("-1").is_err());
        assert!(positive_count("lots").is_err());
    }

    #[test]
    fn storage_is_a_folder_or_an_s3_location() {
        let folder = |p: &str| Ok(StorageUrl::Folder(PathBuf::from(p)));
        assert_eq!(storage_location("./up"), folder("./up"));
        assert_eq!(storage_location("file:///srv/up"), folder("/srv/up"));
        assert!(storage_location("file://relative").is_err());
        let s3 = storage_location("s3://bucket/prefix").unwrap();
        assert_eq!(s3.to_string(), "s3://bucket/prefix");
        assert!(
            storage_location("s3://B_ad/x")
                .unwrap_err()
                .contains("S3's rules")
        );
        assert!(
            storage_location("gs://bucket")
                .unwrap_err()
                .contains("not supported")
        );
        assert!(
            storage_location("ftp://host/x")
                .unwrap_err()
                .contains("ftp://")
        );
        assert!(storage_location("  ").is_err());
    }
}
