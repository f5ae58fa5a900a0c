//! The typed model, as thiserror's `Attrs` and serde's `Attr<T>`: every key is resolved once,
//! here, into a typed field that keeps the key and value tokens for error spans. Validation and
//! expansion read the fields; no other file looks an option up by name.
//!
//! Single-option rules (types, ranges, suffixes, ids, placeholders, accept lists) run while
//! the value is read; rules between options are `valid.rs`'s.

use crate::attr::parse::{Entry, RawEntry, RawList};
use crate::ctxt::Ctxt;
use crate::extra::{self, ExtraSetting};
use crate::lit::{self, Literal};
use crate::model::check;
use crate::suggest;
use dropzone_core::Options;
use dropzone_core::accept::{self, Accepted};
use dropzone_core::table::{self, Kind, OptionDef};
use proc_macro2::TokenStream;
use quote::ToTokens;
use std::collections::BTreeSet;
use syn::{Expr, Ident};

/// One option as the user wrote it.
pub(crate) struct Attr<T> {
    /// The key as written (maybe an alias): errors about the option point here.
    pub(crate) key: Ident,
    /// The value's tokens: errors about the value point here.
    pub(crate) tokens: TokenStream,
    pub(crate) value: T,
}

/// The `extra(...)` lists, merged.
pub(crate) struct ExtraList {
    /// The first `extra` key.
    pub(crate) key: Ident,
    /// The valid entries of every list, in order.
    pub(crate) entries: Vec<ExtraSetting>,
}

/// A value read as its option's kind.
enum Val {
    Str(String),
    Bool(bool),
    Int(u64),
    Num(f64),
}

/// The field type a [`Val`] of the right kind becomes.
trait FromVal: Sized {
    fn from_val(v: Val) -> Option<Self>;
}

impl FromVal for String {
    fn from_val(v: Val) -> Option<Self> {
        match v {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl FromVal for bool {
    fn from_val(v: Val) -> Option<Self> {
        match v {
            Val::Bool(b) => Some(b),
            _ => None,
        }
    }
}

impl FromVal for u64 {
    fn from_val(v: Val) -> Option<Self> {
        match v {
            Val::Int(n) => Some(n),
            _ => None,
        }
    }
}

impl FromVal for f64 {
    fn from_val(v: Val) -> Option<Self> {
        match v {
            Val::Num(n) => Some(n),
            _ => None,
        }
    }
}

/// Declares [`Attrs`] with one field per option and the one `match` that resolves a canonical
/// name to its field. A test checks that every table option has a field.
macro_rules! attrs {
    ($($name:ident: $t:ty $(=> $with:ident($conv:ident))?,)*) => {
        /// Every option given, typed.
        #[derive(Default)]
        pub(crate) struct Attrs {
            $(pub(crate) $name: Option<Attr<$t>>,)*
            pub(crate) extra: Option<ExtraList>,
            /// The resolved file types (`None` in the override form, or after an error).
            pub(crate) accepted: Option<Accepted>,
            /// Options given with a value that failed its own check: rules about them stay
            /// quiet, so a wrong value is reported once, not again as "missing".
            pub(crate) invalid: BTreeSet<&'static str>,
            /// The canonical names of the valid options given (and `extra`), as written.
            pub(crate) given: Vec<&'static str>,
        }

        impl Attrs {
            fn store(&mut self, def: &OptionDef, key: Ident, tokens: TokenStream, val: Val) {
                match def.name {
                    $(stringify!($name) => {
                        let value = <$t>::from_val(val).expect("read as the option's kind");
                        self.$name = Some(Attr { key, tokens, value });
                    })*
                    other => unreachable!("option `{other}` has no field"),
                }
            }

            /// The key the user wrote for the option `name` (`"extra"` included).
            pub(crate) fn key(&self, name: &str) -> Option<&Ident> {
                match name {
                    $(stringify!($name) => self.$name.as_ref().map(|a| &a.key),)*
                    "extra" => self.extra.as_ref().map(|e| &e.key),
                    _ => None,
                }
            }

            /// `o` with every option given that maps to one `Options` field of its own (the
            /// `=> with_field(conversion)` lines) set; `model/options.rs` does the others.
            pub(crate) fn apply_plain(&self, mut o: Options) -> Options {
                $($(
                    if let Some(a) = &self.$name {
                        o = o.$with(conv::$conv(&a.value));
                    }
                )?)*
                o
            }

            #[cfg(test)]
            fn fields() -> &'static [&'static str] {
                &[$(stringify!($name)),*]
            }
        }
    };
}

// `name: Type` for every option, `=> with_field(conversion)` for those that set one `Options`
// field of their own: adding such an option is one line here.
attrs! {
    id: String,
    action: String => with_action(text),
    version: String,
    serve_local: bool,
    js_url: String,
    css_url: String,
    max_file_size: f64 => with_max_file_size(number),
    input_name: String => with_input_name(text),
    allowed_file_custom: bool,
    allowed_file_type: String,
    max_files: u64 => with_max_files(some_count),
    timeout: u64 => with_timeout(some_int),
    redirect_url: String => with_redirect_url(some_text),
    upload_multiple: bool => with_upload_multiple(flag),
    parallel_uploads: u64 => with_parallel_uploads(count),
    enable_csrf: bool => with_enable_csrf(flag),
    upload_action: String => with_upload_action(some_text),
    upload_on_click: bool => with_upload_on_click(flag),
    upload_btn_id: String => with_upload_btn_id(text),
    in_form: bool => with_in_form(flag),
    chunking: bool,
    force_chunking: bool,
    chunk_size: u64,
    parallel_chunk_uploads: bool,
    retry_chunks: bool,
    retry_chunks_limit: u64,
    default_message: String,
    invalid_file_type: String,
    file_too_big: String,
    server_error: String,
    browser_unsupported: String,
    max_file_exceed: String,
    cancel_upload: String,
    remove_file: String,
    cancel_confirmation: String,
    upload_canceled: String,
    strict_csp: bool => with_strict_csp(flag),
    custom_init: String => with_custom_init(some_text),
    custom_options: String => with_custom_options(some_text),
}

/// A bool option's value; absent means `false` (every bool option defaults to false).
pub(crate) fn flag(a: &Option<Attr<bool>>) -> bool {
    a.as_ref().is_some_and(|a| a.value)
}

/// The conversions of `attrs!`, from a typed value to its `Options` field.
mod conv {
    /// `s` as `&'static str`. `Options` holds only static data because the expansion writes
    /// it as a `const`; the macro process builds a handful per expansion and exits, so the
    /// leak is a few bytes that live as long as the process would anyway.
    pub(crate) fn text(s: &str) -> &'static str {
        Box::leak(s.to_owned().into_boxed_str())
    }
    pub(crate) fn some_text(s: &str) -> Option<&'static str> {
        Some(text(s))
    }
    pub(crate) fn flag(b: &bool) -> bool {
        *b
    }
    pub(crate) fn number(n: &f64) -> f64 {
        *n
    }
    /// The table bounds every count far below `u32::MAX`.
    pub(crate) fn count(n: &u64) -> u32 {
        u32::try_from(*n).expect("bounded by the table")
    }
    pub(crate) fn some_count(n: &u64) -> Option<u32> {
        Some(count(n))
    }
    pub(crate) fn some_int(n: &u64) -> Option<u64> {
        Some(*n)
    }
}

