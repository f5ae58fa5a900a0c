//! `style`: a `<style>` rule for the zones, with the caller's declarations escaped.
//!
//! The rule: the id is written as an escaped CSS identifier and the declarations go through
//! [`css_declarations`], which hex-escapes `{ } < > \ " '`, the `/` of `/*` and control
//! characters (`\7b ` …). So the element body always holds exactly one rule, with exactly one
//! `{` and one `}`, and no `<`: the caller's text can neither leave the rule nor the element.
//! Ordinary declarations (`border: 2px dashed #0087F7; margin: 10%`) pass unchanged; quoted
//! strings and CSS escapes cannot be written.

use super::escape::{css_declarations, css_ident};
use maud::{Markup, PreEscaped, html};

/// The `<style>` element around one rule.
pub(super) fn style_rule(selector_id: Option<&str>, css: &str, nonce: Option<&str>) -> Markup {
    let mut rule = String::from(".dropzone");
    if let Some(id) = selector_id {
        rule.push('#');
        rule.push_str(&css_ident(id));
    }
    rule.push('{');
    rule.push_str(&css_declarations(css));
    rule.push('}');
    html! { style nonce=[nonce] { (PreEscaped(rule)) } }
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
    style_rule(None, css, None)
}

/// [`style()`] with a CSP nonce on the `<style>` element (an empty nonce means none), so that
/// every element this crate emits can carry one.
pub fn style_with_nonce(css: &str, nonce: &str) -> Markup {
    style_rule(None, css, Some(nonce).filter(|n| !n.is_empty()))
}
