//! The second table: Dropzone.js options that the main table (`table.rs`) does not cover, given
//! as `extra(add_remove_links = true, thumbnail_width = 200, clickable = ".btn")`.
//!
//! They are page-only data: each value is checked against its Dropzone.js type here and
//! JSON-encoded at expansion time, so no code can reach the page through them. Names the main
//! table covers, names that would break the page or the server contract (`url`, `params`,
//! `headers`, `binary_body`, …) and functions or event handlers are refused with a pointed
//! message. The docs table in `docs/options.md` is generated from `EXTRAS` too.

use crate::model::ast::lit_of;
use crate::suggest;
use crate::table;
use syn::{Expr, Lit, LitStr};

/// What an extra value must look like.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ExtraKind {
    /// `true` or `false`.
    Bool,
    /// An integer at least `min`.
    Int { min: u64 },
    /// One of these integers.
    IntOneOf(&'static [u64]),
    /// A finite number greater than 0 and at most `max`.
    Number { max: f64 },
    /// Text. With `html`, Dropzone.js inserts it as HTML, so the macro escapes it: like every
    /// message of the main table, it stays plain text.
    Text { html: bool },
    /// A non-empty CSS selector.
    Selector,
    /// `true`, `false` or a CSS selector.
    SelectorOrBool,
    /// `false` or a CSS selector.
    SelectorOrFalse,
    /// One of these strings.
    OneOf(&'static [&'static str]),
}

/// One Dropzone.js option `extra(...)` accepts.
#[derive(Debug)]
pub(crate) struct ExtraDef {
    /// The snake_case key written in `extra(...)`.
    pub(crate) name: &'static str,
    /// The Dropzone.js option it sets.
    pub(crate) js: &'static str,
    pub(crate) kind: ExtraKind,
    /// Whether `null` is accepted (written `name = null`).
    pub(crate) nullable: bool,
    /// The first Dropzone.js release that has it, as (major, minor); `(5, 0)` means every
    /// supported release.
    pub(crate) since: (u8, u8),
    /// Dropzone.js's default, as JavaScript (read by the docs generator only).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) default: &'static str,
    /// A value to show in messages.
    pub(crate) example: &'static str,
    pub(crate) doc: &'static str,
}

const fn x(
    name: &'static str,
    js: &'static str,
    kind: ExtraKind,
    default: &'static str,
    example: &'static str,
) -> ExtraDef {
    ExtraDef {
        name,
        js,
        kind,
        nullable: false,
        since: (5, 0),
        default,
        example,
        doc: "",
    }
}

impl ExtraDef {
    const fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }
    const fn since(mut self, major: u8, minor: u8) -> Self {
        self.since = (major, minor);
        self
    }
    const fn doc(mut self, doc: &'static str) -> Self {
        self.doc = doc;
        self
    }
}

use ExtraKind::*;

