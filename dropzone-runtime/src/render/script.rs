//! `config`: the inline script that starts one zone.
//!
//! Shape (one IIFE per zone, strict mode, no globals):
//!
//! 1. `Dropzone.options[key] = false` as soon as `window.Dropzone` exists, where `key` is the
//!    camelized id. Dropzone 5.x auto-discovery then skips the element; 6.x has no discovery.
//! 2. `new Dropzone(element, options())` once both the library and the element exist: right
//!    away when the document is parsed, else on `DOMContentLoaded` (and `load`, for a library
//!    loaded late). `element.dropzone` guards against attaching twice.
//!
//! This works with 5.9.3 and 6.3.5 whichever order the library `<script>`, the zone and this
//! script appear in. The options are one JSON object (serde_json, made script-safe); only
//! `init` and `custom_options` are JavaScript source.

use super::Dropzone;
use super::escape::{camelize, html_text, raw_script, script_json};
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write as _;

/// The JSON part of the options, in the order it is emitted.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsOptions<'a> {
    url: &'a str,
    param_name: &'a str,
    max_filesize: Value,
    /// `null` = accept every file.
    accepted_files: Option<&'a str>,
    max_files: Option<u32>,
    upload_multiple: bool,
    parallel_uploads: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auto_process_queue: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    headers: Option<Headers<'a>>,
    dict_default_message: String,
    dict_invalid_file_type: &'a str,
    dict_file_too_big: &'a str,
    dict_response_error: &'a str,
    dict_fallback_message: &'a str,
    dict_max_files_exceeded: &'a str,
    dict_cancel_upload: String,
    dict_remove_file: String,
    dict_cancel_upload_confirmation: &'a str,
    dict_upload_canceled: &'a str,
}

#[derive(Serialize)]
struct Headers<'a> {
    #[serde(rename = "X-CSRF-Token")]
    csrf: &'a str,
}

/// `3.0` is written `3`, fractional sizes stay as they are.
fn size_number(mib: f64) -> Value {
    if mib.fract() == 0.0 && mib.abs() < 9_007_199_254_740_992.0 {
        Value::from(mib as i64)
    } else {
        Value::from(mib)
    }
}

impl Dropzone {
    /// The URL uploads go to: the in-form `upload_action`, else the form's `action`, each
    /// replaceable per request.
    pub(super) fn upload_url(&self) -> &str {
        let o = self.options;
        if o.in_form
            && let Some(u) = self.upload_action.as_deref().or(o.upload_action)
        {
            return u;
        }
        self.action.as_deref().unwrap_or(o.action)
    }

    fn js_options(&self) -> String {
        let o = self.options;
        let m = &o.messages;
        let headers = match (o.enable_csrf, self.csrf_token.as_deref()) {
            (true, Some(token)) => Some(Headers { csrf: token }),
            _ => None,
        };
        // Dropzone inserts these three with innerHTML (5.9.3 and 6.3.5: the default message
        // button, the remove link, the cancel link); every other text goes through textContent
        // or confirm(). Escaping them here keeps all messages plain text.
        let js = JsOptions {
            url: self.upload_url(),
            param_name: o.input_name,
            max_filesize: size_number(o.max_file_size),
            accepted_files: (!o.accepted_files.rules.is_empty()).then_some(o.accepted_files.list),
            max_files: o.max_files,
            upload_multiple: o.upload_multiple,
            parallel_uploads: o.parallel_uploads,
            timeout: o.timeout,
            auto_process_queue: o.upload_on_click.then_some(false),
            headers,
            dict_default_message: html_text(m.default_message),
            dict_invalid_file_type: m.invalid_file_type,
            dict_file_too_big: m.file_too_big,
            dict_response_error: m.server_error,
            dict_fallback_message: m.browser_unsupported,
            dict_max_files_exceeded: m.max_file_exceed,
            dict_cancel_upload: html_text(m.cancel_upload),
            dict_remove_file: html_text(m.remove_file),
            dict_cancel_upload_confirmation: m.cancel_confirmation,
            dict_upload_canceled: m.upload_canceled,
        };
        script_json(&js)
    }

    /// The body of `init`, or `None` when the zone needs no JavaScript of its own.
    fn init_body(&self) -> Option<String> {
        let o = self.options;
        let mut s = String::new();
        if let Some(url) = self.redirect_url.as_deref().or(o.redirect_url) {
            // Upstream #18: only leave the page when this queue run uploaded something.
            let _ = write!(
                s,
                "      var succeeded = 0;\n\
                 \x20     dz.on(\"success\", function () {{ succeeded += 1; }});\n\
                 \x20     dz.on(\"queuecomplete\", function () {{\n\
                 \x20       var any = succeeded > 0;\n\
                 \x20       succeeded = 0;\n\
                 \x20       if (any) {{ window.location.href = {}; }}\n\
                 \x20     }});\n",
                script_json(url)
            );
        }
        if o.upload_on_click {
            s.push_str(&self.click_js());
        }
        if let Some(code) = o.custom_init {
            let mut code = code.to_owned();
            if !code.trim_end().ends_with(';') {
                code.push(';');
            }
            let _ = write!(
                s,
                "      (function () {{\n{}\n      }}).call(dz);\n",
                raw_script(&code)
            );
        }
        (!s.is_empty()).then_some(s)
    }

