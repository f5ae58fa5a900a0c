//! Exact-output tests for every page fragment.

mod common;

use common::{DEFAULT, EVERYTHING, leak};
use dropzone_runtime::Dropzone;
use dropzone_runtime::options::{AssetSource, Options, Version};

const SRI_JS_6: &str = "sha384-wHTterC8uaPhGVKg8kmSlqcmI8CCFkOI+Mn51O3udobTBX0vQLs6a18vJqh0AnW3";
const SRI_CSS_6: &str = "sha384-asD8pW//1IYJd67ZZn/Eyo31U/YtixrhsNyn90jnZTEIgTpYfE2mkwGYVWHwg2vD";
const SRI_JS_5: &str = "sha384-PwiT+fWTPpIySx6DrH1FKraKo+LvVpOClsjx0TSdMYTKi7BR1hR149f4VHLUUnfA";
const SRI_CSS_5: &str = "sha384-hKRH7ZmTc4+t+iae668SDRfEsjc7HT3VrEMKuSwiDUK4pNQXd/v9BPVpIa0OLlp7";

/// The init code inline, as `load_js` writes it after a library from a CDN or custom URL.
fn inline_init(nonce: &str) -> String {
    format!("<script{nonce}>{}</script>", dropzone_runtime::INIT_JS)
}

/// The init file's tag, as `load_js` writes it after local assets.
fn init_file() -> String {
    format!(
        r#"<script src="{}" defer></script>"#,
        dropzone_runtime::INIT_SCRIPT_URL
    )
}

fn zone(o: Options) -> Dropzone {
    Dropzone::new(leak(o))
}

fn with_assets(version: Version, assets: AssetSource) -> Dropzone {
    zone(DEFAULT.with_version(version).with_assets(assets))
}

#[test]
fn cdn_default_version_has_sri() {
    let d = Dropzone::new(&DEFAULT);
    assert_eq!(
        d.load_css().into_string(),
        format!(
            r#"<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/dropzone@6.3.5/dist/dropzone.css" integrity="{SRI_CSS_6}" crossorigin="anonymous">"#
        )
    );
    assert_eq!(
        d.load_js().into_string(),
        format!(
            r#"<script src="https://cdn.jsdelivr.net/npm/dropzone@6.3.5/dist/dropzone-min.js" integrity="{SRI_JS_6}" crossorigin="anonymous"></script>{}"#,
            inline_init("")
        )
    );
}

#[test]
fn cdn_5_9_3_has_sri_and_min_paths() {
    let d = with_assets(Version::V5_9_3, AssetSource::Cdn);
    assert_eq!(
        d.load_css().into_string(),
        format!(
            r#"<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/dropzone@5.9.3/dist/min/dropzone.min.css" integrity="{SRI_CSS_5}" crossorigin="anonymous">"#
        )
    );
    assert_eq!(
        d.load_js().into_string(),
        format!(
            r#"<script src="https://cdn.jsdelivr.net/npm/dropzone@5.9.3/dist/min/dropzone.min.js" integrity="{SRI_JS_5}" crossorigin="anonymous"></script>{}"#,
            inline_init("")
        )
    );
}

#[test]
fn cdn_other_versions_have_no_sri() {
    let d = with_assets(Version::new("5.1.0", 5), AssetSource::Cdn);
    assert_eq!(
        d.load_css().into_string(),
        r#"<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/dropzone@5.1.0/dist/min/dropzone.min.css">"#
    );
    assert_eq!(
        d.load_js().into_string(),
        format!(
            r#"<script src="https://cdn.jsdelivr.net/npm/dropzone@5.1.0/dist/min/dropzone.min.js"></script>{}"#,
            inline_init("")
        )
    );
    let d = with_assets(Version::new("6.0.0-beta.2", 6), AssetSource::Cdn);
    assert_eq!(
        d.load_js().into_string(),
        format!(
            r#"<script src="https://cdn.jsdelivr.net/npm/dropzone@6.0.0-beta.2/dist/dropzone-min.js"></script>{}"#,
            inline_init("")
        )
    );
}

