//! `DROPZONE_STORAGE`: where uploads go, as a folder path or an `s3://bucket/prefix` URL.
//!
//! Parsing never needs the `s3` feature, so a build without it still names the mistake
//! (and says which feature is missing) instead of treating `s3://…` as a folder called `s3:`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// A parsed storage location.
///
/// ```
/// use dropzone_runtime::store::StorageUrl;
///
/// let s3: StorageUrl = "s3://my-bucket/site/uploads".parse().unwrap();
/// assert_eq!(s3.to_string(), "s3://my-bucket/site/uploads");
/// let folder: StorageUrl = "./uploads".parse().unwrap();
/// assert!(matches!(folder, StorageUrl::Folder(_)));
/// assert!("gs://bucket".parse::<StorageUrl>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageUrl {
    /// A local folder (any value without a `scheme://`).
    Folder(PathBuf),
    /// A bucket of S3-compatible object storage, and the key prefix inside it.
    S3(S3Location),
}

/// `s3://bucket/prefix`: a bucket name valid under S3's naming rules, and a key prefix made of
/// `/`-separated segments (possibly none). Every key of the store starts with `prefix/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Location {
    bucket: String,
    prefix: String,
}

impl S3Location {
    /// The bucket name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The key prefix without leading or trailing `/` (empty: the whole bucket).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
}

/// Why a storage value was refused. Displays the value and what to write instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid storage location `{value}`: {problem}")]
pub struct StorageUrlError {
    value: String,
    problem: Problem,
}

impl StorageUrlError {
    /// The value as given.
    pub fn value(&self) -> &str {
        &self.value
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
enum Problem {
    #[error("it is empty; give a folder path (e.g. `./uploads`) or `s3://bucket/prefix`")]
    Empty,
    #[error("the scheme `{0}` is not supported; give a folder path or `s3://bucket/prefix`")]
    Scheme(String),
    #[error(
        "credentials do not belong in the URL; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    )]
    Credentials,
    #[error("`?` and `#` are not allowed; give options through the AWS_* environment variables")]
    QueryOrFragment,
    #[error(
        "the bucket name `{0}` breaks S3's rules: 3 to 63 characters, lowercase letters, digits, \
         `.` and `-`, starting and ending with a letter or digit"
    )]
    Bucket(String),
    #[error(
        "the prefix segment `{0}` is not allowed (empty, `.`, `..`, or holding a control \
         character or `\\`)"
    )]
    Segment(String),
}

impl FromStr for StorageUrl {
    type Err = StorageUrlError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        parse(value).map_err(|problem| StorageUrlError {
            value: value.to_owned(),
            problem,
        })
    }
}

fn parse(value: &str) -> Result<StorageUrl, Problem> {
    if value.trim().is_empty() {
        return Err(Problem::Empty);
    }
    let Some((scheme, rest)) = value.split_once("://") else {
        return Ok(StorageUrl::Folder(PathBuf::from(value)));
    };
    if !scheme.eq_ignore_ascii_case("s3") {
        return Err(Problem::Scheme(scheme.to_owned()));
    }
    if rest.contains(['?', '#']) {
        return Err(Problem::QueryOrFragment);
    }
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.contains('@') {
        return Err(Problem::Credentials);
    }
    check_bucket(bucket)?;
    let prefix = prefix.trim_matches('/');
    if !prefix.is_empty() {
        for segment in prefix.split('/') {
            check_segment(segment).map_err(|()| Problem::Segment(segment.to_owned()))?;
        }
    }
    Ok(StorageUrl::S3(S3Location {
        bucket: bucket.to_owned(),
        prefix: prefix.to_owned(),
    }))
}

/// S3's bucket naming rules (the general-purpose bucket subset every S3-compatible store
/// accepts). An IP-address-shaped name is refused by S3 too.
fn check_bucket(bucket: &str) -> Result<(), Problem> {
    let bytes = bucket.as_bytes();
    let edge_ok = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let ok = (3..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'.' || *b == b'-')
        && edge_ok(bytes.first())
        && edge_ok(bytes.last())
        && !bucket.contains("..")
        && bucket.parse::<std::net::Ipv4Addr>().is_err();
    if ok {
        Ok(())
    } else {
        Err(Problem::Bucket(bucket.to_owned()))
    }
}

