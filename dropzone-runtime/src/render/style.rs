//! `style`: a `<style>` rule for the zones, with the caller's declarations escaped.
//!
//! The rule: the id is written as an escaped CSS identifier and the declarations go through
//! [`css_declarations`], which hex-escapes `{ } < > \ " '`, the `/` of `/*` and control
//! characters (`\7b ` …). So the element body always holds exactly one rule, with exactly one
//! `{` and one `}`, and no `<`: the caller's text can neither leave the rule nor the element.
//! Ordinary declarations (`border: 2px dashed #0087F7; margin: 10%`) pass unchanged; quoted
//! strings and CSS escapes cannot be written.

use super::escape::{css_ident, push_attr, push_css_declarations};
use super::page::{Hole, Writer};
use maud::{Markup, PreEscaped};

/// `<style( nonce="…")?>.dropzone(#<id>)?{`: the element and rule up to the declarations.
pub(super) fn write_style_open(selector_id: Option<&str>, w: &mut Writer) {
    w.raw("<style");
    w.hole(Hole::Nonce);
    w.raw(">.dropzone");
    if let Some(id) = selector_id {
        w.raw("#");
        w.raw(&css_ident(id));
    }
    w.raw("{");
}

/// The rule's declarations and the element's end, after [`write_style_open`]'s text.
pub(super) fn push_style_close(out: &mut String, css: &str) {
    push_css_declarations(out, css);
    out.push_str("}</style>");
}

/// The `<style>` element around one rule.
fn style_rule(css: &str, nonce: Option<&str>) -> Markup {
    let mut out = String::with_capacity(css.len() + 32);
    out.push_str("<style");
    if let Some(n) = nonce {
        out.push_str(" nonce=\"");
        push_attr(&mut out, n);
        out.push('"');
    }
    out.push_str(">.dropzone{");
    push_style_close(&mut out, css);
    PreEscaped(out)
}

/// A `<style>` rule for every `.dropzone` on the page (Flask-Dropzone's `style(css)`).
///
/// `css` is a list of declarations such as `"border: 2px dashed #0087F7; min-height: 400px"`.
/// `{ } < > \ " '`, `/*` and control characters are hex-escaped so the text cannot leave the
/// rule or the `<style>` element; quoted strings are therefore unavailable. With a CSP nonce,
/// use [`style_with_nonce`] (or [`crate::Dropzone::style`] for one zone). Strict CSP pages
/// (`strict_csp`) allow no inline `<style>` without a nonce: style them from a stylesheet of
/// their own instead.
pub fn style(css: &str) -> Markup {
    style_rule(css, None)
}

/// [`style()`] with a CSP nonce on the `<style>` element (an empty nonce means none), so that
/// every element this crate emits can carry one.
pub fn style_with_nonce(css: &str, nonce: &str) -> Markup {
    style_rule(css, Some(nonce).filter(|n| !n.is_empty()))
}
