//! How the S3 backend cuts bodies into multipart parts, and the part-size rule every chunk
//! size is checked against when a router is built.
//!
//! The minimum is configuration (AWS's 5 MiB by default), never what a given engine happens to
//! accept: Garage takes 1 MiB parts that AWS S3 refuses, so a test engine's leniency must not
//! decide what a deployment does.

/// AWS S3's smallest part, except the last one of an upload.
pub const AWS_MIN_PART_SIZE: usize = 5 * 1024 * 1024;
/// AWS S3's largest part.
pub const AWS_MAX_PART_SIZE: usize = 5 * 1024 * 1024 * 1024;
/// AWS S3's most parts in one multipart upload.
pub const AWS_MAX_PARTS: usize = 10_000;

/// Part sizes and upload concurrency of an [`S3Backend`](super::S3Backend).
///
/// Memory held by one streamed upload is at most `max_concurrency * part_size`: the parts in
/// flight and the one being filled (filled only while fewer than `max_concurrency` are in
/// flight; with 1, parts go out one after another without overlap).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Config {
    pub(crate) part_size: usize,
    pub(crate) min_part_size: usize,
    pub(crate) max_concurrency: usize,
}

impl Default for S3Config {
    /// 5 MiB parts, AWS's 5 MiB minimum, two parts in flight.
    fn default() -> Self {
        S3Config {
            part_size: AWS_MIN_PART_SIZE,
            min_part_size: AWS_MIN_PART_SIZE,
            max_concurrency: 2,
        }
    }
}

impl S3Config {
    /// The size of every part but the last of a streamed upload (default 5 MiB).
    pub fn part_size(mut self, bytes: usize) -> Self {
        self.part_size = bytes;
        self
    }

    /// The smallest part the store accepts except the last (default: AWS's 5 MiB). Lower it
    /// only for a store documented to accept smaller parts.
    pub fn min_part_size(mut self, bytes: usize) -> Self {
        self.min_part_size = bytes;
        self
    }

    /// How many parts of one upload are sent at once (default 2, at least 1).
    pub fn max_concurrency(mut self, parts: usize) -> Self {
        self.max_concurrency = parts;
        self
    }

    /// How many parts of one upload are sent at once.
    pub(crate) fn parts_in_flight(&self) -> usize {
        self.max_concurrency
    }

    /// The largest object a streamed upload can make: [`AWS_MAX_PARTS`] parts.
    pub fn max_object_size(&self) -> u64 {
        self.part_size as u64 * AWS_MAX_PARTS as u64
    }

    /// Checks the configuration itself; [`S3Backend::connect`](super::S3Backend::connect)
    /// calls it.
    pub fn validate(&self) -> Result<(), PartSizeError> {
        if self.max_concurrency == 0 {
            return Err(PartSizeError::Concurrency);
        }
        self.check_part(self.part_size)
            .map_err(|rule| PartSizeError::PartSize {
                bytes: self.part_size,
                rule,
            })
    }

    /// Checks a zone's `chunk_size` (Dropzone.js sends every chunk but the last at exactly
    /// that size, and each chunk becomes one part, or several of at least `part_size`), so a
    /// mistake is reported when the router is built, never at the first upload.
    pub fn check_chunk_size(&self, zone: &str, chunk_size: u64) -> Result<(), PartSizeError> {
        let bytes = usize::try_from(chunk_size).unwrap_or(usize::MAX);
        self.check_part(bytes)
            .map_err(|rule| PartSizeError::ChunkSize {
                zone: zone.to_owned(),
                bytes: chunk_size,
                rule,
            })
    }

    /// How many parts a chunk of `chunk_size` bytes, one of `count`, is sent as: parts of at
    /// least `part_size` (so at least the minimum), as many as the 10,000 parts of an upload
    /// allow, at least one. Parts sent side by side reach the store's bandwidth where one part
    /// at a time does not (see upload/chunk_object_layout.rs).
    pub fn chunk_split(&self, chunk_size: u64, count: u64) -> u64 {
        let by_size = chunk_size / self.part_size.max(1) as u64;
        let by_count = AWS_MAX_PARTS as u64 / count.max(1);
        by_size.min(by_count).max(1)
    }

