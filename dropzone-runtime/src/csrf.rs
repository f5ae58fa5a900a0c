//! CSRF tokens for uploads, with Flask-WTF's names and messages.
//!
//! A token is minted per browser session and checked by the upload extractor **before any file
//! byte is written**. There is no server-side session store: the session is a random value in
//! an `HttpOnly`, `SameSite=Lax` cookie, and a token is `<unix time>.<HMAC-SHA256>` of that
//! value and the time under the application's secret. A token therefore only verifies together
//! with the cookie of the browser it was minted for, only until it is older than the time limit
//! (default 3600 s, as Flask-WTF), and the comparison is constant-time (`Mac::verify_slice`).
//!
//! Tokens are accepted from the `X-CSRFToken` or `X-CSRF-Token` header (what the generated page
//! sends, chunked uploads included) or from a `csrf_token` form field that comes before the
//! file parts.
//!
//! # Defence in depth
//!
//! Browsers also say where a request comes from. tower-http's `CsrfLayer` (feature `csrf`)
//! refuses cross-site unsafe requests by `Sec-Fetch-Site` / `Origin` before they reach a
//! handler; add it around the upload routes as well. It cannot protect non-browser clients and
//! old browsers, which is why the token stays.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{FromRef, FromRequestParts};
use axum::response::{IntoResponseParts, ResponseParts};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use http::header::{COOKIE, SET_COOKIE};
use http::request::Parts;
use http::{HeaderMap, HeaderValue};
use sha2::Sha256;

/// The request headers a token is read from, in order (Flask-WTF's two spellings).
pub const HEADER_NAMES: [&str; 2] = ["X-CSRFToken", "X-CSRF-Token"];
/// The form field a token is read from when no header carries one.
pub const FIELD_NAME: &str = "csrf_token";
/// The cookie that holds the browser's random session value.
pub const COOKIE_NAME: &str = "dropzone_csrf";

const SESSION_LEN: usize = 32;
const DOMAIN: &[u8] = b"dropzone-rs csrf v1\0";

/// Mints and verifies CSRF tokens; cheap to clone. Put it in the application state.
#[derive(Clone)]
pub struct Csrf {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    key: Vec<u8>,
    time_limit: Option<Duration>,
    secure_cookie: bool,
}

impl fmt::Debug for Csrf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the key.
        f.debug_struct("Csrf")
            .field("time_limit", &self.inner.time_limit)
            .field("secure_cookie", &self.inner.secure_cookie)
            .finish_non_exhaustive()
    }
}

impl Csrf {
    /// Tokens signed with `secret`, valid for 3600 s.
    ///
    /// # Panics
    ///
    /// If `secret` is shorter than 32 bytes: a short key makes tokens guessable offline.
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        let secret = secret.as_ref();
        assert!(
            secret.len() >= 32,
            "dropzone_runtime::csrf::Csrf::new: the secret must be at least 32 bytes, got {}",
            secret.len()
        );
        Csrf {
            inner: Arc::new(Inner {
                key: secret.to_vec(),
                time_limit: Some(Duration::from_secs(3600)),
                secure_cookie: false,
            }),
        }
    }

    /// Tokens signed with a key drawn at random now: every token dies with the process, which
    /// suits development and single-process servers.
    pub fn random() -> Self {
        Csrf::new(random_bytes::<32>())
    }

    /// How long a token stays valid; `None` means until the session cookie goes away.
    pub fn time_limit(mut self, limit: Option<Duration>) -> Self {
        Arc::make_mut(&mut self.inner).time_limit = limit;
        self
    }

    /// Marks the session cookie `Secure` (do this when the site is served over HTTPS).
    pub fn secure_cookie(mut self, secure: bool) -> Self {
        Arc::make_mut(&mut self.inner).secure_cookie = secure;
        self
    }

    /// A token for `session` valid from `now`.
    fn mint_at(&self, session: &[u8], now: u64) -> String {
        let mac = self.mac(session, now).finalize().into_bytes();
        format!("{now}.{}", URL_SAFE_NO_PAD.encode(mac))
    }

    fn mac(&self, session: &[u8], time: u64) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.inner.key).expect("HMAC takes keys of any length");
        mac.update(DOMAIN);
        mac.update(session);
        mac.update(b"\0");
        mac.update(time.to_string().as_bytes());
        mac
    }

    /// Checks `token` against the browser session `session` at time `now`.
    fn verify_at(&self, session: &[u8], token: &str, now: u64) -> Result<(), CsrfError> {
        let (time, tag) = token.trim().split_once('.').ok_or(CsrfError::Invalid)?;
        let time: u64 = time.parse().map_err(|_| CsrfError::Invalid)?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| CsrfError::Invalid)?;
        // Check the signature first, so a forged time cannot tell "expired" from "invalid".
        self.mac(session, time)
            .verify_slice(&tag)
            .map_err(|_| CsrfError::Invalid)?;
        if let Some(limit) = self.inner.time_limit
            && now.saturating_sub(time) > limit.as_secs()
        {
            return Err(CsrfError::Expired);
        }
        Ok(())
    }

    /// Verifies the token a request carries in a header (or, failing that, `field`, the value
    /// of a `csrf_token` form field) against the request's session cookie.
    pub fn verify(&self, headers: &HeaderMap, field: Option<&str>) -> Result<(), CsrfError> {
        let token = HEADER_NAMES
            .iter()
            .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()))
            .filter(|t| !t.trim().is_empty())
            .or(field.filter(|t| !t.trim().is_empty()))
            .ok_or(CsrfError::Missing)?;
        let session = session_from_cookies(headers).ok_or(CsrfError::SessionMissing)?;
        self.verify_at(&session, token, unix_now())
    }

    fn cookie(&self, session: &[u8]) -> HeaderValue {
        let secure = if self.inner.secure_cookie {
            "; Secure"
        } else {
            ""
        };
        let value = format!(
            "{COOKIE_NAME}={}; Path=/; HttpOnly; SameSite=Lax{secure}",
            URL_SAFE_NO_PAD.encode(session)
        );
        HeaderValue::from_str(&value).expect("base64url and fixed attributes are valid header text")
    }
}

