//! Server-side settings from the environment or a configuration file.
//!
//! A zone's options (types, sizes, messages, chunking…) are part of its type and fixed while
//! compiling: page and server read the same [`Options`](crate::Options), so they cannot
//! disagree. What may differ between two deployments of the same binary is read here instead:
//! where uploads are stored, how durable they are, how long unfinished chunked uploads live,
//! how many may be open, and the CSRF key and token lifetime.
//!
//! | key (file section) | variable | value | default |
//! |---|---|---|---|
//! | `storage` | `DROPZONE_STORAGE` | folder path, `file:///abs/path`, or `s3://bucket/prefix` | the app's choice ([`Settings::storage`]) |
//! | `s3_part_size` | `DROPZONE_S3_PART_SIZE` | `8MiB` or bytes | `5MiB` (`S3Config::part_size`) |
//! | `s3_min_part_size` | `DROPZONE_S3_MIN_PART_SIZE` | `1MiB` or bytes | `5MiB`, AWS's minimum (`S3Config::min_part_size`) |
//! | `durable` | `DROPZONE_DURABLE` | `true`/`false` (`1`/`0`, `yes`/`no`, `on`/`off`) | `false` ([`Storage::durable`]) |
//! | `chunk_expiry` | `DROPZONE_CHUNK_EXPIRY` | `90s`, `30m`, `1h`, `2d` or seconds | `5m` without progress ([`Storage::chunk_expiry`]) |
//! | `max_pending_chunked_uploads` | `DROPZONE_MAX_PENDING_CHUNKED_UPLOADS` | whole number ≥ 1 | `10000` ([`Storage::max_pending_chunked_uploads`]) |
//! | `max_pending_chunked_bytes` | `DROPZONE_MAX_PENDING_CHUNKED_BYTES` | `512MiB`, `4GiB` or bytes | `4GiB` ([`Storage::max_pending_chunked_bytes`]) |
//! | `body_idle_timeout` | `DROPZONE_BODY_IDLE_TIMEOUT` | a duration as above | `30s` ([`Storage::body_idle_timeout`]) |
//! | `csrf_secret` | `DROPZONE_CSRF_SECRET` | at least 32 bytes | none ([`Csrf::new`]) |
//! | `remove_secret` | `DROPZONE_REMOVE_SECRET` | at least 32 bytes | a random key per process ([`RemoveKey::new`]) |
//! | `remove_id_lifetime` | `DROPZONE_REMOVE_ID_LIFETIME` | a duration as above | `1h` ([`RemoveKey::lifetime`]) |
//! | `csrf_time_limit` | `DROPZONE_CSRF_TIME_LIMIT` | a duration as above, or `none` | `1h` ([`Csrf::time_limit`]) |
//! | `csrf_secure_cookie` | `DROPZONE_CSRF_SECURE_COOKIE` | `true`/`false` | `false` ([`Csrf::secure_cookie`]) |
//!
//! An `s3://bucket/prefix` storage (runtime feature `s3`) is S3-compatible object storage
//! reached with the usual `AWS_*` variables (`AWS_ENDPOINT`, `AWS_REGION`,
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ALLOW_HTTP`); the part sizes come from
//! the two `s3_*` settings, never from what a given engine happens to accept. Other
//! object-store schemes (`gs://`, `az://`, …) are refused by name.
//!
//! Every problem names the variable or key and the value (a secret's value is never shown,
//! only its length), all problems of a source are reported at once, and an unknown
//! `DROPZONE_*` variable or section key is an error with the closest known name, so that a
//! typo cannot be silently ignored.
//!
//! # Example
//!
//! ```no_run
//! use dropzone_runtime::settings::Settings;
//!
//! # fn main() -> Result<(), dropzone_runtime::settings::SettingsError> {
//! // The file's [dropzone] section, then DROPZONE_* variables over it.
//! let settings = Settings::from_toml_file("app.toml", "dropzone")?
//!     .overridden_by(Settings::from_env()?);
//! let storage = settings.storage("./uploads")?; // folder created now, or an error naming it
//! # let _ = storage;
//! # Ok(())
//! # }
//! ```
//!
//! [`Settings`] is also [`serde::Deserialize`], so it can be a field of an application's own
//! configuration struct in any serde format.

