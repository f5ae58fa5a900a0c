//! The page fragments in other template engines: [askama](https://docs.rs/askama) (feature
//! `askama`) and [minijinja](https://docs.rs/minijinja) (feature `minijinja`).
//!
//! The fragments are already escaped HTML. A template engine escapes whatever it prints unless
//! the value says it is safe, so printing maud's `Markup` from askama or minijinja would
//! either not compile or show the markup as text. [`Fragment`] and [`TemplateZone`] say it in
//! each engine's own terms, so a template prints them as they are, with no `|safe`:
//!
//! - everywhere: [`std::fmt::Display`] writes the HTML unchanged;
//! - askama: both implement `askama::filters::HtmlSafe` (askama's marker for values its HTML
//!   escaper must leave alone) and `askama::FastWritable`;
//! - minijinja: a [`Fragment`] converts into `minijinja::Value::from_safe_string`, and a
//!   [`TemplateZone`] into an object whose methods return such safe strings.
//!
//! Only the fragments are marked safe: every value inside them was escaped for its context when
//! they were rendered (see [`Dropzone`]). Other values of the template are escaped as usual.
//!
//! # askama
//!
//! ```ignore
//! #[derive(askama::Template)]
//! #[template(path = "index.html")] // {{ zone.load_css() }} … {{ zone.create() }} {{ zone.config() }}
//! struct Index { zone: TemplateZone }
//!
//! Index { zone: TemplateZone::of::<Photos>() }.render()
//! ```
//!
//! # minijinja
//!
//! ```ignore
//! let html = env.get_template("index.html")?
//!     .render(minijinja::context! { zone => TemplateZone::of::<Photos>() })?;
//! ```
//!
//! The object's methods are `load_css()`, `load_js()`, `create()`, `config()` and
//! `style(css)`. Printing the object itself (`{{ zone }}`) prints a note saying to call them,
//! because minijinja escapes every object it prints; an unknown method or a wrong argument is
//! a template error.

use std::fmt;

use maud::{Markup, Render};

use crate::DropzoneConfig;
use crate::render::Dropzone;

/// One rendered fragment: HTML whose values were escaped when it was made, for a template
/// engine to print as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fragment(String);

impl Fragment {
    /// The HTML.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The HTML, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl From<Markup> for Fragment {
    fn from(markup: Markup) -> Self {
        Fragment(markup.into_string())
    }
}

impl fmt::Display for Fragment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A zone for a template: the counterparts of Flask-Dropzone's helpers as methods that return
/// [`Fragment`]s, and, printed whole, the upload area followed by its script (as
/// [`Dropzone`] renders in maud).
///
/// Set the per-request values (nonce, CSRF token, URLs) on the [`Dropzone`] first:
/// `TemplateZone::from(Photos::dropzone().csrf_token(token.token()))`.
#[derive(Clone, Debug)]
pub struct TemplateZone(Dropzone);

impl TemplateZone {
    /// The zone `Z` with no per-request values.
    pub fn of<Z: DropzoneConfig>() -> Self {
        TemplateZone(Z::dropzone())
    }

    /// The Dropzone.js stylesheet `<link>` ([`Dropzone::load_css`]).
    pub fn load_css(&self) -> Fragment {
        self.0.load_css().into()
    }

    /// The Dropzone.js `<script src>` ([`Dropzone::load_js`]).
    pub fn load_js(&self) -> Fragment {
        self.0.load_js().into()
    }

    /// The upload area ([`Dropzone::create`]).
    pub fn create(&self) -> Fragment {
        self.0.create().into()
    }

    /// The configuration `<script>` ([`Dropzone::config`]).
    pub fn config(&self) -> Fragment {
        self.0.config().into()
    }

    /// A `<style>` block for this zone, `css` escaped so it cannot leave the rule
    /// ([`Dropzone::style`]).
    pub fn style(&self, css: &str) -> Fragment {
        self.0.style(css).into()
    }

    /// The [`Dropzone`] it renders.
    pub fn dropzone(&self) -> &Dropzone {
        &self.0
    }
}

impl From<Dropzone> for TemplateZone {
    fn from(zone: Dropzone) -> Self {
        TemplateZone(zone)
    }
}

impl fmt::Display for TemplateZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.render().into_string())
    }
}

#[cfg(feature = "askama")]
mod askama_impls {
    use super::{Fragment, TemplateZone};
    use askama::{FastWritable, Values, filters::HtmlSafe};
    use std::fmt;

    // Sound because a Fragment is only ever made from maud markup rendered by this crate,
    // where every value was escaped for its context.
    impl HtmlSafe for Fragment {}
    impl HtmlSafe for TemplateZone {}

    impl FastWritable for Fragment {
        fn write_into(&self, dest: &mut dyn fmt::Write, _: &dyn Values) -> askama::Result<()> {
            Ok(dest.write_str(self.as_str())?)
        }
    }

    impl FastWritable for TemplateZone {
        fn write_into(&self, dest: &mut dyn fmt::Write, _: &dyn Values) -> askama::Result<()> {
            Ok(write!(dest, "{self}")?)
        }
    }
}

#[cfg(feature = "minijinja")]
mod minijinja_impls {
    use super::{Fragment, TemplateZone};
    use minijinja::value::{Object, Value, from_args};
    use minijinja::{Error, ErrorKind, State};
    use std::fmt;
    use std::sync::Arc;

    impl From<Fragment> for Value {
        fn from(fragment: Fragment) -> Value {
            Value::from_safe_string(fragment.into_string())
        }
    }

    impl From<TemplateZone> for Value {
        fn from(zone: TemplateZone) -> Value {
            Value::from_object(zone)
        }
    }

    impl Object for TemplateZone {
        fn call_method(
            self: &Arc<Self>,
            _: &mut State<'_, '_>,
            method: &str,
            args: &[Value],
        ) -> Result<Value, Error> {
            let fragment = match method {
                "style" => {
                    let (css,): (&str,) = from_args(args)?;
                    self.style(css)
                }
                _ => {
                    let () = from_args(args)?;
                    match method {
                        "load_css" => self.load_css(),
                        "load_js" => self.load_js(),
                        "create" => self.create(),
                        "config" => self.config(),
                        _ => return Err(Error::from(ErrorKind::UnknownMethod)),
                    }
                }
            };
            Ok(fragment.into())
        }

        // minijinja HTML-escapes every object it prints (only strings can be safe), so the
        // zone's markup printed whole would show as text. Print what to write instead, which
        // makes the mistake plain on the page (an error here would panic inside minijinja).
        fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "[dropzone {:?}: print zone.create() and zone.config(), not the zone]",
                self.dropzone().options().id()
            )
        }
    }
}
