//! A zone's page fragments, built once: everything but the per-request values.
//!
//! A zone's element, spec JSON and scripts depend on its [`Options`] and, per request, only on
//! the nonce, the CSRF token and the URL overrides. [`Built`] holds the rest as literal text
//! with [`Hole`]s where those go, escaped for its context once; rendering a fragment then
//! copies the literals and escapes only the few per-request strings.
//!
//! `#[derive(DropzoneConfig)]` and `dropzone!` emit a `static` [`Page`] per zone, which builds
//! its [`Built`] on first use and keeps it for the life of the process. The macro does not
//! write the text itself: in `dropzone!(Zone, k = v)` it does not know `Zone`'s values, and a
//! second writer of the spec in the macro crate would be a second definition of the format
//! `init.js` reads. Built here from the same `Options`, both forms get the same text.

use super::escape::{push_attr, push_script_str};
use crate::options::Options;
use std::sync::OnceLock;

/// The per-request values a fragment leaves open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Hole {
    /// ` nonce="…"`, or nothing without a nonce.
    Nonce,
    /// The form's `action` attribute value.
    Action,
    /// The upload URL as a JSON string.
    Url,
    /// `"X-CSRF-Token":"…",` inside the headers object, when the zone sends one and a token
    /// is set.
    Csrf,
    /// `,"redirect":"…"` in the spec, when a redirect is configured or set per request.
    Redirect,
}

/// Where a template's text goes, which decides how a hole's value is escaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ctx {
    /// Inside an element's text or a `<script type="application/json">`.
    Text,
    /// Inside a double-quoted attribute value (the strict mode `data-dropzone`).
    Attr,
}

#[derive(Debug)]
enum Seg {
    Lit(Box<str>),
    Hole(Hole, Ctx),
}

/// Literal text with holes, in order.
#[derive(Debug, Default)]
pub(super) struct Template {
    segs: Vec<Seg>,
    /// The literal bytes, to size the output once.
    len: usize,
}

/// Writes a [`Template`]: literals are merged, holes kept.
#[derive(Default)]
pub(super) struct Writer {
    done: Template,
    cur: String,
    ctx: Option<Ctx>,
}

impl Writer {
    /// Literal text already escaped for where it goes.
    pub(super) fn raw(&mut self, s: &str) {
        self.cur.push_str(s);
    }

    /// Literal spec text: attribute-escaped when the writer is in [`Ctx::Attr`]. Spec text is
    /// script-safe JSON, so `"` is the only character an attribute needs escaped.
    pub(super) fn spec(&mut self, s: &str) {
        match self.ctx {
            Some(Ctx::Attr) => push_attr(&mut self.cur, s),
            _ => self.cur.push_str(s),
        }
    }

    /// Switches how spec text and holes are escaped from here on.
    pub(super) fn set_ctx(&mut self, ctx: Ctx) {
        self.ctx = Some(ctx);
    }

    pub(super) fn hole(&mut self, hole: Hole) {
        self.flush();
        let ctx = self.ctx.unwrap_or(Ctx::Text);
        self.done.segs.push(Seg::Hole(hole, ctx));
    }

    fn flush(&mut self) {
        if !self.cur.is_empty() {
            let lit = std::mem::take(&mut self.cur);
            self.done.len += lit.len();
            self.done.segs.push(Seg::Lit(lit.into_boxed_str()));
        }
    }

    pub(super) fn finish(mut self) -> Template {
        self.flush();
        self.done
    }
}

/// The per-request values, borrowed from the [`super::Dropzone`] being rendered.
pub(super) struct Values<'a> {
    pub(super) nonce: Option<&'a str>,
    pub(super) action: &'a str,
    pub(super) url: &'a str,
    pub(super) csrf: Option<&'a str>,
    pub(super) redirect: Option<&'a str>,
}

impl Template {
    pub(super) fn is_empty(&self) -> bool {
        self.segs.is_empty()
    }

    /// The bytes of its literal text (what it renders to without values in its holes).
    pub(super) fn literal_len(&self) -> usize {
        self.len
    }

    /// Appends the template with `v` in its holes, each escaped for its context.
    pub(super) fn render_to(&self, v: &Values<'_>, out: &mut String) {
        // Room for short per-request values (a nonce, a token) without a second allocation.
        out.reserve(self.len + 64);
        for seg in &self.segs {
            match seg {
                Seg::Lit(s) => out.push_str(s),
                Seg::Hole(hole, ctx) => fill(*hole, *ctx, v, out),
            }
        }
    }
}

/// One JSON string value in its context.
fn json_str(s: &str, ctx: Ctx, out: &mut String) {
    match ctx {
        Ctx::Text => push_script_str(out, s),
        Ctx::Attr => {
            let mut json = String::with_capacity(s.len() + 2);
            push_script_str(&mut json, s);
            push_attr(out, &json);
        }
    }
}

fn fill(hole: Hole, ctx: Ctx, v: &Values<'_>, out: &mut String) {
    // `"` in attribute context: the holes below write JSON punctuation too.
    let quote = if ctx == Ctx::Attr { "&quot;" } else { "\"" };
    match hole {
        Hole::Nonce => {
            if let Some(n) = v.nonce {
                out.push_str(" nonce=\"");
                push_attr(out, n);
                out.push('"');
            }
        }
        Hole::Action => push_attr(out, v.action),
        Hole::Url => json_str(v.url, ctx, out),
        Hole::Csrf => {
            if let Some(token) = v.csrf {
                out.push_str(quote);
                out.push_str("X-CSRF-Token");
                out.push_str(quote);
                out.push(':');
                json_str(token, ctx, out);
                out.push(',');
            }
        }
        Hole::Redirect => {
            if let Some(url) = v.redirect {
                out.push(',');
                out.push_str(quote);
                out.push_str("redirect");
                out.push_str(quote);
                out.push(':');
                json_str(url, ctx, out);
            }
        }
    }
}

/// Every fragment of one zone that does not depend on the request.
#[derive(Debug)]
pub(super) struct Built {
    /// `load_css()`.
    pub(super) load_css: Template,
    /// `load_js()`: the library and the init code.
    pub(super) load_js: Template,
    /// `style()` up to the declarations: `<style( nonce)?>.dropzone#<id>{`.
    pub(super) style_open: Template,
    /// `create()`: the element, with the spec on it in strict mode.
    pub(super) create: Template,
    /// `config()`: the spec in a data script, plus the custom code script if any; empty in
    /// strict mode, where the spec is on the element.
    pub(super) config: Template,
}

/// A zone's fragments, built on first use and then shared by every request.
///
/// The macros emit one `static` per zone; not public API.
#[derive(Debug)]
pub struct Page {
    pub(super) options: &'static Options,
    pub(super) zone: &'static str,
    pub(super) built: OnceLock<Built>,
}

impl Page {
    /// The page of a zone rendered with `options` whose uploads belong to the zone `zone`.
    pub const fn new(options: &'static Options, zone: &'static str) -> Self {
        Page {
            options,
            zone,
            built: OnceLock::new(),
        }
    }
}