mod de;
mod error;
mod keys;
#[cfg(feature = "toml")]
mod toml_file;
mod value;

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::csrf::Csrf;
use crate::files::RemoveKey;
use crate::store::StorageUrl;
use crate::upload::Storage;

pub use error::{Problem, SettingsError};
use keys::{ENV_PREFIX, KEYS, Key};

/// Where a setting's value came from; errors name it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// An environment variable, e.g. `DROPZONE_STORAGE`.
    Env(String),
    /// A key of a configuration section: `storage`, or from a TOML file, with the
    /// file, line and section, `app.toml:3: dropzone.storage`.
    Key(String),
    /// Not set anywhere: the application's default.
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Env(name) | Origin::Key(name) => f.write_str(name),
            Origin::Default => f.write_str("the default"),
        }
    }
}

#[derive(Clone, Debug)]
struct Sourced<T> {
    value: T,
    origin: Origin,
}

/// The server-side settings: each one set, or left to the default of the type it configures.
///
/// Build one with [`Settings::from_env`], [`Settings::from_toml_file`] (feature `toml`) or any
/// serde format, layer them with [`Settings::overridden_by`], then turn them into a
/// [`Storage`] with [`Settings::storage`] and a [`Csrf`] with [`Settings::csrf`].
#[derive(Clone, Default)]
pub struct Settings {
    storage: Option<Sourced<StorageUrl>>,
    s3_part_size: Option<u64>,
    s3_min_part_size: Option<u64>,
    durable: Option<bool>,
    chunk_expiry: Option<Duration>,
    max_pending_chunked_uploads: Option<usize>,
    max_pending_chunked_bytes: Option<u64>,
    body_idle_timeout: Option<Duration>,
    csrf_secret: Option<String>,
    remove_secret: Option<String>,
    remove_id_lifetime: Option<Duration>,
    csrf_time_limit: Option<Option<Duration>>,
    csrf_secure_cookie: Option<bool>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secret.
        f.debug_struct("Settings")
            .field("storage", &self.storage_location())
            .field("s3_part_size", &self.s3_part_size)
            .field("s3_min_part_size", &self.s3_min_part_size)
            .field("durable", &self.durable)
            .field("chunk_expiry", &self.chunk_expiry)
            .field(
                "max_pending_chunked_uploads",
                &self.max_pending_chunked_uploads,
            )
            .field("max_pending_chunked_bytes", &self.max_pending_chunked_bytes)
            .field("body_idle_timeout", &self.body_idle_timeout)
            .field(
                "csrf_secret",
                &self.csrf_secret.as_ref().map(|_| "<hidden>"),
            )
            .field(
                "remove_secret",
                &self.remove_secret.as_ref().map(|_| "<hidden>"),
            )
            .field("remove_id_lifetime", &self.remove_id_lifetime)
            .field("csrf_time_limit", &self.csrf_time_limit)
            .field("csrf_secure_cookie", &self.csrf_secure_cookie)
            .finish()
    }
}

impl Settings {
    /// The settings from the process's `DROPZONE_*` environment variables; other variables
    /// are not looked at.
    pub fn from_env() -> Result<Self, SettingsError> {
        Settings::from_vars(std::env::vars_os())
    }

    /// The settings from `(name, value)` pairs, as [`Settings::from_env`] reads the
    /// environment; names without the `DROPZONE_` prefix are skipped. For tests and for
    /// environments kept elsewhere than in the process.
    pub fn from_vars<I, K, V>(vars: I) -> Result<Self, SettingsError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<OsString>,
        V: Into<OsString>,
    {
        let mut settings = Settings::default();
        let mut problems = Vec::new();
        for (name, text) in vars {
            let name = name.into().to_string_lossy().into_owned();
            if !name.starts_with(ENV_PREFIX) {
                continue;
            }
            let origin = Origin::Env(name.clone());
            let Some(key) = keys::by_env(&name) else {
                let suggestion = keys::suggest(&name, KEYS.iter().map(|k| k.env));
                problems.push(Problem::Unknown { origin, suggestion });
                continue;
            };
            match text.into().into_string() {
                Ok(text) => settings.set(key, &text, origin, &mut problems),
                Err(_) => problems.push(Problem::NotUtf8 { origin }),
            }
        }
        settings.or_problems(problems)
    }

