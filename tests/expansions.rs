//! The macros' expansions, compiled as ordinary code under strict lints: `cargo clippy
//! --all-targets -- -D warnings` and rustc's own lints both run over them here.
#![deny(warnings, clippy::all, unused_qualifications, unused_results)]

use dropzone_runtime::options::{Accept, AssetSource};
use dropzone_runtime::{DropzoneConfig, dropzone};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", max_file_size = 3.5, max_files = 2, timeout = 0)]
#[dropzone(
    allowed_file_custom = true,
    allowed_file_type = "image/png, .pdf, text/*"
)]
struct Zone;

#[derive(DropzoneConfig)]
#[dropzone(
    in_form = true,
    upload_on_click = true,
    upload_action = "/files",
    serve_local = true
)]
enum InForm {}

#[test]
fn derived_options() {
    let o = Zone::OPTIONS;
    assert_eq!(o.max_file_size(), 3.5);
    assert_eq!(o.max_files(), Some(2));
    assert_eq!(o.timeout(), Some(0));
    assert_eq!(o.accepted_files().list, "image/png, .pdf, text/*");
    assert_eq!(
        o.accepted_files().rules,
        &[
            Accept::MediaType("image/png"),
            Accept::Extension(".pdf"),
            Accept::TopLevel("text")
        ]
    );
    assert_eq!(InForm::OPTIONS.assets(), AssetSource::Local);
    assert_eq!(InForm::OPTIONS.action(), "");
}

#[test]
fn macro_values() {
    let inline = dropzone!(action = "/x", id = "inline", parallel_uploads = 1);
    assert_eq!(inline.options().id(), "inline");
    assert_eq!(inline.options().parallel_uploads(), 1);
    let merged = dropzone!(
        Zone,
        id = "merged",
        default_message = "Drop",
        js_url = "/a.js",
        css_url = "/a.css"
    );
    assert_eq!(merged.options().id(), "merged");
    assert_eq!(merged.options().max_files(), Some(2));
    assert_eq!(merged.options().messages().default_message(), "Drop");
    assert_eq!(merged.options().messages().cancel_upload(), "Cancel upload");
    assert_eq!(
        merged.options().assets(),
        AssetSource::Custom {
            js: "/a.js",
            css: "/a.css"
        }
    );
    assert_eq!(dropzone!(Zone).options(), Zone::OPTIONS);
}

#[derive(DropzoneConfig)]
#[dropzone(
    action = "/big",
    max_file_size = 64,
    chunking = true,
    chunk_size = 1048576
)]
#[dropzone(retry_chunks = true, strict_csp = true, extra(add_remove_links = true))]
struct Chunked;

#[test]
fn chunking_strict_csp_and_extra() {
    let c = Chunked::OPTIONS.chunking().expect("chunking");
    assert_eq!((c.chunk_size, c.retry_limit), (1_048_576, Some(3)));
    assert!(Chunked::OPTIONS.strict_csp());
    let merged = dropzone!(
        Chunked,
        parallel_chunk_uploads = true,
        retry_chunks_limit = 9,
        extra(thumbnail_width = null)
    );
    let m = merged.options().chunking().expect("chunking");
    assert!(m.parallel && m.retry_limit == Some(9));
    assert_eq!(merged.options().extra()[0].name, "thumbnailWidth");
    assert_eq!(merged.options().extra()[0].json, "null");
}

#[test]
fn new_options_reach_the_page() {
    let page = Chunked::create().into_string();
    for js in [
        "chunking",
        "chunkSize",
        "1048576",
        "retryChunksLimit",
        "addRemoveLinks",
    ] {
        assert!(page.contains(js), "{js} missing from {page}");
    }
}

