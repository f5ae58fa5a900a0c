//! `config` and `create`: the zone's element and its data, written once per zone.
//!
//! - **Default mode**: `create()` is the bare element; `config()` is the zone's spec in a data
//!   block, which no browser executes and the init script reads:
//!
//!   ```text
//!   <script type="application/json" data-dropzone-rs="myDropzone">{"v":1,"options":{…}}</script>
//!   ```
//!
//!   A zone with `custom_init`/`custom_options` also gets an inline script right after it that
//!   hands those functions to its data block (as a `dropzoneRs` property of the element), so
//!   raw code never travels through JSON and the page defines no global.
//!
//! - **Strict CSP mode**: the spec is the element's `data-dropzone` attribute and `config()`
//!   is empty: a strict page runs no inline script.
//!
//! Either way the init code itself ([`INIT_JS`](super::INIT_JS)) is on the page once, from
//! [`Dropzone::load_js`](super::Dropzone::load_js).

use super::escape::{push_attr, raw_script, script_json};
use super::page::{Built, Ctx, Hole, Writer};
use super::spec::write_spec;
use crate::options::Options;

/// The attribute that marks a zone's data block; its value is the zone element's id.
pub(super) const DATA_ATTR: &str = "data-dropzone-rs";

/// `custom_init` as a function of the zone: `this` and `dz` are the zone, as before.
fn custom_init_js(o: &Options) -> Option<String> {
    let mut code = o.custom_init()?.to_owned();
    if !code.trim_end().ends_with(';') {
        code.push(';');
    }
    // On its own lines so a trailing `//` comment cannot swallow anything.
    Some(format!(
        "function (dz) {{\n      (function () {{\n{}\n      }}).call(dz);\n    }}",
        raw_script(&code)
    ))
}

/// `custom_options` as a function returning the object, evaluated when the zone starts
/// and applied after every generated option (upstream #16).
fn custom_options_js(o: &Options) -> Option<String> {
    let mut custom = o.custom_options()?.to_owned();
    if !custom.trim_end().ends_with(',') {
        custom.push(',');
    }
    Some(format!(
        "function () {{\n      return {{\n{}\n      }};\n    }}",
        raw_script(&custom)
    ))
}

/// The inline script that gives the zone's data block (the last one before it with this id)
/// its custom functions; `None` when the zone has none.
fn code_script(o: &Options) -> Option<String> {
    let init = custom_init_js(o);
    let custom = custom_options_js(o);
    if init.is_none() && custom.is_none() {
        return None;
    }
    let mut fields = Vec::new();
    if let Some(init) = init {
        fields.push(format!("\"init\": {init}"));
    }
    if let Some(custom) = custom {
        fields.push(format!("\"custom\": {custom}"));
    }
    Some(format!(
        "(function () {{\n  \"use strict\";\n  var s = document.getElementsByTagName(\"script\");\n  \
         for (var i = s.length - 1; i >= 0; i--) {{\n    \
         if (s[i].getAttribute({attr}) === {id}) {{\n      s[i].dropzoneRs = {{\n    {fields}\n  }};\n      return;\n    }}\n  }}\n}})();\n",
        attr = script_json(DATA_ATTR),
        id = script_json(o.id()),
        fields = fields.join(",\n    "),
    ))
}

/// The element: `<form …>` or, in form mode, `<div …>`, with `data-dropzone` in strict mode.
fn write_create(o: &Options, zone: &str, w: &mut Writer) {
    let mut id = String::new();
    push_attr(&mut id, o.id());
    if o.in_form() {
        w.raw(&format!("<div class=\"dropzone\" id=\"{id}\""));
    } else {
        w.raw("<form action=\"");
        w.hole(Hole::Action);
        w.raw(&format!(
            "\" method=\"post\" class=\"dropzone\" id=\"{id}\" enctype=\"multipart/form-data\""
        ));
    }
    if o.strict_csp() {
        w.raw(" data-dropzone=\"");
        w.set_ctx(Ctx::Attr);
        write_spec(o, zone, w);
        w.set_ctx(Ctx::Text);
        w.raw("\"");
    }
    w.raw(if o.in_form() { "></div>" } else { "></form>" });
}

fn write_config(o: &Options, zone: &str, w: &mut Writer) {
    if o.strict_csp() {
        return;
    }
    let mut id = String::new();
    push_attr(&mut id, o.id());
    w.raw(&format!(
        "<script type=\"application/json\" {DATA_ATTR}=\"{id}\""
    ));
    w.hole(Hole::Nonce);
    w.raw(">");
    w.set_ctx(Ctx::Text);
    write_spec(o, zone, w);
    w.raw("</script>");
    if let Some(code) = code_script(o) {
        w.raw("<script");
        w.hole(Hole::Nonce);
        w.raw(">");
        w.raw(&code);
        w.raw("</script>");
    }
}

impl Built {
    /// Builds every request-independent fragment of a zone.
    pub(super) fn new(o: &Options, zone: &str) -> Self {
        let mut create = Writer::default();
        write_create(o, zone, &mut create);
        let mut config = Writer::default();
        write_config(o, zone, &mut config);
        let mut load_css = Writer::default();
        super::assets_tags::write_load_css(o, &mut load_css);
        let mut load_js = Writer::default();
        super::assets_tags::write_load_js(o, &mut load_js);
        let mut style_open = Writer::default();
        super::style::write_style_open(Some(o.id()), &mut style_open);
        Built {
            load_css: load_css.finish(),
            load_js: load_js.finish(),
            style_open: style_open.finish(),
            create: create.finish(),
            config: config.finish(),
        }
    }
}