/// One `/`-separated piece of an object key: the rule for URL prefixes and for the names the
/// backend is asked to store alike, so a key can never escape its prefix or alias another.
pub(crate) fn check_segment(segment: &str) -> Result<(), ()> {
    let bad = segment.is_empty()
        || segment == "."
        || segment == ".."
        || segment.chars().any(|c| c.is_control() || c == '\\');
    if bad { Err(()) } else { Ok(()) }
}

impl fmt::Display for StorageUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageUrl::Folder(path) => write!(f, "{}", path.display()),
            StorageUrl::S3(location) => write!(f, "{location}"),
        }
    }
}

impl fmt::Display for S3Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.prefix.is_empty() {
            write!(f, "s3://{}", self.bucket)
        } else {
            write!(f, "s3://{}/{}", self.bucket, self.prefix)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3(value: &str) -> S3Location {
        match value.parse::<StorageUrl>().unwrap() {
            StorageUrl::S3(location) => location,
            other => panic!("{value} parsed as {other:?}"),
        }
    }

    fn refused(value: &str) -> String {
        let err = value.parse::<StorageUrl>().unwrap_err();
        assert_eq!(err.value(), value);
        err.to_string()
    }

    #[test]
    fn s3_urls_split_into_bucket_and_prefix() {
        let l = s3("s3://dropzone-test/uploads/site");
        assert_eq!((l.bucket(), l.prefix()), ("dropzone-test", "uploads/site"));
        let l = s3("S3://bucket.example/uploads/");
        assert_eq!((l.bucket(), l.prefix()), ("bucket.example", "uploads"));
        assert_eq!(s3("s3://abc").prefix(), "");
        assert_eq!(s3("s3://abc/").prefix(), "");
        assert_eq!(s3("s3://abc/x").to_string(), "s3://abc/x");
        assert_eq!(s3("s3://abc").to_string(), "s3://abc");
    }

    #[test]
    fn values_without_a_scheme_are_folders() {
        for value in [
            "./uploads",
            "/var/lib/app/uploads",
            "uploads",
            "C:\\data",
            "s3:bucket",
        ] {
            assert_eq!(
                value.parse::<StorageUrl>().unwrap(),
                StorageUrl::Folder(PathBuf::from(value))
            );
        }
    }

    #[test]
    fn mistakes_name_the_value_and_the_fix() {
        assert!(refused("").contains("it is empty"));
        assert!(refused("  ").contains("it is empty"));
        let e = refused("gs://bucket/x");
        assert!(
            e.contains("`gs://bucket/x`") && e.contains("scheme `gs`"),
            "{e}"
        );
        assert!(refused("s3://key:secret@bucket/x").contains("AWS_ACCESS_KEY_ID"));
        assert!(refused("s3://bucket/x?region=eu").contains("AWS_*"));
        assert!(refused("s3://bucket/x#y").contains("AWS_*"));
        for bucket in [
            "ab",
            "Bucket",
            "-abc",
            "abc-",
            "a..b",
            "a_b",
            "192.168.1.1",
            "",
        ] {
            let e = refused(&format!("s3://{bucket}/p"));
            assert!(e.contains(&format!("bucket name `{bucket}`")), "{e}");
        }
        assert!(refused(&format!("s3://{}", "a".repeat(64))).contains("bucket name"));
        assert!(s3(&format!("s3://{}", "a".repeat(63))).prefix().is_empty());
        for (value, segment) in [
            ("s3://abc/a//b", ""),
            ("s3://abc/a/../b", ".."),
            ("s3://abc/./b", "."),
            ("s3://abc/a\\b", "a\\b"),
            ("s3://abc/a\nb", "a\nb"),
        ] {
            let e = refused(value);
            assert!(e.contains(&format!("segment `{segment}`")), "{value}: {e}");
        }
    }
}
