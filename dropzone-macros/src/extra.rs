//! `extra(add_remove_links = true, thumbnail_width = 200, clickable = ".btn")`: the values of
//! Dropzone.js options outside the main table, read against `dropzone_core::extra`'s table.
//!
//! They are page-only data: each value is checked against its Dropzone.js type here and
//! JSON-encoded at expansion time, so no code can reach the page through them. Names the main
//! table covers, names that would break the page or the server contract (`url`, `params`,
//! `headers`, `binary_body`, …) and functions or event handlers are refused with a pointed
//! message. The docs table in `docs/options.md` is generated from `EXTRAS` too.

use crate::lit::{self, Literal};
use dropzone_core::extra::{EVENTS, EXTRAS, ExtraDef, ExtraKind::*, FORBIDDEN, FUNCTIONS, lookup};
use dropzone_core::suggest;
use dropzone_core::table::{self, FOREIGN, snake_case};
use syn::{Expr, Ident};

/// One `extra(...)` option as the user wrote it, checked and JSON-encoded.
pub(crate) struct ExtraSetting {
    pub(crate) def: &'static ExtraDef,
    pub(crate) key: Ident,
    pub(crate) json: String,
}

/// Why `name` is not an extra option: the error message for a key `lookup` does not know.
pub(crate) fn refusal(name: &str) -> String {
    if let Some(o) = table::lookup(name) {
        return format!(
            "`{name}` is an option of its own: write `{} = …` outside `extra(...)`",
            o.name
        );
    }
    if let Some((_, opt)) = FOREIGN.iter().find(|(n, _)| *n == name) {
        return format!(
            "`{name}` is covered by the `{opt}` option: write `{opt} = …` outside `extra(...)`"
        );
    }
    if let Some((_, why)) = FORBIDDEN.iter().find(|(n, _)| *n == name) {
        return format!("`{name}` cannot be set in `extra(...)`: {why}");
    }
    if FUNCTIONS.contains(&name) {
        return format!(
            "`{name}` takes a function, and `extra(...)` carries data only: write it in `custom_options`"
        );
    }
    let flat = name.replace('_', "").to_ascii_lowercase();
    if let Some(event) = EVENTS.iter().find(|e| **e == flat) {
        return format!(
            "`{name}` is a Dropzone.js event, and setting it would replace Dropzone's own handler: add a listener with `this.on(\"{event}\", …)` in `custom_init`"
        );
    }
    let snaked = snake_case(name);
    if snaked != name
        && (lookup(&snaked).is_some() || table::lookup(&snaked).is_some() || is_known(&snaked))
    {
        return format!("`extra(...)` keys are snake_case: write `{snaked}`");
    }
    match suggest::closest(name, EXTRAS.iter().map(|d| d.name)) {
        Some(near) => {
            format!("unknown Dropzone.js option `{name}` in `extra(...)`; did you mean `{near}`?")
        }
        None => format!(
            "unknown Dropzone.js option `{name}` in `extra(...)`; the extra options are {}",
            suggest::list(EXTRAS.iter().map(|d| d.name))
        ),
    }
}

fn is_known(name: &str) -> bool {
    FOREIGN.iter().any(|(n, _)| *n == name)
        || FORBIDDEN.iter().any(|(n, _)| *n == name)
        || FUNCTIONS.contains(&name)
}

/// The value kind as prose, for wrong-value messages and the docs.
pub(crate) fn expects(d: &ExtraDef) -> String {
    let mut s = match d.kind {
        Bool => "`true` or `false`".to_owned(),
        Int { min } => format!("an integer ≥ {min}"),
        IntOneOf(v) => alternatives(v.iter().map(u64::to_string), false),
        Number { max } if max.is_finite() => format!("a number greater than 0 and at most {max}"),
        Number { .. } => "a number greater than 0".to_owned(),
        Text { .. } => "a string".to_owned(),
        Selector => "a CSS selector string".to_owned(),
        SelectorOrBool => "`true`, `false` or a CSS selector string".to_owned(),
        SelectorOrFalse => "`false` or a CSS selector string".to_owned(),
        OneOf(v) => alternatives(v.iter().map(|s| s.to_string()), true),
    };
    if d.nullable {
        s.push_str(", or `null`");
    }
    s
}

fn alternatives(items: impl Iterator<Item = String>, quoted: bool) -> String {
    let items: Vec<String> = items
        .map(|i| {
            if quoted {
                format!("`\"{i}\"`")
            } else {
                format!("`{i}`")
            }
        })
        .collect();
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => items.concat(),
    }
}

/// Checks `value` against `d` and returns it as JSON, or the error message.
pub(crate) fn json_value(d: &ExtraDef, value: &Expr) -> Result<String, String> {
    let wrong = || {
        format!(
            "`{}` in `extra(...)` expects {}, such as `{} = {}`",
            d.name,
            expects(d),
            d.name,
            d.example
        )
    };
    if is_null(value) {
        return if d.nullable {
            Ok("null".to_owned())
        } else {
            Err(format!(
                "`{}` cannot be `null`: it expects {}",
                d.name,
                expects(d)
            ))
        };
    }
    let Some((negative, lit)) = lit::literal(value) else {
        return Err(wrong() + "; values must be literals");
    };
    let str_or = |v: &str| -> Result<String, String> {
        match d.kind {
            Text { html } => Ok(json_string(&if html { html_text(v) } else { v.to_owned() })),
            Selector | SelectorOrBool | SelectorOrFalse if v.trim().is_empty() => Err(format!(
                "`{}` in `extra(...)` must be a non-empty CSS selector such as `{}`",
                d.name, d.example
            )),
            Selector | SelectorOrBool | SelectorOrFalse => Ok(json_string(v)),
            OneOf(allowed) if allowed.contains(&v) => Ok(json_string(v)),
            _ => Err(wrong()),
        }
    };
    match (d.kind, &lit) {
        (_, Literal::Int(_, suffix) | Literal::Float(_, suffix)) if !suffix.is_empty() => {
            Err(wrong() + &format!("; a literal suffix such as `{suffix}` is not read as a unit"))
        }
        (Bool | SelectorOrBool, Literal::Bool(b)) if !negative => Ok(b.to_string()),
        (SelectorOrFalse, Literal::Bool(false)) if !negative => Ok("false".to_owned()),
        (Int { min }, Literal::Int(n, _)) if !negative => match n.parse::<u64>() {
            // Beyond 2^53 a JavaScript number is no longer exact.
            Ok(n) if n >= min && n <= 1 << 53 => Ok(n.to_string()),
            _ => Err(wrong()),
        },
        (IntOneOf(allowed), Literal::Int(n, _)) if !negative => match n.parse::<u64>() {
            Ok(n) if allowed.contains(&n) => Ok(n.to_string()),
            _ => Err(wrong()),
        },
        (Number { max }, Literal::Int(n, _) | Literal::Float(n, _)) if !negative => {
            match lit::number(n) {
                Some(n) if n.is_finite() && n > 0.0 && n <= max => Ok(format!("{n}")),
                _ => Err(wrong()),
            }
        }
        (_, Literal::Str(s)) if !negative => str_or(s),
        _ => Err(wrong()),
    }
}

fn is_null(value: &Expr) -> bool {
    match value {
        Expr::Path(p) => p.qself.is_none() && p.path.is_ident("null"),
        Expr::Group(g) => is_null(&g.expr),
        _ => false,
    }
}

/// A JSON string literal of `s`.
pub(crate) fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `s` with the five HTML-special characters escaped, as the runtime escapes HTML messages.
pub(crate) fn html_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
#[path = "extra_tests.rs"]
mod tests;
