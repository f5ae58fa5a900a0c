//! The generated script in a JavaScript engine: syntax (`node --check`), start-up against a
//! fake browser in every load order, and the behaviour of `init`.

mod common;

use common::{DEFAULT, EVERYTHING, fake_dom_harness, leak, node};
use dropzone_runtime::Dropzone;
use dropzone_runtime::INIT_JS;
use serde_json::{Value, json};

/// The zone's `config()` as the fake page runs it: its data block, then its code script.
fn script(d: &Dropzone) -> String {
    common::zone_js(d)
}

fn check_syntax(d: &Dropzone) {
    node(&["--check"], &script(d));
}

#[test]
fn syntax_default() {
    check_syntax(&Dropzone::new(&DEFAULT));
}

#[test]
fn syntax_every_option_in_form() {
    check_syntax(&Dropzone::new(&EVERYTHING).nonce("n").csrf_token("t"));
}

#[test]
fn syntax_every_option_click_without_form() {
    let o = leak(EVERYTHING.with_in_form(false));
    check_syntax(&Dropzone::new(o).csrf_token("t").redirect_url("/r"));
}

#[test]
fn syntax_custom_code_with_comments_and_markup() {
    let o = leak(
        DEFAULT
            .with_custom_init(Some("var x = '</script><!--'; // c"))
            .with_custom_options(Some(
                "accept: function (f, done) { done(); }, // c\nmaxFiles: 9 /* c */",
            )),
    );
    let s = script(&Dropzone::new(o));
    assert!(!s.to_ascii_lowercase().contains("</script"));
    node(&["--check"], &s);
}

/// The zones' scripts with the init code `first` or after them.
fn scripts_array(zones: &[&Dropzone], init_first: bool) -> String {
    let mut scripts: Vec<String> = zones.iter().map(|d| script(d)).collect();
    if init_first {
        scripts.insert(0, INIT_JS.to_owned());
    } else {
        scripts.push(INIT_JS.to_owned());
    }
    serde_json::to_string(&scripts).unwrap()
}

fn run_placed(zones: &[&Dropzone], order: &str, init_first: bool) -> Value {
    let ids: Vec<&str> = zones.iter().map(|d| d.options().id()).collect();
    let scripts = scripts_array(zones, init_first);
    let out = node(&[], &fake_dom_harness(&scripts, &ids, order));
    serde_json::from_str(out.trim()).expect("harness prints JSON")
}

/// Init code after the zones (load_js at the end of the body).
fn run_fake(zones: &[&Dropzone], order: &str) -> Value {
    run_placed(zones, order, false)
}

fn expected_default_options() -> Value {
    json!({
        "url": "/upload",
        "paramName": "file",
        "maxFilesize": 3,
        "acceptedFiles": "image/*, audio/*, video/*, text/*, application/*",
        "maxFiles": null,
        "uploadMultiple": false,
        "parallelUploads": 2,
        "headers": {"X-Dropzone-Zone": "myDropzone"},
        "dictDefaultMessage": "Drop files here or click to upload.",
        "dictInvalidFileType": "You can't upload files of this type.",
        "dictFileTooBig": "File is too big {{filesize}}. Max filesize: {{maxFilesize}}MiB.",
        "dictResponseError": "Server error: {{statusCode}}",
        "dictFallbackMessage": "Your browser does not support drag'n'drop file uploads.",
        "dictMaxFilesExceeded": "You can't upload any more files.",
        "dictCancelUpload": "Cancel upload",
        "dictRemoveFile": "Remove file",
        "dictCancelUploadConfirmation": "You really want to delete this file?",
        "dictUploadCanceled": "Upload canceled",
        "init": "[function]"
    })
}

#[test]
fn starts_once_with_library_loaded_first() {
    let r = run_fake(&[&Dropzone::new(&DEFAULT)], "before");
    assert_eq!(
        r["calls"],
        json!([{"id": "myDropzone", "options": expected_default_options()}])
    );
    // Marked before DOMContentLoaded, which is when 5.x auto-discovery runs.
    assert_eq!(r["optionsBeforeLoad"], json!({"myDropzone": false}));
    assert_eq!(r["options"], json!({"myDropzone": false}));
    assert_eq!(r["newGlobals"], json!([]));
}

