//! Signed, expiring remove ids: what lets a page delete a file it uploaded, and nothing else.
//!
//! An id is `<stored name>:<expiry, unix seconds>:<HMAC-SHA256>`, the MAC taken under the
//! [`RemoveKey`] over the zone's id, the stored name and the expiry (each length-prefixed, so
//! no two inputs share an encoding). The zone is not written in the id: verifying with another
//! zone's id fails like a forgery, so an id minted for one zone never removes a file through
//! another zone's route. The signature is checked before the expiry, so a forged expiry cannot
//! tell "expired" from "invalid", and the comparison is constant-time (`Mac::verify_slice`).
//!
//! Leaf module: it imports nothing from the upload layers, which hold a key per `Storage`.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Separates the three parts of an id; never in a stored name, a number or base64url.
const SEP: char = ':';
/// Keeps these MACs apart from every other use of the same secret (CSRF tokens among them).
const DOMAIN: &[u8] = b"dropzone-rs remove v1\0";
/// How long an id stays valid unless [`RemoveKey::lifetime`] says otherwise.
pub const DEFAULT_REMOVE_ID_LIFETIME: Duration = Duration::from_secs(3600);
/// The shortest secret [`RemoveKey::new`] accepts, as for [`Csrf::new`](crate::csrf::Csrf::new).
pub const MIN_SECRET_LEN: usize = 32;

/// The key remove ids are signed with, and how long they live; cheap to clone.
///
/// Every [`Storage`](crate::upload::Storage) has one ([`Storage::remove_key`](crate::upload::Storage::remove_key)):
/// a random key by default, so ids die with the process. Instances that share the files of a
/// zone (several processes behind a load balancer, a restart) need the same secret:
/// `DROPZONE_REMOVE_SECRET` ([`settings`](crate::settings)) or [`RemoveKey::new`].
#[derive(Clone)]
pub struct RemoveKey {
    key: Arc<[u8]>,
    lifetime: Duration,
}

impl fmt::Debug for RemoveKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the key.
        f.debug_struct("RemoveKey")
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

impl Default for RemoveKey {
    fn default() -> Self {
        RemoveKey::random()
    }
}

impl RemoveKey {
    /// Ids signed with `secret`, valid for an hour.
    ///
    /// # Panics
    ///
    /// If `secret` is shorter than 32 bytes: a short key makes ids guessable offline.
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        let secret = secret.as_ref();
        assert!(
            secret.len() >= MIN_SECRET_LEN,
            "dropzone_runtime::files::RemoveKey::new: the secret must be at least {MIN_SECRET_LEN} bytes, got {}",
            secret.len()
        );
        RemoveKey {
            key: secret.into(),
            lifetime: DEFAULT_REMOVE_ID_LIFETIME,
        }
    }

    /// Ids signed with a key drawn at random now: they die with the process.
    pub fn random() -> Self {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the operating system's random source works");
        RemoveKey::new(secret)
    }

    /// How long an id stays valid after it is minted (default an hour). A page shown longer
    /// than this gets "expired" when it removes a file, and is reloaded.
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// The id that lets zone `zone` remove `stored_name` until the lifetime has passed.
    pub fn mint(&self, zone: &str, stored_name: &str) -> String {
        let expires = unix_now().saturating_add(self.lifetime.as_secs());
        self.mint_until(zone, stored_name, expires)
    }

    /// The id for `stored_name` in `zone`, valid until `expires` (unix seconds).
    pub fn mint_until(&self, zone: &str, stored_name: &str, expires: u64) -> String {
        let tag = self.mac(zone, stored_name, expires).finalize().into_bytes();
        format!(
            "{stored_name}{SEP}{expires}{SEP}{}",
            URL_SAFE_NO_PAD.encode(tag)
        )
    }

    /// The stored name `id` lets zone `zone` remove, if it was minted by this key for this
    /// zone and has not expired.
    pub fn verify<'a>(&self, zone: &str, id: &'a str) -> Result<&'a str, RemoveIdError> {
        self.verify_at(zone, id, unix_now())
    }

    fn verify_at<'a>(&self, zone: &str, id: &'a str, now: u64) -> Result<&'a str, RemoveIdError> {
        let mut parts = id.trim().rsplitn(3, SEP);
        let (Some(tag), Some(expires), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(RemoveIdError::Invalid);
        };
        let expires: u64 = expires.parse().map_err(|_| RemoveIdError::Invalid)?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| RemoveIdError::Invalid)?;
        self.mac(zone, name, expires)
            .verify_slice(&tag)
            .map_err(|_| RemoveIdError::Invalid)?;
        if now > expires {
            return Err(RemoveIdError::Expired);
        }
        Ok(name)
    }

    fn mac(&self, zone: &str, stored_name: &str, expires: u64) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(DOMAIN);
        for part in [zone.as_bytes(), stored_name.as_bytes()] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.update(&expires.to_be_bytes());
        mac
    }
}

