//! `config`: the script that starts one zone.
//!
//! Both modes run the same code, [`INIT_JS`](super::INIT_JS) (`assets/dropzone-rs/init.js`):
//!
//! - **Default mode**: one inline `<script>` per zone, Flask-Dropzone's shape. It declares the
//!   zone (its spec, plus `custom_init`/`custom_options` as functions) in a strict-mode wrapper
//!   and embeds the init code verbatim, which picks the zone up from that enclosing scope:
//!
//!   ```text
//!   (function () {
//!     "use strict";
//!     var __dropzone_rs_zone__ = {"id": …, "spec": {…}, init: …, custom: …};
//!   <init.js>
//!   })();
//!   ```
//!
//! - **Strict CSP mode**: `<script src="…/init.js" defer>`; the spec is the element's
//!   `data-dropzone` attribute (see [`Dropzone::create`]).
//!
//! The init code marks `Dropzone.options[<camelized id>] = false` as soon as the library
//! exists (5.x auto-discovery then skips the element) and calls `new Dropzone` once the library
//! and the element exist, whichever order the library, the zone and the script appear in.

use super::Dropzone;
use super::escape::{raw_script, script_json};
use std::fmt::Write as _;

/// The name the inline wrapper declares and `init.js` looks up with `typeof`.
pub(super) const INLINE_ZONE_VAR: &str = "__dropzone_rs_zone__";

impl Dropzone {
    /// `custom_init` as a function of the zone: `this` and `dz` are the zone, as before.
    fn custom_init_js(&self) -> Option<String> {
        let code = self.options.custom_init()?;
        let mut code = code.to_owned();
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
    fn custom_options_js(&self) -> Option<String> {
        let custom = self.options.custom_options()?;
        let mut custom = custom.to_owned();
        if !custom.trim_end().ends_with(',') {
            custom.push(',');
        }
        Some(format!(
            "function () {{\n      return {{\n{}\n      }};\n    }}",
            raw_script(&custom)
        ))
    }

    /// The inline script body (default mode, without the `<script>` element).
    pub(super) fn config_script(&self) -> String {
        let mut s = String::from("(function () {\n  \"use strict\";\n");
        let _ = write!(
            s,
            "  var {INLINE_ZONE_VAR} = {{\n    \"id\": {},\n    \"spec\": {}",
            script_json(self.options.id()),
            self.spec_json()
        );
        if let Some(init) = self.custom_init_js() {
            let _ = write!(s, ",\n    \"init\": {init}");
        }
        if let Some(custom) = self.custom_options_js() {
            let _ = write!(s, ",\n    \"custom\": {custom}");
        }
        s.push_str("\n  };\n");
        s.push_str(super::INIT_JS);
        s.push_str("})();\n");
        s
    }
}
