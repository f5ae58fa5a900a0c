use dropzone_runtime::options::{Chunking, ExtraOption};
use dropzone_runtime::{dropzone, DropzoneConfig};

#[derive(DropzoneConfig)]
#[dropzone(action = "/big", max_file_size = 100, chunking = true, force_chunking = true)]
#[dropzone(chunk_size = 1048576, parallel_chunk_uploads = true, retry_chunks = true)]
#[dropzone(retry_chunks_limit = 5, strict_csp = true)]
#[dropzone(extra(add_remove_links = true, thumbnail_width = 200, thumbnail_height = null))]
#[dropzone(extra(clickable = ".btn", resize_quality = 0.5, dict_fallback_text = "<old> & \"new\""))]
struct Big;

#[derive(DropzoneConfig)]
#[dropzone(action = "/plain", chunking = true)]
struct Plain;

fn main() {
    let o = Big::OPTIONS;
    assert_eq!(
        o.chunking(),
        Some(Chunking { force: true, chunk_size: 1_048_576, parallel: true, retry_limit: Some(5) })
    );
    assert!(o.strict_csp());
    assert_eq!(
        o.extra(),
        &[
            ExtraOption { name: "addRemoveLinks", json: "true" },
            ExtraOption { name: "thumbnailWidth", json: "200" },
            ExtraOption { name: "thumbnailHeight", json: "null" },
            ExtraOption { name: "clickable", json: "\".btn\"" },
            ExtraOption { name: "resizeQuality", json: "0.5" },
            ExtraOption { name: "dictFallbackText", json: "\"&lt;old&gt; &amp; &quot;new&quot;\"" },
        ]
    );

    // Defaults: 2 MiB chunks, no retries.
    assert_eq!(
        Plain::OPTIONS.chunking(),
        Some(Chunking { force: false, chunk_size: 2_097_152, parallel: false, retry_limit: None })
    );
    assert!(!Plain::OPTIONS.strict_csp() && Plain::OPTIONS.extra().is_empty());

    // Page-only chunk options, strict_csp and extra can be overridden; extra is replaced.
    let z = dropzone!(
        Big,
        id = "other",
        force_chunking = false,
        retry_chunks_limit = 2,
        strict_csp = false,
        custom_init = "this.on('success', function () {});",
        extra(with_credentials = true),
    );
    let c = z.options().chunking().unwrap();
    assert!(!c.force && c.parallel && c.chunk_size == 1_048_576);
    assert_eq!(c.retry_limit, Some(2));
    assert_eq!(z.options().extra(), &[ExtraOption { name: "withCredentials", json: "true" }]);
    let off = dropzone!(Plain, retry_chunks = true, extra());
    assert_eq!(off.options().chunking().unwrap().retry_limit, Some(3));

    // The same options in the one-off form, 6.x-only extras on the default version.
    let one = dropzone!(
        action = "/x",
        chunking = true,
        retry_chunks = true,
        extra(default_headers = false, method = "put", previews_container = false),
    );
    assert_eq!(one.options().chunking().unwrap().retry_limit, Some(3));
    assert_eq!(one.options().extra().len(), 3);
}
