//! Which zone sent a request: the `X-Dropzone-Zone` header.

use crate::config::DropzoneConfig;
use crate::render::ZONE_HEADER;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::response::{IntoResponse, Response};
use http::header::{HeaderValue, X_CONTENT_TYPE_OPTIONS};
use http::request::Parts;
use http::{HeaderMap, StatusCode};
use std::fmt;

/// The id of the zone an upload came from, read from the [`X-Dropzone-Zone`](crate::ZONE_HEADER)
/// header that every upload of a dropzone-rs page carries (the zone's HTML `id`).
///
/// Use it to serve several zones from one route: read the id, then extract the upload with the
/// matching zone type, since [`Upload<Z>`](super::Upload) refuses a request that names another
/// zone ([`WrongZone`](super::rejection::WrongZone)).
///
/// As an extractor, `ZoneId` answers `400 Bad Request` (plain text) when the header is missing
/// or not UTF-8; `Option<ZoneId>` is `None` when it is missing and still refuses a value that
/// is not UTF-8. It reads only the headers, so it goes before the body extractor.
///
/// ```rust,no_run
/// use axum::extract::{FromRequest, Request, State};
/// use axum::http::StatusCode;
/// use axum::response::{IntoResponse, Response};
/// use dropzone_runtime::DropzoneConfig;
/// use dropzone_runtime::upload::{Storage, Upload, ZoneId};
///
/// #[derive(DropzoneConfig)]
/// #[dropzone(id = "foo", action = "/upload")]
/// struct Foo;
/// #[derive(DropzoneConfig)]
/// #[dropzone(id = "bar", action = "/upload")]
/// struct Bar;
///
/// async fn shared(zone: ZoneId, State(storage): State<Storage>, req: Request) -> Response {
///     if zone.is::<Foo>() {
///         match Upload::<Foo>::from_request(req, &storage).await {
///             Ok(up) => up.report().into_response(),
///             Err(rejection) => rejection.into_response(),
///         }
///     } else if zone.is::<Bar>() {
///         match Upload::<Bar>::from_request(req, &storage).await {
///             Ok(up) => up.report().into_response(),
///             Err(rejection) => rejection.into_response(),
///         }
///     } else {
///         (StatusCode::BAD_REQUEST, "unknown zone").into_response()
///     }
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ZoneId(String);

impl ZoneId {
    /// The zone id the header named, if the request has a readable header.
    ///
    /// `Err` when the header is there but not UTF-8.
    pub fn from_headers(headers: &HeaderMap) -> Result<Option<ZoneId>, ZoneIdRejection> {
        match headers.get(ZONE_HEADER) {
            None => Ok(None),
            Some(value) => value
                .to_str()
                .map(|id| Some(ZoneId(id.to_owned())))
                .map_err(|_| ZoneIdRejection::Unreadable),
        }
    }

    /// The id, as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the request came from zone `Z` (its `id` option).
    pub fn is<Z: DropzoneConfig>(&self) -> bool {
        self.0 == Z::OPTIONS.id()
    }
}

impl fmt::Display for ZoneId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ZoneId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Why [`ZoneId`] could not be extracted (400 Bad Request, plain text).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ZoneIdRejection {
    /// The request has no `X-Dropzone-Zone` header.
    Missing,
    /// The header is not UTF-8.
    Unreadable,
}

impl fmt::Display for ZoneIdRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZoneIdRejection::Missing => write!(f, "The request has no {ZONE_HEADER} header."),
            ZoneIdRejection::Unreadable => write!(f, "The {ZONE_HEADER} header is not UTF-8."),
        }
    }
}

impl std::error::Error for ZoneIdRejection {}

impl IntoResponse for ZoneIdRejection {
    fn into_response(self) -> Response {
        (
            StatusCode::BAD_REQUEST,
            [(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"))],
            self.to_string(),
        )
            .into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ZoneId {
    type Rejection = ZoneIdRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        ZoneId::from_headers(&parts.headers)?.ok_or(ZoneIdRejection::Missing)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for ZoneId {
    type Rejection = ZoneIdRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        ZoneId::from_headers(&parts.headers)
    }
}
