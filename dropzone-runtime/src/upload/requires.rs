//! What the upload extractor requires of its zone type and of the router state, as traits
//! whose `#[diagnostic::on_unimplemented]` messages say what to write. The blanket impls are
//! `#[diagnostic::do_not_recommend]`: without it the compiler would report axum's `FromRef`
//! bound underneath, which names neither the zone nor the fix.

use super::Storage;
use axum::extract::FromRef;

/// A router state the upload extractor can take its [`Storage`] from: any `S` with
/// `Storage: FromRef<S>` (a `Storage` itself included).
#[diagnostic::on_unimplemented(
    message = "the router state `{Self}` provides no `Storage` for uploads",
    label = "`Upload` needs `Storage: FromRef<{Self}>`",
    note = "put a `Storage` in the state and implement `axum::extract::FromRef<{Self}> for Storage`, or use the `Storage` itself as the state: `.with_state(Storage::new(dir))`"
)]
pub trait UploadState {
    /// The state's storage.
    fn storage(&self) -> Storage;
}

#[diagnostic::do_not_recommend]
impl<S> UploadState for S
where
    Storage: FromRef<S>,
{
    fn storage(&self) -> Storage {
        Storage::from_ref(self)
    }
}

/// What zone `Self` needs from the router state `S`. `#[derive(DropzoneConfig)]` implements
/// it: for every state, or, for a zone with `enable_csrf = true`, for states that provide a
/// [`Csrf`](crate::csrf::Csrf) (`Csrf: FromRef<S>`, which the page's
/// [`CsrfToken`](crate::csrf::CsrfToken) needs too), so that a CSRF zone served from a state
/// without one fails to compile instead of refusing every upload.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot take uploads from a router whose state is `{S}`",
    label = "`Upload<{Self}>` needs `{Self}: ZoneState<{S}>`",
    note = "a zone with `enable_csrf = true` needs a `Csrf` in the state: implement `axum::extract::FromRef<{S}> for Csrf`, and give the same `Csrf` to the `Storage` with `Storage::csrf(..)`",
    note = "`#[derive(DropzoneConfig)]` implements this trait; a type that is not a zone yet must derive it"
)]
pub trait ZoneState<S> {}
