//! The zone spec: everything `init.js` needs to start one zone, as one JSON object.
//!
//! `{"v":1,"options":{…},"redirect":"/done","click":{"button":"upload","inForm":false}}`:
//! `options` is given to `new Dropzone(element, options)` as is; `redirect` and `click` (each
//! only when configured) drive the redirect-after-upload and upload-on-click behaviour. The
//! same object sits in the zone's data script (default mode) or in the element's
//! `data-dropzone` attribute (strict CSP mode). Raw JavaScript (`custom_init`,
//! `custom_options`) is never part of it.
//!
//! It is written once per zone into a [`Writer`], with holes for the per-request values: the
//! upload URL, the CSRF token header and the redirect (see [`super::page`]).

use super::ZONE_HEADER;
use super::escape::{html_text, script_json};
use super::page::{Hole, Writer};
use crate::options::Options;
use serde_json::Value;

/// The version of the spec format; `init.js` ignores any other.
pub(super) const SPEC_VERSION: u8 = 1;

/// One value of the options object: known now, or left open for the request.
enum Part {
    Value(Value),
    /// The upload URL ([`Hole::Url`]).
    Url,
    /// The headers object: the CSRF token hole (for CSRF zones), then the zone header.
    Headers,
}

/// A JSON object whose keys keep the order they were pushed in (serde_json's `Map` sorts).
#[derive(Default)]
struct Object(Vec<(&'static str, Part)>);

impl Object {
    fn push(&mut self, key: &'static str, value: impl Into<Value>) {
        self.0.push((key, Part::Value(value.into())));
    }

    /// Sets `key` last, replacing an earlier value: a literal with duplicate keys is a syntax
    /// error for ES5 strict-mode engines (IE11, which Dropzone 5.9.3 supports).
    fn set_last(&mut self, key: &'static str, value: Value) {
        self.0.retain(|(k, _)| *k != key);
        self.0.push((key, Part::Value(value)));
    }
}

/// `3.0` is written `3`, fractional sizes stay as they are.
fn size_number(mib: f64) -> Value {
    if mib.fract() == 0.0 && mib.abs() < 9_007_199_254_740_992.0 {
        Value::from(mib as i64)
    } else {
        Value::from(mib)
    }
}

/// The Dropzone.js options, in the order they are emitted: the table's options, chunking,
/// then the typed extra options (an extra replaces a generated key of the same name; `url`
/// and `headers` are not extras the macros accept).
fn js_options(o: &Options) -> Object {
    let m = &o.messages();
    let mut js = Object::default();
    js.0.push(("url", Part::Url));
    js.push("paramName", o.input_name());
    js.push("maxFilesize", size_number(o.max_file_size()));
    // `null` = accept every file.
    let accepted = (!o.accepted_files().rules.is_empty()).then_some(o.accepted_files().list);
    js.push("acceptedFiles", accepted);
    js.push("maxFiles", o.max_files());
    js.push("uploadMultiple", o.upload_multiple());
    js.push("parallelUploads", o.parallel_uploads());
    if let Some(t) = o.timeout() {
        js.push("timeout", t);
    }
    if o.upload_on_click() {
        js.push("autoProcessQueue", false);
    }
    // Dropzone sends `headers` with every XHR, each chunk included (5.9.3 and 6.3.5
    // `_uploadData`); `params` would replace the function that adds the dz* chunk fields.
    js.0.push(("headers", Part::Headers));
    if let Some(c) = o.chunking() {
        js.push("chunking", true);
        js.push("forceChunking", c.force);
        js.push("chunkSize", c.chunk_size);
        js.push("parallelChunkUploads", c.parallel);
        js.push("retryChunks", c.retry_limit.is_some());
        if let Some(limit) = c.retry_limit {
            js.push("retryChunksLimit", limit);
        }
    }
    if o.strict_csp() {
        // Thumbnails are `data:` URLs, which `img-src 'self'` blocks (one CSP violation per
        // image); an extra `create_image_thumbnails = true` turns them back on.
        js.push("createImageThumbnails", false);
    }
    // Dropzone inserts these three with innerHTML (5.9.3 and 6.3.5: the default message
    // button, the remove link, the cancel link); every other text goes through textContent
    // or confirm(). Escaping them here keeps all messages plain text.
    js.push("dictDefaultMessage", html_text(m.default_message()));
    js.push("dictInvalidFileType", m.invalid_file_type());
    js.push("dictFileTooBig", m.file_too_big());
    js.push("dictResponseError", m.server_error());
    js.push("dictFallbackMessage", m.browser_unsupported());
    js.push("dictMaxFilesExceeded", m.max_file_exceed());
    js.push("dictCancelUpload", html_text(m.cancel_upload()));
    js.push("dictRemoveFile", html_text(m.remove_file()));
    js.push("dictCancelUploadConfirmation", m.cancel_confirmation());
    js.push("dictUploadCanceled", m.upload_canceled());
    for extra in o.extra() {
        // The macro wrote valid JSON; parsing it again means only data, never code, can
        // reach the page, and script_json then escapes it like every other value.
        match serde_json::from_str::<Value>(extra.json) {
            Ok(v) => js.set_last(extra.name, v),
            Err(e) => debug_assert!(false, "extra option {} is not JSON: {e}", extra.name),
        }
    }
    js
}

/// Writes the zone spec of a zone rendered with `o` whose uploads belong to `zone`: script-safe
/// JSON (no `<`, `>`, `&`, U+2028 or U+2029 outside `\u` escapes), so it can sit in a
/// `<script>` element or, attribute-escaped by the writer, in an attribute.
pub(super) fn write_spec(o: &Options, zone: &str, w: &mut Writer) {
    w.spec(&format!("{{\"v\":{SPEC_VERSION},\"options\":{{"));
    for (i, (key, part)) in js_options(o).0.into_iter().enumerate() {
        if i > 0 {
            w.spec(",");
        }
        w.spec(&script_json(key));
        w.spec(":");
        match part {
            Part::Value(v) => w.spec(&script_json(&v)),
            Part::Url => w.hole(Hole::Url),
            Part::Headers => {
                w.spec("{");
                if o.enable_csrf() {
                    w.hole(Hole::Csrf);
                }
                w.spec(&script_json(ZONE_HEADER));
                w.spec(":");
                w.spec(&script_json(zone));
                w.spec("}");
            }
        }
    }
    w.spec("}");
    w.hole(Hole::Redirect);
    if o.upload_on_click() {
        let click = serde_json::json!({"button": o.upload_btn_id(), "inForm": o.in_form()});
        w.spec(",\"click\":");
        w.spec(&script_json(&click));
    }
    w.spec("}");
}
