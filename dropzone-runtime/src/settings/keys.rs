//! The settings table: every server-side setting once, with its file key, its environment
//! variable and the rule its value follows. Environment, files and docs all go through it.

use super::{Origin, Settings, Sourced, value};

/// One server-side setting.
pub(crate) struct Key {
    /// The key in a configuration file's section, e.g. `chunk_expiry`.
    pub(crate) name: &'static str,
    /// The environment variable, `DROPZONE_` and the key in capitals.
    pub(crate) env: &'static str,
    /// A secret: its value is never printed, not even in an error.
    pub(crate) secret: bool,
    /// Parses the text and stores the value; the error says what was expected.
    pub(crate) apply: fn(&mut Settings, &str, Origin) -> Result<(), String>,
}

/// Every setting [`Settings`] knows.
pub(crate) const KEYS: &[Key] = &[
    Key {
        name: "storage",
        env: "DROPZONE_STORAGE",
        secret: false,
        apply: |s, t, origin| {
            let value = value::storage_location(t)?;
            s.storage = Some(Sourced { value, origin });
            Ok(())
        },
    },
    Key {
        name: "s3_part_size",
        env: "DROPZONE_S3_PART_SIZE",
        secret: false,
        apply: |s, t, _| {
            s.s3_part_size = Some(value::byte_size(t)?);
            Ok(())
        },
    },
    Key {
        name: "s3_min_part_size",
        env: "DROPZONE_S3_MIN_PART_SIZE",
        secret: false,
        apply: |s, t, _| {
            s.s3_min_part_size = Some(value::byte_size(t)?);
            Ok(())
        },
    },
    Key {
        name: "durable",
        env: "DROPZONE_DURABLE",
        secret: false,
        apply: |s, t, _| {
            s.durable = Some(value::boolean(t)?);
            Ok(())
        },
    },
    Key {
        name: "chunk_expiry",
        env: "DROPZONE_CHUNK_EXPIRY",
        secret: false,
        apply: |s, t, _| {
            s.chunk_expiry = Some(value::duration(t)?);
            Ok(())
        },
    },
    Key {
        name: "max_pending_chunked_uploads",
        env: "DROPZONE_MAX_PENDING_CHUNKED_UPLOADS",
        secret: false,
        apply: |s, t, _| {
            s.max_pending_chunked_uploads = Some(value::positive_count(t)?);
            Ok(())
        },
    },
    Key {
        name: "max_pending_chunked_bytes",
        env: "DROPZONE_MAX_PENDING_CHUNKED_BYTES",
        secret: false,
        apply: |s, t, _| {
            s.max_pending_chunked_bytes = Some(value::byte_size(t)?);
            Ok(())
        },
    },
    Key {
        name: "body_idle_timeout",
        env: "DROPZONE_BODY_IDLE_TIMEOUT",
        secret: false,
        apply: |s, t, _| {
            s.body_idle_timeout = Some(value::duration(t)?);
            Ok(())
        },
    },
    Key {
        name: "csrf_secret",
        env: "DROPZONE_CSRF_SECRET",
        secret: true,
        apply: |s, t, _| {
            s.csrf_secret = Some(value::csrf_secret(t)?);
            Ok(())
        },
    },
    Key {
        name: "remove_secret",
        env: "DROPZONE_REMOVE_SECRET",
        secret: true,
        apply: |s, t, _| {
            s.remove_secret = Some(value::csrf_secret(t)?);
            Ok(())
        },
    },
    Key {
        name: "remove_id_lifetime",
        env: "DROPZONE_REMOVE_ID_LIFETIME",
        secret: false,
        apply: |s, t, _| {
            s.remove_id_lifetime = Some(value::duration(t)?);
            Ok(())
        },
    },
    Key {
        name: "csrf_time_limit",
        env: "DROPZONE_CSRF_TIME_LIMIT",
        secret: false,
        apply: |s, t, _| {
            s.csrf_time_limit = Some(value::optional_duration(t)?);
            Ok(())
        },
    },
    Key {
        name: "csrf_secure_cookie",
        env: "DROPZONE_CSRF_SECURE_COOKIE",
        secret: false,
        apply: |s, t, _| {
            s.csrf_secure_cookie = Some(value::boolean(t)?);
            Ok(())
        },
    },
];

/// The prefix of every variable [`Settings::from_env`] reads.
pub(crate) const ENV_PREFIX: &str = "DROPZONE_";

pub(crate) fn by_name(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name)
}

pub(crate) fn by_env(var: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.env == var)
}

/// The closest known name to a mistyped one, if it is close enough to be the likely intent.
pub(crate) fn suggest<'a>(given: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| {
            (
                strsim::jaro(&given.to_ascii_lowercase(), &k.to_ascii_lowercase()),
                k,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variable_is_the_prefix_and_the_key_in_capitals() {
        for key in KEYS {
            assert_eq!(
                key.env,
                format!("{ENV_PREFIX}{}", key.name.to_ascii_uppercase())
            );
        }
    }

    /// The tables in the module docs and in the README are written by hand: every key must
    /// be in both, with its variable, and nothing else.
    #[test]
    fn the_docs_list_every_key() {
        let docs = include_str!("mod.rs");
        let readme = include_str!("../../../README.md");
        for (what, text) in [("settings/mod.rs", docs), ("README.md", readme)] {
            for key in KEYS {
                let row = format!("| `{}` | `{}` |", key.name, key.env);
                assert!(text.contains(&row), "{what} lacks the row {row}");
            }
            let rows = text.matches("| `DROPZONE_").count();
            assert_eq!(rows, KEYS.len(), "{what} has rows for unknown settings");
        }
    }

    #[test]
    fn typos_get_the_closest_name() {
        let envs = || KEYS.iter().map(|k| k.env);
        assert_eq!(suggest("DROPZONE_STORGE", envs()), Some("DROPZONE_STORAGE"));
        assert_eq!(
            suggest("DROPZONE_CHUNK_EXPIRE", envs()),
            Some("DROPZONE_CHUNK_EXPIRY")
        );
        assert_eq!(suggest("DROPZONE_XYZ", envs()), None);
    }
}
