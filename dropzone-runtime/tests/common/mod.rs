//! Shared helpers for the renderer tests: hand-built options (the macros emit the same
//! literal) and running generated scripts in node.
#![allow(dead_code, unreachable_pub)]

pub mod dom;

use dropzone_runtime::options::{Accept, AcceptedFiles, AssetSource, Messages, Options, Version};
use std::io::Write as _;
use std::process::Command;

/// Flask-Dropzone's default texts.
pub const MESSAGES: Messages = Messages::DEFAULT
    .with_default_message("Drop files here or click to upload.")
    .with_invalid_file_type("You can't upload files of this type.")
    .with_file_too_big("File is too big {{filesize}}. Max filesize: {{maxFilesize}}MiB.")
    .with_server_error("Server error: {{statusCode}}")
    .with_browser_unsupported("Your browser does not support drag'n'drop file uploads.")
    .with_max_file_exceed("You can't upload any more files.")
    .with_cancel_upload("Cancel upload")
    .with_remove_file("Remove file")
    .with_cancel_confirmation("You really want to delete this file?")
    .with_upload_canceled("Upload canceled");

/// The `default` preset.
pub const DEFAULT_TYPES: AcceptedFiles = AcceptedFiles {
    list: "image/*, audio/*, video/*, text/*, application/*",
    rules: &[
        Accept::TopLevel("image"),
        Accept::TopLevel("audio"),
        Accept::TopLevel("video"),
        Accept::TopLevel("text"),
        Accept::TopLevel("application"),
    ],
};

/// The `image` preset.
pub const IMAGE_TYPES: AcceptedFiles = AcceptedFiles {
    list: "image/*",
    rules: &[Accept::TopLevel("image")],
};

/// What the macros emit for a zone with no options but `action = "/upload"`.
pub const DEFAULT: Options = Options::DEFAULT
    .with_id("myDropzone")
    .with_action("/upload")
    .with_version(Version::DEFAULT)
    .with_assets(AssetSource::Cdn)
    .with_max_file_size(3.0)
    .with_input_name("file")
    .with_accepted_files(DEFAULT_TYPES)
    .with_max_files(None)
    .with_timeout(None)
    .with_redirect_url(None)
    .with_upload_multiple(false)
    .with_parallel_uploads(2)
    .with_enable_csrf(false)
    .with_upload_action(None)
    .with_upload_on_click(false)
    .with_upload_btn_id("upload")
    .with_in_form(false)
    .with_messages(MESSAGES)
    .with_custom_init(None)
    .with_custom_options(None)
    .with_chunking(None)
    .with_strict_csp(false)
    .with_extra(&[]);

/// Every option set to something other than its default.
pub const EVERYTHING: Options = Options::DEFAULT
    .with_id("my-zone_2")
    .with_action("/up?x=1&y=2")
    .with_version(Version::V5_9_3)
    .with_assets(AssetSource::Local)
    .with_max_file_size(0.5)
    .with_input_name("upload")
    .with_accepted_files(AcceptedFiles {
        list: "image/*, .pdf",
        rules: &[Accept::TopLevel("image"), Accept::Extension(".pdf")],
    })
    .with_max_files(Some(4))
    .with_timeout(Some(0))
    .with_redirect_url(Some("/done?a=1&b=2"))
    .with_upload_multiple(true)
    .with_parallel_uploads(3)
    .with_enable_csrf(true)
    .with_upload_action(Some("/files"))
    .with_upload_on_click(true)
    .with_upload_btn_id("send-btn")
    .with_in_form(true)
    .with_messages(
        Messages::DEFAULT
            .with_default_message("Drop <b>here</b>")
            .with_invalid_file_type("Bad type <x>")
            .with_file_too_big("Too big {{filesize}} > {{maxFilesize}}")
            .with_server_error("Oops {{statusCode}}")
            .with_browser_unsupported("No \"drag\" here")
            .with_max_file_exceed("Max {{maxFiles}}")
            .with_cancel_upload("Stop & drop")
            .with_remove_file("Remove 'it'")
            .with_cancel_confirmation("Really?")
            .with_upload_canceled("Canceled."),
    )
    .with_custom_init(Some(
        "this.on(\"addedfile\", function () { window.__added = true; }) // trailing",
    ))
    .with_custom_options(Some("addRemoveLinks: true // trailing comment"))
    .with_chunking(None)
    .with_strict_csp(false)
    .with_extra(&[]);

