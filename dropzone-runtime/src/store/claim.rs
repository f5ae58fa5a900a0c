//! One winner among instances that try the same step at once, on a store that has no
//! compare-and-swap: Garage ignores `If-None-Match` on PUT, and a CompleteMultipartUpload sent
//! twice succeeds twice (both seen against Garage 2.5, object_store_chunked.rs), so neither
//! can decide who finalizes a chunked upload.
//!
//! The rule needs only that a listing shows every object written before it (S3 and Garage
//! are read-after-write consistent): each contender writes its own flag `<dir>/<random>`, then
//! lists `<dir>/`. One that sees only its own flag has won, and keeps it (then writes
//! `<dir>/won` so that others stop at once). Two can never both win: of two contenders, the
//! one that lists later sees the other's flag, which a winner never removes before
//! [`Claim::release`]. One that sees `won` has lost; one that sees other flags removes its own
//! and tries again after a random pause, a bounded number of times. A `won` flag older than
//! [`STALE`] is removed (its winner stopped before releasing it).

use super::error::StoreError;
use super::meta::PutMeta;
use super::object::S3Backend;
use object_store::PutPayload;
use std::time::Duration;

const ATTEMPTS: u32 = 8;
const WON: &str = "won";

/// A `won` flag older than this was left by an instance that stopped while holding it (a
/// winner holds it only while it completes one multipart upload, a matter of seconds), and is
/// removed so that the step can still be taken.
pub(crate) const STALE: Duration = Duration::from_secs(120);

/// The outcome of [`S3Backend::claim`].
#[derive(Debug)]
pub enum Claimed {
    /// This caller won; release the claim once the step is done.
    Won(Claim),
    /// Another caller won.
    Taken,
}

/// A won claim on a folder of flags.
#[derive(Debug)]
pub struct Claim {
    store: S3Backend,
    dir: String,
    mine: String,
}

impl Claim {
    /// Removes the flags: call it once what the claim guarded has left a trace a later
    /// contender can see (for a chunked upload: its multipart upload is no longer pending).
    pub async fn release(self) -> Result<(), StoreError> {
        self.store.delete(&format!("{}/{WON}", self.dir)).await?;
        self.store.delete(&self.mine).await
    }
}

impl S3Backend {
    /// Claims the folder `dir` (a name relative to the prefix) for this caller; see the module
    /// documentation. Fails when contention did not settle within a few attempts.
    pub async fn claim(&self, dir: &str) -> Result<Claimed, StoreError> {
        let won = format!("{dir}/{WON}");
        for attempt in 1..=ATTEMPTS {
            let mine = format!("{dir}/{}", uuid::Uuid::new_v4().simple());
            self.flag(&mine).await?;
            let (names, more) = self.list_under(dir, None, 16).await?;
            if names.contains(&won) {
                self.delete(&mine).await?;
                if !self.is_stale(&won).await? {
                    return Ok(Claimed::Taken);
                }
                // Its winner died holding it: nothing else could ever take the step.
                tracing::warn!(claim = %dir, "removing a claim left by a stopped instance");
                self.delete(&won).await?;
                continue;
            }
            if !more && names == [mine.clone()] {
                self.flag(&won).await?;
                return Ok(Claimed::Won(Claim {
                    store: self.clone(),
                    dir: dir.to_owned(),
                    mine,
                }));
            }
            self.delete(&mine).await?;
            tokio::time::sleep(pause(attempt)).await;
        }
        Err(StoreError::Protocol(format!(
            "no instance could claim `{dir}` in {ATTEMPTS} attempts"
        )))
    }

    /// Whether flag `name` is older than [`STALE`] (gone counts as not stale: it was just
    /// released).
    async fn is_stale(&self, name: &str) -> Result<bool, StoreError> {
        match self.head(name).await {
            Ok(head) => Ok(head.info.modified.elapsed().is_ok_and(|age| age > STALE)),
            Err(StoreError::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn flag(&self, name: &str) -> Result<(), StoreError> {
        let key = self.key(name)?;
        self.put_whole(&key, PutPayload::new(), &PutMeta::default())
            .await
            .map(drop)
    }
}

/// A random pause growing with the attempt (5 to 20 ms times the attempt), so that
/// contenders that collided do not collide again.
fn pause(attempt: u32) -> Duration {
    let random = u64::from(uuid::Uuid::new_v4().as_bytes()[0]) % 16;
    Duration::from_millis((5 + random) * u64::from(attempt))
}
