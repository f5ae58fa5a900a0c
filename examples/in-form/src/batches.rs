//! The files uploaded from one page load, until its form arrives, kept per visitor.
//!
//! A page load costs the server nothing: its batch token is signed, not stored
//! (`<nonce>.<unix time>.<HMAC-SHA256 of visitor, nonce and time>`), and only verifies with
//! the `visitor` cookie of the browser it was issued to. State appears with the first upload
//! (or the form) of a batch, in that visitor's own list of at most [`PER_VISITOR`] batches,
//! where a new batch forgets only the same visitor's oldest. At most [`MAX_VISITORS`]
//! visitors hold batches; when that many do, a new visitor's upload is refused with 503 rather
//! than forgetting someone else's files. So anonymous page loads, however many, can never
//! expire a visitor's form (they could with the former global first-in-first-out list).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long a page's token stays valid.
pub const TOKEN_TTL: Duration = Duration::from_secs(60 * 60);
/// Batches one visitor may have open at once (open tabs, reloads).
pub const PER_VISITOR: usize = 8;
/// Visitors that may hold batches at once.
pub const MAX_VISITORS: usize = 1024;
/// The cookie that names the visitor.
pub const VISITOR_COOKIE: &str = "visitor";

/// Why a batch cannot take a file (or a form).
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Unknown, forged, another visitor's, expired or already submitted: reload the page.
    Expired,
    /// The batch already holds the zone's `max_files`.
    Full,
    /// [`MAX_VISITORS`] visitors hold batches; try again later.
    Busy,
}

struct Batch {
    nonce: String,
    issued: u64,
    files: Vec<String>,
    /// The form arrived; the token takes nothing more.
    spent: bool,
}

/// Signs tokens and keeps the batches that have files (or were submitted).
pub struct Batches {
    secret: [u8; 32],
    visitors: Mutex<HashMap<String, Vec<Batch>>>,
}

impl Batches {
    /// A store with a random signing secret (tokens die with the process, as the store does).
    pub fn new() -> Self {
        Batches {
            secret: random(),
            visitors: Mutex::default(),
        }
    }

    /// A token for a new page load of `visitor`. Stores nothing.
    pub fn issue(&self, visitor: &str) -> String {
        let nonce = hex(&random::<16>());
        let issued = unix_now();
        let mac = hex(&self.mac(visitor, &nonce, issued).finalize().into_bytes());
        format!("{nonce}.{issued}.{mac}")
    }

