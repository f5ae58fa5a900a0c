//! A fake browser for init.js: elements with ids and `data-dropzone` attributes, a Dropzone
//! constructor that records its calls and replays the library's event order, and the load
//! orders of a real page.

use serde_json::Value;

/// One element of the fake page: its id and its `data-dropzone` attribute, if any.
pub struct El<'a> {
    pub id: &'a str,
    pub data: Option<&'a str>,
}

impl<'a> El<'a> {
    /// An element with only an id (a default-mode zone).
    pub fn id(id: &'a str) -> Self {
        El { id, data: None }
    }
}

const HARNESS: &str = r#""use strict";
BLOCKS
const vm = require("vm");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const docListeners = {}, winListeners = {};
const els = input.elements.map((e) => ({
  id: e.id, nodeName: "FORM", parentNode: null,
  attrs: Object.assign({ id: e.id }, e.data === null ? {} : { "data-dropzone": e.data }),
  getAttribute(n) { return Object.prototype.hasOwnProperty.call(this.attrs, n) ? this.attrs[n] : null; },
}));
const calls = [], log = [], out = {};
const json = (v) => JSON.parse(JSON.stringify(v, (k, x) => typeof x === "function" ? "[function]" : x));
function preview() {
  const set = new Set();
  return { set, classList: { add: (c) => set.add(c), remove: (c) => set.delete(c) } };
}
function FakeDropzone(element, options) {
  if (element.dropzone) throw new Error("Dropzone already attached.");
  element.dropzone = this;
  this.element = element;
  this.options = Object.assign({ dictResponseError: "Server responded with {{statusCode}} code." }, options);
  this.handlers = {};
  calls.push({ id: element.id, options });
  // The library's default UI handlers (options.ts `success`/`error`), attached before init.
  this.on("success", (f) => f.previewElement.classList.add("dz-success"));
  this.on("error", (f, m) => {
    f.previewElement.classList.add("dz-error");
    f.shown = typeof m !== "string" && m.error ? m.error : m;
  });
  if (typeof this.options.init === "function") this.options.init.call(this);
}
FakeDropzone.SUCCESS = "success";
FakeDropzone.ERROR = "error";
FakeDropzone.options = {};
const P = FakeDropzone.prototype;
P.on = function (ev, fn) { (this.handlers[ev] = this.handlers[ev] || []).push(fn); return this; };
P.emit = function (ev, ...args) {
  log.push(ev + (args[0] && args[0].name ? ":" + args[0].name : ""));
  for (const fn of this.handlers[ev] || []) fn.apply(this, args);
};
P.getQueuedFiles = () => [];
P.getUploadingFiles = () => [];
P.processQueue = () => {};
P.files = function (...names) {
  return names.map((name) => ({ name, status: "uploading", previewElement: preview() }));
};
// `_finished` and `_errorProcessing` of 5.9.3 and 6.3.5: per-file events, then the batch ones.
P.finished = function (files, response) {
  for (const f of files) { f.status = "success"; this.emit("success", f, response); this.emit("complete", f); }
  if (this.options.uploadMultiple) { this.emit("successmultiple", files, response); this.emit("completemultiple", files); }
};
P.failed = function (files, message, xhr) {
  for (const f of files) { f.status = "error"; this.emit("error", f, message, xhr); this.emit("complete", f); }
  if (this.options.uploadMultiple) { this.emit("errormultiple", files, message, xhr); this.emit("completemultiple", files); }
};
const state = (f) => ({ status: f.status, classes: [...f.previewElement.set].sort(), shown: f.shown === undefined ? null : f.shown });
const document = {
  readyState: "loading",
  getElementById: (id) => els.find((e) => e.id === id) || null,
  querySelectorAll: (sel) => {
    if (sel !== "[data-dropzone]") throw new Error("unexpected selector " + sel);
    return els.filter((e) => e.getAttribute("data-dropzone") !== null);
  },
  addEventListener: (ev, fn) => { (docListeners[ev] = docListeners[ev] || []).push(fn); },
};
const window = {
  document, location: { href: "/page" }, setTimeout,
  addEventListener: (ev, fn) => { (winListeners[ev] = winListeners[ev] || []).push(fn); },
};
window.window = window;
const ctx = vm.createContext(window);
addBlocks(ctx, document);
// 5.x auto-discovery: when the library loads it registers a DOMContentLoaded listener that
// starts a default Dropzone on every form whose Dropzone.options entry is not false.
const camelize = (id) => id.replace(/[\-_](\w)/g, (m) => m.charAt(1).toUpperCase());
FakeDropzone.optionsForElement = (el) => (el.getAttribute("id") ? FakeDropzone.options[camelize(el.getAttribute("id"))] : undefined);
const discovered = [];
function loadLibrary() {
  ctx.Dropzone = FakeDropzone;
  document.addEventListener("DOMContentLoaded", () => {
    for (const el of els) {
      if (ctx.Dropzone.optionsForElement(el) !== false) {
        discovered.push(el.id);
        if (!el.dropzone) new FakeDropzone(el, {});
      }
    }
  });
}
const before = new Set(Object.getOwnPropertyNames(ctx));
if (input.order === "before" || input.order === "now") loadLibrary();
if (input.order === "now") document.readyState = "complete";
for (const s of input.scripts) vm.runInContext(s, ctx);
const optionsBeforeLoad = ctx.Dropzone ? json(FakeDropzone.options) : null;
if (input.order === "after") loadLibrary();
document.readyState = "interactive";
for (const fn of docListeners.DOMContentLoaded || []) fn();
document.readyState = "complete";
for (const fn of winListeners.load || []) fn();
const zone = (id) => document.getElementById(id).dropzone;
STEPS
const newGlobals = Object.getOwnPropertyNames(ctx).filter((n) => !before.has(n) && n !== "Dropzone");
console.log(JSON.stringify({
  calls: calls.map((c) => ({ id: c.id, options: json(c.options) })),
  options: json(FakeDropzone.options), optionsBeforeLoad, newGlobals, log, out, discovered,
  href: window.location.href,
}));
"#;

/// Runs `scripts` (JavaScript sources, in page order) against a page holding `elements`, the
/// library arriving `order` = `"before"` the scripts, `"after"` them (before
/// `DOMContentLoaded`) or `"now"` (document parsed already); then runs `steps`, JavaScript
/// with `zone(id)` = the instance, `out` = an object to report, `state(file)`.
pub fn run(scripts: &[String], elements: &[El<'_>], order: &str, steps: &str) -> Value {
    let input = serde_json::json!({
        "scripts": scripts,
        "elements": elements.iter().map(|e| serde_json::json!({"id": e.id, "data": e.data})).collect::<Vec<_>>(),
        "order": order,
    });
    let source = HARNESS
        .replace("BLOCKS", super::FAKE_BLOCKS)
        .replace("STEPS", steps);
    let mut file = tempfile::Builder::new().suffix(".js").tempfile().unwrap();
    std::io::Write::write_all(&mut file, source.as_bytes()).unwrap();
    let mut child = std::process::Command::new("node")
        .arg(file.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node is installed");
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        input.to_string().as_bytes(),
    )
    .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("harness prints JSON")
}