    /// Sets the key of a file's section called `name`, or records that there is none.
    fn set_by_name(&mut self, name: &str, text: &str, origin: Origin, problems: &mut Vec<Problem>) {
        match keys::by_name(name) {
            Some(key) => self.set(key, text, origin, problems),
            None => {
                let suggestion = keys::suggest(name, KEYS.iter().map(|k| k.name));
                problems.push(Problem::Unknown { origin, suggestion });
            }
        }
    }

    /// Parses `text` by `key`'s rule and stores it, or records why not.
    fn set(&mut self, key: &Key, text: &str, origin: Origin, problems: &mut Vec<Problem>) {
        if let Err(reason) = (key.apply)(self, text, origin.clone()) {
            let value = if key.secret {
                format!("<hidden, {} bytes>", text.len())
            } else {
                format!("{text:?}")
            };
            problems.push(Problem::Invalid {
                origin,
                value,
                reason,
            });
        }
    }

    fn or_problems(self, problems: Vec<Problem>) -> Result<Self, SettingsError> {
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(SettingsError::new(problems))
        }
    }

    /// These settings with every setting that `over` sets taken from `over`: e.g. a file's
    /// settings overridden by the environment's.
    pub fn overridden_by(self, over: Settings) -> Settings {
        Settings {
            storage: over.storage.or(self.storage),
            s3_part_size: over.s3_part_size.or(self.s3_part_size),
            s3_min_part_size: over.s3_min_part_size.or(self.s3_min_part_size),
            durable: over.durable.or(self.durable),
            chunk_expiry: over.chunk_expiry.or(self.chunk_expiry),
            max_pending_chunked_uploads: over
                .max_pending_chunked_uploads
                .or(self.max_pending_chunked_uploads),
            max_pending_chunked_bytes: over
                .max_pending_chunked_bytes
                .or(self.max_pending_chunked_bytes),
            body_idle_timeout: over.body_idle_timeout.or(self.body_idle_timeout),
            csrf_secret: over.csrf_secret.or(self.csrf_secret),
            remove_secret: over.remove_secret.or(self.remove_secret),
            remove_id_lifetime: over.remove_id_lifetime.or(self.remove_id_lifetime),
            csrf_time_limit: over.csrf_time_limit.or(self.csrf_time_limit),
            csrf_secure_cookie: over.csrf_secure_cookie.or(self.csrf_secure_cookie),
        }
    }

    /// The upload folder, if `storage` was set to a folder.
    pub fn storage_dir(&self) -> Option<&Path> {
        match self.storage.as_ref().map(|s| &s.value) {
            Some(StorageUrl::Folder(dir)) => Some(dir),
            _ => None,
        }
    }

    /// Where uploads go, if `storage` was set: a folder or an `s3://` location.
    pub fn storage_location(&self) -> Option<&StorageUrl> {
        self.storage.as_ref().map(|s| &s.value)
    }

    /// Whether `durable` was set, and to what.
    pub fn durable(&self) -> Option<bool> {
        self.durable
    }

    /// `chunk_expiry`, if set.
    pub fn chunk_expiry(&self) -> Option<Duration> {
        self.chunk_expiry
    }

    /// `max_pending_chunked_uploads`, if set.
    pub fn max_pending_chunked_uploads(&self) -> Option<usize> {
        self.max_pending_chunked_uploads
    }

    /// `max_pending_chunked_bytes`, if set.
    pub fn max_pending_chunked_bytes(&self) -> Option<u64> {
        self.max_pending_chunked_bytes
    }

    /// `body_idle_timeout`, if set.
    pub fn body_idle_timeout(&self) -> Option<Duration> {
        self.body_idle_timeout
    }

    /// `csrf_time_limit`, if set (`Some(None)`: no limit).
    pub fn csrf_time_limit(&self) -> Option<Option<Duration>> {
        self.csrf_time_limit
    }

    /// `remove_id_lifetime`, if set.
    pub fn remove_id_lifetime(&self) -> Option<Duration> {
        self.remove_id_lifetime
    }

    /// Whether a remove-id secret was set (its value is not readable back).
    pub fn has_remove_secret(&self) -> bool {
        self.remove_secret.is_some()
    }

    /// Whether a CSRF secret was set (its value is not readable back).
    pub fn has_csrf_secret(&self) -> bool {
        self.csrf_secret.is_some()
    }

    /// The [`Storage`] these settings describe: the `storage` folder or `s3://` location, or
    /// the folder `default_dir` when none was set; a folder is created now
    /// ([`Storage::try_new`]), an object store is configured from the `AWS_*` variables and
    /// the `s3_*` part sizes (nothing is sent to it yet); `durable` (folders only),
    /// `chunk_expiry`, `max_pending_chunked_uploads`, `max_pending_chunked_bytes` and
    /// `body_idle_timeout` where set; [`Settings::remove_key`]; and [`Settings::csrf`] when a
    /// secret was set.
    ///
    /// Fails, naming the setting and the location, if the folder cannot be created or the
    /// object-store client cannot be configured.
    pub fn storage(&self, default_dir: impl Into<PathBuf>) -> Result<Storage, SettingsError> {
        let (location, origin) = match &self.storage {
            Some(s) => (s.value.clone(), s.origin.clone()),
            None => (StorageUrl::Folder(default_dir.into()), Origin::Default),
        };
        let mut storage = match location {
            StorageUrl::Folder(path) => {
                Storage::try_new(&path).map_err(|source| Problem::Folder {
                    origin,
                    path,
                    source,
                })?
            }
            StorageUrl::S3(location) => self.object_storage(&location, origin)?,
        };
        if let Some(durable) = self.durable {
            storage = storage.durable(durable);
        }
        if let Some(expiry) = self.chunk_expiry {
            storage = storage.chunk_expiry(expiry);
        }
        if let Some(max) = self.max_pending_chunked_uploads {
            storage = storage.max_pending_chunked_uploads(max);
        }
        if let Some(max) = self.max_pending_chunked_bytes {
            storage = storage.max_pending_chunked_bytes(max);
        }
        if let Some(timeout) = self.body_idle_timeout {
            storage = storage.body_idle_timeout(timeout);
        }
        if let Some(csrf) = self.csrf() {
            storage = storage.csrf(csrf);
        }
        Ok(storage.remove_key(self.remove_key()))
    }

    /// The [`RemoveKey`] the stored files' remove ids are signed with: `remove_secret`, or a
    /// random key (ids die with the process) when none was set, with `remove_id_lifetime`
    /// where set. [`Settings::storage`] already uses it.
    pub fn remove_key(&self) -> RemoveKey {
        let key = match &self.remove_secret {
            Some(secret) => RemoveKey::new(secret),
            None => RemoveKey::random(),
        };
        match self.remove_id_lifetime {
            Some(lifetime) => key.lifetime(lifetime),
            None => key,
        }
    }

    #[cfg(feature = "s3")]
    fn object_storage(
        &self,
        location: &crate::store::S3Location,
        origin: Origin,
    ) -> Result<Storage, Problem> {
        use crate::store::{S3Backend, S3Config};
        let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        let mut config = S3Config::default();
        if let Some(n) = self.s3_part_size {
            config = config.part_size(size(n));
        }
        if let Some(n) = self.s3_min_part_size {
            config = config.min_part_size(size(n));
        }
        S3Backend::connect(location, config)
            .map(Storage::s3)
            .map_err(|source| Problem::ObjectStore {
                origin,
                location: location.to_string(),
                source: Box::new(source),
            })
    }

    #[cfg(not(feature = "s3"))]
    fn object_storage(
        &self,
        _location: &crate::store::S3Location,
        origin: Origin,
    ) -> Result<Storage, Problem> {
        Err(Problem::NoS3Feature { origin })
    }

    /// A [`Csrf`] signing with `csrf_secret`, with `csrf_time_limit` and `csrf_secure_cookie`
    /// where set; `None` when no secret was set. Give the same one to the page handlers
    /// ([`crate::csrf::CsrfToken`]); [`Settings::storage`] already uses it.
    pub fn csrf(&self) -> Option<Csrf> {
        self.csrf_secret.as_ref().map(|s| self.tune(Csrf::new(s)))
    }

    /// [`Settings::csrf`], or, without a secret, a random key ([`Csrf::random`]: tokens die
    /// with the process) with the same time limit and cookie settings.
    pub fn csrf_or_random(&self) -> Csrf {
        self.csrf().unwrap_or_else(|| self.tune(Csrf::random()))
    }

    fn tune(&self, mut csrf: Csrf) -> Csrf {
        if let Some(limit) = self.csrf_time_limit {
            csrf = csrf.time_limit(limit);
        }
        if let Some(secure) = self.csrf_secure_cookie {
            csrf = csrf.secure_cookie(secure);
        }
        csrf
    }
}
