//! The Dropzone.js files embedded in this crate, and the router that serves them.
//!
//! SKELETON: the file table below is the contract; embedding and the router are being written.

use crate::options::Version;

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
    format!("https://cdn.jsdelivr.net/npm/dropzone@{}/{}", version.text, path)
}

/// The local URL of an embedded file: `/dropzone/static/<version>/<file name>`.
pub fn local_url(version: &Version, path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    format!("{MOUNT}/{}/{file}", version.text)
}