    /// The nonce and issue time of `token` if `visitor` was issued it and it has not expired.
    fn verify<'t>(&self, visitor: &str, token: &'t str) -> Option<(&'t str, u64)> {
        let mut parts = token.splitn(3, '.');
        let (nonce, issued, mac) = (parts.next()?, parts.next()?, parts.next()?);
        let issued: u64 = issued.parse().ok()?;
        let mac = unhex(mac)?;
        self.mac(visitor, nonce, issued).verify_slice(&mac).ok()?;
        (unix_now().saturating_sub(issued) < TOKEN_TTL.as_secs()).then_some((nonce, issued))
    }

    /// Whether `token` may take one more file now (of at most `max` per batch). Checked before
    /// an upload's body is read; [`Batches::record`] checks again once the file is stored.
    pub fn admit(&self, visitor: &str, token: &str, max: usize) -> Result<(), Refused> {
        self.with_batch(visitor, token, false, |batch| {
            if batch.spent {
                Err(Refused::Expired)
            } else if batch.files.len() >= max {
                Err(Refused::Full)
            } else {
                Ok(())
            }
        })
    }

    /// Records a stored file under `token`.
    pub fn record(
        &self,
        visitor: &str,
        token: &str,
        max: usize,
        stored: String,
    ) -> Result<(), Refused> {
        self.with_batch(visitor, token, true, |batch| {
            if batch.spent {
                Err(Refused::Expired)
            } else if batch.files.len() >= max {
                Err(Refused::Full)
            } else {
                batch.files.push(stored);
                Ok(())
            }
        })
    }

    /// The files of `token`, once: the batch is spent, later uploads with it are refused.
    pub fn submit(&self, visitor: &str, token: &str) -> Result<Vec<String>, Refused> {
        self.with_batch(visitor, token, true, |batch| {
            if batch.spent {
                return Err(Refused::Expired);
            }
            batch.spent = true;
            Ok(std::mem::take(&mut batch.files))
        })
    }

    /// Runs `f` on the batch of a valid `token`, creating it (when `create`, or only to look at
    /// it otherwise) within the per-visitor and global bounds.
    fn with_batch<T>(
        &self,
        visitor: &str,
        token: &str,
        create: bool,
        f: impl FnOnce(&mut Batch) -> Result<T, Refused>,
    ) -> Result<T, Refused> {
        let (nonce, issued) = self.verify(visitor, token).ok_or(Refused::Expired)?;
        let mut visitors = self.visitors.lock().unwrap_or_else(|e| e.into_inner());
        let now = unix_now();
        let live = |b: &Batch| now.saturating_sub(b.issued) < TOKEN_TTL.as_secs();
        visitors.retain(|_, batches| {
            batches.retain(live);
            !batches.is_empty()
        });
        let known = visitors.contains_key(visitor);
        if !known && visitors.len() >= MAX_VISITORS {
            return Err(Refused::Busy);
        }
        let mut fresh = Batch {
            nonce: nonce.to_owned(),
            issued,
            files: Vec::new(),
            spent: false,
        };
        let Some(batches) = visitors.get_mut(visitor) else {
            let result = f(&mut fresh);
            if create && result.is_ok() {
                visitors.insert(visitor.to_owned(), vec![fresh]);
            }
            return result;
        };
        if let Some(batch) = batches.iter_mut().find(|b| b.nonce == nonce) {
            return f(batch);
        }
        let result = f(&mut fresh);
        if create && result.is_ok() {
            if batches.len() >= PER_VISITOR {
                // Only this visitor's own oldest batch makes room.
                let oldest = (0..batches.len()).min_by_key(|&i| batches[i].issued);
                batches.remove(oldest.unwrap_or(0));
            }
            batches.push(fresh);
        }
        result
    }

    fn mac(&self, visitor: &str, nonce: &str, issued: u64) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any size");
        // Length-prefixed, so that no two (visitor, nonce) pairs sign the same bytes.
        for part in [visitor.as_bytes(), nonce.as_bytes()] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.update(&issued.to_be_bytes());
        mac
    }
}

/// The visitor named by the request's cookie, if it has a well-formed one.
pub fn visitor_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == VISITOR_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned)
}

/// A new visitor name and the `Set-Cookie` value that gives it to the browser.
pub fn new_visitor() -> (String, String) {
    let visitor = hex(&random::<16>());
    let cookie = format!("{VISITOR_COOKIE}={visitor}; Path=/; HttpOnly; SameSite=Lax");
    (visitor, cookie)
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_only_for_its_visitor_and_unaltered() {
        let b = Batches::new();
        let t = b.issue("a");
        assert!(b.verify("a", &t).is_some());
        assert!(b.verify("b", &t).is_none());
        let mut forged = t.clone();
        forged.replace_range(0..1, if t.starts_with('0') { "1" } else { "0" });
        assert!(b.verify("a", &forged).is_none());
        assert!(b.verify("a", "0123456789abcdef0123456789abcdef").is_none());
    }

    #[test]
    fn a_visitors_new_batch_forgets_only_its_own_oldest() {
        let b = Batches::new();
        let first = b.issue("a");
        b.record("a", &first, 30, "f0".into()).unwrap();
        let other = b.issue("b");
        b.record("b", &other, 30, "g0".into()).unwrap();
        for i in 0..PER_VISITOR {
            let t = b.issue("a");
            b.record("a", &t, 30, format!("f{}", i + 1)).unwrap();
        }
        // `first` is a's oldest (or tied for it, and first in line): forgotten; b's batch is
        // untouched.
        assert_eq!(b.submit("a", &first), Ok(vec![]));
        assert_eq!(b.submit("b", &other), Ok(vec!["g0".to_owned()]));
        assert_eq!(b.submit("b", &other), Err(Refused::Expired));
    }

    #[test]
    fn a_full_table_refuses_new_visitors_and_keeps_the_others() {
        let b = Batches::new();
        let mine = b.issue("me");
        b.record("me", &mine, 30, "mine.png".into()).unwrap();
        for i in 1..MAX_VISITORS {
            let v = format!("v{i}");
            let t = b.issue(&v);
            b.record(&v, &t, 30, "x".into()).unwrap();
        }
        let late = b.issue("late");
        assert_eq!(b.admit("late", &late, 30), Err(Refused::Busy));
        assert_eq!(b.submit("me", &mine), Ok(vec!["mine.png".to_owned()]));
    }
}
