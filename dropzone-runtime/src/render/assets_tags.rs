//! `load_css` and `load_js`: the `<link>` and `<script src>` of the Dropzone.js release, and
//! the init code after the library.

use crate::assets;
use crate::options::{AssetSource, Version};
use maud::{Markup, PreEscaped, html};

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

pub(super) fn load_css(version: &Version, source: &AssetSource, nonce: Option<&str>) -> Markup {
    let a = asset(version, source, Kind::Css);
    html! {
        link rel="stylesheet" href=(a.url) integrity=[a.integrity]
            crossorigin=[a.integrity.map(|_| "anonymous")] nonce=[nonce];
    }
}

pub(super) fn load_js(
    version: &Version,
    source: &AssetSource,
    strict_csp: bool,
    nonce: Option<&str>,
) -> Markup {
    let a = asset(version, source, Kind::Js);
    // The init file comes from the assets router, which a page with local assets has merged
    // and a strict page needs (it allows no inline code). A page whose library comes from
    // elsewhere may not have the router: it gets the code inline, once.
    let init_file = strict_csp || matches!(source, AssetSource::Local);
    html! {
        script src=(a.url) integrity=[a.integrity]
            crossorigin=[a.integrity.map(|_| "anonymous")] nonce=[nonce] {}
        @if init_file {
            script src=(super::INIT_SCRIPT_URL) defer nonce=[nonce] {}
        } @else {
            script nonce=[nonce] { (PreEscaped(super::INIT_JS)) }
        }
    }
}