#[test]
fn local_assets_for_both_versions() {
    let d = with_assets(Version::V6_3_5, AssetSource::Local);
    assert_eq!(
        d.load_css().into_string(),
        r#"<link rel="stylesheet" href="/dropzone/static/6.3.5/dropzone.css">"#
    );
    assert_eq!(
        d.load_js().into_string(),
        format!(
            r#"<script src="/dropzone/static/6.3.5/dropzone-min.js"></script>{}"#,
            init_file()
        )
    );
    let d = with_assets(Version::V5_9_3, AssetSource::Local);
    assert_eq!(
        d.load_css().into_string(),
        r#"<link rel="stylesheet" href="/dropzone/static/5.9.3/dropzone.min.css">"#
    );
    assert_eq!(
        d.load_js().into_string(),
        format!(
            r#"<script src="/dropzone/static/5.9.3/dropzone.min.js"></script>{}"#,
            init_file()
        )
    );
}

#[test]
fn custom_assets_are_escaped_and_have_no_sri() {
    let d = with_assets(
        Version::V6_3_5,
        AssetSource::Custom {
            js: "/js/dz.js?a=1&b=\"2\"",
            css: "/css/<dz>.css",
        },
    );
    assert_eq!(
        d.load_css().into_string(),
        r#"<link rel="stylesheet" href="/css/&lt;dz&gt;.css">"#
    );
    assert_eq!(
        d.load_js().into_string(),
        format!(
            r#"<script src="/js/dz.js?a=1&amp;b=&quot;2&quot;"></script>{}"#,
            inline_init("")
        )
    );
}