#[test]
fn starts_once_with_library_loaded_after_the_script() {
    let r = run_fake(&[&Dropzone::new(&DEFAULT)], "after");
    assert_eq!(
        r["calls"],
        json!([{"id": "myDropzone", "options": expected_default_options()}])
    );
    assert_eq!(r["optionsBeforeLoad"], Value::Null);
    assert_eq!(r["options"], json!({"myDropzone": false}));
    assert_eq!(r["newGlobals"], json!([]));
}

#[test]
fn starts_at_once_when_the_document_is_parsed() {
    let r = run_fake(&[&Dropzone::new(&DEFAULT)], "now");
    assert_eq!(r["callsAfterScripts"], json!(1));
    assert_eq!(r["calls"].as_array().unwrap().len(), 1);
    assert_eq!(r["newGlobals"], json!([]));
}

#[test]
fn two_zones_on_one_page_both_start() {
    let a = Dropzone::new(leak(DEFAULT.with_id("zone-a")));
    let b = Dropzone::new(leak(DEFAULT.with_id("zone_b").with_upload_on_click(true)));
    // Init code in the head (while the page loads) or after the zones; "now" is a page that
    // has finished parsing, where the init code comes after everything.
    for (order, init_first) in [
        ("before", false),
        ("after", false),
        ("now", false),
        ("before", true),
        ("after", true),
    ] {
        let r = run_placed(&[&a, &b], order, init_first);
        let order = format!("{order}, init first: {init_first}");
        let calls = r["calls"].as_array().unwrap();
        assert_eq!(calls.len(), 2, "{order}: {r}");
        assert_eq!(calls[0]["id"], "zone-a");
        assert_eq!(calls[1]["id"], "zone_b");
        assert_eq!(calls[1]["options"]["autoProcessQueue"], json!(false));
        assert_eq!(calls[1]["options"]["init"], json!("[function]"));
        assert_eq!(
            r["options"],
            json!({"zoneA": false, "zoneB": false}),
            "{order}"
        );
        assert_eq!(r["newGlobals"], json!([]), "{order}");
    }
}

/// A fake Dropzone instance with events and a queue, driven by `steps` (JS statements with
/// `dz` = the instance, `button` = the upload button, `log` = an array to report).
fn run_init(d: &Dropzone, steps: &str) -> Value {
    let harness = format!(
        r#""use strict";
const vm = require("vm");
const log = [];
const form = {{ nodeName: "FORM", parentNode: null, requestSubmit() {{ log.push("requestSubmit"); }} }};
const el = {{ id: {id}, nodeName: "DIV", parentNode: form }};
let submitted = false;
const button = {{
  id: {btn}, type: "submit", form, listeners: [],
  addEventListener(ev, fn) {{ this.listeners.push(fn); }},
  click() {{
    log.push("click");
    let prevented = false;
    const e = {{ preventDefault() {{ prevented = true; }}, stopPropagation() {{}} , currentTarget: this, type: "click" }};
    for (const fn of this.listeners) fn(e);
    log.push(prevented ? "prevented" : "default");
    if (!prevented) submitted = true;
  }},
}};
function Dropzone(element, options) {{
  element.dropzone = this;
  this.element = element;
  this.options = options;
  this.handlers = {{}};
  this.queued = 0;
  this.uploading = 0;
  if (options.init) options.init.call(this);
}}
Dropzone.options = {{}};
Dropzone.prototype.on = function (ev, fn) {{ (this.handlers[ev] = this.handlers[ev] || []).push(fn); }};
Dropzone.prototype.emit = function (ev) {{ for (const fn of this.handlers[ev] || []) fn.call(this); }};
Dropzone.prototype.getQueuedFiles = function () {{ return new Array(this.queued); }};
Dropzone.prototype.getUploadingFiles = function () {{ return new Array(this.uploading); }};
Dropzone.prototype.processQueue = function () {{
  log.push("processQueue");
  const n = Math.min(this.queued, 1);
  this.queued -= n; this.uploading += n;
}};
{blocks}
const window = {{
  Dropzone, location: {{ href: "/page" }},
  addEventListener() {{}},
  document: {{
    readyState: "complete",
    getElementById: (id) => id === el.id ? el : id === button.id ? button : null,
    addEventListener() {{}},
  }},
}};
window.window = window;
window.log = log;
const ctx = vm.createContext(window);
addBlocks(ctx, window.document);
vm.runInContext({script}, ctx);
const dz = el.dropzone;
{steps}
console.log(JSON.stringify({{ log, href: window.location.href, submitted, added: ctx.__added === true }}));
"#,
        id = serde_json::to_string(d.options().id()).unwrap(),
        btn = serde_json::to_string(d.options().upload_btn_id()).unwrap(),
        blocks = common::FAKE_BLOCKS,
        script = serde_json::to_string(&format!("{}\n{INIT_JS}", script(d))).unwrap(),
    );
    serde_json::from_str(node(&[], &harness).trim()).expect("harness prints JSON")
}