/// Why a request's CSRF token was refused; each displays Flask-WTF's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CsrfError {
    /// No `X-CSRFToken` / `X-CSRF-Token` header and no `csrf_token` field before the files.
    #[error("The CSRF token is missing.")]
    Missing,
    /// The request has no (or a malformed) session cookie, e.g. cookies are blocked.
    #[error("The CSRF session token is missing.")]
    SessionMissing,
    /// The token is older than the time limit: reload the page.
    #[error("The CSRF token has expired.")]
    Expired,
    /// The token is malformed, forged, or was minted for another browser session.
    #[error("The CSRF token is invalid.")]
    Invalid,
}

/// A token for the current browser session, for pages that hold an upload zone.
///
/// Extract it in the page handler, pass [`CsrfToken::token`] to the zone
/// (`Zone::dropzone().csrf_token(csrf.token())`) and return the extractor with the response
/// so that a new session cookie is set when the browser had none:
///
/// ```rust,no_run
/// use axum::extract::FromRef;
/// use axum::response::{Html, IntoResponse};
/// use axum::{Router, routing::{get, post}};
/// use dropzone_runtime::csrf::{Csrf, CsrfToken};
/// use dropzone_runtime::upload::{Storage, Upload};
/// use dropzone_runtime::DropzoneConfig;
/// use maud::html;
///
/// #[derive(DropzoneConfig)]
/// #[dropzone(action = "/upload", allowed_file_type = "image", enable_csrf = true)]
/// struct Photos;
///
/// #[derive(Clone)]
/// struct App {
///     csrf: Csrf,
///     storage: Storage,
/// }
/// impl FromRef<App> for Csrf {
///     fn from_ref(app: &App) -> Csrf { app.csrf.clone() }
/// }
/// impl FromRef<App> for Storage {
///     fn from_ref(app: &App) -> Storage { app.storage.clone() }
/// }
///
/// async fn index(csrf: CsrfToken) -> impl IntoResponse {
///     let page = html! { (Photos::dropzone().csrf_token(csrf.token())) };
///     (csrf, Html(page.into_string()))
/// }
///
/// // The token was verified before the first file byte was read.
/// async fn upload(up: Upload<Photos>) -> String {
///     up.file().stored_name.clone()
/// }
///
/// let csrf = Csrf::random();
/// let app: Router = Router::new()
///     .route("/", get(index))
///     .route("/upload", post(upload))
///     .with_state(App { storage: Storage::new("uploads").csrf(csrf.clone()), csrf });
/// # let _ = app;
/// ```
#[derive(Clone, Debug)]
pub struct CsrfToken {
    token: String,
    new_cookie: Option<HeaderValue>,
}

impl CsrfToken {
    /// The token to send with uploads.
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl<S> FromRequestParts<S> for CsrfToken
where
    Csrf: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let csrf = Csrf::from_ref(state);
        let (session, new_cookie) = match session_from_cookies(&parts.headers) {
            Some(session) => (session, None),
            None => {
                let session = random_bytes::<SESSION_LEN>().to_vec();
                let cookie = csrf.cookie(&session);
                (session, Some(cookie))
            }
        };
        Ok(CsrfToken {
            token: csrf.mint_at(&session, unix_now()),
            new_cookie,
        })
    }
}