    /// The one definition of a valid non-last part size.
    fn check_part(&self, bytes: usize) -> Result<(), SizeRule> {
        if bytes < self.min_part_size {
            Err(SizeRule::AtLeast(self.min_part_size))
        } else if bytes > AWS_MAX_PART_SIZE {
            Err(SizeRule::AtMost(AWS_MAX_PART_SIZE))
        } else {
            Ok(())
        }
    }
}

/// A part size the object store would refuse. Displays what to change.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PartSizeError {
    /// `S3Config::part_size` outside the store's limits.
    #[error("S3Config::part_size is {bytes} bytes, but {rule}")]
    PartSize {
        /// The configured part size.
        bytes: usize,
        /// The limit it breaks.
        rule: SizeRule,
    },
    /// A zone's chunks would be refused as multipart parts.
    #[error(
        "zone `{zone}` has chunk_size = {bytes} bytes, but each chunk is one S3 part and {rule}"
    )]
    ChunkSize {
        /// The zone's name.
        zone: String,
        /// Its chunk size.
        bytes: u64,
        /// The limit it breaks.
        rule: SizeRule,
    },
    /// `S3Config::max_concurrency(0)`.
    #[error("S3Config::max_concurrency must be at least 1")]
    Concurrency,
}

/// The limit a part size breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SizeRule {
    /// Parts but the last must be at least this big.
    #[error(
        "the store refuses parts under {0} bytes except the last: raise it to at least {0} \
         (or lower S3Config::min_part_size if your store accepts smaller parts)"
    )]
    AtLeast(usize),
    /// Parts may not be bigger than this.
    #[error("the store refuses parts over {0} bytes: lower it")]
    AtMost(usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_aws() {
        let c = S3Config::default();
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(c.max_object_size(), 5 * 1024 * 1024 * 10_000);
        assert_eq!(c.check_chunk_size("big", 10 << 20), Ok(()));
        assert_eq!(
            c.check_chunk_size("exact", AWS_MIN_PART_SIZE as u64),
            Ok(())
        );
    }

    #[test]
    fn small_chunks_are_refused_with_the_fix() {
        let err = S3Config::default()
            .check_chunk_size("photos", 2 << 20)
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("zone `photos` has chunk_size = 2097152 bytes"),
            "{text}"
        );
        assert!(text.contains("raise it to at least 5242880"), "{text}");
        let huge = S3Config::default()
            .check_chunk_size("x", 6 << 30)
            .unwrap_err();
        assert!(huge.to_string().contains("over 5368709120 bytes"), "{huge}");
    }

    #[test]
    fn chunks_are_split_into_parts_of_at_least_part_size_within_the_part_count() {
        let mib = 1 << 20;
        let c = S3Config::default();
        assert_eq!(c.chunk_split(10 * mib, 103), 2);
        assert_eq!(c.chunk_split(10 * mib - 1, 103), 1);
        assert_eq!(c.chunk_split(5 * mib, 1), 1);
        assert_eq!(c.chunk_split(100 * mib, 10), 20);
        // 10,000 parts at most: 4,000 chunks of 10 MiB stay one part each.
        assert_eq!(c.chunk_split(10 * mib, 4_000), 2);
        assert_eq!(c.chunk_split(10 * mib, 5_001), 1);
        assert_eq!(c.chunk_split(100 * mib, 1_000), 10);
        let c = S3Config::default()
            .min_part_size(1000)
            .part_size(400 * 1000);
        assert_eq!(c.chunk_split(1000, 3), 1);
    }

    #[test]
    fn the_minimum_is_configuration() {
        let lenient = S3Config::default()
            .min_part_size(1 << 20)
            .part_size(1 << 20);
        assert_eq!(lenient.validate(), Ok(()));
        assert_eq!(lenient.check_chunk_size("z", 1 << 20), Ok(()));
        let err = S3Config::default()
            .part_size(1 << 20)
            .validate()
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("S3Config::part_size is 1048576 bytes"),
            "{err}"
        );
        assert_eq!(
            S3Config::default().max_concurrency(0).validate(),
            Err(PartSizeError::Concurrency)
        );
    }
}
