//! Page fragments: the counterparts of Flask-Dropzone's `load_css`, `load_js`, `create`,
//! `config` and `style`, rendered from a zone's [`Options`] plus per-request values.
//!
//! Every value is escaped for where it goes: attributes as maud escapes them (`& < > "`),
//! script values as script-safe JSON ([`escape::script_json`]), CSS with hex escapes ([`style`]).
//!
//! A page carries the init code ([`INIT_JS`]) once, from [`Dropzone::load_js`]; each zone adds
//! only its element ([`Dropzone::create`]) and its data ([`Dropzone::config`]). Everything
//! but the per-request values is written once per zone and kept ([`page`]).

mod assets_tags;
mod escape;
mod init;
mod page;
mod script;
mod spec;
mod style;

pub use init::{INIT_JS, INIT_SCRIPT_URL, init_script_url};
pub use page::Page;
pub use style::{style, style_with_nonce};

/// The request header that names the zone an upload comes from: every Dropzone XHR (each chunk
/// included) carries `X-Dropzone-Zone: <zone id>`, the zone's HTML `id`, so that one upload
/// route can serve several zones of a page.
pub const ZONE_HEADER: &str = "X-Dropzone-Zone";

use crate::options::Options;
use maud::{Markup, PreEscaped, Render};
use page::{Built, Values};

