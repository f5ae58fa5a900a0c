//! Strict CSP mode markup, chunking keys and typed extra options, as exact output.

mod common;

use common::{DEFAULT, EVERYTHING, attr, leak, start_tag};
use dropzone_runtime::options::{Chunking, ExtraOption, Options};
use dropzone_runtime::{Dropzone, init_script_url};
use serde_json::{Value, json};

fn strict(o: Options) -> Dropzone {
    Dropzone::new(leak(o.with_strict_csp(true)))
}

/// The `data-dropzone` attribute of `create()`, HTML-unescaped and parsed.
fn spec(d: &Dropzone) -> Value {
    let html = d.create().into_string();
    let tag = if d.options().in_form() { "div" } else { "form" };
    let (attrs, _) = start_tag(&html, tag).unwrap();
    serde_json::from_str(attr(&attrs, "data-dropzone").expect("data-dropzone")).unwrap()
}

#[test]
fn strict_page_has_no_inline_script_or_style() {
    let d = strict(DEFAULT.with_enable_csrf(true)).csrf_token("t\"<&>'");
    let page = maud::html! {
        (d.load_css()) (d.load_js()) (d.style("width: 10px")) (d)
    }
    .into_string();
    // The init file comes with the library, once per page; the zone adds no script at all.
    let init = format!(r#"<script src="{}" defer></script>"#, init_script_url());
    assert!(d.load_js().into_string().ends_with(&init));
    assert_eq!(d.config().into_string(), "");
    assert_eq!(page.matches(&init).count(), 1, "{page}");
    // Every <script> is empty, and nothing is styled inline.
    for piece in page.split("<script").skip(1) {
        let body = &piece[piece.find('>').unwrap() + 1..];
        assert!(body.starts_with("</script>"), "{page}");
    }
    assert!(!page.contains("<style"), "{page}");
    assert!(!page.contains(" style="), "{page}");
    assert!(page.contains(r#"<form action="/upload" method="post" class="dropzone" id="myDropzone" enctype="multipart/form-data" data-dropzone="{&quot;v&quot;:1,"#), "{page}");
}

#[test]
fn data_attribute_round_trips_to_the_same_json() {
    let d = strict(EVERYTHING.with_custom_init(None).with_custom_options(None))
        .csrf_token("t\"<&>'\u{2028}");
    let s = spec(&d);
    assert_eq!(s["v"], json!(1));
    assert_eq!(s["redirect"], json!("/done?a=1&b=2"));
    assert_eq!(s["click"], json!({"button": "send-btn", "inForm": true}));
    let o = &s["options"];
    assert_eq!(o["url"], json!("/files"));
    assert_eq!(
        o["headers"],
        json!({"X-CSRF-Token": "t\"<&>'\u{2028}", "X-Dropzone-Zone": "my-zone_2"})
    );
    assert_eq!(o["dictInvalidFileType"], json!("Bad type <x>"));
    assert_eq!(
        o["dictDefaultMessage"],
        json!("Drop &lt;b&gt;here&lt;/b&gt;")
    );
    assert_eq!(o["createImageThumbnails"], json!(false));
    // In the markup the value holds no raw quote, <, > or &-entity other than maud's.
    let html = d.create().into_string();
    assert!(html.starts_with(r#"<div class="dropzone" id="my-zone_2" data-dropzone=""#));
    assert_eq!(html.matches(['<', '>']).count(), 4, "{html}");
}

#[test]
fn strict_never_emits_custom_code() {
    let d = strict(EVERYTHING);
    let page = maud::html! { (d) }.into_string();
    assert!(
        !page.contains("__added") && !page.contains("addRemoveLinks"),
        "{page}"
    );
}

#[test]
fn strict_style_needs_a_nonce() {
    let d = strict(DEFAULT);
    assert_eq!(d.style("width: 1px").into_string(), "");
    assert_eq!(
        d.clone().nonce("n").style("width: 1px").into_string(),
        r#"<style nonce="n">.dropzone#myDropzone{width: 1px}</style>"#
    );
    assert!(d.nonce("n").load_js().into_string().ends_with(&format!(
        r#"<script src="{}" defer nonce="n"></script>"#,
        init_script_url()
    )));
}

#[test]
fn default_mode_has_no_data_attribute_and_keeps_thumbnails() {
    let d = Dropzone::new(&DEFAULT);
    assert!(!d.create().into_string().contains("data-dropzone"));
    assert!(
        !d.config()
            .into_string()
            .contains("createImageThumbnails\":")
    );
}

#[test]
fn chunking_keys() {
    let o = DEFAULT.with_chunking(Some(Chunking {
        force: true,
        chunk_size: 1_048_576,
        parallel: true,
        retry_limit: Some(5),
    }));
    let s = Dropzone::new(leak(o)).config().into_string();
    assert!(s.contains(
        r#""headers":{"X-Dropzone-Zone":"myDropzone"},"chunking":true,"forceChunking":true,"chunkSize":1048576,"parallelChunkUploads":true,"retryChunks":true,"retryChunksLimit":5,"dictDefaultMessage""#
    ), "{s}");
    let o = o.with_chunking(Some(Chunking {
        force: false,
        chunk_size: 2_097_152,
        parallel: false,
        retry_limit: None,
    }));
    let s = spec(&strict(o));
    let keys: Vec<(&str, &Value)> = s["options"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.contains("hunk"))
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    assert_eq!(
        keys,
        [
            ("chunkSize", &json!(2_097_152)),
            ("chunking", &json!(true)),
            ("forceChunking", &json!(false)),
            ("parallelChunkUploads", &json!(false)),
            ("retryChunks", &json!(false)),
        ]
    );
}

const EXTRA: &[ExtraOption] = &[
    ExtraOption {
        name: "addRemoveLinks",
        json: "true",
    },
    ExtraOption {
        name: "dictFileSizeUnits",
        json: r#"{ "mb": "</script><!--" }"#,
    },
];

#[test]
fn extras_follow_the_generated_options_script_safe() {
    let d = Dropzone::new(leak(
        DEFAULT
            .with_extra(EXTRA)
            .with_custom_options(Some("addRemoveLinks: false")),
    ));
    let s = d.config().into_string();
    let extra = r#""dictUploadCanceled":"Upload canceled","addRemoveLinks":true,"dictFileSizeUnits":{"mb":"\u003c/script\u003e\u003c!--"}}}"#;
    let at = s.find(extra).unwrap_or_else(|| panic!("{s}"));
    assert!(
        s[at..].contains("\naddRemoveLinks: false,\n"),
        "custom options after extras"
    );
}

#[test]
fn an_extra_replaces_a_generated_key_once() {
    const THUMBS: &[ExtraOption] = &[ExtraOption {
        name: "createImageThumbnails",
        json: "true",
    }];
    let d = strict(DEFAULT.with_extra(THUMBS));
    let html = d.create().into_string();
    assert_eq!(html.matches("createImageThumbnails").count(), 1, "{html}");
    assert!(
        html.ends_with(r#"&quot;createImageThumbnails&quot;:true}}"></form>"#),
        "{html}"
    );
    assert_eq!(spec(&d)["options"]["createImageThumbnails"], json!(true));
}
