//! Page fragments: the counterparts of Flask-Dropzone's `load_css`, `load_js`, `create`,
//! `config` and `style`, rendered from a zone's [`Options`] plus per-request values.
//!
//! SKELETON: signatures are the contract the macros and examples build against; the bodies are
//! being written.

use crate::options::Options;
use maud::{Markup, Render};

/// One dropzone on one page: its validated options plus the values that change per request.
///
/// `dropzone!(…)` and [`crate::DropzoneConfig::dropzone`] return this. Rendering it inside
/// `maud::html!` gives the upload area followed by its configuration script.
#[derive(Clone, Debug)]
pub struct Dropzone {
    options: &'static Options,
    nonce: Option<String>,
    csrf_token: Option<String>,
    action: Option<String>,
    upload_action: Option<String>,
    redirect_url: Option<String>,
}

impl Dropzone {
    /// A zone with the given options and no per-request values.
    pub const fn new(options: &'static Options) -> Self {
        Dropzone {
            options,
            nonce: None,
            csrf_token: None,
            action: None,
            upload_action: None,
            redirect_url: None,
        }
    }

    /// The zone's validated options.
    pub const fn options(&self) -> &'static Options {
        self.options
    }

    /// Sets the CSP nonce put on every `<script>`, `<style>` and `<link>` this zone emits.
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// Sets the CSRF token sent with every upload (needs `enable_csrf`).
    pub fn csrf_token(mut self, token: impl Into<String>) -> Self {
        self.csrf_token = Some(token.into());
        self
    }

    /// Replaces the form's `action` URL for this request (e.g. with query parameters).
    pub fn action(mut self, url: impl Into<String>) -> Self {
        self.action = Some(url.into());
        self
    }

    /// Replaces the in-form upload URL (`upload_action`) for this request.
    pub fn upload_action(mut self, url: impl Into<String>) -> Self {
        self.upload_action = Some(url.into());
        self
    }

    /// Replaces the redirect target after a successful queue for this request.
    pub fn redirect_url(mut self, url: impl Into<String>) -> Self {
        self.redirect_url = Some(url.into());
        self
    }

    /// The Dropzone.js stylesheet `<link>`.
    pub fn load_css(&self) -> Markup {
        todo!("render")
    }

    /// The Dropzone.js `<script src>`.
    pub fn load_js(&self) -> Markup {
        todo!("render")
    }

    /// The upload area.
    pub fn create(&self) -> Markup {
        todo!("render")
    }

    /// The configuration `<script>`.
    pub fn config(&self) -> Markup {
        todo!("render")
    }

    /// A `<style>` block for this zone.
    pub fn style(&self, css: &str) -> Markup {
        let _ = css;
        todo!("render")
    }
}

impl Render for Dropzone {
    fn render_to(&self, buffer: &mut String) {
        self.create().render_to(buffer);
        self.config().render_to(buffer);
    }
}