/// One dropzone on one page: its validated options plus the values that change per request.
///
/// `dropzone!(…)` and [`crate::DropzoneConfig::dropzone`] return this. Rendering it inside
/// `maud::html!` gives the upload area followed by its configuration script.
#[derive(Clone, Debug)]
pub struct Dropzone {
    options: &'static Options,
    zone: &'static str,
    /// The zone's prebuilt fragments; `None` for a zone made with [`Dropzone::new`] from
    /// options of its own, which builds them on every render.
    page: Option<&'static Page>,
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
            page: None,
            nonce: None,
            csrf_token: None,
            action: None,
            upload_action: None,
            redirect_url: None,
        }
    }

    /// A zone whose fragments are built once, in `page`, and shared by every render (the
    /// macros emit one `static` [`Page`] per zone).
    #[doc(hidden)]
    pub const fn from_page(page: &'static Page) -> Self {
        let mut d = Dropzone::of_zone(page.options, page.zone);
        d.page = Some(page);
        d
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

    /// The URL uploads go to: the in-form `upload_action`, else the form's `action`, each
    /// replaceable per request.
    fn upload_url(&self) -> &str {
        let o = self.options;
        if o.in_form()
            && let Some(u) = self.upload_action.as_deref().or(o.upload_action())
        {
            return u;
        }
        self.action.as_deref().unwrap_or(o.action())
    }

    /// This request's values for the prebuilt fragments' holes.
    fn values(&self) -> Values<'_> {
        let o = self.options;
        Values {
            nonce: self.nonce_attr(),
            action: self.action.as_deref().unwrap_or(o.action()),
            url: self.upload_url(),
            csrf: self.csrf_token.as_deref().filter(|_| o.enable_csrf()),
            redirect: self.redirect_url.as_deref().or(o.redirect_url()),
        }
    }

    /// Runs `f` with the zone's prebuilt fragments: the shared ones of its [`Page`], built on
    /// first use, or ones built now for a zone without a page.
    fn with_built<R>(&self, f: impl FnOnce(&Built) -> R) -> R {
        match self.page {
            Some(p) => f(p.built.get_or_init(|| Built::new(p.options, p.zone))),
            None => f(&Built::new(self.options, self.zone)),
        }
    }

    /// The Dropzone.js stylesheet `<link>`.
    ///
    /// From [`crate::assets::MOUNT`] by default (`serve_local`, the embedded copies); from
    /// jsDelivr with `serve_local = false`, with `integrity` and `crossorigin="anonymous"`
    /// when the version is one whose files this crate embeds; or the configured `css_url`.
    pub fn load_css(&self) -> Markup {
        let mut out = String::new();
        let v = self.values();
        self.with_built(|b| b.load_css.render_to(&v, &mut out));
        PreEscaped(out)
    }

    /// The Dropzone.js `<script src>` (same sources and SRI rule as [`Dropzone::load_css`]),
    /// followed by the init code that starts every zone of the page ([`INIT_JS`]).
    ///
    /// With local assets (the default) or in strict CSP mode the init code is
    /// `<script src="{INIT_SCRIPT_URL}" defer>`, a versioned, content-hashed file that the
    /// assets router serves as immutable; when the library comes from jsDelivr or your own
    /// URL, it is one inline `<script>`, so the page needs nothing from the assets router.
    /// Emit it once per page, before or after the zones; every zone on the page (whichever
    /// type declared it) is started by it. Emitting it twice is harmless.
    pub fn load_js(&self) -> Markup {
        let mut out = String::new();
        let v = self.values();
        self.with_built(|b| b.load_js.render_to(&v, &mut out));
        PreEscaped(out)
    }

    /// The upload area.
    ///
    /// `<form action="…" method="post" class="dropzone" id="…" enctype="multipart/form-data">`,
    /// or in in-form mode `<div class="dropzone" id="…">` with the configured id. In strict CSP
    /// mode it also carries the zone's options as JSON in a `data-dropzone` attribute, which
    /// the init script reads; the per-request values (CSRF token, URLs) are taken now.
    pub fn create(&self) -> Markup {
        let mut out = String::new();
        self.create_to(&mut out);
        PreEscaped(out)
    }

    fn create_to(&self, out: &mut String) {
        let v = self.values();
        self.with_built(|b| b.create.render_to(&v, out));
    }

    /// The zone's data: its options as JSON in a data block, which the init code from
    /// [`Dropzone::load_js`] reads. No code of its own: a few hundred bytes per zone.
    ///
    /// `<script type="application/json" data-dropzone-rs="<id>">{"v":1,"options":{…}}</script>`.
    /// The init code starts the zone with `new Dropzone(…)` once the library and the element
    /// exist, and keeps 5.x auto-discovery off the element (its `Dropzone.options` entry is
    /// `false`); so it works with 5.x and 6.x, wherever [`Dropzone::load_js`] is placed,
    /// defines no globals, and several zones can share a page. A zone with `custom_init` or
    /// `custom_options` also gets a small inline script after the data block holding that code;
    /// it runs in strict mode, and inside `custom_init`, `this` and `dz` are the zone.
    ///
    /// In strict CSP mode this is empty markup: the options are on the element (see
    /// [`Dropzone::create`]), and the page then works under
    /// `Content-Security-Policy: default-src 'self'` with no nonce. `custom_init`/`custom_options`
    /// are never emitted there (the macros reject them with `strict_csp`), and image thumbnails
    /// are off unless an extra option turns them on: they are `data:` URLs, which
    /// `img-src 'self'` blocks.
    pub fn config(&self) -> Markup {
        let mut out = String::new();
        self.config_to(&mut out);
        PreEscaped(out)
    }

    fn config_to(&self, out: &mut String) {
        let v = self.values();
        self.with_built(|b| {
            if !b.config.is_empty() {
                b.config.render_to(&v, out);
            }
        });
    }

    /// A `<style>` block for this zone: `.dropzone#<id>{<css>}`, escaped as [`style()`] is.
    ///
    /// In strict CSP mode an inline `<style>` is only allowed with a nonce: the block is
    /// emitted when [`Dropzone::nonce`] is set and is empty markup otherwise. Strict pages
    /// without a nonce style their zones from their own stylesheet (`.dropzone#<id> { … }`).
    pub fn style(&self, css: &str) -> Markup {
        if self.options.strict_csp() && self.nonce_attr().is_none() {
            return PreEscaped(String::new());
        }
        let mut out = String::new();
        let v = self.values();
        self.with_built(|b| {
            // One allocation for the whole element, whatever the nonce and declarations.
            out.reserve(b.style_open.literal_len() + css.len() + 48);
            b.style_open.render_to(&v, &mut out);
        });
        style::push_style_close(&mut out, css);
        PreEscaped(out)
    }
}

impl Render for Dropzone {
    fn render_to(&self, buffer: &mut String) {
        self.create_to(buffer);
        self.config_to(buffer);
    }
}