/// Options with a different lifetime than `'static`, for per-test variations.
pub fn leak(o: Options) -> &'static Options {
    Box::leak(Box::new(o))
}

/// A `&'static str` built at run time.
pub fn leak_str(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The text between the first `>` of the opening `<script…>` and the last `</script>`.
/// The scripts of rendered markup as a fake browser meets them, as one JavaScript source: a
/// data block (`<script type="application/json" data-dropzone-rs="ID">`) becomes
/// `__dzBlock(ID, TEXT)`, which adds it to the fake document; inline code is itself; the init
/// file's `<script src>` is [`dropzone_runtime::INIT_JS`]; other `<script src>` are skipped.
pub fn page_js(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find("<script") {
        let tag_end = at + rest[at..].find('>').expect("tags are closed");
        let tag = &rest[at..=tag_end];
        let body_end = tag_end
            + rest[tag_end..]
                .find("</script>")
                .expect("scripts are closed");
        let body = &rest[tag_end + 1..body_end];
        if let Some(id) = tag_attr(tag, "data-dropzone-rs") {
            let call = format!(
                "__dzBlock({}, {});\n",
                serde_json::to_string(&id).unwrap(),
                serde_json::to_string(body).unwrap()
            );
            out.push_str(&call);
        } else if let Some(src) = tag_attr(tag, "src") {
            if src == dropzone_runtime::INIT_SCRIPT_URL {
                out.push_str(dropzone_runtime::INIT_JS);
            }
        } else {
            out.push_str(body);
            out.push('\n');
        }
        rest = &rest[body_end + "</script>".len()..];
    }
    out
}

/// The unescaped value of attribute `name` in a start tag written as the renderer writes one.
pub fn tag_attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(html_unescape(&tag[start..start + len]))
}

/// A zone's data as [`page_js`] gives it (its `config()`).
pub fn zone_js(d: &dropzone_runtime::Dropzone) -> String {
    page_js(&d.config().into_string())
}

/// The fake document's data blocks: `__dzBlock(id, text)` appends one, as the parser would;
/// `document.getElementsByTagName("script")` lists them. Defined before the page's globals
/// are counted.
pub const FAKE_BLOCKS: &str = r#"
const dzBlocks = [];
function dzAttrs(attrs) {
  return { attrs, getAttribute(n) { return Object.prototype.hasOwnProperty.call(this.attrs, n) ? this.attrs[n] : null; } };
}
function addBlocks(ctx, document) {
  ctx.__dzBlock = (id, text) => {
    dzBlocks.push(Object.assign(dzAttrs({ type: "application/json", "data-dropzone-rs": id }), { nodeName: "SCRIPT", text, textContent: text }));
  };
  document.getElementsByTagName = (t) => (t === "script" ? dzBlocks.slice() : []);
}
"#;

pub fn script_body(markup: &str) -> &str {
    let start = markup.find('>').expect("opening tag") + 1;
    let end = markup.rfind("</script>").expect("closing tag");
    &markup[start..end]
}