/// `dropzone!(Type, id = …)` puts the zone on the page under another element id, but its
/// uploads still belong to `Upload<Type>`, which checks the zone header against `Type`'s id.
#[test]
fn an_overridden_id_keeps_the_declaring_zone_for_uploads() {
    let zone_id = Zone::OPTIONS.id();
    let second = dropzone!(Zone, id = "second-copy");
    assert_eq!(second.options().id(), "second-copy");
    assert_eq!(second.zone(), zone_id);
    let page = second.config().into_string();
    assert!(
        page.contains(&format!("\"X-Dropzone-Zone\":\"{zone_id}\"")),
        "{page}"
    );
    assert!(page.contains("second-copy"), "{page}");
    let inline = dropzone!(action = "/x", id = "inline");
    assert_eq!(inline.zone(), "inline");
}

#[derive(DropzoneConfig)]
#[dropzone(action = "/cdn", serve_local = false)]
struct FromCdn;

#[derive(DropzoneConfig)]
#[dropzone(action = "/old", version = "5.1.0")]
struct NotEmbedded;

/// The embedded copies are the default; jsDelivr only when asked for, or for a release this
/// crate does not ship.
#[test]
fn assets_are_local_unless_asked_otherwise() {
    assert_eq!(Zone::OPTIONS.assets(), AssetSource::Local);
    assert_eq!(
        dropzone!(action = "/x").options().assets(),
        AssetSource::Local
    );
    assert_eq!(FromCdn::OPTIONS.assets(), AssetSource::Cdn);
    assert_eq!(NotEmbedded::OPTIONS.assets(), AssetSource::Cdn);
    assert_eq!(
        dropzone!(FromCdn, serve_local = true).options().assets(),
        AssetSource::Local
    );
    assert_eq!(
        dropzone!(Zone, serve_local = false).options().assets(),
        AssetSource::Cdn
    );
}

/// Every form of the macro renders from a page built once: the same text as a zone built
/// from the same options on each render, with this request's values in it and not the last
/// request's.
#[test]
fn prebuilt_pages_match_a_fresh_build_and_keep_no_request_values() {
    let render = |d: dropzone_runtime::Dropzone| {
        let d = d
            .csrf_token("tok-1")
            .nonce("n-1")
            .action("/u?a=1&b=2")
            .redirect_url("/next");
        [d.create(), d.config(), d.load_js(), d.load_css()].map(|m| m.into_string())
    };
    let fresh =
        |d: &dropzone_runtime::Dropzone| dropzone_runtime::Dropzone::of_zone(d.options(), d.zone());
    let zones = [
        Zone::dropzone(),
        Chunked::dropzone(),
        InForm::dropzone(),
        dropzone!(Zone),
        dropzone!(Zone, id = "merged", default_message = "Drop"),
        dropzone!(action = "/x", id = "inline", enable_csrf = true),
    ];
    for zone in zones {
        let cached = render(zone.clone());
        assert_eq!(cached, render(fresh(&zone)), "{:?}", zone.options().id());
        // A second request with other values gets its own, not the first one's.
        let other = zone.csrf_token("tok-2").nonce("n-2").config().into_string();
        assert!(
            !other.contains("tok-1") && !other.contains("n-1"),
            "{other}"
        );
    }
}

/// The basic example's zone (Flask-Dropzone's `basic`).
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/upload",
    allowed_file_type = "image",
    max_file_size = 3,
    max_files = 30
)]
struct Photos;

/// Issue 8's size targets: the zone's data under 1.5 KB, and the basic example's whole page
/// (composed as examples/basic composes it) under 3 KB, on both releases.
#[test]
fn the_basic_page_is_small() {
    let config = Photos::config().into_string();
    assert!(config.len() < 1536, "{} bytes: {config}", config.len());
    let page = [
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>dropzone-rs basic example</title>".to_owned(),
        Photos::load_css().into_string(),
        Photos::style("border: 2px dashed #0087F7; margin: 10%; min-height: 400px;").into_string(),
        "</head><body>".to_owned(),
        Photos::create().into_string(),
        Photos::load_js().into_string(),
        Photos::config().into_string(),
        "</body></html>".to_owned(),
    ]
    .concat();
    assert!(page.len() < 3072, "{} bytes: {page}", page.len());
    // The init code is referenced, not carried.
    assert!(!page.contains("function startAll"), "{page}");
    println!(
        "basic zone: config {} bytes, page {} bytes",
        config.len(),
        page.len()
    );
}
