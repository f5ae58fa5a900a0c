//! Stored files: serving them safely and removing them from the page.
//!
//! - [`RemoveKey`]: signs the expiring, zone-bound ids that let a page remove the files it
//!   uploaded (every [`Storage`](crate::upload::Storage) has one).

// Layers, lowest first; each module imports only from the ones above it in this list.
mod remove_id;

pub use remove_id::{DEFAULT_REMOVE_ID_LIFETIME, MIN_SECRET_LEN, RemoveIdError, RemoveKey};