/// Every extra option, in the order of the docs (protocol reference §3).
pub(crate) const EXTRAS: &[ExtraDef] = &[
    x("method", "method", OneOf(&["post", "put", "patch"]), "\"post\"", "\"put\"")
        .doc("HTTP method of the upload requests; your route must accept it."),
    x("with_credentials", "withCredentials", Bool, "false", "true")
        .doc("Send cookies with cross-origin uploads."),
    x("default_headers", "defaultHeaders", Bool, "true", "false")
        .since(6, 0)
        .doc("`false` drops the `Accept`, `Cache-Control` and `X-Requested-With` headers Dropzone.js sends by default."),
    x("auto_queue", "autoQueue", Bool, "true", "false")
        .doc("`false` leaves added files out of the queue until your script calls `enqueueFile`."),
    x("add_remove_links", "addRemoveLinks", Bool, "false", "true")
        .doc("A remove link under each preview (text: `remove_file` / `cancel_upload`); removing never tells the server."),
    x("clickable", "clickable", SelectorOrBool, "true", "\".btn\"")
        .doc("Which elements open the file dialog: `true` (the zone), `false`, or a CSS selector."),
    x("previews_container", "previewsContainer", SelectorOrFalse, "null", "\"#previews\"")
        .nullable()
        .doc("Where previews go: a CSS selector, `false` for none, or `null` for the zone itself."),
    x("disable_previews", "disablePreviews", Bool, "false", "true")
        .since(5, 7)
        .doc("No preview elements at all."),
    x("hidden_input_container", "hiddenInputContainer", Selector, "\"body\"", "\"#form\"")
        .doc("CSS selector of the element that gets the hidden `<input type=file>`."),
    x("capture", "capture", OneOf(&["camera", "microphone", "camcorder"]), "null", "\"camera\"")
        .nullable()
        .doc("Capture from this device on mobile browsers."),
    x("ignore_hidden_files", "ignoreHiddenFiles", Bool, "true", "false")
        .doc("Skip dot-files when a folder is dropped."),
    x("force_fallback", "forceFallback", Bool, "false", "true")
        .doc("Always show the plain-form fallback (for testing the server without JavaScript)."),
    x("filesize_base", "filesizeBase", IntOneOf(&[1000, 1024]), "1000", "1024")
        .doc("Base of the sizes shown in previews; the `max_file_size` check is in MiB whatever this is."),
    x("create_image_thumbnails", "createImageThumbnails", Bool, "true", "false")
        .doc("Draw image thumbnails. `strict_csp` turns them off (they are `data:` URLs); `true` turns them back on."),
    x("max_thumbnail_filesize", "maxThumbnailFilesize", Number { max: f64::INFINITY }, "10", "10")
        .doc("Largest file in MiB that gets a thumbnail, greater than 0."),
    x("thumbnail_width", "thumbnailWidth", Int { min: 1 }, "120", "200")
        .nullable()
        .doc("Thumbnail width in pixels; `null` keeps the ratio."),
    x("thumbnail_height", "thumbnailHeight", Int { min: 1 }, "120", "200")
        .nullable()
        .doc("Thumbnail height in pixels; `null` keeps the ratio."),
    x("thumbnail_method", "thumbnailMethod", OneOf(&["crop", "contain"]), "\"crop\"", "\"contain\"")
        .doc("How images are fitted into the thumbnail."),
    x("resize_width", "resizeWidth", Int { min: 1 }, "null", "1024")
        .nullable()
        .doc("Resize images to this width in pixels before upload."),
    x("resize_height", "resizeHeight", Int { min: 1 }, "null", "768")
        .nullable()
        .doc("Resize images to this height in pixels before upload."),
    x("resize_mime_type", "resizeMimeType", OneOf(&["image/jpeg", "image/png", "image/webp"]), "null", "\"image/jpeg\"")
        .nullable()
        .doc("Type of resized images (`null`: the original type); the file name keeps its extension."),
    x("resize_quality", "resizeQuality", Number { max: 1.0 }, "0.8", "0.8")
        .doc("Encoder quality of resized images, greater than 0 and at most 1."),
    x("resize_method", "resizeMethod", OneOf(&["contain", "crop"]), "\"contain\"", "\"crop\"")
        .doc("How images are fitted into the resize box."),
    x("resize_transparency_fill", "resizeTransparencyFill", Text { html: false }, "null", "\"#ffffff\"")
        .nullable()
        .since(6, 2)
        .doc("Background colour of transparent images resized to JPEG."),
    x("dict_fallback_text", "dictFallbackText", Text { html: true }, "\"Please use the fallback form below…\"", "\"Use the form below.\"")
        .doc("Text above the fallback form (plain text: the macro escapes it)."),
    x("dict_remove_file_confirmation", "dictRemoveFileConfirmation", Text { html: false }, "null", "\"Remove this file?\"")
        .nullable()
        .doc("Question asked before removing a file; `null` asks nothing."),
    x("dict_thumbnail_error", "dictThumbnailError", Text { html: false }, "\"Failed to load the image. The file may be corrupted.\"", "\"Broken image\"")
        .since(6, 1)
        .doc("Error shown when an image cannot be read for its thumbnail."),
];

/// Dropzone.js options that have a table option of their own, by snake_case name.
const COVERED: &[(&str, &str)] = &[
    ("url", "action"),
    ("param_name", "input_name"),
    ("accepted_files", "allowed_file_type"),
    ("accepted_mime_types", "allowed_file_type"),
    ("max_filesize", "max_file_size"),
    ("auto_process_queue", "upload_on_click"),
    ("dict_default_message", "default_message"),
    ("dict_invalid_file_type", "invalid_file_type"),
    ("dict_file_too_big", "file_too_big"),
    ("dict_response_error", "server_error"),
    ("dict_fallback_message", "browser_unsupported"),
    ("dict_max_files_exceeded", "max_file_exceed"),
    ("dict_cancel_upload", "cancel_upload"),
    ("dict_remove_file", "remove_file"),
    ("dict_cancel_upload_confirmation", "cancel_confirmation"),
    ("dict_upload_canceled", "upload_canceled"),
];

