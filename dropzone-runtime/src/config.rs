//! The trait `#[derive(DropzoneConfig)]` implements: a type becomes a dropzone's identity.

use crate::options::Options;
use crate::render::Dropzone;
use maud::Markup;

/// A dropzone declared with `#[derive(DropzoneConfig)]`.
///
/// The type is the zone's identity: the page fragments come from it, and the upload extractor
/// ([`crate::upload::Upload`]) enforces the same [`Options`], so page and server cannot
/// disagree. The methods are the counterparts of Flask-Dropzone's template helpers; for
/// per-request values (CSP nonce, CSRF token, an action URL with parameters) start from
/// [`DropzoneConfig::dropzone`] and use the [`Dropzone`] builder.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a dropzone type",
    label = "not declared with `#[derive(DropzoneConfig)]`",
    note = "declare the zone: `#[derive(DropzoneConfig)] #[dropzone(action = \"/upload\")] struct {Self};`"
)]
pub trait DropzoneConfig: 'static {
    /// The zone's validated options.
    const OPTIONS: &'static Options;

    /// The zone as a renderable value with per-request setters.
    ///
    /// The derive overrides this to render from a page of fragments built once per process
    /// (a `static` in the expansion); this default builds them on every render.
    fn dropzone() -> Dropzone {
        Dropzone::new(Self::OPTIONS)
    }

    /// The Dropzone.js stylesheet `<link>` (Flask-Dropzone's `load_css`).
    fn load_css() -> Markup {
        Self::dropzone().load_css()
    }

    /// The Dropzone.js `<script src>` and the init code that starts every zone of the page
    /// (Flask-Dropzone's `load_js`); once per page.
    fn load_js() -> Markup {
        Self::dropzone().load_js()
    }

    /// The upload area: a `<form>`, or a `<div>` in in-form mode (Flask-Dropzone's `create`).
    fn create() -> Markup {
        Self::dropzone().create()
    }

    /// The zone's data, a JSON `<script>` block (Flask-Dropzone's `config`); see
    /// [`Dropzone::config`].
    fn config() -> Markup {
        Self::dropzone().config()
    }

    /// A `<style>` block scoped to this zone (Flask-Dropzone's `style`); `css` is a list of
    /// declarations such as `"border: 2px dashed #0087F7"`, escaped so it cannot leave the rule.
    fn style(css: &str) -> Markup {
        Self::dropzone().style(css)
    }
}
