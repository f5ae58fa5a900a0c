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
