//! What can be wrong with the settings. Every problem names where the value came from (the
//! variable, or the key of the file's section) and the value itself, except a secret's,
//! whose length alone is shown.

use std::fmt;
use std::io;
use std::path::PathBuf;

use super::Origin;

/// One or more problems found in the settings; every problem of a source is reported at
/// once, so a deployment is fixed in one round.
#[derive(Debug)]
pub struct SettingsError {
    problems: Vec<Problem>,
}

/// One problem with one setting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The value does not follow the setting's rule.
    #[error("{origin}={value}: {reason}")]
    Invalid {
        /// Where the value came from.
        origin: Origin,
        /// The value as given, quoted; a secret's is replaced by its length.
        value: String,
        /// What was expected instead.
        reason: String,
    },
    /// A `DROPZONE_*` variable or a key of the section that is no setting (a typo, usually).
    #[error("{origin} is not a dropzone setting{}", hint(.suggestion))]
    Unknown {
        /// The unknown variable or key.
        origin: Origin,
        /// The known name closest to it, if one is close.
        suggestion: Option<&'static str>,
    },
    /// A `DROPZONE_*` variable whose value is not UTF-8.
    #[error("{origin}: the value is not valid UTF-8")]
    NotUtf8 {
        /// The variable.
        origin: Origin,
    },
    /// The upload folder cannot be created or is not a folder.
    #[error("upload folder {path:?} (from {origin}) cannot be used: {source}")]
    Folder {
        /// Where the folder came from (`the default` when neither source set it).
        origin: Origin,
        /// The folder.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// The object store named by `storage` cannot be used: its client could not be configured
    /// (the `AWS_*` variables, the part sizes).
    #[error("object storage {location} (from {origin}) cannot be used: {source}")]
    ObjectStore {
        /// Where the location came from.
        origin: Origin,
        /// The location, `s3://bucket/prefix`.
        location: String,
        /// What the client said (names no secret).
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// `storage` is an `s3://` location, in a build without the runtime's `s3` feature.
    #[error(
        "{origin} is an s3:// location, but dropzone-runtime was built without its `s3` feature"
    )]
    NoS3Feature {
        /// Where the location came from.
        origin: Origin,
    },
    /// A configuration file could not be read, or is not valid TOML.
    #[error("{}{message}", file_prefix(.file))]
    File {
        /// The file, when the text came from one.
        file: Option<PathBuf>,
        /// What went wrong, with the line for a syntax error.
        message: String,
    },
}

fn file_prefix(file: &Option<PathBuf>) -> String {
    match file {
        Some(path) => format!("{}: ", path.display()),
        None => String::new(),
    }
}

fn hint(suggestion: &Option<&'static str>) -> String {
    match suggestion {
        Some(name) => format!(" (did you mean {name}?)"),
        None => String::new(),
    }
}

impl SettingsError {
    pub(crate) fn new(problems: Vec<Problem>) -> Self {
        debug_assert!(!problems.is_empty());
        SettingsError { problems }
    }

    /// Every problem found, in the order of the source.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl From<Problem> for SettingsError {
    fn from(problem: Problem) -> Self {
        SettingsError::new(vec![problem])
    }
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => write!(f, "dropzone settings: {one}"),
            many => {
                write!(f, "dropzone settings: {} problems", many.len())?;
                many.iter().try_for_each(|p| write!(f, "\n  - {p}"))
            }
        }
    }
}

impl std::error::Error for SettingsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.problems.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}