/// Why a remove id was refused. Both display the text the page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RemoveIdError {
    /// Missing, malformed, forged, signed by another key, or minted for another zone.
    Invalid,
    /// Genuine but older than the key's lifetime: reload the page for a fresh one.
    Expired,
}

impl fmt::Display for RemoveIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RemoveIdError::Invalid => "This file cannot be removed from here.",
            RemoveIdError::Expired => {
                "The permission to remove this file has expired; reload the page."
            }
        })
    }
}

impl std::error::Error for RemoveIdError {}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "0b6f1c2e-8d4a-4c1b-9f3e-2a7d5e6f8a9b.png";

    fn key() -> RemoveKey {
        RemoveKey::new([7u8; 32])
    }

    #[test]
    fn a_minted_id_verifies_for_its_zone_and_names_its_file() {
        let id = key().mint("photos", NAME);
        assert_eq!(key().verify("photos", &id), Ok(NAME));
    }

    #[test]
    fn another_zone_another_key_or_a_changed_part_is_invalid() {
        let id = key().mint_until("photos", NAME, 2_000_000_000);
        assert_eq!(key().verify_at("docs", &id, 0), Err(RemoveIdError::Invalid));
        let other = RemoveKey::new([8u8; 32]);
        assert_eq!(
            other.verify_at("photos", &id, 0),
            Err(RemoveIdError::Invalid)
        );
        let other_name = id.replacen("0b6f", "0b6e", 1);
        assert_eq!(
            key().verify_at("photos", &other_name, 0),
            Err(RemoveIdError::Invalid)
        );
        let later = id.replace(":2000000000:", ":2000000001:");
        assert_eq!(
            key().verify_at("photos", &later, 0),
            Err(RemoveIdError::Invalid)
        );
        for junk in ["", "x", "a:b", "a:1:", ":1:AAAA", "a:x:AAAA", "a:1:!!!"] {
            assert_eq!(
                key().verify_at("photos", junk, 0),
                Err(RemoveIdError::Invalid),
                "{junk:?}"
            );
        }
    }

    #[test]
    fn zone_and_name_cannot_trade_bytes() {
        // Length prefixes: ("ab", "c…") and ("a", "bc…") sign different inputs.
        let a = key().mint_until("ab", "c", 5);
        let b = key().mint_until("a", "bc", 5);
        assert_ne!(a.rsplit(':').next(), b.rsplit(':').next());
    }

    #[test]
    fn an_id_expires_after_its_lifetime_and_not_before() {
        let id = key().mint_until("photos", NAME, 100);
        assert_eq!(key().verify_at("photos", &id, 100), Ok(NAME));
        assert_eq!(
            key().verify_at("photos", &id, 101),
            Err(RemoveIdError::Expired)
        );
        let short = key().lifetime(Duration::ZERO).mint("photos", NAME);
        let expires: u64 = short.split(':').nth(1).unwrap().parse().unwrap();
        assert!(expires <= unix_now());
    }

    #[test]
    #[should_panic(expected = "at least 32 bytes")]
    fn a_short_secret_is_refused() {
        let _ = RemoveKey::new(b"short");
    }

    #[test]
    fn debug_never_shows_the_key() {
        assert!(!format!("{:?}", key()).contains('7'));
    }
}
