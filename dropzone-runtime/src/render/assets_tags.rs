//! `load_css` and `load_js`: the `<link>` and `<script src>` of the Dropzone.js release, and
//! the init code after the library. Written once per zone (see [`super::page`]), as maud
//! would write them: attributes in this order, values escaped by [`push_attr`].

use super::escape::push_attr;
use super::page::{Hole, Writer};
use crate::assets;
use crate::options::{AssetSource, Options, Version};

/// One asset URL plus its SRI hash when the exact bytes are known.
struct Asset {
    url: String,
    integrity: Option<&'static str>,
}

/// Which file of the release.
#[derive(Clone, Copy)]
enum Kind {
    Js,
    Css,
}

/// The package path of `kind` for `version`: the exact table for embedded releases, else the
/// layout of its major line (6.x for unknown majors, which the macros do not let through).
fn package_path(version: &Version, kind: Kind) -> &'static str {
    let (js, css) = match assets::release(version) {
        Some(r) => (r.js_path, r.css_path),
        None => assets::package_paths(version)
            .or_else(|| assets::package_paths(&Version::DEFAULT))
            .expect("the default version has package paths"),
    };
    match kind {
        Kind::Js => js,
        Kind::Css => css,
    }
}

fn asset(version: &Version, source: &AssetSource, kind: Kind) -> Asset {
    match *source {
        AssetSource::Custom { js, css } => Asset {
            url: match kind {
                Kind::Js => js,
                Kind::Css => css,
            }
            .to_owned(),
            integrity: None,
        },
        AssetSource::Local => Asset {
            url: assets::local_url(version, package_path(version, kind)),
            integrity: None,
        },
        // Only a release whose bytes this crate knows gets SRI: a hash for another version
        // would make the browser refuse the file.
        AssetSource::Cdn => Asset {
            url: assets::cdn_url(version, package_path(version, kind)),
            integrity: assets::release(version).map(|r| match kind {
                Kind::Js => r.js_integrity,
                Kind::Css => r.css_integrity,
            }),
        },
    }
}

/// ` name="value"`, the value attribute-escaped.
fn attr(w: &mut Writer, name: &str, value: &str) {
    let mut escaped = String::with_capacity(value.len());
    push_attr(&mut escaped, value);
    w.raw(&format!(" {name}=\"{escaped}\""));
}

fn sri(w: &mut Writer, a: &Asset) {
    if let Some(integrity) = a.integrity {
        attr(w, "integrity", integrity);
        w.raw(" crossorigin=\"anonymous\"");
    }
}

/// `<link rel="stylesheet" href="…"( integrity="…" crossorigin="anonymous")?( nonce="…")?>`.
pub(super) fn write_load_css(o: &Options, w: &mut Writer) {
    let a = asset(&o.version(), &o.assets(), Kind::Css);
    w.raw("<link rel=\"stylesheet\"");
    attr(w, "href", &a.url);
    sri(w, &a);
    w.hole(Hole::Nonce);
    w.raw(">");
}

/// The library's `<script src>`, then the init code.
pub(super) fn write_load_js(o: &Options, w: &mut Writer) {
    let a = asset(&o.version(), &o.assets(), Kind::Js);
    w.raw("<script");
    attr(w, "src", &a.url);
    sri(w, &a);
    w.hole(Hole::Nonce);
    w.raw("></script>");
    // The init file comes from the assets router, which a page with local assets has merged
    // and a strict page needs (it allows no inline code). A page whose library comes from
    // elsewhere may not have the router: it gets the code inline, once.
    if o.strict_csp() || matches!(o.assets(), AssetSource::Local) {
        w.raw("<script");
        attr(w, "src", super::INIT_SCRIPT_URL);
        w.raw(" defer");
        w.hole(Hole::Nonce);
        w.raw("></script>");
    } else {
        w.raw("<script");
        w.hole(Hole::Nonce);
        w.raw(">");
        w.raw(super::INIT_JS);
        w.raw("</script>");
    }
}
