//! The model: raw entries resolved against the option table, each value typed and checked on
//! its own (single-option rules). Cross-option rules live in `valid.rs`.

use crate::attr::parse::{Entry, RawEntry, RawList};
use crate::ctxt::Ctxt;
use crate::extra::{self, ExtraDef};
use crate::filetypes::{self, Accepted};
use crate::model::check::{html_id, input_name, placeholders, raw_js, version};
use crate::suggest;
use crate::table::{self, Kind, OptionDef};
use proc_macro2::TokenStream;
use quote::ToTokens;
use std::collections::{BTreeMap, BTreeSet};
use syn::{Expr, Ident, Lit, UnOp};

/// A typed value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val {
    Str(String),
    Bool(bool),
    Int(u64),
    Num(f64),
}

/// One option as the user wrote it.
pub(crate) struct Setting {
    pub(crate) def: &'static OptionDef,
    /// The key as written (maybe an alias): errors about the option point here.
    pub(crate) key: Ident,
    /// The value's tokens: errors about the value point here.
    pub(crate) tokens: TokenStream,
    pub(crate) val: Val,
}

/// One `extra(...)` option as the user wrote it, checked and JSON-encoded.
pub(crate) struct ExtraSetting {
    pub(crate) def: &'static ExtraDef,
    pub(crate) key: Ident,
    pub(crate) json: String,
}

/// Every option given, by canonical name.
#[derive(Default)]
pub(crate) struct Settings {
    pub(crate) given: BTreeMap<&'static str, Setting>,
    /// The canonical names of `given`, in the order they were written.
    pub(crate) order: Vec<&'static str>,
    /// Options given with a value that failed its own check: rules about them stay quiet, so a
    /// wrong value is reported once, not again as "missing".
    pub(crate) invalid: BTreeSet<&'static str>,
    /// The resolved file types (`None` after an error).
    pub(crate) accepted: Option<Accepted>,
    /// The first `extra` key, if any `extra(...)` list was written (even an empty one).
    pub(crate) extra_key: Option<Ident>,
    /// The valid entries of every `extra(...)` list, in order.
    pub(crate) extra: Vec<ExtraSetting>,
}

impl Settings {
    pub(crate) fn get(&self, name: &str) -> Option<&Setting> {
        self.given.get(name)
    }
    pub(crate) fn str(&self, name: &str) -> Option<&str> {
        match self.get(name).map(|s| &s.val) {
            Some(Val::Str(s)) => Some(s),
            _ => None,
        }
    }
    /// A bool option's value; absent means `false` (every bool option defaults to false).
    pub(crate) fn flag(&self, name: &str) -> bool {
        matches!(self.get(name).map(|s| &s.val), Some(Val::Bool(true)))
    }
    pub(crate) fn is_invalid(&self, names: &[&str]) -> bool {
        names.iter().any(|n| self.invalid.contains(n))
    }
}

