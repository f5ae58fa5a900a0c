//! The CSRF gate of [`Upload`](super::Upload): a zone with `enable_csrf` stores no file byte
//! before the request's token has been verified.
//!
//! The order of checks, for one request:
//!
//! 1. Zone without `enable_csrf`: the gate is open, nothing is checked.
//! 2. No [`Csrf`] on the [`Storage`](super::Storage) (`Storage::csrf`): the request is refused
//!    with 500 [`CsrfNotConfigured`] and the misconfiguration is logged, before the body is read.
//!    A zone that asks for CSRF protection never silently runs without it.
//! 3. A token in the `X-CSRFToken` / `X-CSRF-Token` header is verified against the session
//!    cookie before the body is read; a bad one refuses the request with 400 [`CsrfRejected`].
//! 4. Otherwise the token must come in a `csrf_token` text field that precedes the first file
//!    part. The field is verified as soon as it has been read; a file part (of any name) that
//!    arrives while the gate is still closed refuses the request ("The CSRF token is missing.")
//!    before any of its bytes is read, let alone written.
//! 5. A body that ends with the gate still closed is refused the same way.

use super::rejection::{CsrfNotConfigured, CsrfRejected, UploadRejection};
use super::storage::Storage;
use crate::csrf::{Csrf, CsrfError, FIELD_NAME};
use crate::options::Options;
use http::HeaderMap;

/// The [`Csrf`] requests to a zone with `options` are checked with: `None` for a zone without
/// `enable_csrf`; refused (and logged) when the zone has it but the storage has no `Csrf`, so
/// a zone that asks for protection never runs without it. Uploads and removals both ask here.
pub(crate) fn zone_csrf<'a>(
    options: &Options,
    storage: &'a Storage,
) -> Result<Option<&'a Csrf>, CsrfNotConfigured> {
    if !options.enable_csrf() {
        return Ok(None);
    }
    match storage.csrf_protection() {
        Some(csrf) => Ok(Some(csrf)),
        None => {
            tracing::error!(
                zone = options.id(),
                "dropzone-runtime: zone `{}` has enable_csrf but its Storage has no Csrf; \
                 configure it with `Storage::new(dir).csrf(csrf)`. Refusing the request.",
                options.id()
            );
            Err(CsrfNotConfigured::new(options.id()))
        }
    }
}

/// Whether the request may store files yet.
pub(crate) enum CsrfGate {
    /// No check needed, or the token verified.
    Open,
    /// The token has to come from a `csrf_token` field before the first file part.
    AwaitingField {
        csrf: Csrf,
        /// The request's headers (for the session cookie), kept after the body is taken.
        headers: HeaderMap,
    },
}

impl CsrfGate {
    /// The gate for a request to a zone with `options`, after checking any header token.
    pub(crate) fn new(
        options: &Options,
        storage: &Storage,
        headers: &HeaderMap,
    ) -> Result<Self, UploadRejection> {
        let Some(csrf) = zone_csrf(options, storage)? else {
            return Ok(CsrfGate::Open);
        };
        match csrf.verify(headers, None) {
            Ok(()) => Ok(CsrfGate::Open),
            Err(CsrfError::Missing) => Ok(CsrfGate::AwaitingField {
                csrf: csrf.clone(),
                headers: headers.clone(),
            }),
            Err(reason) => Err(CsrfRejected::new(reason).into()),
        }
    }

    /// Whether a text field of this name is the token field the gate waits for.
    pub(crate) fn wants_field(&self, name: &str) -> bool {
        matches!(self, CsrfGate::AwaitingField { .. }) && name == FIELD_NAME
    }

    /// Verifies the value of the `csrf_token` field; opens the gate or refuses the request.
    pub(crate) fn offer_field(&mut self, value: &str) -> Result<(), UploadRejection> {
        if let CsrfGate::AwaitingField { csrf, headers } = self {
            csrf.verify(headers, Some(value))
                .map_err(|reason| UploadRejection::from(CsrfRejected::new(reason)))?;
            *self = CsrfGate::Open;
        }
        Ok(())
    }

    /// Called before a file part is read and at the end of the body: refuses the request
    /// unless the token has been verified.
    pub(crate) fn require_open(&self) -> Result<(), UploadRejection> {
        match self {
            CsrfGate::Open => Ok(()),
            CsrfGate::AwaitingField { .. } => Err(CsrfRejected::new(CsrfError::Missing).into()),
        }
    }
}
