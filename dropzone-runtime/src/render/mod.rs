//! Page fragments: the counterparts of Flask-Dropzone's `load_css`, `load_js`, `create`,
//! `config` and `style`, rendered from a zone's [`Options`] plus per-request values.
//!
//! Every value is escaped for where it goes: attributes by maud (`& < > "`), script values as
//! script-safe JSON ([`escape::script_json`]), CSS with hex escapes ([`style`]).
//!
//! One init implementation ([`INIT_JS`]) starts the zones in both delivery modes: embedded in
//! the inline `config()` script by default, or served at [`init_script_url`] in strict CSP
//! mode (`strict_csp`), where the page has no inline script or style at all.

mod assets_tags;
mod escape;
mod script;
mod spec;
mod style;

pub use style::{style, style_with_nonce};

/// The request header that names the zone an upload comes from: every Dropzone XHR (each chunk
/// included) carries `X-Dropzone-Zone: <zone id>`, the zone's HTML `id`, so that one upload
/// route can serve several zones of a page.
pub const ZONE_HEADER: &str = "X-Dropzone-Zone";

/// The source of `init.js`, the ES5 script that starts every zone on a page (once, whatever
/// the order of the scripts; defines no global). Default mode embeds it in each zone's inline
/// script; strict CSP mode loads it from [`init_script_url`], which the assets router serves
/// with `Content-Type: text/javascript`.
pub const INIT_JS: &str = include_str!("../../assets/dropzone-rs/init.js");

/// Where strict CSP pages load [`INIT_JS`] from:
/// `/dropzone/static/dropzone-rs/<crate version>/init.js` under [`crate::assets::MOUNT`]. The
/// version in the path changes with every release, so the file can be cached as immutable.
pub fn init_script_url() -> String {
    format!(
        "{}/dropzone-rs/{}/init.js",
        crate::assets::MOUNT,
        env!("CARGO_PKG_VERSION")
    )
}

use crate::options::Options;
use maud::{Markup, PreEscaped, Render, html};

/// One dropzone on one page: its validated options plus the values that change per request.
///
/// `dropzone!(…)` and [`crate::DropzoneConfig::dropzone`] return this. Rendering it inside
/// `maud::html!` gives the upload area followed by its configuration script.
#[derive(Clone, Debug)]
pub struct Dropzone {
    options: &'static Options,
    zone: &'static str,
    nonce: Option<String>,
    csrf_token: Option<String>,
    action: Option<String>,
    upload_action: Option<String>,
    redirect_url: Option<String>,
}

impl Dropzone {
    /// A zone with the given options and no per-request values.
    pub const fn new(options: &'static Options) -> Self {
        Dropzone::of_zone(options, options.id())
    }

    /// A zone rendered with `options` whose uploads belong to the zone type with id `zone`:
    /// `dropzone!(Photos, id = "second")` renders another element id, but its uploads are
    /// still `Upload<Photos>`'s, so the zone header names `Photos`.
    #[doc(hidden)]
    pub const fn of_zone(options: &'static Options, zone: &'static str) -> Self {
        Dropzone {
            options,
            zone,
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

    /// The zone its uploads belong to, sent as the [`ZONE_HEADER`] and checked by the upload
    /// extractor: the id of the declaring type, which `dropzone!(Type, id = …)` keeps even
    /// though the element gets the new id.
    pub const fn zone(&self) -> &'static str {
        self.zone
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

    /// The nonce attribute value; an empty nonce means none, as in Flask-Dropzone.
    fn nonce_attr(&self) -> Option<&str> {
        self.nonce.as_deref().filter(|n| !n.is_empty())
    }

    /// The Dropzone.js stylesheet `<link>`.
    ///
    /// From jsDelivr by default, with `integrity` and `crossorigin="anonymous"` when the
    /// version is one whose files this crate embeds; from [`crate::assets::MOUNT`] with
    /// `serve_local`; or the configured `css_url`.
    pub fn load_css(&self) -> Markup {
        let o = self.options;
        assets_tags::load_css(&o.version(), &o.assets(), self.nonce_attr())
    }

    /// The Dropzone.js `<script src>` (same sources and SRI rule as [`Dropzone::load_css`]).
    pub fn load_js(&self) -> Markup {
        let o = self.options;
        assets_tags::load_js(&o.version(), &o.assets(), self.nonce_attr())
    }

    /// The upload area.
    ///
    /// `<form action="…" method="post" class="dropzone" id="…" enctype="multipart/form-data">`,
    /// or in in-form mode `<div class="dropzone" id="…">` with the configured id. In strict CSP
    /// mode it also carries the zone's options as JSON in a `data-dropzone` attribute, which
    /// the init script reads; the per-request values (CSRF token, URLs) are taken now.
    pub fn create(&self) -> Markup {
        let o = self.options;
        let spec = o.strict_csp().then(|| self.spec_json());
        if o.in_form() {
            return html! { div class="dropzone" id=(o.id()) data-dropzone=[spec] {} };
        }
        let action = self.action.as_deref().unwrap_or(o.action());
        html! {
            form action=(action) method="post" class="dropzone" id=(o.id())
                enctype="multipart/form-data" data-dropzone=[spec] {}
        }
    }

    /// The configuration `<script>`.
    ///
    /// By default an inline script holding [`INIT_JS`] and this zone's options: it starts the
    /// zone with `new Dropzone(…)` once the library and the element exist, and sets
    /// `Dropzone.options[<camelized id>] = false` so that 5.x auto-discovery leaves the element
    /// alone; it therefore works with 5.x and 6.x, wherever [`Dropzone::load_js`] is placed,
    /// defines no globals, and several zones can share a page. `custom_init` and
    /// `custom_options` run in strict mode; inside `custom_init`, `this` and `dz` are the zone.
    ///
    /// In strict CSP mode: `<script src="{init_script_url()}" defer>`, no inline code (the
    /// options are on the element, see [`Dropzone::create`]). The page then works under
    /// `Content-Security-Policy: default-src 'self'` with no nonce; one such tag per page is
    /// enough, repeating it is harmless. `custom_init`/`custom_options` are never emitted
    /// there (the macros reject them with `strict_csp`), and image thumbnails are off unless
    /// an extra option turns them on: they are `data:` URLs, which `img-src 'self'` blocks.
    pub fn config(&self) -> Markup {
        if self.options.strict_csp() {
            return html! { script src=(init_script_url()) defer nonce=[self.nonce_attr()] {} };
        }
        html! { script nonce=[self.nonce_attr()] { (PreEscaped(self.config_script())) } }
    }

    /// A `<style>` block for this zone: `.dropzone#<id>{<css>}`, escaped as [`style()`] is.
    ///
    /// In strict CSP mode an inline `<style>` is only allowed with a nonce: the block is
    /// emitted when [`Dropzone::nonce`] is set and is empty markup otherwise. Strict pages
    /// without a nonce style their zones from their own stylesheet (`.dropzone#<id> { … }`).
    pub fn style(&self, css: &str) -> Markup {
        let nonce = self.nonce_attr();
        if self.options.strict_csp() && nonce.is_none() {
            return html! {};
        }
        style::style_rule(Some(self.options.id()), css, nonce)
    }
}

impl Render for Dropzone {
    fn render_to(&self, buffer: &mut String) {
        self.create().render_to(buffer);
        self.config().render_to(buffer);
    }
}
