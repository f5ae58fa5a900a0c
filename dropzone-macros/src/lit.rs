//! Reading one literal value: strings (a char literal is a one-character string), bools,
//! integers and numbers, with the suffix rule. Rust lexes `500KB`, `30s` and `5files` as
//! literals with a suffix; the value would silently lose its unit, so a suffix is refused with
//! the number rewritten in the option's unit.

use dropzone_core::table::Unit;
use syn::{Expr, Lit, UnOp};

/// A literal as written, without its meaning.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Literal {
    Str(String),
    Bool(bool),
    /// An integer literal: its digits (to read as the option needs) and suffix.
    Int(String, String),
    /// A float literal: its digits and suffix.
    Float(String, String),
    /// Anything else: a byte string, a C string, …
    Other,
}

/// The literal of `value`, with whether it was negated (`-1`); `None` for an expression.
pub(crate) fn literal(value: &Expr) -> Option<(bool, Literal)> {
    match value {
        Expr::Lit(l) => Some((false, of(&l.lit))),
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => match &*u.expr {
            Expr::Lit(l) => Some((true, of(&l.lit))),
            _ => None,
        },
        Expr::Group(g) => literal(&g.expr),
        _ => None,
    }
}

fn of(lit: &Lit) -> Literal {
    match lit {
        Lit::Str(s) => Literal::Str(s.value()),
        Lit::Char(c) => Literal::Str(c.value().to_string()),
        Lit::Bool(b) => Literal::Bool(b.value),
        Lit::Int(i) => Literal::Int(i.base10_digits().to_owned(), i.suffix().to_owned()),
        Lit::Float(f) => Literal::Float(f.base10_digits().to_owned(), f.suffix().to_owned()),
        _ => Literal::Other,
    }
}

/// The number of a numeric literal, ignoring its suffix (the caller refuses it).
pub(crate) fn number(digits: &str) -> Option<f64> {
    digits.parse::<f64>().ok()
}

/// How a size in MiB is written with `suffix`, as MiB; `None` for an unknown suffix.
fn mib_per(suffix: &str) -> Option<f64> {
    Some(match suffix {
        "B" | "b" | "bytes" => 1.0 / 1_048_576.0,
        // Dropzone.js's "MB" is a MiB; a KB is read as a thousandth of it, so `500KB` is `0.5`.
        "K" | "k" | "KB" | "kB" | "kb" => 0.001,
        "KiB" | "kib" => 1.0 / 1024.0,
        "M" | "m" | "MB" | "mb" | "MiB" | "mib" => 1.0,
        "G" | "g" | "GB" | "gb" => 1000.0,
        "GiB" | "gib" => 1024.0,
        _ => return None,
    })
}

/// How many milliseconds one `suffix` is.
fn ms_per(suffix: &str) -> Option<f64> {
    Some(match suffix {
        "ms" => 1.0,
        "s" | "sec" | "secs" | "seconds" => 1000.0,
        "m" | "min" | "mins" | "minutes" => 60_000.0,
        "h" | "hours" => 3_600_000.0,
        _ => return None,
    })
}

/// How many bytes one `suffix` is.
fn bytes_per(suffix: &str) -> Option<f64> {
    Some(match suffix {
        "B" | "b" | "bytes" => 1.0,
        "K" | "k" | "KB" | "kB" | "kb" => 1000.0,
        "KiB" | "kib" => 1024.0,
        "M" | "MB" | "mb" => 1_000_000.0,
        "MiB" | "mib" => 1_048_576.0,
        _ => return None,
    })
}

/// A number for a message: `0.5`, `30000`, never `3e4`.
pub(crate) fn show(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// The error for a number written with `suffix` for the option `name`, which counts `unit`
/// (`None`: a size in MiB).
pub(crate) fn suffix_error(name: &str, digits: &str, suffix: &str, unit: Option<Unit>) -> String {
    let n = number(digits).unwrap_or(0.0);
    let (what, factor) = match unit {
        None => ("in MiB", mib_per(suffix)),
        Some(Unit::Millis) => ("in milliseconds", ms_per(suffix)),
        Some(Unit::Bytes) => ("in bytes", bytes_per(suffix)),
        Some(Unit::Files) => ("a number of files", None),
        Some(Unit::Times) => ("a number of retries", None),
    };
    let fixed = show(n * factor.unwrap_or(1.0));
    format!(
        "`{name}` is {what}: write `{fixed}`; a literal suffix such as `{suffix}` is not read as a unit"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn literals_and_suffixes() {
        assert_eq!(
            literal(&parse_quote!('x')),
            Some((false, Literal::Str("x".into())))
        );
        assert_eq!(
            literal(&parse_quote!(500KB)),
            Some((false, Literal::Int("500".into(), "KB".into())))
        );
        assert_eq!(
            literal(&parse_quote!(-1.5)),
            Some((true, Literal::Float("1.5".into(), "".into())))
        );
        assert_eq!(literal(&parse_quote!(a + 1)), None);
        assert_eq!(literal(&parse_quote!(b"x")), Some((false, Literal::Other)));
    }

    #[test]
    fn suffix_errors_name_the_unit() {
        assert!(
            suffix_error("max_file_size", "500", "KB", None)
                .starts_with("`max_file_size` is in MiB: write `0.5`")
        );
        assert!(suffix_error("max_file_size", "3", "MB", None).contains("write `3`"));
        assert!(
            suffix_error("timeout", "30", "s", Some(Unit::Millis))
                .starts_with("`timeout` is in milliseconds: write `30000`")
        );
        assert!(
            suffix_error("max_files", "5", "files", Some(Unit::Files))
                .starts_with("`max_files` is a number of files: write `5`")
        );
        assert!(suffix_error("chunk_size", "2", "MiB", Some(Unit::Bytes)).contains("`2097152`"));
        assert_eq!(show(0.48828125), "0.488281");
    }
}
