//! The Dropzone.js files embedded in this crate, and the router that serves them.
//!
//! Two releases are embedded byte for byte as npm publishes them (see [`RELEASES`] for their
//! SRI values and `assets/dropzone/SHA256SUMS` in the crate for their sha256): Dropzone.js
//! 6.3.5, the default, and 5.9.3, the release Flask-Dropzone 2.0 bundles. Zones declared with
//! `serve_local = true` point the page at [`local_url`]s, which [`router`] answers:
//!
//! ```no_run
//! use axum::{Router, routing::get};
//!
//! let app: Router = Router::new()
//!     .route("/", get(|| async { "the page" }))
//!     .merge(dropzone_runtime::assets::router());
//! # let _ = app;
//! ```
//!
//! Dropzone.js is MIT-licensed and its minified bundles carry no banner, so the license texts
//! are embedded too ([`license_text`]); ship them with an application that serves the files.

use crate::options::Version;

mod serve;

pub use serve::router;

/// Where the local copies are mounted (the counterpart of Flask-Dropzone's `/dropzone/static`).
pub const MOUNT: &str = "/dropzone/static";

/// The files of one Dropzone.js release: their paths inside the npm package and their SRI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReleaseFiles {
    /// The release.
    pub version: Version,
    /// Path of the standalone script inside the npm package (also its jsDelivr path).
    pub js_path: &'static str,
    /// Path of the stylesheet inside the npm package.
    pub css_path: &'static str,
    /// `integrity` of the script, computed from the npm tarball's bytes.
    pub js_integrity: &'static str,
    /// `integrity` of the stylesheet.
    pub css_integrity: &'static str,
}

/// The releases this crate knows exactly (and embeds); SRI values are from the npm tarballs
/// and checked against the embedded bytes by a test.
pub const RELEASES: [ReleaseFiles; 2] = [
    ReleaseFiles {
        version: Version::V5_9_3,
        js_path: "dist/min/dropzone.min.js",
        css_path: "dist/min/dropzone.min.css",
        js_integrity: "sha384-PwiT+fWTPpIySx6DrH1FKraKo+LvVpOClsjx0TSdMYTKi7BR1hR149f4VHLUUnfA",
        css_integrity: "sha384-hKRH7ZmTc4+t+iae668SDRfEsjc7HT3VrEMKuSwiDUK4pNQXd/v9BPVpIa0OLlp7",
    },
    ReleaseFiles {
        version: Version::V6_3_5,
        js_path: "dist/dropzone-min.js",
        css_path: "dist/dropzone.css",
        js_integrity: "sha384-wHTterC8uaPhGVKg8kmSlqcmI8CCFkOI+Mn51O3udobTBX0vQLs6a18vJqh0AnW3",
        css_integrity: "sha384-asD8pW//1IYJd67ZZn/Eyo31U/YtixrhsNyn90jnZTEIgTpYfE2mkwGYVWHwg2vD",
    },
];

/// The exact-known files of `version`, if this crate embeds that release.
pub fn release(version: &Version) -> Option<&'static ReleaseFiles> {
    RELEASES.iter().find(|r| r.version.text == version.text)
}

/// The package paths of the script and stylesheet for any release of a major line
/// (5.x keeps them under `dist/min/`, 6.x renamed them); `None` for other majors.
pub fn package_paths(version: &Version) -> Option<(&'static str, &'static str)> {
    match version.major {
        5 => Some(("dist/min/dropzone.min.js", "dist/min/dropzone.min.css")),
        6 => Some(("dist/dropzone-min.js", "dist/dropzone.css")),
        _ => None,
    }
}

/// The jsDelivr URL of a package file, e.g. `https://cdn.jsdelivr.net/npm/dropzone@6.3.5/dist/dropzone.css`.
pub fn cdn_url(version: &Version, path: &str) -> String {
    format!(
        "https://cdn.jsdelivr.net/npm/dropzone@{}/{}",
        version.text, path
    )
}

/// The local URL of an embedded file: `/dropzone/static/<version>/<file name>`.
pub fn local_url(version: &Version, path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    format!("{MOUNT}/{}/{file}", version.text)
}

/// One Dropzone.js file embedded in this crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmbeddedFile {
    /// The release it belongs to.
    pub version: Version,
    /// Its path inside the npm package, e.g. `dist/dropzone-min.js`.
    pub package_path: &'static str,
    /// The name it is served under: `{MOUNT}/{version}/{name}` (the package path's basename).
    pub name: &'static str,
    /// The `Content-Type` it is served with.
    pub content_type: &'static str,
    /// The exact bytes from the npm tarball.
    pub bytes: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// Every embedded file (scripts and stylesheets of each of [`RELEASES`]).
pub const EMBEDDED: [EmbeddedFile; 4] = [
    EmbeddedFile {
        version: Version::V5_9_3,
        package_path: "dist/min/dropzone.min.js",
        name: "dropzone.min.js",
        content_type: JS,
        bytes: include_bytes!("../assets/dropzone/5.9.3/dropzone.min.js"),
    },
    EmbeddedFile {
        version: Version::V5_9_3,
        package_path: "dist/min/dropzone.min.css",
        name: "dropzone.min.css",
        content_type: CSS,
        bytes: include_bytes!("../assets/dropzone/5.9.3/dropzone.min.css"),
    },
    EmbeddedFile {
        version: Version::V6_3_5,
        package_path: "dist/dropzone-min.js",
        name: "dropzone-min.js",
        content_type: JS,
        bytes: include_bytes!("../assets/dropzone/6.3.5/dropzone-min.js"),
    },
    EmbeddedFile {
        version: Version::V6_3_5,
        package_path: "dist/dropzone.css",
        name: "dropzone.css",
        content_type: CSS,
        bytes: include_bytes!("../assets/dropzone/6.3.5/dropzone.css"),
    },
];

/// The embedded file served as `{MOUNT}/{version}/{name}`, if there is one.
pub fn embedded_file(version: &str, name: &str) -> Option<&'static EmbeddedFile> {
    EMBEDDED
        .iter()
        .find(|f| f.version.text == version && f.name == name)
}

/// The embedded file of `version` at `path` inside the npm package, if there is one.
pub fn embedded_package_file(version: &Version, path: &str) -> Option<&'static EmbeddedFile> {
    EMBEDDED
        .iter()
        .find(|f| f.version.text == version.text && f.package_path == path)
}

/// The MIT license text shipped in the npm package of an embedded release.
pub fn license_text(version: &Version) -> Option<&'static str> {
    match version.text {
        "5.9.3" => Some(include_str!("../assets/dropzone/5.9.3/LICENSE")),
        "6.3.5" => Some(include_str!("../assets/dropzone/6.3.5/LICENSE")),
        _ => None,
    }
}