    /// Upload on click: the button drives this zone's `processQueue()`, and each `complete`
    /// sends the next files until the queue is empty, so one click uploads everything
    /// whatever `parallelUploads` is. In-form, the first click uploads and the form is
    /// submitted once the queue completes (straight away when there is nothing to upload).
    fn click_js(&self) -> String {
        let o = self.options;
        let mut s = format!(
            "      var running = false;\n\
             \x20     var button = document.getElementById({});\n\
             \x20     dz.on(\"complete\", function () {{\n\
             \x20       if (running && dz.getQueuedFiles().length > 0) {{ dz.processQueue(); }}\n\
             \x20     }});\n",
            script_json(o.upload_btn_id)
        );
        if !o.in_form {
            s.push_str(
                "      dz.on(\"queuecomplete\", function () { running = false; });\n\
                 \x20     if (button) {\n\
                 \x20       button.addEventListener(\"click\", function () {\n\
                 \x20         running = true;\n\
                 \x20         dz.processQueue();\n\
                 \x20       });\n\
                 \x20     }\n",
            );
            return s;
        }
        s.push_str(
            "      var submitting = false;\n\
             \x20     var submit = function () {\n\
             \x20       submitting = true;\n\
             \x20       if (button && button.form && (button.type === \"submit\" || button.type === \"image\")) {\n\
             \x20         button.click();\n\
             \x20         return;\n\
             \x20       }\n\
             \x20       for (var n = dz.element.parentNode; n; n = n.parentNode) {\n\
             \x20         if (n.nodeName === \"FORM\") {\n\
             \x20           if (n.requestSubmit) { n.requestSubmit(); } else { n.submit(); }\n\
             \x20           return;\n\
             \x20         }\n\
             \x20       }\n\
             \x20     };\n\
             \x20     dz.on(\"queuecomplete\", function () {\n\
             \x20       var wasRunning = running;\n\
             \x20       running = false;\n\
             \x20       if (wasRunning) { submit(); }\n\
             \x20     });\n\
             \x20     if (button) {\n\
             \x20       button.addEventListener(\"click\", function (e) {\n\
             \x20         if (submitting) { return; }\n\
             \x20         if (dz.getQueuedFiles().length === 0 && dz.getUploadingFiles().length === 0) { return; }\n\
             \x20         e.preventDefault();\n\
             \x20         e.stopPropagation();\n\
             \x20         if (!running) {\n\
             \x20           running = true;\n\
             \x20           dz.processQueue();\n\
             \x20         }\n\
             \x20       });\n\
             \x20     }\n",
        );
        s
    }

    /// The script body (without the `<script>` element).
    pub(super) fn config_script(&self) -> String {
        let o = self.options;
        let mut s = String::from("(function () {\n  \"use strict\";\n");
        let _ = writeln!(
            s,
            "  var id = {}, key = {};",
            script_json(o.id),
            script_json(&camelize(o.id))
        );
        s.push_str("  function options() {\n");
        let _ = writeln!(s, "    var o = {};", self.js_options());
        if let Some(body) = self.init_body() {
            s.push_str("    o.init = function () {\n      var dz = this;\n");
            s.push_str(&body);
            s.push_str("    };\n");
        }
        if let Some(custom) = o.custom_options {
            let mut custom = custom.to_owned();
            if !custom.trim_end().ends_with(',') {
                custom.push(',');
            }
            // Applied last so it can override any generated option (upstream #16); on its own
            // lines so a trailing `//` comment cannot swallow anything.
            let _ = write!(
                s,
                "    var custom = {{\n{}\n    }};\n\
                 \x20   for (var k in custom) {{\n\
                 \x20     if (Object.prototype.hasOwnProperty.call(custom, k)) {{ o[k] = custom[k]; }}\n\
                 \x20   }}\n",
                raw_script(&custom)
            );
        }
        s.push_str(
            "    return o;\n\
             \x20 }\n\
             \x20 function mark() {\n\
             \x20   var D = window.Dropzone;\n\
             \x20   if (D) { D.options[key] = false; }\n\
             \x20   return D;\n\
             \x20 }\n\
             \x20 function start() {\n\
             \x20   var D = mark(), el = document.getElementById(id);\n\
             \x20   if (!D || !el) { return false; }\n\
             \x20   if (!el.dropzone) { new D(el, options()); }\n\
             \x20   return true;\n\
             \x20 }\n\
             \x20 mark();\n\
             \x20 if (document.readyState === \"loading\" || !start()) {\n\
             \x20   document.addEventListener(\"DOMContentLoaded\", start);\n\
             \x20   window.addEventListener(\"load\", start);\n\
             \x20 }\n\
             })();\n",
        );
        s
    }
}