pub(crate) use conv::text as leak;

impl Attrs {
    /// Whether any of `names` was given with an invalid value.
    pub(crate) fn is_invalid(&self, names: &[&str]) -> bool {
        names.iter().any(|n| self.invalid.contains(n))
    }
}

/// Builds the model, recording every problem in `cx`. `full` is false in the override form
/// `dropzone!(Zone, ...)`, where the file types are not resolved (they are server rules,
/// which may not be overridden at all).
pub(crate) fn build(cx: &Ctxt, entries: Vec<Entry>, full: bool) -> Attrs {
    let mut a = Attrs::default();
    let mut seen: Vec<(&'static str, Ident)> = Vec::new();
    for entry in entries {
        let RawEntry { key, value } = match entry {
            Entry::Pair(pair) => pair,
            Entry::List(list) => {
                extras(cx, &mut a, list);
                continue;
            }
        };
        let name = key.to_string();
        if name == "extra" {
            cx.error_at(
                key.span(),
                "`extra` takes a list of Dropzone.js options: write `extra(add_remove_links = true, ...)`",
            );
            continue;
        }
        let Some(def) = table::lookup(&name) else {
            cx.error_at(key.span(), suggest::unknown_option(&name));
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == def.name) {
            let msg = if *first == key {
                format!("duplicate option `{name}`: give it once")
            } else {
                format!("`{name}` and `{first}` are two names for one option: give it once")
            };
            cx.error_at(key.span(), msg);
            continue;
        }
        seen.push((def.name, key.clone()));
        match read(def, &value) {
            Ok(val) => {
                a.given.push(def.name);
                a.store(def, key, value.to_token_stream(), val);
            }
            Err(msg) => {
                cx.error_spanned_by(&value, msg);
                a.invalid.insert(def.name);
            }
        }
    }
    if full {
        file_types(cx, &mut a);
    }
    a
}

/// Checks one `key(...)` list: only `extra(...)` exists.
fn extras(cx: &Ctxt, a: &mut Attrs, list: RawList) {
    let name = list.key.to_string();
    if name != "extra" {
        let msg = match table::lookup(&name) {
            Some(def) => format!(
                "`{name}` takes a value, not a list: write `{name} = {}`",
                def.example
            ),
            None if dropzone_core::suggest::closest(&name, ["extra"]).is_some() => {
                format!("unknown option list `{name}(...)`; did you mean `extra(...)`?")
            }
            None => format!(
                "unknown option list `{name}(...)`; only `extra(...)` takes a list, other options are written `key = value`"
            ),
        };
        cx.error_at(list.key.span(), msg);
        return;
    }
    if a.extra.is_none() {
        a.given.push("extra");
    }
    let out = a.extra.get_or_insert_with(|| ExtraList {
        key: list.key,
        entries: Vec::new(),
    });
    for RawEntry { key, value } in list.entries {
        let name = key.to_string();
        let Some(def) = dropzone_core::extra::lookup(&name) else {
            cx.error_at(key.span(), extra::refusal(&name));
            continue;
        };
        if out.entries.iter().any(|e| e.def.name == def.name) {
            cx.error_at(
                key.span(),
                format!("duplicate extra option `{name}`: give it once"),
            );
            continue;
        }
        match extra::json_value(def, &value) {
            Ok(json) => out.entries.push(ExtraSetting { def, key, json }),
            Err(msg) => cx.error_spanned_by(&value, msg),
        }
    }
}

/// Reads the literal as the option's kind and runs its single-option check.
fn read(def: &OptionDef, value: &Expr) -> Result<Val, String> {
    let val = typed(def, value)?;
    if let Val::Str(s) = &val
        && let Some(problem) = check::string(def, s)
    {
        return Err(problem);
    }
    Ok(val)
}

/// The message for a value of the wrong type.
fn wrong(def: &OptionDef, lit: Option<&Literal>) -> String {
    let mut m = match (def.kind, lit) {
        (Kind::Bool, Some(Literal::Str(s))) if s == "true" || s == "false" => format!(
            "`{0}` expects `true` or `false`: write `{0} = {s}` without quotes",
            def.name
        ),
        (Kind::Bool, _) => format!("`{}` expects `true` or `false`", def.name),
        _ => format!(
            "`{}` expects {} such as `{}`",
            def.name,
            def.kind.expects(),
            def.example
        ),
    };
    if lit.is_none() {
        m.push_str(
            "; values must be literals: the macro checks them while compiling, so constants and expressions are not supported",
        );
    }
    m
}

fn typed(def: &OptionDef, value: &Expr) -> Result<Val, String> {
    let Some((negative, lit)) = lit::literal(value) else {
        return Err(wrong(def, None));
    };
    let name = def.name;
    match (def.kind, &lit) {
        (Kind::Bool, Literal::Bool(b)) if !negative => Ok(Val::Bool(*b)),
        (Kind::Int { unit, .. }, Literal::Int(d, suffix) | Literal::Float(d, suffix))
            if !suffix.is_empty() =>
        {
            Err(lit::suffix_error(name, d, suffix, Some(unit)))
        }
        (Kind::Int { min, .. }, Literal::Int(..)) if negative => Err(if min == 0 {
            format!("`{name}` cannot be negative; `0` means no timeout")
        } else {
            format!("`{name}` must be at least 1")
        }),
        (Kind::Int { min, max, .. }, Literal::Int(d, _)) => match d.parse::<u64>() {
            Ok(n) if n >= min && n <= max => Ok(Val::Int(n)),
            Ok(0) => Err(format!(
                "`{name}` must be at least 1, such as `{}`",
                def.example
            )),
            _ => Err(format!("`{name}` must be at most {max}")),
        },
        (Kind::Size { .. }, Literal::Int(d, suffix) | Literal::Float(d, suffix))
            if !suffix.is_empty() =>
        {
            Err(lit::suffix_error(name, d, suffix, None))
        }
        (Kind::Size { max }, Literal::Int(d, _) | Literal::Float(d, _)) => match lit::number(d) {
            Some(n) if n.is_finite() && n > 0.0 && !negative && n <= max => Ok(Val::Num(n)),
            Some(n) if n > max && !negative => Err(format!(
                "`{name}` must be at most {} (MiB, that is 1 TiB), so that every byte count derived from it stays exact",
                lit::show(max)
            )),
            _ => Err(format!(
                "`{name}` must be a size in MiB greater than 0, such as `3` or `0.5`"
            )),
        },
        (Kind::Bool | Kind::Int { .. } | Kind::Size { .. }, _) => Err(wrong(def, Some(&lit))),
        (_, Literal::Str(s)) if !negative => Ok(Val::Str(s.clone())),
        _ => Err(wrong(def, Some(&lit))),
    }
}

/// Resolves `allowed_file_type` with `allowed_file_custom`.
fn file_types(cx: &Ctxt, a: &mut Attrs) {
    if a.is_invalid(&["allowed_file_type", "allowed_file_custom"]) {
        return;
    }
    let custom = flag(&a.allowed_file_custom);
    if let (Some(c), None) = (&a.allowed_file_custom, &a.allowed_file_type)
        && custom
    {
        cx.error_at(
            c.key.span(),
            "`allowed_file_custom = true` needs a list: add `allowed_file_type = \"image/*, .pdf\"`",
        );
        a.invalid.insert("allowed_file_custom");
        return;
    }
    let ty = a.allowed_file_type.as_ref();
    match accept::parse(custom, ty.map(|t| t.value.as_str())) {
        Ok(accepted) => a.accepted = Some(accepted),
        Err(messages) => {
            let tokens = &ty.expect("presets resolve without errors").tokens;
            for m in messages {
                cx.error_spanned_by(tokens, m);
            }
            a.invalid.insert("allowed_file_type");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::parse::macro_input;
    use quote::quote;

    fn run(tokens: TokenStream) -> (Attrs, Vec<String>) {
        let cx = Ctxt::new();
        let a = build(&cx, macro_input(tokens).unwrap().entries, true);
        let errs = match cx.check() {
            Ok(()) => vec![],
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        };
        (a, errs)
    }

    #[test]
    fn every_option_has_a_field() {
        let names: Vec<_> = table::OPTIONS.iter().map(|o| o.name).collect();
        assert_eq!(names, Attrs::fields());
    }

    #[test]
    fn typed_values() {
        let (a, errs) = run(quote!(
            id = 'a',
            max_file_size = 0.5,
            max_files = 3,
            serve_local = true,
            timeout = 0
        ));
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(a.id.unwrap().value, "a");
        assert_eq!(a.max_file_size.unwrap().value, 0.5);
        assert_eq!(a.max_files.unwrap().value, 3);
        assert_eq!(a.timeout.unwrap().value, 0);
        assert!(flag(&a.serve_local));
        assert_eq!(a.accepted.unwrap().rules.len(), 5);
    }

    #[test]
    fn suffixes_and_bounds() {
        let (_, errs) = run(quote!(
            max_file_size = 500KB,
            timeout = 30s,
            max_files = 5files,
            parallel_uploads = 1001,
        ));
        assert_eq!(errs.len(), 4, "{errs:#?}");
        assert!(errs[0].starts_with("`max_file_size` is in MiB: write `0.5`"));
        assert!(errs[1].starts_with("`timeout` is in milliseconds: write `30000`"));
        assert!(errs[2].starts_with("`max_files` is a number of files: write `5`"));
        assert_eq!(errs[3], "`parallel_uploads` must be at most 1000");
        let (_, errs) = run(quote!(max_file_size = 1e30, timeout = 2147483648));
        assert!(errs[0].starts_with("`max_file_size` must be at most 1048576"));
        assert_eq!(errs[1], "`timeout` must be at most 2147483647");
    }

    #[test]
    fn every_error_is_reported() {
        let (a, errs) = run(quote!(
            max_file_sise = 3,
            max_files = 0,
            max_file_size = -1,
            parallel_uploads = "2",
            timeout = -5,
            id = "a b",
            input_name = "file[]",
            version = "7.0.0",
            max_files = 1,
            enable_csrf = yes,
            redirect_url = "/a",
            redirect_view = "/b",
        ));
        assert_eq!(errs.len(), 11, "{errs:#?}");
        assert_eq!(
            errs[0],
            "unknown option `max_file_sise`; did you mean `max_file_size`?"
        );
        assert_eq!(errs[1], "`max_files` must be at least 1, such as `30`");
        assert!(errs[3].starts_with("`parallel_uploads` expects an integer such as `2`"));
        assert_eq!(
            errs[4],
            "`timeout` cannot be negative; `0` means no timeout"
        );
        assert!(errs[5].contains("write `\"a-b\"`"));
        assert!(errs[6].contains("write `\"file\"`"));
        assert!(errs[7].contains("5.x or 6.x"));
        assert_eq!(errs[8], "duplicate option `max_files`: give it once");
        assert!(errs[9].contains("constants and expressions are not supported"));
        assert_eq!(
            errs[10],
            "`redirect_view` and `redirect_url` are two names for one option: give it once"
        );
        assert!(a.is_invalid(&["max_files"]));
        assert!(a.max_files.is_none());
    }
}