#[test]
fn nonce_on_every_tag() {
    let d = Dropzone::new(&DEFAULT).nonce("r4nd\"m");
    assert_eq!(
        d.load_css().into_string(),
        format!(
            r#"<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/dropzone@6.3.5/dist/dropzone.css" integrity="{SRI_CSS_6}" crossorigin="anonymous" nonce="r4nd&quot;m">"#
        )
    );
    assert_eq!(
        d.load_js().into_string(),
        format!(
            r#"<script src="https://cdn.jsdelivr.net/npm/dropzone@6.3.5/dist/dropzone-min.js" integrity="{SRI_JS_6}" crossorigin="anonymous" nonce="r4nd&quot;m"></script>{}"#,
            inline_init(r#" nonce="r4nd&quot;m""#)
        )
    );
    assert!(d.config().into_string().starts_with(
        r#"<script type="application/json" data-dropzone-rs="myDropzone" nonce="r4nd&quot;m">{"#
    ));
    let local = with_assets(Version::V6_3_5, AssetSource::Local).nonce("n");
    assert!(local.load_js().into_string().ends_with(&format!(
        r#"<script src="{}" defer nonce="n"></script>"#,
        dropzone_runtime::INIT_SCRIPT_URL
    )));
    assert_eq!(
        d.style("width: 500px").into_string(),
        r#"<style nonce="r4nd&quot;m">.dropzone#myDropzone{width: 500px}</style>"#
    );
    // An empty nonce means none, as in Flask-Dropzone.
    let d = Dropzone::new(&DEFAULT).nonce("");
    assert!(
        d.config()
            .into_string()
            .starts_with("<script type=\"application/json\" data-dropzone-rs=\"myDropzone\">{")
    );
    assert!(!d.load_js().into_string().contains("nonce"));
}

#[test]
fn create_form() {
    assert_eq!(
        Dropzone::new(&DEFAULT).create().into_string(),
        r#"<form action="/upload" method="post" class="dropzone" id="myDropzone" enctype="multipart/form-data"></form>"#
    );
}

#[test]
fn create_form_with_request_action_escaped() {
    let d = Dropzone::new(&DEFAULT).action("/upload?x=1&y=\"<2>\"");
    assert_eq!(
        d.create().into_string(),
        r#"<form action="/upload?x=1&amp;y=&quot;&lt;2&gt;&quot;" method="post" class="dropzone" id="myDropzone" enctype="multipart/form-data"></form>"#
    );
    assert!(
        d.config()
            .into_string()
            .contains(r#""url":"/upload?x=1\u0026y=\"\u003c2\u003e\"""#)
    );
}

#[test]
fn create_in_form_div_honours_id() {
    assert_eq!(
        Dropzone::new(&EVERYTHING)
            .action("/ignored")
            .create()
            .into_string(),
        r#"<div class="dropzone" id="my-zone_2"></div>"#
    );
}

#[test]
fn style_scoped_and_unscoped() {
    assert_eq!(
        Dropzone::new(&DEFAULT)
            .style("border: 2px dashed #0087F7; margin: 10%")
            .into_string(),
        "<style>.dropzone#myDropzone{border: 2px dashed #0087F7; margin: 10%}</style>"
    );
    assert_eq!(
        dropzone_runtime::style("width: 500px").into_string(),
        "<style>.dropzone{width: 500px}</style>"
    );
    assert_eq!(
        zone(DEFAULT.with_id("9 lives"))
            .style("a:b}</style>")
            .into_string(),
        r"<style>.dropzone#\39 \20 lives{a:b\7d \3c /style\3e }</style>"
    );
}

/// The whole default config, so that any change to its shape is a visible decision: the
/// zone's spec in a data block, and no code.
fn default_config() -> String {
    format!(
        "<script type=\"application/json\" data-dropzone-rs=\"myDropzone\">{}</script>",
        r#"{"v":1,"options":{"url":"/upload","paramName":"file","maxFilesize":3,"acceptedFiles":"image/*, audio/*, video/*, text/*, application/*","maxFiles":null,"uploadMultiple":false,"parallelUploads":2,"headers":{"X-Dropzone-Zone":"myDropzone"},"dictDefaultMessage":"Drop files here or click to upload.","dictInvalidFileType":"You can't upload files of this type.","dictFileTooBig":"File is too big {{filesize}}. Max filesize: {{maxFilesize}}MiB.","dictResponseError":"Server error: {{statusCode}}","dictFallbackMessage":"Your browser does not support drag'n'drop file uploads.","dictMaxFilesExceeded":"You can't upload any more files.","dictCancelUpload":"Cancel upload","dictRemoveFile":"Remove file","dictCancelUploadConfirmation":"You really want to delete this file?","dictUploadCanceled":"Upload canceled"}}"#
    )
}

#[test]
fn config_default_exact() {
    assert_eq!(
        Dropzone::new(&DEFAULT).config().into_string(),
        default_config()
    );
}

#[test]
fn init_js_is_safe_to_inline() {
    let js = dropzone_runtime::INIT_JS.to_ascii_lowercase();
    for bad in ["</script", "<script", "<!--", "-->", "]]>"] {
        assert!(!js.contains(bad), "init.js contains {bad}");
    }
    assert!(js.ends_with("})();\n"));
    assert_eq!(
        dropzone_runtime::init_script_url(),
        dropzone_runtime::INIT_SCRIPT_URL
    );
    assert_eq!(dropzone_runtime::ZONE_HEADER, "X-Dropzone-Zone");
}

#[test]
fn config_is_the_same_for_both_versions() {
    // One script shape serves 5.9.3 and 6.3.5; only load_css/load_js differ.
    let five = zone(DEFAULT.with_version(Version::V5_9_3));
    assert_eq!(five.config().into_string(), default_config());
}

#[test]
fn render_is_create_then_config() {
    let d = Dropzone::new(&DEFAULT);
    let page = maud::html! { (d) }.into_string();
    assert_eq!(
        page,
        format!("{}{}", d.create().into_string(), default_config())
    );
}

#[test]
fn config_options_json() {
    let d = zone(
        DEFAULT
            .with_max_file_size(0.5)
            .with_max_files(Some(7))
            .with_timeout(Some(0))
            .with_accepted_files(dropzone_runtime::options::AcceptedFiles {
                list: "",
                rules: &[],
            }),
    );
    let page = d.config().into_string();
    let s = page.as_str();
    assert!(
        s.contains(r#""maxFilesize":0.5,"acceptedFiles":null,"maxFiles":7,"#),
        "{s}"
    );
    assert!(
        s.contains(r#""parallelUploads":2,"timeout":0,"headers""#),
        "{s}"
    );
    assert!(!s.contains("autoProcessQueue") && !s.contains("\"click\""));
    assert!(!s.contains("\"redirect\"") && !s.contains("\"init\":"));
    assert!(!s.contains("chunk") && !s.contains("createImageThumbnails"));
}

#[test]
fn headers_carry_the_zone_and_csrf_only_with_enable_csrf_and_token() {
    let on = zone(DEFAULT.with_enable_csrf(true));
    let s = on.config().into_string();
    assert!(s.contains(r#""headers":{"X-Dropzone-Zone":"myDropzone"}"#));
    let s = on.clone().csrf_token("ab.c-d_e").config().into_string();
    assert!(
        s.contains(r#""headers":{"X-CSRF-Token":"ab.c-d_e","X-Dropzone-Zone":"myDropzone"}"#),
        "{s}"
    );
    let off = Dropzone::new(&DEFAULT).csrf_token("ab");
    assert!(!off.config().into_string().contains("X-CSRF-Token"));
}

#[test]
fn html_inserted_messages_are_escaped_others_not() {
    let s = Dropzone::new(&EVERYTHING).config().into_string();
    for part in [
        r#""dictDefaultMessage":"Drop \u0026lt;b\u0026gt;here\u0026lt;/b\u0026gt;""#,
        r#""dictCancelUpload":"Stop \u0026amp; drop""#,
        r#""dictRemoveFile":"Remove \u0026#39;it\u0026#39;""#,
        r#""dictInvalidFileType":"Bad type \u003cx\u003e""#,
        r#""dictFallbackMessage":"No \"drag\" here""#,
        r#""dictFileTooBig":"Too big {{filesize}} \u003e {{maxFilesize}}""#,
    ] {
        assert!(s.contains(part), "missing {part} in {s}");
    }
}

#[test]
fn request_values_override_options() {
    let d = Dropzone::new(&EVERYTHING)
        .upload_action("/other")
        .redirect_url("/next");
    let s = d.config().into_string();
    assert!(s.contains(r#"{"url":"/other","#));
    assert!(s.contains(r#""redirect":"/next""#));
    let d = Dropzone::new(&DEFAULT).action("/a");
    assert!(d.config().into_string().contains(r#"{"url":"/a","#));
}

#[test]
fn the_code_script_finds_its_data_block_by_id() {
    let s = Dropzone::new(&EVERYTHING).config().into_string();
    assert!(s.contains(r#"data-dropzone-rs="my-zone_2""#), "{s}");
    assert!(
        s.contains(r#"s[i].getAttribute("data-dropzone-rs") === "my-zone_2""#),
        "{s}"
    );
}

#[test]
fn custom_code_normalized_on_own_lines() {
    let s = Dropzone::new(&EVERYTHING).config().into_string();
    assert!(s.contains(
        "\"custom\": function () {\n      return {\naddRemoveLinks: true // trailing comment,\n      };\n    }\n"
    ), "{s}");
    assert!(s.contains(
        "\"init\": function (dz) {\n      (function () {\nthis.on(\"addedfile\", function () { window.__added = true; }) // trailing;\n      }).call(dz);\n    }"
    ), "{s}");
    let d = zone(
        DEFAULT
            .with_custom_init(Some("foo();  "))
            .with_custom_options(Some("a: '</SCRIPT>',")),
    );
    let s = d.config().into_string();
    assert!(s.contains("\nfoo();  \n"), "{s}");
    assert!(s.contains("\na: '<\\/SCRIPT>',\n"), "{s}");
}