impl IntoResponseParts for CsrfToken {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        if let Some(cookie) = self.new_cookie {
            res.headers_mut().append(SET_COOKIE, cookie);
        }
        Ok(res)
    }
}

/// The session value from the request's `Cookie` headers, if present and well-formed.
fn session_from_cookies(headers: &HeaderMap) -> Option<Vec<u8>> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .and_then(|(_, value)| URL_SAFE_NO_PAD.decode(value.trim()).ok())
        .filter(|session| session.len() == SESSION_LEN)
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn cookie(session: &[u8]) -> String {
        format!("other=1; {COOKIE_NAME}={}", URL_SAFE_NO_PAD.encode(session))
    }

    #[test]
    fn a_fresh_token_verifies_from_either_header_or_the_field() {
        let csrf = Csrf::new(KEY);
        let session = [7u8; SESSION_LEN];
        let token = csrf.mint_at(&session, unix_now());
        for name in HEADER_NAMES {
            let h = headers(&[("cookie", cookie(&session)), (name, token.clone())]);
            assert_eq!(csrf.verify(&h, None), Ok(()), "{name}");
        }
        let h = headers(&[("cookie", cookie(&session))]);
        assert_eq!(csrf.verify(&h, Some(&token)), Ok(()));
    }

    #[test]
    fn each_failure_has_its_flask_wtf_message() {
        let csrf = Csrf::new(KEY);
        let session = [7u8; SESSION_LEN];
        let now = unix_now();
        let token = csrf.mint_at(&session, now);

        let no_token = headers(&[("cookie", cookie(&session))]);
        assert_eq!(csrf.verify(&no_token, None), Err(CsrfError::Missing));
        assert_eq!(CsrfError::Missing.to_string(), "The CSRF token is missing.");

        let no_cookie = headers(&[("x-csrf-token", token.clone())]);
        assert_eq!(
            csrf.verify(&no_cookie, None),
            Err(CsrfError::SessionMissing)
        );

        let old = csrf.mint_at(&session, now - 3601);
        assert_eq!(csrf.verify_at(&session, &old, now), Err(CsrfError::Expired));
        assert_eq!(
            CsrfError::Expired.to_string(),
            "The CSRF token has expired."
        );
        assert_eq!(
            csrf.verify_at(&session, &csrf.mint_at(&session, now - 3599), now),
            Ok(())
        );
        let unlimited = Csrf::new(KEY).time_limit(None);
        assert_eq!(unlimited.verify_at(&session, &old, now), Ok(()));

        assert_eq!(CsrfError::Invalid.to_string(), "The CSRF token is invalid.");
    }

    #[test]
    fn tokens_are_bound_to_the_session_the_key_and_the_time_they_claim() {
        let csrf = Csrf::new(KEY);
        let session = [7u8; SESSION_LEN];
        let now = unix_now();
        let token = csrf.mint_at(&session, now);
        // Another browser's session.
        assert_eq!(
            csrf.verify_at(&[8u8; SESSION_LEN], &token, now),
            Err(CsrfError::Invalid)
        );
        // Another application's key.
        let other = Csrf::new(b"another key of at least 32 bytes!!");
        assert_eq!(
            other.verify_at(&session, &token, now),
            Err(CsrfError::Invalid)
        );
        // A renewed time with the old signature.
        let (_, tag) = token.split_once('.').unwrap();
        let forged = format!("{}.{tag}", now + 10_000);
        assert_eq!(
            csrf.verify_at(&session, &forged, now),
            Err(CsrfError::Invalid)
        );
        // A flipped signature bit, and garbage.
        let mut bad = token.clone().into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        let bad = String::from_utf8(bad).unwrap();
        assert_eq!(csrf.verify_at(&session, &bad, now), Err(CsrfError::Invalid));
        for junk in ["", ".", "abc", "12.!!!", "x.y.z"] {
            assert_eq!(
                csrf.verify_at(&session, junk, now),
                Err(CsrfError::Invalid),
                "{junk:?}"
            );
        }
    }

    #[test]
    fn malformed_session_cookies_count_as_missing() {
        for value in ["", "short", "!!!!", &URL_SAFE_NO_PAD.encode([1u8; 31])] {
            let h = headers(&[("cookie", format!("{COOKIE_NAME}={value}"))]);
            assert_eq!(session_from_cookies(&h), None, "{value:?}");
        }
    }

    #[test]
    #[should_panic(expected = "at least 32 bytes")]
    fn short_secrets_are_refused() {
        let _ = Csrf::new(b"too short");
    }

    #[test]
    fn debug_output_never_shows_the_key() {
        let shown = format!("{:?}", Csrf::new(KEY));
        assert!(!shown.contains("0123456789"), "{shown}");
    }
}