/// Runs `node` on `source` (written to a temporary file) with `args` before the file name.
/// Returns stdout; panics with stderr when node fails.
pub fn node(args: &[&str], source: &str) -> String {
    let mut file = tempfile::Builder::new()
        .suffix(".js")
        .tempfile()
        .expect("temp file");
    file.write_all(source.as_bytes()).expect("write script");
    let out = Command::new("node")
        .args(args)
        .arg(file.path())
        .output()
        .expect("node is installed");
    assert!(
        out.status.success(),
        "node failed: {}\n--- source ---\n{source}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The fake browser used by the behavioural tests: `window`, `document` with `readyState`,
/// `getElementById` and `addEventListener`, and a `Dropzone` constructor that records its
/// calls. `scripts` is a JS array expression of config-script sources (strings); `order` is
/// `"before"` (library defined before the scripts run), `"after"` (defined after them, but
/// before `DOMContentLoaded`) or `"now"` (library defined and document parsed already). Prints one JSON report.
pub fn fake_dom_harness(scripts: &str, ids: &[&str], order: &str) -> String {
    let ids = serde_json::to_string(ids).unwrap();
    let blocks = FAKE_BLOCKS;
    format!(
        r#""use strict";
const vm = require("vm");
const scripts = {scripts};
const ids = {ids};
const order = {order:?};
const docListeners = {{}}, winListeners = {{}};
const elements = {{}};
for (const id of ids) elements[id] = {{ id, nodeName: "FORM", parentNode: null }};
const calls = [];
const json = (v) => JSON.parse(JSON.stringify(v, (k, x) => typeof x === "function" ? "[function]" : x));
function FakeDropzone(element, options) {{
  if (element.dropzone) throw new Error("Dropzone already attached.");
  element.dropzone = this;
  this.element = element;
  this.options = options;
  this.handlers = {{}};
  calls.push({{ id: element.id, options }});
  if (options && typeof options.init === "function") options.init.call(this);
}}
FakeDropzone.prototype.on = function (ev, fn) {{ (this.handlers[ev] = this.handlers[ev] || []).push(fn); return this; }};
FakeDropzone.options = {{}};
const document = {{
  readyState: "loading",
  getElementById: (id) => elements[id] || null,
  addEventListener: (ev, fn) => {{ (docListeners[ev] = docListeners[ev] || []).push(fn); }},
}};
const window = {{
  document,
  addEventListener: (ev, fn) => {{ (winListeners[ev] = winListeners[ev] || []).push(fn); }},
}};
window.window = window;
const ctx = vm.createContext(window);
{blocks}
addBlocks(ctx, document);
const before = new Set(Object.getOwnPropertyNames(ctx));
if (order === "before" || order === "now") ctx.Dropzone = FakeDropzone;
if (order === "now") document.readyState = "complete";
for (const s of scripts) vm.runInContext(s, ctx);
const callsAfterScripts = calls.length;
const optionsBeforeLoad = ctx.Dropzone ? json(ctx.Dropzone.options) : null;
if (order === "after") ctx.Dropzone = FakeDropzone;
document.readyState = "interactive";
for (const fn of docListeners.DOMContentLoaded || []) fn();
document.readyState = "complete";
for (const fn of winListeners.load || []) fn();
const after = Object.getOwnPropertyNames(ctx).filter((n) => !before.has(n) && n !== "Dropzone");
console.log(JSON.stringify({{
  calls: calls.map((c) => ({{ id: c.id, options: json(c.options) }})),
  options: json(FakeDropzone.options),
  newGlobals: after,
  optionsBeforeLoad,
  callsAfterScripts,
}}));
"#
    )
}

pub fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Attribute names and unescaped values, in order.
pub type Attrs = Vec<(String, String)>;

/// Parses the start tag at the front of `s`, which must be exactly
/// `<name( attr="value")*>` with no `<`, `>` or `"` inside values; returns the attributes
/// (unescaped) and the rest.
pub fn start_tag<'a>(s: &'a str, name: &str) -> Result<(Attrs, &'a str), String> {
    let mut rest = s
        .strip_prefix('<')
        .and_then(|r| r.strip_prefix(name))
        .ok_or_else(|| format!("expected <{name} in {s:?}"))?;
    let mut attrs = Vec::new();
    loop {
        if let Some(r) = rest.strip_prefix('>') {
            return Ok((attrs, r));
        }
        let r = rest
            .strip_prefix(' ')
            .ok_or_else(|| format!("bad tag {s:?}"))?;
        let eq = r
            .find("=\"")
            .ok_or_else(|| format!("bad attribute in {s:?}"))?;
        let attr = &r[..eq];
        if attr.is_empty() || !attr.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
            return Err(format!("bad attribute name {attr:?} in {s:?}"));
        }
        let v = &r[eq + 2..];
        let end = v
            .find('"')
            .ok_or_else(|| format!("unterminated value in {s:?}"))?;
        let value = &v[..end];
        if value.contains(['<', '>']) {
            return Err(format!("raw < or > in attribute of {s:?}"));
        }
        attrs.push((attr.to_owned(), html_unescape(value)));
        rest = &v[end + 1..];
    }
}

pub fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}