/// Dropzone.js options `extra(...)` refuses, with why.
const FORBIDDEN: &[(&str, &str)] = &[
    (
        "params",
        "`params` would replace the function that adds the `dz*` chunk fields the server reads; extra form fields are not part of the upload contract",
    ),
    (
        "headers",
        "`headers` would replace the zone's own request headers (its zone id and CSRF token), which the server reads",
    ),
    (
        "binary_body",
        "`binary_body` sends the file as a raw body, but the zone's upload extractor reads multipart requests",
    ),
    ("init", "`init` is code: use the `custom_init` option"),
    (
        "preview_template",
        "`preview_template` is raw HTML, and `extra(...)` keeps every value plain data; set it in `custom_options`",
    ),
    (
        "dict_file_size_units",
        "`dict_file_size_units` is an object, which `extra(...)` does not take; set it in `custom_options`",
    ),
];

/// Options whose value is a function.
const FUNCTIONS: &[&str] = &[
    "accept",
    "rename_file",
    "rename_filename",
    "transform_file",
    "resize",
    "chunks_uploaded",
    "fallback",
];

/// Dropzone.js events; an option of the same name replaces Dropzone's own handler.
const EVENTS: &[&str] = &[
    "drop",
    "dragstart",
    "dragend",
    "dragenter",
    "dragover",
    "dragleave",
    "paste",
    "reset",
    "addedfile",
    "addedfiles",
    "removedfile",
    "thumbnail",
    "error",
    "errormultiple",
    "processing",
    "processingmultiple",
    "uploadprogress",
    "totaluploadprogress",
    "sending",
    "sendingmultiple",
    "success",
    "successmultiple",
    "canceled",
    "canceledmultiple",
    "complete",
    "completemultiple",
    "maxfilesexceeded",
    "maxfilesreached",
    "queuecomplete",
    "emptyfolder",
];

/// The extra option `name`.
pub(crate) fn lookup(name: &str) -> Option<&'static ExtraDef> {
    EXTRAS.iter().find(|d| d.name == name)
}

/// `addRemoveLinks` → `add_remove_links`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Why `name` is not an extra option: the error message for a key `lookup` does not know.
pub(crate) fn refusal(name: &str) -> String {
    if let Some(o) = table::lookup(name) {
        return format!(
            "`{name}` is an option of its own: write `{} = …` outside `extra(...)`",
            o.name
        );
    }
    if let Some((_, opt)) = COVERED.iter().find(|(n, _)| *n == name) {
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
    let snaked = snake(name);
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
    COVERED.iter().any(|(n, _)| *n == name)
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
    let Some((negative, lit)) = lit_of(value) else {
        return Err(wrong() + "; values must be literals");
    };
    let str_or = |s: &LitStr| -> Result<String, String> {
        let v = s.value();
        match d.kind {
            Text { html } => Ok(json_string(&if html { html_text(&v) } else { v })),
            Selector | SelectorOrBool | SelectorOrFalse if v.trim().is_empty() => Err(format!(
                "`{}` in `extra(...)` must be a non-empty CSS selector such as `{}`",
                d.name, d.example
            )),
            Selector | SelectorOrBool | SelectorOrFalse => Ok(json_string(&v)),
            OneOf(allowed) if allowed.contains(&v.as_str()) => Ok(json_string(&v)),
            _ => Err(wrong()),
        }
    };
    match (d.kind, lit) {
        (Bool | SelectorOrBool, Lit::Bool(b)) if !negative => Ok(b.value.to_string()),
        (SelectorOrFalse, Lit::Bool(b)) if !negative && !b.value => Ok("false".to_owned()),
        (Int { min }, Lit::Int(i)) if !negative => match i.base10_parse::<u64>() {
            // Beyond 2^53 a JavaScript number is no longer exact.
            Ok(n) if n >= min && n <= 1 << 53 => Ok(n.to_string()),
            _ => Err(wrong()),
        },
        (IntOneOf(allowed), Lit::Int(i)) if !negative => match i.base10_parse::<u64>() {
            Ok(n) if allowed.contains(&n) => Ok(n.to_string()),
            _ => Err(wrong()),
        },
        (Number { max }, Lit::Int(_) | Lit::Float(_)) if !negative => {
            let n = match lit {
                Lit::Int(i) => i.base10_parse::<f64>(),
                Lit::Float(f) => f.base10_parse::<f64>(),
                _ => unreachable!(),
            };
            match n {
                Ok(n) if n.is_finite() && n > 0.0 && n <= max => Ok(format!("{n}")),
                _ => Err(wrong()),
            }
        }
        (_, Lit::Str(s)) if !negative => str_or(s),
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