/// Builds the settings, recording every problem in `cx`. `full` is false in the override form
/// `dropzone!(Zone, ...)`, where the file-type server rules are not resolved (they may not be
/// overridden at all).
pub(crate) fn build(cx: &Ctxt, entries: Vec<Entry>, full: bool) -> Settings {
    let mut s = Settings::default();
    for entry in entries {
        let RawEntry { key, value } = match entry {
            Entry::Pair(pair) => pair,
            Entry::List(list) => {
                extras(cx, &mut s, list);
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
        if let Some(first) = s.given.get(def.name) {
            let msg = if first.key == key {
                format!("duplicate option `{name}`: give it once")
            } else {
                format!(
                    "`{name}` and `{}` are two names for one option: give it once",
                    first.key
                )
            };
            cx.error_at(key.span(), msg);
            continue;
        }
        s.order.push(def.name);
        match typed(cx, def, &value) {
            Some(val) if check(cx, def, &value, &val) => {
                s.given.insert(
                    def.name,
                    Setting {
                        def,
                        key,
                        tokens: value.to_token_stream(),
                        val,
                    },
                );
            }
            _ => {
                s.invalid.insert(def.name);
                // Keep the key so duplicates are still found.
                s.given.insert(
                    def.name,
                    Setting {
                        def,
                        key,
                        tokens: value.to_token_stream(),
                        val: Val::Bool(false),
                    },
                );
            }
        }
    }
    for name in s.invalid.clone() {
        s.given.remove(name);
    }
    s.order.retain(|name| s.given.contains_key(name));
    if full {
        file_types(cx, &mut s);
    }
    s
}

/// Checks one `key(...)` list: only `extra(...)` exists.
fn extras(cx: &Ctxt, s: &mut Settings, list: RawList) {
    let name = list.key.to_string();
    if name != "extra" {
        let msg = match table::lookup(&name) {
            Some(def) => format!(
                "`{name}` takes a value, not a list: write `{name} = {}`",
                def.example
            ),
            None if suggest::closest(&name, ["extra"]).is_some() => {
                format!("unknown option list `{name}(...)`; did you mean `extra(...)`?")
            }
            None => format!(
                "unknown option list `{name}(...)`; only `extra(...)` takes a list, other options are written `key = value`"
            ),
        };
        cx.error_at(list.key.span(), msg);
        return;
    }
    s.extra_key.get_or_insert(list.key);
    for RawEntry { key, value } in list.entries {
        let name = key.to_string();
        let Some(def) = extra::lookup(&name) else {
            cx.error_at(key.span(), extra::refusal(&name));
            continue;
        };
        if s.extra.iter().any(|e| e.def.name == def.name) {
            cx.error_at(
                key.span(),
                format!("duplicate extra option `{name}`: give it once"),
            );
            continue;
        }
        match extra::json_value(def, &value) {
            Ok(json) => s.extra.push(ExtraSetting { def, key, json }),
            Err(msg) => cx.error_spanned_by(&value, msg),
        }
    }
}

/// Reads the literal as the option's kind.
fn typed(cx: &Ctxt, def: &OptionDef, value: &Expr) -> Option<Val> {
    let wrong = || {
        let mut m = match (def.kind, lit_of(value)) {
            (Kind::Bool, Some((_, Lit::Str(s)))) if ["true", "false"].contains(&&*s.value()) => {
                format!(
                    "`{0}` expects `true` or `false`: write `{0} = {1}` without quotes",
                    def.name,
                    s.value()
                )
            }
            (Kind::Bool, _) => format!("`{}` expects `true` or `false`", def.name),
            _ => format!(
                "`{}` expects {} such as `{}`",
                def.name,
                def.kind.expects(),
                def.example
            ),
        };
        if !matches!(
            lit_of(value),
            Some((_, Lit::Str(_) | Lit::Bool(_) | Lit::Int(_) | Lit::Float(_)))
        ) {
            m.push_str(
                "; values must be literals: the macro checks them while compiling, so constants and expressions are not supported",
            );
        }
        m
    };
    let Some((negative, lit)) = lit_of(value) else {
        cx.error_spanned_by(value, wrong());
        return None;
    };
    let val = match (def.kind, lit) {
        (Kind::Bool, Lit::Bool(b)) if !negative => Val::Bool(b.value),
        (Kind::Int { min, .. }, Lit::Int(_)) if negative => {
            let what = if min == 0 {
                "cannot be negative; `0` means no timeout"
            } else {
                "must be at least 1"
            };
            cx.error_spanned_by(value, format!("`{}` {what}", def.name));
            return None;
        }
        (Kind::Int { min, max }, Lit::Int(i)) => match i.base10_parse::<u64>() {
            Ok(n) if n >= min && n <= max => Val::Int(n),
            Ok(0) => {
                cx.error_spanned_by(
                    value,
                    format!(
                        "`{}` must be at least 1, such as `{}`",
                        def.name, def.example
                    ),
                );
                return None;
            }
            _ => {
                cx.error_spanned_by(value, format!("`{}` must be at most {max}", def.name));
                return None;
            }
        },
        (Kind::Size, Lit::Int(_) | Lit::Float(_)) => {
            let n = match lit {
                Lit::Int(i) => i.base10_parse::<f64>(),
                Lit::Float(f) => f.base10_parse::<f64>(),
                _ => unreachable!(),
            };
            match n {
                Ok(n) if n.is_finite() && n > 0.0 && !negative => Val::Num(n),
                _ => {
                    cx.error_spanned_by(
                        value,
                        format!(
                            "`{}` must be a size in MiB greater than 0, such as `3` or `0.5`",
                            def.name
                        ),
                    );
                    return None;
                }
            }
        }
        (Kind::Bool | Kind::Int { .. } | Kind::Size, _) => {
            cx.error_spanned_by(value, wrong());
            return None;
        }
        (_, Lit::Str(s)) if !negative => Val::Str(s.value()),
        _ => {
            cx.error_spanned_by(value, wrong());
            return None;
        }
    };
    Some(val)
}

/// The literal of `value`, with whether it was negated (`-1`).
pub(crate) fn lit_of(value: &Expr) -> Option<(bool, &Lit)> {
    match value {
        Expr::Lit(l) => Some((false, &l.lit)),
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => match &*u.expr {
            Expr::Lit(l) => Some((true, &l.lit)),
            _ => None,
        },
        Expr::Group(g) => lit_of(&g.expr),
        _ => None,
    }
}

/// Single-option checks on a string value; false if it was rejected.
fn check(cx: &Ctxt, def: &OptionDef, tokens: &Expr, val: &Val) -> bool {
    let Val::Str(s) = val else { return true };
    let problem = match def.kind {
        Kind::Url if s.trim().is_empty() => Some(format!(
            "`{}` must not be empty; write a URL such as `{}`",
            def.name, def.example
        )),
        Kind::HtmlId => html_id(def.name, s),
        Kind::InputName => input_name(s),
        Kind::Version => version(s).err(),
        Kind::Message(allowed) => placeholders(def.name, s, allowed),
        Kind::RawJs => raw_js(def.name, s),
        _ => None,
    };
    match problem {
        Some(msg) => {
            cx.error_spanned_by(tokens, msg);
            false
        }
        None => true,
    }
}

/// Resolves `allowed_file_type` with `allowed_file_custom`.
fn file_types(cx: &Ctxt, s: &mut Settings) {
    if s.is_invalid(&["allowed_file_type", "allowed_file_custom"]) {
        return;
    }
    let custom = s.flag("allowed_file_custom");
    let ty = s.get("allowed_file_type");
    if custom && ty.is_none() {
        let key = &s.get("allowed_file_custom").expect("custom is set").key;
        cx.error_at(
            key.span(),
            "`allowed_file_custom = true` needs a list: add `allowed_file_type = \"image/*, .pdf\"`",
        );
        return;
    }
    match filetypes::resolve(custom, s.str("allowed_file_type")) {
        Ok(accepted) => s.accepted = Some(accepted),
        Err(messages) => {
            let tokens = &ty.expect("presets resolve without errors").tokens;
            for m in messages {
                cx.error_spanned_by(tokens, m);
            }
            s.invalid.insert("allowed_file_type");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::parse::macro_input;
    use quote::quote;

    fn run(tokens: TokenStream) -> (Settings, Vec<String>) {
        let cx = Ctxt::new();
        let s = build(&cx, macro_input(tokens).unwrap().entries, true);
        let errs = match cx.check() {
            Ok(()) => vec![],
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        };
        (s, errs)
    }

    #[test]
    fn typed_values() {
        let (s, errs) = run(quote!(
            id = "a",
            max_file_size = 0.5,
            max_files = 3,
            serve_local = true,
            timeout = 0
        ));
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(s.get("max_file_size").unwrap().val, Val::Num(0.5));
        assert_eq!(s.get("max_files").unwrap().val, Val::Int(3));
        assert_eq!(s.get("timeout").unwrap().val, Val::Int(0));
        assert!(s.flag("serve_local"));
        assert_eq!(s.accepted.unwrap().rules.len(), 5);
    }

    #[test]
    fn every_error_is_reported() {
        let (s, errs) = run(quote!(
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
        assert!(s.is_invalid(&["max_files"]));
        assert!(s.get("max_files").is_none());
    }
}