#[test]
fn redirect_only_after_a_success() {
    let d = Dropzone::new(leak(DEFAULT.with_redirect_url(Some("/done?a=1&b=\"2\""))));
    let r = run_init(
        &d,
        r#"dz.emit("error"); dz.emit("complete"); dz.emit("queuecomplete");"#,
    );
    assert_eq!(
        r["href"], "/page",
        "upstream #18: no redirect when every file failed"
    );
    let r = run_init(
        &d,
        r#"dz.emit("error"); dz.emit("queuecomplete"); dz.emit("success"); dz.emit("queuecomplete");"#,
    );
    assert_eq!(r["href"], "/done?a=1&b=\"2\"");
    let r = run_init(
        &d.clone().redirect_url("/x"),
        r#"dz.emit("success"); dz.emit("queuecomplete");"#,
    );
    assert_eq!(r["href"], "/x");
}

#[test]
fn click_upload_sends_the_whole_queue() {
    let d = Dropzone::new(leak(DEFAULT.with_upload_on_click(true)));
    let r = run_init(
        &d,
        r#"dz.queued = 3;
dz.emit("complete"); // a rejected file before the click must not start uploads
log.push("click-now");
button.click();
while (dz.uploading > 0) { dz.uploading -= 1; dz.emit("complete"); }
dz.emit("queuecomplete");
dz.queued = 1; dz.emit("complete");"#,
    );
    assert_eq!(
        r["log"],
        json!([
            "click-now",
            "click",
            "processQueue",
            "default",
            "processQueue",
            "processQueue"
        ]),
        "{r}"
    );
}

#[test]
fn in_form_uploads_first_then_submits() {
    let d = Dropzone::new(leak(
        DEFAULT
            .with_in_form(true)
            .with_upload_on_click(true)
            .with_upload_action(Some("/files"))
            .with_upload_btn_id("submit"),
    ));
    let r = run_init(
        &d,
        r#"dz.queued = 2;
button.click();
button.click(); // while uploading: still held back
while (dz.uploading > 0) { dz.uploading -= 1; dz.emit("complete"); }
dz.emit("queuecomplete");"#,
    );
    assert_eq!(
        r["log"],
        json!([
            "click",
            "processQueue",
            "prevented",
            "click",
            "prevented",
            "processQueue",
            "click",
            "default"
        ]),
        "{r}"
    );
    assert_eq!(r["submitted"], json!(true));
    // Nothing queued: the first click submits straight away.
    let r = run_init(&d, "button.click();");
    assert_eq!(r["log"], json!(["click", "default"]));
    assert_eq!(r["submitted"], json!(true));
}

#[test]
fn custom_init_runs_last_with_this_as_the_zone() {
    // Flask-Dropzone's documented idiom `dz = this` must keep working in strict mode.
    let d = Dropzone::new(leak(DEFAULT.with_upload_on_click(true).with_custom_init(Some(
            "dz = this; log.push(this === dz && this.element.id === \"myDropzone\" ? \"this is the zone\" : \"wrong this\"); log.push(\"handlers before: \" + this.handlers.complete.length)",
        ))));
    let r = run_init(&d, "");
    assert_eq!(
        r["log"],
        json!(["this is the zone", "handlers before: 1"]),
        "{r}"
    );
}
